"""What the client's character sheet shows: its stat groups, and the condition bars and
attributes of a player as BP_STAT entries."""

from __future__ import annotations

import enum
from typing import Any

from emulator.game import views
from emulator.game.resources import ServerResources
from emulator.game.session import GameSession
from emulator.world.objects import Stats


class StatGroup(enum.IntEnum):
    """The client's stat groups, in the order BP_STAT_GROUPS names them."""

    CONDITION = 1
    ATTRIBUTES = 2
    SPELLS = 3
    SKILLS = 4


def condition(resources: ServerResources, stats: Stats, health: int | None = None) -> list[dict[str, Any]]:
    """The health, mana and vigor bars; ``health`` shows another value than the current."""
    shown = stats.health if health is None else health
    return views.condition_stats(resources, shown, stats.max_health, stats.mana, stats.max_mana, stats.vigor)


def attributes(resources: ServerResources, stats: Stats) -> list[dict[str, Any]]:
    """The six attributes and karma."""
    values = (stats.might, stats.intellect, stats.stamina, stats.agility, stats.mysticism, stats.aim)
    return views.attribute_stats(resources, values, stats.karma)


def send_condition(session: GameSession, resources: ServerResources, stats: Stats) -> None:
    """Each bar as its own BP_STAT, as on entering the world."""
    for stat in condition(resources, stats):
        session.send("BP_STAT", group=StatGroup.CONDITION, stat=stat)


def send_attributes(session: GameSession, resources: ServerResources, stats: Stats) -> None:
    for stat in attributes(resources, stats):
        session.send("BP_STAT", group=StatGroup.ATTRIBUTES, stat=stat)
