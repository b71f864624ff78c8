"""Smoke test of the crowd benchmark: server and client workers in their own processes, a
handful of bots in one room; it gets them in, measures, prints each figure and exits 0.

The figures' values are not checked (they depend on the machine); only that each is printed.
"""

from __future__ import annotations

import re

FIGURE_LINES = (
    "login to in-world: p50 ",
    "(6/6 in world;",
    "clients: 6 in 1 room (players per room: jasper_inn 6), 2 worker processes",
    "moves sent: ",
    "expected deliveries: ",
    "fraction delivered: ",
    "move latency send->observer: p50 ",
    "ping round trip (BP_PING->BP_ECHO_PING, answered at once): p50 ",
    "server CPU: ",
    "µs of server CPU per delivered message: ",
    "server RSS: ",
    "client workers CPU: ",
    "other load on the machine: ",
    "moves refused by the server: ",
    "result: ok",
)


def test_crowd_background_runs_with_six_bots(background_runs):
    status, output = background_runs["crowd"]
    assert status == 0, output
    for line in FIGURE_LINES:
        assert line in output, f"{line!r} missing from:\n{output}"
    # The bots read the other bots' moves through the opcode scrambler (keyed by their
    # pings): a bot that de-scrambled wrongly would miss nearly all of them. A loose bound,
    # so that a move refused on a busy machine does not fail the test.
    fraction = re.search(r"fraction delivered: ([0-9.]+)%", output)
    assert fraction is not None and float(fraction.group(1)) >= 90.0, output
