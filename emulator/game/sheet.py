"""What the client's character sheet shows: its stat groups, the condition bars and
attributes of a player as BP_STAT entries, and its spells and skills (the spell and skill
objects of BP_SPELLS / BP_SKILLS and the list stats of groups 3 and 4)."""

from __future__ import annotations

import enum
from typing import Any

from emulator.content.model import SkillDefinition, SpellDefinition, WorldDefinition
from emulator.game import views
from emulator.game.resources import ServerResources
from emulator.game.session import GameSession
from emulator.world import spellbook
from emulator.world.objects import Player, Stats
from protocol_specs.server_messages import STATS_LIST


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


def known_spells(definition: WorldDefinition, player: Player) -> list[tuple[SpellDefinition, int]]:
    """The player's spells the world defines, with their ability, in a fixed order (by key:
    the same before and after a restart)."""
    return [(definition.spells[key], player.spells[key]) for key in sorted(player.spells) if key in definition.spells]


def known_skills(definition: WorldDefinition, player: Player) -> list[tuple[SkillDefinition, int]]:
    return [(definition.skills[key], player.skills[key]) for key in sorted(player.skills) if key in definition.skills]


def spell_object(resources: ServerResources, spell: SpellDefinition) -> dict[str, Any]:
    """A spell as the client's spell list holds it (user.kod ToCliSpells): its object,
    how many targets a cast takes, and its school byte (1-based, as UC_SPELL_SCHOOLS)."""
    block = views.object_block(spellbook.spell_object_id(spell), resources.id(spell.icon), resources.id(spell.name), 0)
    block.update(targets=spell.targets or 0, school=spellbook.spell_school(spell))
    return block


def skill_object(resources: ServerResources, skill: SkillDefinition) -> dict[str, Any]:
    return views.object_block(spellbook.skill_object_id(skill), resources.id(skill.icon), resources.id(skill.name), 0)


def _list_stat(slot: int, name: int, object_id: int, ability: int, icon: int) -> dict[str, Any]:
    return {"slot": slot, "name": name, "type": STATS_LIST, "data": {"id": object_id, "value": ability, "icon": icon}}


def spell_stats(resources: ServerResources, definition: WorldDefinition, player: Player) -> list[dict[str, Any]]:
    """Group 3: each spell with its ability (user.kod SendStatSpell)."""
    return [
        _list_stat(slot, resources.id(spell.name), spellbook.spell_object_id(spell), ability, resources.id(spell.icon))
        for slot, (spell, ability) in enumerate(known_spells(definition, player), 1)
    ]


def skill_stats(resources: ServerResources, definition: WorldDefinition, player: Player) -> list[dict[str, Any]]:
    """Group 4: each skill with its ability (user.kod SendStatSkill)."""
    return [
        _list_stat(slot, resources.id(skill.name), spellbook.skill_object_id(skill), ability, resources.id(skill.icon))
        for slot, (skill, ability) in enumerate(known_skills(definition, player), 1)
    ]


def send_spells(session: GameSession, resources: ServerResources, definition: WorldDefinition, player: Player) -> None:
    """BP_SPELLS, then the spells' stat group, as the original answers BP_SEND_SPELLS."""
    session.send("BP_SPELLS", spells=[spell_object(resources, spell) for spell, _ in known_spells(definition, player)])
    session.send("BP_STAT_GROUP", group=StatGroup.SPELLS, stats=spell_stats(resources, definition, player))


def send_skills(session: GameSession, resources: ServerResources, definition: WorldDefinition, player: Player) -> None:
    session.send("BP_SKILLS", skills=[skill_object(resources, skill) for skill, _ in known_skills(definition, player)])
    session.send("BP_STAT_GROUP", group=StatGroup.SKILLS, stats=skill_stats(resources, definition, player))
