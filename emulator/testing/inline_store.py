"""The store with no threads: every call runs at once on the caller's thread.

For in-memory runs of the whole server (tests, replays) on a ``MemoryReactorClock``:
the same store functions as :class:`~emulator.store.thread.StoreService`, with
results handed back as already-fired Deferreds.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any, TypeVar

import peewee
from twisted.application.service import Service
from twisted.internet import defer
from twisted.internet.interfaces import IReactorTime

from emulator import auth
from emulator.store import accounts
from emulator.store.database import open_database
from emulator.store.thread import StoreNotRunning

T = TypeVar("T")


class InlineStore(Service):
    name = "store"

    def __init__(self, database_url: str, clock: IReactorTime, *, hash_cost: auth.HashCost = auth.TEST_COST) -> None:
        self._url = database_url
        self._clock = clock
        self._hash_cost = hash_cost
        self.database: peewee.Database | None = None

    def startService(self) -> None:
        super().startService()
        self.database = open_database(self._url)

    def stopService(self) -> None:
        super().stopService()
        if self.database is not None:
            self.database.close()
            self.database = None

    def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``fn(db, ...)`` now, raising what it raises (for setting up a test)."""
        if self.database is None:
            raise StoreNotRunning("the store is not running")
        return fn(self.database, *args, **kwargs)

    def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> defer.Deferred[T]:
        """As :meth:`StoreService.call`, answered before it returns."""
        try:
            return defer.succeed(self.run(fn, *args, **kwargs))
        except Exception:  # noqa: BLE001 - handed to the caller's errback, as the thread does
            return defer.fail()

    def verify_login(self, name: str, digest: bytes, address: str) -> defer.Deferred[accounts.LoginVerdict]:
        now = datetime.datetime.fromtimestamp(self._clock.seconds(), datetime.UTC)
        return self.call(accounts.verify_login, name, digest, address, now, cost=self._hash_cost)
