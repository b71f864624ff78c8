"""Walking, turning and going through square exits."""

from __future__ import annotations

from emulator.game.context import GameContext
from emulator.game.render import render
from emulator.game.requests import Fields, System
from emulator.game.session import Avatar, GameSession
from emulator.world.world import ANGLES


def move(ctx: GameContext, session: GameSession, avatar: Avatar, fields: Fields) -> None:
    room = ctx.world.room_key(fields["room"]["id"])
    if room is not None:
        render(ctx, ctx.world.move(avatar.player_id, room, fields["y"], fields["x"], fields["speed"], ctx.now()))


def turn(ctx: GameContext, session: GameSession, avatar: Avatar, fields: Fields) -> None:
    if fields["object"]["id"] == avatar.player_id:  # a player turns only itself
        render(ctx, ctx.world.turn(avatar.player_id, fields["angle"] % ANGLES, ctx.now()))


def go(ctx: GameContext, session: GameSession, avatar: Avatar, fields: Fields) -> None:
    render(ctx, ctx.world.go(avatar.player_id, ctx.now()))


SYSTEM = System("movement", in_world={"BP_REQ_MOVE": move, "BP_REQ_TURN": turn, "BP_REQ_GO": go})
