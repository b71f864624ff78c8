"""What the client sees of item attributes: the light a player's glowing weapon gives
(BP_LIGHT_PLAYER: user.kod SourceLightChanged, bound to a byte; the others see it
flicker) and an item's
description with its attributes' words (item.kod's description: the kind's words, then
each attribute's, or the one generic word for any not yet identified)."""

from __future__ import annotations

from typing import Any

from emulator.game import item_messages, light_messages, room_view, views, wear_messages
from emulator.game.context import GameContext
from emulator.world import item_attributes
from emulator.world.events import ItemShown, ItemsSwapped, PlayerLightChanged
from emulator.world.items import Item
from emulator.world.objects import Player, Thing

__all__ = ["description", "flicker", "item_shown", "items_swapped", "player_light", "player_light_changed"]

#: item.kod: the attributes' words come after a blank line, two spaces apart.
_BEFORE_ATTRIBUTES = "\n\n"
_BETWEEN_ATTRIBUTES = "  "


def player_light(ctx: GameContext, player_id: int) -> int:
    """The light a player gives off (``light_messages.player_light``)."""
    return light_messages.player_light(ctx, player_id, ctx.world.player(player_id).room)


#: A player whose wielded weapon glows flickers to the others (player.kod SetFlickerFlag,
#: SendLightingInformation): its drawing flag and a small fire-coloured dynamic light.
FLICKERING = 0x0002_0000  # blakston.khd FLICKERING_YES
_FLICKER_LIGHT = {"flags": 0x0001 | 0x0002, "light": {"intensity": 5, "color": 0x7F06}}  # LIGHT_FLAG_ON|DYNAMIC, LIGHT_FIRE


def flicker(ctx: GameContext, thing: Thing, block: dict[str, Any]) -> None:
    """A room object block of a player wielding a glowing weapon flickers."""
    if isinstance(thing, Player) and thing.object_id in ctx.in_world and item_attributes.glow_light(ctx.world, thing):
        block["flags"] |= FLICKERING
        block["lighting"] = _FLICKER_LIGHT


def player_light_changed(ctx: GameContext, event: PlayerLightChanged) -> None:
    session = ctx.in_world.get(event.player_id)
    if session is not None:
        session.send("BP_LIGHT_PLAYER", light=player_light(ctx, event.player_id))


def items_swapped(ctx: GameContext, event: ItemsSwapped) -> None:
    """A swap's words to one side: what it lost (is or are), what it got (swap.kod)."""
    session = ctx.in_world.get(event.player_id)
    spell = ctx.definition.spells.get(event.spell)
    messages = ctx.definition.messages
    if session is None or spell is None:
        return
    lost, got = ctx.definition.kinds[event.lost_kind], ctx.definition.kinds[event.got_kind]
    format_text = spell.text("swapped")
    if messages is None or not format_text:
        text = f"Your {lost.name} {'are' if event.lost_plural else 'is'} yanked away; you have a {got.name} instead."
        session.send("BP_MESSAGE", **views.text_message(ctx.resources, text))
        return
    verb = spell.text("are" if event.lost_plural else "is") or ""
    session.send("BP_MESSAGE", format=ctx.resources.id(format_text), params=[
        item_messages.name_id(ctx, lost, plural=event.lost_plural), ctx.resources.id(verb),
        messages.id(f"article_{messages.kind(event.got_kind).indefinite}"), item_messages.name_id(ctx, got, plural=False),
    ])


def item_shown(ctx: GameContext, event: ItemShown) -> None:
    """BP_LOOK at an item the world shows a player (what an identify sees)."""
    session = ctx.in_world.get(event.player_id)
    item = ctx.world.items.by_id.get(event.item_id)
    if session is None or item is None:
        return
    icon, name, flags = room_view.appearance(ctx, item)
    block = room_view.with_count(item, views.object_block(item.object_id, icon, name, flags))
    text = description(ctx, item, ctx.definition.kinds[item.kind or ""].description, every_attribute=event.every_attribute)
    session.send("BP_LOOK", object=block, flags=0, description=views.description_message(ctx.resources, text), inscription=None)


def description(ctx: GameContext, item: Item, base: str, every_attribute: bool = False) -> str:
    """An item's description: its kind's and what its attributes say (``every_attribute``:
    the unidentified ones' own words too, item.kod's bShowAll)."""
    words: list[str] = []
    unknown = False
    for attribute in item.attributes:
        spell = ctx.definition.spells.get(attribute.spell)
        if spell is None:
            continue
        if attribute.hidden and not every_attribute:  # one generic word for all that are hidden
            generic = spell.text("item_unknown")
            if not unknown and generic:
                words.append(generic)
                unknown = True
            continue
        text = spell.text("item_desc")
        if text:
            words.append(text)
    shown = base + _BEFORE_ATTRIBUTES + _BETWEEN_ATTRIBUTES.join(words) if words else base
    return shown + wear_messages.condition(ctx, item)  # a weapon's wear last
