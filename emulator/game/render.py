"""The one place where world events become messages for the players who perceive them.

Every event kind of :data:`emulator.world.events.WorldEvent` has a case below; mypy's
exhaustiveness check (``assert_never``) fails the build when a new kind has none.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, assert_never

from twisted.logger import Logger

from emulator.game import room_view, texts
from emulator.game.context import GameContext
from emulator.game.session import GameSession
from emulator.world.events import (
    MoveRefused,
    ObjectEntered,
    ObjectLeft,
    ObjectMoved,
    ObjectTurned,
    PlayerJoined,
    PlayerLeft,
    PlayerMovedRoom,
    Said,
    SayRefused,
    WorldEvent,
)
from protocol_specs.opcodes import SayType

log = Logger(namespace="m59emu.game")


def render(ctx: GameContext, events: Iterable[WorldEvent]) -> None:
    for event in events:
        render_event(ctx, event)


def render_event(ctx: GameContext, event: WorldEvent) -> None:
    match event:
        case ObjectEntered():
            thing = ctx.world.object(event.object_id)
            if thing is not None:
                block = room_view.room_object(ctx, thing)
                for session in _watchers(ctx, event.room, but=event.object_id):
                    session.send("BP_CREATE", **block)
        case ObjectLeft():
            for session in _watchers(ctx, event.room, but=event.object_id):
                session.send("BP_REMOVE", id=event.object_id)
        case ObjectMoved():
            for session in _watchers(ctx, event.room, but=event.object_id):
                session.send("BP_MOVE", id=event.object_id, y=event.y, x=event.x, speed=event.speed)
        case ObjectTurned():
            for session in _watchers(ctx, event.room, but=event.object_id):
                session.send("BP_TURN", id=event.object_id, angle=event.angle)
        case PlayerMovedRoom():
            traveller = ctx.in_world.get(event.player_id)
            if traveller is not None and traveller.avatar is not None:
                room_view.send_room(ctx, traveller, traveller.avatar)
        case MoveRefused():
            mover = ctx.in_world.get(event.player_id)
            if mover is not None:  # put the client back where the server has it
                mover.send("BP_MOVE", id=event.player_id, y=event.y, x=event.x, speed=0)
        case Said():
            _said(ctx, event)
        case SayRefused():
            # The speaker is not told, as the original's spam filter tells nobody.
            log.debug("speech refused: {reason}", reason=event.reason)
        case PlayerJoined():
            newcomer = ctx.in_world.get(event.player_id)
            if newcomer is not None and newcomer.avatar is not None:
                entry = room_view.player_entry(newcomer.avatar)
                for session in _players(ctx, event.audience):
                    session.send("BP_PLAYER_ADD", **entry)
        case PlayerLeft():
            for session in _players(ctx, event.audience):
                session.send("BP_PLAYER_REMOVE", id=event.player_id)
        case _:
            assert_never(event)


def _watchers(ctx: GameContext, room: str, but: int) -> Iterator[GameSession]:
    """The sessions of the players in ``room``, except the object the event is about."""
    for player in ctx.world.players_in(room):
        if player.object_id != but:
            session = ctx.in_world.get(player.object_id)
            if session is not None:
                yield session


def _players(ctx: GameContext, player_ids: Iterable[int]) -> Iterator[GameSession]:
    for player_id in player_ids:
        session = ctx.in_world.get(player_id)
        if session is not None:
            yield session


def _said(ctx: GameContext, event: Said) -> None:
    speaker = ctx.in_world.get(event.speaker_id)
    if speaker is None or speaker.avatar is None:
        return
    avatar = speaker.avatar
    say_type = event.say_type if event.say_type in texts.SAY else SayType.SAY_NORMAL
    for listener in _players(ctx, event.audience):
        text_format = texts.SAY_SELF[say_type] if listener is speaker else texts.SAY[say_type]
        params: list[Any] = [avatar.name_resource, event.text] if text_format.startswith("%s") else [event.text]
        listener.send(
            "BP_SAID",
            sender=avatar.player_id,
            sender_name=avatar.name_resource,
            say_type=say_type,
            text={"format": ctx.resources.id(text_format), "params": params},
        )
