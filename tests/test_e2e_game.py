"""End to end in game mode: the real server, three protocol clients on real sockets.

A creates its character through the creation exchange, B and C use ready-made ones;
they meet in the inn, A moves, turns and speaks, walks through a door to where C
waits, logs off and on again and is where it left. Every frame any client receives
must decode exactly (the clients decode with the .rsc the server wrote).
"""

from __future__ import annotations

import pytest

from emulator.content.model import square_centre
from tests.live_server import LiveServer, run_cli

REF = lambda object_id: {"id": object_id, "amount": None}  # noqa: E731


@pytest.fixture
def server(tmp_path):
    url = f"sqlite:///{tmp_path / 'world.db'}"
    for account, password in (("alice", "pw-alice"), ("bob", "pw-bob"), ("carol", "pw-carol")):
        run_cli("account", "create", account, "--database", url, stdin=password + "\n")
    run_cli("character", "create", "alice", "Placeholder", "--first-time", "--database", url)
    run_cli("character", "create", "bob", "Bobbin", "--database", url)
    run_cli("character", "create", "carol", "Carolus", "--database", url)
    live = LiveServer(tmp_path, url)
    yield live
    assert live.stop() in (0, -15), live.log()
    assert "Traceback" not in live.log(), live.log()


def enter(server, account, password, create_as: str | None = None):
    client = server.connect(resources=server.client_resources())
    client.login_to_game(account, password)
    client.request("BP_SEND_CHARACTERS")
    listing = client.expect("BP_CHARACTERS")[-1]
    (character,) = listing["characters"]
    if create_as is not None:
        assert character["flags"] == 1  # never played: the client opens character creation
        client.request("BP_SYSTEM", command=49, args={})
        client.expect("BP_CHARINFO")

        def finish(name: str) -> None:
            client.request(
                "BP_SYSTEM",
                command=48,
                args={
                    "character": REF(character["id"]), "name": name, "description": "A traveller.",
                    "gender": 2, "face_parts": [], "hair_translation": 0, "face_translation": 0,
                    "stats": [25] * 6, "spells": [], "skills": [],
                },
            )

        for refused in ("Widow Qesino", "X", "Bad~Name", "Bobbin"):  # an NPC's, too short, bad characters, taken
            finish(refused)
            reason = client.expect("BP_MESSAGE", "BP_CHARINFO_NOT_OK")[0]
            assert reason["params"][0].startswith("That character cannot be made"), refused
        finish(create_as)
        assert client.expect("BP_CHARINFO_OK")[-1]["character"] == character["id"]
    client.request("BP_USE_CHARACTER", character_id=character["id"])
    burst = client.expect("BP_PLAYER", "BP_ROOM_CONTENTS")
    player = next(m for m in burst if m.name == "BP_PLAYER")
    contents = next(m for m in burst if m.name == "BP_ROOM_CONTENTS")
    assert contents["room_id"] == player["room_id"]
    assert player["id"] in [o["id"] for o in contents["objects"]]
    client.player_id, client.room_id = player["id"], player["room_id"]
    return client


def last(messages, name):
    return next(m for m in reversed(messages) if m.name == name)


def position(contents, object_id):
    thing = next(o for o in contents["objects"] if o["id"] == object_id)
    return thing["y"], thing["x"], thing["angle"]


def test_two_players_see_each_other_walk_talk_and_leave(server):
    a = enter(server, "alice", "pw-alice", create_as="Alanna")
    b = enter(server, "bob", "pw-bob")
    assert b.room_id == a.room_id
    a.expect("BP_PLAYER_ADD", "BP_CREATE")  # A learns of B's arrival

    # A steps one square south, turns and speaks; B sees all of it, A gets no echo of its step.
    y, x = square_centre(5, 10)
    a.request("BP_REQ_MOVE", y=y, x=x, speed=18, room=REF(a.room_id))
    moved = b.expect("BP_MOVE")[-1]
    assert (moved["id"], moved["y"], moved["x"]) == (a.player_id, y, x)
    a.request("BP_REQ_TURN", object=REF(a.player_id), angle=1024)
    assert b.expect("BP_TURN")[-1].fields == {"id": a.player_id, "angle": 1024}
    a.request("BP_SAY_TO", say_type=1, text="hello from the wire")
    said = b.expect("BP_SAID")[-1]
    assert said["sender"] == a.player_id and said["text"]["params"][-1] == "hello from the wire"
    assert b.codec.resources.text(said["text"]["params"][0]) == "Alanna"
    echo = a.expect("BP_SAID")[-1]
    assert echo["text"]["params"] == ["hello from the wire"]  # "You say, ..."
    assert not any(m.name == "BP_MOVE" and m["id"] == a.player_id for m in a.received)

    # C goes through the door to West Jasper first, then A follows.
    c = enter(server, "carol", "pw-carol")
    door_y, door_x = square_centre(2, 8)
    c.request("BP_REQ_MOVE", y=door_y, x=door_x, speed=18, room=REF(c.room_id))
    c.request("BP_REQ_GO")
    outside = c.expect("BP_PLAYER", "BP_ROOM_CONTENTS")
    c_room = next(m for m in outside if m.name == "BP_PLAYER")["room_id"]
    assert c_room != a.room_id
    a.request("BP_REQ_MOVE", y=door_y, x=door_x, speed=18, room=REF(a.room_id))
    a.request("BP_REQ_GO")
    a_arrival = a.expect("BP_PLAYER", "BP_ROOM_CONTENTS")
    assert next(m for m in a_arrival if m.name == "BP_PLAYER")["room_id"] == c_room
    b.expect_match("BP_REMOVE", id=a.player_id)  # B sees A leave the inn
    c.expect_match("BP_CREATE", id=a.player_id)  # C sees A arrive outside
    where_a_left = position(last(a_arrival, "BP_ROOM_CONTENTS"), a.player_id)

    # A quits to the menu and comes back: same room, same square.
    a.request("BP_REQ_QUIT")
    a.expect("BP_QUIT", "AP_GETCHOICE", "AP_CREDITS")
    c.expect_match("BP_REMOVE", id=a.player_id)
    a.send(a.codec.request_game())
    a.expect("AP_GAME", "BP_LOAD_MODULE")
    a.request("BP_SEND_CHARACTERS")
    (again,) = a.expect("BP_CHARACTERS")[-1]["characters"]
    assert again["name"] == "Alanna" and again["flags"] == 0
    a.request("BP_USE_CHARACTER", character_id=again["id"])
    back = a.expect("BP_PLAYER", "BP_ROOM_CONTENTS")
    assert next(m for m in back if m.name == "BP_PLAYER")["room_id"] == c_room
    assert position(last(back, "BP_ROOM_CONTENTS"), a.player_id) == where_a_left

    for client in (a, b, c):
        # Everything each client received decoded with zero bytes left (TestClient raises otherwise).
        assert client.received
        client.close()
