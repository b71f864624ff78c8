"""Posture and the safety flag: the user commands UC_REST, UC_STAND and UC_SAFETY
(BP_USERCOMMAND).

Resting makes vigor come back on the rules' rest timer (up to the rest threshold);
standing stops it. The safety flag (on by default, as the original) forbids attacking
other players. None of them is answered: the stock client shows the posture and the
flag itself.
"""

from __future__ import annotations

from emulator.game.context import GameContext
from emulator.game.render import render
from emulator.game.requests import Fields, System
from emulator.game.session import Avatar, GameSession
from protocol_specs.opcodes import UC


def rest(ctx: GameContext, session: GameSession, avatar: Avatar, fields: Fields) -> None:
    render(ctx, ctx.world.rest(avatar.player_id))


def stand(ctx: GameContext, session: GameSession, avatar: Avatar, fields: Fields) -> None:
    render(ctx, ctx.world.stand(avatar.player_id))


def safety(ctx: GameContext, session: GameSession, avatar: Avatar, fields: Fields) -> None:
    render(ctx, ctx.world.set_safety(avatar.player_id, fields["args"]["on"] != 0))


SYSTEM = System("posture", user_commands={UC.UC_REST: rest, UC.UC_STAND: stand, UC.UC_SAFETY: safety})
