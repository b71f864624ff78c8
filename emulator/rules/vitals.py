"""Health, mana and vigor: maxima, regeneration timers, exertion and rest.

The original regenerates by timers: each health or mana timer moves the value one point
towards its maximum and then re-arms with a delay computed from the player's state. These
functions give that delay and the one-point step; the world layer owns the timers.

Vigor is driven by *exertion*: swings, steps and skills add exertion, food and rest take it
away, and every 10000 exertion is one vigor point. Small amounts accumulate until they pass
MIN_VIGOR_CHANGE, so one swing does not move the bar by itself.
"""

from __future__ import annotations

import attrs

from .dice import bound, div

# --- constants (player.kod, user.kod) ---------------------------------------------------

#: Vigor lies in [1, 200] (player.kod viMax_vigor, NewVigor); a new player has 100.
MAX_VIGOR = 200
INITIAL_VIGOR = 100
#: Resting refills vigor only up to this threshold (player.kod piVigor_rest_threshold),
#: which a player may set within [10, 100] (SetVigorRestThreshold).
DEFAULT_VIGOR_REST_THRESHOLD = 80
MIN_VIGOR_REST_THRESHOLD = 10
MAX_VIGOR_REST_THRESHOLD = 100
#: Exertion per vigor point, and the accumulated exertion that changes vigor at all.
EXERTION_PER_VIGOR = 10000
MIN_VIGOR_CHANGE = 20000
#: Moving faster than walking speed needs this much vigor (user.kod).
USER_WALKING_SPEED = 18
USER_RUNNING_SPEED = 36
VIGOR_RUN_THRESHOLD = 10
EXERTION_PER_MOVE = 2
#: The move counter (user.kod piMovesCounter) never falls below minus this many.
MOVEMENT_DELTA_LAG_THRESHOLD = 5

#: A new character's health and base max health (player.kod).
INITIAL_HEALTH = 20
#: Mana regeneration base (player.kod BASE_REGEN_TIME) and the decay pace of boosted mana.
BASE_REGEN_TIME = 150000
BOOST_DECAY_TIME = 30000
#: Regeneration delays stay within these milliseconds.
MIN_REGEN_DELAY_MS = 1000
MAX_REGEN_DELAY_MS = 60000


# --- maxima -------------------------------------------------------------------------------


def initial_max_mana(mysticism: int) -> int:
    """Max mana before mana nodes and items: ``15 + mysticism/5`` (player.kod GetInitialMaxMana)."""
    return 15 + div(mysticism, 5)


def max_health_cap(stamina: int) -> int:
    """Highest base max health kills can reach: ``min(100 + stamina, 150)`` (player.kod GainBaseMaxHealth)."""
    return min(100 + stamina, 150)


# --- health and mana regeneration ---------------------------------------------------------


def health_regen_delay_ms(vigor: int, stamina: int, max_health: int) -> int:
    """Milliseconds until the next health point (player.kod CalculateHealthTime).

    Faster with more vigor, more stamina and a bigger health pool (counted within
    [40, 100]); bounded to [1, 60] seconds.
    """
    delay = div((200 - vigor) * (200 - vigor), 6) + 1000
    delay = div((125 - stamina) * delay, 100)
    delay = div(delay * 100, bound(max_health, 40, 100))
    return bound(delay, MIN_REGEN_DELAY_MS, MAX_REGEN_DELAY_MS)


def mana_regen_delay_ms(mana: int, max_mana: int, vigor: int, mysticism: int) -> int:
    """Milliseconds until the next mana point (player.kod CalculateManaTime).

    Boosted mana above max decays at a fixed pace; otherwise faster with mysticism,
    vigor and a bigger mana pool, bounded to [1, 60] seconds.
    """
    if mana > max_mana:
        return BOOST_DECAY_TIME
    delay = BASE_REGEN_TIME + (25 - mysticism) * 1000
    delay = div(delay * 200, bound(vigor, 1, None))
    delay = div(delay, bound(max_mana, 1, None))
    return bound(delay, MIN_REGEN_DELAY_MS, MAX_REGEN_DELAY_MS)


def health_after_regen_tick(health: int, max_health: int, moved_since_entry: bool = True) -> int:
    """Health after one health timer (player.kod HealthTimer).

    One point up when below max, one point down (decay of boosted health) above it. Nothing
    happens until the player has moved since entering the game.
    """
    if not moved_since_entry:
        return health
    if health < max_health:
        return health + 1
    return max(health - 1, 0)


def mana_after_regen_tick(mana: int, max_mana: int) -> int:
    """Mana after one mana timer: one point towards max (player.kod ManaTimer, NewMana)."""
    if mana < max_mana:
        return mana + 1
    return max(mana - 1, 0)


def health_regen_runs(health: int, max_health: int) -> bool:
    """Whether the health timer is armed: health is off max and above 0 (player.kod NewHealth)."""
    return health != max_health and health > 0


def health_after_gain(health: int, max_health: int, amount: int) -> int:
    """Health after a boosting gain, capped at twice max (player.kod GainHealth)."""
    return min(health + amount, 2 * max_health)


def health_after_heal(health: int, max_health: int, amount: int) -> int:
    """Health after a normal heal, never past max and never lowering boosted health (player.kod GainHealthNormal)."""
    if amount < 0 or health > max_health:
        return health
    return min(health + amount, max_health)


# --- vigor ------------------------------------------------------------------------------


@attrs.frozen
class Vigor:
    """A player's vigor and the exertion not yet turned into vigor (piVigor, piExertion)."""

    vigor: int = INITIAL_VIGOR
    exertion: int = 0


def _bounded_vigor(vigor: int) -> int:
    # player.kod NewVigor: vigor never shows below 1 nor above the maximum.
    return bound(vigor, 1, MAX_VIGOR)


def add_exertion(state: Vigor, amount: int) -> Vigor:
    """Add (or with a negative amount, remove) exertion (player.kod AddExertion).

    Once the accumulated exertion passes MIN_VIGOR_CHANGE either way, whole vigor points
    are taken (or given) and the remainder kept. Second Wind and faction reductions are
    left to the caller.
    """
    exertion = state.exertion + amount
    vigor = state.vigor
    if abs(exertion) > MIN_VIGOR_CHANGE:
        lost = div(exertion, EXERTION_PER_VIGOR)
        vigor = _bounded_vigor(vigor - lost)
        exertion -= lost * EXERTION_PER_VIGOR
    return Vigor(vigor, exertion)


def restore_to_rest_threshold(state: Vigor, rest_threshold: int = DEFAULT_VIGOR_REST_THRESHOLD) -> Vigor:
    """Raise vigor to the rest threshold at once, if below it (player.kod AddExertion SetToThreshold)."""
    if state.vigor < rest_threshold:
        return Vigor(_bounded_vigor(rest_threshold), 0)
    # Otherwise the pending exertion is settled whatever its size.
    lost = div(state.exertion, EXERTION_PER_VIGOR)
    return Vigor(_bounded_vigor(state.vigor - lost), state.exertion - lost * EXERTION_PER_VIGOR)


def rest_delay_ms(stamina: int) -> int:
    """Milliseconds between rest ticks: ``1000 + 30*(51 - stamina)`` (player.kod GetRestTime)."""
    return 1000 + 30 * (51 - stamina)


#: Rest recovers faster in sanctuary rooms (x2) and triple-heal rooms (x3) (player.kod RestAddExertion).
SANCTUARY_REST_MULTIPLIER = 2
TRIPLE_HEAL_REST_MULTIPLIER = 3


def rest_tick(state: Vigor, rest_threshold: int = DEFAULT_VIGOR_REST_THRESHOLD, room_multiplier: int = 1) -> Vigor:
    """Vigor after one rest tick (player.kod RestTimer and RestAddExertion).

    Each tick below the threshold removes one vigor point's worth of exertion (times the
    room's multiplier); when the accumulated amount passes MIN_VIGOR_CHANGE it all turns
    into vigor at once, capped at the threshold. So a plain room gives 3 vigor every third
    tick. The multiplier is the sanctuary one or the triple-heal one (triple heal wins).
    """
    if state.vigor >= rest_threshold:
        return state
    exertion = state.exertion - EXERTION_PER_VIGOR * room_multiplier
    if abs(exertion) <= MIN_VIGOR_CHANGE:
        return Vigor(state.vigor, exertion)
    vigor = min(state.vigor - div(exertion, EXERTION_PER_VIGOR), rest_threshold)
    return Vigor(_bounded_vigor(vigor), 0)


def move_exertion(speed: int) -> int:
    """Exertion of a movement update at ``speed`` (user.kod, the move handler).

    ``EXERTION_PER_MOVE * (5/6 speed)^2``; the original charges it at most once a second,
    and haste reduces it by its level in percent (left to the caller).
    """
    scaled = div(speed * 5, 6)
    return EXERTION_PER_MOVE * scaled * scaled


def moves_counter_after(counter: int, seconds_since_last_move: int) -> int:
    """The move counter after a movement update (user.kod UserMove): one up per update,
    one down per second since the last, never below -MOVEMENT_DELTA_LAG_THRESHOLD."""
    return bound(counter + 1 - seconds_since_last_move, -MOVEMENT_DELTA_LAG_THRESHOLD)


def move_costs_vigor(counter: int, seconds_since_last_move: int) -> bool:
    """Whether a movement update drains vigor (user.kod UserMove): at most once per
    second, and only while the counter (already updated) is below zero: a player sending
    more than one update a second, as a speed hack does, is charged by the cheat check
    instead."""
    return seconds_since_last_move != 0 and counter < 0


def can_run(vigor: int) -> bool:
    """Moving faster than walking speed needs VIGOR_RUN_THRESHOLD vigor (user.kod)."""
    return vigor >= VIGOR_RUN_THRESHOLD


def eating_exertion(nutrition: int) -> int:
    """Food removes ``10000 * nutrition`` exertion: nutrition is vigor (player.kod EatSomething)."""
    return -EXERTION_PER_VIGOR * nutrition


# --- the stomach -----------------------------------------------------------------------

#: A stomach holds 100 (percent) and empties by this much per 100 seconds (player.kod
#: FOOD_USE_RATE: a full one in about 14 minutes); what is eaten or drunk must fit.
STOMACH_FULL = 100
FOOD_USE_RATE = 12


def stomach_after(stomach: int, seconds: int) -> int:
    """The stomach after ``seconds`` of digestion, kept within [1, 100] (player.kod
    UpdateStomach: the original updates it only when something is eaten)."""
    return bound(stomach - div(max(0, seconds) * FOOD_USE_RATE, 100), 1, STOMACH_FULL)


def too_full(stomach: int, filling: int) -> bool:
    """Whether ``filling`` more does not fit (player.kod ReqEatSomething)."""
    return stomach + filling > STOMACH_FULL
