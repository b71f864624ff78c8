"""Posture and the safety flag: the user commands UC_REST, UC_STAND and UC_SAFETY
(BP_USERCOMMAND).

Resting makes vigor come back on the rules' rest timer (up to the rest threshold);
standing stops it. The safety flag (on by default, as the original) forbids attacking
other players. None of them is answered: the stock client shows the posture and the
flag itself. Other user commands are not handled yet (logged at debug level).
"""

from __future__ import annotations

from emulator.game.context import GameContext
from emulator.game.render import render
from emulator.game.requests import Fields, System
from emulator.game.session import Avatar, GameSession
from emulator.logs import logger
from protocol_specs.opcodes import UC

log = logger("m59emu.game")


def user_command(ctx: GameContext, session: GameSession, avatar: Avatar, fields: Fields) -> None:
    command = fields["command"]
    world = ctx.world
    if command == UC.UC_REST:
        render(ctx, world.rest(avatar.player_id))
    elif command == UC.UC_STAND:
        render(ctx, world.stand(avatar.player_id))
    elif command == UC.UC_SAFETY:
        render(ctx, world.set_safety(avatar.player_id, fields["args"]["on"] != 0))
    else:
        log.debug("user command {command} not handled", command=command)


SYSTEM = System("posture", in_world={"BP_USERCOMMAND": user_command})
