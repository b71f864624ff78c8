"""A skill improved by use, as the player sees it (player.kod ChangeSkillAbility,
user.kod DrawStatSkill): the skill's line of the character sheet's skills group with its
new ability (one BP_STAT), the improvement sound to everyone in the room (from the
player), then the words naming the skill; and the notes of a player who has improved
all it may for now (CheckAdvancementPoints). In an imported world the words and the
sound are the original's, by resource id; a hand-made world says it in our own words
and plays no sound.
"""

from __future__ import annotations

from typing import Any

from emulator.content.model import SkillDefinition
from emulator.game import fight_messages, sheet, views
from emulator.game.context import GameContext
from emulator.world import spellbook
from emulator.world.events import AdvancementCapped, SkillImproved

_OWN_CAP_NOTES = {
    1: "You have learned all you can for a while: try again later.",
    2: "Your mind is full of what you practised: give it time to settle.",
    3: "Practice here teaches you nothing more for now; rest, or go elsewhere.",
}


def skill_stat(ctx: GameContext, skill: SkillDefinition, slot: int, ability: int) -> dict[str, Any]:
    """The skill's line of the skills group (user.kod SendStatSkill), as the whole group
    lists it (its object id, its place)."""
    own = dict(skill.resource_ids)
    name = own.get("name") or ctx.resources.id(skill.name)
    icon = own.get("icon") or ctx.resources.id(skill.icon)
    return views.list_stat(slot, name, spellbook.skill_object_id(skill), ability, icon)


def skill_improved(ctx: GameContext, event: SkillImproved) -> None:
    skill = ctx.definition.skills.get(event.skill)
    session = ctx.in_world.get(event.player_id)
    if skill is None:
        return
    if session is not None:  # its line where the skills group has it (sheet.skill_stats)
        listed = [known.key for known, _ in sheet.known_skills(ctx.definition, ctx.world.player(event.player_id))]
        slot = listed.index(skill.key) + 1 if skill.key in listed else event.slot
        session.send("BP_STAT", group=sheet.StatGroup.SKILLS, stat=skill_stat(ctx, skill, slot, event.ability))
    messages = ctx.definition.messages
    texts = messages.texts if messages is not None else {}
    if "skill_improved_sound" in texts:
        fight_messages.room_sound(ctx, event.room, texts["skill_improved_sound"].resource_id, event.player_id)
    if session is None:
        return
    if "skill_improved" in texts:
        name = dict(skill.resource_ids).get("name") or ctx.resources.id(skill.name)
        session.send("BP_MESSAGE", format=texts["skill_improved"].resource_id, params=[name])
    else:
        text = f"Practice pays: your {skill.name} is now {event.ability}%."
        session.send("BP_MESSAGE", **views.text_message(ctx.resources, text))


def advancement_capped(ctx: GameContext, event: AdvancementCapped) -> None:
    session = ctx.in_world.get(event.player_id)
    if session is None:
        return
    messages = ctx.definition.messages
    key = f"advancement_cap_{event.note}"
    if messages is not None and key in messages.texts:
        session.send("BP_MESSAGE", format=messages.texts[key].resource_id, params=[])
    else:
        session.send("BP_MESSAGE", **views.text_message(ctx.resources, _OWN_CAP_NOTES.get(event.note, _OWN_CAP_NOTES[1])))
