"""Schemas of login-mode messages (both directions) and game-mode client requests."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from construct import ConstructError, Container, FocusedSeq, Terminated

import protocol_specs.client_requests as client_requests
import protocol_specs.login  # noqa: F401  (registers the AP schemas)
from protocol_specs.opcodes import AP, BP, UC
from protocol_specs.registry import C2S, GAME, LOGIN, S2C, gap_for, spec_for

CAPTURES = Path("/work/shared/captures")


def body_of(mode, direction, opcode):
    spec = spec_for(mode, direction, int(opcode))
    assert spec is not None, f"{opcode!r} {direction} has no schema"
    return spec.body


def parse_exact(mode, direction, payload: bytes):
    """Parse a whole payload (opcode first); fail if any byte is left over."""
    body = body_of(mode, direction, payload[0])
    return FocusedSeq("value", "value" / body, Terminated).parse(payload[1:])


def roundtrip(mode, direction, payload: bytes):
    value = parse_exact(mode, direction, payload)
    assert body_of(mode, direction, payload[0]).build(value) == payload[1:]
    return value


def digest(password: bytes) -> bytes:
    return bytes(b or 1 for b in hashlib.md5(password).digest())


# --------------------------------------------------------------------------- login mode

AP_LOGIN_HEX = (
    "020725020000000a00000000000000001000004a020000000400030000000000000000000000000500"
    "776972653110007cdf71bbb86b4b42dc48137bf0fb9ed6"
)


def test_ap_login_from_capture():
    value = roundtrip(LOGIN, C2S, bytes.fromhex(AP_LOGIN_HEX))
    assert value.major_version == 7
    assert value.minor_version == 37
    assert value.os_platform == 2
    assert value.account == "wire1"
    assert value.password == digest(b"wirepass1")
    assert len(bytes.fromhex(AP_LOGIN_HEX)) == 1 + 38 + 2 + 5 + 2 + 16


def test_ap_login_fixed_part_is_38_bytes_after_opcode():
    body = body_of(LOGIN, C2S, AP.AP_LOGIN)
    value = Container(
        major_version=7,
        minor_version=36,
        os_platform=0,
        os_major=0,
        os_minor=0,
        memory=0,
        cpu=0,
        screen_width=0,
        screen_height=0,
        display_modes=0,
        bandwidth=0,
        reserved=0,
        account="",
        password=b"",
    )
    assert len(body.build(value)) == 38 + 2 + 2


def test_ap_req_game_from_capture():
    value = roundtrip(LOGIN, C2S, bytes.fromhex("0400000000a608000009003132372e302e302e31"))
    assert value.last_download_time == 0
    assert value.encoded_version == 2214 == (7 * 100 + 37) * 3 + 3
    assert value.hostname == "127.0.0.1"


@pytest.mark.parametrize(
    "hex_payload, expected",
    [
        ("15", {}),
        ("1700", {"account_type": 0}),
        ("18", {}),
        ("19", {}),
        ("1e14000000", {"credits": 20}),
    ],
)
def test_ap_server_messages_from_captures(hex_payload, expected):
    value = roundtrip(LOGIN, S2C, bytes.fromhex(hex_payload))
    for key, wanted in expected.items():
        assert value[key] == wanted


def test_ap_getchoice_seeds():
    value = roundtrip(LOGIN, S2C, bytes.fromhex("166eb209d6be7ff00a855a8812980457383df00c52"))
    assert list(value.seeds) == [0xD609B26E, 0x0AF07FBE, 0x12885A85, 0x38570498, 0x520CF03D]


def test_ap_message_download_and_deletersc_roundtrip():
    message = body_of(LOGIN, S2C, AP.AP_MESSAGE)
    assert message.build(dict(text="bye", action=1)) == b"\x03\x00bye\x01"
    download = body_of(LOGIN, S2C, AP.AP_DOWNLOAD)
    value = dict(
        count=1,
        machine="m",
        path="p",
        reason="r",
        demo_path="",
        files=[dict(time=5, flags=2, size=100, filename="a.rsc")],
    )
    data = download.build(value)
    assert download.build(download.parse(data)) == data
    assert download.parse(data).files[0].filename == "a.rsc"
    deletersc = body_of(LOGIN, S2C, AP.AP_DELETERSC)
    assert deletersc.parse(b"\x02\x00\x01\x00a\x01\x00b").filenames == ["a", "b"]


def test_every_ap_opcode_is_declared_in_both_directions():
    for opcode in AP:
        for direction in (C2S, S2C):
            declared = spec_for(LOGIN, direction, int(opcode)) or gap_for(LOGIN, direction, int(opcode))
            assert declared is not None, f"{opcode.name} {direction.value}"


def test_ap_directions_follow_the_sources():
    c2s = {AP.AP_PING, AP.AP_LOGIN, AP.AP_REGISTER, AP.AP_REQ_GAME, AP.AP_REQ_ADMIN, AP.AP_RESYNC}
    c2s |= {AP.AP_GETRESOURCE, AP.AP_GETALL, AP.AP_REQ_MENU, AP.AP_ADMINNOTE, AP.AP_UPLOAD}
    for opcode in AP:
        assert (spec_for(LOGIN, C2S, int(opcode)) is not None) == (opcode in c2s), opcode.name
    assert spec_for(LOGIN, S2C, AP.AP_RESYNC) is not None
    assert spec_for(LOGIN, S2C, AP.AP_GETCLIENT) is not None
    assert gap_for(LOGIN, S2C, AP.AP_GUEST) is not None


# --------------------------------------------------------------------------- game mode, c2s


def test_bp_req_move_from_capture():
    value = roundtrip(GAME, C2S, bytes.fromhex("642001e00212e4010000"))
    assert (value.y, value.x, value.speed) == (288, 736, 18)
    assert value.room.id == 484 and value.room.amount is None


def test_bp_req_turn_from_capture():
    value = roundtrip(GAME, C2S, bytes.fromhex("65e51000000004"))
    assert value.object.id == 4325
    assert value.angle == 1024


def test_bp_say_to_from_capture():
    value = roundtrip(GAME, C2S, bytes.fromhex("6e01130068656c6c6f2066726f6d207468652077697265"))
    assert value.say_type == 1
    assert value.text == "hello from the wire"


@pytest.mark.parametrize("group", [1, 2, 3, 4])
def test_bp_send_stats_from_capture(group):
    assert roundtrip(GAME, C2S, bytes([0x29, group])).group == group


def test_bp_usercommand_from_capture():
    refused = roundtrip(GAME, C2S, bytes.fromhex("9b04"))
    assert refused.command == UC.UC_SPELL_SCHOOLS
    assert int(UC.UC_SPELL_SCHOOLS) in client_requests.USER_COMMANDS_REFUSED
    balance = roundtrip(GAME, C2S, bytes.fromhex("9b25"))
    assert balance.command == UC.UC_BALANCE


def test_character_choice_and_object_requests_from_capture():
    assert roundtrip(GAME, C2S, bytes.fromhex("2ee5100000")).character_id == 4325
    assert roundtrip(GAME, C2S, bytes.fromhex("74e6010000")).object.id == 486
    assert roundtrip(GAME, C2S, bytes.fromhex("7ce6010000")).seller.id == 486
    for opcode in (0x2D, 0x2A, 0x2C, 0x75, 0x32, 0x33, 0x36):
        roundtrip(GAME, C2S, bytes([opcode]))


def test_tag_nibble_rule_on_four_byte_fields():
    # A number item (tag 1) carries an amount ...
    value = roundtrip(GAME, C2S, bytes.fromhex("71" + "05000010" + "03000000"))
    assert value.object.id == 0x10000005 and value.object.amount == 3
    # ... even in a plain integer field such as UC_DEPOSIT's amount.
    value = roundtrip(GAME, C2S, bytes.fromhex("9b23" + "00000010" + "07000000"))
    assert value.args.amount.id == 0x10000000 and value.args.amount.amount == 7
    # Without the amount the message is short and must not decode.
    with pytest.raises(ConstructError):
        parse_exact(GAME, C2S, bytes.fromhex("7105000010"))


def test_bp_req_attack_with_and_without_the_stock_clients_extra_byte():
    six = bytes.fromhex("6701e6010000")
    seven = six + b"\x00"
    assert roundtrip(GAME, C2S, six).trailing is None
    value = roundtrip(GAME, C2S, seven)
    assert value.attack_type == 1 and value.target.id == 486 and value.trailing == 0
    with pytest.raises(ConstructError):
        parse_exact(GAME, C2S, seven + b"\x00")


def test_bp_req_drop_both_forms():
    single = roundtrip(GAME, C2S, bytes.fromhex("76e6010000"))
    assert single.form == "single" and single.object.id == 486
    number = roundtrip(GAME, C2S, bytes.fromhex("76" + "05000010" + "02000000"))
    assert number.form == "single" and number.object.amount == 2
    listed = roundtrip(GAME, C2S, bytes.fromhex("76" + "0200" + "e6010000" + "05000010" + "02000000"))
    assert listed.form == "list"
    assert [o.id for o in listed.objects] == [486, 0x10000005]
    empty = roundtrip(GAME, C2S, bytes.fromhex("760000"))
    assert empty.form == "list" and empty.objects == []
    body = body_of(GAME, C2S, BP.BP_REQ_DROP)
    value = Container(form="list", objects=[Container(id=7, amount=None)])
    assert body.parse(body.build(value)) == value
    with pytest.raises(ConstructError):
        parse_exact(GAME, C2S, bytes.fromhex("76e60100"))


def test_bp_req_inventory_move_both_forms():
    indices = roundtrip(GAME, C2S, bytes.fromhex("7f03000100"))
    assert indices.form == "indices" and (indices.from_index, indices.to_index) == (3, 1)
    ids = roundtrip(GAME, C2S, bytes.fromhex("7f" + "e6010000" + "e7010000"))
    assert ids.form == "ids" and (ids.item.id, ids.place_of.id) == (486, 487)


def test_lists_and_strings():
    value = roundtrip(GAME, C2S, bytes.fromhex("69" + "2a000000" + "0100" + "e6010000"))
    assert value.spell.id == 42 and value.targets[0].id == 486
    value = roundtrip(GAME, C2S, bytes.fromhex("78" + "e6010000" + "0000"))
    assert value.partner.id == 486 and value.objects == []
    value = roundtrip(GAME, C2S, bytes.fromhex("52" + "0100" + "e6010000" + "0200" + "6869"))
    assert value.recipients[0].id == 486 and value.text == "hi"
    value = roundtrip(GAME, C2S, bytes.fromhex("56" + "0100" + "09000000"))
    assert value.newsgroup == 1 and value.article.id == 9


def test_core_requests():
    value = roundtrip(GAME, C2S, bytes([BP.BP_CHANGE_PASSWORD]) + b"\x10\x00" + digest(b"a") + b"\x10\x00" + digest(b"b"))
    assert value.old_password == digest(b"a") and value.new_password == digest(b"b")
    assert roundtrip(GAME, C2S, bytes.fromhex("3c0300") + b"who").command == "who"
    value = roundtrip(GAME, C2S, bytes.fromhex("3d01") + b"\x03\x00inn")
    assert value.dm_type == 1 and value.argument == "inn"
    assert roundtrip(GAME, C2S, bytes.fromhex("1802")).ad == 2


def test_bp_system_character_creation():
    payload = bytes.fromhex(
        "06"
        "30"  # BP_NEW_CHARINFO
        "e5100000"  # character
        "0300" + b"Bob".hex() + "0000"  # name, empty description
        "01"  # gender
        "0200" "01000000" "02000000"  # face parts
        "05" "fe"  # translations (signed)
        "0600" + "0a000000" * 6 +  # stats
        "0100" "03000000"  # spells
        "0000"  # skills
    )
    value = roundtrip(GAME, C2S, payload)
    assert value.command == 48
    args = value.args
    assert args.character.id == 4325 and args.name == "Bob" and args.description == ""
    assert args.face_parts == [1, 2] and args.face_translation == -2
    assert args.stats == [10] * 6 and args.spells == [3] and args.skills == []
    assert roundtrip(GAME, C2S, bytes.fromhex("0631")).command == 49
    with pytest.raises(ConstructError):
        parse_exact(GAME, C2S, bytes.fromhex("0632"))


def test_usercommand_table():
    server_table = {
        3, 5, 6, 7, 8, 10, 12, 13, 14, 15, 16, 17, 19, 20, 21, 23, 24, 25, 26,
        28, 29, 30, 31, 32, 33, 35, 36, 37, 40, 41, 46, 49,
    }
    assert {int(k) for k in client_requests.USER_COMMAND_ARGS} == server_table | {4}
    for s2c_only in (UC.UC_SEND_QUIT, UC.UC_LOOK_PLAYER, UC.UC_GUILDINFO, UC.UC_GUILD_LIST):
        with pytest.raises(ConstructError):
            parse_exact(GAME, C2S, bytes([BP.BP_USERCOMMAND, s2c_only]))
    body = body_of(GAME, C2S, BP.BP_USERCOMMAND)
    create = Container(
        command=int(UC.UC_GUILD_CREATE),
        args=Container(guild_name="Guild", rank_names=[f"r{i}" for i in range(10)], secret=0),
    )
    data = body.build(create)
    assert body.parse(data) == create and body.build(body.parse(data)) == data
    shield = roundtrip(GAME, C2S, bytes([BP.BP_USERCOMMAND, UC.UC_CLAIM_SHIELD, 1, 2, 3, 1]))
    assert (shield.args.color1, shield.args.pattern, shield.args.claim) == (1, 3, 1)


def test_every_bp_opcode_is_declared_for_c2s():
    for opcode in BP:
        spec = spec_for(GAME, C2S, int(opcode))
        gap = gap_for(GAME, C2S, int(opcode))
        assert (spec is None) != (gap is None), opcode.name
        if gap is not None:
            assert gap.reason


def test_gaps_for_opcodes_without_a_c2s_form():
    for opcode in (
        BP.BP_ROUNDTRIP2,
        BP.BP_NEW_CHARINFO,
        BP.BP_SEND_CHARINFO,
        BP.BP_REQ_GIVE,
        BP.BP_REQ_TAKE,
        BP.BP_REQ_ADMIN_QUEST,
        BP.BP_QUIT,
        BP.BP_PLAYER,
    ):
        assert gap_for(GAME, C2S, int(opcode)) is not None, opcode.name
    # BP_DELETE_CHARACTER is an m59emu extension for third-party clients.
    for opcode in (BP.BP_REQ_DEPOSIT, BP.BP_REQ_WITHDRAWAL, BP.BP_REQ_WITHDRAWAL_ITEMS, BP.BP_REQ_GET_FROM_CONTAINER, BP.BP_DELETE_CHARACTER):
        assert spec_for(GAME, C2S, int(opcode)) is not None, opcode.name


# --------------------------------------------------------------------------- captures


def capture_frames(path: Path):
    """(mode, direction, payload) of every frame, tracking each direction's mode."""
    records = [json.loads(line) for line in path.read_text().splitlines()[1:]]
    buffers = {"c2s": b"", "s2c": b""}
    mode = {"c2s": "login", "s2c": "login"}
    out = []
    order = []
    for record in records:
        direction = record["dir"]
        buffers[direction] += bytes.fromhex(record["hex"])
        while len(buffers[direction]) >= 7:
            length = int.from_bytes(buffers[direction][:2], "little")
            if len(buffers[direction]) < 7 + length:
                break
            order.append((direction, buffers[direction][7 : 7 + length]))
            buffers[direction] = buffers[direction][7 + length :]
    assert buffers == {"c2s": b"", "s2c": b""}
    for direction, payload in order:
        out.append((mode[direction], direction, payload))
        opcode = payload[0]
        if mode[direction] == "login" and direction == "s2c" and opcode == AP.AP_GAME:
            mode = {"c2s": "game", "s2c": "game"}
        elif mode[direction] == "game" and direction == "c2s" and opcode == BP.BP_REQ_QUIT:
            mode["c2s"] = "login"
        elif mode[direction] == "game" and direction == "s2c" and opcode == BP.BP_QUIT:
            mode["s2c"] = "login"
    return out


@pytest.mark.skipif(not CAPTURES.is_dir(), reason="captures not available")
@pytest.mark.parametrize("path", sorted(CAPTURES.glob("*.jsonl")), ids=lambda p: p.stem)
def test_capture_frames_decode_exactly(path):
    checked = 0
    for mode_name, direction_name, payload in capture_frames(path):
        if mode_name == "game" and direction_name == "s2c":
            continue  # server messages belong to another module
        mode = LOGIN if mode_name == "login" else GAME
        direction = C2S if direction_name == "c2s" else S2C
        roundtrip(mode, direction, payload)
        checked += 1
    assert checked > 0


# --------------------------------------------------------------------------- properties

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@st.composite
def object_refs(draw):
    ident = draw(st.integers(0, 0xFFFFFFFF))
    amount = draw(st.integers(0, 0xFFFFFFFF)) if ident >> 28 == 1 else None
    return Container(id=ident, amount=amount)


@given(st.one_of(
    object_refs().map(lambda ref: Container(form="single", object=ref)),
    st.lists(object_refs(), max_size=5).map(lambda refs: Container(form="list", objects=refs)),
))
def test_req_drop_roundtrips(value):
    body = body_of(GAME, C2S, BP.BP_REQ_DROP)
    data = body.build(value)
    assert body.parse(data) == value
    assert body.build(body.parse(data)) == data


@given(st.integers(-128, 127), object_refs(), st.one_of(st.none(), st.integers(0, 255)))
def test_req_attack_roundtrips(attack_type, target, trailing):
    body = body_of(GAME, C2S, BP.BP_REQ_ATTACK)
    value = Container(attack_type=attack_type, target=target, trailing=trailing)
    data = body.build(value)
    assert body.parse(data) == value
