"""Meridian's hour of the day: two real hours a day, five minutes an hour, from the wall
clock five hours behind UTC; Qor's spells are strongest at midnight."""

from __future__ import annotations

from datetime import datetime, timezone

from emulator.rules import casting
from emulator.rules.calendar import GAME_HOUR_SECONDS, game_hour


def _at(hour: int, minute: int) -> float:
    return datetime(2026, 12, 2, hour, minute, tzinfo=timezone.utc).timestamp()


def test_a_game_day_is_two_real_hours() -> None:
    # 05:00 UTC is midnight of a game day; each five minutes is an hour
    assert game_hour(_at(5, 0)) == 0
    assert game_hour(_at(5, 4)) == 0
    assert game_hour(_at(5, 5)) == 1
    assert game_hour(_at(6, 0)) == 12
    assert game_hour(_at(6, 59)) == 23
    assert game_hour(_at(7, 0)) == 0
    assert [game_hour(_at(5, 0) + h * GAME_HOUR_SECONDS) for h in range(25)] == [*range(24), 0]


def test_qor_is_strongest_at_midnight_and_weakest_at_noon() -> None:
    def qor(hour: int) -> int:
        return casting.spell_power(casting.PowerFigures(ability=40, school="qor", hour=hour))

    assert qor(0) == 20 + 26 and qor(12) == 20 + 2 and qor(18) == 20 + 14


def test_the_world_reads_the_hour_from_its_clock() -> None:
    from emulator.content.loader import load_world
    from pathlib import Path
    from emulator.world.world import World

    world = World(load_world(Path(__file__).resolve().parents[1] / "data"))
    world.tick(_at(5, 30))
    assert world.game_hour == 6
