"""Wear of weapons, pure: how many hits a new weapon has, how a blow wears it, the
condition a look tells, what a mend restores and what a brittle takes. Each number lives
in the original's code only; the handler it comes from is named with it."""

from __future__ import annotations

import enum

from emulator.rules.dice import Roll, div

__all__ = [
    "BRITTLE_EXTRA", "Condition", "WEAR_CHANCE_PERCENT", "brittle_hits", "condition", "mended_hits", "new_hits", "worn_by_blow",
]

#: weapon.kod WeaponHitTarget: a landed blow (DidDamage) wears the weapon by one hit when
#: random(1, 100) is below this.
WEAR_CHANCE_PERCENT = 75


def new_hits(roll: Roll, hits_min: int, hits_max: int) -> int:
    """item.kod Constructor: a new item's hits, between its kind's least and most."""
    return roll(hits_min, max(hits_min, hits_max))


def worn_by_blow(roll: Roll) -> int:
    """What one landed blow takes off the weapon's hits (0 or 1)."""
    return 1 if roll(1, 100) < WEAR_CHANCE_PERCENT else 0


class Condition(enum.Enum):
    """item.kod AppendDesc: the condition words by the share of hits left."""

    EXCELLENT = "condition_excellent"
    MENDED = "condition_mended"  # excellent, but its most is below what a new one has
    GOOD = "condition_good"
    WORN = "condition_worn"
    POOR = "condition_poor"
    BROKEN = "condition_broken"


def condition(hits: int, max_hits: int, hits_min: int) -> Condition:
    """Above 90% of its most excellent (or mended, when its most fell below a new one's
    least), above 65% good, above 30% worn, else poor while any hit is left."""
    percent = div(100 * hits, max(1, max_hits))
    if percent > 90:
        return Condition.EXCELLENT if max_hits >= hits_min else Condition.MENDED
    if percent > 65:
        return Condition.GOOD
    if percent > 30:
        return Condition.WORN
    return Condition.POOR if hits > 0 else Condition.BROKEN


#: mend.kod CastSpell: the share of its most a mended item keeps, 75% and a point for each
#: 5 of power, at most 95%.
MEND_LEAST_PERCENT = 75
MEND_MOST_PERCENT = 95
MEND_POWER_PER_PERCENT = 5


def mended_hits(max_hits: int, power: int) -> int:
    """The item's new most and current hits after a mend (its most shrinks each time)."""
    percent = max(MEND_LEAST_PERCENT, min(MEND_MOST_PERCENT, MEND_LEAST_PERCENT + div(power, MEND_POWER_PER_PERCENT)))
    return div(max_hits * percent, 100)


#: brittle.kod CastSpell: random(1, power/2) and this many more hits off; one is left.
BRITTLE_EXTRA = 10


def brittle_hits(roll: Roll, hits: int, power: int) -> int:
    """The weapon's hits after a brittle: never below one (it does not break at once)."""
    return max(1, hits - roll(1, max(1, div(power, 2))) - BRITTLE_EXTRA)
