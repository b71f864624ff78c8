"""The store thread: all database work of the server runs on one worker thread.

One thread serializes every write (SQLite never reports "database is locked" to ourselves), keeps
the reactor free while hashing and querying, and suits peewee, which keeps a connection per thread.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, TypeVar

import peewee
from twisted.application.service import Service
from twisted.internet.defer import Deferred
from twisted.internet.threads import deferToThreadPool
from twisted.logger import Logger
from twisted.python.failure import Failure
from twisted.python.threadpool import ThreadPool

from emulator import auth
from emulator.store import accounts
from emulator.store.database import open_database, redact

T = TypeVar("T")
P = ParamSpec("P")


class StoreNotRunning(RuntimeError):
    pass


#: Threads for password hashing; Argon2 releases the GIL, so this many logins hash at once.
HASH_THREADS = 2


class StoreService(Service):
    """Owns the worker thread and the database opened on it.

    ``reactor`` must provide IReactorFromThreads (results come back with callFromThread) and
    IReactorTime (login times come from ``reactor.seconds()``).
    """

    log = Logger()
    name = "store"

    def __init__(self, database_url: str, reactor: Any, *, hash_cost: auth.HashCost = auth.DEFAULT_COST) -> None:
        self._url = database_url
        self._reactor = reactor
        self._hash_cost = hash_cost
        self._pool: ThreadPool | None = None
        self._hash_pool: ThreadPool | None = None  # password hashing: CPU only, releases the GIL
        self._database: peewee.Database | None = None  # touched only on the worker thread
        self._open_error: BaseException | None = None
        self._accepting = False
        self.ready: Deferred[None] = Deferred()  # fires once the database is open and migrated
        #: calls made and not yet answered (queued or running), counted on the reactor thread
        self.calls_waiting = 0

    def startService(self) -> None:
        super().startService()
        self._pool = ThreadPool(1, 1, name="m59emu-store")
        self._pool.start()
        self._hash_pool = ThreadPool(1, HASH_THREADS, name="m59emu-hash")
        self._hash_pool.start()
        self._accepting = True
        opened = deferToThreadPool(self._reactor, self._pool, self._open)
        opened.addCallbacks(self._opened, self._open_failed)

    def stopService(self) -> Deferred[None]:
        """Stop taking calls, let queued ones finish, close the database, end the thread."""
        super().stopService()
        self._accepting = False
        hash_pool, self._hash_pool = self._hash_pool, None
        if hash_pool is not None:
            hash_pool.stop()  # waits for hashes in progress; their results are then recorded or dropped
        pool, self._pool = self._pool, None
        if pool is None:
            return Deferred.fromCoroutine(_nothing())
        closed = deferToThreadPool(self._reactor, pool, self._close)  # queued after every pending call

        def stop_pool(result: object) -> object:
            pool.stop()  # the worker is idle now: this join returns at once
            return result

        closed.addBoth(stop_pool)
        closed.addErrback(lambda failure: self.log.failure("closing the store failed", failure))
        return closed

    def call(
        self, fn: Callable[Concatenate[peewee.Database, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> Deferred[T]:
        """Run ``fn(db, *args, **kwargs)`` on the store thread."""
        if not self._accepting or self._pool is None:
            raise StoreNotRunning("the store service is not running")
        self.calls_waiting += 1
        answered = deferToThreadPool(self._reactor, self._pool, self._run, fn, args, kwargs)
        return answered.addBoth(self._answered)

    def _answered(self, result: T) -> T:
        self.calls_waiting -= 1
        return result

    def verify_login(self, name: str, digest: bytes, address: str) -> Deferred[accounts.LoginVerdict]:
        """Look up, hash, record: the hash (tens of ms) runs on the hash threads, so a wave of
        logins does not hold up the database thread, which every other store call needs."""
        now = datetime.datetime.fromtimestamp(self._reactor.seconds(), datetime.UTC)

        def judge(candidate: accounts.LoginCandidate) -> Deferred[accounts.LoginVerdict]:
            if self._hash_pool is None:
                raise StoreNotRunning("the store service is not running")
            judged = deferToThreadPool(self._reactor, self._hash_pool, accounts.judge_login, candidate, digest, now, self._hash_cost)
            return judged.addCallback(lambda verdict: self.call(accounts.record_login, candidate, verdict, address, now))

        return self.call(accounts.find_login_candidate, name).addCallback(judge)

    # On the worker thread:

    def _open(self) -> None:
        try:
            self._database = open_database(self._url)
        except BaseException as error:
            self._open_error = error
            raise

    def _run(self, fn: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any]) -> T:
        if self._database is None:
            raise StoreNotRunning(f"the database did not open: {self._open_error!r}")
        return fn(self._database, *args, **kwargs)

    def _close(self) -> None:
        if self._database is not None:
            self._database.close()
            self._database = None

    # On the reactor thread:

    def _opened(self, _: None) -> None:
        self.log.info("store open: {url}", url=redact(self._url))
        self.ready.callback(None)

    def _open_failed(self, failure: Failure) -> None:
        self.log.failure("cannot open the store {url}", failure, url=redact(self._url))
        self.ready.errback(failure)


async def _nothing() -> None:
    return None
