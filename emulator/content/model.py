"""The validated shape of world content, as the simulator consumes it.

Positions are in the protocol's fine units: ``row * 64 + fine`` with 1-based rows and
columns and ``fine`` in 0..63, so the centre of square (row, col) is
``(row * 64 + 32, col * 64 + 32)``. Angles are 0..4095 (4096 = 360 degrees).
Texts (names, descriptions, file names) are plain strings here; the server gives them
resource ids when it loads them.
"""

from __future__ import annotations

from enum import Enum
from typing import TypeVar

import attrs

FINENESS = 64


def square_centre(row: int, col: int) -> tuple[int, int]:
    """Fine (y, x) of the centre of a 1-based square."""
    return row * FINENESS + FINENESS // 2, col * FINENESS + FINENESS // 2


def square_of(y: int, x: int) -> tuple[int, int]:
    """1-based (row, col) of a fine position."""
    return y // FINENESS, x // FINENESS


class Edge(Enum):
    """A side of a room's grid; walking past it can lead to another room."""

    NORTH = "north"  # row 0
    SOUTH = "south"  # row rows + 1
    WEST = "west"  # col 0
    EAST = "east"  # col cols + 1


@attrs.frozen
class Placement:
    """Where something stands: room key, square, facing."""

    room: str
    row: int
    col: int
    angle: int = 0


#: Which text fields of a definition carry the original game's resource id, e.g.
#: ``{"name": 22251}``: the server sends that id instead of one of its own.
ResourceIds = tuple[tuple[str, int], ...]


@attrs.frozen
class Exit:
    """A way out of a room.

    ``square`` exits are used with BP_REQ_GO while standing on (row, col); ``edge`` exits
    when a move request steps past that side of the grid.
    """

    target: Placement
    row: int | None = None
    col: int | None = None
    edge: Edge | None = None
    turn: int | None = None  # keep facing, turned by this many angle units (None: face target.angle)
    # Edge exits only: used when the player's square before leaving passes this test,
    # e.g. ("row_below", 24); several exits may share a side this way (None: the default).
    when: tuple[str, int] | None = None
    # Square exits only: taken as soon as a player steps on the square (the original's
    # portals), not on BP_REQ_GO as a door is.
    on_step: bool = False

    def applies(self, row: int, col: int) -> bool:
        """Whether an edge exit is for a player leaving from square (row, col)."""
        if self.when is None:
            return True
        test, value = self.when
        position = row if test.startswith("row") else col
        return position > value if test.endswith("above") else position < value


@attrs.frozen
class LockedDoor:
    """A door square that leads nowhere: using it shows ``message`` (the original's
    ROOM_LOCKED_DOOR exits; "" for the standard one)."""

    row: int
    col: int
    message: str = ""
    resource_ids: ResourceIds = ()


@attrs.frozen
class MonsterChance:
    """One line of a room's monster table: a kind and its share of the spawns, in percent."""

    kind: str
    percent: int


@attrs.frozen
class SpawnRules:
    """How a room with a monster table fills up (the original's MonsterRoom figures)."""

    limit: int | None = None  # most monsters at once
    initial_min: int | None = None
    initial_max: int | None = None
    interval_ms: int | None = None  # time between spawn attempts
    percent: int | None = None  # chance of a spawn per attempt


@attrs.frozen
class RoomDefinition:
    key: str
    name: str
    roo_file: str  # the stock client's room file, e.g. "jasinn.roo"
    rows: int
    cols: int
    background: str = ""  # sky .bgf, "" for none
    ambient_light: int = 128  # 0..255
    player_light: int = 48
    music: str = ""  # .mid, "" for silence
    security: int | None = None  # .roo header value when the file itself is not available
    exits: tuple[Exit, ...] = ()
    spawns: tuple[Placement, ...] = ()
    source: str = ""  # "file:line" for messages to the operator
    flags: tuple[str, ...] = ()  # "no_combat", "sanctuary", "safelogoff", ...
    locked_doors: tuple[LockedDoor, ...] = ()
    monsters: tuple[MonsterChance, ...] = ()
    monster_spawns: tuple[Placement, ...] = ()  # squares where monsters appear
    spawn_rules: SpawnRules = SpawnRules()
    resource_ids: ResourceIds = ()
    #: The original's room number (piRoom_num), for the rules that name rooms by number
    #: (where the dead go, the newbie area); None for rooms of our own.
    number: int | None = None


@attrs.frozen
class ObjectKind:
    key: str
    name: str
    icon: str  # .bgf
    description: str
    flags: int = 0  # OF_* bits (protocol_specs.opcodes / proto.h)
    wanders: bool = False  # moves about on its own while the world ticks
    source: str = ""
    resource_ids: ResourceIds = ()
    monster: MonsterInfo | None = None
    shop: ShopInfo | None = None
    item: ItemInfo | None = None
    dialogue: tuple[DialogueLine, ...] = ()


@attrs.frozen
class MonsterInfo:
    """What a creature or town NPC is, for the combat and AI systems to come."""

    level: int | None = None
    difficulty: int | None = None
    karma: int | None = None
    speed: int | None = None
    attack: tuple[str, ...] = ()
    behaviour: tuple[str, ...] = ()
    npc_flags: tuple[str, ...] = ()
    treasure: str = ""  # key in treasure.toml
    sounds: tuple[tuple[str, str], ...] = ()  # ("hit", "file.wav"), ...
    wimpy: int = 0  # flees (or regroups) below this percent of its hit points; 0 never
    #: Played once when it swings: (period ms, first group, last group, group after).
    attack_animation: tuple[int, int, int, int] | None = None
    sound_ids: tuple[tuple[str, int], ...] = ()  # ("miss", original resource id), ...
    #: The body it leaves when killed: name, bitmap, drawing effect (a DRAWFX_* value);
    #: no body without a dead icon, as the original's CreateDeadBody.
    dead_name: str = ""
    dead_icon: str = ""
    dead_drawfx: int = 0
    dead_resource_ids: ResourceIds = ()  # ("dead_name", id), ("dead_icon", id)
    #: What it resists (positive percent) or suffers more from (negative), by the attack
    #: types each entry names ("spell_fire", "weapon_slash"... see RESISTANCE_TYPES).
    resistances: tuple[tuple[int, tuple[str, ...]], ...] = ()

    def sound_id(self, what: str) -> int | None:
        """The original's resource id of the kind's ``what`` sound ("hit", "miss", ...)."""
        # a few pairs, asked on every blow: a scan, not a dict built each time
        return next((resource_id for sound, resource_id in self.sound_ids if sound == what), None)


@attrs.frozen
class DialogueLine:
    """One line of an NPC's speech library: when a player says one of ``triggers``, the
    NPC does ``action`` (e.g. "say" one of ``says``, or "mood" by ``numbers[0]``)."""

    triggers: tuple[str, ...]
    action: str
    numbers: tuple[int, ...] = ()
    says: tuple[str, ...] = ()
    restriction: int = 0
    triggers_rsc: tuple[int, ...] = ()
    says_rsc: tuple[int, ...] = ()


@attrs.frozen
class ShopEntry:
    kind: str
    number: int | None = None
    options: tuple[tuple[str, int], ...] = ()  # e.g. ("color", 3): a variant of the kind


@attrs.frozen
class ShopInfo:
    sells: tuple[ShopEntry, ...] = ()
    teaches_spells: tuple[str, ...] = ()
    teaches_skills: tuple[str, ...] = ()
    markup: int | None = None
    #: What a buying keeper takes from players: these kinds, or with ``buys_anything``
    #: every kind but those it ``refuses`` (emulator.rules.shops.BuyingRule).
    buys: tuple[str, ...] = ()
    buys_anything: bool = False
    refuses: tuple[str, ...] = ()
    buys_at_most: int | None = None  # a number item offered in a larger stack is refused
    bank: int | None = None  # a banker's bank number: bankers with the same one share accounts
    vault: int | None = None  # a vault keeper's vault number


@attrs.frozen
class ItemInfo:
    """An item kind's figures, as the original's classvars give them (absent: not set)."""

    values: tuple[tuple[str, int], ...] = ()  # ("weight", 10), ("bulk", 5), ...
    stacks: bool = False
    plural: str = ""  # the name of more than one (number items)
    resource_ids: ResourceIds = ()  # ("plural", id), ("use_message", id), ("use_sound", id)
    #: What consuming it does (one of CONSUMABLE_USES): "eat" (food: vigor by ``nutrition``),
    #: "heal" (health between ``heal_min`` and ``heal_max``), "spell" and "special" (effects in
    #: code, refused until spells exist); "": it is not consumed (wielded, worn or nothing).
    use: str = ""
    beverage: bool = False  # drunk, not eaten: the too-full refusal says so
    use_message: str = ""  # what the consumer reads (the original's taste message)
    use_sound: str = ""  # .wav the consumer hears
    #: Not dropped when its carrier dies (the original's DropOnDeath answering FALSE).
    kept_on_death: bool = False

    def get(self, name: str) -> int | None:
        return dict(self.values).get(name)


@attrs.frozen
class Reagent:
    kind: str
    count: int



_V = TypeVar("_V")
_D = TypeVar("_D")


def _last_of(pairs: tuple[tuple[str, _V], ...], name: str, default: _D) -> _V | _D:
    """The value of the last pair named ``name`` (what ``dict(pairs).get`` gives)."""
    for key, value in reversed(pairs):
        if key == name:
            return value
    return default

@attrs.frozen
class SpellDefinition:
    key: str
    number: int
    name: str
    school: str = ""
    level: int | None = None
    mana: int | None = None
    vigor: int | None = None
    cast_time: int | None = None
    targets: int | None = None  # how many targets a cast takes (0: none, the caster or the room)
    harmful: bool = False
    outlaw: bool = False
    family: str = ""
    icon: str = ""
    description: str = ""
    reagents: tuple[Reagent, ...] = ()
    resource_ids: ResourceIds = ()
    source: str = ""
    #: Where its enchantment icon shows (the original's viShow_enchantment_icon):
    #: "player" (its own icon on an enchanted player), "room" (on an enchanted room).
    show_icon: frozenset[str] = frozenset({"player", "room"})
    #: (period ms, first group, last group) when its icon cycles its bitmap groups;
    #: None: still on group 1 (spell.kod SendAnimation).
    icon_animation: tuple[int, int, int] | None = None
    #: What casting it does, when it is one of the server's effects (SPELL_EFFECTS); ""
    #: when its effect is code the server does not run (the import report says which).
    effect: str = ""
    chance_to_increase: int = 20  # viChance_To_Increase: how readily casting it improves
    post_cast: int = 1  # viPostCast_time: seconds before the next cast or swing
    sound: str = ""  # the .wav the room hears on a cast (its own, else its school's)
    #: The spell's own words by purpose (SPELL_OWN_TEXTS); their ids in ``resource_ids``.
    texts: tuple[tuple[str, str], ...] = ()
    #: An attack spell: its damage before the power, its spell type bits (ATCK_SPELL_*,
    #: which words tell the blow) and its reach in squares (None: the whole room).
    damage_min: int = 0
    damage_max: int = 0
    damage_spell: int = 0
    range: int | None = None
    #: A personal enchantment: its whole time at a power as (ms, ms per point of power),
    #: lasting between half and all of it (None: the spell's code says, or not one);
    #: the modifier it adds (an attribute, ``offense``, ``defense``, ``resist_<type>``)
    #: by (per, divisor, plus): power * per / divisor + plus; the flags it sets.
    duration: tuple[int, int] | None = None
    modifier: str = ""
    modifier_amount: tuple[int, int, int] = (0, 1, 0)
    flags: tuple[str, ...] = ()
    #: A touch spell whose blow is worth more on the evil and less on the good: by half the
    #: victim's karma, in percent (holy touch).
    karma_factor: bool = False
    #: Named whole numbers an effect's family reads (``spells.toml`` ``[key.figures]``),
    #: e.g. a wall's damage or a song's rate; sorted pairs.
    figures: tuple[tuple[str, int], ...] = ()

    # These are asked on blows and ticks (a poisoner's chance on every damaging hit): a
    # scan of the pairs, the last of a name counting as in a dict, rather than a dict
    # built per question.

    def figure(self, name: str, default: int = 0) -> int:
        """A figure of the spell's family, ``default`` when the data has none."""
        return _last_of(self.figures, name, default)

    def text(self, purpose: str) -> str | None:
        return _last_of(self.texts, purpose, None)

    def text_id(self, purpose: str) -> int | None:
        return _last_of(self.resource_ids, purpose, None)


#: The effects a spell's data may name (spells.toml ``effect``): the server's code for each
#: is in ``emulator/world/spells/``. ``heal``: health to one player (minor heal);
#: ``give_mana``, ``give_vigor``, ``give_health``: the caster hands part of its own to
#: another player (mystic touch, relay, breath of life).
#: ``create_food``: a random food in the caster's hands (create food). ``teleport``: the
#: caster to its room's teleport square, the room's first spawn (blink). ``damage``: an
#: attack spell's damage to one monster. ``gather_items``: loose items of the caster's room
#: into its inventory, as many as the power allows and it can carry (sweep).
#: ``personal_enchantment``: an enchantment on the caster or one player, with ``duration``,
#: ``modifier`` and ``flags`` (super strength). ``touch``: an enchantment on the caster whose
#: bare-handed blows are struck with the spell, for its ``damage_min``..``damage_max`` (zap).
SPELL_EFFECTS = (
    "heal", "give_mana", "give_vigor", "give_health", "create_food", "teleport", "damage", "gather_items",
    "personal_enchantment", "touch",
    "seance", "cloak", "foresight",  # the spells that see (spells/divination.py)
    "healing",  # major heal and hospice (spells/healing.py)
    "room_enchantment",  # the caster's room enchanted (light, darkness): emulator/world/spells/rooms.py
    "song",  # Jala's songs: a room enchantment kept up by its singer (emulator/world/spells/songs.py)
    "create_weapon", "glow_weapon", "dedicate_weapon", "curse_weapon", "remove_curse",  # spells on items
    "flash", "holy_symbol", "bait", "karahols_curse", "hold", "blind", "dazzle", "umbrella", "final_rites",  # hinder
    "illusionary_wounds", "gaze",  # hinder: holding, blinding, turning
    "cleanse", "discord", "dispel_illusion",  # purify, purge, discordance, dispel illusion (spells/cleansing.py)
    "mana_bomb", "earthquake",  # the spells that strike all around the caster (spells/area.py)
    "elusion",  # the spells that take the caster elsewhere (spells/travel.py)
    "anonymity", "feign_death", "fade", "shadow_form", "invisibility", "illusionary_form", "morph", "evil_twin",  # how a player looks (illusions.py)
    # the personal family's code (emulator/world/spells/hexes.py, eavesdrop.py, wards.py)
    "forget", "eavesdrop", "free_action", "eagle_eyes", "magic_shield", "armor_of_gort", "denial", "mana_focus", "deflect",
    "shroud_item", "create_spiritual_weapon", "identify_item", "shatter_items", "swap_items",  # spells on items
    "summon_fog", "bramble_wall", "poison_fog", "damage_wall", "ring_of_flames", "spore_burst", "spider_web", "illusion_wall",  # walls
    "cure_poison",  # poison
    "enfeeble", "dement", "vertigo", "dishonor", "night_vision",  # the personal family's sicknesses, mark and sight
    "summon_apparition", "summon_reflection", "seduce",  # summoned creatures that fight monsters too (summons.py)
    "mend_item", "brittle_weapon",  # spells on a weapon's wear
)

#: A spell's own words (spells.toml ``<purpose>`` and ``<purpose>_rsc``): what the caster
#: reads (``caster``), what the target reads (``target``), why the target needs none
#: (``unnecessary``: its article and name), that it cannot be cast on oneself
#: (``not_on_self``), that the caster has too little to give (``too_low``).
#: A spell that makes an item says what appeared (``made``: the item's article and name)
#: or that it did not fit (``hands_full``).
#: An attack spell says a target is too far (``out_of_range``: its article, name, the spell).
#: A spell that gathers items tells the caster it took some (``something``) or none
#: (``nothing``), and the others in the room that it did (``room``: the caster's article,
#: name and his or her).
#: A personal enchantment tells its target when it wears off (``ended``) and its caster
#: that another already has it (``already_on``: the target's article and name) or that
#: others cannot be enchanted where fights are never allowed (``not_here``).
SPELL_OWN_TEXTS = (
    "caster", "target", "unnecessary", "not_on_self", "too_low", "made", "hands_full", "out_of_range",
    "something", "nothing", "room", "ended", "already_on", "not_here",
    "hit_something", "killed_something", "was_hit", "was_killed",
    "done_to", "already_self",  # hinder: what was done to the target (its article and name); on oneself already
    "evaded", "evaded_caster", "resisted", "resisted_caster",  # hinder: eagle eyes repels or shortens a blinding
    # seance and foresight (spells/divination.py)
    "no_murderer", "found", "cloaked", "casting", "location", "info", "ability", "last_ability", "one",
    "not_player", "knows_of", "adequate_at", "mediocre_at", "good_at", "practitioner_of", "great_at", "master_of",
    "not_enchanted", "bad_location",  # purify, purge, discordance (spells/cleansing.py)
    "room_started", "room_ended", "room_entered", "room_already",  # a room enchantment's words to the room, an arrival, its caster
    # songs: the room hears one start, fail, end, go on; the singer lacks an instrument or may not
    # sing it yet; its music; a listener moved, its trance slowed and sped up again
    "song_starts", "song_failed", "song_ends", "song_playing", "need_instrument", "no_newbie", "music",
    "listener", "slowed", "sped",
    # walls and poison: an element's look, the room's summoning limit, the scratches of brambles
    # by damage, poison resisted and weakened
    "element_name", "element_icon", "summon_limit", "scratch_0", "scratch_2", "scratch_3", "scratch_4", "scratch_5",
    # the personal family's: forget's, then what an eavesdropper overhears
    "forgot_ability", "already_forgetful", "nothing_to_forget", "forgot1", "forgot2", "forgot3", "forgot4",
    "no_rooms", "heard_say", "heard_emote", "heard_enter", "heard_leave",
    "heard_name_say", "heard_name_emote", "heard_name_enter", "heard_name_leave",
    # spells on items: done (``item_done``: the item's article and name; ``dedicated``: its
    # name), refused (``item_cannot``: what was aimed at; ``no_weapon``: the player;
    # ``item_already``, ``already_stronger``, ``no_curse``; ``resists``: the item), the
    # owner's "Your" (``your``), the attribute's description on a look (``item_desc``, or
    # ``item_unknown`` while unidentified), its end (``item_ended``: the item's name), a
    # cursed weapon that will not leave the hand (``item_clings``), the caster of a spell
    # on another (``cast_on``: the spell, the target's article and name), an identify's
    # look (``looking``: the item's article and name); a shatter's or a swap's: nothing
    # happened (``point_failed``: the target's name; ``pointed_at``: the caster's), an
    # item shattered (``shattered``, ``shattered_plural``: its name; ``shatter_done``: the
    # target's and the item's names), swapped (``swapped``: the item lost, ``is`` or
    # ``are``, the article and name of the one got)
    "item_done", "dedicated", "item_cannot", "no_weapon", "item_already", "already_stronger", "no_curse", "resists",
    "your", "item_desc", "item_unknown", "item_ended", "item_clings", "cast_on",
    "seen", "illusion", "gazed",  # hinder: what the caster's room reads (its article and name); the spell an illusion shows
    "all_gone", "some_gone",  # mana bomb (spells/area.py)
    "first", "third", "killed_someone", "killed_self", "shaken", "hit", "he", "she", "it",  # earthquake (spells/area.py)
    "wrong_place", "no_destination", "destinations", "not_from_here", "and", "too_soon",  # elusion (spells/travel.py)
    # how a player looks: see emulator/world/spells/illusions.py
    "already_have", "trance_lost", "looks_taken", "blank_name", "killed_by", "prank_1", "prank_2",
    "prank_3", "body_male_icon", "body_female_icon", "took_form", "wrong_target", "crowded", "vanished",
    "bane_hurt", "bane_killed",  # a bane's words to a caster of the school it is against, hurt or killed
    # spellbane: a weaker spell stopped (the singer's name), not sung where only guilds fight;
    # mana convergence: the room told as it is cast, a newcomer's own words
    "stopped", "no_towns", "cast_said", "greeting",
    "dance", "cant_dance_resting", "stop_dance",  # jig: a listener dances, cannot while resting, stops
    "abates", "inhaled", "unaffected", "burn_0", "burn_5", "burn_10", "burn_15", "burn_20", "held",
    "not_wounded", "already_focused",  # denial, mana focus
    "deflected", "deflected_back", "deflect_failed",
    "looking",  # identify: before the look
    "point_failed", "pointed_at", "shattered", "shattered_plural", "shatter_done", "swapped", "is", "are",
    "trouble", "body_male_name", "body_female_name", "body_look",
    "no_use",  # jig: nothing is used where it is sung
    "stuck_0", "stuck_1", "stuck_2", "stuck_3", "stuck_5", "wounds_healed",
    "already_sick", "sensed", "sick", "dazed", "vigor_affected",  # the sicknesses, mark of dishonor
    "cast_silenced", "speech_silenced",  # why a cast or speech is stopped in a silenced room
    "shot_ruined",  # winds snatched a ranged shot away
    "attack_refused", "towns_refused",  # a truce: an attack on a monster stopped; its cast refused in a guild-only room
    "heat_hurt", "heat_killed",  # heat's words to one its armour's heat hurts or kills
    "sand_hurt",  # a sandstorm's words to one it exerts and hurts
    "occupant_on",  # forces of light's words to one it fills
    "room_left",  # a room enchantment's words to one leaving the room (a truce's)
    "guardian_refused",  # a room enchantment refused to one not ready to fight players, with another player there
    "raised", "guardian", "seduced", "player_first", "player_second", "fail_1", "fail_2",  # a summoned creature rose beside its victim: emulator/world/spells/summons.py
    # wear (mend, brittle): the item cannot be mended (``beyond_salvage``) or needs none
    # (``perfect``), mended (``mended``); a weapon dulled (``dulled``: the target's and the
    # weapon's names; ``weapon_dulled``: the caster's and the weapon's); mend also carries
    # the weapons' words of wear: a look's ``condition_*`` after ``condition_this``, a
    # weapon that broke (``weapon_broke``) or is broken (``already_broken``)
    "beyond_salvage", "perfect", "mended", "dulled", "weapon_dulled", "condition_this", "condition_excellent",
    "condition_mended", "condition_good", "condition_worn", "condition_poor", "condition_broken", "weapon_broke",
    "already_broken",
)


@attrs.frozen
class SkillDefinition:
    key: str
    number: int
    name: str
    level: int | None = None
    school: int | None = None
    vigor: int | None = None
    family: str = ""
    icon: str = ""
    description: str = ""
    resource_ids: ResourceIds = ()
    source: str = ""
    #: skill.kod viChance_to_Increase: the first chance (percent, raised by intellect)
    #: that using the skill may improve it; the original's default is 25.
    improve_chance: int = 25
    #: The attribute the skill leans on (GetRequisiteStat): "agility" unless the class
    #: names another ("might", "aim", ...).
    requisite: str = "agility"


#: The attributes a skill may lean on (Stats field names).
REQUISITE_STATS = ("might", "intellect", "stamina", "agility", "mysticism", "aim")


@attrs.frozen
class TreasureEntry:
    kind: str
    weight: int


@attrs.frozen
class TreasureTable:
    key: str
    number: int
    items: tuple[TreasureEntry, ...] = ()
    source: str = ""


@attrs.frozen
class PlacedObject:
    key: str  # stable identity, survives restarts and edits of other entries
    kind: str
    at: Placement
    source: str = ""


@attrs.frozen
class OriginalText:
    """A text the stock client has under the original's resource id."""

    text: str
    resource_id: int


@attrs.frozen
class KindMessages:
    """How the fight messages name a monster kind (messages.toml ``[kinds.<kind>]``)."""

    attack_name: OriginalText | None = None  # None: the default attack name
    attack_spell: tuple[str, ...] = ()  # SpellDamage names (lowercase): its blows are spells
    gender: str = "neuter"  # "male", "female", "neuter": his, her, its
    article: str = "the"  # its definite article: "the", "none", "a", ...
    indefinite: str = "a"  # its indefinite article (viIndefinite): "a", "an", "some", ...


#: What a kind without its own entry is named by: one shared (frozen) default, not one made per blow.
_DEFAULT_KIND_MESSAGES = KindMessages()


def combat_text_keys() -> tuple[str, ...]:
    """Every purpose key of messages.toml ``[texts]``: the renderer uses each of them."""
    from emulator.rules.feedback import OUCH_HEALTH_PERCENTS, SOUND_VARIANTS, WORD_FAMILIES, Defence, Severity
    from emulator.rules.pvp import AttackRefusal, Murder

    keys = [
        "attacker_hit", "attacker_miss", "defender_hit", "defender_miss", "blue_text", "plain_text",
        "punch", "attack", "monster_attack", "killed_something", "punch_killed_something", "his", "her", "its",
    ]
    keys += [defence.word(singular) for defence in Defence for singular in (False, True)]
    for severity in Severity:
        keys.append(severity.value)
        if severity is not Severity.FAIL:
            keys += [f"{family}_{severity.value}" for family in WORD_FAMILIES]
    for article in ARTICLES:
        keys += [f"article_{article}", f"cap_article_{article}"]
    for variant in range(1, SOUND_VARIANTS + 1):
        keys += [f"hit_{family}{variant}" for family in ("flesh", "leather", "metal")] + [f"swish{variant}"]
    for variant in range(1, len(OUCH_HEALTH_PERCENTS) + 2):
        keys += [f"ouch_male{variant}", f"ouch_female{variant}"]
    # player against player: why an attack was refused, the brands, the victim's last punch
    keys += [f"refused_{refusal.value}" for refusal in AttackRefusal]
    keys += ["outlawed", *(f"murder_{m.value}" for m in Murder if m is not Murder.JUSTIFIED), "punch_was_killed"]
    keys += ["kill_zone_entered", "kill_zone_left"]
    return tuple(keys)


#: Purposes of messages.toml ``[texts]`` told about items (user.kod UserGet, UserDrop).
#: Optional: a world imported before they were known shows the server's own sentences.
ITEM_TEXT_KEYS = (
    "get_gone", "get_too_far", "get_refused", "got_some", "get_too_many", "drop_not_held", "drop_not_enough",
    # eating, drinking and working things (player.kod ReqEatSomething, TryUseItem; user.kod UserTryActivate)
    "too_full", "too_full_drink", "cant_use", "activate_failed",
)
#: What a shop keeper says to a buyer (monster.kod Buy), each optional like the item texts.
SHOP_TEXT_KEYS = ("shop_too_costly", "shop_not_selling", "shop_cant_give")
#: What trading tells the players (user.kod UserOffer and its kin; monster.kod ReqOffer,
#: CancelOfferTimer, SayToOne), each optional like the item texts.
TRADE_TEXT_KEYS = (
    "trade_got_offer", "trade_cant_offer", "trade_busy", "trade_not_online", "trade_canceled",
    "trade_nothing_to_cancel", "trade_nothing_to_counter", "trade_nothing_to_accept", "trade_bad_number",
    "trade_dont_have", "trade_dont_have_number", "trade_didnt_have", "trade_couldnt_carry", "trade_cant_carry",
    "trade_keeper_timeout", "buyer_busy", "buyer_unwanted", "buyer_no_value", "keeper_tells_you",
)
#: What a banker tells a player (monster.kod BankDeposit, BankWithdraw, BankBalance, the
#: ``bank_<emulator.rules.bank.BankSay>`` keys), how it tells one player (``bank_told``,
#: monster.kod SayToOne), and what a player is told where no banker answers (user.kod's
#: UC_DEPOSIT, UC_WITHDRAW, UC_BALANCE); each optional like the item texts.
BANK_TEXT_KEYS = (
    "bank_told", "bank_balance", "bank_deposited", "bank_not_enough_to_deposit", "bank_no_account",
    "bank_not_enough_to_withdraw", "bank_purse_full", "bank_purse_all_full", "bank_withdrew",
    "bank_cant_deposit", "bank_cant_withdraw", "bank_cant_balance", "bank_cant_deposit_items",
)
#: What a vault keeper tells a player (monster.kod VaultDeposit, VaultWithdraw: the
#: ``vault_<emulator.rules.bank.VaultSay>`` keys), told in ``bank_told``; each optional.
#: What casting tells the caster (spell.kod), each optional like the item texts: the
#: spell's name fills them where the original's do.
SPELL_TEXT_KEYS = (
    "spell_no_rest", "spell_too_tired", "spell_no_mana", "spell_no_reagents", "spell_failed", "spell_bad_target",
    "spell_out_of_range", "spell_advanced", "spell_trance", "spell_trance_broken", "spell_not_good_enough",
    "spell_not_evil_enough", "spell_cast_here", "spell_fail_sound", "spell_improved_sound",
    "spell_help_unlawful_angel", "spell_help_unlawful_safety", "spell_no_teleport", "spell_murmur", "spell_murmur_at",
    "spell_you", "spell_not_in_view",
    "held_no_fight", "held_no_cast", "held_no_go", "held_no_go_sound",  # hinder: a held or blinded player's refusals
)

VAULT_TEXT_KEYS = (
    "vault_no_gold", "vault_cursed", "vault_cant_store", "vault_no_deposit_cash", "vault_full", "vault_thanks_for",
    "vault_stored", "vault_no_account", "vault_not_enough", "vault_dont_have", "vault_no_withdraw_cash",
    "vault_no_room", "vault_returned",
)

#: What improving a skill tells the player and plays to its room (player.kod
#: ChangeSkillAbility: the words naming the skill, the sound), and the three notes when it
#: has improved all it may for now (CheckAdvancementPoints); each optional.
SKILL_TEXT_KEYS = ("skill_improved", "skill_improved_sound", "advancement_cap_1", "advancement_cap_2", "advancement_cap_3")
#: The spellbook's words (user.kod ToCliSpellSchools: the schools' names by their place in
#: UC_SPELL_SCHOOLS; player.kod AddSpell: the sound the room hears when a player learns);
#: each optional like the item texts.
SPELLBOOK_TEXT_KEYS = (
    "school_shalille", "school_qor", "school_kraanan", "school_faren", "school_riija", "school_jala", "school_dm",
    "learn_sound",
)


#: What consuming an item kind does (ItemInfo.use); the last two are refused for now.
CONSUMABLE_USES = ("eat", "heal", "spell", "special")

#: The articles of the original (object.kod LookupArticle), by their ARTICLE_* name.
ARTICLES = ("the", "none", "a", "an", "your", "this", "some")


@attrs.frozen
class CombatMessages:
    """The original's fight texts and sounds by purpose key (an imported world's
    ``messages.toml``); absent in a hand-made world, which shows the server's own sentences."""

    texts: dict[str, OriginalText]
    kinds: dict[str, KindMessages] = attrs.field(factory=dict)

    def id(self, key: str) -> int:
        return self.texts[key].resource_id

    def kind(self, key: str) -> KindMessages:
        return self.kinds.get(key) or _DEFAULT_KIND_MESSAGES  # asked on every blow


@attrs.frozen
class WorldDefinition:
    rooms: dict[str, RoomDefinition]
    kinds: dict[str, ObjectKind]
    objects: tuple[PlacedObject, ...]
    start: Placement  # where new characters appear
    motd: str = ""
    player_icon: str = ""  # .bgf of player bodies
    spells: dict[str, SpellDefinition] = attrs.field(factory=dict)
    skills: dict[str, SkillDefinition] = attrs.field(factory=dict)
    treasure: dict[str, TreasureTable] = attrs.field(factory=dict)
    messages: CombatMessages | None = None  # messages.toml: the original's fight texts

    def pinned_resource_ids(self) -> dict[str, int]:
        """Texts that keep the original game's resource id (text -> id; the lowest id
        when one text has several, which the client shows the same)."""
        pinned: dict[str, int] = {}

        def add(fields: dict[str, str], ids: ResourceIds) -> None:
            for field, resource_id in ids:
                text = fields.get(field)
                if text and (text not in pinned or resource_id < pinned[text]):
                    pinned[text] = resource_id

        for room in self.rooms.values():
            add({"name": room.name, "roo_file": room.roo_file, "music": room.music, "background": room.background}, room.resource_ids)
            for door in room.locked_doors:
                add({"message": door.message}, door.resource_ids)
        for kind in self.kinds.values():
            add({"name": kind.name, "icon": kind.icon, "description": kind.description}, kind.resource_ids)
            if kind.monster is not None:
                add({"dead_name": kind.monster.dead_name, "dead_icon": kind.monster.dead_icon}, kind.monster.dead_resource_ids)
            if kind.item is not None:  # what consuming it says and sounds like
                add({"use_message": kind.item.use_message, "use_sound": kind.item.use_sound}, kind.item.resource_ids)
            if kind.item is not None:
                add({"plural": kind.item.plural}, kind.item.resource_ids)
            for line in kind.dialogue:
                for texts, ids in ((line.triggers, line.triggers_rsc), (line.says, line.says_rsc)):
                    if len(texts) == len(ids):
                        for text, resource_id in zip(texts, ids):
                            add({"text": text}, (("text", resource_id),))
        for spell in self.spells.values():
            add({"name": spell.name, "icon": spell.icon, "description": spell.description, "sound": spell.sound,
                 **dict(spell.texts)}, spell.resource_ids)
        for skill in self.skills.values():
            add({"name": skill.name, "icon": skill.icon, "description": skill.description}, skill.resource_ids)
        return pinned
