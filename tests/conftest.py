"""Shared test fixtures.

The real captures live in ``../shared/captures`` beside the checkout (or wherever
``M59_SHARED`` points), the original game's sources in ``../shared/upstream``. Tests
that need them fail, never skip, when they are missing: a replay test that silently
skips would prove nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
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
    if _smoke_wanted:  # the smoke runs on the imported world can start now
        _start_runs_needing_the_import(out)
    return out, report


@pytest.fixture(scope="session")
def world(imported):
    """The imported world's content, loaded (raises ContentError listing every problem)."""
    from emulator.content.loader import load_world

    return load_world(imported[0])


#: The benchmarks' smoke runs and the crash loop: each a separate program, started
#: together so the suite waits for the slowest, not for the sum. ``{imported}`` stands for the imported world's
#: data folder, ``{room_files}`` for the original's room files.
BACKGROUND_RUNS = {
    "load": ["emulator.bench.load", "--clients", "3", "--seconds", "1"],
    "crowd": ["emulator.bench.crowd", "--clients", "6", "--rooms", "1", "--seconds", "3"],
    "soak": ["emulator.bench.soak", "--players", "3", "--baseline", "2", "--seconds", "5"],
    "fight": ["emulator.bench.fight", "--data", "{imported}", "--room-files", "{room_files}", "--players", "6",
              "--ticks", "20", "--seconds", "2", "--warmup", "2"],
    "kill_loop": ["emulator.testing.kill_loop", "--kills", "50", "--max-seconds", "300"],
}


#: The smoke runs started so far (by name), and whether this session runs them at all.
_smoke_runs: dict[str, "subprocess.Popen[str]"] = {}
_smoke_wanted = False


def _start_smoke_run(name: str, places: dict[str, str] | None = None) -> None:
    args = BACKGROUND_RUNS[name]
    if places is not None:
        args = [arg.format(**places) for arg in args]
    _smoke_runs[name] = subprocess.Popen([sys.executable, "-m", *args], cwd=REPO, text=True,
                                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _needs_import(name: str) -> bool:
    return any("{imported}" in arg for arg in BACKGROUND_RUNS[name])


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    """The benchmarks' smoke runs are separate programs: they start as soon as the tests
    are collected and run beside the suite (on the core pytest leaves idle), and the tests
    that read their output go last, so nobody waits for them."""
    global _smoke_wanted
    benches = [item for item in items if "background_runs" in getattr(item, "fixturenames", ())]
    if not benches:
        return
    _smoke_wanted = True
    later = {id(item) for item in benches}
    items[:] = [item for item in items if id(item) not in later] + benches
    for name in BACKGROUND_RUNS:
        if not _needs_import(name):
            _start_smoke_run(name)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    for process in _smoke_runs.values():  # never leave one running (e.g. after -x)
        if process.poll() is None:
            process.kill()
            process.communicate()


def _start_runs_needing_the_import(data: Path) -> None:
    places = {"imported": str(data), "room_files": str(UPSTREAM / "resource" / "rooms")}
    for name in BACKGROUND_RUNS:
        if _needs_import(name) and name not in _smoke_runs:
            _start_smoke_run(name, places)


@pytest.fixture(scope="session")
def background_runs(request: pytest.FixtureRequest) -> dict[str, tuple[int, str]]:
    """Exit status and output (stdout, then stderr) of each background run."""
    for name in BACKGROUND_RUNS:
        if name not in _smoke_runs:
            if _needs_import(name):
                _start_runs_needing_the_import(request.getfixturevalue("imported")[0])
            else:
                _start_smoke_run(name)
    results = {}
    for name, process in _smoke_runs.items():
        try:
            out, err = process.communicate(timeout=360)
        except subprocess.TimeoutExpired:
            process.kill()
            out, err = process.communicate()
        results[name] = (process.returncode, out + err)
    return results
