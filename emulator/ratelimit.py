"""A token bucket on a clock the caller passes in: the rate limits of the world and of
each connection's requests."""

from __future__ import annotations

import attrs


@attrs.define
class TokenBucket:
    """Refills at ``rate`` per second up to ``burst``; time only ever comes from callers."""

    rate: float
    burst: float
    tokens: float = 0.0
    checked_at: float | None = None

    def take(self, now: float, cost: float = 1.0) -> bool:
        """Spend ``cost`` if there is enough; a refused take spends nothing."""
        if self.checked_at is None:
            self.tokens = self.burst
        else:  # a clock that steps back refills nothing
            self.tokens = min(self.burst, self.tokens + max(0.0, now - self.checked_at) * self.rate)
        self.checked_at = max(now, self.checked_at) if self.checked_at is not None else now
        if cost > self.tokens:
            return False
        self.tokens -= cost
        return True
