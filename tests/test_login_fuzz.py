"""Property tests: malformed frames and out-of-order messages never make the session raise."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulator.connection import (
    Disconnect,
    EnterGame,
    GameRequest,
    LeaveGame,
    Log,
    LoggedIn,
    Refusal,
    Send,
    ConnectionMachine,
    VerifyLogin,
)
from emulator.testing.client import TestClient
from emulator.testing.fakes import FakeVerdict
from emulator.wire.framing import encode_frame
from protocol_specs.registry import GAME
from tests.login_harness import make_config

CONFIG = make_config()
OUTPUT_TYPES = (Send, VerifyLogin, LoggedIn, EnterGame, LeaveGame, GameRequest, Disconnect, Log)

LOGIN_REQUESTS = [
    lambda c: c.login("wire1", "wirepass1"),
    lambda c: c.login("wire1", "wrong"),
    lambda c: c.request_game(),
    lambda c: c.frame("AP_REQ_MENU"),
    lambda c: c.frame("AP_REQ_ADMIN"),
    lambda c: c.frame("AP_PING"),
    lambda c: c.frame("AP_RESYNC"),
]
GAME_REQUESTS = [
    lambda c: c.frame("BP_PING"),
    lambda c: c.frame("BP_REQ_QUIT"),
    lambda c: c.frame("BP_SEND_CHARACTERS"),
    lambda c: c.frame("BP_RESYNC"),
    lambda c: c.frame("BP_USE_CHARACTER", character_id=7),
]

verdicts = st.builds(
    FakeVerdict,
    outcome=st.sampled_from(["ok", "bad_credentials", "banned", "weird"]),
    account_id=st.just(1),
    account_name=st.just("wire1"),
    admin_level=st.integers(0, 2),
)
actions = st.one_of(
    st.tuples(st.just("bytes"), st.binary(max_size=80)),
    st.tuples(st.just("frame"), st.binary(min_size=1, max_size=80), st.integers(0, 0xFFFF), st.integers(0, 255)),
    st.tuples(st.just("request"), st.integers(0, 100)),
    st.tuples(st.just("verdict"), verdicts, st.booleans()),
    st.tuples(st.just("refuse"), st.sampled_from(list(Refusal))),
    st.tuples(st.just("tick"), st.floats(0, 700)),
    st.tuples(st.just("close")),
    st.tuples(st.just("selected")),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(actions, max_size=40), st.integers(1, 255))
def test_session_never_raises(steps, epoch):
    seeds = iter(range(10**9))
    session = ConnectionMachine(CONFIG, lambda: next(seeds), lambda: epoch)
    client = TestClient()
    now = 0.0
    outputs = session.start(now)
    for step in steps:
        kind = step[0]
        if kind == "bytes":
            new = session.receive(step[1], now)
        elif kind == "frame":
            new = session.receive(encode_frame(step[1], step[2], step[3]), now)
        elif kind == "request":
            requests = GAME_REQUESTS if client.mode is GAME else LOGIN_REQUESTS
            new = session.receive(requests[step[1] % len(requests)](client), now)
        elif kind == "verdict":
            new = session.login_verified(step[1], now, account_in_use=step[2])
        elif kind == "refuse":
            new = session.login_refused(step[1], now)
        elif kind == "tick":
            now += step[1]
            new = session.tick(now)
        elif kind == "close":
            new = session.close()
        else:
            session.character_selected(now)
            new = []
        for output in new:
            assert isinstance(output, OUTPUT_TYPES)
            if isinstance(output, Log):
                assert output.event != "internal_error", output.fields
            if isinstance(output, Send):
                client.receive(output.data)  # everything we send decodes
        outputs += new
    disconnects = [i for i, output in enumerate(outputs) if isinstance(output, Disconnect)]
    assert len(disconnects) <= 1
    if disconnects:
        assert session.closed
        assert not any(isinstance(output, Send) for output in outputs[disconnects[0] + 1 :])


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300), st.integers(1, 50))
def test_arbitrary_bytes_in_any_chunking_never_raise(data, chunk):
    session = ConnectionMachine(CONFIG)
    session.start(0.0)
    for start in range(0, len(data), chunk):
        for output in session.receive(data[start : start + chunk], 1.0):
            assert isinstance(output, OUTPUT_TYPES)
            assert not (isinstance(output, Log) and output.event == "internal_error")
