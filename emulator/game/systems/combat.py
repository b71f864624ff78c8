"""Fighting: a player's bare-handed attack on a monster (BP_REQ_ATTACK).

The world checks the target (a live monster in the attacker's room, within unarmed
reach) and the attack delay, and resolves the swing with the original's rules
(:meth:`emulator.world.world.World.attack`); a refused attack does nothing.
"""

from __future__ import annotations

from emulator.game.context import GameContext
from emulator.game.render import render
from emulator.game.requests import Fields, System
from emulator.game.session import Avatar, GameSession


def attack(ctx: GameContext, session: GameSession, avatar: Avatar, fields: Fields) -> None:
    # attack_type is 1 (a normal attack) from the stock client; the trailing byte is ignored.
    render(ctx, ctx.world.attack(avatar.player_id, fields["target"]["id"], ctx.now()))


SYSTEM = System("combat", in_world={"BP_REQ_ATTACK": attack})
