"""Account operations: plain synchronous functions taking an open database as first argument.

The server runs them on the store thread (``StoreService.call``); the operator command calls them
directly. Times given to and returned by these functions are timezone-aware UTC; naive ones are
taken as UTC.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from typing import Concatenate, Literal, ParamSpec, TypeVar, overload

import attrs
import peewee

from emulator import auth
from emulator.store.models import (
    ADDRESS_COLUMN_LENGTH,
    NAME_COLUMN_LENGTH,
    NAME_MAX_BYTES,
    Account,
    LoginRecord,
    database_proxy,
)

P = ParamSpec("P")
R = TypeVar("R")

USER, ADMIN, DM = 0, 1, 2
ADMIN_LEVELS = {USER: "user", ADMIN: "admin", DM: "dm"}

LoginOutcome = Literal["ok", "bad_credentials", "banned"]


class StoreError(Exception):
    """A refused account operation; the message is fit for the operator."""


class AccountExists(StoreError):
    pass


class NoSuchAccount(StoreError):
    pass


class InvalidAccountName(StoreError, ValueError):
    pass


class InvalidPassword(StoreError, ValueError):
    pass


class InvalidAdminLevel(StoreError, ValueError):
    pass


@attrs.frozen
class AccountInfo:
    id: int
    name: str
    admin_level: int
    created_at: datetime.datetime
    last_login_at: datetime.datetime | None
    last_login_address: str | None
    banned: bool
    banned_until: datetime.datetime | None  # None with banned=True: no end
    ban_reason: str | None

    def is_banned(self, now: datetime.datetime) -> bool:
        return self.banned and (self.banned_until is None or _utc(now) < self.banned_until)


@attrs.frozen
class LoginVerdict:
    outcome: LoginOutcome
    account_id: int | None = None
    account_name: str | None = None
    admin_level: int = USER
    banned_until: datetime.datetime | None = None
    ban_reason: str | None = None


@attrs.frozen
class LoginAttempt:
    account_id: int | None
    name_tried: str
    address: str
    time: datetime.datetime
    success: bool
    outcome: str


def validate_name(name: str) -> str:
    """``name`` if it can be an account name, else InvalidAccountName."""
    try:
        encoded = name.encode("latin-1")
    except UnicodeEncodeError:
        raise InvalidAccountName(f"account name {name!r} has characters outside latin-1") from None
    if not 1 <= len(encoded) <= NAME_MAX_BYTES:
        raise InvalidAccountName(f"account name must be 1 to {NAME_MAX_BYTES} bytes, not {len(encoded)}")
    if not name.isprintable():
        raise InvalidAccountName(f"account name {name!r} has unprintable characters")
    if name != name.strip(" "):
        raise InvalidAccountName(f"account name {name!r} starts or ends with a space")
    if len(name_key(name)) > NAME_COLUMN_LENGTH:  # "ß" folds to "ss": the key can outgrow the name
        raise InvalidAccountName(
            f"account name {name!r} is too long once letter case is folded ({len(name_key(name))} of "
            f"{NAME_COLUMN_LENGTH} characters)"
        )
    return name


def name_key(name: str) -> str:
    """The name as compared: names differing only in letter case are one name."""
    return name.casefold()


def _on_database(fn: Callable[Concatenate[peewee.Database, P], R]) -> Callable[Concatenate[peewee.Database, P], R]:
    """Point the models' proxy at ``db`` before running ``fn``.

    A process uses one database at a time (the server's store thread, or the operator command), so
    rebinding the global proxy only matters when tests switch between backends.
    """

    @functools.wraps(fn)
    def wrapper(db: peewee.Database, /, *args: P.args, **kwargs: P.kwargs) -> R:
        if database_proxy.obj is not db:
            database_proxy.initialize(db)
        return fn(db, *args, **kwargs)

    return wrapper


@_on_database
def create_account(
    db: peewee.Database,
    name: str,
    password: str,
    *,
    admin_level: int = USER,
    now: datetime.datetime | None = None,
    cost: auth.HashCost = auth.DEFAULT_COST,
) -> AccountInfo:
    validate_name(name)
    _check_level(admin_level)
    password_hash = auth.hash_digest(_password_digest(password), cost)  # outside the transaction: slow
    return _create(db, name, password_hash, admin_level, now or _now())


@_on_database
def create_account_from_digest(
    db: peewee.Database,
    name: str,
    digest: bytes,
    *,
    admin_level: int = USER,
    now: datetime.datetime | None = None,
    last_login_at: datetime.datetime | None = None,
    cost: auth.HashCost = auth.DEFAULT_COST,
) -> AccountInfo:
    """An account whose password is known only as the client's digest of it (one imported from
    the original server); it is stored under the same salted slow hash as any other."""
    validate_name(name)
    _check_level(admin_level)
    password_hash = auth.hash_digest(digest, cost)
    return _create(db, name, password_hash, admin_level, now or _now(), last_login_at)


def _create(
    db: peewee.Database,
    name: str,
    password_hash: str,
    admin_level: int,
    now: datetime.datetime,
    last_login_at: datetime.datetime | None = None,
) -> AccountInfo:
    with db.atomic():
        if _find(name) is not None:
            raise AccountExists(f"account {name!r} exists")
        try:
            account = Account.create(
                name=name,
                name_key=name_key(name),
                password_hash=password_hash,
                admin_level=admin_level,
                created_at=_to_db(now),
                last_login_at=None if last_login_at is None else _to_db(last_login_at),
            )
        except peewee.IntegrityError:  # another process created it since the check
            raise AccountExists(f"account {name!r} exists") from None
    return _info(account)


@_on_database
def set_password(db: peewee.Database, name: str, password: str, *, cost: auth.HashCost = auth.DEFAULT_COST) -> None:
    password_hash = auth.hash_digest(_password_digest(password), cost)
    _update(db, name, password_hash=password_hash)


@_on_database
def set_password_digest(db: peewee.Database, name: str, digest: bytes, *, cost: auth.HashCost = auth.DEFAULT_COST) -> None:
    """Set the password from a client digest (e.g. one imported from the original server)."""
    _update(db, name, password_hash=auth.hash_digest(digest, cost))


@_on_database
def delete_account(db: peewee.Database, name: str) -> None:
    with db.atomic():
        account = _get(name)
        account.delete_instance()  # login records keep their rows, account set to NULL


@_on_database
def get_account(db: peewee.Database, name: str) -> AccountInfo:
    return _info(_get(name))


@_on_database
def list_accounts(db: peewee.Database) -> list[AccountInfo]:
    return [_info(account) for account in Account.select().order_by(Account.name_key)]


@_on_database
def ban(db: peewee.Database, name: str, until: datetime.datetime | None, reason: str | None = None) -> None:
    """Ban ``name`` until ``until`` (exclusive), or with no end when ``until`` is None."""
    _update(db, name, banned=True, banned_until=None if until is None else _to_db(until), ban_reason=reason)


@_on_database
def unban(db: peewee.Database, name: str) -> None:
    _update(db, name, banned=False, banned_until=None, ban_reason=None)


@_on_database
def set_admin(db: peewee.Database, name: str, level: int) -> None:
    _check_level(level)
    _update(db, name, admin_level=level)


@attrs.frozen
class LoginCandidate:
    """What the database says about a name, before the password is checked."""

    name: str
    account_id: int | None = None
    password_hash: str | None = attrs.field(default=None, repr=False)
    info: AccountInfo | None = None


@_on_database
def find_login_candidate(db: peewee.Database, name: str) -> LoginCandidate:
    """Step 1 of a login, on the database thread."""
    account = _find(name) if name else None
    if account is None:
        return LoginCandidate(name)
    return LoginCandidate(name, account.id, account.password_hash, _info(account))


def judge_login(
    candidate: LoginCandidate,
    digest: bytes,
    now: datetime.datetime,
    cost: auth.HashCost = auth.DEFAULT_COST,
) -> LoginVerdict:
    """Step 2, the slow hash, needing no database (the server runs it on its own threads).

    Exactly one hash verification runs whatever the name, so timing does not tell which names exist.
    A ban is reported only after the password matched: it is not disclosed to someone guessing.
    """
    if candidate.password_hash is None or candidate.info is None:
        auth.verify_digest(auth.dummy_hash(cost), digest)
        return LoginVerdict("bad_credentials")
    if not auth.verify_digest(candidate.password_hash, digest):
        return LoginVerdict("bad_credentials")
    info = candidate.info
    outcome: LoginOutcome = "banned" if info.is_banned(now) else "ok"
    return LoginVerdict(
        outcome,
        account_id=info.id,
        account_name=info.name,
        admin_level=info.admin_level,
        banned_until=info.banned_until if outcome == "banned" else None,
        ban_reason=info.ban_reason if outcome == "banned" else None,
    )


@_on_database
def record_login(
    db: peewee.Database, candidate: LoginCandidate, verdict: LoginVerdict, address: str, now: datetime.datetime
) -> LoginVerdict:
    """Step 3, on the database thread: the attempt goes into the history; a success updates the last login."""
    with db.atomic():
        LoginRecord.create(
            account=candidate.account_id,
            name_tried=candidate.name[:NAME_COLUMN_LENGTH],
            address=address[:ADDRESS_COLUMN_LENGTH],
            time=_to_db(now),
            success=verdict.outcome == "ok",
            outcome=verdict.outcome,
        )
        if verdict.outcome == "ok":
            Account.update(last_login_at=_to_db(now), last_login_address=address[:ADDRESS_COLUMN_LENGTH]).where(
                Account.id == candidate.account_id
            ).execute()
    return verdict


def verify_login(
    db: peewee.Database,
    name: str,
    digest: bytes,
    address: str,
    now: datetime.datetime | None = None,
    *,
    cost: auth.HashCost = auth.DEFAULT_COST,
) -> LoginVerdict:
    """Check a login and record the attempt (the three steps above, in one call)."""
    now = now or _now()
    candidate = find_login_candidate(db, name)
    return record_login(db, candidate, judge_login(candidate, digest, now, cost), address, now)


@_on_database
def recent_logins(db: peewee.Database, name: str | None = None, limit: int = 50) -> list[LoginAttempt]:
    """The latest login attempts, newest first: all, those on account ``name``, or those with that exact
    unknown name."""
    query = LoginRecord.select().order_by(LoginRecord.time.desc(), LoginRecord.id.desc()).limit(limit)
    if name is not None:
        account = _find(name)
        query = query.where(LoginRecord.name_tried == name if account is None else LoginRecord.account == account.id)
    rows = list(query)
    return [
        LoginAttempt(
            account_id=row.account_id,
            name_tried=row.name_tried,
            address=row.address,
            time=_from_db(row.time),
            success=row.success,
            outcome=row.outcome,
        )
        for row in rows
    ]


#: Longest password accepted: the client sends only its digest, so this catches
#: mistakes (a pasted file, a wrong pipe), not attacks.
PASSWORD_MAX_CHARACTERS = 256


def _password_digest(password: str) -> bytes:
    if not password:
        raise InvalidPassword("the password is empty")
    if not password.strip():
        raise InvalidPassword("the password is only spaces")
    if len(password) > PASSWORD_MAX_CHARACTERS:
        raise InvalidPassword(f"the password is {len(password):,} characters long; at most {PASSWORD_MAX_CHARACTERS} are allowed")
    try:
        return auth.client_digest(password)
    except ValueError as error:
        raise InvalidPassword(str(error)) from None


def _check_level(level: int) -> None:
    if level not in ADMIN_LEVELS:
        raise InvalidAdminLevel(f"admin level must be one of {sorted(ADMIN_LEVELS)}, not {level!r}")


def _find(name: str) -> Account | None:
    return Account.get_or_none(Account.name_key == name_key(name))


def _get(name: str) -> Account:
    account = _find(name)
    if account is None:
        raise NoSuchAccount(f"no account {name!r}")
    return account


def _update(db: peewee.Database, name: str, **fields: object) -> None:
    with db.atomic():
        changed = Account.update(**fields).where(Account.name_key == name_key(name)).execute()
    if not changed and _find(name) is None:  # MySQL counts changed rows, not matched ones
        raise NoSuchAccount(f"no account {name!r}")


def _info(account: Account) -> AccountInfo:
    return AccountInfo(
        id=account.id,
        name=account.name,
        admin_level=account.admin_level,
        created_at=_from_db(account.created_at),
        last_login_at=_from_db(account.last_login_at),
        last_login_address=account.last_login_address,
        banned=bool(account.banned),
        banned_until=_from_db(account.banned_until),
        ban_reason=account.ban_reason,
    )


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def _utc(moment: datetime.datetime) -> datetime.datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=datetime.UTC)
    return moment.astimezone(datetime.UTC)


def _to_db(moment: datetime.datetime) -> datetime.datetime:
    # Whole seconds: MySQL DATETIME drops fractions, and both backends should read back the same.
    return _utc(moment).replace(tzinfo=None, microsecond=0)


@overload
def _from_db(moment: datetime.datetime) -> datetime.datetime: ...


@overload
def _from_db(moment: datetime.datetime | None) -> datetime.datetime | None: ...


def _from_db(moment: datetime.datetime | None) -> datetime.datetime | None:
    return None if moment is None else moment.replace(tzinfo=datetime.UTC)
