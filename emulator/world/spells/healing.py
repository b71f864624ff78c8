"""The greater heals, major heal and hospice (rules: ``emulator.rules.spells.healing``):
health to one player who lacks some, by the spell's figures, and karma for healing
another, as each spell's CastSpell moves it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from emulator.content.model import SpellDefinition
from emulator.rules.spells import healing as rules
from emulator.rules.vitals import health_after_heal
from emulator.world.events import SpellTold, VitalsChanged, WorldEvent
from emulator.world.objects import Player, Thing
from emulator.world.spells.vitals import HEAL

if TYPE_CHECKING:
    from emulator.world.world import World

__all__ = ["EFFECTS", "HEALING", "figures_of"]


def figures_of(spell: SpellDefinition) -> rules.HealFigures:
    """The spell's heal as the import read it."""
    return rules.HealFigures(
        low=spell.figure("heal_low"), high=spell.figure("heal_high"), per_power=spell.figure("per_power", 1),
        per_karma=spell.figure("per_karma", 1), least=spell.figure("heal_least"), most=spell.figure("heal_most"),
        swing=spell.figure("karma_swing", 1), upward_only=bool(spell.figure("karma_upward_only")),
    )


class _Healing:
    def refusal(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing]) -> tuple[str, int] | None:
        return HEAL.refusal(world, caster, spell, targets)  # a player, and one short of health

    def apply(
        self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int, events: list[WorldEvent],
    ) -> None:
        target = targets[0]
        if not isinstance(target, Player):
            return
        figures = figures_of(spell)
        roll = world.roll_for("healing", caster.object_id, target.object_id)
        amount = rules.heal_amount(roll, figures, power, target.stats.karma)
        if target is not caster:
            events.append(SpellTold(caster.object_id, spell.key, "caster", target.object_id))
            change = rules.karma_for_healing(figures, caster.stats.karma, target.stats.karma)
            if change:
                world._add_karma(caster, change)
        events.append(SpellTold(target.object_id, spell.key, "target"))
        stats = target.stats
        stats.health = health_after_heal(stats.health, stats.max_health, amount)
        events.append(VitalsChanged(target.object_id))


HEALING = _Healing()

#: The effects of this family by their ``spells.toml`` name.
EFFECTS = {"healing": HEALING}
