"""Operator commands with no server running (``m59emu admin``): the store alone, inline.

The registry answers commands that need the world ("needs the running server"); the rest
act on the database directly, on this thread, as the server's store thread would.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable
from typing import Any, TypeVar

import peewee
from twisted.internet import defer
from twisted.internet.interfaces import IReactorTime

from emulator import auth
from emulator.admin.commands import build_registry
from emulator.admin.control import ServerControl
from emulator.admin.registry import Caller, Outcome
from emulator.config import Config
from emulator.store import accounts

T = TypeVar("T")


class OfflineStore:
    """``store.call(fn, ...)`` runs ``fn(db, ...)`` at once on an open database; the
    Deferred it returns has already fired."""

    def __init__(self, database: peewee.Database, clock: IReactorTime, *, hash_cost: auth.HashCost = auth.DEFAULT_COST) -> None:
        self.database = database
        self._clock = clock
        self._hash_cost = hash_cost

    def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> defer.Deferred[T]:
        try:
            return defer.succeed(fn(self.database, *args, **kwargs))
        except Exception:  # noqa: BLE001 - handed to the caller's errback, as the store thread does
            return defer.fail()

    def verify_login(self, name: str, digest: bytes, address: str) -> defer.Deferred[accounts.LoginVerdict]:
        now = datetime.datetime.fromtimestamp(self._clock.seconds(), datetime.UTC)
        return self.call(accounts.verify_login, name, digest, address, now, cost=self._hash_cost)


class WallClock:
    """The time of day, for commands that read it offline (no reactor runs)."""

    def seconds(self) -> float:
        return time.time()

    def callLater(self, delay: float, callable: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("nothing can be scheduled with no server running")

    def getDelayedCalls(self) -> list[Any]:
        return []


def offline_control(database: peewee.Database, config: Config) -> ServerControl:
    clock: Any = WallClock()
    return ServerControl(clock, config, OfflineStore(database, clock), build_registry())


def run_offline(control: ServerControl, caller: Caller, line: str) -> Outcome:
    """Run one command line; the store answers inline, so the result is there at once."""
    answers: list[Outcome] = []
    control.registry.execute_with_outcome(control, caller, line).addCallback(answers.append)
    if not answers:  # a command that waits on something only a running server provides
        return Outcome(f"{line.split()[0] if line.split() else line}: needs the running server (use the SSH console)", False)
    return answers[0]
