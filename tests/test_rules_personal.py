"""The personal enchantments' figures: the duration drawn between half and all of the
whole, the modifier's amount divided as the original divides, haste's coded minutes."""

from __future__ import annotations

import random

from emulator.rules.dice import roll_with
from emulator.rules.spells import personal


def test_the_duration_is_drawn_between_half_and_all_of_the_whole() -> None:
    roll = roll_with(random.Random(7))
    drawn = [personal.duration_ms(roll, "superstrength", (300_000, 6_000), 50) for _ in range(200)]
    assert all(d is not None and 300_000 <= d <= 600_000 for d in drawn)
    assert min(d for d in drawn if d is not None) < 350_000 and max(d for d in drawn if d is not None) > 550_000
    assert personal.duration_ms(roll, "cloak", None, 50) is None  # neither data nor code


def test_haste_counts_whole_minutes() -> None:
    assert personal.whole_duration_ms("haste", None, 0) == 5 * 60_000
    assert personal.whole_duration_ms("haste", None, 6) == 5 * 60_000  # 90 / 100 is 0
    assert personal.whole_duration_ms("haste", None, 99) == 19 * 60_000


def test_the_amount_divides_as_the_original() -> None:
    assert personal.modifier_amount((1, 5, 1), 0) == 1
    assert personal.modifier_amount((1, 5, 1), 49) == 10  # super strength: power / 5 + 1
    assert personal.modifier_amount((1, 2, 25), 99) == 74  # withstand fire: power / 2 + 25
    assert personal.modifier_amount((-1, 2, 0), 5) == -2  # towards zero
