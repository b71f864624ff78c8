"""Arithmetic and dice as the original game's interpreter does them.

The rules are written against these helpers so that they give the same numbers as the
original: Blakod integers divide towards zero (C division, not Python's floor division),
``bound`` clamps with an optional open end, and ``random(low, high)`` includes both ends.
"""

from __future__ import annotations

import random
from typing import Callable

#: A die: ``roll(low, high)`` returns an integer in ``[low, high]``, both ends included,
#: like the original's ``random(low, high)``. Tests pass a seeded or scripted one.
Roll = Callable[[int, int], int]


def roll_with(rng: random.Random) -> Roll:
    """A :data:`Roll` drawing from ``rng`` (inject a seeded one for repeatable fights):
    its own ``randint``, which takes the bounds the same way (monsters roll thousands a
    tick, so no wrapper)."""
    return rng.randint


def div(numerator: int, denominator: int) -> int:
    """Integer division truncated towards zero, as the original computes ``a / b``."""
    quotient = abs(numerator) // abs(denominator)
    return quotient if (numerator >= 0) == (denominator >= 0) else -quotient


def bound(value: int, low: int | None = None, high: int | None = None) -> int:
    """Clamp ``value`` into ``[low, high]``; ``None`` leaves that end open (the original's ``$``)."""
    if low is not None and value < low:
        value = low
    if high is not None and value > high:
        value = high
    return value
