"""Jala's songs (jala.kod and its spells): how loud a song is, what it costs to keep up,
and what it does to its listeners' timers and casts. Pure functions of numbers; the
figures come from each song's class through the import (``spells.toml`` ``figures``)."""

from __future__ import annotations

from emulator.rules.dice import Roll, bound, div

__all__ = [
    "DEFAULT_DRAIN", "DEFAULT_DRAIN_MS", "MOOD_DAMAGE_MAX", "MOOD_HIT_BONUS", "SCHOOLS", "health_delay_ms",
    "hindered_chance", "kept_power", "last_call", "mana_delay_ms", "mood_bites", "quickened_ms", "stretched_ms", "unstretched_ms",
    "volume",
]

#: Jala's own figures (jala.kod viManaDrain, viDrainTime) for a song that names none.
DEFAULT_DRAIN = 3
DEFAULT_DRAIN_MS = 5000

#: The schools by the original's numbers (blakston.khd SS_*): what a hinder song's
#: ``hinders`` figure names.
SCHOOLS = {1: "shalille", 2: "qor", 3: "kraanan", 4: "faren", 5: "riija", 6: "jala"}

#: Restorate's health timer (restorat.kod AdjustHealthTime): the regular delay is held
#: within these bounds first, then scaled by (slope - (intercept + power)) / slope and held
#: within the song's own bounds.
RESTORATE_INTERCEPT = 40
RESTORATE_SLOPE = 400
RESTORATE_DELAY_BOUNDS = (1000, 60000)
RESTORATE_RESULT_BOUNDS = (670, 60000)
#: The mana timer under a song is held within these (player.kod CalculateManaTime).
SONG_MANA_DELAY_BOUNDS = (500, 60000)
#: A listener a mood song moved strikes harder at those of the other side (melcholy.kod,
#: mirth.kod ModifyHitRoll and ModifyDamage): to hit, and damage 1 to this much more.
MOOD_HIT_BONUS = 100
MOOD_DAMAGE_MAX = 5


def mood_bites(mood: int, victim_karma: int) -> bool:
    """Whether a mood song's blow bonus counts against a victim: melancholy's (mood -1)
    against the good, mirth's (mood 1) against the evil."""
    return (mood < 0 and victim_karma > 0) or (mood > 0 and victim_karma < 0)


def kept_power(power: int, per: int, divisor: int, plus: int) -> int:
    """The power a song keeps in its state when it is a line of the cast's (mana
    convergence's BuildState): power * per / divisor + plus."""
    return div(power * per, max(1, divisor)) + plus


def volume(power: int, drain: int, drain_ms: int) -> int:
    """How loud a song is (CalculateVolume): its power times the mana it drains a
    second, at least 1. A song no louder than the one already sung in a room fails."""
    return bound(div(power * drain * 1000, max(1, drain_ms)), 1, None)


def last_call(mana: int, drain: int) -> bool:
    """Whether the singer's mana is too low to go on past the next drain (under twice it)."""
    return mana < drain * 2


def hindered_chance(chance: int, power: int, roll: Roll) -> int:
    """A hinder song's cut of a cast's chance to work (GetAlteredChance): between half and
    two thirds of the song's power; the caller bounds the result."""
    return chance - roll(div(power, 2), div(power * 2, 3))


def quickened_ms(delay_ms: int, power: int) -> int:
    """A regeneration delay under invigorate or rejuvenate (AdjustVigorTime,
    AdjustManaTime): shortened by half the power in percent."""
    return div(delay_ms * (200 - power), 200)


def health_delay_ms(delay_ms: int, power: int) -> int:
    """The health delay under restorate (AdjustHealthTime)."""
    delay = bound(delay_ms, *RESTORATE_DELAY_BOUNDS)
    delay = div(delay * (RESTORATE_SLOPE - (RESTORATE_INTERCEPT + power)), RESTORATE_SLOPE)
    return bound(delay, *RESTORATE_RESULT_BOUNDS)


def mana_delay_ms(delay_ms: int, power: int) -> int:
    """The mana delay under rejuvenate, within the bounds a song allows."""
    return bound(quickened_ms(delay_ms, power), *SONG_MANA_DELAY_BOUNDS)


def stretched_ms(left_ms: int, power: int) -> int:
    """A trance's time left in a room where warp time is sung (GetStretchedTime)."""
    return div(left_ms * (100 + power), 100)


def unstretched_ms(left_ms: int, power: int) -> int:
    """A trance's time left when warp time stops (GetUnstretchedTime)."""
    return div(left_ms * 100, 100 + power)
