"""Writing the world's item operations to the store soon after they happen.

Item changes are applied in memory at once (the player sees them); their operations wait
in ``world.items.pending`` and leave in batches: the first a short delay after a change,
at most ``batch`` operations per write, one write at a time, each ONE transaction of whole
operations (``emulator.store.items.apply_item_batch``) on the store's thread. A failed
write puts its operations back first in line and is tried again later (the store skips
operations it has applied already, by their sequence numbers, should a commit have gone
through whose answer was lost). So a crash loses
at most the operations of the last fraction of a second, each whole, and the store's
ledger always balances.
"""

from __future__ import annotations

from typing import Any, Protocol

from twisted.internet import defer
from twisted.internet.interfaces import IDelayedCall, IReactorTime
from twisted.python.failure import Failure

from emulator.logs import logger
from emulator.world.items import Items, Operation

log = logger("m59emu.game")

FLUSH_DELAY_SECONDS = 0.25
RETRY_SECONDS = 2.0
BATCH_OPERATIONS = 500


class ItemStore(Protocol):
    def save_items(self, operations: list[Operation]) -> defer.Deferred[Any]: ...


class ItemSaver:
    def __init__(self, items: Items, store: ItemStore, clock: IReactorTime, *,
                 delay: float = FLUSH_DELAY_SECONDS, batch: int = BATCH_OPERATIONS) -> None:
        self.items = items
        self.store = store
        self.clock = clock
        self.delay = delay
        self.batch = batch
        self._call: IDelayedCall | None = None
        self._writing: defer.Deferred[Any] | None = None
        self._stopped = False
        self.failures = 0

    def soon(self, delay: float | None = None) -> None:
        """Write what is pending after the delay, unless a write is due or running."""
        if self._stopped or self._call is not None or self._writing is not None or not self.items.pending:
            return
        self._call = self.clock.callLater(self.delay if delay is None else delay, self._write)

    def _write(self) -> None:
        self._call = None
        if self._writing is not None or not self.items.pending:
            return
        operations = self.items.take_operations(self.batch)
        writing = self.store.save_items(operations)
        self._writing = writing

        def done(result: object) -> None:
            self._writing = None
            self.soon(0.0)  # more came meanwhile, or the batch was full

        def failed(failure: Failure) -> None:
            self._writing = None
            self.failures += 1
            self.items.give_back(operations)
            log.failure("writing {count} item operations failed; trying again", failure, count=len(operations))
            self.soon(RETRY_SECONDS)

        writing.addCallbacks(done, failed)

    def stop(self) -> defer.Deferred[Any]:
        """Write everything pending (after a write in progress); no more timed writes."""
        self._stopped = True
        if self._call is not None and self._call.active():
            self._call.cancel()
        self._call = None

        def write_rest(_: object = None) -> defer.Deferred[Any] | None:
            operations = self.items.take_operations(len(self.items.pending))
            if not operations:
                return None
            return self.store.save_items(operations)

        if self._writing is None:
            return defer.maybeDeferred(write_rest)
        waiting: defer.Deferred[Any] = defer.Deferred()

        def release(result: object) -> object:
            waiting.callback(None)
            return result

        self._writing.addBoth(release)
        return waiting.addCallback(write_rest)
