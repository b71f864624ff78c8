"""Enchantment icons: BP_ADD_ENCHANTMENT and BP_REMOVE_ENCHANTMENT (user.kod
ShowAddEnchantment, ShowRemoveEnchantment). The object sent is the spell itself: its
object id, icon and name, still on its first bitmap group, no overlays (spell.kod
SendAnimation, object.kod SendEnchantmentOverlays)."""

from __future__ import annotations

from typing import Any

from emulator.game import views
from emulator.game.context import GameContext
from emulator.game.session import GameSession
from emulator.world.enchantments import Target, spell_object_id
from emulator.world.events import EnchantmentEnded, EnchantmentStarted
from protocol_specs.opcodes import Animate


def spell_object(ctx: GameContext, spell_key: str) -> dict[str, Any]:
    spell = ctx.definition.spells[spell_key]
    block = views.object_block(spell_object_id(spell.number), ctx.resources.id(spell.icon), ctx.resources.id(spell.name), 0)
    if spell.icon_animation is not None:  # its groups in a cycle (spell.kod SendAnimation, ANIMATE_CYCLE)
        period, first, last = spell.icon_animation
        block["animation"] = {"type": Animate.ANIMATE_CYCLE, "params": {"period": period, "group_low": first, "group_high": last}}
    return block


def send_player_enchantments(ctx: GameContext, session: GameSession, player_id: int) -> None:
    """BP_SEND_ENCHANTMENTS: one BP_ADD_ENCHANTMENT (type 1) per shown enchantment of the
    player, oldest last as the original walks its list (SendEnchantmentIcons)."""
    for enchantment in ctx.world.enchantments_of(player_id):
        if ctx.world.enchantment_icon_shown(enchantment):
            session.send("BP_ADD_ENCHANTMENT", type=Target.PLAYER.value, object=spell_object(ctx, enchantment.spell))


def send_room_enchantments(ctx: GameContext, session: GameSession, room: str) -> None:
    """The room's icons (type 2), after its contents: the client clears them on
    BP_ROOM_CONTENTS (room.kod SendEnchantmentIcons)."""
    for enchantment in ctx.world.enchantments_of(ctx.world.room_enchantment_target(room)):
        if ctx.world.enchantment_icon_shown(enchantment):
            session.send("BP_ADD_ENCHANTMENT", type=Target.ROOM.value, object=spell_object(ctx, enchantment.spell))


def audience(ctx: GameContext, event: EnchantmentStarted | EnchantmentEnded) -> list[GameSession]:
    """Who sees the icon: the player itself, or everyone in the room; nobody for a monster."""
    if not event.shown:
        return []
    if event.target == Target.PLAYER:
        session = ctx.in_world.get(event.target_id)
        return [] if session is None else [session]
    if event.target == Target.ROOM:
        return [s for p in ctx.world.players_here(event.room) if (s := ctx.in_world.get(p.object_id)) is not None]
    return []


def started_fields(ctx: GameContext, event: EnchantmentStarted) -> dict[str, Any]:
    return {"type": event.target, "object": spell_object(ctx, event.spell)}


def ended_fields(ctx: GameContext, event: EnchantmentEnded) -> dict[str, Any]:
    return {"type": event.target, "id": spell_object_id(ctx.definition.spells[event.spell].number)}
