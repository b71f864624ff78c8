"""Game-mode server-to-client schemas (protocol_specs/server_messages.py).

Vectors come from the shared captures (blakserv 73156db2 + m59-harness); each parses to
the expected fields and rebuilds to the same bytes.
"""

from __future__ import annotations

import json
import struct

import pytest
from construct import ConstructError, Container

import protocol_specs.server_messages as sm
from protocol_specs.opcodes import BP, UC
from protocol_specs.registry import GAME, S2C, gap_for, spec_for
from tests.conftest import capture_files


class T:
    """A tiny resource table: only what the format-string vectors need."""

    TEXTS = {
        25715: "Welcome to Meridian 59!",
        25624: 'You say, "%q~n"',
        25060: "A weary innkeeper.",
        100: "%s says, %d coins",
        101: "Bob",
        102: "Engraved: %q",
    }

    def text(self, resource_id):
        return self.TEXTS.get(resource_id)


TABLE = T()


def body(opcode: BP):
    spec = spec_for(GAME, S2C, int(opcode))
    assert spec is not None, opcode.name
    return spec.body


def roundtrip(opcode: BP, hex_payload: str, resources=TABLE):
    """Parse a whole payload (opcode byte included), check it rebuilds exactly."""
    data = bytes.fromhex(hex_payload)
    assert data[0] == opcode
    schema = body(opcode)
    value = schema.parse(data[1:], resources=resources)
    assert schema.build(value, resources=resources) == data[1:]
    return value


def u8(v):
    return struct.pack("<B", v)


def u16(v):
    return struct.pack("<H", v)


def u32(v):
    return struct.pack("<I", v)


def s32(v):
    return struct.pack("<i", v)


def string(text: str) -> bytes:
    raw = text.encode("latin-1")
    return u16(len(raw)) + raw


MINIMAL_OBJECT = u32(486) + u32(25059) + u32(25058) + u32(0x601) + u32(0) + u16(0) + b"\x01\x01\x00" + b"\x00"


# ---------------------------------------------------------------------------------------
# Coverage: every BP opcode is defined or gapped for S2C
# ---------------------------------------------------------------------------------------

# Opcodes some client handler accepts: clientd3d/server.c game_handler_table, plus the
# modules' handler tables (char.c, merintr.c, mailnews.c, admin.c/dm.c).
CLIENT_HANDLED = {
    # server.c
    BP.BP_MOVE, BP.BP_TURN, BP.BP_CREATE, BP.BP_REMOVE, BP.BP_CHANGE, BP.BP_LOOK, BP.BP_USE,
    BP.BP_UNUSE, BP.BP_USE_LIST, BP.BP_SAID, BP.BP_OBJECT_CONTENTS, BP.BP_BUY_LIST,
    BP.BP_WITHDRAWAL_LIST, BP.BP_INVENTORY_ADD, BP.BP_INVENTORY_REMOVE, BP.BP_PLAYER_ADD,
    BP.BP_PLAYER_REMOVE, BP.BP_MESSAGE, BP.BP_SYS_MESSAGE, BP.BP_ECHO_PING, BP.BP_OFFER_CANCELED,
    BP.BP_OFFER, BP.BP_OFFERED, BP.BP_COUNTEROFFER, BP.BP_COUNTEROFFERED, BP.BP_QUIT, BP.BP_RESYNC,
    BP.BP_INVALIDATE_DATA, BP.BP_INVENTORY, BP.BP_PLAYER, BP.BP_ROOM_CONTENTS, BP.BP_PLAYERS,
    BP.BP_WAIT, BP.BP_UNWAIT, BP.BP_PLAY_WAVE, BP.BP_PLAY_MIDI, BP.BP_PLAY_MUSIC, BP.BP_EFFECT,
    BP.BP_SHOOT, BP.BP_LIGHT_AMBIENT, BP.BP_LIGHT_PLAYER, BP.BP_LIGHT_SHADING, BP.BP_BACKGROUND,
    BP.BP_LOAD_MODULE, BP.BP_UNLOAD_MODULE, BP.BP_CHANGE_RESOURCE, BP.BP_PLAYER_OVERLAY,
    BP.BP_SECTOR_MOVE, BP.BP_WALL_ANIMATE, BP.BP_SECTOR_ANIMATE, BP.BP_ADD_BG_OVERLAY,
    BP.BP_REMOVE_BG_OVERLAY, BP.BP_CHANGE_BG_OVERLAY, BP.BP_PASSWORD_OK, BP.BP_PASSWORD_NOT_OK,
    BP.BP_ROUNDTRIP1, BP.BP_CHANGE_TEXTURE, BP.BP_SECTOR_LIGHT, BP.BP_SET_VIEW, BP.BP_RESET_VIEW,
    # module/char/char.c
    BP.BP_CHARACTERS, BP.BP_CHARINFO, BP.BP_CHARINFO_OK, BP.BP_CHARINFO_NOT_OK,
    # module/merintr/merintr.c (BP_USERCOMMAND also chess.c)
    BP.BP_SPELLS, BP.BP_SPELL_ADD, BP.BP_SPELL_REMOVE, BP.BP_SKILLS, BP.BP_SKILL_ADD,
    BP.BP_SKILL_REMOVE, BP.BP_STAT, BP.BP_STAT_GROUP, BP.BP_STAT_GROUPS, BP.BP_ADD_ENCHANTMENT,
    BP.BP_REMOVE_ENCHANTMENT, BP.BP_USERCOMMAND,
    # module/mailnews/mailnews.c
    BP.BP_MAIL, BP.BP_LOOKUP_NAMES, BP.BP_ARTICLES, BP.BP_ARTICLE, BP.BP_LOOK_NEWSGROUP,
    # module/admin/admin.c, module/dm/dm.c
    BP.BP_ADMIN,
}  # fmt: skip


@pytest.mark.parametrize("opcode", list(BP), ids=lambda op: op.name)
def test_every_bp_opcode_is_defined_or_gapped_for_s2c(opcode):
    """Rule: defined for S2C exactly when a client handler accepts it; otherwise a gap."""
    spec = spec_for(GAME, S2C, int(opcode))
    gap_entry = gap_for(GAME, S2C, int(opcode))
    assert (spec is None) != (gap_entry is None), opcode.name
    if opcode in CLIENT_HANDLED:
        assert spec is not None, f"{opcode.name} has a client handler but no s2c schema"
    else:
        assert gap_entry is not None and gap_entry.reason, opcode.name


def test_c2s_only_gaps_say_so_and_unhandled_ones_say_why():
    for opcode in sm.C2S_ONLY:
        assert "client-to-server only" in gap_for(GAME, S2C, int(opcode)).reason
    for opcode in (BP.BP_XLAT_OVERRIDE, BP.BP_WALL_SCROLL, BP.BP_SECTOR_SCROLL):
        assert "no client handler" in gap_for(GAME, S2C, int(opcode)).reason


def test_usercommand_subcommands_are_defined_or_gapped():
    s2c = {UC.UC_SEND_QUIT, UC.UC_LOOK_PLAYER, UC.UC_SPELL_SCHOOLS, UC.UC_GUILDINFO, UC.UC_GUILD_ASK,
           UC.UC_GUILD_LIST, UC.UC_GUILD_HALLS, UC.UC_GUILD_SHIELD, UC.UC_GUILD_SHIELDS,
           UC.UC_MINIGAME_START, UC.UC_MINIGAME_MOVE, UC.UC_MINIGAME_PLAYER}  # fmt: skip
    assert set(sm.UserCommandArgs) == s2c
    assert set(sm.USERCOMMAND_GAPS) == set(UC) - s2c
    assert all(sm.USERCOMMAND_GAPS.values())


# ---------------------------------------------------------------------------------------
# Capture vectors
# ---------------------------------------------------------------------------------------


def test_player_55_bytes():
    hexs = "8204110000765c000044420f00e4010000ec560000eb560000d0ee9d899205ab540000ae54000000000000000000000000000000000000"
    assert len(bytes.fromhex(hexs)) == 55
    v = roundtrip(BP.BP_PLAYER, hexs)
    assert (v.id, v.icon, v.name, v.room_id) == (4356, 23670, 1000004, 484)
    assert (v.room_file, v.room_name, v.room_security) == (22252, 22251, 0x899DEED0)
    assert (v.ambient_light, v.player_light, v.background, v.wading_sound) == (146, 5, 21675, 21678)
    assert (v.room_flags, v.depth1, v.depth2, v.depth3) == (0, 0, 0, 0)


ROOM_CONTENTS = (
    "86e40100000400e5100000765c000042420f000d020000000000000000010100087e5c00001f0101007c5c0000150101"
    "00785c00002901010000000000010900010100000000000c0900010100000000000b0900010100000000000e09000101"
    "00000000000d0900010100000180020000010100087e5c00001f02c8000000020003007c5c00001502c8000000020003"
    "00785c00002902640000000200050000000000010900010100000000000c0900010100000000000b0900010100000000"
    "000e0900010100000000000d0900010100e6010000e3610000e26100000106000000000000000001010000a001a00100"
    "0e01010000e8010000c8650000c965000041000000000000000000010100006001c002000001010000e5010000fd6500"
    "00ee5600000000000000000000010005ff3d01010000f8003003000001010000"
)


def test_room_contents():
    v = roundtrip(BP.BP_ROOM_CONTENTS, ROOM_CONTENTS)
    assert v.room_id == 484
    assert [o.id for o in v.objects] == [4325, 486, 488, 485]
    me = v.objects[0]
    assert (me.name, me.flags, me.y, me.x, me.angle) == (1000002, 525, 256, 640, 0)  # row 4, col 10
    assert len(me.overlays) == 8 and me.overlays[0].icon == 23678
    assert me.motion_animation == Container(type=1, params=Container(group=1))
    assert len(me.motion_overlays) == 8
    innkeeper = v.objects[1]
    assert (innkeeper.icon, innkeeper.name, innkeeper.flags, innkeeper.angle) == (25059, 25058, 0x601, 3584)
    assert innkeeper.lighting.light is None and innkeeper.translation is None
    board = v.objects[3]
    assert (board.icon, board.y, board.x) == (26109, 248, 816)


def test_players_and_player_add():
    v = roundtrip(BP.BP_PLAYERS, "880100e510000042420f000d00557365723337393537373530350d020000")
    assert v.players == [Container(id=4325, name_res=1000002, name="User379577505", flags=525)]
    v = roundtrip(BP.BP_PLAYER_ADD, "89e510000042420f000d00557365723337393537373530350d020000")
    assert (v.id, v.name_res, v.name, v.flags) == (4325, 1000002, "User379577505", 525)


def test_characters_with_motd_and_ads():
    hexs = (
        "8b0100e51000000d005573657233373935373735303500320054686973206d6573736167652069732073686f776e"
        "20746f2070656f706c65207768656e2074686579206c6f6720696e2e0a0207006164312e626d701d006874747073"
        "3a2f2f646973636f72642e67672f6d6572696469616e353907006164322e626d701a0068747470733a2f2f777777"
        "2e6d6572696469616e35392e636f6d"
    )
    v = roundtrip(BP.BP_CHARACTERS, hexs)
    assert v.characters == [Container(id=4325, name="User379577505", flags=0)]
    assert v.motd == "This message is shown to people when they log in.\n"
    assert [(a.image, a.url) for a in v.ads] == [
        ("ad1.bmp", "https://discord.gg/meridian59"),
        ("ad2.bmp", "https://www.meridian59.com"),
    ]


STAT_GROUP_1 = (
    "840103013e640000010114000000000000006400000014000000023f64000001011400000000000000640000000f000000"
    "034064000001016400000000000000c800000050000000"
)
STAT_GROUP_2 = (
    "840207013764000001010100000000000000320000000100000002386400000101010000000000000032000000010000"
    "000339640000010101000000000000003200000001000000043a6400000101010000000000000032000000010000000"
    "53b640000010101000000000000003200000001000000063c640000010101000000000000003200000001000000073d"
    "6400000101000000009cffffff6400000000000000"
)


def test_stat_group_72_and_164_bytes():
    assert len(bytes.fromhex(STAT_GROUP_1)) == 72
    v = roundtrip(BP.BP_STAT_GROUP, STAT_GROUP_1)
    assert v.group == 1 and len(v.stats) == 3
    health = v.stats[0]
    assert (health.slot, health.name, health.type, health.data.tag) == (1, 25662, 1, 1)
    assert health.data.value == Container(value=20, min=0, max=100, current_max=20)
    assert v.stats[2].data.value == Container(value=100, min=0, max=200, current_max=80)

    assert len(bytes.fromhex(STAT_GROUP_2)) == 164
    v = roundtrip(BP.BP_STAT_GROUP, STAT_GROUP_2)
    assert v.group == 2 and [s.slot for s in v.stats] == [1, 2, 3, 4, 5, 6, 7]
    assert v.stats[6].data.value == Container(value=0, min=-100, max=100, current_max=0)  # signed range


def test_empty_stat_group_and_stat():
    assert roundtrip(BP.BP_STAT_GROUP, "840300") == Container(group=3, stats=[])
    v = roundtrip(BP.BP_STAT, "8301013e640000010114000000000000006400000014000000")
    assert v.group == 1 and v.stat.slot == 1 and v.stat.data.value.value == 20


def test_buy_list_with_number_item():
    hexs = (
        "d8e6010000e3610000e261000001060000000000000000010100000200e701001004000000b3740000b2740000100000"
        "000000000000000101000040000000830e0000196b0000186b00000000000000000000000001010000f4010000"
    )
    v = roundtrip(BP.BP_BUY_LIST, hexs)
    assert v.seller.id == 486 and v.seller.amount is None
    stew, sweep = v.offers
    assert stew.object.id == 0x100001E7 and stew.object.amount == 4 and stew.price == 64
    assert stew.object.icon == 29875 and stew.object.flags == 16
    assert sweep.object.id == 3715 and sweep.object.amount is None and sweep.price == 500


def test_background_overlays():
    v = roundtrip(BP.BP_ADD_BG_OVERLAY, "98000f000097660000986600000101000000e4ff")
    assert (v.id, v.icon, v.name, v.translation) == (3840, 26263, 26264, None)
    assert (v.angle, v.height) == (0, -28)
    v = roundtrip(BP.BP_CHANGE_BG_OVERLAY, "9a080f00009766000098660000010100ae0b6dff")
    assert (v.id, v.angle, v.height) == (3848, 2990, -147)


def test_light_shading_ambient_background():
    assert roundtrip(BP.BP_LIGHT_SHADING, "de002c0b0000") == Container(intensity=0, sun_x=2860, sun_y=0)
    assert roundtrip(BP.BP_LIGHT_AMBIENT, "dc8b").light == 139
    assert roundtrip(BP.BP_BACKGROUND, "96ab540000").background == 21675


def test_play_wave_music_module():
    v = roundtrip(BP.BP_PLAY_WAVE, "aab35c0000041100000000000000000000000000000000000000")
    assert (v.wave, v.source, v.flags, v.row, v.col, v.radius, v.max_volume) == (23731, 4356, 0, 0, 0, 0, 0)
    assert roundtrip(BP.BP_PLAY_MUSIC, "abed560000").music == 22253
    assert roundtrip(BP.BP_LOAD_MODULE, "3a574e0000").module == 20055
    assert roundtrip(BP.BP_QUIT, "95") == Container()


def test_usercommand_spell_schools():
    v = roundtrip(BP.BP_USERCOMMAND, "9b040678640000796400007a6400007b6400007c6400007d640000")
    assert v.command == UC.UC_SPELL_SCHOOLS
    assert v.args.schools == [25720, 25721, 25722, 25723, 25724, 25725]


def test_empty_lists():
    assert roundtrip(BP.BP_INVENTORY, "d00000").objects == []
    assert roundtrip(BP.BP_USE_LIST, "cd0000").ids == []
    assert roundtrip(BP.BP_SPELLS, "8d0000").spells == []
    assert roundtrip(BP.BP_SKILLS, "900000").skills == []


# Format-string messages (need FormattedText and a resource table).


def test_message_welcome():
    v = roundtrip(BP.BP_MESSAGE, "2073640000")
    assert v.format == 25715 and list(v.params) == []


def test_said_self_echo():
    v = roundtrip(BP.BP_SAID, "cee510000042420f000118640000130068656c6c6f2066726f6d207468652077697265")
    assert (v.sender, v.sender_name, v.say_type) == (4325, 1000002, 1)
    assert v.text.format == 25624 and list(v.text.params) == ["hello from the wire"]


def test_look_innkeeper():
    v = roundtrip(BP.BP_LOOK, "cfe6010000e3610000e2610000010600000000000000000101000000e4610000")
    assert v.object.id == 486 and v.object.name == 25058 and v.flags == 0
    assert v.description.format == 25060 and list(v.description.params) == []
    assert v.inscription is None


def test_look_with_inscription():
    data = MINIMAL_OBJECT + u8(sm.DF_INSCRIBED) + u32(25060) + u32(102) + string("for Mum")
    schema = body(BP.BP_LOOK)
    v = schema.parse(data, resources=TABLE)
    assert v.inscription.format == 102 and list(v.inscription.params) == ["for Mum"]
    assert schema.build(v, resources=TABLE) == data


# ---------------------------------------------------------------------------------------
# Self-identifying and variable parts
# ---------------------------------------------------------------------------------------


def test_echo_ping_empty_or_keyed():
    schema = body(BP.BP_ECHO_PING)
    assert schema.parse(b"") == Container(security=None)
    assert schema.build({"security": None}) == b""
    keyed = u8(0x42 ^ 0xED) + u32(21000)
    v = schema.parse(keyed)
    assert v.security == Container(token=0x42 ^ 0xED, redbook=21000)
    assert schema.build(v) == keyed
    with pytest.raises(ConstructError):
        schema.parse(b"\x01\x02")  # neither 0 nor 5 bytes


@pytest.mark.parametrize(
    "code,args,tail",
    [
        (sm.EFFECT_INVERT, {"duration": 500}, s32(500)),
        (sm.EFFECT_SHAKE, {"duration": 1000}, s32(1000)),
        (sm.EFFECT_PAIN, {"duration": 3000}, s32(3000)),
        (sm.EFFECT_BLUR, {"duration": 2000}, s32(2000)),
        (sm.EFFECT_WAVER, {"duration": 2000}, s32(2000)),
        (sm.EFFECT_WHITEOUT, {"duration": 400}, s32(400)),
        (sm.EFFECT_FLASHXLAT, {"duration": 800, "xlat": 7}, s32(800) + s32(7)),
        (sm.EFFECT_XLATOVERRIDE, {"xlat": 0}, s32(0)),
        *[(code, {}, b"") for code in (3, 4, 5, 6, 9, 10, 11, 12, 13)],
    ],
)
def test_effect_codes(code, args, tail):
    schema = body(BP.BP_EFFECT)
    data = u16(code) + tail
    assert schema.build({"effect": code, "args": args}) == data
    v = schema.parse(data)
    assert v.effect == code and {k: v.args[k] for k in args} == args


@pytest.mark.parametrize("code", [0, 18, 999])
def test_unknown_effect_is_a_typed_error(code):
    with pytest.raises(ConstructError):
        body(BP.BP_EFFECT).parse(u16(code) + s32(1))
    with pytest.raises(ConstructError):
        body(BP.BP_EFFECT).build({"effect": code, "args": {}})


def test_stat_resource_and_list_entries():
    schema = body(BP.BP_STAT)
    resource = u8(2) + u8(3) + u32(25000) + u8(1) + u8(2) + u32(26000)
    v = schema.parse(resource)
    assert v.stat.data.tag == 2 and v.stat.data.value.resource == 26000
    assert schema.build(v) == resource
    listed = u8(3) + u8(1) + u32(25100) + u8(2) + u32(5000) + s32(45) + u32(25101)
    v = schema.parse(listed)
    assert v.stat.data == Container(id=5000, value=45, icon=25101)
    assert schema.build(v) == listed


@pytest.mark.parametrize("bad", [u8(1) + u8(1) + u32(1) + u8(3), u8(1) + u8(1) + u32(1) + u8(1) + u8(9) + u32(0)])
def test_unknown_stat_type_or_tag_is_a_typed_error(bad):
    with pytest.raises(ConstructError):
        body(BP.BP_STAT).parse(bad + bytes(12))


GUILD_RANKS = [("Recruit", "Recruit"), ("Member", "Member"), ("Sergeant", "Sergeant"), ("Lieutenant", "Lieutenant"), ("Lord", "Lady")]


def _guildinfo(password: str | None) -> bytes:
    data = u8(UC.UC_GUILDINFO) + string("Knights") + u8(password is not None)
    if password is not None:
        data += string(password)
    data += u32(3) + u32(9001)
    for male, female in GUILD_RANKS:
        data += string(male) + string(female)
    data += u32(0) + u16(1) + u32(4325) + string("User379577505") + u8(5) + u8(1)
    return data


@pytest.mark.parametrize("password", [None, "secret"])
def test_guildinfo_optional_password(password):
    schema = body(BP.BP_USERCOMMAND)
    data = _guildinfo(password)
    v = schema.parse(data)
    assert v.command == UC.UC_GUILDINFO
    assert v.args.name == "Knights" and v.args.password == password
    assert [(r.male, r.female) for r in v.args.ranks] == GUILD_RANKS
    assert v.args.members == [Container(id=4325, name="User379577505", rank=5, gender=1)]
    assert schema.build(v) == data


@pytest.mark.parametrize(
    "command,args,tail",
    [
        (UC.UC_SEND_QUIT, {}, b""),
        (UC.UC_GUILD_ASK, {"cost1": 5000, "cost2": 10000}, s32(5000) + s32(10000)),
        (
            UC.UC_GUILD_LIST,
            {"guilds": [{"id": 7, "name": "Knights"}], "relations": [[7], [], [], [8, 9]]},
            u16(1) + u32(7) + string("Knights") + u16(1) + u32(7) + u16(0) + u16(0) + u16(2) + u32(8) + u32(9),
        ),
        (
            UC.UC_GUILD_HALLS,
            {"halls": [{"id": 11, "name": 22000, "cost": 50000, "rent": 700}]},
            u16(1) + u32(11) + u32(22000) + s32(50000) + s32(700),
        ),
        (
            UC.UC_GUILD_SHIELD,
            {"id": 7, "name": "Knights", "color1": 1, "color2": 2, "pattern": 3},
            u32(7) + string("Knights") + b"\x01\x02\x03",
        ),
        (UC.UC_GUILD_SHIELDS, {"icons": [30001, 30002]}, u16(2) + u32(30001) + u32(30002)),
        (UC.UC_MINIGAME_START, {"game": 5555, "player": 1}, u32(5555) + u8(1)),
        (UC.UC_MINIGAME_MOVE, {"game": 5555, "state": "rnbqkbnr"}, u32(5555) + string("rnbqkbnr")),
        (UC.UC_MINIGAME_PLAYER, {"player": 2, "name": "Bob"}, u8(2) + string("Bob")),
    ],
)
def test_usercommand_layouts(command, args, tail):
    schema = body(BP.BP_USERCOMMAND)
    data = u8(command) + tail
    assert schema.build({"command": command, "args": args}) == data
    assert schema.build(schema.parse(data)) == data


def test_look_player():
    schema = body(BP.BP_USERCOMMAND)
    data = (
        u8(UC.UC_LOOK_PLAYER) + MINIMAL_OBJECT + u8(1) + u32(100) + u32(101) + s32(12)
        + string("Ranger of the realm") + string("https://example.org")
    )  # fmt: skip
    v = schema.parse(data, resources=TABLE)
    assert v.args.object.id == 486 and v.args.flags == 1
    assert v.args.description.format == 100 and list(v.args.description.params) == [101, 12]
    assert (v.args.extra, v.args.url) == ("Ranger of the realm", "https://example.org")
    assert schema.build(v, resources=TABLE) == data


@pytest.mark.parametrize("command", [0, 5, 37, 46, 200])
def test_unknown_usercommand_is_a_typed_error(command):
    with pytest.raises(ConstructError):
        body(BP.BP_USERCOMMAND).parse(u8(command) + bytes(8))


def test_mail_message_and_no_more_mail_marker():
    schema = body(BP.BP_MAIL)
    marker = u32(0) + string("") + u32(0) + u16(0)
    assert schema.parse(marker, resources=TABLE) == Container(index=0, sender="", time=0, recipients=[], body=None)
    assert schema.build({"index": 0, "sender": "", "time": 0, "recipients": [], "body": None}, resources=TABLE) == marker
    mail = u32(3) + string("Bob") + u32(1700000000) + u16(2) + string("Ann") + string("Cid") + u32(102) + string("hi")
    v = schema.parse(mail, resources=TABLE)
    assert v.recipients == ["Ann", "Cid"] and v.body.format == 102 and list(v.body.params) == ["hi"]
    assert schema.build(v, resources=TABLE) == mail


def test_look_newsgroup_and_articles():
    schema = body(BP.BP_LOOK_NEWSGROUP)
    data = u16(4) + u8(3) + MINIMAL_OBJECT + u32(25060)
    v = schema.parse(data, resources=TABLE)
    assert (v.newsgroup, v.permission, v.object.id, v.description.format) == (4, 3, 486, 25060)
    assert schema.build(v, resources=TABLE) == data
    schema = body(BP.BP_ARTICLES)
    data = u16(4) + u8(1) + u8(1) + u16(1) + u32(17) + u32(1700000000) + string("Bob") + string("Hello")
    v = schema.parse(data)
    assert v.articles[0].title == "Hello" and schema.build(v) == data


def test_charinfo():
    schema = body(BP.BP_CHARINFO)
    face = u32(2) + u32(1) + u32(2) + u32(3) + u32(1) + u32(4) + u32(0) + u32(1) + u32(5)
    data = (
        u8(2) + b"\x01\x02" + u8(1) + b"\x03" + face + face
        + u32(1) + u32(1) + u32(200) + u32(201) + u32(10) + u8(1)
        + u32(1) + u32(2) + u32(300) + u32(301) + u32(5)
    )  # fmt: skip
    v = schema.parse(data)
    assert v.hair_translations == [1, 2] and v.faces[1].hair == [1, 2] and v.faces[0].head == 3
    assert v.spells[0].school == 1 and v.skills[0].cost == 5
    assert schema.build(v) == data


def test_player_overlay_has_no_lighting():
    data = u8(5) + MINIMAL_OBJECT.replace(u16(0) + b"\x01\x01\x00", b"\x01\x01\x00", 1)
    v = body(BP.BP_PLAYER_OVERLAY).parse(data)
    assert v.hotspot == 5 and v.object.id == 486 and "lighting" not in v.object
    assert body(BP.BP_PLAYER_OVERLAY).build(v) == data


def test_shoot_with_light():
    data = u32(25500) + b"\x09\x03" + b"\x01\x01\x00" + u32(1) + u32(2) + u8(8) + u16(1) + u16(3) + u8(255) + u16(0x5294)
    v = body(BP.BP_SHOOT).parse(data)
    assert v.translation == Container(kind=9, value=3) and v.lighting.light.color == 0x5294
    assert body(BP.BP_SHOOT).build(v) == data


# ---------------------------------------------------------------------------------------
# Every s2c game frame of every capture decodes exactly
# ---------------------------------------------------------------------------------------


class _CaptureTable:
    def __init__(self, path):
        self.texts = {}
        for line in path.read_text().splitlines()[1:]:
            rid, _file, text = line.split("\t")
            self.texts[int(rid)] = json.loads(text)

    def text(self, resource_id):
        return self.texts.get(resource_id)


def _s2c_game_payloads(path):
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    data = b"".join(bytes.fromhex(line["hex"]) for line in lines[1:] if line.get("dir") == "s2c")
    position, game = 0, False
    while position < len(data):
        length, _check, length2, _seq = struct.unpack_from("<HHHB", data, position)
        assert length == length2
        payload = data[position + 7 : position + 7 + length]
        position += 7 + length
        if not game:
            game = payload[0] == 25  # AP_GAME
            continue
        yield payload
        if payload[0] == BP.BP_QUIT:
            game = False
    assert position == len(data)


def test_every_capture_s2c_game_frame_decodes_exactly(captures_dir):
    table = _CaptureTable(captures_dir / "resources.tsv")
    count = 0
    for path in capture_files():
        for payload in _s2c_game_payloads(path):
            schema = body(BP(payload[0]))
            value = schema.parse(payload[1:], resources=table)
            assert schema.build(value, resources=table) == payload[1:], (path.name, payload.hex())
            count += 1
    assert count == 128
