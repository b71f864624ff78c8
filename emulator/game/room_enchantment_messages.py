"""What the players in an enchanted room are told (``emulator/world/spells/rooms.py``):
the spell's words said to the room when it starts and ends (room.kod SomeoneSaid of a
message, one BP_MESSAGE for all), to whoever enters while it lasts (the spells'
StartEnchantmentNewOccupant), and the room's light (BP_LIGHT_AMBIENT, user.kod
AmbientLightChanged) when the enchantment moves it.

In an imported world the words are the spell's own by the original's resource ids; a world
without them reads the server's own sentences."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from emulator.content.model import SpellDefinition
from emulator.game import fight_messages, views
from emulator.game.context import GameContext
from emulator.game.session import GameSession
from emulator.world.enchantments import Target
from emulator.world.events import EnchantmentEnded, EnchantmentStarted
from emulator.world.spells import rooms

__all__ = ["ended", "entered", "light_fields", "started"]

#: The server's own sentences, by purpose ({spell}: the spell's name).
_OWN = {
    "room_started": "The {spell} enchantment settles on this place.",
    "room_ended": "The {spell} enchantment lifts from this place.",
    "room_entered": "This place is under a {spell} enchantment.",
}


def _room_spell(ctx: GameContext, event: EnchantmentStarted | EnchantmentEnded) -> SpellDefinition | None:
    if event.target != Target.ROOM:
        return None
    spell = ctx.definition.spells.get(event.spell)
    return spell if spell is not None and spell.effect == "room_enchantment" else None


def words(ctx: GameContext, spell: SpellDefinition, purpose: str) -> dict[str, Any] | None:
    """BP_MESSAGE fields of the spell's words for ``purpose``: its own by id (the lowest of
    the ids the original has the sentence under), else the server's sentence."""
    own = spell.text(purpose)
    if own and spell.text_id(purpose) is not None:
        return {"format": ctx.resources.id(own), "params": []}
    sentence = _OWN.get(purpose)
    return None if sentence is None else views.text_message(ctx.resources, sentence.format(spell=spell.name))


def light_fields(ctx: GameContext, room: str) -> dict[str, Any]:
    return {"light": rooms.room_light(ctx.world, room)}


def _everyone(ctx: GameContext, room: str) -> Iterator[GameSession]:
    for player in ctx.world.players_here(room):
        session = ctx.in_world.get(player.object_id)
        if session is not None:
            yield session


def _tell_room(ctx: GameContext, room: str, message: str, fields: dict[str, Any] | None) -> None:
    """One encoding for all in the room (only if anyone is there)."""
    if fields is None:
        return
    encoded = None
    for session in _everyone(ctx, room):
        if encoded is None:
            encoded = ctx.encode_fields(message, fields)
        session.queue(encoded)


def _occupant_effect(ctx: GameContext, event: EnchantmentStarted | EnchantmentEnded, figure: str) -> None:
    """A player bearing a room's enchantment (a sandstorm's) is shown its client effect as it
    starts, and the effect's end as it ends (BP_EFFECT, the spell's EffectSendUser)."""
    if event.target == Target.ROOM:
        return
    spell = ctx.definition.spells.get(event.spell)
    session = ctx.in_world.get(event.target_id)
    if spell is not None and spell.effect == "room_enchantment" and spell.figure(figure) and session is not None:
        session.send("BP_EFFECT", effect=spell.figure(figure), args={})


def started(ctx: GameContext, event: EnchantmentStarted) -> None:
    """Its words to the room; its light (after the icon, as the original adds it last)."""
    _occupant_effect(ctx, event, "client_effect")
    spell = _room_spell(ctx, event)
    if spell is None:
        return
    fields = words(ctx, spell, "room_started")
    if fields is not None and spell.figure("names_caster") and spell.text_id("room_started") is not None:
        fields["params"] = _caster_named(ctx, event)
    _tell_room(ctx, event.room, "BP_MESSAGE", fields)
    if rooms.changes_light(spell):
        _tell_room(ctx, event.room, "BP_LIGHT_AMBIENT", light_fields(ctx, event.room))


def _caster_named(ctx: GameContext, event: EnchantmentStarted) -> list[Any]:
    """Its caster's capitalised article and name, as its words are filled (death link)."""
    messages = ctx.definition.messages
    enchantment = ctx.world.enchantments.find(event.target_id, event.spell)
    if messages is None or enchantment is None or not isinstance(enchantment.state, dict):
        return []
    return [messages.id("cap_article_none"), fight_messages._player_name(ctx, int(enchantment.state["caster"]))]


def ended(ctx: GameContext, event: EnchantmentEnded) -> None:
    """Its words to the room and the light back (its EndSpell, before the icon goes)."""
    _occupant_effect(ctx, event, "client_effect_end")
    spell = _room_spell(ctx, event)
    if spell is None:
        return
    _tell_room(ctx, event.room, "BP_MESSAGE", words(ctx, spell, "room_ended"))
    if spell.figure("leave_words_at_end") and spell.text_id("room_left") is not None:  # UnenchantAllOccupants
        _tell_room(ctx, event.room, "BP_MESSAGE", words(ctx, spell, "room_left"))
    if rooms.changes_light(spell):
        _tell_room(ctx, event.room, "BP_LIGHT_AMBIENT", light_fields(ctx, event.room))


def entered(ctx: GameContext, session: GameSession, room: str) -> None:
    """A player arriving in the room reads the words of each of its enchantments."""
    world = ctx.world
    for enchantment in world.enchantments_of(world.room_enchantment_target(room)):
        spell = ctx.definition.spells.get(enchantment.spell)
        if spell is not None and spell.effect == "room_enchantment" and (spell.text("room_entered") or not spell.texts):
            fields = words(ctx, spell, "room_entered")  # none where the original says nothing to arrivals
            if fields is not None:
                session.send("BP_MESSAGE", **fields)
