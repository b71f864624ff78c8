"""Shared test fixtures.

The real captures live in ``../shared/captures`` beside the checkout (or wherever
``M59_SHARED`` points), the original game's sources in ``../shared/upstream``. Tests
that need them fail, never skip, when they are missing: a replay test that silently
skips would prove nothing.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("M59_SHARED", REPO.parent / "shared"))
CAPTURES = SHARED / "captures"
UPSTREAM = SHARED / "upstream"


def capture_files() -> list[Path]:
    return sorted(CAPTURES.glob("*.jsonl"))


@pytest.fixture(scope="session")
def captures_dir() -> Path:
    if not CAPTURES.is_dir() or not capture_files():
        pytest.fail(f"no captures found in {CAPTURES}; set M59_SHARED to the shared folder")
    return CAPTURES


@pytest.fixture(scope="session")
def capture_resources(captures_dir):
    from emulator.resources import load_resources

    return load_resources(captures_dir / "resources.tsv")


@pytest.fixture(scope="session")
def kod_tree():
    """The original's Blakod tree, parsed once for the whole session (about 5 s)."""
    from emulator.importer.blakod import KodTree

    kod, kodbase = UPSTREAM / "kod", UPSTREAM / "build" / "kodbase.txt"
    if not kod.is_dir() or not kodbase.is_file():
        pytest.fail(f"no original game sources in {UPSTREAM}; set M59_SHARED to the shared folder")
    return KodTree.load(kod, kodbase)


@pytest.fixture(scope="session")
def imported(kod_tree, tmp_path_factory: pytest.TempPathFactory):
    """The original world imported once per session: (data folder, import report)."""
    from emulator.importer.original import import_world

    out = tmp_path_factory.mktemp("imported") / "data"
    report = import_world(UPSTREAM, out, tree=kod_tree)
    return out, report


@pytest.fixture(scope="session")
def world(imported):
    """The imported world's content, loaded (raises ContentError listing every problem)."""
    from emulator.content.loader import load_world

    return load_world(imported[0])


#: The benchmarks' smoke runs: each a separate program, started together so the suite
#: waits for the slowest, not for the sum. ``{imported}`` stands for the imported world's
#: data folder, ``{room_files}`` for the original's room files.
BENCHMARK_SMOKE_RUNS = {
    "load": ["emulator.bench.load", "--clients", "3", "--seconds", "1"],
    "crowd": ["emulator.bench.crowd", "--clients", "6", "--rooms", "1", "--seconds", "3"],
    "soak": ["emulator.bench.soak", "--players", "3", "--baseline", "2", "--seconds", "5"],
    "fight": ["emulator.bench.fight", "--data", "{imported}", "--room-files", "{room_files}", "--players", "6",
              "--ticks", "20", "--seconds", "2", "--warmup", "2"],
}


@pytest.fixture(scope="session")
def benchmark_runs(request: pytest.FixtureRequest) -> dict[str, tuple[int, str]]:
    """Exit status and output (stdout, then stderr) of each benchmark's smoke run."""
    import subprocess
    import sys

    def start(args: list[str]) -> subprocess.Popen[str]:
        return subprocess.Popen([sys.executable, "-m", *args], cwd=REPO, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    needs_import = {name for name, args in BENCHMARK_SMOKE_RUNS.items() if "{imported}" in args}
    running = {name: start(args) for name, args in BENCHMARK_SMOKE_RUNS.items() if name not in needs_import}
    if needs_import:  # the import runs while the others do
        places = {"imported": str(request.getfixturevalue("imported")[0]), "room_files": str(UPSTREAM / "resource" / "rooms")}
        for name in needs_import:
            running[name] = start([arg.format(**places) for arg in BENCHMARK_SMOKE_RUNS[name]])
    results = {}
    for name, process in running.items():
        try:
            out, err = process.communicate(timeout=180)
        except subprocess.TimeoutExpired:
            process.kill()
            out, err = process.communicate()
        results[name] = (process.returncode, out + err)
    return results
