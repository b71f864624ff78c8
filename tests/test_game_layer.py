"""The shape of the game layer: the request table, unhandled requests, and the order of
answers when the game replies inside the network protocol's own call."""

from __future__ import annotations

import pytest
from twisted.logger import globalLogPublisher

from emulator.game.requests import RequestTable, System
from emulator.game.systems import ALL_SYSTEMS
from emulator.testing.memory_server import MemoryServer
from emulator.wire.codec import Message
from tests.test_hub import setup


def nothing(*args):
    return None


def test_the_table_refuses_two_handlers_for_one_request():
    one = System("one", in_world={"BP_REQ_MOVE": nothing})
    other = System("other", in_world={"BP_REQ_MOVE": nothing})
    with pytest.raises(ValueError, match="BP_REQ_MOVE .* both one and other"):
        RequestTable([one, other])
    # The same request may have a handler in each phase.
    RequestTable([one, System("selection", selection={"BP_REQ_MOVE": nothing})])


def test_the_table_refuses_what_is_not_a_client_request():
    with pytest.raises(ValueError, match="BP_PLAYER is not a game-mode client request"):
        RequestTable([System("wrong", in_world={"BP_PLAYER": nothing})])


def test_every_system_has_a_name_and_handlers():
    table = RequestTable(ALL_SYSTEMS)
    assert len({system.name for system in ALL_SYSTEMS}) == len(ALL_SYSTEMS)
    assert {"BP_SEND_CHARACTERS", "BP_USE_CHARACTER"} <= set(table.selection)
    assert {"BP_REQ_MOVE", "BP_SAY_TO", "BP_REQ_LOOK", "BP_SEND_STATS", "BP_LOGOFF"} <= set(table.in_world)


def test_a_request_nobody_handles_is_logged_once_per_session_and_kind():
    hub, links, _ = setup()
    events: list[dict] = []
    globalLogPublisher.addObserver(events.append)
    try:
        for _ in range(50):
            hub.request(links[1], Message("BP_REQ_HIDE", {"object": {"id": 1, "amount": None}}))
            hub.request(links[1], Message("BP_SEND_OBJECT_CONTENTS", {"container": {"id": 1, "amount": None}}))
            hub.request(links[2], Message("BP_SEND_OBJECT_CONTENTS", {"container": {"id": 1, "amount": None}}))
    finally:
        globalLogPublisher.removeObserver(events.append)
    logged = [(e["request"], e["account"]) for e in events if "not handled" in e.get("log_format", "")]
    assert sorted(logged) == [
        ("BP_REQ_HIDE", "acct10"), ("BP_SEND_OBJECT_CONTENTS", "acct10"), ("BP_SEND_OBJECT_CONTENTS", "acct20"),
    ]


def test_a_request_and_a_ping_in_one_read_through_the_real_protocol(tmp_path):
    """The game answers inside the protocol's call; the answer still leaves before the
    ping's echo re-keys the scrambler, so the client reads every byte."""
    server = MemoryServer(tmp_path)
    server.create_account("wire1", "wirepass1")
    server.create_character("wire1", "Wireling")
    client = server.connect()
    client.login_to_game("wire1", "wirepass1")
    client.enter_world("Wireling")
    for _ in range(3):
        read = client.codec.frame("BP_SEND_PLAYERS") + client.codec.frame("BP_PING") + client.codec.frame("BP_SEND_STAT_GROUPS")
        replies = [m.name for m in client.send(read)]
        assert replies == ["BP_PLAYERS", "BP_ECHO_PING", "BP_STAT_GROUPS"]
    server.stop()
