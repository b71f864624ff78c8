"""What each spell effect does to the world, one module per family: the effect names of
``SPELL_EFFECTS`` (``spells.toml`` ``effect``) to their code."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from emulator.content.model import SpellDefinition
from emulator.world.events import WorldEvent
from emulator.world.objects import Player, Thing

if TYPE_CHECKING:
    from emulator.world.world import World

__all__ = ["EFFECTS", "Effect"]


class Effect(Protocol):
    def refusal(
        self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing],
    ) -> tuple[str, int] | WorldEvent | None:
        """The spell's own check of its targets (its CanPayCosts before the common one):
        (purpose of what the caster is told, the object it names or 0), or an event that
        tells it (a refused attack on a player), or None."""

    def apply(
        self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int, events: list[WorldEvent],
    ) -> None:
        """The spell goes off (its CastSpell before the common part)."""


def _effects() -> dict[str, Effect]:
    from emulator.world.spells import creation, damage, enchanting, gathering, movement, vitals

    return {
        "heal": vitals.HEAL, "give_mana": vitals.GIFT, "give_health": vitals.GIFT, "give_vigor": vitals.GIFT,
        "create_food": creation.CREATE_FOOD, "teleport": movement.TELEPORT, "damage": damage.DAMAGE,
        "gather_items": gathering.GATHER_ITEMS,
        "personal_enchantment": enchanting.PERSONAL, "touch": enchanting.TOUCH,
    }


EFFECTS: dict[str, Effect] = _effects()
