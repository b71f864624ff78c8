"""Smoke test of the soak benchmark: the server, the players' worker and the attack workers in
their own processes, a few seconds of baseline and of attack; it prints each figure and exits 0.

The figures' values are not checked (they depend on the machine); only that each is printed,
and that the server neither crashed nor logged a traceback (the benchmark's exit code).
"""

from __future__ import annotations


FIGURE_LINES = (
    "players: 3/3 in the world",
    "duration: baseline ",
    "attack connections opened: ",
    "attack random bytes: ",
    "attack slowloris: ",
    "attack login mutation: ",
    "attack wrong password: ",
    "attack game mutation: ",
    "attack non-reader: ",
    "slowloris connections closed by the server after: ",
    "attack flood: ",
    "flood BP_SEND_ROOM_CONTENTS: ",
    "flood BP_REQ_LOOK: ",
    "flood BP_SEND_PLAYERS: ",
    "flood BP_SAY_TO: ",
    "non-reader disconnected by the server: ",
    "attacker logins that failed: ",
    "players dropped by the server: ",
    "move latency send->observer, baseline: p50 ",
    "move latency send->observer, under attack: p50 ",
    "move latency under attack / baseline: p50 ",
    "ping round trip, baseline: p50 ",
    "ping round trip, under attack: p50 ",
    "fresh login (connect to in the world) during the attack: p50 ",
    "liveness probes (a new connection greeted with AP_GETLOGIN): ",
    "server RSS: start ",
    "server RSS while a non-reader was held: ",
    "server CPU: baseline ",
    "client CPU: players' worker ",
    "other load on the machine during the attack: ",
    "connections the server closed, from its log: request flood ",
    "other server log events: ",
    "tracebacks in the server log: 0 ",
    "server log: ",
    "server crashes: 0 ",
    "result: ok",
)


def test_soak_background_runs_for_a_few_seconds(background_runs) -> None:
    status, output = background_runs["soak"]
    assert status == 0, output
    for line in FIGURE_LINES:
        assert line in output, f"{line!r} missing from:\n{output}"
