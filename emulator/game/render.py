"""The one place where world events become messages for the players who perceive them.

Every event kind of :data:`emulator.world.events.WorldEvent` has a case below; mypy's
exhaustiveness check (``assert_never``) fails the build when a new kind has none.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, assert_never


from emulator.game import item_attribute_messages
from emulator.game import (
    bank_messages, enchantment_messages, fight_messages, hinder_messages, item_messages, looks, room_enchantment_messages,
    room_view, sheet, shop_messages, skill_messages, song_messages, spell_messages, spell_reports, texts, trade_messages, views,
)
from emulator.game import light_messages
from emulator.game.context import GameContext
from emulator.game.session import GameSession
from emulator.logs import logger
from emulator.rules.pvp import AttackRefusal, Murder
from emulator.wire.outgoing import Encoded
from emulator.world import spellbook
from emulator.world.objects import Player
from emulator.world.events import (
    AbilityForgotten,
    AbilityLearned,
    ActivateFailed,
    AdvancementCapped,
    AttackResolved,
    ItemConsumed,
    CarriedChanged,
    CarriedGained,
    CarriedLost,
    ItemUnused,
    ItemUsed,
    DeathAnnounced,
    ItemRefused,
    KeeperSaid,
    BankerSaid,
    BankUnanswered,
    VaultKeeperSaid,
    DeathPenaltyPaid,
    EnchantmentEnded,
    EnchantmentStarted,
    FeignedDeath,
    SummonVanished,
    MaxHealthGained,
    KillZoneCrossed,
    MonsterAttacked,
    MonsterKilled,
    MoveRefused,
    ObjectChanged,
    PlayerLightChanged,
    ItemShown,
    ItemsSwapped,
    ObjectEntered,
    ObjectLeft,
    ObjectMoved,
    ObjectTurned,
    PlayerAttacked,
    PlayerAttackRefused,
    PlayerJoined,
    PlayerDied,
    PlayerKilledPlayer,
    PlayerOutlawed,
    PlayerLeft,
    PlayerMovedRoom,
    Said,
    SayRefused,
    SkillImproved,
    TradeCanceled,
    TradeShown,
    TradeTold,
    VitalsChanged,
    SpellCast,
    SpellImproved,
    SpellMurmured,
    SpellTold,
    SpellReported,
    SongPlayed,
    SongTold,
    WorldEvent,
)
from emulator.world.events import PlayerHindered, ScreenEffect
from protocol_specs.opcodes import SayType

log = logger("m59emu.game")



#: Events only the players in their room see: skipped at once where nobody is (most of
#: the world's monsters wander in empty rooms).
_SEEN_IN_ROOM_ONLY = frozenset({ObjectEntered, ObjectChanged, ObjectLeft, ObjectMoved, ObjectTurned})


def render(ctx: GameContext, events: Iterable[WorldEvent]) -> None:
    world = ctx.world
    for event in events:
        if type(event) in _SEEN_IN_ROOM_ONLY and not world.has_players(event.room):  # type: ignore[union-attr]
            continue
        render_event(ctx, event)


def render_event(ctx: GameContext, event: WorldEvent) -> None:
    match event:
        case ObjectEntered():
            thing = ctx.world.object(event.object_id)
            if thing is not None:
                looks.show_object(ctx, _watchers(ctx, event.room, but=event.object_id), "BP_CREATE", thing, room_view.seen_object)
        case ObjectChanged():
            thing = ctx.world.object(event.object_id)
            if thing is not None:
                looks.show_object(ctx, _watchers(ctx, event.room, but=event.object_id), "BP_CHANGE", thing, room_view.changed_object)
        case ObjectLeft():
            _show(ctx, _watchers(ctx, event.room, but=event.object_id), "BP_REMOVE", {"id": event.object_id})
        case ObjectMoved():
            fields = {"id": event.object_id, "y": event.y, "x": event.x, "speed": event.speed}
            # a player the world moved (a teleport) sees it too; a walker moved itself already
            but = event.object_id if event.mover is not None or event.object_id not in ctx.in_world else None
            _show(ctx, _watchers(ctx, event.room, but=but), "BP_MOVE", fields)
        case ObjectTurned():
            fields = {"id": event.object_id, "angle": event.angle}
            # a player the world turned (a blind stumble) sees it too; a turner turned itself already
            but = event.object_id if event.mover is not None or event.object_id not in ctx.in_world else None
            _show(ctx, _watchers(ctx, event.room, but=but), "BP_TURN", fields)
        case PlayerMovedRoom():
            traveller = ctx.in_world.get(event.player_id)
            if traveller is not None and traveller.avatar is not None:
                room_view.send_room(ctx, traveller, traveller.avatar)
        case MoveRefused():
            mover = ctx.in_world.get(event.player_id)
            if mover is not None:  # put the client back where the server has it
                mover.send("BP_MOVE", id=event.player_id, y=event.y, x=event.x, speed=0)
        case Said():
            _said(ctx, event)
        case SayRefused():
            # The speaker is not told, as the original's spam filter tells nobody.
            log.debug("speech refused: {reason}", reason=event.reason)
        case PlayerJoined():
            newcomer = ctx.in_world.get(event.player_id)
            if newcomer is not None and newcomer.avatar is not None:
                _show(ctx, _players(ctx, event.audience), "BP_PLAYER_ADD", room_view.player_entry(newcomer.avatar))
        case PlayerLeft():
            _show(ctx, _players(ctx, event.audience), "BP_PLAYER_REMOVE", {"id": event.player_id})
        case AttackResolved():
            _attack_resolved(ctx, event)
        case MonsterKilled():
            if ctx.definition.messages is not None:  # the original's words, then the monster goes
                fight_messages.monster_killed(ctx, ctx.definition.messages, event)
            _show(ctx, _watchers(ctx, event.room, but=event.monster_id), "BP_REMOVE", {"id": event.monster_id})
            _monster_killed(ctx, event)
        case MonsterAttacked():
            _monster_attacked(ctx, event)
        case PlayerDied():
            _player_died(ctx, event)
        case VitalsChanged():
            _vitals_changed(ctx, event)
        case DeathAnnounced():
            _death_announced(ctx, event)
        case MaxHealthGained():
            _max_health_gained(ctx, event)
        case DeathPenaltyPaid():
            _death_penalty_paid(ctx, event)
        case SkillImproved():
            skill_messages.skill_improved(ctx, event)
        case AdvancementCapped():
            skill_messages.advancement_capped(ctx, event)
        case PlayerAttackRefused():
            _player_attack_refused(ctx, event)
        case PlayerOutlawed():
            _player_outlawed(ctx, event)
        case PlayerAttacked():
            _player_attacked(ctx, event)
        case PlayerKilledPlayer():
            _player_killed_player(ctx, event)
        case KillZoneCrossed():
            _kill_zone_crossed(ctx, event)
        case CarriedGained():
            _carried_gained(ctx, event)
        case CarriedChanged():
            _carried_changed(ctx, event)
        case CarriedLost():
            session = ctx.in_world.get(event.player_id)
            if session is not None:
                session.send("BP_INVENTORY_REMOVE", id=event.item_id)
        case ItemRefused():
            item_messages.item_refused(ctx, event)
        case ItemUsed() | ItemUnused():
            session = ctx.in_world.get(event.player_id)
            if session is not None:
                session.send("BP_USE" if isinstance(event, ItemUsed) else "BP_UNUSE", id=event.item_id)
        case ItemConsumed():
            item_messages.item_consumed(ctx, event)
        case PlayerLightChanged():
            item_attribute_messages.player_light_changed(ctx, event)
        case ItemShown():
            item_attribute_messages.item_shown(ctx, event)
        case ItemsSwapped():
            item_attribute_messages.items_swapped(ctx, event)
        case ActivateFailed():
            item_messages.activate_failed(ctx, event)
        case KeeperSaid():
            shop_messages.keeper_said(ctx, event)
        case TradeShown():
            trade_messages.trade_shown(ctx, event)
        case TradeCanceled():
            trade_messages.trade_canceled(ctx, event)
        case TradeTold():
            trade_messages.trade_told(ctx, event)
        case BankerSaid():
            bank_messages.banker_said(ctx, event)
        case BankUnanswered():
            bank_messages.bank_unanswered(ctx, event)
        case VaultKeeperSaid():
            bank_messages.vault_keeper_said(ctx, event)
        case EnchantmentStarted():
            _show(ctx, enchantment_messages.audience(ctx, event), "BP_ADD_ENCHANTMENT",
                  enchantment_messages.started_fields(ctx, event))
            _enchantment_stats(ctx, event.target_id, event.stats_changed)
            looks.enchantment_changed(ctx, event, room_view.changed_object)
            room_enchantment_messages.started(ctx, event)
            light_messages.enchantment_light(ctx, event)
        case EnchantmentEnded():
            room_enchantment_messages.ended(ctx, event)
            _show(ctx, enchantment_messages.audience(ctx, event), "BP_REMOVE_ENCHANTMENT",
                  enchantment_messages.ended_fields(ctx, event))
            _enchantment_stats(ctx, event.target_id, event.stats_changed)
            looks.enchantment_changed(ctx, event, room_view.changed_object)
            light_messages.enchantment_light(ctx, event)
        case AbilityLearned():
            _ability_learned(ctx, event)
        case AbilityForgotten():
            _ability_forgotten(ctx, event)
        case SpellTold():
            spell_messages.spell_told(ctx, event)
        case SpellCast():
            spell_messages.spell_cast(ctx, event)
        case SpellImproved():
            spell_messages.spell_improved(ctx, event)
        case SpellMurmured():
            spell_messages.spell_murmured(ctx, event)
        case ScreenEffect():
            hinder_messages.screen_effect(ctx, event)
        case PlayerHindered():
            hinder_messages.player_hindered(ctx, event)
        case SpellReported():
            spell_reports.spell_reported(ctx, event)
        case FeignedDeath():
            looks.feigned_death(ctx, event)
        case SongTold():
            song_messages.song_told(ctx, event)
        case SongPlayed():
            song_messages.song_played(ctx, event)
        case SummonVanished():
            looks.summon_vanished(ctx, event)
        case _:
            assert_never(event)


def _enchantment_stats(ctx: GameContext, player_id: int, changed: bool) -> None:
    """A player whose enchantment moved its attributes sees them again."""
    session = ctx.in_world.get(player_id) if changed else None
    if session is not None:
        sheet.send_attributes(session, ctx.resources, ctx.world.effective_stats(player_id))


def _ability_learned(ctx: GameContext, event: AbilityLearned) -> None:
    """The new spell joins the client's list (user.kod ToCliAddSpell: BP_SPELL_ADD, then
    the spells' stat group); a new skill likewise with BP_SKILL_ADD and the skills' group."""
    session = ctx.in_world.get(event.player_id)
    if session is None:
        return
    player = ctx.world.player(event.player_id)
    if event.spell:
        spell = ctx.definition.spells.get(event.key)
        if spell is not None:
            session.send("BP_SPELL_ADD", **sheet.spell_object(ctx.resources, spell))
    else:
        skill = ctx.definition.skills.get(event.key)
        if skill is not None:
            session.send("BP_SKILL_ADD", **sheet.skill_object(ctx.resources, skill))
    _send_ability_group(ctx, session, player, event.spell)
    messages = ctx.definition.messages
    if event.spell and messages is not None and "learn_sound" in messages.texts:  # the room hears it (AddSpell)
        fight_messages.room_sound(ctx, player.room, messages.id("learn_sound"), event.player_id)


def _ability_forgotten(ctx: GameContext, event: AbilityForgotten) -> None:
    """BP_SPELL_REMOVE (user.kod ToCliRemoveSpell) or BP_SKILL_REMOVE by the object's id,
    then the group without it."""
    session = ctx.in_world.get(event.player_id)
    if session is None:
        return
    player = ctx.world.player(event.player_id)
    if event.spell:
        spell = ctx.definition.spells.get(event.key)
        if spell is not None:
            session.send("BP_SPELL_REMOVE", id=spellbook.spell_object_id(spell))
    else:
        skill = ctx.definition.skills.get(event.key)
        if skill is not None:
            session.send("BP_SKILL_REMOVE", id=spellbook.skill_object_id(skill))
    _send_ability_group(ctx, session, player, event.spell)


def _send_ability_group(ctx: GameContext, session: GameSession, player: Player, spells: bool) -> None:
    """The spells' (or the skills') stat group as it stands now."""
    if spells:
        session.send("BP_STAT_GROUP", group=sheet.StatGroup.SPELLS, stats=sheet.spell_stats(ctx.resources, ctx.definition, player))
    else:
        session.send("BP_STAT_GROUP", group=sheet.StatGroup.SKILLS, stats=sheet.skill_stats(ctx.resources, ctx.definition, player))


def _show(ctx: GameContext, sessions: Iterable[GameSession], message: str, fields: dict[str, Any]) -> None:
    """One message for many players: encoded once (only if anyone sees it), queued for each."""
    encoded = None
    for session in sessions:
        if encoded is None:
            encoded = ctx.encode_fields(message, fields)
        session.queue(encoded)


def _watchers(ctx: GameContext, room: str, but: int | None) -> Iterator[GameSession]:
    """The sessions of the players in ``room``, except the object the event is about."""
    for player in ctx.world.players_here(room):
        if player.object_id != but:
            session = ctx.in_world.get(player.object_id)
            if session is not None:
                yield session


def _players(ctx: GameContext, player_ids: Iterable[int]) -> Iterator[GameSession]:
    for player_id in player_ids:
        session = ctx.in_world.get(player_id)
        if session is not None:
            yield session


def _said(ctx: GameContext, event: Said) -> None:
    """The speaker reads "You say", everyone else "<name> says": two encodings at most."""
    speaker = ctx.in_world.get(event.speaker_id)
    if speaker is None or speaker.avatar is None:
        return
    avatar = speaker.avatar
    say_type = event.say_type if event.say_type in texts.SAY else SayType.SAY_NORMAL
    encoded: dict[bool, Encoded] = {}
    for listener in _players(ctx, event.audience):
        is_speaker = listener is speaker
        message = encoded.get(is_speaker)
        if message is None:
            text_format = texts.SAY_SELF[say_type] if is_speaker else texts.SAY[say_type]
            params: list[Any] = [avatar.name_resource, event.text] if text_format.startswith("%s") else [event.text]
            message = encoded[is_speaker] = ctx.encode(
                "BP_SAID",
                sender=avatar.player_id,
                sender_name=avatar.name_resource,
                say_type=say_type,
                text={"format": ctx.resources.id(text_format), "params": params},
            )
        listener.queue(message)


def _kind_name(ctx: GameContext, kind: str) -> str:
    found = ctx.definition.kinds.get(kind)
    return found.name if found is not None else "it"


def _swing(
    ctx: GameContext, room: str, object_id: int, animation: tuple[int, int, int, int], target: int | None = None
) -> None:
    """The others in the room see the attacker swing: a BP_CHANGE of it playing its attack
    once (the original's SomethingChanged with the attack animation set). The target sees
    it too, even when the blow has already sent it to the dead (the original shows the
    swing before it deals the damage)."""
    thing = ctx.world.object(object_id)
    watchers = list(_watchers(ctx, room, but=object_id))
    victim = ctx.in_world.get(target) if target is not None else None
    if victim is not None and victim not in watchers:
        watchers.append(victim)
    if thing is None or not watchers:
        return
    looks.show_object(ctx, watchers, "BP_CHANGE", thing,
                      lambda ctx, thing, seeing: room_view.room_object(ctx, thing, views.play_once(*animation), seeing))


def _attack_resolved(ctx: GameContext, event: AttackResolved) -> None:
    """The attacker reads how the swing went (our own sentences until the original's
    texts are sent); a killing blow is told by :class:`MonsterKilled`. The room sees
    the punch."""
    _swing(ctx, event.room, event.attacker, views.FIST_ATTACK)
    if ctx.definition.messages is not None:
        fight_messages.attack_resolved(ctx, ctx.definition.messages, event)
        return
    attacker = ctx.in_world.get(event.attacker)
    if attacker is None or event.target_health_left <= 0:
        return
    name = _kind_name(ctx, event.target_kind)
    if event.hit:
        weapon = f" with your {_kind_name(ctx, event.weapon)}" if event.weapon else ""
        text = f"You hit the {name}{weapon} for {event.damage} damage."
    else:
        text = f"You miss the {name}."
    attacker.send("BP_MESSAGE", **views.text_message(ctx.resources, text))


def _monster_killed(ctx: GameContext, event: MonsterKilled) -> None:
    killer = ctx.in_world.get(event.killer)
    if killer is None:
        return
    if ctx.definition.messages is None:  # else the original's words are told already
        killer.send("BP_MESSAGE", **views.text_message(ctx.resources, f"You killed the {_kind_name(ctx, event.kind)}."))
    if event.karma_changed:  # the attributes as the character sheet sends them, one BP_STAT each
        sheet.send_attributes(killer, ctx.resources, ctx.world.effective_stats(event.killer))


def _monster_attacked(ctx: GameContext, event: MonsterAttacked) -> None:
    """The victim reads how the monster's swing went (our own sentences) and, on a hit,
    sees its health bar at what the blow left (one BP_STAT, slot 1 of the condition group)."""
    kind = ctx.definition.kinds.get(event.kind)
    if kind is not None and kind.monster is not None and kind.monster.attack_animation is not None:
        _swing(ctx, event.room, event.monster_id, kind.monster.attack_animation, event.victim)
    victim = ctx.in_world.get(event.victim)
    if ctx.definition.messages is not None:
        fight_messages.monster_attacked(ctx, ctx.definition.messages, event)
    if victim is None:
        return
    name = _kind_name(ctx, event.kind)
    if ctx.definition.messages is not None:
        pass  # told in the original's words above
    elif event.hit:
        victim.send("BP_MESSAGE", **views.text_message(ctx.resources, f"The {name} hits you for {event.damage} damage."))
    else:
        victim.send("BP_MESSAGE", **views.text_message(ctx.resources, f"The {name} misses you."))
    if event.hit:
        bars = sheet.condition(ctx.resources, ctx.world.player(event.victim).stats, health=event.health_left)
        victim.send("BP_STAT", group=sheet.StatGroup.CONDITION, stat=bars[0])


# Our own sentences for player against player, where the world has not the original's.
_REFUSALS = {
    AttackRefusal.SELF: "Attacking yourself is not possible.",
    AttackRefusal.NO_COMBAT: "Fighting is not allowed in this place.",
    AttackRefusal.NO_PK_ROOM: "Players cannot be attacked in this place.",
    AttackRefusal.GUILD_ROOM: "Here only guild members may fight each other.",
    AttackRefusal.SAFE_SERVER: "Player killing is turned off on this server.",
    AttackRefusal.NEWBIE_ATTACKER: "You need more experience before you can fight other players.",
    AttackRefusal.NEWBIE_VICTIM: "{victim} is too new to be attacked.",
    AttackRefusal.SAFETY: "Your safety is on: you held back from attacking {victim}.",
}
_MURDERS = {
    Murder.BRANDED.value: "You are a murderer now.",
    Murder.AGAIN.value: "You have killed another innocent player.",
}


def _player_name(ctx: GameContext, player_id: int) -> str:
    return ctx.world.player(player_id).name


def _tell_text(ctx: GameContext, session: GameSession | None, text: str) -> None:
    if session is not None:
        session.send("BP_MESSAGE", **views.text_message(ctx.resources, text))


def _player_attack_refused(ctx: GameContext, event: PlayerAttackRefused) -> None:
    if ctx.definition.messages is not None:
        fight_messages.player_attack_refused(ctx, ctx.definition.messages, event)
        return
    text = _REFUSALS[AttackRefusal(event.reason)].format(victim=_player_name(ctx, event.victim))
    _tell_text(ctx, ctx.in_world.get(event.player_id), text)


def _player_outlawed(ctx: GameContext, event: PlayerOutlawed) -> None:
    if ctx.definition.messages is not None:
        fight_messages.player_outlawed(ctx, ctx.definition.messages, event)
        return
    _tell_text(ctx, ctx.in_world.get(event.player_id), "You attacked an innocent player: you are an outlaw now.")


def _player_attacked(ctx: GameContext, event: PlayerAttacked) -> None:
    """Both players read how the swing went; on a hit the victim sees its health bar at
    what the blow left (one BP_STAT, as for a monster's blow)."""
    victim = ctx.in_world.get(event.victim)
    if ctx.definition.messages is not None:
        fight_messages.player_attacked(ctx, ctx.definition.messages, event)
    else:
        attacker_name, victim_name = _player_name(ctx, event.attacker), _player_name(ctx, event.victim)
        attacker = ctx.in_world.get(event.attacker)
        if event.hit:
            held = _kind_name(ctx, event.weapon) if event.weapon else ""
            article = "an" if held[:1].lower() in "aeiou" else "a"
            yours, theirs = (f" with your {held}", f" with {article} {held}") if held else ("", "")
            _tell_text(ctx, attacker, f"You hit {victim_name}{yours} for {event.damage} damage.")
            _tell_text(ctx, victim, f"{attacker_name} hits you{theirs} for {event.damage} damage.")
        else:
            _tell_text(ctx, attacker, f"You miss {victim_name}.")
            _tell_text(ctx, victim, f"{attacker_name} misses you.")
    if event.hit and victim is not None:
        bars = sheet.condition(ctx.resources, ctx.world.player(event.victim).stats, health=event.health_left)
        victim.send("BP_STAT", group=sheet.StatGroup.CONDITION, stat=bars[0])


def _kill_zone_crossed(ctx: GameContext, event: KillZoneCrossed) -> None:
    if ctx.definition.messages is not None:
        fight_messages.kill_zone_crossed(ctx, ctx.definition.messages, event)
        return
    text = ("Beware: other players may attack you in this place." if event.entered
            else "You have left the kill zone: other players cannot attack you here.")
    _tell_text(ctx, ctx.in_world.get(event.player_id), text)


def _player_killed_player(ctx: GameContext, event: PlayerKilledPlayer) -> None:
    killer = ctx.in_world.get(event.killer)
    if ctx.definition.messages is not None:
        fight_messages.player_killed_player(ctx, ctx.definition.messages, event)
    else:
        _tell_text(ctx, killer, f"You killed {_player_name(ctx, event.victim)}.")
        if event.murder in _MURDERS:
            _tell_text(ctx, killer, _MURDERS[event.murder])
    if killer is not None and event.karma_changed:
        sheet.send_attributes(killer, ctx.resources, ctx.world.effective_stats(event.killer))


def _player_died(ctx: GameContext, event: PlayerDied) -> None:
    """The dead player is told, and sees its bars at the revival vitals; the new room
    follows with :class:`PlayerMovedRoom`."""
    dead = ctx.in_world.get(event.player_id)
    if dead is None:
        return
    dead.send("BP_MESSAGE", **views.text_message(ctx.resources, "You have died."))
    sheet.send_condition(dead, ctx.resources, ctx.world.player(event.player_id).stats)


def _vitals_changed(ctx: GameContext, event: VitalsChanged) -> None:
    """The player sees its condition bars again, each as its own BP_STAT (as on entering)."""
    session = ctx.in_world.get(event.player_id)
    if session is None:
        return
    sheet.send_condition(session, ctx.resources, ctx.world.player(event.player_id).stats)


def _death_announced(ctx: GameContext, event: DeathAnnounced) -> None:
    """Everyone online reads of the death (our own sentence; the original tells every
    logged-on player who was killed by what)."""
    if event.killer_kind:
        text = f"{event.victim_name} has fallen to the {_kind_name(ctx, event.killer_kind)}."
    else:
        text = f"{event.victim_name} has died."
    _show(ctx, _players(ctx, event.audience), "BP_MESSAGE", views.text_message(ctx.resources, text))


def _max_health_gained(ctx: GameContext, event: MaxHealthGained) -> None:
    """The player is told it grew tougher and sees its bars at the new maximum, full."""
    session = ctx.in_world.get(event.player_id)
    if session is None:
        return
    session.send("BP_MESSAGE", **views.text_message(ctx.resources, "That fight has hardened you: your health grows."))
    sheet.send_condition(session, ctx.resources, ctx.world.player(event.player_id).stats)


def _death_penalty_paid(ctx: GameContext, event: DeathPenaltyPaid) -> None:
    """The player sees its bars after the penalty (the original tells nothing more)."""
    session = ctx.in_world.get(event.player_id)
    if session is None:
        return  # e.g. it paid by logging off
    sheet.send_condition(session, ctx.resources, ctx.world.player(event.player_id).stats)


def _carried_gained(ctx: GameContext, event: CarriedGained) -> None:
    session = ctx.in_world.get(event.player_id)
    item = ctx.world.items.by_id.get(event.item_id)
    if session is not None and item is not None:
        session.send("BP_INVENTORY_ADD", **room_view.inventory_object(ctx, item))


def _carried_changed(ctx: GameContext, event: CarriedChanged) -> None:
    session = ctx.in_world.get(event.player_id)
    item = ctx.world.items.by_id.get(event.item_id)
    if session is not None and item is not None:
        session.send("BP_CHANGE", **room_view.changed_inventory_object(ctx, item))
