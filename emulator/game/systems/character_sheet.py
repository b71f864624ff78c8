"""The character's sheet: condition bars, attributes, and the spell and skill lists."""

from __future__ import annotations

from emulator.game import sheet, texts
from emulator.game.context import GameContext
from emulator.game.requests import Fields, System
from emulator.game.session import Avatar, GameSession
from emulator.game.sheet import StatGroup
from emulator.logs import logger

log = logger("m59emu.game")


def stats(ctx: GameContext, session: GameSession, avatar: Avatar, fields: Fields) -> None:
    group = fields["group"]
    player = ctx.world.player(avatar.player_id)
    player_stats = player.stats
    if group == StatGroup.CONDITION:
        session.send("BP_STAT_GROUP", group=group, stats=sheet.condition(ctx.resources, player_stats))
    elif group == StatGroup.ATTRIBUTES:
        shown = ctx.world.effective_stats(avatar.player_id)  # with its enchantments' mods
        session.send("BP_STAT_GROUP", group=group, stats=sheet.attributes(ctx.resources, shown))
    elif group == StatGroup.SPELLS:
        session.send("BP_STAT_GROUP", group=group, stats=sheet.spell_stats(ctx.resources, ctx.definition, player))
    elif group == StatGroup.SKILLS:
        session.send("BP_STAT_GROUP", group=group, stats=sheet.skill_stats(ctx.resources, ctx.definition, player))
    else:
        log.debug("stat group {group} does not exist", group=group)


def stat_groups(ctx: GameContext, session: GameSession, avatar: Avatar, fields: Fields) -> None:
    session.send("BP_STAT_GROUPS", names=[ctx.resources.id(name) for name in texts.STAT_GROUP_NAMES])


def spells(ctx: GameContext, session: GameSession, avatar: Avatar, fields: Fields) -> None:
    sheet.send_spells(session, ctx.resources, ctx.definition, ctx.world.player(avatar.player_id))


def skills(ctx: GameContext, session: GameSession, avatar: Avatar, fields: Fields) -> None:
    sheet.send_skills(session, ctx.resources, ctx.definition, ctx.world.player(avatar.player_id))


SYSTEM = System("character sheet", in_world={
    "BP_SEND_STATS": stats,
    "BP_SEND_STAT_GROUPS": stat_groups,
    "BP_SEND_SPELLS": spells,
    "BP_SEND_SKILLS": skills,
})
