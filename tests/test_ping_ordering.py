"""A game request and a BP_PING in one read: the request's answer must go out before
the ping re-keys the opcode scrambler, or the client cannot read anything after it."""

from __future__ import annotations

from emulator.connection.events import GameRequest, Log, Send
from tests.login_harness import Harness


def test_session_stops_after_a_game_request_until_the_host_answers():
    harness = Harness()
    harness.enter_game()
    client = harness.client
    read = client.frame("BP_SAY_TO", say_type=1, text="hi") + client.frame("BP_PING")
    harness.session.receive_data(read, 1.0)
    outputs = harness.session.next_event(1.0)
    assert outputs is not None
    assert [type(output) for output in outputs if not isinstance(output, Log)] == [GameRequest]
    # The host answers the request now, under the scrambler state the client has ...
    answer = harness.session.send_game([("BP_PLAY_MUSIC", {"music": 0})])
    assert [m.name for m in client.receive(answer[0].data)] == ["BP_PLAY_MUSIC"]
    # ... and only then is the ping processed and the scrambler re-keyed.
    rest = harness.session.next_event(1.0)
    assert rest is not None
    assert harness.session.next_event(1.0) is None  # nothing more buffered
    replies = [m.name for output in rest if isinstance(output, Send) for m in client.receive(output.data)]
    assert replies == ["BP_ECHO_PING"]
    after = harness.session.send_game([("BP_PLAY_MUSIC", {"music": 7})])
    assert [m.fields for m in client.receive(after[0].data)] == [{"music": 7}]
