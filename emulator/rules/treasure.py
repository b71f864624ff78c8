"""What a killed monster leaves behind: its treasure, its body, and how long both stay.

Pure functions of their arguments, randomness only through an injected
:data:`~emulator.rules.dice.Roll`, rolled in the order the original handler rolls. How
many items a monster generates is :func:`emulator.rules.combat.monster_treasure_count`.

Not modelled (the callers generate nothing for them): the token game and the newbie
signet ring that GenerateTreasure may hand out first, items with magic attributes
(a treasure type's difficulty seed and chance out of 400), and the re-roll of spell
items a player cannot use.
"""

from __future__ import annotations

from collections.abc import Sequence

from .dice import Roll, bound, div

#: A monster's body stays this long before it decomposes (body.kod Constructor, mob=TRUE).
MONSTER_CORPSE_DECAY_MS = 120_000
#: A player's body stays longer (body.kod Constructor); kept for when players leave bodies.
PLAYER_CORPSE_DECAY_MS = 600_000

#: A room tidies up on this timer, give or take the jitter (room.kod piDispose_delay, DisposeTimer).
ROOM_DISPOSE_MS = 300_000
ROOM_DISPOSE_JITTER_MS = 5_000
#: With players in the room, tidying starts only when it holds more passive objects than this.
ROOM_DISPOSE_CROWD = 5

#: The server's money factor in percent (settings.kod piMoneyFactor default).
DEFAULT_MONEY_FACTOR = 100


def normalized_weights(weights: Sequence[int]) -> list[int]:
    """A treasure type's weights scaled to add up to about 100 (trestype.kod Constructed).

    Each weight becomes ``weight * 100 / total``; what the integer division loses goes to
    the first entry. A table whose weights are all 0 gives the first entry 100.
    """
    if not weights:
        return []
    total = sum(weights) or 100
    scaled = [div(weight * 100, total) for weight in weights]
    shortfall = 100 - sum(scaled)
    if shortfall > 0:
        scaled[0] += shortfall
    return scaled


def choose_treasure(normalized: Sequence[int], roll: Roll) -> int | None:
    """Which entry of a treasure type one drop is (trestype.kod GenerateTreasure): a
    ``random(0, 100)`` against the running total of the normalized weights; None when
    the roll passes them all (the original then makes nothing)."""
    if not normalized:
        return None
    pick = roll(0, 100)
    running = 0
    for index, weight in enumerate(normalized):
        running += weight
        if pick <= running:
            return index
    return None


def money_drop_added(level: int, roll: Roll, money_factor: int = DEFAULT_MONEY_FACTOR) -> int:
    """Shillings added to a dropped Money item (on top of its own default number):
    ``factor * 2 * bound(random(level/2, 3*level/2), 1, $) / 100`` (GenerateTreasure)."""
    amount = bound(roll(div(level, 2), div(3 * level, 2)), 1, None)
    return div(money_factor * 2 * amount, 100)


def room_dispose_delay_ms(roll: Roll) -> int:
    """The time to a room's next tidying (room.kod DisposeTimer): the delay plus or minus
    the jitter."""
    return ROOM_DISPOSE_MS + roll(-ROOM_DISPOSE_JITTER_MS, ROOM_DISPOSE_JITTER_MS)


def disposed_when_crowded(passive_count: int) -> int:
    """With players in the room, how many of its oldest passive objects are offered for
    disposal (room.kod DisposeTimer): the oldest fifth once it holds more than five
    (those past index ``4 * count / 5``); none otherwise. Only ground items go: bodies
    and fixtures ignore it."""
    if passive_count <= ROOM_DISPOSE_CROWD:
        return 0
    return passive_count - div(4 * passive_count, 5)
