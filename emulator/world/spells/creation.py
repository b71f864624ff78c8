"""Spells that make things: create food (creafood.kod) puts a random food in the
caster's hands, the better the power the richer the food."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from emulator.content.model import SpellDefinition
from emulator.rules.dice import div
from emulator.world.events import SpellTold, WorldEvent
from emulator.world.objects import Player, Thing

if TYPE_CHECKING:
    from emulator.world.world import World

__all__ = ["CREATE_FOOD", "EFFECTS", "food_for"]

#: (below this roll, the kind made), in the original's order; past the last, cheese two
#: times in three and an inky cap otherwise.
_FOODS = ((30, "apple"), (40, "bread"), (60, "grapes"), (70, "turkeyleg"), (80, "meatpie"), (95, "cheese"))
_RARE, _USUAL = "inkycap", "cheese"


def food_for(roll: int, one_in_three: bool) -> str:
    """The food a roll of ``random(power/2, power)`` makes."""
    for below, kind in _FOODS:
        if roll < below:
            return kind
    return _RARE if one_in_three else _USUAL


class _CreateFood:
    def refusal(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing]) -> tuple[str, int] | None:
        return None

    def apply(
        self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int, events: list[WorldEvent],
    ) -> None:
        roll = world.roll_for("create", caster.object_id, spell.number)
        kind = food_for(roll(div(power, 2), power), roll(1, 3) == 1)
        if kind not in world.definition.kinds:
            return  # a world without that food: nothing appears
        number = 1 if world.items.stacks(kind) else None
        made = world.items.make(caster.character_id, caster.object_id, kind, number, caster.stats.might, f"spell {spell.key}", events)
        events.append(SpellTold(caster.object_id, spell.key, "made" if made is not None else "hands_full", kind=kind))


CREATE_FOOD = _CreateFood()

#: The effects of this family by their ``spells.toml`` name.
EFFECTS = {"create_food": CREATE_FOOD}
