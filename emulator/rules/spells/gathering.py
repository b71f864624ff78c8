"""Spells that gather loose items into the caster's hands: sweep (sweep.kod), how many
items one cast may take."""

from __future__ import annotations

from emulator.rules.dice import bound, div

__all__ = ["SWEEP_MOST", "SWEEP_LEAST", "sweep_count"]

SWEEP_LEAST = 2  # sweep.kod GetNumDeleted: however weak the cast
SWEEP_MOST = 15  # however strong
POWER_PER_ITEM = 6


def sweep_count(power: int) -> int:
    """How many of the room's items one cast tries to take: a sixth of the power, within
    the least and the most."""
    return bound(div(power, POWER_PER_ITEM), SWEEP_LEAST, SWEEP_MOST)
