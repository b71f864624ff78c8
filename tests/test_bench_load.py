"""Smoke test of the server load benchmark: it runs, gets its clients in and prints its figures.

The figures' values are not checked (they depend on the machine); only that each is printed.
"""

from __future__ import annotations


FIGURE_LINES = (
    "connect to in-world, one client: median ",
    "connect to in-world, 3 at once: p50 ",
    "resident memory: ",
    "players per room: ",
    "tick: p50 ",
    "tick during autosave: p99 ",
    "reactor lag (100 ms probe): p50 ",
    "messages received by clients: ",
    "autosaves completed: ",
    "result: ok",
)


def test_load_background_runs_with_three_clients(background_runs):
    status, output = background_runs["load"]
    assert status == 0, output
    for line in FIGURE_LINES:
        assert line in output, f"{line!r} missing from:\n{output}"
