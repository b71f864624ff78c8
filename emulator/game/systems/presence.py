"""A character entering the world (the entry burst) and leaving it (logoff, quit, a
dropped connection)."""

from __future__ import annotations

from typing import Any

from emulator.game import room_view, sheet, texts, views
from emulator.game.context import GameContext
from emulator.game.render import render
from emulator.game.requests import Fields, System
from emulator.game.session import Avatar, GameSession, Phase
from emulator.rules import spellbook as spellbook_rules
from emulator.store.accounts import USER
from emulator.store.characters import CharacterRecord, CharacterState
from emulator.world import holding
from emulator.world.events import Position
from emulator.world.objects import Player, Stats
from protocol_specs.opcodes import UC


def enter_world(ctx: GameContext, session: GameSession, record: CharacterRecord) -> None:
    placement = None
    if record.room is not None and record.room in ctx.definition.rooms:
        placement = Position(record.room, record.y, record.x, record.angle)
    stats = Stats(
        health=record.health, max_health=record.max_health, mana=record.mana, max_mana=record.max_mana,
        vigor=record.vigor, might=record.might, intellect=record.intellect, stamina=record.stamina,
        agility=record.agility, mysticism=record.mysticism, aim=record.aim, karma=record.karma,
        base_max_health=record.max_health if record.base_max_health is None else record.base_max_health,
    )
    player_id, events = ctx.world.add_player(
        record.id, record.name, placement, stats, ctx.now(), enchantments=record.enchantments,
    )
    player = ctx.world.player(player_id)
    # saved values are trusted only within their ranges
    player.karma_fraction = max(-99, min(99, record.karma_fraction))
    player.gain_chance, player.death_cost = record.gain_chance, max(0, min(100, record.death_cost))
    player.past_tutorial, player.safety = record.past_tutorial, record.safety
    player.outlaw, player.murderer = record.outlaw, record.murderer
    # the spellbook: what the world no longer defines is kept (saved back) but not shown
    player.spells = {key: max(1, min(99, ability)) for key, ability in record.spells.items()}
    player.skills = {key: max(1, min(99, ability)) for key, ability in record.skills.items()}
    avatar = Avatar(player_id, record.id, record.name, ctx.resources.add_name(record.name), gender=record.gender)
    session.avatar = avatar
    session.phase = Phase.IN_WORLD
    ctx.in_world[player_id] = session
    session.link.character_entered()
    # A new dynamic name: every client learns its text before anything shows it.
    name = ctx.encode("BP_CHANGE_RESOURCE", resource=avatar.name_resource, text=avatar.name)
    for other in ctx.sessions.values():
        other.queue(name)
    render(ctx, events)
    send_entry_burst(ctx, session, avatar)
    render(ctx, holding.restarted(ctx.world, player_id))  # a hold or blindness it logged off with, shown again


def send_entry_burst(ctx: GameContext, session: GameSession, avatar: Avatar) -> None:
    """What the stock client needs to show a playable room, in the order it expects."""
    resources = ctx.resources
    session.send("BP_LOAD_MODULE", module=resources.id(texts.UI_MODULE))
    if ctx.motd:
        session.send("BP_MESSAGE", **views.text_message(resources, ctx.motd))
    room_view.send_players(ctx, session)
    room_view.send_room(ctx, session, avatar)
    session.send("BP_USERCOMMAND", command=UC.UC_SPELL_SCHOOLS,
                 args={"schools": school_names(ctx, session.account.admin_level > USER)})
    session.send("BP_LOAD_MODULE", module=resources.id(texts.MAIL_MODULE))
    sheet.send_condition(session, resources, ctx.world.player(avatar.player_id).stats)


def school_names(ctx: GameContext, dm: bool = False) -> list[int]:
    """UC_SPELL_SCHOOLS: the six schools' names, and a seventh for admins and DMs (the
    original's DM class and its admins), the original's by id in an imported world
    (user.kod ToCliSpellSchools), else the server's own."""
    messages = ctx.definition.messages
    keys = [f"school_{school}" for school in (*spellbook_rules.SCHOOLS, *(["dm"] if dm else []))]
    if messages is not None and all(key in messages.texts for key in keys):
        return [messages.id(key) for key in keys]
    return [ctx.resources.id(name) for name in (*texts.SPELL_SCHOOLS, *([texts.DM_SCHOOL] if dm else []))]


def character_state(ctx: GameContext, avatar: Avatar) -> CharacterState:
    """What is saved of a character in the world."""
    player_id = avatar.player_id
    return state_of(avatar.character_id, ctx.world.player(player_id), tuple(ctx.world.saved_enchantments(player_id)))


def state_of(character_id: int, player: Player, enchantments: tuple[dict[str, Any], ...] | None = None) -> CharacterState:
    """What is saved of a player: place, vitals, its enchantments (by default those it
    left the world with) and what it keeps over fights and deaths (resting is not: the
    original stands players up when they log off)."""
    stats = player.stats
    return CharacterState(
        character_id, player.room, player.y, player.x, player.angle, stats.health, stats.mana, stats.vigor,
        max_health=stats.max_health, karma=stats.karma, base_max_health=stats.base_max_health,
        karma_fraction=player.karma_fraction, gain_chance=player.gain_chance, death_cost=player.death_cost,
        past_tutorial=player.past_tutorial, safety=player.safety, outlaw=player.outlaw, murderer=player.murderer,
        enchantments=player.enchantments_left if enchantments is None else enchantments,
        spells=tuple(player.spells.items()), skills=tuple(player.skills.items()),
    )


def leave_world(ctx: GameContext, session: GameSession) -> CharacterState | None:
    """Take the session's character out of the world; what to save of it, if it was in."""
    avatar = session.avatar
    session.phase = Phase.GONE
    if avatar is None:
        return None
    player = ctx.world.player(avatar.player_id)
    events = ctx.world.remove_player(avatar.player_id, ctx.now())
    state = state_of(avatar.character_id, player)  # after leaving: logging off may settle a death's penalty
    del ctx.in_world[avatar.player_id]
    session.avatar = None
    render(ctx, events)
    ctx.resources.release_name(avatar.name)
    return state


def logoff(ctx: GameContext, session: GameSession, avatar: Avatar, fields: Fields) -> None:
    state = leave_world(ctx, session)
    if state is not None:
        ctx.save_characters([state], "logoff")
    ctx.hang_up(session, "logoff")


SYSTEM = System("presence", in_world={"BP_LOGOFF": logoff})
