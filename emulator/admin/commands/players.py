"""``kick``, ``teleport``, ``set stat``: acting on a player in the world."""

from __future__ import annotations

import argparse

import peewee
from twisted.internet import defer

from emulator.admin import targets
from emulator.admin.registry import Call, Command, CommandError, Rights
from emulator.game import operator
from emulator.game.operator import STATS, OperatorError
from emulator.store import accounts, characters

DEFAULT_KICK_MESSAGE = "You have been disconnected by the server's administrator."


def _kick_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", help="a character or account name")
    parser.add_argument("--message", default=DEFAULT_KICK_MESSAGE, help="what the player reads before the connection closes")


def _kick(call: Call) -> str | defer.Deferred[str]:
    hub = targets.hub_of(call)
    ctx = hub.context
    name = call.args.name
    session = operator.game_session(ctx, name)
    if session is not None:
        who = session.avatar.name if session.avatar is not None else f"account {session.account.name}"
        operator.log_off(ctx, session, call.args.message, "kick")
        return f"{who} logged off"
    factory = call.control.factory
    assert factory is not None
    wanted = name.casefold()
    for protocol in list(factory.online.values()):
        if not protocol.machine.closed and (protocol.machine.account_name or "").casefold() == wanted:
            protocol.kick("kick")  # at the login menu: no game window to show text in
            return f"account {protocol.machine.account_name} disconnected (it was not in the game)"

    def known(found: bool) -> str:
        if not found:
            raise CommandError(f"kick: no account or character named {name!r}")
        return f"{name} is not online; nothing to do"

    return call.control.store.call(_exists, name).addCallback(known)


def _exists(db: peewee.Database, name: str) -> bool:
    try:
        accounts.get_account(db, name)
        return True
    except accounts.NoSuchAccount:
        return characters.find_character(db, name) is not None


def _teleport_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", help="a character or account name, or 'me' in the game")
    parser.add_argument("room", nargs="?", help="a room's key (or the original's room number)")
    parser.add_argument("row", nargs="?", type=int, help="the square's row (default: the room's teleport square)")
    parser.add_argument("col", nargs="?", type=int, help="the square's column")
    parser.add_argument("--to-player", metavar="OTHER", help="to the square of another player instead")


def _teleport(call: Call) -> str:
    args = call.args
    ctx = targets.hub_of(call).context
    session = targets.player(call, args.name)
    assert session.avatar is not None
    if args.to_player is not None:
        if args.room is not None:
            raise CommandError("teleport: give a room or --to-player, not both")
        other = targets.player(call, args.to_player)
        assert other.avatar is not None
        room, row, col = operator.place_of(ctx, other.avatar.player_id)
    else:
        if args.room is None:
            raise CommandError("teleport: give a room (and a square) or --to-player OTHER")
        if (args.row is None) != (args.col is None):
            raise CommandError("teleport: give both a row and a column, or neither")
        room, row, col = targets.room(call, args.room), args.row, args.col
    try:
        where = operator.teleport(ctx, session.avatar.player_id, room, row, col)
    except OperatorError as error:
        raise CommandError(f"teleport: {error}") from None
    return f"{session.avatar.name} is now in {where}"


def _set_stat_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", help="a character in the world (or its account), or 'me' in the game")
    parser.add_argument("stat", choices=sorted(STATS), metavar="STAT", help=f"one of {', '.join(STATS)}")
    parser.add_argument("value", type=int)


def _set_stat(call: Call) -> str | defer.Deferred[str]:
    args = call.args
    ctx = targets.hub_of(call).context
    session = targets.player(call, args.name)
    assert session.avatar is not None
    try:
        operator.set_stat(ctx, session.avatar.player_id, args.stat, args.value)
    except OperatorError as error:
        raise CommandError(f"set stat: {error}") from None
    text = f"{session.avatar.name}'s {args.stat} is now {args.value}"
    if args.stat not in operator.SAVED_WITH_PLAY:  # not in what the game saves: written now
        stats = ctx.world.player(session.avatar.player_id).stats
        values = {args.stat: getattr(stats, args.stat)}
        return call.control.store.call(characters.set_stats, session.avatar.character_id, values).addCallback(
            lambda _: text)
    return text


COMMANDS = (
    Command("kick", "log a player off with a message (the character is saved as on logoff)", _kick, _kick_arguments,
            examples=("carol --message 'See you later'",)),
    Command("teleport", "move a player to a room's square, or to another player", _teleport, _teleport_arguments,
            rights=Rights.DM, examples=("Bobbin jasper_inn 6 6", "Bobbin --to-player Alanna", "bob jasper_hall")),
    Command("set stat", "set a stat of a player in the world, within its bounds", _set_stat, _set_stat_arguments,
            examples=("Bobbin might 30", "Bobbin health 15", "Bobbin karma -5")),
)
