"""A fight as the stock client shows it in an imported world: the original's format
strings filled with the original's words (all by resource id, so the client shows them
from its own files) and the original's sounds to the room.

What the original sends, and to whom (battler.kod AssessHit/AssessMiss, player.kod
DoHitMessageSound/KilledSomething, monster.kod AssessHit/AssessMiss/Killed, punch.kod,
stroke.kod SendMissMessageToAttacker; a room's SomethingWaveRoom plays a sound to every
player in it, flags 0):

* a player's punch that lands: the room hears the hit sound (from the player); the
  attacker reads ``attacker_hit`` (colour, "punch", damage word, the monster's article
  and name); on a kill the word is the slaying one, and ``punch_killed_something``
  (article, name) follows, then the room hears the monster's death sound;
* a punch that misses: the attacker reads ``attacker_miss`` (colour, article, name, the
  monster's defence), the room hears a swish (from the player);
* a monster's blow on a player: the room hears the monster's *miss* sound and the
  player's cry (both from the player; the original plays the miss sound for a hit too,
  and neither when the kind has no miss sound); the victim reads ``defender_hit``
  (colour, article, name, damage word, his/her/its, the attack name);
* a monster's miss: the room hears its miss sound; the victim reads ``defender_miss``
  (colour, its defence, article, name).

Monster against player is always the blue text (the plain one is for player against player).

Player against player (player.kod AllowPlayerAttack, CheckStatusAndSafety, AssessDamage,
KilledSomething; battler.kod AssessHit/AssessMiss; punch.kod), in the plain text, players
having no article:

* a refused attack: the attacker reads why (the newbie and safety refusals name the
  victim);
* an attack on an innocent by an innocent: ``outlawed`` before the swing;
* a hit: a killing blow first tells the victim ``punch_was_killed`` (the attacker named);
  the room hears the hit sound (from the attacker) and the victim's cry (from the
  victim); the attacker reads ``attacker_hit``, the victim ``defender_hit``;
* a miss: the attacker reads ``attacker_miss``, the room hears the swish, the victim
  reads ``defender_miss``;
* a kill: the killer reads ``punch_killed_something``, then ``murder_branded`` (with the
  victim named) or ``murder_again`` when the victim was innocent;
* a player who may not fight players, going into or out of a kill zone, reads
  ``kill_zone_entered`` or ``kill_zone_left`` (user.kod).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from emulator.content.model import CombatMessages, KindMessages
from emulator.game.context import GameContext
from emulator.game.session import GameSession
from emulator.rules.feedback import Defence, damage_word, described_damage, ouch_sound
from emulator.rules.pvp import AttackRefusal, Murder
from emulator.world.events import (
    AttackResolved,
    KillZoneCrossed,
    MonsterAttacked,
    MonsterKilled,
    PlayerAttacked,
    PlayerAttackRefused,
    PlayerKilledPlayer,
    PlayerOutlawed,
)


def attack_resolved(ctx: GameContext, messages: CombatMessages, event: AttackResolved) -> None:
    """The hit sound, then the attacker's message; or the message, then the swish."""
    if event.hit and event.sound:
        room_sound(ctx, event.room, messages.id(event.sound), event.attacker)
    attacker = ctx.in_world.get(event.attacker)
    if attacker is not None:
        _tell(attacker, messages, *_attacker_message(ctx, messages, event))
    if not event.hit and event.sound:
        room_sound(ctx, event.room, messages.id(event.sound), event.attacker)


def _attacker_message(ctx: GameContext, messages: CombatMessages, event: AttackResolved) -> tuple[str, list[Any]]:
    kind = messages.kind(event.target_kind)
    if event.hit:
        word = damage_word(described_damage(event.damage, event.target_health_left <= 0), event.damage_type)
        weapon = _spell_name(ctx, event.spell) if event.spell else _weapon_name(ctx, messages, event.weapon)
        return "attacker_hit", [messages.id("blue_text"), weapon, messages.id(word),
                                _article(messages, kind, capital=False), _name(ctx, event.target_kind)]
    defence = Defence(event.defence or Defence.AVOID.value).word(singular=True)
    return "attacker_miss", [messages.id("blue_text"), _article(messages, kind, capital=True),
                             _name(ctx, event.target_kind), messages.id(defence)]


def monster_killed(ctx: GameContext, messages: CombatMessages, event: MonsterKilled) -> None:
    """The killer's punch message, then the room hears the monster's death sound, from
    its body as the original plays it (from the monster when the kind leaves none)."""
    killer = ctx.in_world.get(event.killer)
    if killer is not None:
        kind = messages.kind(event.kind)
        params = [_article(messages, kind, capital=True), _name(ctx, event.kind)]
        own = _touch_text(ctx, event.spell, "killed_something")
        if own is not None:  # a touch spell tells the kill in its own words (PlayerKilledSomethingMsg)
            killer.send("BP_MESSAGE", format=own, params=params)
        else:
            _tell(killer, messages, "punch_killed_something", params)
    death = _kind_sound(ctx, event.kind, "death")
    if death is not None:
        room_sound(ctx, event.room, death, event.corpse_id if event.corpse_id is not None else event.monster_id)


def monster_attacked(ctx: GameContext, messages: CombatMessages, event: MonsterAttacked) -> None:
    """The monster's sounds (and the victim's cry), then the victim's message."""
    miss_sound = _kind_sound(ctx, event.kind, "miss")
    victim = ctx.world.player(event.victim) if event.victim in ctx.in_world else None
    if miss_sound is not None:
        room_sound(ctx, event.room, miss_sound, event.victim)
        if event.hit and victim is not None:
            session = ctx.in_world[event.victim]
            gender = session.avatar.gender if session.avatar is not None else 0
            cry = ouch_sound(gender, event.health_left, victim.stats.max_health)
            room_sound(ctx, event.room, messages.id(cry.key), event.victim)
    if victim is None:
        return
    session = ctx.in_world[event.victim]
    kind = messages.kind(event.kind)
    if event.hit:
        damage = described_damage(event.damage, event.health_left <= 0, True, victim.stats.max_health)
        attack_name = kind.attack_name.resource_id if kind.attack_name is not None else messages.id("monster_attack")
        params = [messages.id("blue_text"), _article(messages, kind, capital=True), _name(ctx, event.kind),
                  messages.id(damage_word(damage, event.damage_type)), messages.id(_his_her(kind)), attack_name]
        _tell(session, messages, "defender_hit", params)
    else:
        defence = Defence(event.defence or Defence.AVOID.value).word(singular=False)
        params = [messages.id("blue_text"), messages.id(defence), _article(messages, kind, capital=False), _name(ctx, event.kind)]
        _tell(session, messages, "defender_miss", params)


def player_attack_refused(ctx: GameContext, messages: CombatMessages, event: PlayerAttackRefused) -> None:
    attacker = ctx.in_world.get(event.player_id)
    if attacker is None:
        return
    params = [messages.id("article_none"), _player_name(ctx, event.victim)] if AttackRefusal(event.reason).names_victim else []
    _tell(attacker, messages, f"refused_{event.reason}", params)


def kill_zone_crossed(ctx: GameContext, messages: CombatMessages, event: KillZoneCrossed) -> None:
    session = ctx.in_world.get(event.player_id)
    if session is not None:
        _tell(session, messages, "kill_zone_entered" if event.entered else "kill_zone_left", [])


def player_outlawed(ctx: GameContext, messages: CombatMessages, event: PlayerOutlawed) -> None:
    session = ctx.in_world.get(event.player_id)
    if session is not None:
        _tell(session, messages, "outlawed", [])


def player_attacked(ctx: GameContext, messages: CombatMessages, event: PlayerAttacked) -> None:
    """A blow between players in the original's order (see the module's notes)."""
    attacker = ctx.in_world.get(event.attacker)
    victim = ctx.in_world.get(event.victim)
    plain = messages.id("plain_text")
    none, cap_none = messages.id("article_none"), messages.id("cap_article_none")
    attacker_name, victim_name = _player_name(ctx, event.attacker), _player_name(ctx, event.victim)
    if not event.hit:
        if attacker is not None:
            defence = Defence(event.defence or Defence.AVOID.value).word(singular=True)
            _tell(attacker, messages, "attacker_miss", [plain, cap_none, victim_name, messages.id(defence)])
        if event.sound:
            room_sound(ctx, event.room, messages.id(event.sound), event.attacker)
        if victim is not None:
            defence = Defence(event.victim_defence or Defence.AVOID.value).word(singular=False)
            _tell(victim, messages, "defender_miss", [plain, messages.id(defence), none, attacker_name])
        return
    killed = event.health_left <= 0
    if killed and victim is not None:
        own = _touch_text(ctx, event.spell, "was_killed")
        if own is not None:  # PlayerWasKilledMsg of a touch spell
            victim.send("BP_MESSAGE", format=own, params=[none, attacker_name])
        else:
            _tell(victim, messages, "punch_was_killed", [none, attacker_name])
    if event.sound:
        room_sound(ctx, event.room, messages.id(event.sound), event.attacker)
    max_health = ctx.world.player(event.victim).stats.max_health
    cry = ouch_sound(_gender(victim), event.health_left, max_health)
    room_sound(ctx, event.room, messages.id(cry.key), event.victim)
    word = messages.id(damage_word(described_damage(event.damage, killed, True, max_health), event.damage_type))
    punch = _spell_name(ctx, event.spell) if event.spell else _weapon_name(ctx, messages, event.weapon)
    if attacker is not None:
        _tell(attacker, messages, "attacker_hit", [plain, punch, word, none, victim_name])
    if victim is not None:
        his_her = messages.id({1: "his", 2: "her"}.get(_gender(attacker), "its"))
        _tell(victim, messages, "defender_hit", [plain, cap_none, attacker_name, word, his_her, punch])


def player_killed_player(ctx: GameContext, messages: CombatMessages, event: PlayerKilledPlayer) -> None:
    killer = ctx.in_world.get(event.killer)
    if killer is None:
        return
    victim_name = _player_name(ctx, event.victim)
    own = _touch_text(ctx, event.spell, "killed_something")
    if own is not None:  # a touch spell's own words for the kill
        killer.send("BP_MESSAGE", format=own, params=[messages.id("cap_article_none"), victim_name])
    else:
        _tell(killer, messages, "punch_killed_something", [messages.id("cap_article_none"), victim_name])
    if event.murder == Murder.BRANDED.value:
        _tell(killer, messages, "murder_branded", [messages.id("article_none"), victim_name])
    elif event.murder == Murder.AGAIN.value:
        _tell(killer, messages, "murder_again", [])


def _player_name(ctx: GameContext, player_id: int) -> int:
    """GetName of a player: the resource its name is shown by (0, nothing, once gone)."""
    session = ctx.in_world.get(player_id)
    return session.avatar.name_resource if session is not None and session.avatar is not None else 0


def _gender(session: GameSession | None) -> int:
    return session.avatar.gender if session is not None and session.avatar is not None else 0


def _tell(session: GameSession, messages: CombatMessages, purpose: str, params: list[Any]) -> None:
    session.send("BP_MESSAGE", format=messages.id(purpose), params=params)


def _article(messages: CombatMessages, kind: KindMessages, capital: bool) -> int:
    """GetDef / GetCapDef: the kind's definite article ("the " unless it has none)."""
    return messages.id(f"{'cap_' if capital else ''}article_{kind.article}")


def _his_her(kind: KindMessages) -> str:
    return {"male": "his", "female": "her"}.get(kind.gender, "its")


def _spell_name(ctx: GameContext, key: str) -> int:
    """An attack spell's name (its GetAttackName), by the original's id when it has one."""
    spell = ctx.definition.spells[key]
    own = spell.text_id("name")
    return own if own is not None else ctx.resources.id(spell.name)


def _touch_text(ctx: GameContext, key: str, purpose: str) -> int | None:
    """A touch spell's own words for a blow (``hit_something``, ``was_killed``...), by the
    resource id of the text; None for no spell, another kind of spell, or no such words."""
    spell = ctx.definition.spells.get(key) if key else None
    if spell is None or spell.effect != "touch":
        return None
    text = spell.text(purpose)
    return ctx.resources.id(text) if text else None


def _weapon_name(ctx: GameContext, messages: CombatMessages, weapon: str) -> int:
    """What the blow was struck with (battler.kod AssessHit's weapon name): the wielded
    item's name, or the punch word bare-handed."""
    return _name(ctx, weapon) if weapon else messages.id("punch")


def _name(ctx: GameContext, kind_key: str) -> int:
    """GetName: the kind's own name resource (the id the original gives that class)."""
    kind = ctx.definition.kinds.get(kind_key)
    if kind is None:
        return 0
    # asked on every blow: a scan of the few pairs (the last one counts, as in a dict),
    # not a dict built each time
    own = next((resource_id for field, resource_id in reversed(kind.resource_ids) if field == "name"), None)
    return own if own is not None else ctx.resources.id(kind.name)


def _kind_sound(ctx: GameContext, kind_key: str, what: str) -> int | None:
    kind = ctx.definition.kinds.get(kind_key)
    return kind.monster.sound_id(what) if kind is not None and kind.monster is not None else None


def room_sound(ctx: GameContext, room: str, wave: int, source: int) -> None:
    """SomethingWaveRoom: one BP_PLAY_WAVE, encoded once, to every player in the room."""
    encoded = None
    for session in _in_room(ctx, room):
        if encoded is None:
            encoded = ctx.encode("BP_PLAY_WAVE", wave=wave, source=source, flags=0, row=0, col=0, radius=0, max_volume=0)
        session.queue(encoded)


def _in_room(ctx: GameContext, room: str) -> Iterator[GameSession]:
    for player in ctx.world.players_here(room):
        session = ctx.in_world.get(player.object_id)
        if session is not None:
            yield session
