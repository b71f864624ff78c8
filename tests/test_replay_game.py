"""The client side of every recorded game session, replayed against our server.

Requests are taken from the captures of the original server, with the original's
object ids swapped for ours (character, room, self, the thing looked at). The server
records the session (``[world] record_sessions``); that recording must decode exactly
with the capture decoder, and the kinds of reply must be the original's. The server
runs in memory (real protocol, game and store; no sockets), so every reply is read as
soon as its request is sent, with no waiting.
"""

from __future__ import annotations

import pytest
from twisted.logger import LogLevel, globalLogPublisher

from emulator.capture import decode_capture, read_capture
from emulator.resources import load_resources
from emulator.testing.memory_server import MemoryServer
from protocol_specs.registry import C2S, GAME, S2C
from tests.conftest import CAPTURES

GAME_CAPTURES = ["login_to_game.jsonl", "walk_and_say.jsonl", "shop_buy_list.jsonl", "stats_and_spells.jsonl", "harness_cli_smoke.jsonl"]


def original_requests(name: str, resources) -> list:
    decoded = decode_capture(read_capture(CAPTURES / name), resources)
    return [item.message for item in decoded if item.direction is C2S and item.mode is GAME]


def original_ids(name: str, resources) -> dict[str, int]:
    decoded = list(decode_capture(read_capture(CAPTURES / name), resources))
    player = next(item.message for item in decoded if item.direction is S2C and item.message.name == "BP_PLAYER")
    return {"self": player["id"], "room": player["room_id"]}


def remap(value, ids: dict[int, int]):
    """Swap object ids inside object references ({"id": ..., "amount": ...})."""
    if isinstance(value, dict):
        if set(value) == {"id", "amount"}:
            return {"id": ids.get(value["id"], value["id"]), "amount": value["amount"]}
        return {key: remap(item, ids) for key, item in value.items()}
    if isinstance(value, list):
        return [remap(item, ids) for item in value]
    return value


@pytest.fixture
def server(tmp_path, captures_dir):
    """The whole server in memory, so each reply is there as soon as the request is sent."""
    failures: list[dict] = []

    def observe(event: dict) -> None:
        if event.get("log_failure") is not None or event.get("log_level") in (LogLevel.error, LogLevel.critical):
            failures.append(event)

    globalLogPublisher.addObserver(observe)
    try:
        server = MemoryServer(tmp_path, f'record_sessions = true\nrecordings_dir = "{tmp_path / "captures"}"\n')
        server.create_account("wire1", "wirepass1")
        server.create_character("wire1", "Wireling")
        yield server
        server.stop()
    finally:
        globalLogPublisher.removeObserver(observe)
    assert failures == []


@pytest.mark.parametrize("name", GAME_CAPTURES)
def test_replayed_client_side_gets_well_formed_answers(name, server, capture_resources):
    requests = original_requests(name, capture_resources)
    theirs = original_ids(name, capture_resources)
    client = server.connect()
    client.login_to_game("wire1", "wirepass1")
    ids: dict[int, int] = {}
    answered: dict[str, set[str]] = {}
    for message in requests:
        fields = dict(message.fields)
        if message.name == "BP_USE_CHARACTER":
            ours = next(m for m in client.received if m.name == "BP_CHARACTERS")["characters"][0]["id"]
            ids[fields["character_id"]] = ours
            fields["character_id"] = ours
        fields = remap(fields, ids)
        before = len(client.received)
        replies = client.request(message.name, **fields)
        if message.name == "BP_USE_CHARACTER":
            burst = client.expect_in(replies, "BP_PLAYER", "BP_ROOM_CONTENTS")
            player = next(m for m in burst if m.name == "BP_PLAYER")
            contents = next(m for m in reversed(burst) if m.name == "BP_ROOM_CONTENTS")
            others = [o["id"] for o in contents["objects"] if o["id"] != player["id"]]
            ids.update({theirs["self"]: player["id"], theirs["room"]: player["room_id"]})
            # Whatever the original looked at or traded with becomes a thing in our room.
            for request in requests:
                for ref in _refs(request.fields):
                    if ref not in ids and others:
                        ids[ref] = others[0]
        elif message.name == "BP_REQ_QUIT":
            client.expect_in(replies, "BP_QUIT", "AP_GETCHOICE", "AP_CREDITS")
        server.advance(0.25)  # the client's own pace; the world ticks on
        answered.setdefault(message.name, set()).update(m.name for m in client.received[before:])
    client.close()

    _assert_replies_like_the_original(name, answered, capture_resources)
    # The largest recording is our client's.
    recording = max((server.workdir / "captures").glob("*.jsonl"), key=lambda path: path.stat().st_size)
    ours = load_resources(server.game.prepared.rsc_path)
    decoded = list(decode_capture(read_capture(recording), ours))
    problems = [(item.direction.value, item.mode.value, str(item.error)) for item in decoded if item.error]
    assert problems == []
    assert len(decoded) > len(requests)
    login = next(item for item in decoded if item.message and item.message.name == "AP_LOGIN")
    assert login.message["password"] == bytes(16)  # the digest never reaches the file


def _refs(fields) -> list[int]:
    found = []
    if isinstance(fields, dict):
        if set(fields) == {"id", "amount"}:
            return [fields["id"]]
        for value in fields.values():
            found.extend(_refs(value))
    elif isinstance(fields, list):
        for value in fields:
            found.extend(_refs(value))
    return found


# What the original answered each request with, where our content can do the same.
EXPECTED_REPLIES = {
    "BP_SEND_CHARACTERS": {"BP_CHARACTERS"},
    "BP_SEND_ROOM_CONTENTS": {"BP_ROOM_CONTENTS"},
    "BP_SEND_PLAYERS": {"BP_PLAYERS"},
    "BP_REQ_INVENTORY": {"BP_INVENTORY", "BP_USE_LIST"},
    "BP_SEND_SPELLS": {"BP_SPELLS", "BP_STAT_GROUP"},
    "BP_SEND_SKILLS": {"BP_SKILLS", "BP_STAT_GROUP"},
    "BP_SEND_STATS": {"BP_STAT_GROUP"},
    "BP_SAY_TO": {"BP_SAID"},
    "BP_REQ_LOOK": {"BP_LOOK"},
    "BP_REQ_QUIT": {"BP_QUIT", "AP_GETCHOICE", "AP_CREDITS"},
}


def _assert_replies_like_the_original(name, answered, resources):
    for request, replies in answered.items():
        expected = EXPECTED_REPLIES.get(request)
        if expected is not None:
            assert expected <= replies, f"{name}: {request} got {sorted(replies)}"
    # Moves and turns are never echoed to the mover, as the original does not.
    for request in ("BP_REQ_MOVE", "BP_REQ_TURN"):
        assert not ({"BP_MOVE", "BP_TURN"} & answered.get(request, set())), name
