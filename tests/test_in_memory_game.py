"""The real network protocol, game service, hub and store, joined in memory: two players
on StringTransports, time on a MemoryReactorClock. No sockets, no threads."""

from __future__ import annotations

import threading

import pytest

from emulator.content.model import square_centre
from emulator.testing.memory_server import MemoryClient, MemoryServer


def REF(object_id: int) -> dict:
    return {"id": object_id, "amount": None}


@pytest.fixture
def server(tmp_path):
    threads_before = threading.active_count()
    server = MemoryServer(tmp_path)
    for account, character in (("alice", "Alanna"), ("bob", "Bertram")):
        server.create_account(account, f"pw-{account}")
        server.create_character(account, character)
    yield server
    server.stop()
    assert threading.active_count() == threads_before  # nothing ran on a thread


def enter(server: MemoryServer, account: str, character: str) -> tuple[MemoryClient, dict]:
    client = server.connect()
    client.login_to_game(account, f"pw-{account}")
    player = client.enter_world(character)
    return client, player.fields


def named(messages, name):
    return [m for m in messages if m.name == name]


def test_two_players_walk_speak_and_one_leaves(server):
    a, a_player = enter(server, "alice", "Alanna")
    b, b_player = enter(server, "bob", "Bertram")
    assert a_player["room_id"] == b_player["room_id"]
    seen = a.read()  # A learns of B's arrival: the players list, then B in the room
    assert [m.name for m in seen if m.name in ("BP_PLAYER_ADD", "BP_CREATE")] == ["BP_PLAYER_ADD", "BP_CREATE"]
    assert named(seen, "BP_CREATE")[0]["id"] == b_player["id"]

    # A walks one square at a time; B sees each step, A gets no echo.
    for row in (5, 6):
        y, x = square_centre(row, 10)
        assert a.request("BP_REQ_MOVE", y=y, x=x, speed=18, room=REF(a_player["room_id"])) == []
        (moved,) = named(b.read(), "BP_MOVE")
        assert (moved["id"], moved["y"], moved["x"]) == (a_player["id"], y, x)
        server.advance(1.0)

    a.request("BP_REQ_TURN", object=REF(a_player["id"]), angle=1024)
    assert [m.fields for m in named(b.read(), "BP_TURN")] == [{"id": a_player["id"], "angle": 1024}]

    (echo,) = named(a.request("BP_SAY_TO", say_type=1, text="hello in memory"), "BP_SAID")
    assert echo["text"]["params"] == ["hello in memory"]  # "You say, ..."
    (said,) = named(b.read(), "BP_SAID")
    assert said["sender"] == a_player["id"] and said["text"]["params"][-1] == "hello in memory"
    assert b.codec.resources.text(said["text"]["params"][0]) == "Alanna"

    # A logs off: the server hangs up; B sees A leave the players list and the room.
    a.request("BP_LOGOFF")
    assert a.closed_by_server
    a.close()
    left = b.read()
    assert [m.name for m in left] == ["BP_PLAYER_REMOVE", "BP_REMOVE"]
    assert all(m["id"] == a_player["id"] for m in left)

    # The world went on ticking and B's client still gets answers.
    server.advance(5.0)
    assert named(b.request("BP_SEND_PLAYERS"), "BP_PLAYERS")[0]["players"][0]["name"] == "Bertram"
    assert not b.closed_by_server
