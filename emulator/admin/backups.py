"""The server's backups: one at a time, on a schedule (``[backup] every_hours``) and when an
operator asks, on a thread of their own with connections of their own (not the store's thread),
so the world keeps ticking and the store keeps writing; rotated after each success.

Time for the schedule comes from the injected reactor; the wall clock (file names, the history)
is injectable too. The mechanics are in :mod:`emulator.store.backup`.
"""

from __future__ import annotations

import collections
import datetime
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import attrs
from twisted.application.service import Service
from twisted.internet import defer
from twisted.internet.interfaces import IDelayedCall, IReactorTime
from twisted.internet.threads import deferToThreadPool
from twisted.python.failure import Failure
from twisted.python.threadpool import ThreadPool

from emulator.config import BackupConfig
from emulator.logs import logger
from emulator.store.backup import BackupCancelled, BackupError, backup_time, list_backups, make_backup, rotate
from emulator.store.database import redact

log = logger("m59emu.backup")

T = TypeVar("T")
#: Runs a function somewhere off the reactor thread; the Deferred fires on the reactor thread.
Runner = Callable[[Callable[[], T]], defer.Deferred[T]]

HISTORY_KEPT = 50
#: The first scheduled backup after a start waits at least this long (the start stays quick).
FIRST_DELAY_SECONDS = 600.0


@attrs.frozen
class BackupRecord:
    """One backup taken or tried, as the status page and the ``backups`` command show it."""

    started_at: float  # wall-clock seconds since the epoch
    seconds: float  # how long it took
    path: str | None  # the file, when it was written
    size: int | None  # its size in bytes
    error: str | None  # why it failed, else None
    scheduled: bool = True  # False: an operator asked for it


def run_inline(work: Callable[[], T]) -> defer.Deferred[T]:
    """A runner for a reactor with no threads (the in-memory server): the work runs now."""
    return defer.maybeDeferred(work)


class Backups(Service):
    """The backup schedule, the one backup that may run at a time, and their history."""

    name = "backups"

    def __init__(
        self,
        database_url: str,
        config: BackupConfig,
        reactor: IReactorTime,
        *,
        runner: Runner[Any] | None = None,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.database_url = database_url
        self.config = config
        self.directory = Path(config.dir)
        self._reactor = reactor
        self._runner = runner
        self._pool: ThreadPool | None = None  # made on first use when no runner was given
        self._wall_clock = wall_clock
        self._timer: IDelayedCall | None = None
        self._cancel = threading.Event()
        self.in_progress: defer.Deferred[BackupRecord] | None = None
        self.in_progress_since: float | None = None  # wall time the running backup started
        self.next_due: float | None = None  # wall time of the next scheduled backup
        self.skipped = 0  # scheduled backups not started because one was still running
        self.history: collections.deque[BackupRecord] = collections.deque(maxlen=HISTORY_KEPT)

    # ------------------------------------------------------------------ the schedule

    @property
    def interval(self) -> float:
        return self.config.every_hours * 3600.0

    def startService(self) -> None:
        super().startService()
        self._cancel.clear()
        if self.interval > 0:
            self._schedule(self._first_delay())
            log.info("backups every {hours:g} h into {dir}, keeping {keep}; the next at {due}",
                     hours=self.config.every_hours, dir=str(self.directory), keep=self.config.keep,
                     due=_utc(self.next_due))

    def stopService(self) -> defer.Deferred[None] | None:
        """No more backups; a running one is cancelled (its partial file removed) and waited for."""
        super().stopService()
        if self._timer is not None and self._timer.active():
            self._timer.cancel()
        self._timer = None
        self.next_due = None
        running = self.in_progress
        if running is None:
            self._stop_pool()
            return None
        self._cancel.set()
        waited: defer.Deferred[None] = defer.Deferred()

        def stopped(record: BackupRecord) -> BackupRecord:
            self._stop_pool()  # the worker is idle now: the join returns at once
            waited.callback(None)
            return record

        running.addCallback(stopped)
        return waited

    def _first_delay(self) -> float:
        """One interval after the newest backup in the folder, but not in the first minutes."""
        try:
            newest = list_backups(self.directory)
        except OSError:  # unreadable: the backup itself will say why
            newest = []
        taken = backup_time(newest[-1]) if newest else None
        if taken is None:
            return FIRST_DELAY_SECONDS
        due_in = taken.timestamp() + self.interval - self._wall_clock()
        return max(FIRST_DELAY_SECONDS, due_in)

    def _schedule(self, delay: float) -> None:
        self.next_due = self._wall_clock() + delay
        self._timer = self._reactor.callLater(delay, self._due)

    def _due(self) -> None:
        self._timer = None
        self._schedule(self.interval)
        if self.in_progress is not None:
            self.skipped += 1
            log.warn("scheduled backup skipped: the one started at {since} is still running",
                     since=_utc(self.in_progress_since))
            return
        self.start(scheduled=True)

    # ------------------------------------------------------------------ one backup

    def start(self, *, scheduled: bool = False) -> defer.Deferred[BackupRecord] | None:
        """Begin a backup now; None when one is running already. The Deferred fires with its
        record (never fails: an error is in the record and the log)."""
        if self.in_progress is not None:
            return None
        started_at = self._wall_clock()
        began = time.perf_counter()
        self.in_progress_since = started_at
        url, directory, keep, cancel = self.database_url, self.directory, self.config.keep, self._cancel
        now = datetime.datetime.fromtimestamp(started_at, datetime.UTC)

        def work() -> tuple[str, int, list[Path]]:
            made = make_backup(url, directory, now, cancel.is_set)
            return str(made.path), made.size, rotate(directory, keep)

        def done(result: tuple[str, int, list[Path]]) -> BackupRecord:
            path, size, deleted = result
            record = BackupRecord(started_at, time.perf_counter() - began, path, size, None, scheduled)
            log.info("backup written: {path} ({size} bytes) in {seconds:.1f} s", path=path, size=size,
                     seconds=record.seconds)
            if deleted:
                log.info("backups rotated out (keeping {keep}): {names}", keep=keep,
                         names=", ".join(p.name for p in deleted))
            return record

        def failed(failure: Failure) -> BackupRecord:
            if failure.check(BackupCancelled, BackupError):
                reason = failure.getErrorMessage()
                log.error("backup of {url} failed: {reason}", url=redact(url), reason=reason)
            else:
                reason = f"{type(failure.value).__name__}: {failure.getErrorMessage()}"
                log.failure("backup of {url} failed", failure, url=redact(url))
            return BackupRecord(started_at, time.perf_counter() - began, None, None, reason, scheduled)

        def finished(record: BackupRecord) -> BackupRecord:
            self.history.append(record)
            self.in_progress = None
            self.in_progress_since = None
            return record

        running = self._run(work).addCallbacks(done, failed).addCallback(finished)
        if not running.called:  # an inline runner is done already
            self.in_progress = running
        return _follow(running)

    def _run(self, work: Callable[[], T]) -> defer.Deferred[T]:
        if self._runner is not None:
            return self._runner(work)
        if self._pool is None:
            self._pool = ThreadPool(1, 1, name="m59emu-backup")
            self._pool.start()
        return deferToThreadPool(self._reactor, self._pool, work)  # type: ignore[arg-type]

    def _stop_pool(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.stop()


def _follow(source: defer.Deferred[T]) -> defer.Deferred[T]:
    """A Deferred of its own for a caller: what it adds does not change ``source``'s result."""
    follower: defer.Deferred[T] = defer.Deferred()

    def hand_on(result: T) -> T:
        follower.callback(result)
        return result

    source.addCallback(hand_on)
    return follower


def _utc(wall: float | None) -> str:
    if wall is None:
        return "?"
    return datetime.datetime.fromtimestamp(wall, datetime.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


__all__ = ["BackupRecord", "Backups", "HISTORY_KEPT", "run_inline"]
