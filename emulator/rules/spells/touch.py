"""Touch spells (touchatk.kod and its spells: zap, icy fingers, touch of flame, acid
touch, holy touch): an enchantment on the caster whose bare-handed blows are struck with
the spell, for its damage; how long it lasts and how hard a blow lands, by the power."""

from __future__ import annotations

from emulator.rules.casting import SPELLPOWER_MAXIMUM
from emulator.rules.dice import Roll, bound, div

__all__ = ["duration_ms", "blow_damage", "karma_weighed"]

#: The time it lasts, in tenths of a minute drawn between a third and half the power, bounded.
_SHORTEST, _LONGEST, _UNIT_MS = 10, 75, 6000


def duration_ms(roll: Roll, power: int) -> int:
    """A third to half the power in tenths of a minute: 1 to 7.5 minutes."""
    return bound(roll(div(power, 3), div(power, 2)), _SHORTEST, _LONGEST) * _UNIT_MS


def blow_damage(roll: Roll, damage_min: int, damage_max: int, power: int) -> int:
    """The spell's damage for a blow: half of a roll of its range, the other half by the
    power cast with, plus one; strength and weapons count for nothing."""
    damage = roll(damage_min, damage_max)
    return max(1, div(damage, 2) + div(div(damage, 2) * power, SPELLPOWER_MAXIMUM) + 1)


def karma_weighed(damage: int, victim_karma: int) -> int:
    """A blow that hurts the evil more and the good less (holy touch): half the victim's
    karma, in percent, off the damage; at least 1."""
    return max(1, damage + div(-victim_karma * damage, 200))
