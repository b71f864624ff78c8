"""Prometheus metrics: the server's own registry, a collector that reads the server's counts
and state when scraped, and the ``/metrics`` resource.

The hot paths only bump integers (:class:`emulator.counters.ServerCounters`); turning them
into metric families happens here, once per scrape. The resource renders on the reactor
thread, because the collector reads the game's live dicts and deques, which only that
thread may touch (``prometheus_client.twisted.MetricsResource`` would collect in a WSGI
worker thread, racing the game); a scrape costs well under a millisecond of it.
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CollectorRegistry
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.exposition import choose_encoder
from prometheus_client.platform_collector import PlatformCollector
from prometheus_client.process_collector import ProcessCollector
from prometheus_client.registry import Collector
from twisted.web.resource import Resource
from twisted.web.server import Request

from emulator.admin.control import ServerControl
from emulator.game.hub import GameHub
from emulator.net.protocol import M59Factory
from emulator.admin.server_state import last_finished_save, recent_backups, store_backlog
from emulator.admin.timings import (
    SAVE_BUCKETS,
    TICK_BUCKETS,
    DurationHistogram,
    finished_saves,
    quantile,
    recent_tick_durations,
)

PREFIX = "m59emu_"


class ServerCollector(Collector):
    """The ``m59emu_*`` metrics, read from the server at each scrape."""

    def __init__(self, control: ServerControl, started_at: float) -> None:
        self.control = control
        self.started_at = started_at  # on the control's reactor clock
        self._ticks = DurationHistogram(TICK_BUCKETS)
        self._saves = DurationHistogram(SAVE_BUCKETS)

    def collect(self) -> Iterator[Metric]:
        control = self.control
        yield GaugeMetricFamily(
            PREFIX + "uptime_seconds", "Seconds since the server started.",
            value=max(0.0, control.reactor.seconds() - self.started_at),
        )
        factory, hub = control.factory, control.hub
        if factory is not None:
            yield from self._connections(factory)
        if hub is not None:
            yield GaugeMetricFamily(PREFIX + "players_online", "Characters in the world.", value=len(hub.in_world))
            yield GaugeMetricFamily(
                PREFIX + "game_sessions", "Connections in game mode (in the world or choosing a character).",
                value=len(hub.sessions),
            )
            yield from self._timings(hub)
        waiting = store_backlog(control.store)
        if waiting is not None:
            yield GaugeMetricFamily(PREFIX + "store_calls_waiting",
                                    "Database calls queued or running on the store's thread.", value=waiting)
        yield from self._backups(control)

    def _connections(self, factory: M59Factory) -> Iterator[Metric]:
        counters = factory.counters
        yield GaugeMetricFamily(PREFIX + "connections_open", "Open game-port connections.", value=len(factory.connections))
        yield CounterMetricFamily(
            PREFIX + "connections_accepted", "Game-port connections accepted.", value=counters.connections_accepted
        )
        yield _by_label(
            PREFIX + "connections_refused", "Game-port connections refused at the door, by limit.",
            "limit", counters.connections_refused,
        )
        yield CounterMetricFamily(PREFIX + "logins", "Logins that reached the character menu.", value=counters.logins)
        yield _by_label(
            PREFIX + "login_failures",
            "Logins refused, by reason (bad_credentials, banned, throttled, account_in_use, client_too_old, "
            "unavailable).",
            "reason", counters.login_failures,
        )
        yield _by_label(
            PREFIX + "game_requests", "Game-mode requests received, by kind (dropped ones included).",
            "kind", counters.requests,
        )
        yield _by_label(
            PREFIX + "game_requests_dropped", "Game-mode requests dropped over the connection's request budget, by kind.",
            "kind", counters.requests_dropped,
        )

    def _timings(self, hub: GameHub) -> Iterator[Metric]:
        self._ticks.absorb((record.started, record.duration) for record in reversed(hub.ticks))
        yield _histogram(PREFIX + "tick_duration_seconds", "Time the world's ticks took.", self._ticks)
        recent = recent_tick_durations(hub.ticks)
        last_minute = GaugeMetricFamily(
            PREFIX + "tick_duration_last_minute_seconds", "Quantiles of the ticks of the last minute.",
            labels=["quantile"],
        )
        for q in (0.5, 0.99, 1.0):
            value = quantile(recent, q)
            if value is not None:
                last_minute.add_metric([str(q)], value)
        yield last_minute
        self._saves.absorb(finished_saves(hub.saves))
        yield _histogram(
            PREFIX + "save_duration_seconds", "Time the autosaves took (characters and world state).", self._saves
        )
        last = last_finished_save(hub, self.control.reactor)
        if last is not None and last.seconds is not None:
            yield GaugeMetricFamily(
                PREFIX + "last_save_timestamp_seconds", "When the last finished autosave started (Unix time).",
                value=last.at,
            )
            yield GaugeMetricFamily(
                PREFIX + "last_save_duration_seconds", "Time the last finished autosave took.", value=last.seconds
            )

    def _backups(self, control: ServerControl) -> Iterator[Metric]:
        backups = recent_backups(control.backups)
        if not backups:
            return
        last = backups[0]
        yield GaugeMetricFamily(
            PREFIX + "last_backup_ok", "1 when the last backup succeeded, 0 when it failed.", value=float(last.ok)
        )
        good = next((entry for entry in backups if entry.ok), None)
        if good is not None:
            if good.started_at is not None:
                yield GaugeMetricFamily(
                    PREFIX + "last_good_backup_timestamp_seconds", "When the last good backup started (Unix time).",
                    value=good.started_at,
                )
            if good.seconds is not None:
                yield GaugeMetricFamily(
                    PREFIX + "last_good_backup_duration_seconds", "Time the last good backup took.", value=good.seconds
                )
            if good.size is not None:
                yield GaugeMetricFamily(
                    PREFIX + "last_good_backup_size_bytes", "Size of the last good backup.", value=good.size
                )


def _by_label(name: str, documentation: str, label: str, counts: dict[str, int]) -> CounterMetricFamily:
    family = CounterMetricFamily(name, documentation, labels=[label])
    for key, value in sorted(counts.items()):
        family.add_metric([key], value)
    return family


def _histogram(name: str, documentation: str, histogram: DurationHistogram) -> HistogramMetricFamily:
    return HistogramMetricFamily(name, documentation, buckets=histogram.cumulative(), sum_value=histogram.sum)


def metrics_registry(control: ServerControl, started_at: float) -> CollectorRegistry:
    """A registry of the server's own (not prometheus_client's global one): the server's
    metrics, the process's (memory, CPU, open files; Linux) and the Python version."""
    registry = CollectorRegistry()
    registry.register(ServerCollector(control, started_at))
    ProcessCollector(registry=registry)
    PlatformCollector(registry=registry)
    return registry


class MetricsResource(Resource):
    """``GET /metrics``: the registry in the format the scraper asks for (Prometheus text
    or OpenMetrics), with prometheus_client's own encoders."""

    isLeaf = True

    def __init__(self, registry: CollectorRegistry) -> None:
        super().__init__()
        self.registry = registry

    def render_GET(self, request: Request) -> bytes:
        accept = request.getHeader("accept") or ""
        encoder, content_type = choose_encoder(accept)
        request.setHeader("content-type", content_type)
        return encoder(self.registry)
