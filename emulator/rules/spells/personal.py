"""Personal enchantments (persench.kod and its spells): how long one lasts and how much
its modifier adds, from the spell's power and the figures the import read of each spell's
GetDuration and InitializeEnchantmentState."""

from __future__ import annotations

from collections.abc import Callable

from emulator.rules.dice import Roll, div

__all__ = ["CODED_DURATIONS", "duration_ms", "modifier_amount"]

MINUTE_MS = 60_000

#: Whole durations (ms at a power) of the spells whose GetDuration is not a straight line
#: of the power, so the import leaves them to code: haste, 5 minutes and 15 more at full
#: power, counted in whole minutes.
CODED_DURATIONS: dict[str, Callable[[int], int]] = {
    "haste": lambda power: (5 + div(15 * power, 100)) * MINUTE_MS,
}


def whole_duration_ms(key: str, figures: tuple[int, int] | None, power: int) -> int | None:
    """The longest the spell lasts at ``power``; None when neither data nor code says."""
    if figures is not None:
        return figures[0] + figures[1] * power
    coded = CODED_DURATIONS.get(key)
    return None if coded is None else coded(power)


def duration_ms(roll: Roll, key: str, figures: tuple[int, int] | None, power: int) -> int | None:
    """The time it lasts: between half and all of its whole duration, as each spell draws it."""
    whole = whole_duration_ms(key, figures, power)
    if whole is None:
        return None
    whole = max(2, whole)
    return roll(div(whole, 2), whole)


def modifier_amount(figures: tuple[int, int, int], power: int) -> int:
    """power * per / divisor + plus, divided as the original divides."""
    per, divisor, plus = figures
    return div(power * per, divisor) + plus
