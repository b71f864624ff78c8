"""Casting a spell, as the original's spell.kod figures it: the spell power a caster
brings, what the cast costs, the chance it works, how long the trance lasts and the
chance that casting improves the caster's ability. Pure functions of numbers; what a
spell then does is in :mod:`emulator.rules.spells`.
"""

from __future__ import annotations

import attrs

from .dice import Roll, bound, div

__all__ = [
    "SPELLPOWER_MAXIMUM", "SPELLPOWER_MINIMUM", "CASTS_PER_PERCENT_BONUS", "SOFTCAP_PENALTY", "PowerFigures",
    "failed_mana", "improvement_chance", "in_view", "initial_improve_chance", "improves", "karma_allows", "mana_cost",
    "requisite_stat_name", "required_karma", "spell_power", "success_chance", "trance_ms",
]

SPELLPOWER_MINIMUM = 1  # blakston.khd
SPELLPOWER_MAXIMUM = 99
CASTS_PER_PERCENT_BONUS = 7  # castings of the same level worth a percent of improvement chance
SOFTCAP_PENALTY = 4  # the improvement chance is divided by this past twice the requisite stat
MAX_ABILITY = 99
DEFAULT_DIFFICULTY = 75  # what a cast on no monster counts as for improving

#: The stat each school leans on (spell.kod GetDivisionReq).
_REQUISITE = {
    "shalille": "mysticism", "qor": "mysticism", "faren": "mysticism",
    "kraanan": "stamina", "riija": "intellect", "jala": "intellect",
}


def requisite_stat_name(school: str) -> str:
    """The stat (a :class:`~emulator.world.objects.Stats` field) a school's spells need."""
    return _REQUISITE.get(school, "mysticism")


def required_karma(school: str, level: int) -> int:
    """Karma a spell asks of its caster (GetRequiredKarma): Shal'ille at least 10 a level,
    Qor at most -10 a level, the others none (0)."""
    if school == "qor":
        return -10 * level
    if school == "shalille":
        return 10 * level
    return 0


def karma_allows(school: str, level: int, karma: int) -> bool:
    """KarmaCheck: whether a caster of this karma may cast the spell."""
    needed = required_karma(school, level)
    return not ((needed > 0 and karma < needed) or (needed < 0 and karma > needed))


@attrs.frozen
class PowerFigures:
    """What spell power reads of the caster and its room (GetSpellPower). The room's
    bonuses of Shal'ille and Faren (its natural setting, its water and fire) and Riija's
    moon come from things the server does not model: 0 until they do. Jala's instrument
    is the level of the one the caster plays."""

    ability: int
    school: str
    karma: int = 0
    hour: int = 12  # the game hour, 0 to 23 (Qor is stronger at night)
    room_population: int = 0  # objects active in the room (Kraanan favours crowds)
    health: int = 0
    max_health: int = 1
    vigor: int = 0
    bulk_held: int = 0
    bulk_max: int = 1
    room_bonus: int = 0  # Shal'ille's and Faren's bonus of the room
    instrument: int = 0  # Jala: the level of the instrument played


def spell_power(figures: PowerFigures) -> int:
    """Half the ability, plus the school's primary (0 to 30) and secondary (0 to 10)
    bonuses, within 1 and 99. Items, shrines, factions and room enchantments add nothing
    yet."""
    school = figures.school
    primary = secondary = 0
    if school == "shalille":
        primary = figures.room_bonus
        secondary = abs(div(figures.karma, 10))
    elif school == "qor":
        primary = 2 + abs(figures.hour - 12) * 2
        secondary = abs(div(figures.karma, 10))
    elif school == "riija":
        secondary = div(figures.bulk_held * 10, max(1, figures.bulk_max))
    elif school == "faren":
        primary = figures.room_bonus
        secondary = div(figures.vigor, 20)
    elif school == "kraanan":
        primary = figures.room_population
        secondary = div(figures.health * 10, max(1, figures.max_health))
    elif school == "jala":
        primary = figures.instrument
        secondary = div(figures.max_health, 12)
    power = bound(primary, 0, 30) + bound(secondary, 0, 10) + div(figures.ability, 2)
    return bound(bound(power, 0, None), SPELLPOWER_MINIMUM, SPELLPOWER_MAXIMUM)


def mana_cost(mana: int, power: int) -> int:
    """GetManaCost: one less past power 40, another past 80, never below 1 (a free spell
    stays free)."""
    if mana == 0:
        return 0
    cost = mana - (power > 40) - (power > 80)
    return bound(cost, 1, None)


def failed_mana(mana: int, power: int) -> int:
    """What a fizzle costs (SpellFailed): half the mana; the vigor halves likewise."""
    return div(mana_cost(mana, power), 2)


def success_chance(requisite: int, power: int) -> int:
    """Percent chance the cast works (SuccessChance): the requisite stat plus the power's
    share of the rest, within 5 and 95."""
    return bound(div((100 - requisite) * power, 100) + requisite, 5, 95)


def trance_ms(cast_time: int, power: int) -> int:
    """How long the caster's trance lasts before the spell goes off (GetTranceTime):
    149% of the cast time at the least power, 51% at the most; 0 for an instant spell."""
    if cast_time == 0:
        return 0
    return div(cast_time * (150 - power), 100)


def initial_improve_chance(chance_to_increase: int, intellect: int) -> int:
    """The first gate to improving (GetInitialChance): the spell's chance, up to half as
    much again for intellect."""
    return chance_to_increase + div(chance_to_increase * intellect, 100)


def improvement_chance(
    requisite: int, level: int, other_school_points: int, ability: int, school_casts: int,
    difficulty: int = DEFAULT_DIFFICULTY, advancement_rate: int = 100,
) -> int:
    """The second gate (GetSecondaryChance, then ImproveAbility's bounds): better with the
    requisite stat and against harder monsters, worse with the spell's level, with what
    the caster knows of other schools and with its ability; casts of the school since
    the last improvement add to it, and past twice the requisite stat it is quartered."""
    chance = 60 + requisite - level * 10 - other_school_points
    factor = bound(2 * bound(difficulty, 1, 150) - ability + 10, 50, 100)
    final = bound(div(chance * factor, 100), 5, None)
    final += div(div(school_casts, max(1, level)), CASTS_PER_PERCENT_BONUS)
    if ability > 2 * requisite - 1:
        final = div(final, SOFTCAP_PENALTY)
    final = bound(final, 1, None)
    final = div(final * advancement_rate, 100)
    return bound(final, 1 + div(requisite, 10), 99)


#: Sixteenths of a turn (blakston.khd ANGLE_ESE ... ANGLE_ENE), in the protocol's angle
#: units: 0 east, 1024 south, 4096 a full turn.
_ESE, _SSE, _SSW, _WSW, _WNW, _NNW, _NNE, _ENE = (n * 4096 // 16 for n in (1, 3, 5, 7, 9, 11, 13, 15))


def in_view(angle: int, row: int, col: int, t_row: int, t_col: int) -> bool:
    """Whether a target square is not behind a caster facing ``angle`` (player.kod
    TargetWithinSightAndRange): behind is past the line through the caster, of the two
    cardinal or diagonal ones, closest to square with its facing. Next to the caster,
    everything is in view."""
    if (row - t_row) ** 2 + (col - t_col) ** 2 <= 1:
        return True
    d_row, d_col = t_row - row, t_col - col
    behind = (
        ((angle > _ENE or angle <= _ESE) and t_col < col)
        or (_ESE < angle <= _SSE and d_row < -d_col)
        or (_SSE < angle <= _SSW and t_row < row)
        or (_SSW < angle <= _WSW and d_row < d_col)
        or (_WSW < angle <= _WNW and t_col > col)
        or (_WNW < angle <= _NNW and d_row > -d_col)
        or (_NNW < angle <= _NNE and t_row > row)
        or (_NNE < angle <= _ENE and d_row > d_col)
    )
    return not behind


def improves(roll: Roll, initial: int, ability: int, chance: int) -> bool:
    """ImproveAbility's dice: the first gate, the cap (99), then the second gate."""
    if roll(1, 100) > initial:
        return False
    if ability >= MAX_ABILITY or ability < 1:
        return False
    return roll(0, 100) < chance
