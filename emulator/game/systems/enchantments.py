"""Enchantments: the client asks for the icons of the player's own (BP_SEND_ENCHANTMENTS
type 1, as the stock client does on entering the world). Starting and ending them is the
world's (``emulator/world/enchantments.py``); their icons are rendered from its events."""

from __future__ import annotations

from emulator.game import enchantment_messages
from emulator.game.context import GameContext
from emulator.game.requests import Fields, System
from emulator.game.session import Avatar, GameSession
from emulator.logs import logger
from emulator.world.enchantments import Target

log = logger("m59emu.game")


def send_enchantments(ctx: GameContext, session: GameSession, avatar: Avatar, fields: Fields) -> None:
    if fields["enchantment_type"] != Target.PLAYER:  # the original answers only the player's own
        log.debug("BP_SEND_ENCHANTMENTS of type {type} ignored", type=fields["enchantment_type"])
        return
    enchantment_messages.send_player_enchantments(ctx, session, avatar.player_id)


SYSTEM = System("enchantments", in_world={"BP_SEND_ENCHANTMENTS": send_enchantments})
