"""What an operator does to the game by hand: find a player, tell players something,
log one off, move one, put an item or a monster somewhere, change a stat.

Each acts as the game itself would (the same world calls and the same messages), so a
player's client sees an operator's teleport as any room change and a changed stat as one
changed in play. Errors an operator can make are :class:`OperatorError`, with a text fit
to show.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from emulator.content.model import FINENESS, square_centre
from emulator.game import sheet, views
from emulator.game.context import GameContext
from emulator.game.render import render
from emulator.game.session import GameSession
from emulator.game.systems.presence import leave_world
from emulator.store.characters import ATTRIBUTE_MAX, ATTRIBUTE_MIN, ATTRIBUTES
from emulator.world.events import VitalsChanged, WorldEvent
from emulator.world.world import WorldError


class OperatorError(Exception):
    """An operator's request the game cannot carry out; the text says why."""


@attrs.frozen
class StatRule:
    low: int
    high: int
    condition: bool  # a bar of the condition group (health, mana, vigor), else an attribute


#: The stats an operator may set, with their bounds (the character sheet's ranges; health
#: and mana at most their maximum, checked when set).
STATS: dict[str, StatRule] = {
    **{name: StatRule(ATTRIBUTE_MIN, ATTRIBUTE_MAX, False) for name in ATTRIBUTES},
    "karma": StatRule(-100, 100, False),
    "health": StatRule(1, 500, True),
    "max_health": StatRule(1, 500, True),
    "mana": StatRule(0, 500, True),
    "max_mana": StatRule(0, 500, True),
    "vigor": StatRule(0, 200, True),
}


#: The stats a character's save carries while it plays (``CharacterState``); the others
#: an operator sets are written at once.
SAVED_WITH_PLAY = frozenset({"health", "max_health", "mana", "vigor", "karma"})


def in_world_session(ctx: GameContext, name: str) -> GameSession | None:
    """The session whose character (or, failing that, account) has this name, any case."""
    wanted = name.casefold()
    sessions = list(ctx.in_world.values())
    for session in sessions:
        if session.avatar is not None and session.avatar.name.casefold() == wanted:
            return session
    for session in sessions:
        if session.account.name.casefold() == wanted:
            return session
    return None


def game_session(ctx: GameContext, name: str) -> GameSession | None:
    """A session in game mode by character or account name (in the world or choosing)."""
    found = in_world_session(ctx, name)
    if found is not None:
        return found
    wanted = name.casefold()
    return next((s for s in ctx.sessions.values() if s.account.name.casefold() == wanted), None)


def tell(ctx: GameContext, sessions: Iterable[GameSession], text: str) -> int:
    """Show ``text`` to each session as a system line (BP_MESSAGE); how many got it. The
    message leaves at once."""
    message = ctx.encode_fields("BP_MESSAGE", views.text_message(ctx.resources, text))
    told = 0
    for session in sessions:
        session.queue(message)
        ctx.flush_session(session)
        told += 1
    return told


def tell_everyone(ctx: GameContext, text: str) -> int:
    """Every player in the world reads ``text``."""
    return tell(ctx, list(ctx.in_world.values()), text)


def log_off(ctx: GameContext, session: GameSession, text: str, why: str) -> None:
    """The player reads ``text``, its character leaves the world and is saved as on a
    logoff, then the connection closes (after the message)."""
    if session.avatar is not None and text:
        tell(ctx, [session], text)
    elif text:  # choosing a character: the text still shows in its window
        session.send("BP_MESSAGE", **views.text_message(ctx.resources, text))
    state = leave_world(ctx, session)
    ctx.sessions.pop(session.link, None)
    if state is not None:
        ctx.save_characters([state], why)
    ctx.hang_up(session, why)


def teleport(ctx: GameContext, player_id: int, room: str, row: int | None = None, col: int | None = None) -> str:
    """Move a player to a room's square (its teleport square, the first spawn, when none
    is given; else its middle); where it went, as text."""
    definition = ctx.definition.rooms.get(room)
    if definition is None:
        raise OperatorError(f"no room {room!r}; rooms: {', '.join(sorted(ctx.definition.rooms))}")
    if row is None or col is None:
        if definition.spawns:
            row, col = definition.spawns[0].row, definition.spawns[0].col
        else:
            row, col = (definition.rows + 1) // 2, (definition.cols + 1) // 2
    try:
        events = ctx.world.teleport(player_id, room, row, col)
    except WorldError as error:
        raise OperatorError(str(error)) from None
    render(ctx, events)
    ctx.flush()
    return f"{room} (row {row}, column {col})"


def place_of(ctx: GameContext, player_id: int) -> tuple[str, int, int]:
    """A player's room and square."""
    player = ctx.world.player(player_id)
    return player.room, player.y // FINENESS, player.x // FINENESS


def create_item(ctx: GameContext, kind: str, room: str, row: int, col: int, count: int) -> list[int]:
    """``count`` units of an item kind onto a square (one pile of a number item, else
    ``count`` items), recorded as created; their ids."""
    found = ctx.definition.kinds.get(kind)
    if found is None or found.item is None:
        raise OperatorError(f"no item kind {kind!r}")
    _check_square(ctx, room, row, col)
    world = ctx.world
    y, x = square_centre(row, col)
    now_ms = round(world.game_time * 1000)
    events: list[WorldEvent] = []
    if world.items.stacks(kind):
        made = [world.items.create_on_ground(kind, count, room, y, x, now_ms, "operator", events)]
    else:
        made = [world.items.create_on_ground(kind, None, room, y, x, now_ms, "operator", events) for _ in range(count)]
    render(ctx, events)
    ctx.flush()
    return [item.object_id for item in made]


def create_monster(ctx: GameContext, kind: str, room: str, row: int, col: int) -> int:
    """A monster of a kind on a square; its id."""
    _check_square(ctx, room, row, col)
    try:
        monster_id, events = ctx.world.create_monster(kind, room, row, col)
    except WorldError as error:
        raise OperatorError(str(error)) from None
    render(ctx, events)
    ctx.flush()
    return monster_id


def set_stat(ctx: GameContext, player_id: int, stat: str, value: int) -> None:
    """Set one stat of a player in the world within its bounds; its client sees the new
    value as when the stat changes in play (its bars or its attributes again)."""
    rule = STATS.get(stat)
    if rule is None:
        raise OperatorError(f"no stat {stat!r}; stats: {', '.join(STATS)}")
    check_stat(stat, value)
    stats = ctx.world.player(player_id).stats
    if stat == "health" and value > stats.max_health:
        raise OperatorError(f"health {value} is above max_health {stats.max_health}")
    if stat == "mana" and value > stats.max_mana:
        raise OperatorError(f"mana {value} is above max_mana {stats.max_mana}")
    setattr(stats, stat, value)
    if stat == "max_health":
        stats.base_max_health = value
        stats.health = min(stats.health, value)
    if stat == "max_mana":
        stats.mana = min(stats.mana, value)
    session = ctx.in_world.get(player_id)
    if rule.condition:
        render(ctx, [VitalsChanged(player_id)])
    elif session is not None:
        sheet.send_attributes(session, ctx.resources, ctx.world.effective_stats(player_id))
    if session is not None:
        ctx.flush_session(session)


def check_stat(stat: str, value: int) -> None:
    rule = STATS.get(stat)
    if rule is None:
        raise OperatorError(f"no stat {stat!r}; stats: {', '.join(STATS)}")
    if not rule.low <= value <= rule.high:
        raise OperatorError(f"{stat} must be {rule.low} to {rule.high}, not {value}")


def _check_square(ctx: GameContext, room: str, row: int, col: int) -> None:
    definition = ctx.definition.rooms.get(room)
    if definition is None:
        raise OperatorError(f"no room {room!r}; rooms: {', '.join(sorted(ctx.definition.rooms))}")
    if not (1 <= row <= definition.rows and 1 <= col <= definition.cols):
        raise OperatorError(f"room {room!r} has rows 1 to {definition.rows} and columns 1 to {definition.cols}")
