"""Measure how long the server takes to start with a data folder, and what it then holds.

    .venv/bin/python -m emulator.importer.startup DATA_DIR [ROOM_FILES_DIR]

Builds the whole service tree the way ``twistd m59emu`` does (``emulator.tap.makeService``:
content, room files, resource ids, world), on a memory reactor with a throwaway SQLite
database, starts it, and prints the wall time and the process's resident memory.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path


def resident_mb() -> float:
    """Current resident set size (Linux /proc), else the peak from getrusage."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(data_dir: Path, room_files: Path | None) -> tuple[float, float, float, int, int]:
    """(seconds to build and start, MB resident before, MB after, rooms, objects)."""
    from twisted.internet.testing import MemoryReactorClock

    from emulator import tap
    from emulator.testing.inline_store import InlineStore

    before = resident_mb()
    with tempfile.TemporaryDirectory() as work:
        config = Path(work) / "m59emu.toml"
        lines = ["[world]", f'rsc_dir = "{Path(work) / "rsc"}"']
        if room_files is not None:
            lines.append(f'room_files = "{room_files.resolve()}"')
        lines += ["[server]", f'data = "{data_dir.resolve()}"']
        config.write_text("\n".join(lines) + "\n")
        started = time.perf_counter()
        options = tap.Options()
        options.parseOptions(["--config", str(config), "--database", f"sqlite:///{Path(work) / 'm59emu.db'}"])
        reactor = MemoryReactorClock()
        service = tap.makeService(options, reactor=reactor, store=InlineStore(options.config.database, reactor))
        service.startService()
        seconds = time.perf_counter() - started
        after = resident_mb()
        game = service.getServiceNamed("game")
        world = game.hub.world
        rooms = len(game.prepared.definition.rooms)
        objects = sum(len(world.room_objects(key)) for key in game.prepared.definition.rooms)
        service.stopService()
    return seconds, before, after, rooms, objects


def main(argv: list[str]) -> int:
    if not 1 <= len(argv) <= 2:
        print(__doc__, file=sys.stderr)
        return 2
    seconds, before, after, rooms, objects = measure(Path(argv[0]), Path(argv[1]) if len(argv) > 1 else None)
    print(f"rooms {rooms}, objects in them {objects}")
    print(f"start: {seconds:.2f} s; resident memory {after:.0f} MB (Python and libraries before loading: {before:.0f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
