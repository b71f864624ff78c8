"""Smoke test of the fight benchmark: the imported world with its monster rooms full, a
handful of players logged in through the protocol, fighting; it prints each figure and
exits 0.

The figures' values are not checked (they depend on the machine); only that each is printed.
"""

from __future__ import annotations

import re

FIGURE_LINES = (
    "server started in memory in ",
    "rooms 265, with room files 265, with monster tables ",
    "players: 6 logged in in ",
    "fast, 6 players fighting: 20 s of game time in ",
    "real time, 2 s, 6 players fighting: 2 s of game time in ",
    "  hub tick (World.tick + rendering): ",
    "  hub tick, CPU time of the thread (no preemption in it): p50 ",
    "  broadcast flushes (finishing per recipient): ",
    "  BP_REQ_ATTACK handling: ",
    "  BP_REQ_MOVE handling: ",
    "  garbage collections: ",
    "  attacks resolved: ",
    "  received by the players: ",
    "  CPU share: server ",
    "  target, tick p99 under 10 ms with players fighting: ",
    "resident memory: ",
    "monsters alive at the end: ",
)


def test_fight_background_runs_with_six_players(background_runs):
    status, output = background_runs["fight"]
    assert status == 0, output
    for line in FIGURE_LINES:
        assert line in output, f"{line!r} missing from:\n{output}"
    # Every monster room filled up before the players came, and the players did fight.
    filled = re.search(r"monsters: \d+ at start, (\d+) of (\d+) after filling", output)
    assert filled is not None and filled.group(1) == filled.group(2), output
    resolved = re.search(r"fast, .*\n(?:.*\n)*?  attacks resolved: (\d+)", output)
    assert resolved is not None and int(resolved.group(1)) > 0, output
    assert "connections dropped 0" in output, output
