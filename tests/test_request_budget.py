"""Every game request has a budget: a flood is dropped, summarised in one log line, and
a client that stays over is disconnected; normal play never comes near it."""

from __future__ import annotations

import pytest
from twisted.logger import globalLogPublisher

from emulator.config import ConfigError, RequestsConfig, config_from_mapping
from emulator.connection.budget import RequestBudget
from emulator.content.model import square_centre
from emulator.testing.memory_server import MemoryServer


@pytest.fixture
def server(tmp_path):
    server = MemoryServer(tmp_path)
    for account, character in (("flood", "Flooder"), ("walker", "Wanda")):
        server.create_account(account, f"pw-{account}")
        server.create_character(account, character)
    yield server
    server.stop()


@pytest.fixture
def log_events():
    events: list[dict] = []
    globalLogPublisher.addObserver(events.append)
    yield events
    globalLogPublisher.removeObserver(events.append)


def enter(server, account, character):
    client = server.connect()
    client.login_to_game(account, f"pw-{account}")
    return client, client.enter_world(character).fields


def test_a_room_contents_flood_is_dropped_and_the_flooder_disconnected(server, log_events):
    flooder, _ = enter(server, "flood", "Flooder")
    walker, me = enter(server, "walker", "Wanda")
    flooder.read()
    frame = flooder.codec.frame
    replies = flooder.send(b"".join(frame("BP_SEND_ROOM_CONTENTS") for _ in range(5000)))
    answered = [m for m in replies if m.name == "BP_ROOM_CONTENTS"]
    assert 1 <= len(answered) <= 5  # the burst, then nothing
    assert flooder.closed_by_server
    lines = [e for e in log_events if e.get("session_event") == "request_flood_disconnected"]
    assert len(lines) == 1 and "BP_SEND_ROOM_CONTENTS" in lines[0]["dropped"]
    # The walker plays on.
    y, x = square_centre(5, 10)
    walker.request("BP_REQ_MOVE", y=y, x=x, speed=18, room={"id": me["room_id"], "amount": None})
    assert [m.name for m in walker.request("BP_SEND_PLAYERS")] == ["BP_PLAYERS"]
    assert not walker.closed_by_server


def test_a_stock_client_session_is_never_dropped(server, log_events):
    """Entering, asking for everything the stock client asks for, walking and talking for
    a minute of game time: not one request dropped."""
    client, me = enter(server, "walker", "Wanda")
    for group in (1, 2, 3, 4):
        client.request("BP_SEND_STATS", group=group)
    for name in ("BP_SEND_STAT_GROUPS", "BP_SEND_SPELLS", "BP_SEND_SKILLS", "BP_REQ_INVENTORY", "BP_SEND_PLAYERS"):
        client.request(name)
    for second in range(60):
        y, x = square_centre(5 + second % 2, 10)
        client.request("BP_REQ_MOVE", y=y, x=x, speed=18, room={"id": me["room_id"], "amount": None})
        if second % 5 == 0:
            client.request("BP_PING")
            client.request("BP_SAY_TO", say_type=1, text="still here")
        server.advance(1.0)
    assert not any(e.get("session_event", "").startswith("request") for e in log_events)
    assert not client.closed_by_server


def test_drops_are_reported_once_per_window():
    budget = RequestBudget(RequestsConfig(max_dropped=1000, drop_window=10.0))
    kind = "BP_SEND_ROOM_CONTENTS"
    reports = []
    for step in range(300):  # 30 s at ten a second: far over the one-a-second budget
        now = step / 10
        if not budget.allows(kind, now):
            report = budget.drop(kind, now)
            if report is not None:
                reports.append(report)
    assert len(reports) == 2  # two windows closed; the third is still open
    assert all(not r.flood and r.seconds >= 10.0 for r in reports)
    assert reports[0].summary().endswith(kind)


def test_request_rates_come_from_the_config():
    config = config_from_mapping({"requests": {"rate": 3.0, "kinds": {"BP_REQ_LOOK": [1, 2]}}})
    assert config.requests.kinds["BP_REQ_LOOK"] == (1.0, 2)
    assert config.requests.kinds["BP_REQ_MOVE"] == (10.0, 20)  # defaults stay
    with pytest.raises(ConfigError, match="BP_NOPE is not a game-mode client request"):
        config_from_mapping({"requests": {"kinds": {"BP_NOPE": [1, 2]}}})
    with pytest.raises(ConfigError, match=r"\[rate per second > 0, burst >= 1\]"):
        config_from_mapping({"requests": {"kinds": {"BP_REQ_LOOK": [0, 2]}}})


def test_a_client_repeating_one_fault_fills_no_log(server, log_events):
    """A thousand undecodable frames: one line, then one summary when the client goes."""
    client, _ = enter(server, "walker", "Wanda")
    client.send(b"".join(client.codec.frame_payload(bytes([250, 1, 2, 3])) for _ in range(1000)))
    server.advance(1.0)
    lines = [e for e in log_events if e.get("session_event") == "undecodable_message"]
    assert len(lines) == 1
    client.close()
    assert [e["repeats"] for e in log_events if e.get("repeats")] == [999]
