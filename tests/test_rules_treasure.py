"""The treasure and remains rules against the original's figures (trestype.kod,
monster.kod CreateTreasure, body.kod, room.kod DisposeTimer)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from emulator.content.loader import DRAWFX_VALUES
from emulator.game.room_view import OF_NOEXAMINE
from emulator.importer.blakod import KodTree
from emulator.rules.dice import Roll
from emulator.rules.treasure import (
    DEFAULT_MONEY_FACTOR,
    MONSTER_CORPSE_DECAY_MS,
    ROOM_DISPOSE_JITTER_MS,
    ROOM_DISPOSE_MS,
    choose_treasure,
    disposed_when_crowded,
    money_drop_added,
    normalized_weights,
    room_dispose_delay_ms,
)
from emulator.world.remains import ITEMTYPE_MONEY


def scripted(*values: int) -> Roll:
    """A die that returns these values in turn, checking each lies within the asked range."""
    pending: Iterator[int] = iter(values)

    def roll(low: int, high: int) -> int:
        value = next(pending)
        assert low <= value <= high, (value, low, high)
        return value

    return roll


def test_weights_are_scaled_to_a_hundred_with_the_remainder_on_the_first() -> None:
    # the rat's table already adds up to 100
    assert normalized_weights([30, 20, 15, 15, 10, 5, 5]) == [30, 20, 15, 15, 10, 5, 5]
    # 3 x 100/3 = 99: the lost point goes to the first entry
    assert normalized_weights([1, 1, 1]) == [34, 33, 33]
    assert normalized_weights([40, 20, 16, 10, 5, 3, 3, 2, 1]) == [40, 20, 16, 10, 5, 3, 3, 2, 1]
    assert normalized_weights([0, 0]) == [100, 0]
    assert normalized_weights([]) == []


def test_a_drop_is_the_first_entry_whose_running_total_reaches_the_roll() -> None:
    weights = normalized_weights([30, 20, 50])
    assert choose_treasure(weights, scripted(0)) == 0
    assert choose_treasure(weights, scripted(30)) == 0
    assert choose_treasure(weights, scripted(31)) == 1
    assert choose_treasure(weights, scripted(50)) == 1
    assert choose_treasure(weights, scripted(51)) == 2
    assert choose_treasure(weights, scripted(100)) == 2
    assert choose_treasure([], scripted()) is None
    # a table that does not reach the roll makes nothing
    assert choose_treasure([10, 10], scripted(21)) is None


@pytest.mark.parametrize(
    ("level", "rolled", "added"),
    [(30, 15, 30), (30, 45, 90), (1, 0, 2), (100, 120, 240)],
)
def test_money_is_twice_a_roll_between_half_and_one_and_a_half_levels(level: int, rolled: int, added: int) -> None:
    # random(level/2, 3*level/2), at least 1, doubled by the default money factor of 100
    assert money_drop_added(level, scripted(rolled)) == added


def test_money_follows_the_money_factor() -> None:
    assert money_drop_added(30, scripted(20), money_factor=120) == 48


def test_bodies_and_rooms_keep_the_original_times() -> None:
    assert MONSTER_CORPSE_DECAY_MS == 120_000
    assert room_dispose_delay_ms(scripted(-ROOM_DISPOSE_JITTER_MS)) == ROOM_DISPOSE_MS - 5_000
    assert room_dispose_delay_ms(scripted(ROOM_DISPOSE_JITTER_MS)) == 305_000


def test_a_crowded_room_offers_its_oldest_fifth() -> None:
    assert [disposed_when_crowded(n) for n in range(0, 6)] == [0] * 6
    # past index 4*n/5: 6 -> 2, 10 -> 2, 11 -> 3
    assert disposed_when_crowded(6) == 2
    assert disposed_when_crowded(10) == 2
    assert disposed_when_crowded(11) == 3


def test_the_figures_are_the_originals(kod_tree: KodTree) -> None:
    assert kod_tree.classes["Room"].value("piDispose_delay") == ROOM_DISPOSE_MS
    assert kod_tree.classes["Settings"].value("piMoneyFactor") == DEFAULT_MONEY_FACTOR
    assert kod_tree.constant("ITEMTYPE_MONEY") == ITEMTYPE_MONEY
    assert kod_tree.constant("LOOK_NO") == OF_NOEXAMINE
    for name, value in DRAWFX_VALUES.items():
        assert kod_tree.constant(f"DRAWFX_{name.upper()}") == value, name
