"""The character's sheet: condition bars, attributes, and the spell and skill lists."""

from __future__ import annotations

import enum
from typing import Any


from emulator.game import texts, views
from emulator.game.context import GameContext
from emulator.game.requests import Fields, System
from emulator.game.session import Avatar, GameSession
from emulator.logs import logger

log = logger("m59emu.game")


class StatGroup(enum.IntEnum):
    """The client's stat groups, in the order BP_STAT_GROUPS names them."""

    CONDITION = 1
    ATTRIBUTES = 2
    SPELLS = 3
    SKILLS = 4


def send_condition(ctx: GameContext, session: GameSession, avatar: Avatar) -> None:
    """Each bar as its own BP_STAT, as on entering the world."""
    for stat in _condition(ctx, avatar):
        session.send("BP_STAT", group=StatGroup.CONDITION, stat=stat)


def _condition(ctx: GameContext, avatar: Avatar) -> list[dict[str, Any]]:
    stats = ctx.world.player(avatar.player_id).stats
    return views.condition_stats(ctx.resources, stats.health, stats.max_health, stats.mana, stats.max_mana, stats.vigor)


def stats(ctx: GameContext, session: GameSession, avatar: Avatar, fields: Fields) -> None:
    group = fields["group"]
    if group == StatGroup.CONDITION:
        session.send("BP_STAT_GROUP", group=group, stats=_condition(ctx, avatar))
    elif group == StatGroup.ATTRIBUTES:
        s = ctx.world.player(avatar.player_id).stats
        attributes = (s.might, s.intellect, s.stamina, s.agility, s.mysticism, s.aim)
        session.send("BP_STAT_GROUP", group=group, stats=views.attribute_stats(ctx.resources, attributes, s.karma))
    elif group in (StatGroup.SPELLS, StatGroup.SKILLS):
        session.send("BP_STAT_GROUP", group=group, stats=[])
    else:
        log.debug("stat group {group} does not exist", group=group)


def stat_groups(ctx: GameContext, session: GameSession, avatar: Avatar, fields: Fields) -> None:
    session.send("BP_STAT_GROUPS", names=[ctx.resources.id(name) for name in texts.STAT_GROUP_NAMES])


def spells(ctx: GameContext, session: GameSession, avatar: Avatar, fields: Fields) -> None:
    session.send("BP_SPELLS", spells=[])
    session.send("BP_STAT_GROUP", group=StatGroup.SPELLS, stats=[])


def skills(ctx: GameContext, session: GameSession, avatar: Avatar, fields: Fields) -> None:
    session.send("BP_SKILLS", skills=[])
    session.send("BP_STAT_GROUP", group=StatGroup.SKILLS, stats=[])


SYSTEM = System("character sheet", in_world={
    "BP_SEND_STATS": stats,
    "BP_SEND_STAT_GROUPS": stat_groups,
    "BP_SEND_SPELLS": spells,
    "BP_SEND_SKILLS": skills,
})
