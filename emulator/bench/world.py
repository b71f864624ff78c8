"""World benchmark: the whole world with its monsters, ticking with nobody online.

    m59emu import --source ../shared/upstream --out /tmp/m59-original
    python -m emulator.bench.world --data /tmp/m59-original \\
        --room-files ../shared/upstream/resource/rooms [--ticks 3600] [--seconds 60]

Loads a data folder (and the room files, when given) the way the server does, builds the
World and lets its monster rooms fill up to their limits (fast ticks, at most
``--fill-ticks``). Then, with 0 players:

* fast: ``--ticks`` ticks back to back on a fake clock, each one timed;
* real time: ``--seconds`` of ticking at the world's tick rate (sleeping between ticks),
  each tick timed, and the process's CPU time over the wall time: the share of one core
  the world needs when nobody plays.

Prints one figure a line: rooms and monsters, tick p50/p99/max for both phases, the CPU
share, events per tick, the world snapshot's size and time, and the resident memory.
Nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from emulator.config import WorldConfig
from emulator.content.loader import load_world
from emulator.content.model import WorldDefinition
from emulator.importer.startup import resident_mb
from emulator.world.monsters import MonsterPopulation
from emulator.world.roofile import RoomGeometry, load_roo
from emulator.world.world import World, WorldRules


def load(data: Path, room_files: Path | None) -> tuple[WorldDefinition, dict[str, RoomGeometry]]:
    definition = load_world(data)
    geometry: dict[str, RoomGeometry] = {}
    if room_files is not None:
        for key, room in definition.rooms.items():
            path = room_files / room.roo_file
            if path.exists():
                geometry[key] = load_roo(path)
    return definition, geometry


def percentile(samples: Sequence[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def timing_line(name: str, samples: Sequence[float]) -> str:
    ms = [s * 1000 for s in samples]
    return (
        f"{name}: {len(ms)} ticks; tick p50 {percentile(ms, 0.5):.3f} ms, p99 {percentile(ms, 0.99):.3f} ms, "
        f"max {max(ms, default=0.0):.3f} ms, mean {statistics.fmean(ms) if ms else 0.0:.3f} ms"
    )


def monster_limit(population: MonsterPopulation) -> int:
    return sum(room.limit for room in population.rooms.values())


def run(
    definition: WorldDefinition,
    geometry: dict[str, RoomGeometry],
    ticks: int,
    seconds: float,
    fill_ticks: int,
    seed: int = 0,
    tick_seconds: float = WorldConfig().tick_seconds,
) -> list[str]:
    """Build, fill, tick; the figures as printable lines."""
    lines = []
    built = time.perf_counter()
    world = World(definition, geometry, seed=seed, rules=WorldRules(tick_interval=tick_seconds))
    lines.append(f"world built in {time.perf_counter() - built:.3f} s")
    population = world._monsters  # the bench reads the bookkeeping, it changes nothing
    limit = monster_limit(population)
    lines.append(
        f"rooms {len(definition.rooms)}, with room files {len(geometry)}, with monster tables {len(population.rooms)}; "
        f"monster limit over all rooms {limit}"
    )
    start_count = len(population)
    interval = world.rules.tick_interval
    clock = 0.0
    filled = 0
    while len(population) < limit and filled < fill_ticks:
        world.tick(clock)
        clock += interval
        filled += 1
    lines.append(f"monsters: {start_count} at start, {len(population)} after filling ({filled} fast ticks)")

    samples = []
    events = 0
    for _ in range(ticks):
        started = time.perf_counter()
        events += len(world.tick(clock))
        samples.append(time.perf_counter() - started)
        clock += interval
    lines.append(timing_line("fast, 0 players", samples))
    lines.append(f"events per tick (fast): {events / max(ticks, 1):.1f}")

    samples = []
    wall_started, cpu_started = time.perf_counter(), time.process_time()
    real_start = time.monotonic()
    deadline = real_start + seconds
    while time.monotonic() < deadline:
        started = time.perf_counter()
        world.tick(clock + (time.monotonic() - real_start))
        samples.append(time.perf_counter() - started)
        next_tick = real_start + len(samples) * interval
        pause = min(next_tick, deadline) - time.monotonic()
        if pause > 0:
            time.sleep(pause)
    wall, cpu = time.perf_counter() - wall_started, time.process_time() - cpu_started
    lines.append(timing_line(f"real time, {seconds:g} s at {1 / interval:g} tick/s, 0 players", samples))
    lines.append(f"CPU share at the real tick rate: {100 * cpu / max(wall, 1e-9):.2f} % of a core ({cpu:.3f} s CPU in {wall:.1f} s)")
    lines.append(f"monsters alive: {len(population)}")
    started = time.perf_counter()
    saved = json.dumps(world.snapshot())
    encoded = time.perf_counter() - started
    started = time.perf_counter()
    World(definition, geometry, seed=seed).restore(json.loads(saved))
    restored = time.perf_counter() - started
    lines.append(
        f"snapshot (autosave): {len(saved) / 1000:.0f} KB of JSON, {encoded * 1000:.1f} ms to build and encode, "
        f"{restored * 1000:.1f} ms to build a world and restore it"
    )
    lines.append(f"resident memory: {resident_mb():.0f} MB")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m emulator.bench.world", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="a data folder (e.g. one m59emu import wrote)")
    parser.add_argument("--room-files", type=Path, help="the folder of .roo files")
    parser.add_argument("--ticks", type=int, default=3600, help="fast ticks to time (default 3600)")
    parser.add_argument("--seconds", type=float, default=60.0, help="seconds at the real tick rate (default 60)")
    parser.add_argument("--fill-ticks", type=int, default=20_000, help="most fast ticks spent filling the rooms")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--tick-seconds", type=float, default=WorldConfig().tick_seconds,
                        help="game seconds a tick (default: the server's, [world] tick_seconds)")
    options = parser.parse_args(argv)
    loaded = time.perf_counter()
    definition, geometry = load(options.data, options.room_files)
    print(f"content and room files loaded in {time.perf_counter() - loaded:.2f} s", flush=True)
    for line in run(definition, geometry, options.ticks, options.seconds, options.fill_ticks, options.seed, options.tick_seconds):
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
