"""Wall spells (wallspel.kod, its spells and their elements): a spell places elements on
squares in front of its caster; each is an object of its room, shown to the players
there as it appears (BP_CREATE) and as it goes (BP_REMOVE) when its time is up.

* Fog (summfog.kod, fogcloud.kod): nine clouds that only hide what is behind them.
* Bramble wall (brmblwll.kod, BRAMBLE.kod): five patches across the caster's way; a
  player who steps onto one is scratched (once per effect interval, 1.5 s): nothing for
  its caster or one the caster may not attack (the player-killing rules, as a blow), else
  up to the wall's most (by the power), at least 1 as any blow; a scratch may kill.

The world keeps them in :class:`Walls` (``World.walls``): the tick ends them and clears
who they touched each interval, a move asks them about the mover's new square. Work is
proportional to the elements that stand, never to the world. They are not in the world
snapshot: a restart clears them, as it clears any summoned object.

Not yet: attacking brambles (the original's patches are monsters with hit points);
monsters walking into brambles; the scratch's sound; a wall whose caster has left the
world scratches nobody."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import TYPE_CHECKING

import attrs

from emulator.content.model import FINENESS, SpellDefinition, square_of
from emulator.rules.combat import player_damage_taken
from emulator.rules.dice import Roll, roll_with
from emulator.rules.pvp import attack_refusal
from emulator.rules.spells import walls as rules
from emulator.world.events import ObjectEntered, ObjectLeft, SpellTold, VitalsChanged, WorldEvent
from emulator.world.objects import Player, Thing

if TYPE_CHECKING:
    from emulator.world.world import World

__all__ = ["EFFECTS", "FIRST_WALL_ID", "LAST_WALL_ID", "WallElement", "Walls", "run", "stepped"]

FIRST_WALL_ID = 0x0030_0000  # below the bodies' range, far above rooms and placed objects
LAST_WALL_ID = 0x003F_FFFF


@attrs.define(eq=False)
class WallElement(Thing):
    """One element of a wall: ``spell`` is the spell that placed it (its look and words)."""

    spell: str = ""
    caster_id: int = 0
    ends_ms: int = 0  # game time it goes
    scratch_most: int = 0  # brambles: the most a scratch takes
    touched: set[int] = attrs.field(factory=set)  # who it acted on this interval
    interval_ends_ms: int = 0


@attrs.define
class Walls:
    """Every standing wall element, by id and by room."""

    by_id: dict[int, WallElement] = attrs.field(factory=dict)
    rooms: dict[str, dict[int, WallElement]] = attrs.field(factory=dict)
    next_serial: int = 0

    def in_room(self, room: str) -> list[WallElement]:
        return list(self.rooms.get(room, {}).values())

    def fresh_id(self) -> int:
        span = LAST_WALL_ID - FIRST_WALL_ID + 1
        for _ in range(span):
            object_id = FIRST_WALL_ID + self.next_serial % span
            self.next_serial += 1
            if object_id not in self.by_id:
                return object_id
        raise RuntimeError("no wall element ids left")

    def add(self, element: WallElement) -> None:
        self.by_id[element.object_id] = element
        self.rooms.setdefault(element.room, {})[element.object_id] = element

    def remove(self, element: WallElement) -> None:
        self.by_id.pop(element.object_id, None)
        here = self.rooms.get(element.room)
        if here is not None:
            here.pop(element.object_id, None)
            if not here:
                del self.rooms[element.room]


def _roll(world: World, what: str, *keys: object) -> Roll:
    return roll_with(random.Random(":".join(str(k) for k in (world.seed, what, world.tick_count, *keys))))


def _now_ms(world: World) -> int:
    return round(world.game_time * 1000)


def _over_limit(world: World, caster: Player, spell: SpellDefinition) -> bool:
    """CheckForSummoningLimit: the room's summoned objects and the new ones together."""
    elements = spell.figure("elements", 9)
    return len(world.walls.in_room(caster.room)) + elements > rules.SUMMONED_OBJECT_LIMIT


def _place(
    world: World, caster: Player, spell: SpellDefinition, squares: list[tuple[int, int]],
    duration_ms: Callable[[Roll], int], events: list[WorldEvent], scratch_most: int = 0,
) -> None:
    """NewHold of each element on its square (within the room's grid), at the caster's
    place within its own square, each with its own time."""
    room = world._rooms[caster.room]
    fine_y, fine_x = caster.y % FINENESS, caster.x % FINENESS
    now = _now_ms(world)
    for index, (row, col) in enumerate(squares):
        if not room.inside(row, col):
            continue
        roll = _roll(world, "wall", caster.object_id, spell.number, index)
        element = WallElement(
            world.walls.fresh_id(), None, caster.room, row * FINENESS + fine_y, col * FINENESS + fine_x, 0, "",
            spell=spell.key, caster_id=caster.object_id, ends_ms=now + duration_ms(roll), scratch_most=scratch_most,
            interval_ends_ms=now + rules.period_ms(roll),
        )
        world.walls.add(element)
        events.append(ObjectEntered(caster.room, element.object_id))


def run(world: World, events: list[WorldEvent]) -> None:
    """A world tick: elements whose time is up go; those whose interval ended forget whom
    they touched."""
    now = _now_ms(world)
    for element in list(world.walls.by_id.values()):
        if element.ends_ms <= now:
            world.walls.remove(element)
            events.append(ObjectLeft(element.room, element.object_id))
        elif element.interval_ends_ms <= now:
            element.touched.clear()
            element.interval_ends_ms = now + rules.period_ms(_roll(world, "wall-interval", element.object_id))


def stepped(world: World, player: Player, events: list[WorldEvent]) -> None:
    """SomethingMoved: a player's move ended on its square (the brambles' reach)."""
    here = world.walls.rooms.get(player.room)
    if not here:
        return
    square = square_of(player.y, player.x)
    for element in list(here.values()):
        if square_of(element.y, element.x) == square:
            spell = world.definition.spells.get(element.spell)
            if spell is not None and spell.effect == "bramble_wall":
                _scratch(world, element, spell, player, events)


def _scratch(world: World, element: WallElement, spell: SpellDefinition, victim: Player, events: list[WorldEvent]) -> None:
    """BRAMBLE.kod CheckForEffect and ScratchPerson for a player."""
    from emulator.world.world import _pk_status

    if victim.object_id in element.touched:
        return
    element.touched.add(victim.object_id)
    caster = world._players.get(element.caster_id)
    if caster is None:
        return
    if caster is victim:  # it spares its caster
        events.append(SpellTold(victim.object_id, spell.key, "scratch_0"))
        return
    flags = world.definition.rooms[victim.room].flags
    refused = attack_refusal(_pk_status(caster), _pk_status(victim), caster.safety, flags, world.rules.player_killing)
    if refused is not None:
        events.append(SpellTold(victim.object_id, spell.key, "scratch_0"))
        return
    roll = _roll(world, "scratch", element.object_id, victim.object_id)
    stats = victim.stats
    victim_status = _pk_status(victim)
    taken = player_damage_taken(roll(0, element.scratch_most), stats.health, stats.max_health,
                                outlaw_or_murderer=not victim_status.innocent)
    stats.health = max(0, stats.health - taken)
    caster.did_damage = True
    events += [SpellTold(victim.object_id, spell.key, rules.scratch_purpose(taken)), VitalsChanged(victim.object_id)]
    if stats.health <= 0:
        world._player_killed_player(caster, victim, _pk_status(caster), victim_status, events, spell=spell.key)


class _Wall:
    """A wall spell: the room's summoning limit, then its elements in front of the caster."""

    def __init__(self, squares: Callable[[int, int, int], list[tuple[int, int]]],
                 duration_ms: Callable[[Roll, int], int], scratch_most: Callable[[int], int] | None = None) -> None:
        self.squares, self.duration_ms, self.scratch_most = squares, duration_ms, scratch_most

    def refusal(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing]) -> tuple[str, int] | None:
        return ("summon_limit", 0) if _over_limit(world, caster, spell) else None

    def apply(
        self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int, events: list[WorldEvent],
    ) -> None:
        if _over_limit(world, caster, spell):  # DoubleCheckAfterTrance: others may have filled the room meanwhile
            events.append(SpellTold(caster.object_id, spell.key, "summon_limit"))
            return
        events.append(SpellTold(caster.object_id, spell.key, "caster"))
        squares = self.squares(caster.angle, *square_of(caster.y, caster.x))
        most = self.scratch_most(power) if self.scratch_most is not None else 0
        _place(world, caster, spell, squares, lambda roll: self.duration_ms(roll, power), events, most)


SUMMON_FOG = _Wall(rules.fog_squares, rules.fog_duration_ms)
BRAMBLE_WALL = _Wall(rules.bramble_squares, rules.bramble_duration_ms, rules.bramble_damage_most)

#: The effects of this family by their ``spells.toml`` name.
EFFECTS = {"summon_fog": SUMMON_FOG, "bramble_wall": BRAMBLE_WALL}
