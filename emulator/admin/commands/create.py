"""``create item``, ``create monster``: putting a kind of the content somewhere."""

from __future__ import annotations

import argparse

from emulator.admin import targets
from emulator.admin.registry import Call, Command, CommandError
from emulator.game import operator
from emulator.game.operator import OperatorError

MAX_COUNT = 100


def _place_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("kind", help="the kind's key in the content (objects/kinds.toml)")
    parser.add_argument("room", nargs="?", help="a room's key (or the original's room number)")
    parser.add_argument("row", nargs="?", type=int)
    parser.add_argument("col", nargs="?", type=int)
    parser.add_argument("--near", metavar="NAME", help="on the square of a player in the world (or 'me') instead")


def _item_arguments(parser: argparse.ArgumentParser) -> None:
    _place_arguments(parser)
    parser.add_argument("--count", type=int, default=1, help=f"how many (1 to {MAX_COUNT}); a number item makes one pile")


def _place(call: Call) -> tuple[str, int, int]:
    args = call.args
    if args.near is not None:
        if args.room is not None:
            raise CommandError(f"{call.line.split()[0]} {call.line.split()[1]}: give a place or --near, not both")
        session = targets.player(call, args.near)
        assert session.avatar is not None
        return operator.place_of(targets.hub_of(call).context, session.avatar.player_id)
    if args.room is None or args.row is None or args.col is None:
        raise CommandError("give ROOM ROW COL, or --near NAME")
    return targets.room(call, args.room), args.row, args.col


def _create_item(call: Call) -> str:
    count = call.args.count
    if not 1 <= count <= MAX_COUNT:
        raise CommandError(f"create item: --count must be 1 to {MAX_COUNT}")
    room, row, col = _place(call)
    hub = targets.hub_of(call)
    try:
        made = operator.create_item(hub.context, call.args.kind, room, row, col, count)
    except OperatorError as error:
        raise CommandError(f"create item: {error}") from None
    hub.item_saver.soon()
    ids = ", ".join(str(item_id) for item_id in made)
    return f"{count} {call.args.kind} in {room} (row {row}, column {col}): id {ids}"


def _create_monster(call: Call) -> str:
    room, row, col = _place(call)
    try:
        monster_id = operator.create_monster(targets.hub_of(call).context, call.args.kind, room, row, col)
    except OperatorError as error:
        raise CommandError(f"create monster: {error}") from None
    return f"{call.args.kind} (id {monster_id}) in {room} (row {row}, column {col})"


COMMANDS = (
    Command("create item", "put items of a kind on a square (recorded as created)", _create_item, _item_arguments,
            examples=("apple jasper_inn 5 6 --count 3", "healing_draught --near Bobbin")),
    Command("create monster", "put a monster of a kind on a square", _create_monster, _place_arguments,
            examples=("rat jasper_inn 7 7", "rat --near Bobbin")),
)
