"""The budget of one connection's game requests: a token bucket per kind of request.

Over budget, a request is dropped and counted. Drops are reported once per window as a
summary ("dropped 4,812 BP_SEND_ROOM_CONTENTS in 10 s"), and a connection that drops
more than the config allows within one window is to be closed.
"""

from __future__ import annotations

from collections import Counter

import attrs

from emulator.config import RequestsConfig
from emulator.ratelimit import TokenBucket


@attrs.frozen
class DropReport:
    """What was dropped over one window (for one log line)."""

    dropped: dict[str, int]
    seconds: float
    flood: bool  # over the limit: close the connection

    def summary(self) -> str:
        return ", ".join(f"{count:,} {kind}" for kind, count in sorted(self.dropped.items(), key=lambda kv: -kv[1]))


class RequestBudget:
    def __init__(self, config: RequestsConfig) -> None:
        self._config = config
        self._buckets: dict[str, TokenBucket] = {}
        self._dropped: Counter[str] = Counter()
        self._window_started: float | None = None

    def allows(self, kind: str, now: float) -> bool:
        bucket = self._buckets.get(kind)
        if bucket is None:
            rate, burst = self._config.kinds.get(kind, (self._config.rate, self._config.burst))
            bucket = self._buckets[kind] = TokenBucket(rate, float(burst))
        return bucket.take(now)

    def drop(self, kind: str, now: float) -> DropReport | None:
        """Count a dropped request. A report when a window closes (the drops before this
        one) or when this drop makes the window a flood; otherwise None."""
        report = None
        started = self._window_started
        if started is not None and now - started >= self._config.drop_window:
            report = DropReport(dict(self._dropped), now - started, flood=False)
            self._dropped.clear()
            started = None
        if started is None:
            self._window_started = started = now
        self._dropped[kind] += 1
        if sum(self._dropped.values()) > self._config.max_dropped:
            return DropReport(dict(self._dropped), now - started, flood=True)
        return report

    def pending_report(self, now: float) -> DropReport | None:
        """What was dropped in the open window (for a last line when the connection ends)."""
        if not self._dropped or self._window_started is None:
            return None
        return DropReport(dict(self._dropped), now - self._window_started, flood=False)
