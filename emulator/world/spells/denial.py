"""Denial (denial.kod): the caster, wounded, is healed to its full health for a while;
when it ends (worn off, cast again, or a death) the health comes back off, less a fifth of
the power in percent, never below 1."""

from __future__ import annotations

from typing import TYPE_CHECKING

from emulator.content.model import SpellDefinition
from emulator.rules.spells import hexes as rules
from emulator.rules.vitals import health_after_heal
from emulator.world.enchantments import Effect, Enchantment, Hooks
from emulator.world.events import SpellTold, VitalsChanged, WorldEvent
from emulator.world.objects import Player, Thing

if TYPE_CHECKING:
    from emulator.world.world import World

__all__ = ["DENIAL", "EFFECTS", "install"]


def install(world: World) -> None:
    """The end hook of every denial spell of the world: the health taken back."""
    for spell in (world.definition.spells or {}).values():
        if spell.effect == "denial":
            world.enchantments.hooks[spell.key] = Hooks(end=lambda enchantment, report: _ended(world, enchantment))


def _ended(world: World, enchantment: Enchantment) -> None:
    player = world._players.get(enchantment.target_id)
    if player is not None and isinstance(enchantment.state, int) and enchantment.state > 0:
        player.stats.health = max(1, player.stats.health - enchantment.state)


class _Denial:
    def refusal(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing]) -> tuple[str, int] | None:
        if caster.stats.health >= caster.stats.max_health:
            return "not_wounded", 0
        return None

    def apply(
        self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int, events: list[WorldEvent],
    ) -> None:
        roll = world.roll_for("denial", caster.object_id)
        duration = rules.denial_duration_ms(roll, power)
        if world.is_enchanted(caster.object_id, spell.key):  # cast again: the old one's debt is paid first
            events += world.disenchant(caster.object_id, spell.key, report=False)
        stats = caster.stats
        before = stats.health
        stats.health = health_after_heal(stats.health, stats.max_health, stats.max_health - stats.health)
        started = world.enchant(caster.object_id, spell.key, duration, Effect(), state=rules.denial_debt(stats.health - before, power),
                                caster_id=caster.object_id)
        events.append(SpellTold(caster.object_id, spell.key, "target"))
        events += started.events
        events.append(VitalsChanged(caster.object_id))


DENIAL = _Denial()

#: The effects of this family by their ``spells.toml`` name.
EFFECTS = {"denial": DENIAL}
