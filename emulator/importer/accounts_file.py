"""The original server's saved accounts file, read into records (no database here).

A text file: blank lines and lines starting ``#`` are skipped; each account is a line
``ACCOUNT id:name:password:type:last_login:credits[:suspended_until]``, where the password
is the hex of the client's 16-byte digest of it (``None`` when it has none), the type is
0 player, 1 admin, 2 DM, 3 guest, and the times are seconds since 1970 (0: none); the file
ends with ``NEXT_ACCOUNT_ID n``.
"""

from __future__ import annotations

import datetime
import re

import attrs

from emulator import auth
from emulator.store import accounts

#: The original's account types, as this server's admin levels (a guest becomes a player).
ACCOUNT_TYPES = {0: accounts.USER, 1: accounts.ADMIN, 2: accounts.DM, 3: accounts.USER}
TYPE_NAMES = {0: "player", 1: "admin", 2: "DM", 3: "guest"}
GUEST = 3

_LINE_KIND = re.compile(r"[^:\s]+")


@attrs.frozen
class OriginalAccount:
    line: int
    original_id: int
    name: str
    digest: bytes | None  # None: the account had no password
    account_type: int
    last_login: datetime.datetime | None
    suspended_until: datetime.datetime | None

    @property
    def admin_level(self) -> int:
        return ACCOUNT_TYPES[self.account_type]


@attrs.frozen
class Problem:
    line: int
    reason: str


@attrs.frozen
class AccountsFile:
    accounts: list[OriginalAccount]
    problems: list[Problem]
    next_account_id: int | None


class _Malformed(ValueError):
    pass


def parse_accounts_file(text: str) -> AccountsFile:
    """Every account line that reads, and a problem for every line that does not."""
    found: list[OriginalAccount] = []
    problems: list[Problem] = []
    next_id: int | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        kind_match = _LINE_KIND.match(line)
        kind = kind_match.group(0) if kind_match else ""
        rest = line[len(kind):].lstrip(": \t")
        try:
            if kind.upper() == "ACCOUNT":
                found.append(_account(number, rest))
            elif kind.upper() == "NEXT_ACCOUNT_ID":
                next_id = _integer(rest.strip(), "NEXT_ACCOUNT_ID")
            else:
                raise _Malformed(f"unknown line type {kind!r} (expected ACCOUNT or NEXT_ACCOUNT_ID)")
        except _Malformed as error:
            problems.append(Problem(number, str(error)))
    return AccountsFile(found, problems, next_id)


def _account(number: int, rest: str) -> OriginalAccount:
    fields = rest.split(":")
    if len(fields) not in (6, 7):
        raise _Malformed(f"an ACCOUNT line has 6 or 7 fields separated by ':', this one {len(fields)}")
    account_id = _integer(fields[0], "account id")
    name = fields[1]
    if not name:
        raise _Malformed("the account name is empty")
    account_type = _integer(fields[3], "account type")
    if account_type not in ACCOUNT_TYPES:
        raise _Malformed(f"account type {account_type} is none of {sorted(ACCOUNT_TYPES)}")
    last_login = _moment(_integer(fields[4], "last login time"))
    _integer(fields[5], "credits")  # checked for the line's sake; this server keeps no credits
    suspended = _moment(_integer(fields[6], "suspension time")) if len(fields) == 7 else None
    return OriginalAccount(number, account_id, name, _digest(fields[2]), account_type, last_login, suspended)


def _digest(field: str) -> bytes | None:
    if field == "None":
        return None
    if len(field) % 2 or not re.fullmatch(r"[0-9A-Fa-f]*", field):
        raise _Malformed(f"the password {field[:8]!r}... is not hexadecimal bytes")
    digest = bytes.fromhex(field)
    if len(digest) != auth.DIGEST_LENGTH:
        raise _Malformed(f"the password is {len(digest)} bytes, not the {auth.DIGEST_LENGTH} of a digest")
    if 0 in digest:
        raise _Malformed("the password has a zero byte, which no client digest has")
    return digest


def _integer(field: str, what: str) -> int:
    try:
        return int(field.strip(), 10)
    except ValueError:
        raise _Malformed(f"the {what} {field!r} is not a whole number") from None


def _moment(seconds: int) -> datetime.datetime | None:
    if seconds <= 0:
        return None
    try:
        return datetime.datetime.fromtimestamp(seconds, datetime.UTC)
    except (OverflowError, OSError, ValueError):
        raise _Malformed(f"the time {seconds} is out of range") from None
