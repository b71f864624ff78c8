"""Spells that see: seance (seance.kod), its foil cloak (cloak.kod) and foresight
(forsight.kod). Pure figures of the power, the caster and the target; the world reads
them (``emulator.world.spells.divination``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeVar

from emulator.rules.dice import Roll, bound, div

__all__ = [
    "ABILITY_WORDS", "cloak_factor", "foresight_count", "foresight_order", "foresight_picks", "ability_words",
    "seance_duration_ms", "seance_misled", "seance_strength", "wrong_room",
]

T = TypeVar("T")

#: Seance's chance to be right, in percent (GetSeanceStrength bounds it).
SEANCE_STRENGTH_MIN, SEANCE_STRENGTH_MAX = 15, 99
#: How many of the room list a wrong room is drawn from before the fallback (cloak.kod
#: GetWrongRoom: its counter runs to 20, the first room it looks at being the god room).
WRONG_ROOM_DRAWS = 19


def seance_strength(power: int, karma: int, max_health: int) -> int:
    """GetSeanceStrength: half the power, a third of the karma and a quarter of the max
    health (1 to 100), within 15 and 99."""
    strength = div(power, 2) + div(karma, 3) + div(bound(max_health, 1, 100), 4)
    return bound(strength, SEANCE_STRENGTH_MIN, SEANCE_STRENGTH_MAX)


def seance_duration_ms(roll: Roll, power: int, karma: int) -> int:
    """Seance's GetDuration: how long a caster keeps seeing the wrong room, one to five
    minutes less with power and karma, between half and all of it."""
    whole = bound(300 - (div(7 * power, 5) + karma), 60, 300) * 1000
    return roll(div(whole, 2), whole)


def seance_misled(roll: Roll, strength: int, cloak: int | None) -> bool:
    """Whether the seance points at a wrong room: the caster's strength fails, or the
    murderer's cloak (its factor, None without one) holds."""
    if roll(1, 100) > strength:
        return True
    return cloak is not None and roll(1, 100) < cloak


def cloak_factor(power: int) -> int:
    """Cloak's InitializeEnchantmentState: its chance (percent) to turn a seance away."""
    return bound(div(power, 2) + 5, 10, 50)


def wrong_room(roll: Roll, rooms: Sequence[T], shown: Mapping[T, bool], fallback: T) -> T:
    """GetWrongRoom: up to 19 rooms drawn at random until one a seance may name; else
    the fallback (Tos' inn)."""
    for _ in range(WRONG_ROOM_DRAWS):
        room = rooms[roll(1, len(rooms)) - 1]
        if shown.get(room, True):
            return room
    return fallback


#: Foresight's words for an ability, by the highest percent each is said below
#: (forsight.kod's MAX_PERCENT_* constants, read by the import); past the last: "master".
ABILITY_WORDS = ("knows_of", "adequate_at", "mediocre_at", "good_at", "practitioner_of", "great_at")


def ability_words(ability: int, limits: Sequence[int]) -> str:
    """The purpose of the words foresight says an ability with (``limits``: the percent
    each of :data:`ABILITY_WORDS` is said below, in order)."""
    for purpose, limit in zip(ABILITY_WORDS, limits):
        if ability < limit:
            return purpose
    return "master_of"


def foresight_count(power: int, known: int) -> int:
    """How many abilities foresight names: a quarter of the power, 1 to 10, no more
    than the target knows."""
    return min(bound(div(power, 4), 1, 10), known)


def foresight_order(abilities: Sequence[T]) -> list[T]:
    """The list foresight walks: the target's abilities as the cast gathers them, with
    the original's exchange of pairs from both ends (every other one, up to the
    middle)."""
    found = list(abilities)
    last = len(found) - 1  # the original's iAbilityLength, one less than the count
    counter = 1
    while counter < div(last, 2):
        # Nth is 1-based: elements (last - counter) and counter
        a, b = last - counter - 1, counter - 1
        found[a], found[b] = found[b], found[a]
        counter += 2
    return found


def foresight_picks(roll: Roll, count: int, known: int) -> list[int]:
    """The 0-based places foresight names, in order: hopping forward 1 to an even share
    of the list each time."""
    if count <= 0:
        return []
    hop = max(1, div(known, count))
    picks, at = [], 0
    for _ in range(count):
        at += roll(1, hop)
        picks.append(at - 1)
    return picks
