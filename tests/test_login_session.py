"""Sans-IO tests of the login session, driven by the test client."""

from __future__ import annotations

import attrs
import pytest

from emulator.capture import decode_capture, read_capture
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
    State,
    VerifyLogin,
)
from emulator.testing.client import TestClient, names, password_digest
from emulator.testing.fakes import FakeVerdict
from emulator.wire.codec import table
from emulator.wire.crc import crc16
from emulator.wire.framing import encode_frame
from protocol_specs.registry import C2S, GAME, LOGIN, S2C
from tests.login_harness import (
    EPOCH,
    Harness,
    LoginConfig,
    SecurityConfig,
    TimeoutsConfig,
    make_config,
)


def sends(outputs) -> list[bytes]:
    return [output.data for output in outputs if isinstance(output, Send)]


def events(harness: Harness, name: str) -> list[Log]:
    return [output for output in harness.of_type(Log) if output.event == name]


# ---------------------------------------------------------------------------- login mode


def test_server_speaks_first_with_getlogin():
    harness = Harness()
    assert names(harness.start()) == ["AP_GETLOGIN"]
    assert harness.client.frames[0].seq == 0


def test_successful_login_sends_menu_with_fresh_seeds():
    harness = Harness()
    harness.start()
    replies = harness.send(harness.client.login("WIRE1", "wirepass1"))  # names are case-insensitive (store)
    assert names(replies) == ["AP_LOGINOK", "AP_GETCHOICE", "AP_CREDITS"]
    assert replies[0]["account_type"] == 0
    assert list(replies[1]["seeds"]) == [0x1000, 0x1001, 0x1002, 0x1003, 0x1004]
    assert replies[2]["credits"] == 20
    assert harness.of_type(LoggedIn) == [LoggedIn(1, "wire1", 0)]
    assert harness.session.state is State.MENU
    assert all(frame.seq == 0 for frame in harness.client.frames)


def test_verify_login_carries_name_digest_and_version():
    harness = Harness()
    harness.auto_verify = False
    harness.start()
    harness.send(harness.client.login("wire1", "wirepass1"))
    assert harness.of_type(VerifyLogin) == [VerifyLogin("wire1", password_digest("wirepass1"), 737)]
    assert harness.session.state is State.VERIFYING


def test_wrong_password_fails_and_stays_open_until_max_attempts():
    harness = Harness(make_config(login=LoginConfig(max_attempts=3)))
    harness.start()
    for _ in range(2):
        assert names(harness.send(harness.client.login("wire1", "nope"))) == ["AP_LOGINFAILED"]
        assert not harness.disconnected
    assert names(harness.send(harness.client.login("wire1", "nope"))) == ["AP_TOOMANYLOGINS"]
    assert harness.of_type(Disconnect)


def test_right_password_after_a_failure_logs_in():
    harness = Harness()
    harness.start()
    harness.send(harness.client.login("nobody", "x"))
    assert names(harness.send(harness.client.login("wire1", "wirepass1")))[0] == "AP_LOGINOK"


def test_banned_account_gets_message_and_logoff():
    harness = Harness()
    replies = harness.login("banned", "bannedpass")
    assert names(replies) == ["AP_MESSAGE"]
    assert replies[0]["action"] == 1
    assert replies[0]["text"] == harness.config.login.banned_message
    assert harness.disconnected


def test_old_client_is_told_to_update_without_asking_the_store():
    harness = Harness(make_config(login=LoginConfig(minimum_client_version=738, old_version_message="update!")))
    replies = harness.login()
    assert names(replies) == ["AP_MESSAGE"]
    assert (replies[0]["text"], replies[0]["action"]) == ("update!", 1)
    assert not harness.of_type(VerifyLogin)
    assert harness.disconnected


def test_account_in_use_refusal_keeps_connection_open():
    harness = Harness()
    harness.account_in_use = True
    assert names(harness.login()) == ["AP_ACCOUNTUSED"]
    assert not harness.disconnected and harness.session.state is State.AWAITING_LOGIN
    harness.account_in_use = False
    assert names(harness.send(harness.client.login("wire1", "wirepass1")))[0] == "AP_LOGINOK"


def test_overlong_name_or_digest_is_ignored_without_reply():
    harness = Harness()
    harness.start()
    assert harness.send(harness.client.login("x" * 51, "pw")) == []
    assert harness.send(harness.client.login("wire1", "pw", digest=b"\x01" * 33)) == []
    assert not harness.of_type(VerifyLogin) and not harness.disconnected


@pytest.mark.parametrize(
    "build",
    [
        lambda c: c.request_game(),
        lambda c: c.frame("AP_REQ_MENU"),
        lambda c: c.frame("AP_REQ_ADMIN"),
        lambda c: c.frame("AP_PING"),
        lambda c: c.frame("AP_RESYNC"),
        lambda c: c.frame("AP_REGISTER", text="hi"),
    ],
)
def test_everything_but_login_is_ignored_before_login(build):
    harness = Harness()
    harness.start()
    assert harness.send(build(harness.client)) == []
    assert not harness.disconnected and harness.session.state is State.AWAITING_LOGIN


def test_messages_while_verifying_are_ignored_and_a_late_verdict_still_applies():
    harness = Harness()
    harness.auto_verify = False
    harness.start()
    harness.send(harness.client.login("wire1", "wirepass1"))
    assert harness.send(harness.client.login("wire1", "wirepass1")) == []
    assert harness.send(harness.client.request_game()) == []
    assert len(harness.of_type(VerifyLogin)) == 1
    replies = harness._handle(harness.session.login_verified(FakeVerdict("ok", 1, "wire1"), 1.0))
    assert names(replies) == ["AP_LOGINOK", "AP_GETCHOICE", "AP_CREDITS"]


def test_verdict_for_a_session_not_verifying_is_ignored():
    session = ConnectionMachine(make_config())
    session.start(0.0)
    assert session.login_verified(FakeVerdict("ok", 1, "wire1"), 0.0) == []
    assert session.login_refused(Refusal.THROTTLED, 0.0) == []


@pytest.mark.parametrize(
    ("refusal", "reply"), [(Refusal.THROTTLED, "AP_TOOMANYLOGINS"), (Refusal.UNAVAILABLE, "AP_MESSAGE")]
)
def test_refused_login_answers_and_disconnects(refusal, reply):
    harness = Harness()
    harness.auto_verify = False
    harness.start()
    harness.send(harness.client.login("wire1", "wirepass1"))
    assert names(harness._handle(harness.session.login_refused(refusal, 0.0))) == [reply]
    assert harness.disconnected


def test_req_menu_sends_new_seeds():
    harness = Harness()
    first = harness.login()[1]["seeds"]
    replies = harness.send(harness.client.frame("AP_REQ_MENU"))
    assert names(replies) == ["AP_GETCHOICE", "AP_CREDITS"]
    assert list(replies[0]["seeds"]) != list(first)


def test_ping_resync_register_get_no_reply_after_login():
    harness = Harness()
    harness.login()
    for data in (
        harness.client.frame("AP_PING"),
        harness.client.frame("AP_RESYNC"),
        harness.client.frame("AP_ADMINNOTE", text="{evil}"),
        harness.client.frame("AP_GETALL"),
    ):
        assert harness.send(data) == []
    assert events(harness, "resync_requested") and events(harness, "invalid_login_message")
    assert events(harness, "client_note")[0].fields["text"] == "{evil}"
    assert not harness.disconnected


def test_req_admin_only_answered_for_admins_and_stays_in_login_mode():
    normal = Harness()
    normal.login()
    assert normal.send(normal.client.frame("AP_REQ_ADMIN")) == []
    admin = Harness()
    assert admin.login("admin", "adminpass")[0]["account_type"] == 1
    assert names(admin.send(admin.client.frame("AP_REQ_ADMIN"))) == ["AP_ADMIN"]
    assert admin.session.state is State.MENU


def test_second_login_after_logged_in_is_ignored():
    harness = Harness()
    harness.login()
    assert harness.send(harness.client.login("wire1", "wirepass1")) == []
    assert len(harness.of_type(VerifyLogin)) == 1


def test_login_mode_check_value_is_not_validated():
    harness = Harness()
    harness.client = TestClient(garbage_login_check=0xBEEF)
    assert names(harness.login())[0] == "AP_LOGINOK"


def test_login_mode_frame_with_nonzero_seq_is_dropped():
    harness = Harness()
    harness.start()
    payload = table(LOGIN, C2S).decode(harness.client.login("wire1", "wirepass1")[7:])
    data = encode_frame(table(LOGIN, C2S).encode(payload), 0, seq=3)
    assert harness.send(data) == []
    assert not harness.of_type(VerifyLogin) and not harness.disconnected


def test_frames_split_byte_by_byte_and_coalesced():
    harness = Harness()
    harness.start()
    data = harness.client.login("wire1", "wirepass1") + harness.client.request_game()
    replies = []
    for index in range(len(data)):
        replies += harness.send(data[index : index + 1])
    assert names(replies) == ["AP_LOGINOK", "AP_GETCHOICE", "AP_CREDITS", "AP_GAME", "BP_LOAD_MODULE"]


# ---------------------------------------------------------------------------- entering the game


def test_req_game_sends_game_then_char_module_with_epoch():
    harness = Harness(make_config(login=LoginConfig(char_module_resource_id=12345)))
    replies = harness.enter_game()
    assert names(replies[-2:]) == ["AP_GAME", "BP_LOAD_MODULE"]
    assert replies[-1]["module"] == 12345
    assert [frame.seq for frame in harness.client.frames[-2:]] == [0, EPOCH]
    assert harness.session.state is State.GAME
    assert harness.of_type(EnterGame) == [EnterGame(1, "wire1", 0)]


def test_game_requests_are_forwarded():
    harness = Harness()
    harness.enter_game()
    assert harness.send(harness.client.frame("BP_SEND_CHARACTERS")) == []
    assert [event.message.name for event in harness.of_type(GameRequest)] == ["BP_SEND_CHARACTERS"]
    harness.send(harness.client.frame("BP_USE_CHARACTER", character_id=4325))
    assert harness.of_type(GameRequest)[-1].message["character_id"] == 4325


def test_wrong_security_value_hangs_up():
    harness = Harness()
    harness.enter_game()
    good = harness.client.frame("BP_SEND_CHARACTERS")
    bad = good[:2] + bytes([good[2] ^ 1]) + good[3:]
    assert harness.send(bad) == []
    assert harness.disconnected and events(harness, "security_mismatch")
    assert not harness.of_type(GameRequest)


def test_wrong_security_value_without_hangup_drops_frame_then_stops_checking():
    harness = Harness(make_config(security=SecurityConfig(hangup_spoofs=False)))
    harness.enter_game()
    good = harness.client.frame("BP_SEND_CHARACTERS")
    harness.send(good[:2] + bytes([good[2] ^ 1]) + good[3:])
    assert not harness.disconnected and not harness.of_type(GameRequest)
    harness.send(
        encode_frame(table(GAME, C2S).encode("BP_SEND_CHARACTERS"), 0, EPOCH)
    )  # BP_SEND_CHARACTERS with a junk check: no longer checked
    assert len(harness.of_type(GameRequest)) == 1


def test_stale_epoch_is_dropped_silently_but_steps_the_stream():
    harness = Harness()
    harness.enter_game()
    harness.client.last_seq = EPOCH - 1
    assert harness.send(harness.client.frame("BP_SEND_CHARACTERS")) == []
    assert not harness.of_type(GameRequest) and not harness.disconnected
    harness.client.last_seq = EPOCH
    harness.send(harness.client.frame("BP_SEND_CHARACTERS"))  # valid only if the stale frame stepped
    assert len(harness.of_type(GameRequest)) == 1


def test_ping_rekeys_the_opcode_scrambler():
    harness = Harness()
    harness.enter_game()
    replies = harness.send(harness.client.frame("BP_PING"))
    assert names(replies) == ["BP_ECHO_PING"]
    assert replies[0]["security"]["redbook"] == 0
    assert harness.client.frames[-1].seq == EPOCH
    # The echo itself went out unscrambled (old state); the next frames are scrambled.
    raw_before = sends(harness.outputs)[-1]
    assert raw_before[7] == 1
    for _ in range(3):
        assert names(harness.send(harness.client.frame("BP_PING"))) == ["BP_ECHO_PING"]
    assert any(data[7] != 1 for data in sends(harness.outputs)[-3:])


def test_quit_returns_to_menu_with_new_seeds_and_game_again():
    harness = Harness()
    harness.enter_game()
    first_seeds = list(harness.client.seeds)
    harness.send(harness.client.frame("BP_PING"))  # scrambler state survives the quit
    replies = harness.send(harness.client.frame("BP_REQ_QUIT"))
    assert names(replies) == ["BP_QUIT", "AP_GETCHOICE", "AP_CREDITS"]
    assert [frame.seq for frame in harness.client.frames[-3:]] == [EPOCH, 0, 0]
    assert list(replies[1]["seeds"]) != first_seeds
    assert harness.of_type(LeaveGame) == [LeaveGame(1)]
    assert harness.session.state is State.MENU and not harness.disconnected
    assert names(harness.send(harness.client.request_game())) == ["AP_GAME", "BP_LOAD_MODULE"]
    harness.send(harness.client.frame("BP_SEND_CHARACTERS"))  # new seeds in use on both sides
    assert harness.of_type(GameRequest) and not harness.disconnected


def test_game_resync_request_is_logged():
    harness = Harness()
    harness.enter_game()
    assert harness.send(harness.client.frame("BP_RESYNC")) == []
    assert events(harness, "resync_requested")[0].fields == {"mode": "game"}


# ---------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "data",
    [
        bytes([1, 0xFF, 0x42, 0x4C, 0x41, 0x4B, 0x0A, 0x0D, 0x02]),  # a beacon: len != len2
        encode_frame(b"\x02" * 10, 0)[:4] + (6001).to_bytes(2, "little") + b"\x00",  # mismatch
        (6001).to_bytes(2, "little") + b"\x00\x00" + (6001).to_bytes(2, "little") + b"\x00",  # oversize
        b"\x00\x00\x00\x00\x00\x00\x00",  # empty
    ],
)
@pytest.mark.parametrize("in_game", [False, True])
def test_bad_frames_log_and_disconnect(data, in_game):
    harness = Harness()
    harness.enter_game() if in_game else harness.start()
    harness.send(data)
    assert harness.disconnected and events(harness, "bad_frame")
    assert harness.send(harness.client.frame("AP_PING") if not in_game else b"junk") == []


def test_frame_size_cap_is_configurable():
    harness = Harness(make_config(limits=attrs.evolve(make_config().limits, max_frame_payload=40)))
    harness.start()
    harness.send(harness.client.login("wire1", "wirepass1"))  # 64-byte payload
    assert harness.disconnected


@pytest.mark.parametrize(
    "payload",
    [b"\xc8", b"\x02\x07", b"\x0a\x00", b"\x02" + b"\x00" * 38 + b"\x05\x00ab"],
    ids=["unknown", "short-login", "trailing", "string-overrun"],
)
def test_undecodable_login_messages_are_logged_and_ignored(payload):
    harness = Harness()
    harness.start()
    assert harness.send(encode_frame(payload, crc16(payload))) == []
    assert events(harness, "undecodable_message") and not harness.disconnected
    assert names(harness.send(harness.client.login("wire1", "wirepass1")))[0] == "AP_LOGINOK"


def test_undecodable_game_messages_are_logged_and_ignored():
    harness = Harness()
    harness.enter_game()
    harness.send(harness.client.frame_payload(b"\xfe\x01\x02"))
    harness.send(harness.client.frame_payload(table(GAME, C2S).encode("BP_SEND_CHARACTERS") + b"\x00"))
    assert len(events(harness, "undecodable_message")) == 2 and not harness.disconnected


def test_internal_errors_become_log_and_disconnect():
    def broken_seeds() -> int:
        raise RuntimeError("boom")

    session = ConnectionMachine(make_config(), broken_seeds)
    client = TestClient()
    session.start(0.0)
    outputs = session.receive(client.login("wire1", "wirepass1"), 0.0)
    outputs += session.login_verified(FakeVerdict("ok", 1, "wire1"), 0.0)
    assert any(isinstance(o, Log) and o.event == "internal_error" for o in outputs)
    assert isinstance(outputs[-1], Disconnect) and session.closed
    assert session.receive(b"more", 1.0) == [] and session.tick(1e9) == [] and session.close() == []


# ---------------------------------------------------------------------------- timers


def test_connection_that_never_logs_in_times_out():
    harness = Harness(make_config(timeouts=TimeoutsConfig(before_login=60)))
    harness.start()
    harness.send(harness.client.frame("AP_PING"))  # a whole frame: the first-frame deadline is met
    assert harness.session.next_deadline() == 60
    assert harness.tick(59.9) == []
    assert names(harness.tick(60)) == ["AP_TIMEOUT"] and harness.disconnected
    assert harness.session.next_deadline() is None


def test_login_idle_timeout_is_reset_by_traffic():
    harness = Harness()
    harness.login()
    harness.now = 500.0
    harness.send(harness.client.frame("AP_PING"))
    assert harness.tick(1000.0) == []
    assert names(harness.tick(1100.0)) == ["AP_TIMEOUT"] and harness.disconnected


def test_game_silence_hangs_up_without_message_and_partial_frames_count():
    harness = Harness()
    harness.enter_game()
    harness.now = 20.0
    harness.send(b"\x01")  # part of a header
    assert harness.tick(49.0) == []
    assert harness.tick(50.0) == [] and harness.disconnected
    assert not sends(harness.outputs[-3:])


def test_character_selection_timeout_is_not_reset_by_traffic():
    harness = Harness(make_config(timeouts=TimeoutsConfig(game_idle=30, select_character=100)))
    harness.enter_game()
    for now in range(20, 100, 20):
        harness.now = float(now)
        harness.send(harness.client.frame("BP_SEND_CHARACTERS"))
        harness.tick(float(now))
    assert not harness.disconnected
    harness.tick(100.0)
    assert harness.disconnected
    assert events(harness, "timeout")[0].fields == {"phase": "select_character"}


def test_character_selected_stops_the_selection_timer():
    harness = Harness(make_config(timeouts=TimeoutsConfig(game_idle=30, select_character=10)))
    harness.enter_game()
    harness.session.character_selected(1.0)
    assert harness.session.next_deadline() == 30.0


# ---------------------------------------------------------------------------- replay of the original


def _frames(path, direction):
    return [frame for frame in decode_capture(read_capture(path)) if frame.direction is direction]


@pytest.mark.parametrize(
    ("capture", "last_c2s"),
    [("login_bad_password.jsonl", "AP_LOGIN"), ("login_to_game.jsonl", "AP_REQ_GAME")],
)
def test_replayed_client_side_gets_the_originals_replies(captures_dir, capture, last_c2s):
    path = captures_dir / capture
    c2s = _frames(path, C2S)
    s2c = _frames(path, S2C)
    cut = next(i for i, frame in enumerate(c2s) if frame.message.name == last_c2s) + 1
    # The original's answers to those requests: everything up to the first game frame.
    expected = []
    for frame in s2c:
        expected.append(frame)
        if frame.mode is GAME:
            break
    if last_c2s == "AP_LOGIN":
        expected = s2c
    seeds = next((list(f.message["seeds"]) for f in expected if f.message.name == "AP_GETCHOICE"), [])
    source = iter(seeds)
    harness = Harness()
    harness.session = ConnectionMachine(harness.config, lambda: next(source), lambda: EPOCH)
    replies = harness.start()
    for frame in c2s[:cut]:
        replies += harness.send(encode_frame(frame.frame.payload, frame.frame.check, frame.frame.seq))
    assert names(replies) == [f.message.name for f in expected]
    # With the capture's seeds and epoch, our bytes are the original's bytes.
    ours = b"".join(sends(harness.outputs))
    theirs = b"".join(encode_frame(f.frame.payload, f.frame.check, f.frame.seq) for f in expected)
    assert ours == theirs
