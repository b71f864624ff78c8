"""Spells that take the caster elsewhere: elusion (elusion.kod). Which destinations a
cast offers and which one the caster named, from the power and the figures the import
read of the spell."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from emulator.rules.dice import Roll, bound, div

__all__ = ["destination_named", "elusion_count", "elusion_destinations", "listed"]

T = TypeVar("T")


def elusion_count(power: int, per: int, most: int) -> int:
    """How many destinations a cast offers: one per ``per`` of power, 1 to ``most``."""
    return bound(div(power, per), 1, most)


def elusion_destinations(roll: Roll, towns: Sequence[T], refuge: T | None, count: int, most: int, in_refuge_region: bool) -> list[T]:
    """GetLocations: the refuge (Ko'catan's inn) when the caster is in its region or the
    count is the most, then towns drawn without repeats; in the order the original lists
    them (each consed on the front)."""
    offered: list[T] = []
    if refuge is not None and (in_refuge_region or count == most):
        offered.insert(0, refuge)
        count -= 1
    left = list(towns)
    while count > 0 and left:
        offered.insert(0, left.pop(roll(1, len(left)) - 1))
        count -= 1
    return offered


def listed(names: Sequence[str], and_word: str) -> str:
    """GetLocationsString: the names with commas, the last after the word for "and"."""
    if len(names) == 1:
        return names[0]
    return "".join(f"{name}, " for name in names[:-1]) + and_word + names[-1]


def destination_named(said: str, names: Sequence[str]) -> int | None:
    """The first destination whose name the caster's words contain (any case)."""
    folded = said.casefold()
    return next((i for i, name in enumerate(names) if name and name.casefold() in folded), None)
