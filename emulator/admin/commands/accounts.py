"""``ban``, ``unban``, ``account``: accounts, online or not.

They work on the store alone (``needs_world=False``), so ``m59emu admin`` runs them with
no server; on a running server a banned player who is online is logged off at once.
"""

from __future__ import annotations

import argparse
import datetime
import re
from collections.abc import Callable

import attrs
import peewee
from twisted.internet import defer
from twisted.python.failure import Failure

from emulator.admin.registry import Call, Command, CommandError, Rights
from emulator.game import operator
from emulator.store import accounts, characters
from emulator.store.accounts import AccountInfo, StoreError
from emulator.store.characters import CharacterRecord

_RELATIVE = re.compile(r"^(\d+)\s*([mhdw])$", re.IGNORECASE)
_UNIT = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_until(text: str, now: datetime.datetime) -> datetime.datetime:
    """An end of a ban: an ISO date or time (UTC unless it says), or a time from now
    ("30m", "12h", "7d", "2w")."""
    relative = _RELATIVE.match(text.strip())
    if relative is not None:
        return now + datetime.timedelta(**{_UNIT[relative.group(2).lower()]: int(relative.group(1))})
    try:
        moment = datetime.datetime.fromisoformat(text.strip())
    except ValueError:
        raise CommandError(f"--until {text!r}: give a date (2030-01-31), a time (2030-01-31T18:00) "
                           f"or a time from now (30m, 12h, 7d, 2w)") from None
    moment = moment if moment.tzinfo is not None else moment.replace(tzinfo=datetime.UTC)
    if moment <= now:
        raise CommandError(f"--until {text!r} is already past")
    return moment


@attrs.frozen
class AccountView:
    info: AccountInfo
    characters: list[CharacterRecord]


def lookup(db: peewee.Database, name: str) -> AccountView:
    """An account by its name or by the name of one of its characters (store thread)."""
    try:
        info = accounts.get_account(db, name)
    except accounts.NoSuchAccount:
        record = characters.find_character(db, name)
        if record is None:
            raise accounts.NoSuchAccount(f"no account or character named {name!r}") from None
        info = accounts.get_account(db, record.account_name)
    return AccountView(info, characters.list_characters(db, info.id))


def _ban_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", help="the account (or one of its characters)")
    parser.add_argument("--until", help="when the ban ends (2030-01-31, 2030-01-31T18:00, 7d); no end if not given")
    parser.add_argument("--reason", help="why (kept with the account, shown by 'account')")


def _ban(call: Call) -> defer.Deferred[str]:
    now = datetime.datetime.fromtimestamp(call.control.reactor.seconds(), datetime.UTC)
    until = parse_until(call.args.until, now) if call.args.until else None
    reason = call.args.reason

    def banned(view: AccountView) -> defer.Deferred[str]:
        name = view.info.name
        done = call.control.store.call(accounts.ban, name, until, reason)
        return done.addCallback(lambda _: _after_ban(call, view.info, until))

    return _on_account(call, call.args.name, banned)


def _after_ban(call: Call, info: AccountInfo, until: datetime.datetime | None) -> str:
    text = f"{info.name} banned " + (f"until {until:%Y-%m-%d %H:%M} UTC" if until else "with no end")
    if call.args.reason:
        text += f" ({call.args.reason})"
    kicked = _log_off_account(call, info.id, call.control.config.login.banned_message, "ban")
    return text + ("; logged off" if kicked else "")


def _log_off_account(call: Call, account_id: int, message: str, why: str) -> bool:
    """Log the account off if it is online (a running server only); whether it was."""
    if not call.control.online:
        return False
    hub, factory = call.control.hub, call.control.factory
    assert hub is not None and factory is not None
    ctx = hub.context
    session = next((s for s in ctx.sessions.values() if s.account.id == account_id), None)
    if session is not None:
        operator.log_off(ctx, session, message, why)
        return True
    protocol = factory.online.get(account_id)
    if protocol is not None and not protocol.machine.closed:  # at the login menu: no game text to show
        protocol.kick(why)
        return True
    return False


def _unban(call: Call) -> defer.Deferred[str]:
    def unbanned(view: AccountView) -> defer.Deferred[str]:
        was = "" if view.info.banned else " (it was not banned)"
        done = call.control.store.call(accounts.unban, view.info.name)
        return done.addCallback(lambda _: f"{view.info.name} unbanned{was}")

    return _on_account(call, call.args.name, unbanned)


def _account(call: Call) -> defer.Deferred[str]:
    return _on_account(call, call.args.name, lambda view: describe(view, call))


def describe(view: AccountView, call: Call) -> str:
    info = view.info
    level = accounts.ADMIN_LEVELS.get(info.admin_level, str(info.admin_level))
    last = "never"
    if info.last_login_at is not None:
        last = f"{info.last_login_at:%Y-%m-%d %H:%M} UTC from {info.last_login_address or 'unknown'}"
    lines = [
        f"account {info.name} (id {info.id}), level {level}",
        f"created {info.created_at:%Y-%m-%d %H:%M} UTC; last login {last}",
    ]
    if info.banned:
        end = f"until {info.banned_until:%Y-%m-%d %H:%M} UTC" if info.banned_until else "with no end"
        lines.append(f"banned {end}" + (f": {info.ban_reason}" if info.ban_reason else ""))
    else:
        lines.append("not banned")
    in_world = _characters_in_world(call)
    if not view.characters:
        lines.append("no characters")
    for record in view.characters:
        if record.id in in_world:
            room, health, max_health = in_world[record.id]
            lines.append(f"  {record.name}: health {health}/{max_health}, in {room}, in the world now")
            continue
        where = f"in {record.room}" if record.room else "never played"
        lines.append(f"  {record.name}: health {record.health}/{record.max_health}, {where}")
    return "\n".join(lines)


def _characters_in_world(call: Call) -> dict[int, tuple[str, int, int]]:
    """Characters in the world by id: their room and health now (a running server only)."""
    hub = call.control.hub if call.control.online else None
    if hub is None:
        return {}
    found = {}
    for session in hub.in_world.values():
        if session.avatar is not None:
            player = hub.world.player(session.avatar.player_id)
            found[session.avatar.character_id] = (player.room, player.stats.health, player.stats.max_health)
    return found


def _on_account(call: Call, name: str, then: Callable[[AccountView], str | defer.Deferred[str]]) -> defer.Deferred[str]:
    """Look the account up on the store's thread, then go on with it; a store refusal
    (no such account) is the caller's error."""
    def refused(failure: Failure) -> Failure:
        if failure.check(StoreError):
            raise CommandError(f"{call.line.split()[0]}: {failure.value}")
        return failure  # the registry reports anything else

    found = call.control.store.call(lookup, name)
    found.addErrback(refused)
    return found.addCallback(then)  # a Deferred returned is chained


def _name_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", help="the account (or one of its characters)")


COMMANDS = (
    Command("ban", "ban an account (logged off if online), until a time or with no end", _ban, _ban_arguments,
            needs_world=False, examples=("carol --until 2099-01-01 --reason 'testing the ban'", "Carolus --until 7d")),
    Command("unban", "lift an account's ban", _unban, _name_argument, needs_world=False, examples=("carol",)),
    Command("account", "an account: level, creation, last login, ban, characters", _account, _name_argument,
            rights=Rights.DM, needs_world=False, examples=("alice", "Carolus")),
)
