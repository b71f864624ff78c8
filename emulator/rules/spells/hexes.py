"""Formulas of the personal family's spells whose effect is code (forget, eavesdrop): the
numbers that live only in the original's handlers, named here."""

from __future__ import annotations

from emulator.rules.dice import Roll, div

__all__ = [
    "EAVESDROP_NAME_POWER", "FORGET_POWER_PER_ABILITY", "FORGET_SPREAD_MS", "eavesdrop_drain_ms",
    "eavesdrop_names", "forget_duration_ms", "forgotten_count",
]

#: forget.kod CastSpell: each ability forgotten uses up this much of the power.
FORGET_POWER_PER_ABILITY = 24
#: forget.kod CastSpell: its time is drawn this much either side of the base and power's.
FORGET_SPREAD_MS = 60_000


def forget_duration_ms(roll: Roll, base_ms: int, per_power_ms: int, power: int) -> int:
    """How long forget lasts: base + per point of power, give or take the spread."""
    return max(1, base_ms + per_power_ms * power + roll(-FORGET_SPREAD_MS, FORGET_SPREAD_MS))


def forgotten_count(power: int) -> int:
    """How many abilities a cast takes (one per part of the power, the last part too)."""
    return max(0, div(power + FORGET_POWER_PER_ABILITY - 1, FORGET_POWER_PER_ABILITY))


#: listener.kod: a speaker is named when random(1, power) is above this.
EAVESDROP_NAME_POWER = 70


def eavesdrop_drain_ms(power: int) -> int:
    """eavesdrp.kod GetDuration: the time between two drains of the bearer's mana."""
    return 500 + div(power, 10) * 100


def eavesdrop_names(roll: Roll, power: int) -> bool:
    """Whether the listener tells who spoke or came and went (listener.kod)."""
    return power > 0 and roll(1, power) > EAVESDROP_NAME_POWER


#: denial.kod GetDuration: a draw of 10 to 20 seconds and a second per point of power,
#: kept within 20 seconds and 2 minutes.
DENIAL_DRAW_MS = (10_000, 20_000)
DENIAL_PER_POWER_MS = 1000
DENIAL_BOUNDS_MS = (20_000, 120_000)


def denial_duration_ms(roll: Roll, power: int) -> int:
    low, high = DENIAL_BOUNDS_MS
    return max(low, min(high, roll(*DENIAL_DRAW_MS) + DENIAL_PER_POWER_MS * power))


def denial_debt(healed: int, power: int) -> int:
    """denial.kod InitializeEnchantmentState: the health taken back at the end, the health
    it gave less a fifth of the power in percent."""
    return healed - div(div(power + 1, 5) * healed, 100)


#: focus.kod AdjustManaTime: the mana regeneration's delay kept within these.
FOCUS_DELAY_BOUNDS_MS = (500, 60_000)


def focused_mana_delay_ms(delay_ms: int, power: int) -> int:
    """focus.kod AdjustManaTime: the delay shortened by half the power in percent."""
    low, high = FOCUS_DELAY_BOUNDS_MS
    return max(low, min(high, div(delay_ms * (200 - power), 200)))
