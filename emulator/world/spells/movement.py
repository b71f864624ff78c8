"""Spells that move the caster: blink (blink.kod) takes it to its room's teleport square
(room.kod Teleport; the import makes that square the room's first spawn). The special
ways out of two rooms of the original (Kocatan's hall of heroes, Bazman's room) are not
modelled: there blink acts as anywhere else."""

from __future__ import annotations

from typing import TYPE_CHECKING

from emulator.content.model import SpellDefinition, square_centre
from emulator.world.events import ObjectMoved, SpellTold, WorldEvent
from emulator.world.objects import Player, Thing

if TYPE_CHECKING:
    from emulator.world.world import World

__all__ = ["EFFECTS", "TELEPORT"]


class _Teleport:
    def refusal(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing]) -> tuple[str, int] | None:
        return None

    def apply(
        self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int, events: list[WorldEvent],
    ) -> None:
        spawns = world.definition.rooms[caster.room].spawns
        if not spawns:
            events.append(SpellTold(caster.object_id, spell.key, "spell_no_teleport"))
            return
        square = spawns[0]
        caster.y, caster.x = square_centre(square.row, square.col)
        events.append(ObjectMoved(caster.room, caster.object_id, caster.y, caster.x, 0))
        events.append(SpellTold(caster.object_id, spell.key, "caster"))


TELEPORT = _Teleport()

#: The effects of this family by their ``spells.toml`` name.
EFFECTS = {"teleport": TELEPORT}
