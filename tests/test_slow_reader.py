"""A client that stops reading: its game output is held, position updates coalesced
(latest wins), and past the bound it is disconnected; held bytes never pass the bound.

The transport calls ``pauseProducing`` when its buffer fills (the client is not reading)
and ``resumeProducing`` once it drained; these tests drive the same calls."""

from __future__ import annotations

import pytest

from emulator.content.model import square_centre
from emulator.testing.memory_server import MemoryServer

LIMIT = 1500  # [limits] max_output_bytes for these tests


def REF(object_id: int) -> dict:
    return {"id": object_id, "amount": None}


@pytest.fixture
def server(tmp_path):
    server = MemoryServer(tmp_path, f"[limits]\nmax_output_bytes = {LIMIT}\n[timeouts]\ngame_idle = 1000.0\n")
    for account, character in (("slow", "Sloth"), ("walker", "Wanda")):
        server.create_account(account, f"pw-{account}")
        server.create_character(account, character)
    yield server
    server.stop()


def enter(server, account, character):
    client = server.connect()
    client.login_to_game(account, f"pw-{account}")
    return client, client.enter_world(character).fields


def test_a_reader_that_falls_behind_gets_only_the_latest_position(server):
    slow, _ = enter(server, "slow", "Sloth")
    walker, me = enter(server, "walker", "Wanda")
    slow.read()
    slow.protocol.pauseProducing()  # its socket buffer is full
    squares = [(5, 10), (6, 10), (6, 11), (5, 11), (5, 10), (6, 10)]
    for row, col in squares:
        y, x = square_centre(row, col)
        walker.request("BP_REQ_MOVE", y=y, x=x, speed=18, room=REF(me["room_id"]))
        server.advance(1.0)
        assert slow.read() == []  # nothing leaves while paused
        assert slow.protocol.link.held_bytes <= LIMIT
    slow.protocol.resumeProducing()
    moves = [m for m in slow.read() if m.name == "BP_MOVE" and m["id"] == me["id"]]
    assert [(m["y"], m["x"]) for m in moves] == [square_centre(*squares[-1])]  # six steps, one update
    assert not slow.closed_by_server


def test_a_reader_that_stays_behind_is_disconnected_at_the_bound(server):
    slow, _ = enter(server, "slow", "Sloth")
    walker, me = enter(server, "walker", "Wanda")
    slow.read()
    slow.protocol.pauseProducing()
    held = []
    for n in range(200):  # speech cannot be coalesced: it piles up
        walker.request("BP_SAY_TO", say_type=1, text=f"line {n} " + "x" * 40)
        server.advance(1.0)  # the speech budget refills at one line a second
        link = slow.protocol.link
        if link is None:
            break
        held.append(link.held_bytes)
    assert slow.closed_by_server and slow.transport.disconnected  # aborted, not flushed
    assert max(held) <= LIMIT
    slow.close()
    # The server let go of the character: the walker saw it leave.
    walker.read()
    left = [m.name for m in walker.received if m.name in ("BP_PLAYER_REMOVE", "BP_REMOVE")]
    assert left == ["BP_PLAYER_REMOVE", "BP_REMOVE"]
