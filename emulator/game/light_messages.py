"""What a player's client is told of the light around it (user.kod SourceLightChanged:
BP_LIGHT_PLAYER, and BP_PLAYER's player light on entering a room): the room's player
light and what its enchantments add (night vision's ``light`` modifier), within 0 and 255."""

from __future__ import annotations

from emulator.game.context import GameContext
from emulator.world import item_attributes
from emulator.world.events import EnchantmentEnded, EnchantmentStarted

__all__ = ["enchantment_light", "player_light"]

PLAYER_TARGET = 1  # enchantments.Target.PLAYER


def player_light(ctx: GameContext, player_id: int, room: str) -> int:
    """The room's player light, with the player's light enchantments (night vision) and its
    glowing weapons', bound to a byte."""
    light = ctx.definition.rooms[room].player_light + ctx.world.enchantment_modifier(player_id, "light")
    player = ctx.world._players.get(player_id)
    if player is not None:
        light += item_attributes.glow_light(ctx.world, player)
    return max(0, min(255, light))


def enchantment_light(ctx: GameContext, event: EnchantmentStarted | EnchantmentEnded) -> None:
    """A player's enchantment that gives light started or ended: its new light."""
    spell = ctx.definition.spells.get(event.spell)
    session = ctx.in_world.get(event.target_id) if event.target == PLAYER_TARGET else None
    if session is None or spell is None or spell.effect != "night_vision":
        return
    session.send("BP_LIGHT_PLAYER", light=player_light(ctx, event.target_id, event.room))
