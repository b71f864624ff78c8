"""Spells that take the caster elsewhere (rules: ``emulator.rules.spells.travel``).

Elusion (elusion.kod) is cast only from the rooms it can take one to (the spell's
``from_<room number>`` figures) and not soon after attacking a player. Its trance, of its
own length, offers destinations drawn by the power (the towns, ``town_<n>``; Ko'catan's
inn, ``refuge``, at the most power or from Ko'catan); the caster names one aloud during
it and goes to that room's teleport square; a wrong name or silence ends it, the costs
paid. Not yet: the guild hall a strong caster may also name (guilds are not modelled)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from emulator.content.model import Exit, Placement, SpellDefinition
from emulator.rules.spells import travel as rules
from emulator.world.events import SpellReported, WorldEvent
from emulator.world.objects import Player, Thing

if TYPE_CHECKING:
    from emulator.world.world import World

__all__ = ["EFFECTS", "ELUSION"]


def _numbered(world: World, spell: SpellDefinition, prefix: str) -> list[str]:
    """The rooms of the figures ``<prefix><i>`` (1, 2, ...), by room number, in order."""
    found, i = [], 1
    while spell.figure(f"{prefix}{i}"):
        room = world._rooms_by_number.get(spell.figure(f"{prefix}{i}"))
        if room is not None:
            found.append(room)
        i += 1
    return found


class _Elusion:
    def refusal(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing]) -> SpellReported | None:
        attacked = caster.attacked_player_at
        if attacked is not None and world.game_time < attacked + spell.figure("attack_delay_s"):
            return SpellReported(caster.object_id, spell.key, "too_soon")
        number = world.definition.rooms[caster.room].number
        if number is None or not spell.figure(f"from_{number}"):
            return SpellReported(caster.object_id, spell.key, "not_from_here")
        return None

    def begin_trance(self, world: World, caster: Player, spell: SpellDefinition, power: int,
                     events: list[WorldEvent]) -> tuple[tuple[int, ...], int]:
        """The destinations offered (the trance holds their room ids) and told, and the
        trance's own length."""
        roll = world.roll_for("elusion", caster.object_id)
        most = spell.figure("most")
        count = rules.elusion_count(power, spell.figure("per_power", 1), most)
        refuge = world._rooms_by_number.get(spell.figure("refuge"))
        number = world.definition.rooms[caster.room].number or 0
        in_region = spell.figure("region_first") <= number <= spell.figure("region_last")
        offered = rules.elusion_destinations(roll, _numbered(world, spell, "town_"), refuge, count, most, in_region)
        names = [world.definition.rooms[room].name for room in offered]
        events.append(SpellReported(caster.object_id, spell.key, "destinations",
                                    (("text", rules.listed(names, spell.text("and") or "")),)))
        return tuple(world.room_id(room) for room in offered), spell.figure("trance_ms")

    def heard(self, world: World, caster: Player, spell: SpellDefinition, held: tuple[int, ...], text: str,
              events: list[WorldEvent]) -> None:
        caster.trance = None  # the trance ends quietly, whatever was said
        offered = [room for room in (world.room_key(i) for i in held) if room is not None]
        chosen = rules.destination_named(text, [world.definition.rooms[room].name for room in offered])
        if chosen is None:
            events.append(SpellReported(caster.object_id, spell.key, "wrong_place"))
            return
        events.append(SpellReported(caster.object_id, spell.key, "caster"))
        room = world.definition.rooms[offered[chosen]]
        if room.spawns:  # the room's teleport square (room.kod Teleport)
            square = room.spawns[0]
            events += world._take_exit(caster, Exit(Placement(room.key, square.row, square.col, square.angle)))

    def trance_ended(self, world: World, caster: Player, spell: SpellDefinition, held: tuple[int, ...],
                     events: list[WorldEvent]) -> None:
        events.append(SpellReported(caster.object_id, spell.key, "no_destination"))

    def apply(
        self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int, events: list[WorldEvent],
    ) -> None:
        """Never reached: elusion goes off by the words said in its trance."""


ELUSION = _Elusion()

#: The effects of this family by their ``spells.toml`` name.
EFFECTS = {"elusion": ELUSION}
