"""Saying, yelling, emoting and broadcasting, and speech to a named group."""

from __future__ import annotations

from emulator.game.context import GameContext
from emulator.game.render import render
from emulator.game.requests import Fields, System
from emulator.game.session import Avatar, GameSession


def say(ctx: GameContext, session: GameSession, avatar: Avatar, fields: Fields) -> None:
    render(ctx, ctx.world.say(avatar.player_id, fields["say_type"], fields["text"], ctx.now()))


def say_to_group(ctx: GameContext, session: GameSession, avatar: Avatar, fields: Fields) -> None:
    audience = [entry["id"] for entry in fields["recipients"] if entry["id"] in ctx.in_world]
    render(ctx, ctx.world.say_to(avatar.player_id, audience, fields["text"], ctx.now()))


SYSTEM = System("speech", in_world={"BP_SAY_TO": say, "BP_SAY_GROUP": say_to_group})
