"""What a spell tells in its own words with several things named (``SpellReported``):
one BP_MESSAGE whose format is the spell's own text by the original's resource id, and
whose parameters are the ids of what it names, in the order the text (and the texts
pasted into it, the client scanning each again) asks for them. A world without the
original's ids (the bundled one) reads the same text with the names pasted in."""

from __future__ import annotations

from collections.abc import Sequence

from emulator.content.model import SpellDefinition
from emulator.game import fight_messages, spell_messages, views
from emulator.game.context import GameContext
from emulator.world.events import SpellReported

__all__ = ["spell_reported"]


def spell_reported(ctx: GameContext, event: SpellReported) -> None:
    session = ctx.in_world.get(event.player_id)
    spell = ctx.definition.spells.get(event.spell)
    if session is None or spell is None:
        return
    format_id = _own_id(ctx, spell, event.purpose)
    if format_id is not None and ctx.definition.messages is not None:
        params: list[int | str] = []
        for kind, value in event.parts:
            params += _ids(ctx, spell, kind, value)
        session.send("BP_MESSAGE", format=format_id, params=params)
        return
    text = spell.text(event.purpose)
    if not text:
        return
    pieces = [_plain(ctx, spell, kind, value) for kind, value in event.parts]
    while pieces and "%s" in text:  # pasted in as the client would
        text = text.replace("%s", pieces.pop(0), 1)
    session.send("BP_MESSAGE", **views.text_message(ctx.resources, text))


def _own_id(ctx: GameContext, spell: SpellDefinition, purpose: str) -> int | None:
    """The id of the spell's own words: one the original has under several ids is sent by
    the one the server knows it by."""
    own_id, own_text = spell.text_id(purpose), spell.text(purpose)
    if own_id is None or not own_text:
        return None
    return ctx.resources.id(own_text)


def _ids(ctx: GameContext, spell: SpellDefinition, kind: str, value: int | str) -> Sequence[int | str]:
    if kind == "object":
        return spell_messages._target_ids(ctx, int(value))
    if kind == "text":  # a string sent whole (%q)
        return [str(value)]
    if kind == "cap_object":  # GetCapDef and GetName
        article, name = spell_messages._target_ids(ctx, int(value))
        return [spell_messages._capital(ctx, article), name]
    if kind in ("his_her", "he_she"):  # a player's (GetHisHer, GetHeShe): by its gender
        gender = fight_messages._gender(ctx.in_world.get(int(value)))
        if kind == "he_she":  # the spell's own copy of the pronoun
            return [_own_id(ctx, spell, {1: "he", 2: "she"}.get(gender, "it")) or 0]
        messages = ctx.definition.messages
        assert messages is not None
        return [messages.id({1: "his", 2: "her"}.get(gender, "its"))]
    if kind == "room":
        room = ctx.definition.rooms.get(str(value))
        if room is None:
            return [0]
        own = dict(room.resource_ids).get("name")
        return [own if own is not None else ctx.resources.id(room.name)]
    if kind == "words":
        return [_own_id(ctx, spell, str(value)) or 0]
    if kind == "spell":
        named = ctx.definition.spells.get(str(value))
        return [spell_messages._spell_name_id(ctx, named) if named is not None else 0]
    if kind == "skill":
        skill = (ctx.definition.skills or {}).get(str(value))
        if skill is None:
            return [0]
        own = dict(skill.resource_ids).get("name")
        return [own if own is not None else ctx.resources.id(skill.name)]
    raise ValueError(f"unknown part of a spell's words: {kind!r}")


def _plain(ctx: GameContext, spell: SpellDefinition, kind: str, value: int | str) -> str:
    if kind in ("object", "cap_object"):
        return spell_messages._target_text(ctx, int(value))
    if kind == "text":
        return str(value)
    if kind in ("his_her", "he_she"):
        gender = fight_messages._gender(ctx.in_world.get(int(value)))
        return {1: ("his", "he"), 2: ("her", "she")}.get(gender, ("its", "it"))[kind == "he_she"]
    if kind == "room":
        room = ctx.definition.rooms.get(str(value))
        return room.name if room is not None else "somewhere"
    if kind == "words":
        return spell.text(str(value)) or ""
    if kind == "spell":
        named = ctx.definition.spells.get(str(value))
        return named.name if named is not None else ""
    skill = (ctx.definition.skills or {}).get(str(value))
    return skill.name if skill is not None else ""
