"""Figures from the hub's timing records (``hub.ticks``, ``hub.saves``): recent durations,
their quantiles, and a cumulative histogram fed with what is new at each read.

The records are stamped with ``time.perf_counter`` and kept newest last; every reader here
walks them from the newest end and stops at the first one it does not need, so a read costs
what is new, not the whole (long) record.
"""

from __future__ import annotations

import bisect
import math
import time
from collections.abc import Iterable, Reversible, Sequence

from emulator.game.hub import SaveRecord, TickRecord

TICK_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0)
SAVE_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
RECENT_SECONDS = 60.0  # "the last minute" of the summaries


def ticks_after(ticks: Reversible[TickRecord], after: float) -> list[TickRecord]:
    """The ticks that started after ``after`` (perf_counter seconds), oldest first."""
    records = []
    for record in reversed(ticks):
        if record.started <= after:
            break
        records.append(record)
    records.reverse()
    return records


def recent_tick_durations(ticks: Reversible[TickRecord], seconds: float = RECENT_SECONDS) -> list[float]:
    """How long the ticks of the last ``seconds`` (real time) took, oldest first."""
    return [record.duration for record in ticks_after(ticks, time.perf_counter() - seconds)]


def finished_saves(saves: Reversible[SaveRecord]) -> Iterable[tuple[float, float]]:
    """(started, seconds) of the finished saves, newest first."""
    for record in reversed(saves):
        if record.finished is not None:
            yield record.started, record.finished - record.started


def quantile(values: Sequence[float], q: float) -> float | None:
    """The nearest-rank ``q`` quantile (0 < q <= 1) of ``values``; None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


class DurationHistogram:
    """Cumulative counts of durations in fixed buckets, as Prometheus histograms want them.

    ``absorb`` is given the records newest first and takes those that started after the
    newest it took before: a record is counted once however often it is read.
    """

    def __init__(self, buckets: Sequence[float]) -> None:
        self.bounds = tuple(buckets)
        self._counts = [0] * (len(self.bounds) + 1)  # the last one is +Inf
        self.count = 0
        self.sum = 0.0
        self._newest = -math.inf

    def absorb(self, newest_first: Iterable[tuple[float, float]]) -> None:
        newest = self._newest
        for started, seconds in newest_first:
            if started <= self._newest:
                break
            newest = max(newest, started)
            self._counts[bisect.bisect_left(self.bounds, seconds)] += 1
            self.count += 1
            self.sum += seconds
        self._newest = newest

    def cumulative(self) -> list[tuple[str, float]]:
        """``[(upper bound, count at or under it), ..., ("+Inf", count)]``."""
        out = []
        running = 0
        for bound, count in zip((*map(str, self.bounds), "+Inf"), self._counts, strict=True):
            running += count
            out.append((bound, float(running)))
        return out

def duration(seconds: float) -> str:
    """A span of time as people read it: "3 d 4 h", "2 h 5 min", "40 s"."""
    seconds = max(0, int(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    if minutes:
        return f"{minutes} min {seconds} s"
    return f"{seconds} s"
