"""The game hub: drives the game. It keeps the sessions, hands each request to the
system that answers it, runs the world's tick loop and the autosave on an injected
clock, and hands queued messages to the connections. It never blocks: store calls
return Deferreds and run on the store's thread.
"""

from __future__ import annotations

import collections
import time
from collections.abc import Callable
from typing import Any

import attrs
from twisted.internet import defer, task
from twisted.internet.interfaces import IReactorTime
from twisted.python.failure import Failure

from emulator.content.model import WorldDefinition
from emulator.game.context import CharacterStore, GameConfig, GameContext
from emulator.game.item_saver import ItemSaver
from emulator.game.ports import Account, ClientLink
from emulator.game.render import render
from emulator.game.requests import RequestTable, System
from emulator.game.resources import ServerResources
from emulator.game.session import GameSession
from emulator.game.systems import ALL_SYSTEMS
from emulator.game.systems.presence import character_state, leave_world
from emulator.logs import logger
from emulator.store.characters import CharacterState
from emulator.wire.codec import Message
from emulator.world.world import World

__all__ = ["GameConfig", "GameHub", "SaveRecord", "TickRecord"]

log = logger("m59emu.game")

TIMINGS_KEPT = 100_000  # tick and save records kept for benchmarks and the status page


@attrs.frozen
class TickRecord:
    started: float  # perf_counter seconds
    duration: float
    during_save: bool  # an autosave was running on the store's thread


@attrs.define
class SaveRecord:
    started: float  # perf_counter seconds
    finished: float | None = None
    at: float | None = None  # the clock's time when it started (wall time in a running server)


class GameHub:
    """The :class:`~emulator.game.ports.GameGateway` of the server."""

    def __init__(
        self,
        world: World,
        definition: WorldDefinition,
        resources: ServerResources,
        store: CharacterStore,
        clock: IReactorTime,
        config: GameConfig = GameConfig(),
        security_of: Callable[[str], int] = lambda room: 0,
        systems: tuple[System, ...] = ALL_SYSTEMS,
    ) -> None:
        self.context = GameContext(world, definition, resources, store, clock, config, security_of)
        self.item_saver = ItemSaver(world.items, store, clock)
        self.requests = RequestTable(systems)
        self._tick_loop = task.LoopingCall(self.tick)
        self._tick_loop.clock = clock
        self._save_loop = task.LoopingCall(self.autosave)
        self._save_loop.clock = clock
        self._saving: defer.Deferred[Any] | None = None
        self.ticks: collections.deque[TickRecord] = collections.deque(maxlen=TIMINGS_KEPT)
        self.saves: collections.deque[SaveRecord] = collections.deque(maxlen=TIMINGS_KEPT)

    @property
    def world(self) -> World:
        return self.context.world

    @property
    def store(self) -> CharacterStore:
        return self.context.store

    @property
    def sessions(self) -> dict[ClientLink, GameSession]:
        return self.context.sessions

    @property
    def in_world(self) -> dict[int, GameSession]:
        """Sessions whose character is in the world, by player id."""
        return self.context.in_world

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> None:
        config = self.context.config
        self._tick_loop.start(config.tick_seconds, now=False)
        self._save_loop.start(config.autosave_seconds, now=False)
        self.item_saver.soon()  # e.g. items of kinds no longer defined, destroyed on loading

    def stop(self) -> defer.Deferred[Any]:
        """Stop ticking, take every player out of the world and save everything."""
        for loop in (self._tick_loop, self._save_loop):
            if loop.running:
                loop.stop()
        ctx = self.context
        states = []
        for session in list(ctx.sessions.values()):
            state = leave_world(ctx, session)
            if state is not None:
                states.append(state)
        ctx.cancel_flush()
        ctx.flush()
        return defer.DeferredList(
            [ctx.store.save_characters(states), ctx.store.save_world_state(ctx.world.snapshot()), self.item_saver.stop()],
            consumeErrors=True,
        )

    # ------------------------------------------------------------------ the gateway

    def enter_game(self, link: ClientLink, account: Account) -> None:
        self.leave_game(link)
        self.context.open_session(link, account)

    def request(self, link: ClientLink, message: Message) -> None:
        ctx = self.context
        session = ctx.sessions.get(link)
        if session is None:
            return
        try:
            if not self.requests.dispatch(ctx, session, message) and message.name not in session.unhandled:
                session.unhandled.add(message.name)  # once per session and kind, not per frame
                log.info("{request} is not handled {where}; further ones from {account} are not logged",
                         request=message.name, where="in the world" if session.avatar else "at character selection",
                         account=session.account.name)
        except Exception:  # noqa: BLE001 - one bad request must not take the game down
            log.failure("request {request} failed", request=message.name)
        self.item_saver.soon()
        # The requester's replies leave now; what others see leaves with the next broadcast.
        ctx.flush_session(session)

    def leave_game(self, link: ClientLink) -> None:
        ctx = self.context
        session = ctx.sessions.pop(link, None)
        if session is None:
            return
        state = leave_world(ctx, session)
        if state is not None:
            ctx.save_characters([state], "logoff")

    # ------------------------------------------------------------------ ticking and saving

    def tick(self) -> None:
        started = time.perf_counter()
        ctx = self.context
        try:
            render(ctx, ctx.world.tick(ctx.now()))
        except Exception:  # noqa: BLE001 - keep ticking
            log.failure("world tick failed")
        self.item_saver.soon()
        self.ticks.append(TickRecord(started, time.perf_counter() - started, self._saving is not None))

    def online_states(self) -> list[CharacterState]:
        return [character_state(self.context, s.avatar) for s in self.context.in_world.values() if s.avatar]

    def autosave(self) -> defer.Deferred[Any] | None:
        """Save every online character and the world's state, off the reactor thread.

        The snapshot is taken here (cheap, in memory); the writes run on the store's
        thread. A save still running when the next is due is not doubled up.
        """
        if self._saving is not None:
            log.warn("autosave skipped: the previous save is still running")
            return None
        ctx = self.context
        record = SaveRecord(time.perf_counter(), at=ctx.now())
        self.saves.append(record)
        writes: list[defer.Deferred[Any]] = [
            ctx.store.save_characters(self.online_states()),
            ctx.store.save_world_state(ctx.world.snapshot()),
        ]
        saving = defer.gatherResults(writes, consumeErrors=True)

        def failed(failure: Failure) -> None:
            log.failure("autosave failed", failure)

        def done(result: object) -> object:
            self._saving = None
            record.finished = time.perf_counter()
            return result

        saving.addErrback(failed)
        saving.addBoth(done)
        self._saving = saving if not saving.called else None
        return saving
