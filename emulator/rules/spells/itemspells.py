"""The figures of the spells on items, pure: which weapon a create weapon makes and for
how long, a glow's light and time, how long a weapon stays dedicated, a curse's power and
time, and what a curse takes off a blow. Each number lives in the original's code only;
the handler it comes from is named with it."""

from __future__ import annotations

from emulator.rules.dice import Roll, div

__all__ = [
    "CREATED_WEAPONS", "bound_curse_duration_ms", "created_weapon", "created_weapon_duration_ms", "curse_penalties",
    "curse_power", "dedication_duration_ms", "glow_duration_ms", "glow_light",
]

MINUTE_MS = 60_000
HOUR_MS = 60 * MINUTE_MS

#: creaweap.kod CastSpell: (below this roll, the kind made), in order; past the last, the
#: best of them. The roll is random(power/3, power): low rolls stay possible.
CREATED_WEAPONS = ((20, "mace"), (30, "shortsword"), (45, "hammer"), (60, "axe"), (75, "longsword"), (95, "scimitar"))
BEST_CREATED_WEAPON = "mysticsword"


def created_weapon(roll: Roll, power: int) -> str:
    """The kind a create weapon makes at ``power``."""
    drawn = roll(div(power, 3), power)
    return next((kind for below, kind in CREATED_WEAPONS if drawn < below), BEST_CREATED_WEAPON)


def created_weapon_duration_ms(power: int) -> int:
    """creaweap.kod GetDuration: two minutes a point of power."""
    return power * 2 * MINUTE_MS


def glow_light(roll: Roll, power: int) -> int:
    """glow.kod GetLightLevel: between half and all of 20 + power/3."""
    most = 20 + div(power, 3)
    return roll(div(most, 2), most)


def glow_duration_ms(roll: Roll, power: int) -> int:
    """glow.kod GetDuration: 1 to 4 hours, and an hour for each 3 points of power."""
    return (roll(1, 4) + div(power, 3)) * HOUR_MS


def dedication_duration_ms(roll: Roll, power: int) -> int:
    """enchwp.kod, holywp.kod, unholywp.kod GetDuration: the same hours as a glow's."""
    return (roll(1, 4) + div(power, 3)) * HOUR_MS


def curse_power(roll: Roll, power: int) -> int:
    """cursewp.kod CastSpell: the curse's power digit, random(power/20, power/10)."""
    return roll(div(power, 20), div(power, 10))


def bound_curse_duration_ms(roll: Roll, power: int) -> int:
    """cursewp.kod GetDuration: a whole (power+1)/4 hours (1 to 25), and up to an hour more."""
    return max(1, min(25, div(power + 1, 4))) * HOUR_MS + roll(1, HOUR_MS)


#: weapatt.kod DecipherHitRollFromPower and DecipherDamageFromPower, by power digit.
_HIT_BY_POWER = (50, 0, 100, 50, 0, 100, 50, 150, 100, 0)
_DAMAGE_BY_POWER = (0, 1, 0, 1, 2, 1, 2, 0, 2, 3)


def curse_penalties(power: int) -> tuple[int, int]:
    """wacursed.kod ModifyHitRoll and ModifyDamage: twice the power's hit and damage
    figures off the wielder's (hit roll, damage)."""
    digit = max(0, min(9, power))
    return 2 * _HIT_BY_POWER[digit], 2 * _DAMAGE_BY_POWER[digit]


#: Kinds that take no enchantment whatever is on them (spirhamm.kod CanEnchant).
NEVER_ENCHANTED = frozenset({"spiritualhammer"})

#: creasphm.kod: the spiritual hammer it makes, its hit bonus (half again the power,
#: CastSpell) and its holy blows (spirhamm.kod Constructor).
SPIRITUAL_HAMMER = "spiritualhammer"
SPIRITUAL_HAMMER_SPELL_TYPE = 0x0010  # ATCK_SPELL_HOLY


def spiritual_hammer_hit_bonus(power: int) -> int:
    return div(power * 3, 2)


def shroud_power(roll: Roll, power: int) -> int:
    """shroud.kod CastSpell: the shroud's power digit, random(power/20, power/10)."""
    return roll(div(power, 20), div(power, 10))


def shroud_duration_ms(roll: Roll, power: int) -> int:
    """shroud.kod GetDuration: the same hours as a glow's."""
    return (roll(1, 4) + div(power, 3)) * HOUR_MS


#: shatter.kod CastSpell: items drawn from the target's inventory, 1 to 1 + power/33
#: (the most valuable drawn is shattered).
SHATTER_DRAWS_PER = 33


def shatter_draws(roll: Roll, power: int) -> int:
    return roll(0, div(power, SHATTER_DRAWS_PER)) + 1


def shattered_number(roll: Roll, power: int, number: int) -> int:
    """shatter.kod CastSpell: how many of a pile shatter: between half of and 30 more than
    a percentage of power - 29 (20 to 70); at least one."""
    percent = max(20, min(70, power - 29))
    percent = roll(div(percent, 2), percent + 30)
    return max(1, div(number * percent, 100))


#: swap.kod CastSpell: one more draw of the victim's items for each 25 points of power,
#: the most valuable kept.
SWAP_DRAWS_PER = 25


def swap_extra_draws(power: int) -> int:
    return div(power, SWAP_DRAWS_PER)
