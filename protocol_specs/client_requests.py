"""Game-mode (BP_*) messages from client to server.

Authorities (upstream Meridian 59 sources; facts only, no code copied):

* ``blakserv/game.c`` ``GameProtocolParse``: a few opcodes the server core reads itself
  (ping, resync, quit, character list and choice, ad click, password change, admin and DM
  commands);
* ``blakserv/sprocket.c``: the parse tables for everything else (``client_def_table``,
  ``system_def_table`` for ``BP_SYSTEM``, ``usercommand_def_table`` for
  ``BP_USERCOMMAND``), interpreted by ``blakserv/parsecli.c`` ``ParseClientSendBlakod``;
* the client send tables (``clientd3d/protocol.c``, ``module/char/char.c``,
  ``module/merintr/merintr.c``, ``module/mailnews/mailnews.c``, ``module/dm/dm.c``) for
  what a stock client really puts on the wire.

Width rules of the parse tables (``parsecli.c``): a 1-byte field is a signed byte, a
2-byte field a signed short, a 4-byte field is an id/integer that follows the tag-nibble
rule (:data:`TaggedInt` = :data:`~protocol_specs.common.ObjectRef`: a u32 whose top
nibble is 1 is followed by a u32 amount), strings are u16-prefixed, object lists are a
u16 count of tagged ids, integer/resource lists a u16 count of plain u32.

The server ignores bytes after the last field; these schemas do not accept any, so the
codec notices a malformed request. The one documented exception, the stock client's
extra byte on ``BP_REQ_ATTACK``, is modelled explicitly.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import IO, Any

from construct import (
    Array,
    Construct,
    Container,
    Error,
    Int8sl,
    Int8ul,
    Int16sl,
    Int32ul,
    Optional,
    StreamError,
    Struct,
    Switch,
    this,
)

from protocol_specs.common import Digest, IntList, ObjectRef, ObjectRefList, String, TaggedInt
from protocol_specs.opcodes import BP, UC, SystemCommand
from protocol_specs.registry import C2S, GAME, define, gap, gap_for, spec_for



class RemainingLengthSwitch(Construct):
    """Chooses a layout from the number of bytes left in the payload.

    ``selector(remaining)`` returns a key of ``cases`` (or ``None`` to refuse). The parsed
    value is the chosen case's fields plus ``form`` = the key; building uses ``form`` to
    pick the case. Only for layouts whose lengths can never collide.
    """

    def __init__(self, selector: Callable[[int], str | None], cases: Mapping[str, Construct]) -> None:
        super().__init__()
        self.selector = selector
        self.cases = cases

    def _parse(self, stream: IO[bytes], context: Container, path: str) -> Container:
        start = stream.tell()
        stream.seek(0, 2)
        remaining = stream.tell() - start
        stream.seek(start)
        form = self.selector(remaining)
        if form is None or form not in self.cases:
            raise StreamError(f"no layout has a body of {remaining} bytes", path=path)
        parsed = self.cases[form]._parsereport(stream, context, path)
        result = Container(form=form)
        for key, value in parsed.items():
            if not key.startswith("_"):
                result[key] = value
        return result

    def _build(
        self, obj: Mapping[str, Any], stream: IO[bytes], context: Container, path: str
    ) -> Mapping[str, Any]:
        form = obj["form"]
        if form not in self.cases:
            raise StreamError(f"unknown form {form!r}", path=path)
        fields = {key: value for key, value in obj.items() if key != "form"}
        self.cases[form]._build(fields, stream, context, path)
        return obj

    def _sizeof(self, context: Container, path: str) -> int:
        raise StreamError("size depends on the payload length", path=path)


# ---------------------------------------------------------------------------------------
# Handled by the server core (game.c GameProtocolParse)
# ---------------------------------------------------------------------------------------

define(GAME, C2S, BP.BP_PING, None, note="game.c GameEchoPing: reply BP_ECHO_PING and re-key the s2c opcode XOR")
define(GAME, C2S, BP.BP_RESYNC, None, note="game.c: server starts its beacon scan")
define(GAME, C2S, BP.BP_REQ_QUIT, None, note="game.c: BP_QUIT, then back to login mode (AP_GETCHOICE + AP_CREDITS)")
define(GAME, C2S, BP.BP_SEND_CHARACTERS, None, note="game.c GameTryGetUser: reply BP_CHARACTERS")

#: BP_DELETE_CHARACTER: u32 character id. Neither blakserv nor the stock client implements
#: it (no parse-table entry, no sender); m59emu accepts it from third-party clients, in the
#: same form as BP_USE_CHARACTER, while no character is in the world.
define(
    GAME,
    C2S,
    BP.BP_DELETE_CHARACTER,
    Struct("character_id" / Int32ul),
    note="m59emu extension: the original has no working character delete",
)

#: BP_USE_CHARACTER: game.c reads a plain u32 (it is not in a parse table, so no tag rule).
define(
    GAME,
    C2S,
    BP.BP_USE_CHARACTER,
    Struct("character_id" / Int32ul),
    note="game.c GameProtocolParse -> GameStartUser; only this account's characters, only once",
)

#: BP_AD_SELECTED: which of the two adverts the user clicked (logged only).
define(GAME, C2S, BP.BP_AD_SELECTED, Struct("ad" / Int8ul), note="game.c: logged only")

#: BP_CHANGE_PASSWORD: old and new password digests (same form as in AP_LOGIN).
define(
    GAME,
    C2S,
    BP.BP_CHANGE_PASSWORD,
    Struct("old_password" / Digest, "new_password" / Digest),
    note="game.c: reply BP_PASSWORD_OK / BP_PASSWORD_NOT_OK",
)

#: BP_REQ_ADMIN: one admin console command (admin accounts only); output as BP_ADMIN.
define(GAME, C2S, BP.BP_REQ_ADMIN, Struct("command" / String), note="game.c -> TryAdminCommand")

#: BP_REQ_DM: DM shortcut (1 go to room, 2 go to player, 3 get player) and its argument.
define(GAME, C2S, BP.BP_REQ_DM, Struct("dm_type" / Int8ul, "argument" / String), note="game.c GameDMCommand")

define(
    GAME,
    C2S,
    BP.BP_LOGOFF,
    None,
    note="listed in the stock client's send table but blakserv has no parse entry: logged as invalid and dropped",
)

# ---------------------------------------------------------------------------------------
# Main parse table (sprocket.c client_def_table), forwarded to the user object in kod
# ---------------------------------------------------------------------------------------

# Opcode-only requests.
for _op, _note in (
    (BP.BP_SEND_PLAYER, "reply BP_PLAYER and room state"),
    (BP.BP_SEND_ROOM_CONTENTS, "reply BP_ROOM_CONTENTS"),
    (BP.BP_SEND_PLAYERS, "reply BP_PLAYERS"),
    (BP.BP_REQ_INVENTORY, "reply BP_INVENTORY then BP_USE_LIST"),
    (BP.BP_REQ_GO, "use the exit under the player"),
    (BP.BP_SEND_STAT_GROUPS, "reply BP_STAT_GROUPS"),
    (BP.BP_SEND_SPELLS, "reply BP_SPELLS and BP_STAT_GROUP 3"),
    (BP.BP_SEND_SKILLS, "reply BP_SKILLS and BP_STAT_GROUP 4"),
    (BP.BP_ACCEPT_OFFER, "accept the trade on the table"),
    (BP.BP_CANCEL_OFFER, "cancel the trade"),
    (BP.BP_REQ_GET_MAIL, "reply one BP_MAIL per message, then the empty marker"),
):
    define(GAME, C2S, _op, None, note=f"sprocket.c client_def_table; {_note}")

# One object reference.
for _op, _field, _note in (
    (BP.BP_SEND_OBJECT_CONTENTS, "container", "reply BP_OBJECT_CONTENTS"),
    (BP.BP_REQ_LOOK, "object", "reply BP_LOOK (UC_LOOK_PLAYER for players)"),
    (BP.BP_REQ_USE, "object", "wield or wear"),
    (BP.BP_REQ_UNUSE, "object", "take off"),
    (BP.BP_REQ_GET, "object", "pick up from the room"),
    (BP.BP_REQ_ACTIVATE, "object", "work something in the room"),
    (BP.BP_SAY_BLOCKED, "sender", "ignore this sender's speech"),
    (BP.BP_REQ_HIDE, "object", "parsed by the server; kod has no handler"),
    (BP.BP_REQ_BUY, "seller", "reply BP_BUY_LIST"),
    (BP.BP_REQ_WITHDRAWAL, "keeper", "reply BP_WITHDRAWAL_LIST"),
    (
        BP.BP_REQ_GET_FROM_CONTAINER,
        "object",
        "take from an open container; number items carry the amount (since 2023-10)",
    ),
):
    define(GAME, C2S, _op, Struct(_field / ObjectRef), note=f"sprocket.c client_def_table; {_note}")

#: BP_REQ_MOVE: new position (fine units, Y first), speed (18 walk, 36 run), current room.
ReqMove = Struct(
    "y" / Int16sl,
    "x" / Int16sl,
    "speed" / Int8sl,
    "room" / ObjectRef,
)
define(GAME, C2S, BP.BP_REQ_MOVE, ReqMove, note="sprocket.c client_def_table; no reply to the mover")

#: BP_REQ_TURN: the player's own object and its new angle (0..4095).
define(
    GAME,
    C2S,
    BP.BP_REQ_TURN,
    Struct("object" / ObjectRef, "angle" / Int16sl),
    note="sprocket.c client_def_table; no reply to the mover",
)

#: BP_SAY_TO: say type (SAY_*) and text.
define(
    GAME,
    C2S,
    BP.BP_SAY_TO,
    Struct("say_type" / Int8sl, "text" / String),
    note="sprocket.c client_def_table; echoed as BP_SAID",
)

#: BP_SAY_GROUP: recipients and text.
define(
    GAME,
    C2S,
    BP.BP_SAY_GROUP,
    Struct("recipients" / ObjectRefList, "text" / String),
    note="sprocket.c client_def_table",
)

#: BP_REQ_ATTACK: attack type (1 normal) and target. The stock client's send-table row has
#: no end marker, so it appends one more byte (clientd3d/protocol.c); the server ignores
#: it. ``trailing`` is that byte, or None when absent.
ReqAttack = Struct(
    "attack_type" / Int8sl,
    "target" / ObjectRef,
    "trailing" / Optional(Int8ul),
)
define(
    GAME,
    C2S,
    BP.BP_REQ_ATTACK,
    ReqAttack,
    note="sprocket.c client_def_table; stock client adds one ignored byte",
)


def _drop_form(remaining: int) -> str | None:
    """A single reference is 4 or 8 bytes (0 mod 4); a list is 2 + 4k bytes (2 mod 4)."""
    if remaining % 4 == 0:
        return "single"
    if remaining % 4 == 2:
        return "list"
    return None


#: BP_REQ_DROP: one object reference (up to 7.36) or a list of them (client source since
#: 2026-01). Parses to ``form`` = "single" with ``object``, or "list" with ``objects``.
ReqDrop = RemainingLengthSwitch(
    _drop_form,
    {
        "single": Struct("object" / ObjectRef),
        "list": Struct("objects" / ObjectRefList),
    },
)
define(GAME, C2S, BP.BP_REQ_DROP, ReqDrop, note="sprocket.c client_def_table; both historical layouts accepted")


def _inventory_move_form(remaining: int) -> str | None:
    """Two s16 indices are 4 bytes; two tagged ids are 8, 12 or 16 bytes."""
    if remaining == 4:
        return "indices"
    if remaining in (8, 12, 16):
        return "ids"
    return None


#: BP_REQ_INVENTORY_MOVE: reorder the inventory. Upstream revisions disagree: one client
#: sends two u16 words (positions), the server table and other clients use two 4-byte ids
#: (the item, and the item whose place it takes). Both are accepted, told apart by length.
ReqInventoryMove = RemainingLengthSwitch(
    _inventory_move_form,
    {
        "indices": Struct("from_index" / Int16sl, "to_index" / Int16sl),
        "ids": Struct("item" / ObjectRef, "place_of" / ObjectRef),
    },
)
define(
    GAME,
    C2S,
    BP.BP_REQ_INVENTORY_MOVE,
    ReqInventoryMove,
    note="sprocket.c client_def_table (since 2023-05); no reply",
)

#: BP_REQ_PUT: item (with amount for number items) into a container.
define(
    GAME,
    C2S,
    BP.BP_REQ_PUT,
    Struct("item" / ObjectRef, "container" / ObjectRef),
    note="sprocket.c client_def_table",
)

#: BP_REQ_APPLY: use an item on a target.
define(
    GAME,
    C2S,
    BP.BP_REQ_APPLY,
    Struct("item" / ObjectRef, "target" / ObjectRef),
    note="sprocket.c client_def_table",
)

#: BP_REQ_CAST: spell object and its targets.
define(
    GAME,
    C2S,
    BP.BP_REQ_CAST,
    Struct("spell" / ObjectRef, "targets" / ObjectRefList),
    note="sprocket.c client_def_table",
)

# An object and a list of items: trading, buying, vaults.
for _op, _field, _note in (
    (BP.BP_REQ_OFFER, "partner", "offer items to another player"),
    (BP.BP_REQ_BUY_ITEMS, "seller", "buy from an NPC"),
    (BP.BP_REQ_DEPOSIT, "keeper", "store items with a vault keeper"),
    (BP.BP_REQ_WITHDRAWAL_ITEMS, "keeper", "retrieve items from a vault keeper"),
):
    define(
        GAME,
        C2S,
        _op,
        Struct(_field / ObjectRef, "objects" / ObjectRefList),
        note=f"sprocket.c client_def_table; {_note}",
    )

#: BP_REQ_COUNTEROFFER: what the offered-to player puts on the table (may be empty).
define(
    GAME,
    C2S,
    BP.BP_REQ_COUNTEROFFER,
    Struct("objects" / ObjectRefList),
    note="sprocket.c client_def_table",
)

# One signed byte.
for _op, _field, _note in (
    (BP.BP_ACTION, "action", "emote or gesture"),
    (BP.BP_SEND_STATS, "group", "stat group 1..4; reply BP_STAT_GROUP"),
    (BP.BP_SEND_ENCHANTMENTS, "enchantment_type", "1 = player; reply BP_ADD_ENCHANTMENT per enchantment"),
):
    define(GAME, C2S, _op, Struct(_field / Int8sl), note=f"sprocket.c client_def_table; {_note}")

#: BP_SEND_MAIL: recipients and body.
define(
    GAME,
    C2S,
    BP.BP_SEND_MAIL,
    Struct("recipients" / ObjectRefList, "text" / String),
    note="sprocket.c client_def_table",
)

#: BP_DELETE_MAIL: index of the message (a 4-byte TAG_INT field).
define(GAME, C2S, BP.BP_DELETE_MAIL, Struct("index" / TaggedInt), note="sprocket.c client_def_table")

#: BP_REQ_ARTICLES: article list of one newsgroup.
define(
    GAME,
    C2S,
    BP.BP_REQ_ARTICLES,
    Struct("newsgroup" / Int16sl),
    note="sprocket.c client_def_table; reply BP_ARTICLES",
)

#: BP_REQ_ARTICLE: one article of a newsgroup.
define(
    GAME,
    C2S,
    BP.BP_REQ_ARTICLE,
    Struct("newsgroup" / Int16sl, "article" / TaggedInt),
    note="sprocket.c client_def_table; reply BP_ARTICLE",
)

#: BP_POST_ARTICLE: title and body posted to a newsgroup.
define(
    GAME,
    C2S,
    BP.BP_POST_ARTICLE,
    Struct("newsgroup" / Int16sl, "title" / String, "body" / String),
    note="sprocket.c client_def_table",
)

#: BP_REQ_LOOKUP_NAMES: a count and the names in one string; reply BP_LOOKUP_NAMES.
define(
    GAME,
    C2S,
    BP.BP_REQ_LOOKUP_NAMES,
    Struct("count" / Int16sl, "names" / String),
    note="sprocket.c client_def_table",
)

#: BP_CHANGE_DESCRIPTION: new description text of an object (the player's own).
define(
    GAME,
    C2S,
    BP.BP_CHANGE_DESCRIPTION,
    Struct("object" / ObjectRef, "text" / String),
    note="sprocket.c client_def_table",
)

#: BP_REQ_SHOOT: two shorts; parsed by the server, kod has no handler.
define(
    GAME,
    C2S,
    BP.BP_REQ_SHOOT,
    Struct("y" / Int16sl, "x" / Int16sl),
    note="sprocket.c client_def_table; no kod handler",
)

# ---------------------------------------------------------------------------------------
# BP_SYSTEM (sprocket.c system_def_table): character creation, sent to the system object
# ---------------------------------------------------------------------------------------

#: BP_NEW_CHARINFO: customise a still-unplayed character. Face parts are resource ids
#: (head, hair, eyes, nose, mouth); stats are six values; spells and skills are numbers.
NewCharInfo = Struct(
    "character" / ObjectRef,
    "name" / String,
    "description" / String,
    "gender" / Int8sl,  # 1 male, 2 female
    "face_parts" / IntList,
    "hair_translation" / Int8sl,
    "face_translation" / Int8sl,
    "stats" / IntList,
    "spells" / IntList,
    "skills" / IntList,
)

SystemRequest = Struct(
    "command" / Int8ul,
    "args"
    / Switch(
        this.command,
        {
            int(SystemCommand.BP_NEW_CHARINFO): NewCharInfo,
            int(SystemCommand.BP_SEND_CHARINFO): Struct(),
        },
        default=Error,
    ),
)
define(
    GAME,
    C2S,
    BP.BP_SYSTEM,
    SystemRequest,
    note="sprocket.c system_def_table; 49 -> BP_CHARINFO, 48 -> BP_CHARINFO_OK / BP_CHARINFO_NOT_OK",
)

# ---------------------------------------------------------------------------------------
# BP_USERCOMMAND (sprocket.c usercommand_def_table)
# ---------------------------------------------------------------------------------------

_NO_ARGS = Struct()
_ONE_OBJECT = Struct("object" / ObjectRef)
_GUILD = Struct("guild" / ObjectRef)

#: Argument layout per UC_* sub-command a client may send.
USER_COMMAND_ARGS: dict[int, Construct] = {
    UC.UC_CHANGE_URL: Struct("object" / ObjectRef, "url" / String),
    # Not in the server's table: s2c only. Declared so the bytes decode; blakserv logs
    # "invalid command 4" and sends nothing back.
    UC.UC_SPELL_SCHOOLS: _NO_ARGS,
    UC.UC_REST: _NO_ARGS,
    UC.UC_STAND: _NO_ARGS,
    UC.UC_SAFETY: Struct("on" / Int8sl),
    UC.UC_SUICIDE: _NO_ARGS,
    UC.UC_REQ_GUILDINFO: _NO_ARGS,
    UC.UC_INVITE: Struct("player" / ObjectRef),
    UC.UC_EXILE: Struct("player" / ObjectRef),
    UC.UC_RENOUNCE: _NO_ARGS,
    UC.UC_ABDICATE: Struct("player" / ObjectRef),
    UC.UC_VOTE: Struct("player" / ObjectRef),
    UC.UC_SET_RANK: Struct("player" / ObjectRef, "rank" / Int8sl),
    # Guild name, then ten rank titles (male and female for each of five ranks), then
    # the secret-guild flag.
    UC.UC_GUILD_CREATE: Struct("guild_name" / String, "rank_names" / Array(10, String), "secret" / Int8sl),
    UC.UC_DISBAND: _NO_ARGS,
    UC.UC_REQ_GUILD_LIST: _NO_ARGS,
    UC.UC_MAKE_ALLIANCE: _GUILD,
    UC.UC_END_ALLIANCE: _GUILD,
    UC.UC_MAKE_ENEMY: _GUILD,
    UC.UC_END_ENEMY: _GUILD,
    UC.UC_ABANDON_GUILD_HALL: _NO_ARGS,
    UC.UC_GUILD_RENT: Struct("hall" / ObjectRef, "password" / String),
    UC.UC_GUILD_SET_PASSWORD: Struct("password" / String),
    UC.UC_GUILD_SHIELD: _NO_ARGS,
    UC.UC_GUILD_SHIELDS: _NO_ARGS,
    UC.UC_CLAIM_SHIELD: Struct("color1" / Int8sl, "color2" / Int8sl, "pattern" / Int8sl, "claim" / Int8sl),
    UC.UC_DEPOSIT: Struct("amount" / TaggedInt),
    UC.UC_WITHDRAW: Struct("amount" / TaggedInt),
    UC.UC_BALANCE: _NO_ARGS,
    UC.UC_APPEAL: Struct("text" / String),
    UC.UC_REQ_RESCUE: _NO_ARGS,
    UC.UC_MINIGAME_STATE: Struct("game" / ObjectRef, "state" / String),
    UC.UC_MINIGAME_RESET_PLAYERS: Struct("game" / ObjectRef),
}

#: Sub-commands that decode but that the server refuses ("invalid command", no reply).
USER_COMMANDS_REFUSED = frozenset({int(UC.UC_SPELL_SCHOOLS)})

UserCommandRequest = Struct(
    "command" / Int8ul,
    "args" / Switch(this.command, {int(k): v for k, v in USER_COMMAND_ARGS.items()}, default=Error),
)
define(
    GAME,
    C2S,
    BP.BP_USERCOMMAND,
    UserCommandRequest,
    note="sprocket.c usercommand_def_table; UC_SPELL_SCHOOLS (4) decodes but the server refuses it",
)

# ---------------------------------------------------------------------------------------
# Opcodes with no client-to-server form
# ---------------------------------------------------------------------------------------

_NO_ENTRY = "no entry in blakserv's parse table (sprocket.c) nor in game.c"

_SPECIFIC_GAPS = {
    BP.BP_ROUNDTRIP2: (
        f"{_NO_ENTRY}; the stock client tries to answer BP_ROUNDTRIP1 with it, but the opcode is "
        "missing from its send table, so nothing is ever sent"
    ),
    BP.BP_NEW_CHARINFO: "only valid as a BP_SYSTEM sub-command; no entry in the main parse table",
    BP.BP_SEND_CHARINFO: "only valid as a BP_SYSTEM sub-command; no entry in the main parse table",
    BP.BP_REQ_GIVE: f"{_NO_ENTRY}; reserved number, no client sends it (giving is done by BP_REQ_OFFER)",
    BP.BP_REQ_TAKE: f"{_NO_ENTRY}; reserved number, no client sends it",
    BP.BP_REQ_ADMIN_QUEST: (
        f"{_NO_ENTRY}; only a number in proto.h: no client or module sends it, kod does not "
        "define it, and no layout exists (it carries nothing defined)"
    ),
}

for _op, _reason in _SPECIFIC_GAPS.items():
    gap(GAME, C2S, _op, _reason)

for _op in BP:
    if _op in _SPECIFIC_GAPS:
        continue
    if spec_for(GAME, C2S, int(_op)) is None and gap_for(GAME, C2S, int(_op)) is None:
        gap(GAME, C2S, _op, f"server-to-client only: {_NO_ENTRY}, and no client send table lists it")

del _op
