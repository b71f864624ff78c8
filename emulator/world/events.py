"""What the world reports; ``emulator/game/render.py`` turns these into messages for the watchers.

Room events (entered, left, moved, turned) name the room; the watchers are the players in
that room when the event is handled, minus the object itself (a mover's client moved it
already). Events are meant to be handled right after the call that returned them.
"""

from __future__ import annotations

from enum import Enum

import attrs


@attrs.frozen
class Position:
    """A fine position in a room (1-based squares, 64 fine units each) and a facing."""

    room: str
    y: int
    x: int
    angle: int = 0


@attrs.frozen
class ObjectEntered:
    """Show the object (BP_CREATE) to the others in the room."""

    room: str
    object_id: int


@attrs.frozen
class ObjectLeft:
    """Remove the object (BP_REMOVE) for the others in the room."""

    room: str
    object_id: int


@attrs.frozen
class ObjectChanged:
    """The object looks different (BP_CHANGE) to everyone in the room, e.g. a pile of
    number items that grew."""

    room: str
    object_id: int


@attrs.frozen
class ObjectMoved:
    """BP_MOVE to everyone in the room but the mover, whose client moved it already.

    ``speed`` is the BP_MOVE speed byte: the client's 18/36/0 for players; wanderers set
    bit 7 (turn to face the direction of travel). ``mover`` is the player id, None when
    the world moved the object itself.
    """

    room: str
    object_id: int
    y: int
    x: int
    speed: int
    mover: int | None = None


@attrs.frozen
class ObjectTurned:
    room: str
    object_id: int
    angle: int
    mover: int | None = None


@attrs.frozen
class PlayerMovedRoom:
    """The player went through an exit: its client needs the new room (BP_PLAYER, contents)."""

    player_id: int
    from_room: str
    to_room: str


class MoveRefusal(str, Enum):
    OUTSIDE = "outside the room"  # past an edge with no exit
    TOO_FAST = "too fast"
    BLOCKED = "blocked"  # a wall or unwalkable square on the way
    TOO_TIRED = "too tired to run"  # running needs the rules' vigor
    HELD = "held"  # a hold keeps the player where it is (hinder family)
    STUCK = "stuck fast"  # in a spider web (spells/walls.py)


@attrs.frozen
class MoveRefused:
    """The server keeps the player at (y, x); its client must be put back there."""

    player_id: int
    reason: str  # a MoveRefusal value
    y: int
    x: int


@attrs.frozen
class Said:
    room: str  # the speaker's room
    speaker_id: int
    say_type: int
    text: str
    audience: tuple[int, ...]  # player ids, the speaker included (it gets the self-echo)


class SayRefusal(str, Enum):
    TOO_LONG = "too long"
    TOO_OFTEN = "too often"
    UNSUPPORTED = "unsupported say type"


@attrs.frozen
class SayRefused:
    """Nothing was said; the speaker may be told why (or not)."""

    player_id: int
    reason: str  # a SayRefusal value


@attrs.frozen
class PlayerJoined:
    """For the players list (BP_PLAYER_ADD): to everyone in ``audience``, newcomer included."""

    player_id: int
    name: str
    audience: tuple[int, ...]


@attrs.frozen
class PlayerLeft:
    """For the players list (BP_PLAYER_REMOVE) of the players still in the world."""

    player_id: int
    audience: tuple[int, ...]


@attrs.frozen
class AttackResolved:
    """A player swung at a monster: the attacker is told whether it hit and for how much.

    ``damage`` is the hit points the monster lost (0 on a miss); ``target_health_left`` is
    what it has left (0 or less: it died, and a :class:`MonsterKilled` follows).
    How it is told (rules.feedback): ``damage_type`` is the blow's type for the damage
    word, ``defence`` why a miss missed (a Defence value), ``sound`` the purpose key of
    the sound the room hears ("hit_metal2", "swish1"); ``weapon`` the kind of the
    wielded item the blow was struck with ("" bare-handed).
    """

    room: str
    attacker: int
    target: int
    target_kind: str
    hit: bool
    damage: int
    target_health_left: int
    damage_type: int = 0
    defence: str = ""
    sound: str = ""
    weapon: str = ""
    spell: str = ""  # an attack spell's key: the blow is named by the spell


@attrs.frozen
class MonsterKilled:
    """The monster is gone (BP_REMOVE for the room); the killer is told, and sees its
    attributes again when the kill changed its karma."""

    room: str
    monster_id: int
    kind: str
    killer: int
    karma_changed: bool = False
    corpse_id: int | None = None  # the body it left, where its death cry comes from
    spell: str = ""  # a touch spell's key: the kill is told in its words


@attrs.frozen
class MonsterAttacked:
    """A monster swung at a player: the victim is told whether it hit and for how much,
    and sees its health bar. ``damage`` is the health it lost (0 on a miss);
    ``health_left`` is what it has left (0: it died, and a :class:`PlayerDied` follows).
    ``damage_type`` is the blow's type for the damage word, ``defence`` why a miss missed
    (a rules.feedback Defence value)."""

    room: str
    monster_id: int
    kind: str
    victim: int
    hit: bool
    damage: int
    health_left: int
    damage_type: int = 0
    defence: str = ""


@attrs.frozen
class PlayerDied:
    """The player died in ``from_room`` and wakes in ``to_room`` with the revival vitals;
    the :class:`ObjectLeft`, :class:`PlayerMovedRoom` and :class:`ObjectEntered` of the
    move follow. ``killer_kind`` is the monster kind that killed it ("" if none)."""

    player_id: int
    from_room: str
    to_room: str
    killer_kind: str = ""


@attrs.frozen
class DeathAnnounced:
    """Everyone in the world hears of a player's death (the original's system-wide
    "killed by" notice, system.kod UserKilled); ``killer_kind`` is the monster kind."""

    victim: int
    victim_name: str
    killer_kind: str
    audience: tuple[int, ...]


@attrs.frozen
class MaxHealthGained:
    """A kill made the player tougher: its base max health rose by one and its health was
    refilled (player.kod AdvancementCheck). It is told, and sees its condition bars."""

    player_id: int
    base_max_health: int


@attrs.frozen
class SkillImproved:
    """Using a skill improved it by one (player.kod ChangeSkillAbility): the player sees
    the skill's new ability in its skills stat group, the room hears the improvement
    sound, and the player is told which skill. ``skill`` is the key of skills.toml,
    ``slot`` its place (from 1) among the player's skills."""

    room: str
    player_id: int
    skill: str
    ability: int
    slot: int


@attrs.frozen
class AdvancementCapped:
    """The player has improved all it may for now (player.kod CheckAdvancementPoints): it
    is told so in one of the original's three notes (1..3)."""

    player_id: int
    note: int


@attrs.frozen
class DeathPenaltyPaid:
    """The player left the Underworld and paid for its death (player.kod
    ApplyDeathPenalties): ``lost_health_point`` when its base max health dropped. It sees
    its stats again. ``cost`` is the death cost, in percent, that was due."""

    player_id: int
    cost: int
    lost_health_point: bool
    base_max_health: int


@attrs.frozen
class PlayerAttackRefused:
    """An attack on a player did not happen: the attacker is told why (``reason``, a
    rules.pvp AttackRefusal value, some of whose messages name the victim)."""

    player_id: int
    victim: int
    reason: str


@attrs.frozen
class KillZoneCrossed:
    """A player who may not fight players went into (``entered``) or out of a kill zone,
    where players may attack it all the same: it is told, before it leaves its room."""

    player_id: int
    entered: bool


@attrs.frozen
class PlayerOutlawed:
    """The player attacked an innocent and is an outlaw from now on; it is told so
    before its swing is."""

    player_id: int


@attrs.frozen
class PlayerAttacked:
    """A player swung at a player in ``room``: both are told, the room hears it, the
    victim sees its health bar on a hit. ``damage`` is the health the victim lost (0 on
    a miss), ``health_left`` what it has left (0: it died, and a
    :class:`PlayerKilledPlayer` follows). ``damage_type`` is the blow's type for the
    damage word; on a miss ``defence`` is the victim's defence as the attacker is told
    it and ``victim_defence`` as the victim is (the original draws it twice); ``sound``
    is the purpose key of the hit or swish sound."""

    room: str
    attacker: int
    victim: int
    hit: bool
    damage: int
    health_left: int
    damage_type: int = 0
    defence: str = ""
    victim_defence: str = ""
    sound: str = ""
    weapon: str = ""  # the kind of the attacker's wielded item ("" bare-handed)
    spell: str = ""  # an attack spell's key: the blow is named by the spell


@attrs.frozen
class PlayerKilledPlayer:
    """The killer is told of the kill and of what it makes of it (``murder``, a rules.pvp
    Murder value), and sees its attributes again when its karma moved. The victim's
    :class:`PlayerDied` follows, except in a safe-death room (it keeps 1 health)."""

    room: str
    killer: int
    victim: int
    murder: str
    karma_changed: bool = False
    spell: str = ""  # a touch spell's key: the kill is told in its words


@attrs.frozen
class VitalsChanged:
    """A player's health, mana or vigor moved (regeneration, rest, exertion): its bars
    are sent again, once per call or tick whatever the number of points."""

    player_id: int



@attrs.frozen
class CarriedGained:
    """A new item in the player's inventory (BP_INVENTORY_ADD to that player)."""

    player_id: int
    item_id: int


@attrs.frozen
class CarriedChanged:
    """A carried number item's count changed (the player sees the new amount)."""

    player_id: int
    item_id: int


@attrs.frozen
class CarriedLost:
    """An item left the player's inventory (BP_INVENTORY_REMOVE to that player)."""

    player_id: int
    item_id: int


@attrs.frozen
class PlayerLightChanged:
    """The light a player gives off changed, e.g. a glowing weapon wielded (BP_LIGHT_PLAYER
    to that player)."""

    player_id: int


@attrs.frozen
class ItemsSwapped:
    """A swap spell's words to one side (swap.kod): the item it lost (its kind, plural
    when more than one), the item it got in return."""

    player_id: int
    spell: str
    lost_kind: str
    lost_plural: bool
    got_kind: str


@attrs.frozen
class ItemShown:
    """The player looks at an item (BP_LOOK), seeing ``every_attribute`` of it, those not
    yet identified too (an identify spell)."""

    player_id: int
    item_id: int
    every_attribute: bool = False


@attrs.frozen
class ItemUsed:
    """A carried item is now wielded or worn (BP_USE to that player)."""

    player_id: int
    item_id: int


@attrs.frozen
class ItemUnused:
    """A carried item came off (BP_UNUSE to that player)."""

    player_id: int
    item_id: int


@attrs.frozen
class ItemRefused:
    """An item request did nothing, or less than asked: the player is told why.
    ``reason`` is an ``ItemRefusal`` value; ``kind`` the item's kind."""

    player_id: int
    reason: str
    kind: str


@attrs.frozen
class ItemConsumed:
    """A player ate, drank or used up one of an item of ``kind`` on ``target_id`` (itself or
    another player): the target reads what it tastes like, the user hears it; the item's
    removal and the target's bars follow as their own events."""

    player_id: int
    target_id: int
    kind: str


@attrs.frozen
class ActivateFailed:
    """A player tried to work an object in its room that does nothing when worked (the
    original's default TryActivate): it is told so."""

    player_id: int
    object_id: int
    kind: str


@attrs.frozen
class KeeperSaid:
    """A shop keeper tells a customer something (a ``shops`` refusal or what it sells):
    ``reason`` is a ``emulator.world.shopping.KeeperSpeech`` value; ``kind`` the ware's
    kind when the sentence names it."""

    player_id: int
    keeper_id: int
    reason: str
    kind: str = ""
    lesson: str = ""  # "spell" or "skill": ``kind`` is then the key of a lesson the keeper teaches


@attrs.frozen
class AbilityLearned:
    """A player learnt a spell (``spell``) or skill, ``key`` of spells.toml or skills.toml,
    at ``ability`` percent: it shows in its lists and is saved with it."""

    player_id: int
    key: str
    spell: bool
    ability: int


@attrs.frozen
class AbilityForgotten:
    """A player no longer knows a spell (``spell``) or skill: it leaves its lists."""

    player_id: int
    key: str
    spell: bool


@attrs.frozen
class TradeItem:
    """An item on a trade's table as the window shows it: its id, kind and, for a number
    item, how many are offered (a keeper's money has an id of its own)."""

    item_id: int
    kind: str
    number: int | None = None


@attrs.frozen
class TradeShown:
    """A trade window's list for one player (``what``: "offer" is BP_OFFER from
    ``offerer``, "offered" BP_OFFERED, "counteroffer" BP_COUNTEROFFER, "counteroffered"
    BP_COUNTEROFFERED)."""

    player_id: int
    what: str
    items: tuple[TradeItem, ...]
    offerer: int | None = None


@attrs.frozen
class TradeCanceled:
    """The player's trade window closes (BP_OFFER_CANCELED)."""

    player_id: int


@attrs.frozen
class TradeTold:
    """A player is told something of a trade: ``text`` is a rules.trade TradeText value
    or a world.trading KeeperWords value; ``about`` the other side (a player or a
    keeper), named ``about_name`` (a keeper's kind in ``about_kind``); ``number`` an
    amount the sentence gives."""

    player_id: int
    text: str
    about: int | None = None
    about_name: str = ""
    about_kind: str | None = None
    number: int | None = None


@attrs.frozen
class BankerSaid:
    """A banker tells one player something (``emulator.rules.bank.BankSay`` value in
    ``what``), with the number its sentence names (a balance, an amount)."""

    player_id: int
    banker_id: int
    what: str
    number: int | None = None


@attrs.frozen
class BankUnanswered:
    """Nobody in the player's room took a money command (``emulator.world.banking``
    ``BankCommand`` value): the player is told it cannot do that here."""

    player_id: int
    command: str


@attrs.frozen
class VaultKeeperSaid:
    """A vault keeper tells one player how a deposit or withdrawal went
    (``emulator.rules.bank.VaultSay`` value in ``what``), with the fee its sentence names
    and the kind of the item a refusal names."""

    player_id: int
    keeper_id: int
    what: str
    number: int | None = None
    kind: str = ""


@attrs.frozen
class EnchantmentStarted:
    """An enchantment started (``enchantments.py``). A player's own icon is added
    (BP_ADD_ENCHANTMENT type 1), a room's for everyone in it (type 2); a monster's is not
    shown. ``room`` is the target's room; ``shown`` False: no icon (the original's addicon)."""

    target_id: int
    target: int  # enchantments.Target value
    room: str
    spell: str
    shown: bool = True
    stats_changed: bool = False  # its modifiers move what the character sheet shows


@attrs.frozen
class EnchantmentEnded:
    """An enchantment ended: its time ran out (``expired``) or it was removed; its icon goes
    (BP_REMOVE_ENCHANTMENT) for those who saw it added."""

    target_id: int
    target: int
    room: str
    spell: str
    shown: bool = True
    stats_changed: bool = False
    expired: bool = False


@attrs.frozen
class SpellTold:
    """Casting tells the one player something about a spell: ``purpose`` is a casting
    text of messages.toml (``spell_*``) or one of the spell's own words (``caster``,
    ``target``, ``unnecessary``, ...). ``target_id`` is the object it names (0: none);
    ``fail_sound``: the player also hears the fizzle; ``kind``: the item kind it names
    (what a spell made)."""

    player_id: int
    spell: str
    purpose: str
    target_id: int = 0
    fail_sound: bool = False
    kind: str = ""
    ability: str = ""  # a spell or skill it names ("spell:<key>", "skill:<key>"), e.g. one forgotten
    words: str = ""  # a player's words it passes on (what an eavesdropper overhears)
    other_spell: str = ""  # a spell the words name besides this one (illusionary wounds' illusion)


@attrs.frozen
class SpellCast:
    """A spell went off: the caster's room hears its sound, from the caster."""

    caster_id: int
    spell: str
    room: str


@attrs.frozen
class SpellMurmured:
    """A caster began a spell: the players near it (``hearers``) see it murmur and gesture,
    pointing at ``target_id`` when the spell takes one target (0: none)."""

    caster_id: int
    spell: str
    target_id: int
    hearers: tuple[int, ...]


@attrs.frozen
class SpellImproved:
    """Casting raised the caster's ability in a spell: it is told, its room hears it."""

    player_id: int
    spell: str
    room: str


@attrs.frozen
class ScreenEffect:
    """The player's client plays a screen effect (BP_EFFECT): ``effect`` an EFFECT_* code
    of the protocol (a whiteout, paralysis on or off, blindness on or off...), with
    ``duration_ms`` for the effects that take one."""

    player_id: int
    effect: int
    duration_ms: int = 0


@attrs.frozen
class PlayerHindered:
    """A held or blinded player tried what it cannot do: it reads why (``purpose``, a
    text of messages.toml: ``held_no_fight``, ``held_no_cast``, ``held_no_go``)."""

    player_id: int
    purpose: str


@attrs.frozen
class SpellReported:
    """A spell tells one player something in its own words (``purpose``) with what they
    name filled in, in order: ``parts`` of ("object", id) (its article and name),
    ("room", key) (the room's name), ("words", purpose) (more of the spell's own words,
    themselves filled by the parts after them), ("spell", key) and ("skill", key) (a
    name), ("his_her", id) and ("he_she", id) (a player's pronoun), ("text", string) (sent
    whole, a %q). Seance, foresight and the other spells whose words name more than a target."""

    player_id: int
    spell: str
    purpose: str
    parts: tuple[tuple[str, int | str], ...] = ()


@attrs.frozen
class FeignedDeath:
    """A player feigned death (fdeath.kod): the players of its room (``hearers``) read
    that it was killed, by one of the room's monsters (``scapegoat``, a kind) or, when
    ``prank`` is 1 to 3, by the spell's own joke of that number."""

    room: str
    player_id: int
    spell: str
    scapegoat: str
    prank: int
    hearers: tuple[int, ...]


@attrs.frozen
class SongTold:
    """A song's words (``purpose``: its own words by purpose, e.g. ``song_starts``) to the
    players ``audience`` in ``room``; ``singer_id`` is named where the words name the singer."""

    room: str
    spell: str
    purpose: str
    audience: tuple[int, ...]
    singer_id: int = 0


@attrs.frozen
class SongPlayed:
    """The song's music for the players ``audience`` in ``room`` (BP_PLAY_MIDI), or, with
    ``spell`` "", the room's own music again when a song ends (BP_PLAY_MUSIC)."""

    room: str
    spell: str
    audience: tuple[int, ...]


@attrs.frozen
class SummonVanished:
    """A creature a spell made went away (its target or summoner gone): the players of its
    room (``hearers``) read the spell's ``vanished`` words naming the player it mirrored."""

    room: str
    spell: str
    mirror_id: int
    hearers: tuple[int, ...]


WorldEvent = (
    ObjectEntered | ObjectLeft | ObjectMoved | ObjectTurned | PlayerMovedRoom | MoveRefused
    | Said | SayRefused | PlayerJoined | PlayerLeft | AttackResolved | MonsterKilled
    | MonsterAttacked | PlayerDied | VitalsChanged | DeathAnnounced | MaxHealthGained | DeathPenaltyPaid
    | SkillImproved | AdvancementCapped
    | PlayerAttackRefused | PlayerOutlawed | PlayerAttacked | PlayerKilledPlayer | KillZoneCrossed
    | ObjectChanged | CarriedGained | CarriedChanged | CarriedLost | ItemRefused
    | ItemUsed | ItemUnused | ItemConsumed | ActivateFailed
    | PlayerLightChanged | ItemShown | ItemsSwapped
    | KeeperSaid | TradeShown | TradeCanceled | TradeTold | BankerSaid | BankUnanswered | VaultKeeperSaid
    | EnchantmentStarted | EnchantmentEnded
    | AbilityLearned | AbilityForgotten
    | SpellTold | SpellCast | SpellImproved | SpellMurmured
    | ScreenEffect | PlayerHindered
    | SpellReported
    | FeignedDeath
    | SongTold | SongPlayed
    | SummonVanished
)
