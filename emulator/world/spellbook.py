"""What a player knows: its spells and skills (``Player.spells``, ``Player.skills``, key of
``spells.toml`` / ``skills.toml`` to ability percent), the ids the client knows them by,
and learning a new one (``emulator.rules.spellbook``).

In the original each spell and skill is one object of the server; the client names them
by that object's id (BP_SPELLS, the list stats of groups 3 and 4, BP_REQ_CAST). Here a
spell's id is :data:`SPELL_ID_BASE` plus its number, a skill's :data:`SKILL_ID_BASE` plus
its number: the same for every player and every start.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping

import attrs

from emulator.content.model import SkillDefinition, SpellDefinition, WorldDefinition
from emulator.rules import spellbook as rules
from emulator.world.events import AbilityForgotten, AbilityLearned, WorldEvent
from emulator.world.objects import Player

#: Below the buy lists' ware ids (shopping.WARE_ID_BASE), far above the items' ids.
SPELL_ID_BASE = 0x0FFE_0000
SKILL_ID_BASE = 0x0FFD_0000
ID_SPAN = 0x1_0000  # spell and skill numbers stay below this


def spell_object_id(spell: SpellDefinition) -> int:
    return SPELL_ID_BASE + spell.number % ID_SPAN


def skill_object_id(skill: SkillDefinition) -> int:
    return SKILL_ID_BASE + skill.number % ID_SPAN


def spell_by_object_id(definition: WorldDefinition, object_id: int) -> SpellDefinition | None:
    """The spell a client names by ``object_id`` (e.g. in BP_REQ_CAST), if any."""
    if not SPELL_ID_BASE <= object_id < SPELL_ID_BASE + ID_SPAN:
        return None
    return next((s for s in definition.spells.values() if spell_object_id(s) == object_id), None)


def spell_school(spell: SpellDefinition) -> int:
    return rules.school_number(spell.school)


def _spell_known(spell: SpellDefinition, ability: int = 0) -> rules.Known:
    return rules.Known(spell.key, spell.level or 1, spell_school(spell), ability, spell=True)


def _skill_known(skill: SkillDefinition, ability: int = 0) -> rules.Known:
    return rules.Known(skill.key, skill.level or 1, skill.school or 0, ability, spell=False)


def known_of(definition: WorldDefinition, player: Player) -> list[rules.Known]:
    """Everything the player knows that the world still defines, as the rules see it."""
    known = [_spell_known(definition.spells[k], a) for k, a in player.spells.items() if k in definition.spells]
    known += [_skill_known(definition.skills[k], a) for k, a in player.skills.items() if k in definition.skills]
    return known


def _count_at(definition: WorldDefinition, school: int, level: int) -> int:
    """How many spells and skills the world has at a school and level (system.kod
    GetNumAtLevel; a spell counts by its school byte, a skill by its own school)."""
    if level < 1:
        return 0
    spells = sum(1 for s in definition.spells.values() if spell_school(s) == school and (s.level or 1) == level)
    skills = sum(1 for s in definition.skills.values() if (s.school or 0) == school and (s.level or 1) == level)
    return spells + skills


def verdict(definition: WorldDefinition, player: Player, key: str, spell: bool) -> rules.Verdict:
    """May the player learn this spell (``spell``) or skill (player.kod PlayerCanLearn)?"""
    if spell:
        definition_spell = definition.spells.get(key)
        if definition_spell is None:
            return rules.Verdict(rules.Learn.ERROR)
        wanted = _spell_known(definition_spell)
    else:
        definition_skill = definition.skills.get(key)
        if definition_skill is None:
            return rules.Verdict(rules.Learn.ERROR)
        wanted = _skill_known(definition_skill)
    previous = _count_at(definition, wanted.school, wanted.level - 1)
    return rules.can_learn(wanted, known_of(definition, player), player.stats.intellect, player.stats.karma, previous)


def teachable(definition: WorldDefinition, player: Player, keys: Iterable[str], spell: bool) -> list[str]:
    """Those of a teacher's ``keys`` the player may learn now (monster.kod GetForSale:
    CanAddSpell, CanAddSkill and not known)."""
    return [key for key in keys if verdict(definition, player, key, spell).answer is rules.Learn.SUCCESS]


def starting_ability(definition: WorldDefinition, player: Player, key: str, spell: bool, rng: random.Random) -> int:
    """The ability a newly learnt spell or skill starts at (InitialAbility): from the
    school's attribute for spells, from its requisite attribute for skills (agility when
    not given, skill.kod's default)."""
    stats = player.stats
    if spell:
        school = spell_school(definition.spells[key])
        requisite = rules.requisite_stat(school, stats.might, stats.intellect, stats.stamina, stats.agility, stats.mysticism)
    else:
        requisite = getattr(stats, definition.skills[key].requisite or "agility")
    return rules.initial_ability(requisite, rng)


def learn(
    definition: WorldDefinition, player: Player, key: str, spell: bool, rng: random.Random, events: list[WorldEvent],
) -> int:
    """Add a spell or skill to the player's spellbook at its starting ability (player.kod
    AddSpell, AddSkill); returns that ability. The caller has checked it may learn it."""
    ability = starting_ability(definition, player, key, spell, rng)
    book = player.spells if spell else player.skills
    book[key] = ability
    events.append(AbilityLearned(player.object_id, key, spell, ability))
    return ability


def forget(player: Player, key: str, spell: bool, events: list[WorldEvent]) -> bool:
    """Take a spell or skill out of the player's spellbook (player.kod RemoveSpell,
    RemoveSkill); False when it did not know it."""
    book = player.spells if spell else player.skills
    if book.pop(key, None) is None:
        return False
    events.append(AbilityForgotten(player.object_id, key, spell))
    return True


@attrs.frozen
class StartingBook:
    """What a new character knows and its karma, from the creation wizard's choices."""

    spells: dict[str, int]
    skills: dict[str, int]
    karma: int = 0


def _families(abilities: Iterable[SpellDefinition | SkillDefinition]) -> set[str]:
    """Keys that are another's family: the original's base classes, of which the game
    makes no spell or skill (e.g. the skills' stroke and proficiency)."""
    return {a.family for a in abilities}


def offered_spells(definition: WorldDefinition) -> list[SpellDefinition]:
    """The spells the creation wizard offers (spell.kod OfferToNewCharacters), by number."""
    bases = _families(definition.spells.values())
    spells = sorted(definition.spells.values(), key=lambda s: s.number)
    return [s for s in spells if s.key not in bases and rules.offered_to_new_characters(spell_school(s), s.level or 1)]


def offered_skills(definition: WorldDefinition) -> list[SkillDefinition]:
    """The skills the creation wizard offers (system.kod SendCharInfo: level 2 or less)."""
    bases = _families(definition.skills.values())
    skills = sorted(definition.skills.values(), key=lambda s: s.number)
    return [s for s in skills if s.key not in bases and (s.level or 1) <= rules.NEW_CHARACTER_MAX_LEVEL]


def starting_book(
    definition: WorldDefinition, spell_numbers: Iterable[int], skill_numbers: Iterable[int],
    attributes: Mapping[str, int], rng: random.Random,
) -> StartingBook:
    """A new character's spellbook (player.kod PlayerNewCharInfo): the default spells, then
    the chosen spells and skills the rules keep (``rules.spellbook.new_character``), each
    at its starting ability from the chosen attributes; numbers the world lacks are
    ignored."""
    spells_by_number = {s.number: s for s in offered_spells(definition)}
    skills_by_number = {s.number: s for s in offered_skills(definition)}
    chosen_spells = [spells_by_number[n] for n in dict.fromkeys(spell_numbers) if n in spells_by_number]
    chosen_skills = [skills_by_number[n] for n in dict.fromkeys(skill_numbers) if n in skills_by_number]
    choices = rules.new_character([_spell_known(s) for s in chosen_spells], [_skill_known(s) for s in chosen_skills])
    might, intellect, stamina, agility, mysticism = (
        attributes.get(name, 0) for name in ("might", "intellect", "stamina", "agility", "mysticism")
    )
    spells: dict[str, int] = {}
    for key in (*rules.DEFAULT_SPELLS, *(k.key for k in choices.spells)):
        if key in definition.spells and key not in spells:
            school = spell_school(definition.spells[key])
            requisite = rules.requisite_stat(school, might, intellect, stamina, agility, mysticism)
            spells[key] = rules.initial_ability(requisite, rng)
    skills = {
        k.key: rules.initial_ability(attributes.get(definition.skills[k.key].requisite or "agility", 0), rng)
        for k in choices.skills
    }
    return StartingBook(spells, skills, choices.karma)
