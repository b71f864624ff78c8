"""Connection caps and failed-login throttles; time is passed in (the reactor's clock).

Written here because ``twisted.protocols.policies.LimitConnectionsByPeer`` is broken on
Twisted 26.10 and ``protocols.htb`` reads the wall clock.
"""

from __future__ import annotations

import attrs


@attrs.define
class TokenBucket:
    """``capacity`` tokens; one comes back every ``refill_seconds``."""

    capacity: int
    refill_seconds: float
    tokens: float = attrs.field(default=None)
    updated: float = 0.0

    def __attrs_post_init__(self) -> None:
        if self.tokens is None:
            self.tokens = float(self.capacity)

    def _refill(self, now: float) -> None:
        if now > self.updated:
            self.tokens = min(float(self.capacity), self.tokens + (now - self.updated) / self.refill_seconds)
        self.updated = max(self.updated, now)

    def available(self, now: float) -> bool:
        self._refill(now)
        return self.tokens >= 1.0

    def take(self, now: float) -> None:
        self._refill(now)
        self.tokens = max(0.0, self.tokens - 1.0)

    def full(self, now: float) -> bool:
        self._refill(now)
        return self.tokens >= self.capacity


class KeyedThrottle:
    """One bucket per key (an account name, an address). Full buckets are forgotten."""

    def __init__(self, capacity: int, refill_seconds: float) -> None:
        self.capacity = capacity
        self.refill_seconds = refill_seconds
        self._buckets: dict[str, TokenBucket] = {}

    def allows(self, key: str, now: float) -> bool:
        bucket = self._buckets.get(key)
        return bucket is None or bucket.available(now)

    def charge(self, key: str, now: float) -> None:
        """Record one failure for ``key``."""
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = TokenBucket(self.capacity, self.refill_seconds, updated=now)
        bucket.take(now)
        self._prune(now)

    def _prune(self, now: float) -> None:
        # Cheap amortised clean-up: only when the table has grown.
        if len(self._buckets) > 1024:
            for key in [key for key, bucket in self._buckets.items() if bucket.full(now)]:
                del self._buckets[key]

    def __len__(self) -> int:
        return len(self._buckets)


class ConnectionLimiter:
    """Counts open connections per address and in total."""

    def __init__(self, max_per_address: int, max_total: int) -> None:
        self.max_per_address = max_per_address
        self.max_total = max_total
        self.total = 0
        self._per_address: dict[str, int] = {}

    def refusal(self, address: str) -> str | None:
        """Why a new connection from ``address`` must be refused, or None."""
        if self.total >= self.max_total:
            return "max_connections_total"
        if self._per_address.get(address, 0) >= self.max_per_address:
            return "max_connections_per_address"
        return None

    def acquire(self, address: str) -> None:
        self.total += 1
        self._per_address[address] = self._per_address.get(address, 0) + 1

    def release(self, address: str) -> None:
        self.total = max(0, self.total - 1)
        count = self._per_address.get(address, 0) - 1
        if count > 0:
            self._per_address[address] = count
        else:
            self._per_address.pop(address, None)

    def count(self, address: str) -> int:
        return self._per_address.get(address, 0)
