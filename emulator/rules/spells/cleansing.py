"""Spells that end enchantments: purify (purify.kod) the harmful ones on its caster,
purge (purge.kod) the helpful ones on a player, discordance (discord.kod) those on the
caster's room. Which of a list of enchantments one cast ends, by the power as the chance
and the figures the import read of each spell."""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from emulator.rules.dice import Roll, bound, div

__all__ = ["DispelFigures", "dispelled", "illusion_chance"]


@attrs.frozen
class DispelFigures:
    """At least ``min_count`` enchantments and a chance of at least ``min_chance``: one of
    them ends for sure first (the original's guard against clumps of them). Each other
    ends when the chance beats a percent draw; a song's chance is ``song_percent`` of it
    (discordance on Jala's songs). A chance of ``all_at`` or more ends them all."""

    min_count: int
    min_chance: int
    song_percent: int = 100
    all_at: int | None = None


def dispelled(roll: Roll, figures: DispelFigures, chance: int, songs: Sequence[bool]) -> list[int]:
    """The places (0-based, in ``songs``' order: the enchantments the spell looks at, in
    the order it walks them) of those that end."""
    count = len(songs)
    if figures.all_at is not None and chance >= figures.all_at:
        return list(range(count))
    ended: list[int] = []
    left = list(range(count))
    if count >= figures.min_count and chance >= figures.min_chance and count:
        first = left.pop(roll(1, count) - 1)
        ended.append(first)
    for place in left:
        wanted = div(chance * figures.song_percent, 100) if songs[place] else chance
        if wanted > roll(1, 100):
            ended.append(place)
    return ended


def illusion_chance(power: int) -> int:
    """Dispel illusion's chance to end each illusion: the power, within 10 and 99."""
    return bound(power, 10, 99)
