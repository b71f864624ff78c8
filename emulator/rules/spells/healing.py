"""The greater heals: major heal (majheal.kod) and hospice (hospice.kod). The health one
cast gives and the karma it moves, from the figures the import read of each spell's
CastSpell (``spells.toml`` ``[key.figures]``)."""

from __future__ import annotations

import attrs

from emulator.rules.dice import Roll, bound, div
from emulator.rules.kills import karma_change_from_act

__all__ = ["HealFigures", "heal_amount", "karma_for_healing"]


@attrs.frozen
class HealFigures:
    """``random(low, high) + power / per_power + karma / per_karma``, within ``least`` and
    ``most``; the karma of a heal of another moves the caster's by ``swing`` (its swing
    factor), only when the target's is higher if ``upward_only``."""

    low: int
    high: int
    per_power: int
    per_karma: int
    least: int
    most: int
    swing: int = 1
    upward_only: bool = False


def heal_amount(roll: Roll, figures: HealFigures, power: int, target_karma: int) -> int:
    """The health a cast gives its target (before the target's room to take it)."""
    amount = roll(figures.low, figures.high) + div(power, figures.per_power) + div(target_karma, figures.per_karma)
    return bound(amount, figures.least, figures.most)


def karma_for_healing(figures: HealFigures, caster_karma: int, target_karma: int) -> int:
    """Hundredths of karma the caster gains (or loses) healing another: nudged towards the
    healed one's (CalculateKarmaChangeFromAct with the spell's swing factor)."""
    if figures.upward_only and not caster_karma < target_karma:
        return 0
    return karma_change_from_act(caster_karma, target_karma, figures.swing)
