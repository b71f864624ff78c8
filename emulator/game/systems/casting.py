"""Casting spells (BP_REQ_CAST): a spell object the player knows and its targets.

The world checks and resolves the cast (:mod:`emulator.world.casting`); what the caster,
the target and the room are told and hear is rendered from its events
(:mod:`emulator.game.spell_messages`).
"""

from __future__ import annotations

from emulator.game.context import GameContext
from emulator.game.render import render
from emulator.game.requests import Fields, System
from emulator.game.session import Avatar, GameSession

ID_MASK = 0x0FFF_FFFF
MAX_TARGETS = 100  # a longer list is cut: no spell takes more than a handful


def cast(ctx: GameContext, session: GameSession, avatar: Avatar, fields: Fields) -> None:
    targets = [int(ref["id"]) & ID_MASK for ref in list(fields.get("targets", ()))[:MAX_TARGETS]]
    render(ctx, ctx.world.cast(avatar.player_id, int(fields["spell"]["id"]) & ID_MASK, targets, ctx.now()))


SYSTEM = System("casting", in_world={"BP_REQ_CAST": cast})
