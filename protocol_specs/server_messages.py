"""Game-mode server-to-client messages (BP_* s2c), as ``construct`` schemas.

Every schema covers the payload after the opcode byte and describes exactly the bytes the
emulator emits. Authority for each layout is the client code that must accept the bytes:
``clientd3d/server.c`` (``game_handler_table`` and its ``Handle*``/``Extract*`` functions),
``clientd3d/effect.c`` (``PerformEffect``), and the modules ``module/char/char.c``,
``module/merintr/merintr.c``, ``module/mailnews/mailnews.c``, ``module/admin/admin.c`` and
``module/chess/chess.c``. Where a handler is lenient (ignores surplus bytes) the schema is
still exact.

Messages that carry a format-string block use :data:`FormattedText`; parsing or building
them needs the resource table in the context: ``schema.parse(data, resources=table)``.

Every BP opcode is either defined here for S2C or recorded as a gap with the reason; BP
opcodes that only travel client to server are gapped as such. BP_USERCOMMAND sub-commands
the server never sends are listed in :data:`USERCOMMAND_GAPS`.
"""

from __future__ import annotations

from construct import (
    Array,
    Container,
    Error,
    If,
    Int8ul,
    Int16sl,
    Int16ul,
    Int32sl,
    Int32ul,
    PrefixedArray,
    Struct,
    Switch,
    this,
)

from protocol_specs.common import (
    MOTION_FIELDS,
    OBJECT_FIELDS,
    Animation,
    IntList,
    Lighting,
    Object,
    ObjectWithoutLight,
    RoomObject,
    String,
    Translation,
)
from protocol_specs.format_string import FormattedText
from protocol_specs.opcodes import BP, UC
from protocol_specs.registry import GAME, S2C, define, gap

# ---------------------------------------------------------------------------------------
# Blocks used only by server messages
# ---------------------------------------------------------------------------------------

#: u16 count, then that many OBJECT blocks (``ExtractObjectList``).
ObjectList = PrefixedArray(Int16ul, Object)

#: u16 count, then that many u32 ids.
IdList = IntList

#: One entry of the players list (``HandlePlayers``/``HandleAddPlayer``): the client stores
#: ``name`` as the text of resource ``name_res``.
PlayerEntry = Struct(
    "id" / Int32ul,
    "name_res" / Int32ul,
    "name" / String,
    "flags" / Int32ul,
)

#: Background overlay (``ExtractNewBackgroundOverlay``): sun, moon. ``angle`` is the
#: compass position (0..4095); ``height`` is signed as the kod sends it (below the horizon
#: is negative; the client stores the raw word, the bytes are the same).
BackgroundOverlay = Struct(
    "id" / Int32ul,
    "icon" / Int32ul,
    "name" / Int32ul,
    "translation" / Translation,
    "animation" / Animation,
    "angle" / Int16ul,
    "height" / Int16sl,
)

#: A shop or vault entry (``HandleBuyList``/``HandleWithdrawalList``): object then price.
PricedObject = Struct(
    "object" / Object,
    "price" / Int32ul,
)

#: Seller/vault keeper followed by its priced items.
PriceList = Struct(
    "seller" / Object,
    "offers" / PrefixedArray(Int16ul, PricedObject),
)

#: A spell (merintr ``ExtractNewSpell``): OBJECT, target count, school (1-based).
Spell = Struct(
    *OBJECT_FIELDS,
    "targets" / Int8ul,
    "school" / Int8ul,
)

STATS_NUMERIC = 1
STATS_LIST = 2
STAT_INT = 1
STAT_RESOURCE = 2

#: One statistic (merintr ``ExtractStatistic``). Numeric stats carry a tag: integers come
#: with their range, resources with the resource id only. List stats (spells, skills)
#: carry an object id, a value (ability percent) and an icon. Other type or tag bytes are
#: refused.
Stat = Struct(
    "slot" / Int8ul,
    "name" / Int32ul,
    "type" / Int8ul,
    "data"
    / Switch(
        this.type,
        {
            STATS_NUMERIC: Struct(
                "tag" / Int8ul,
                "value"
                / Switch(
                    this.tag,
                    {
                        STAT_INT: Struct(
                            "value" / Int32sl,
                            "min" / Int32sl,
                            "max" / Int32sl,
                            "current_max" / Int32sl,
                        ),
                        STAT_RESOURCE: Struct("resource" / Int32ul),
                    },
                    default=Error,
                ),
            ),
            STATS_LIST: Struct(
                "id" / Int32ul,
                "value" / Int32sl,
                "icon" / Int32ul,
            ),
        },
        default=Error,
    ),
)

# ---------------------------------------------------------------------------------------
# Session and module control (clientd3d/server.c unless stated)
# ---------------------------------------------------------------------------------------

# HandleEchoPing: reply to BP_PING. Either empty, or the new opcode-obfuscation key:
# the wire byte is the secure token XOR 0xED, then the redbook resource id.
def _echo_has_key(ctx: Container) -> bool:
    """Parsing: bytes remain after the opcode. Building: a key was given."""
    if ctx.get("_parsing"):
        stream = ctx._io
        position = stream.tell()
        more = stream.read(1)
        stream.seek(position)
        return len(more) > 0
    return ctx.get("security") is not None


define(
    GAME,
    S2C,
    BP.BP_ECHO_PING,
    Struct("security" / If(_echo_has_key, Struct("token" / Int8ul, "redbook" / Int32ul))),
    note="HandleEchoPing; 0 or 5 bytes; token byte is the key XOR 0xED",
)
# HandleGameResync: client enters beacon resynchronisation.
define(GAME, S2C, BP.BP_RESYNC, None, note="HandleGameResync")
# HandleRoundtrip: u32 the client echoes back (BP_ROUNDTRIP2).
define(GAME, S2C, BP.BP_ROUNDTRIP1, Struct("data" / Int32ul), note="HandleRoundtrip")
# HandleWait / HandleUnwait: server busy (saving or garbage collecting), and done.
define(GAME, S2C, BP.BP_WAIT, None, note="HandleWait")
define(GAME, S2C, BP.BP_UNWAIT, None, note="HandleUnwait")
# HandleChangeResource: create or replace a (dynamic) resource string in the client table.
define(
    GAME,
    S2C,
    BP.BP_CHANGE_RESOURCE,
    Struct("resource" / Int32ul, "text" / String),
    note="HandleChangeResource; text <= 256 bytes (MAXNAME)",
)
# HandleLoadModule / HandleUnloadModule: u32 resource whose text is a DLL name.
define(GAME, S2C, BP.BP_LOAD_MODULE, Struct("module" / Int32ul), note="HandleLoadModule")
define(GAME, S2C, BP.BP_UNLOAD_MODULE, Struct("module" / Int32ul), note="HandleUnloadModule")
# HandleQuit: client returns to the login state.
define(GAME, S2C, BP.BP_QUIT, None, note="HandleQuit")
# HandleInvalidateData: client drops room/inventory and asks for them again.
define(GAME, S2C, BP.BP_INVALIDATE_DATA, None, note="HandleInvalidateData")
# HandlePasswordOk / HandlePasswordNotOk: reply to BP_CHANGE_PASSWORD.
define(GAME, S2C, BP.BP_PASSWORD_OK, None, note="HandlePasswordOk")
define(GAME, S2C, BP.BP_PASSWORD_NOT_OK, None, note="HandlePasswordNotOk")
# admin.c / dm.c HandleAdmin: admin console output text.
define(GAME, S2C, BP.BP_ADMIN, Struct("text" / String), note="admin/dm module HandleAdmin")

# ---------------------------------------------------------------------------------------
# Character selection (module/char/char.c)
# ---------------------------------------------------------------------------------------

# HandleCharacters: the account's characters, then the message of the day and the ads.
define(
    GAME,
    S2C,
    BP.BP_CHARACTERS,
    Struct(
        "characters"
        / PrefixedArray(
            Int16ul,
            Struct("id" / Int32ul, "name" / String, "flags" / Int8ul),
        ),
        "motd" / String,
        "ads" / PrefixedArray(Int8ul, Struct("image" / String, "url" / String)),
    ),
    note="char.c HandleCharacters; flags 1 = never played; at most 2 ads",
)

_FaceParts = Struct(
    "hair" / PrefixedArray(Int32ul, Int32ul),
    "head" / Int32ul,
    "eyes" / PrefixedArray(Int32ul, Int32ul),
    "noses" / PrefixedArray(Int32ul, Int32ul),
    "mouths" / PrefixedArray(Int32ul, Int32ul),
)

# HandleCharInfo: choices for the character-creation wizard.
define(
    GAME,
    S2C,
    BP.BP_CHARINFO,
    Struct(
        "hair_translations" / PrefixedArray(Int8ul, Int8ul),
        "face_translations" / PrefixedArray(Int8ul, Int8ul),
        "faces" / Array(2, _FaceParts),  # male, then female
        "spells"
        / PrefixedArray(
            Int32ul,
            Struct(
                "number" / Int32ul,
                "name" / Int32ul,
                "description" / Int32ul,
                "cost" / Int32ul,
                "school" / Int8ul,
            ),
        ),
        "skills"
        / PrefixedArray(
            Int32ul,
            Struct(
                "number" / Int32ul,
                "name" / Int32ul,
                "description" / Int32ul,
                "cost" / Int32ul,
            ),
        ),
    ),
    note="char.c HandleCharInfo",
)
# HandleCharInfoOk / HandleCharInfoNotOk: verdict on BP_NEW_CHARINFO.
define(GAME, S2C, BP.BP_CHARINFO_OK, Struct("character" / Int32ul), note="char.c HandleCharInfoOk")
define(GAME, S2C, BP.BP_CHARINFO_NOT_OK, None, note="char.c HandleCharInfoNotOk")

# ---------------------------------------------------------------------------------------
# Player, room and objects
# ---------------------------------------------------------------------------------------

# HandlePlayer: who the player is and which room to load.
define(
    GAME,
    S2C,
    BP.BP_PLAYER,
    Struct(
        "id" / Int32ul,
        "icon" / Int32ul,
        "name" / Int32ul,
        "room_id" / Int32ul,
        "room_file" / Int32ul,
        "room_name" / Int32ul,
        "room_security" / Int32ul,
        "ambient_light" / Int8ul,
        "player_light" / Int8ul,
        "background" / Int32ul,
        "wading_sound" / Int32ul,
        "room_flags" / Int32ul,
        "depth1" / Int32ul,
        "depth2" / Int32ul,
        "depth3" / Int32ul,
    ),
    note="HandlePlayer",
)
# HandleRoomContents: every object in the room, the player's own included.
define(
    GAME,
    S2C,
    BP.BP_ROOM_CONTENTS,
    Struct("room_id" / Int32ul, "objects" / PrefixedArray(Int16ul, RoomObject)),
    note="HandleRoomContents",
)
# HandleObjectContents: contents of a container.
define(
    GAME,
    S2C,
    BP.BP_OBJECT_CONTENTS,
    Struct("container" / Int32ul, "objects" / ObjectList),
    note="HandleObjectContents",
)
# HandleCreate: an object entered the room.
define(GAME, S2C, BP.BP_CREATE, RoomObject, note="HandleCreate")
# HandleRemove: an object left the room.
define(GAME, S2C, BP.BP_REMOVE, Struct("id" / Int32ul), note="HandleRemove")
# HandleChange: new appearance of an object, then its motion appearance.
define(GAME, S2C, BP.BP_CHANGE, Struct(*OBJECT_FIELDS, *MOTION_FIELDS), note="HandleChange")
# HandleMove: another object moved; speed bit 7 = turn to face the direction of travel.
define(
    GAME,
    S2C,
    BP.BP_MOVE,
    Struct("id" / Int32ul, "y" / Int16ul, "x" / Int16ul, "speed" / Int8ul),
    note="HandleMove",
)
# HandleTurn: another object turned.
define(GAME, S2C, BP.BP_TURN, Struct("id" / Int32ul, "angle" / Int16ul), note="HandleTurn")
# HandleLightAmbient / HandleLightPlayer: room and player light levels.
define(GAME, S2C, BP.BP_LIGHT_AMBIENT, Struct("light" / Int8ul), note="HandleLightAmbient")
define(GAME, S2C, BP.BP_LIGHT_PLAYER, Struct("light" / Int8ul), note="HandleLightPlayer")
# HandleLightShading: directional (sun) light.
define(
    GAME,
    S2C,
    BP.BP_LIGHT_SHADING,
    Struct("intensity" / Int8ul, "sun_x" / Int16ul, "sun_y" / Int16ul),
    note="HandleLightShading (lenient)",
)
# HandleBackground: sky bitmap.
define(GAME, S2C, BP.BP_BACKGROUND, Struct("background" / Int32ul), note="HandleBackground")
# HandleAddBackgroundOverlay / HandleChangeBackgroundOverlay / HandleRemoveBackgroundOverlay.
define(GAME, S2C, BP.BP_ADD_BG_OVERLAY, BackgroundOverlay, note="HandleAddBackgroundOverlay")
define(GAME, S2C, BP.BP_CHANGE_BG_OVERLAY, BackgroundOverlay, note="HandleChangeBackgroundOverlay")
define(GAME, S2C, BP.BP_REMOVE_BG_OVERLAY, Struct("id" / Int32ul), note="HandleRemoveBackgroundOverlay")
# HandlePlayerOverlay: first-person overlay (weapon in hand) at a screen hotspot 1..9.
define(
    GAME,
    S2C,
    BP.BP_PLAYER_OVERLAY,
    Struct("hotspot" / Int8ul, "object" / ObjectWithoutLight),
    note="HandlePlayerOverlay; object has no lighting block",
)
# HandleSetView / HandleResetView: remote view through another object, and back.
define(
    GAME,
    S2C,
    BP.BP_SET_VIEW,
    Struct("id" / Int32ul, "flags" / Int32ul, "height" / Int32sl, "light" / Int8ul),
    note="HandleSetView",
)
define(GAME, S2C, BP.BP_RESET_VIEW, None, note="HandleResetView (any length accepted)")
# Room geometry changes.
define(
    GAME,
    S2C,
    BP.BP_SECTOR_MOVE,
    Struct("type" / Int8ul, "sector" / Int16ul, "height" / Int16ul, "speed" / Int8ul),
    note="HandleSectorMove (lenient)",
)
define(
    GAME,
    S2C,
    BP.BP_WALL_ANIMATE,
    Struct("wall" / Int16ul, "animation" / Animation, "action" / Int8ul),
    note="HandleWallAnimate (lenient)",
)
define(
    GAME,
    S2C,
    BP.BP_SECTOR_ANIMATE,
    Struct("sector" / Int16ul, "animation" / Animation, "action" / Int8ul),
    note="HandleSectorAnimate (lenient)",
)
define(
    GAME,
    S2C,
    BP.BP_CHANGE_TEXTURE,
    Struct("id" / Int16ul, "texture" / Int16ul, "flags" / Int8ul),
    note="HandleChangeTexture",
)
define(
    GAME,
    S2C,
    BP.BP_SECTOR_LIGHT,
    Struct("sector" / Int16ul, "type" / Int8ul),
    note="HandleSectorLight",
)
# HandleShoot: a projectile flies from source to target.
define(
    GAME,
    S2C,
    BP.BP_SHOOT,
    Struct(
        "icon" / Int32ul,
        "translation" / Translation,
        "animation" / Animation,
        "source" / Int32ul,
        "target" / Int32ul,
        "speed" / Int8ul,
        "flags" / Int16ul,
        "lighting" / Lighting,
    ),
    note="HandleShoot",
)

# effect.c PerformEffect: u16 effect code, then what that code needs.
EFFECT_INVERT = 1
EFFECT_SHAKE = 2
EFFECT_PARALYZE = 3
EFFECT_RELEASE = 4
EFFECT_BLIND = 5
EFFECT_SEE = 6
EFFECT_PAIN = 7
EFFECT_BLUR = 8
EFFECT_RAINING = 9
EFFECT_SNOWING = 10
EFFECT_CLEARWEATHER = 11
EFFECT_SAND = 12
EFFECT_CLEARSAND = 13
EFFECT_WAVER = 14
EFFECT_FLASHXLAT = 15
EFFECT_WHITEOUT = 16
EFFECT_XLATOVERRIDE = 17

_Duration = Struct("duration" / Int32sl)
_Nothing = Struct()
define(
    GAME,
    S2C,
    BP.BP_EFFECT,
    Struct(
        "effect" / Int16ul,
        "args"
        / Switch(
            this.effect,
            {
                EFFECT_INVERT: _Duration,
                EFFECT_SHAKE: _Duration,
                EFFECT_PAIN: _Duration,
                EFFECT_BLUR: _Duration,
                EFFECT_WAVER: _Duration,
                EFFECT_WHITEOUT: _Duration,
                EFFECT_FLASHXLAT: Struct("duration" / Int32sl, "xlat" / Int32sl),
                EFFECT_XLATOVERRIDE: Struct("xlat" / Int32sl),
                EFFECT_PARALYZE: _Nothing,
                EFFECT_RELEASE: _Nothing,
                EFFECT_BLIND: _Nothing,
                EFFECT_SEE: _Nothing,
                EFFECT_RAINING: _Nothing,
                EFFECT_SNOWING: _Nothing,
                EFFECT_CLEARWEATHER: _Nothing,
                EFFECT_SAND: _Nothing,
                EFFECT_CLEARSAND: _Nothing,
            },
            default=Error,
        ),
    ),
    note="effect.c PerformEffect; durations in ms",
)

# ---------------------------------------------------------------------------------------
# Players list
# ---------------------------------------------------------------------------------------

define(GAME, S2C, BP.BP_PLAYERS, Struct("players" / PrefixedArray(Int16ul, PlayerEntry)), note="HandlePlayers")
define(GAME, S2C, BP.BP_PLAYER_ADD, PlayerEntry, note="HandleAddPlayer")
define(GAME, S2C, BP.BP_PLAYER_REMOVE, Struct("id" / Int32ul), note="HandleRemovePlayer")

# ---------------------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------------------

# HandleStringMessage / HandleSysMessage: a format string shown in the chat area.
define(GAME, S2C, BP.BP_MESSAGE, FormattedText, note="HandleStringMessage (lenient); FMT")
define(GAME, S2C, BP.BP_SYS_MESSAGE, FormattedText, note="HandleSysMessage (lenient); FMT")
# HandleSaid: someone said something.
define(
    GAME,
    S2C,
    BP.BP_SAID,
    Struct(
        "sender" / Int32ul,
        "sender_name" / Int32ul,
        "say_type" / Int8ul,
        "text" / FormattedText,
    ),
    note="HandleSaid (lenient); FMT",
)

DF_EDITABLE = 0x01
DF_INSCRIBED = 0x02

# HandleLook: an object's look appearance and description; the inscription follows only
# when the flags mark it editable or inscribed.
define(
    GAME,
    S2C,
    BP.BP_LOOK,
    Struct(
        "object" / Object,
        "flags" / Int8ul,
        "description" / FormattedText,
        "inscription" / If(this.flags & (DF_EDITABLE | DF_INSCRIBED), FormattedText),
    ),
    note="HandleLook (lenient); FMT, second FMT if flags & 3",
)

# ---------------------------------------------------------------------------------------
# Mail and news (module/mailnews/mailnews.c)
# ---------------------------------------------------------------------------------------

# HandleMail: one mail message. With no recipients it is the "no more mail" marker and
# the client reads nothing after the count.
define(
    GAME,
    S2C,
    BP.BP_MAIL,
    Struct(
        "index" / Int32ul,
        "sender" / String,
        "time" / Int32ul,
        "recipients" / PrefixedArray(Int16ul, String),
        "body" / If(lambda ctx: len(ctx.recipients) > 0, FormattedText),
    ),
    note="mailnews.c HandleMail; <= 20 recipients; FMT body only if recipients",
)
# HandleArticles: one part of a newsgroup's article list.
define(
    GAME,
    S2C,
    BP.BP_ARTICLES,
    Struct(
        "newsgroup" / Int16ul,
        "part" / Int8ul,
        "parts" / Int8ul,
        "articles"
        / PrefixedArray(
            Int16ul,
            Struct("number" / Int32ul, "time" / Int32ul, "poster" / String, "title" / String),
        ),
    ),
    note="mailnews.c HandleArticles",
)
# HandleArticle: one article's text.
define(GAME, S2C, BP.BP_ARTICLE, Struct("text" / String), note="mailnews.c HandleArticle")
# HandleLookNewsgroup: a news board's look.
define(
    GAME,
    S2C,
    BP.BP_LOOK_NEWSGROUP,
    Struct(
        "newsgroup" / Int16ul,
        "permission" / Int8ul,
        "object" / Object,
        "description" / FormattedText,
    ),
    note="mailnews.c HandleLookNewsgroup; FMT",
)
# HandleLookupNames: object ids for the names in BP_REQ_LOOKUP_NAMES.
define(GAME, S2C, BP.BP_LOOKUP_NAMES, Struct("ids" / IdList), note="mailnews.c HandleLookupNames; <= 20 ids")

# ---------------------------------------------------------------------------------------
# Inventory, use, trade, shops
# ---------------------------------------------------------------------------------------

define(GAME, S2C, BP.BP_INVENTORY, Struct("objects" / ObjectList), note="HandleInventory")
define(GAME, S2C, BP.BP_INVENTORY_ADD, Object, note="HandleInventoryAdd")
define(GAME, S2C, BP.BP_INVENTORY_REMOVE, Struct("id" / Int32ul), note="HandleInventoryRemove")
define(GAME, S2C, BP.BP_USE_LIST, Struct("ids" / IdList), note="HandleUseList")
define(GAME, S2C, BP.BP_USE, Struct("id" / Int32ul), note="HandleUse")
define(GAME, S2C, BP.BP_UNUSE, Struct("id" / Int32ul), note="HandleUnuse")
define(
    GAME,
    S2C,
    BP.BP_OFFER,
    Struct("offerer" / Object, "objects" / ObjectList),
    note="HandleOffer",
)
define(GAME, S2C, BP.BP_OFFER_CANCELED, None, note="HandleOfferCanceled")
define(GAME, S2C, BP.BP_OFFERED, Struct("objects" / ObjectList), note="HandleOffered")
define(GAME, S2C, BP.BP_COUNTEROFFER, Struct("objects" / ObjectList), note="HandleCounteroffer")
define(GAME, S2C, BP.BP_COUNTEROFFERED, Struct("objects" / ObjectList), note="HandleCounteroffered")
define(GAME, S2C, BP.BP_BUY_LIST, PriceList, note="HandleBuyList (lenient: length check disabled)")
define(GAME, S2C, BP.BP_WITHDRAWAL_LIST, PriceList, note="HandleWithdrawalList; price = retrieval fee")

# ---------------------------------------------------------------------------------------
# Stats, spells, skills, enchantments (module/merintr/merintr.c)
# ---------------------------------------------------------------------------------------

define(GAME, S2C, BP.BP_STAT, Struct("group" / Int8ul, "stat" / Stat), note="merintr.c HandleStat")
define(
    GAME,
    S2C,
    BP.BP_STAT_GROUP,
    Struct("group" / Int8ul, "stats" / PrefixedArray(Int8ul, Stat)),
    note="merintr.c HandleStatGroup",
)
define(
    GAME,
    S2C,
    BP.BP_STAT_GROUPS,
    Struct("names" / PrefixedArray(Int8ul, Int32ul)),
    note="merintr.c HandleStatGroups",
)
define(GAME, S2C, BP.BP_SPELLS, Struct("spells" / PrefixedArray(Int16ul, Spell)), note="merintr.c HandleSpells")
define(GAME, S2C, BP.BP_SPELL_ADD, Spell, note="merintr.c HandleAddSpell")
define(GAME, S2C, BP.BP_SPELL_REMOVE, Struct("id" / Int32ul), note="merintr.c HandleRemoveSpell")
define(GAME, S2C, BP.BP_SKILLS, Struct("skills" / ObjectList), note="merintr.c HandleSkills")
define(GAME, S2C, BP.BP_SKILL_ADD, Object, note="merintr.c HandleAddSkill")
define(GAME, S2C, BP.BP_SKILL_REMOVE, Struct("id" / Int32ul), note="merintr.c HandleRemoveSkill")
define(
    GAME,
    S2C,
    BP.BP_ADD_ENCHANTMENT,
    Struct("type" / Int8ul, "object" / Object),
    note="merintr.c HandleAddEnchantment; type 1 player, 2 room",
)
define(
    GAME,
    S2C,
    BP.BP_REMOVE_ENCHANTMENT,
    Struct("type" / Int8ul, "id" / Int32ul),
    note="merintr.c HandleRemoveEnchantment",
)

# ---------------------------------------------------------------------------------------
# Sound
# ---------------------------------------------------------------------------------------

define(
    GAME,
    S2C,
    BP.BP_PLAY_WAVE,
    Struct(
        "wave" / Int32ul,
        "source" / Int32ul,
        "flags" / Int8ul,
        "row" / Int32sl,
        "col" / Int32sl,
        "radius" / Int32sl,
        "max_volume" / Int32sl,
    ),
    note="HandlePlayWave; source 0 = the player",
)
define(GAME, S2C, BP.BP_PLAY_MUSIC, Struct("music" / Int32ul), note="HandlePlayMusic; 0 = stop")
define(GAME, S2C, BP.BP_PLAY_MIDI, Struct("music" / Int32ul), note="HandlePlayMidi (legacy)")

# ---------------------------------------------------------------------------------------
# BP_USERCOMMAND s2c (merintr.c HandleUserCommand + user_handler_table; chess.c)
# ---------------------------------------------------------------------------------------

NUM_GUILD_RANKS = 5

UserCommandArgs = {
    # HandleSendQuit: client answers with BP_REQ_QUIT.
    UC.UC_SEND_QUIT: Struct(),
    # HandleLookPlayer: a player's look: object, can-edit flag, description, extra info, URL.
    UC.UC_LOOK_PLAYER: Struct(
        "object" / Object,
        "flags" / Int8ul,
        "description" / FormattedText,
        "extra" / String,
        "url" / String,
    ),
    # HandleSpellSchools: school names; a spell's school byte indexes this list (1-based).
    UC.UC_SPELL_SCHOOLS: Struct("schools" / PrefixedArray(Int8ul, Int32ul)),
    # HandleGuildInfo: the player's guild, ranks and members.
    UC.UC_GUILDINFO: Struct(
        "name" / String,
        "has_password" / Int8ul,
        "password" / If(this.has_password != 0, String),
        "flags" / Int32ul,
        "guild_id" / Int32ul,
        "ranks" / Array(NUM_GUILD_RANKS, Struct("male" / String, "female" / String)),
        "current_vote" / Int32ul,
        "members"
        / PrefixedArray(
            Int16ul,
            Struct("id" / Int32ul, "name" / String, "rank" / Int8ul, "gender" / Int8ul),
        ),
    ),
    # HandleGuildAsk: costs offered when founding a guild.
    UC.UC_GUILD_ASK: Struct("cost1" / Int32sl, "cost2" / Int32sl),
    # HandleGuildList: all guilds, then four id lists (allies/enemies relations).
    UC.UC_GUILD_LIST: Struct(
        "guilds" / PrefixedArray(Int16ul, Struct("id" / Int32ul, "name" / String)),
        "relations" / Array(4, IdList),
    ),
    # HandleGuildHalls: halls for rent.
    UC.UC_GUILD_HALLS: Struct(
        "halls"
        / PrefixedArray(
            Int16ul,
            Struct("id" / Int32ul, "name" / Int32ul, "cost" / Int32sl, "rent" / Int32sl),
        )
    ),
    # HandleGuildShield: one guild's shield.
    UC.UC_GUILD_SHIELD: Struct(
        "id" / Int32ul,
        "name" / String,
        "color1" / Int8ul,
        "color2" / Int8ul,
        "pattern" / Int8ul,
    ),
    # HandleGuildShields: shield icon resources.
    UC.UC_GUILD_SHIELDS: Struct("icons" / IdList),
    # chess.c HandleGameStart: game object and our player number (1 white, 2 black, else observer).
    UC.UC_MINIGAME_START: Struct("game" / Int32ul, "player" / Int8ul),
    # chess.c HandleGameState: board state string for a game.
    UC.UC_MINIGAME_MOVE: Struct("game" / Int32ul, "state" / String),
    # chess.c HandleGamePlayer: a player's name for a seat.
    UC.UC_MINIGAME_PLAYER: Struct("player" / Int8ul, "name" / String),
}

define(
    GAME,
    S2C,
    BP.BP_USERCOMMAND,
    Struct(
        "command" / Int8ul,
        "args" / Switch(this.command, {int(k): v for k, v in UserCommandArgs.items()}, default=Error),
    ),
    note="merintr.c HandleUserCommand and chess.c HandleUserCommand",
)

#: UC sub-commands with no s2c layout (the client has no s2c handler for them).
USERCOMMAND_GAPS: dict[UC, str] = {
    uc: "client-to-server only: no s2c handler in merintr.c or chess.c"
    for uc in UC
    if uc not in UserCommandArgs
}

# ---------------------------------------------------------------------------------------
# Gaps: opcodes the server never sends
# ---------------------------------------------------------------------------------------

_NO_CLIENT_HANDLER = {
    BP.BP_XLAT_OVERRIDE: "no client handler (not in server.c game_handler_table nor any module); the client would drop it",
    BP.BP_WALL_SCROLL: "no client handler (not in server.c game_handler_table nor any module); the client would drop it",
    BP.BP_SECTOR_SCROLL: "no client handler (not in server.c game_handler_table nor any module); the client would drop it",
}
for _op, _reason in _NO_CLIENT_HANDLER.items():
    gap(GAME, S2C, _op, _reason)

#: BP opcodes that only travel client to server (requests parsed by blakserv/sprocket.c,
#: game.c or sent by client tables); the client has no handler for them.
C2S_ONLY = (
    BP.BP_PING,
    BP.BP_ROUNDTRIP2,
    BP.BP_SYSTEM,
    BP.BP_LOGOFF,
    BP.BP_CHANGE_PASSWORD,
    BP.BP_AD_SELECTED,
    BP.BP_SEND_PLAYER,
    BP.BP_SEND_STATS,
    BP.BP_SEND_ROOM_CONTENTS,
    BP.BP_SEND_OBJECT_CONTENTS,
    BP.BP_SEND_PLAYERS,
    BP.BP_SEND_CHARACTERS,
    BP.BP_USE_CHARACTER,
    BP.BP_DELETE_CHARACTER,
    BP.BP_NEW_CHARINFO,
    BP.BP_SEND_CHARINFO,
    BP.BP_SEND_SPELLS,
    BP.BP_SEND_SKILLS,
    BP.BP_SEND_STAT_GROUPS,
    BP.BP_SEND_ENCHANTMENTS,
    BP.BP_REQ_QUIT,
    BP.BP_SAY_BLOCKED,
    BP.BP_REQ_ADMIN,
    BP.BP_REQ_DM,
    BP.BP_REQ_ADMIN_QUEST,
    BP.BP_REQ_GET_MAIL,
    BP.BP_SEND_MAIL,
    BP.BP_DELETE_MAIL,
    BP.BP_REQ_ARTICLES,
    BP.BP_REQ_ARTICLE,
    BP.BP_POST_ARTICLE,
    BP.BP_REQ_LOOKUP_NAMES,
    BP.BP_ACTION,
    BP.BP_REQ_MOVE,
    BP.BP_REQ_TURN,
    BP.BP_REQ_GO,
    BP.BP_REQ_ATTACK,
    BP.BP_REQ_SHOOT,
    BP.BP_REQ_CAST,
    BP.BP_REQ_USE,
    BP.BP_REQ_UNUSE,
    BP.BP_REQ_APPLY,
    BP.BP_REQ_ACTIVATE,
    BP.BP_SAY_TO,
    BP.BP_SAY_GROUP,
    BP.BP_REQ_PUT,
    BP.BP_REQ_GET,
    BP.BP_REQ_GIVE,
    BP.BP_REQ_TAKE,
    BP.BP_REQ_LOOK,
    BP.BP_REQ_INVENTORY,
    BP.BP_REQ_DROP,
    BP.BP_REQ_HIDE,
    BP.BP_REQ_OFFER,
    BP.BP_ACCEPT_OFFER,
    BP.BP_CANCEL_OFFER,
    BP.BP_REQ_COUNTEROFFER,
    BP.BP_REQ_BUY,
    BP.BP_REQ_BUY_ITEMS,
    BP.BP_CHANGE_DESCRIPTION,
    BP.BP_REQ_INVENTORY_MOVE,
    BP.BP_REQ_DEPOSIT,
    BP.BP_REQ_WITHDRAWAL,
    BP.BP_REQ_WITHDRAWAL_ITEMS,
    BP.BP_REQ_GET_FROM_CONTAINER,
)
for _op in C2S_ONLY:
    gap(GAME, S2C, _op, "opcode is client-to-server only; the client has no handler for it")

del _op, _reason

__all__ = [
    "BackgroundOverlay",
    "C2S_ONLY",
    "IdList",
    "ObjectList",
    "PlayerEntry",
    "PriceList",
    "PricedObject",
    "Spell",
    "Stat",
    "USERCOMMAND_GAPS",
    "UserCommandArgs",
]
