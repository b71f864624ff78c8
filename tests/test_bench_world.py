"""Smoke test of the world benchmark: it fills the monster rooms, ticks and prints its figures.

The figures' values are not checked (they depend on the machine); only that each is printed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from emulator.bench import world as bench
from emulator.world.roofile import RoomGeometry

from .test_monsters import definition

REPO = Path(__file__).resolve().parent.parent

FIGURE_LINES = (
    "world built in ",
    "monster limit over all rooms 5",
    "monsters: ",
    "fast, 0 players: 30 ticks; tick p50 ",
    "real time, 0.2 s at 4 tick/s, 0 players: ",  # the server's default tick, 0.25 s
    "CPU share at the real tick rate: ",
    "monsters alive: 5",
    "snapshot (autosave): ",
    "resident memory: ",
)


def test_world_benchmark_fills_the_rooms_and_prints_its_figures() -> None:
    geometry = {"cave": RoomGeometry.open_floor(10, 10, blocked={(4, 4), (4, 5)})}
    output = "\n".join(bench.run(definition(), geometry, ticks=30, seconds=0.2, fill_ticks=500))
    for line in FIGURE_LINES:
        assert line in output, f"{line!r} missing from:\n{output}"


def test_world_benchmark_command_runs_on_the_bundled_data(capsys: pytest.CaptureFixture[str]) -> None:
    assert bench.main(["--data", str(REPO / "data"), "--ticks", "10", "--seconds", "0.1"]) == 0
    output = capsys.readouterr().out
    assert "fast, 0 players: 10 ticks" in output and "CPU share at the real tick rate: " in output
