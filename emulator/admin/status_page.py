"""The status page (``/``) and its JSON twin (``/status.json``): uptime, who is in the
world and where, the last hour's tick latency and memory, the last saves and backups.

Both are rendered from one document read on the reactor thread. The HTML is built with
``twisted.web.template`` tags, which escape every text and attribute: character names are
the players' own words. The page reloads itself every 30 s (no script).
"""

from __future__ import annotations

import collections
import json
import math
from datetime import UTC, datetime
from typing import Any

import attrs
from twisted.internet import task
from twisted.web.resource import Resource
from twisted.web.server import NOT_DONE_YET, Request
from twisted.web.template import Element, Tag, TagLoader, renderElement, tags

from emulator.admin.control import ServerControl
from emulator.admin.server_state import MemoryReader, players_in_world, recent_backups, recent_saves
from emulator.admin.sparkline import sparkline
from emulator.admin.timings import duration, quantile, recent_tick_durations, ticks_after

SAMPLE_EVERY = 30.0  # seconds between the charts' points ...
SAMPLES_KEPT = 120  # ... for one hour
REFRESH_SECONDS = 30


@attrs.frozen
class Sample:
    """The server over one sampling period."""

    at: float  # reactor clock (wall time in a running server)
    players: int
    ticks: int  # the world's ticks in the period
    tick_p50: float | None  # seconds; None without ticks in the period
    tick_p99: float | None
    tick_max: float | None
    resident_bytes: float | None


class StatusHistory:
    """Samples the server every ``every`` seconds on its reactor, keeping the last ``keep``."""

    def __init__(
        self, control: ServerControl, memory: MemoryReader, every: float = SAMPLE_EVERY, keep: int = SAMPLES_KEPT
    ) -> None:
        self.control = control
        self.memory = memory
        self.every = every
        self.keep = keep
        self.samples: collections.deque[Sample] = collections.deque(maxlen=keep)
        self._last_tick = -math.inf  # perf_counter start of the newest tick sampled so far
        self._loop = task.LoopingCall(self.sample)
        self._loop.clock = control.reactor

    def start(self) -> None:
        if not self._loop.running:
            self._loop.start(self.every, now=True)

    def stop(self) -> None:
        if self._loop.running:
            self._loop.stop()

    def sample(self) -> None:
        """One sample: the ticks since the last sample, the players and the memory now."""
        hub = self.control.hub
        ticks = ticks_after(hub.ticks, self._last_tick) if hub is not None else []
        if ticks:
            self._last_tick = ticks[-1].started
        durations = [record.duration for record in ticks]
        self.samples.append(
            Sample(
                at=self.control.reactor.seconds(),
                players=len(hub.in_world) if hub is not None else 0,
                ticks=len(durations),
                tick_p50=quantile(durations, 0.5),
                tick_p99=quantile(durations, 0.99),
                tick_max=quantile(durations, 1.0),
                resident_bytes=self.memory.resident_bytes(),
            )
        )


class ServerStatus:
    """The status document: what both pages show."""

    def __init__(self, control: ServerControl, started_at: float, history: StatusHistory) -> None:
        self.control = control
        self.started_at = started_at
        self.history = history

    def document(self) -> dict[str, Any]:
        control = self.control
        now = control.reactor.seconds()
        hub, factory = control.hub, control.factory
        players = players_in_world(hub) if hub is not None else []
        recent = recent_tick_durations(hub.ticks) if hub is not None else []
        backups = recent_backups(control.backups)
        counters = factory.counters if factory is not None else None
        return {
            "now": now,
            "started_at": self.started_at,
            "uptime_seconds": max(0.0, now - self.started_at),
            "players_online": len(players),
            "connections_open": len(factory.connections) if factory is not None else 0,
            "logins": counters.logins if counters is not None else 0,
            "login_failures": dict(sorted(counters.login_failures.items())) if counters is not None else {},
            "players": [attrs.asdict(place) for place in players],
            "tick_seconds_last_minute": {
                "count": len(recent),
                "p50": quantile(recent, 0.5),
                "p99": quantile(recent, 0.99),
                "max": quantile(recent, 1.0),
            },
            "resident_memory_bytes": self.history.memory.resident_bytes(),
            "history": {
                "every_seconds": self.history.every,
                "kept": self.history.keep,
                "samples": [attrs.asdict(sample) for sample in self.history.samples],
            },
            "saves": [attrs.asdict(save) for save in recent_saves(hub, control.reactor)] if hub is not None else [],
            "backups": None if backups is None else [attrs.asdict(backup) for backup in backups],
        }


class StatusJson(Resource):
    isLeaf = True

    def __init__(self, status: ServerStatus) -> None:
        super().__init__()
        self.status = status

    def render_GET(self, request: Request) -> bytes:
        request.setHeader("content-type", "application/json")
        request.setHeader("x-content-type-options", "nosniff")
        request.setHeader("cache-control", "no-store")
        return json.dumps(self.status.document(), indent=1).encode()


class StatusPage(Resource):
    isLeaf = True

    def __init__(self, status: ServerStatus) -> None:
        super().__init__()
        self.status = status

    def render_GET(self, request: Request) -> object:
        request.setHeader("content-type", "text/html; charset=utf-8")
        request.setHeader("x-content-type-options", "nosniff")
        request.setHeader("cache-control", "no-store")
        # No script and nothing from elsewhere: a name that slipped through unescaped would still run nothing.
        request.setHeader("content-security-policy", "default-src 'none'; style-src 'unsafe-inline'")
        renderElement(request, _Page(page(self.status.document())))
        return NOT_DONE_YET


class _Page(Element):
    def __init__(self, root: Tag) -> None:
        super().__init__(loader=TagLoader(root))


# ---------------------------------------------------------------- the HTML


def page(document: dict[str, Any]) -> Tag:
    title = "m59emu status"
    return tags.html(lang="en")(
        tags.head(
            tags.meta(charset="utf-8"),
            tags.meta(**{"http-equiv": "refresh", "content": str(REFRESH_SECONDS)}),
            tags.title(title),
            tags.style(_STYLE),
        ),
        tags.body(
            tags.h1(title),
            _summary(document),
            _players(document),
            _charts(document),
            _saves(document),
            _backups(document),
            tags.footer(
                "Reloads every ", str(REFRESH_SECONDS), " s. ",
                tags.a("status.json", href="status.json"), " · ", tags.a("metrics", href="metrics"),
            ),
        ),
    )


def _summary(document: dict[str, Any]) -> Tag:
    tick = document["tick_seconds_last_minute"]
    return tags.dl(class_="summary")(
        tags.dt("Players online"), tags.dd(tags.span(str(document["players_online"]), id="players-online")),
        tags.dt("Connections"), tags.dd(tags.span(str(document["connections_open"]), id="connections-open")),
        tags.dt("Up"), tags.dd(tags.span(duration(document["uptime_seconds"]), id="uptime"),
                               " since ", timestamp(document["started_at"])),
        tags.dt("Tick, last minute"), tags.dd(f"median {milliseconds(tick['p50'])}, 99% {milliseconds(tick['p99'])}, "
                                              f"longest {milliseconds(tick['max'])}"),
        tags.dt("Memory"), tags.dd(size(document["resident_memory_bytes"])),
        tags.dt("Logins"), tags.dd(f"{document['logins']} ok, {sum(document['login_failures'].values())} refused"),
    )


def _players(document: dict[str, Any]) -> Tag:
    players = document["players"]
    if not players:
        return tags.section(tags.h2("Players"), tags.p("Nobody is in the world."))
    rows = [tags.tr(tags.td(player["name"], class_="name"), tags.td(player["room_name"], title=player["room"]))
            for player in players]
    return tags.section(
        tags.h2("Players"),
        tags.table(id="players")(tags.thead(tags.tr(tags.th("Character"), tags.th("Room"))), tags.tbody(*rows)),
    )


def _charts(document: dict[str, Any]) -> Tag:
    history = document["history"]
    samples = history["samples"]
    padding: list[float | None] = [None] * (history["kept"] - len(samples))  # the time axis stays one hour wide
    ticks = padding + [sample["tick_p99"] for sample in samples]
    memory = padding + [sample["resident_bytes"] for sample in samples]
    known_ticks = [value for value in ticks if value is not None]
    known_memory = [value for value in memory if value is not None]
    minutes = round(history["kept"] * history["every_seconds"] / 60)
    return tags.section(
        tags.h2(f"The last {minutes} minutes"),
        tags.figure(
            sparkline(ticks, label="tick latency, 99th percentile"),
            tags.figcaption(f"Tick latency, the 99th percentile of each {history['every_seconds']:g} s, from 0 to "
                            f"{milliseconds(max(known_ticks, default=None))}"),
        ),
        tags.figure(
            sparkline(memory, label="resident memory", from_zero=False),
            tags.figcaption(f"Memory (resident), from {size(min(known_memory, default=None))} to "
                            f"{size(max(known_memory, default=None))}"),
        ),
    )


def _saves(document: dict[str, Any]) -> Tag:
    saves = document["saves"]
    if not saves:
        return tags.section(tags.h2("Saves"), tags.p("No autosave yet."))
    rows = [tags.tr(tags.td(timestamp(save["at"])),
                    tags.td("running" if save["seconds"] is None else milliseconds(save["seconds"])))
            for save in saves]
    return tags.section(
        tags.h2("Saves"),
        tags.table(id="saves")(tags.thead(tags.tr(tags.th("Started"), tags.th("Took"))), tags.tbody(*rows)),
    )


def _backups(document: dict[str, Any]) -> Tag:
    backups = document["backups"]
    if backups is None:
        return tags.section(tags.h2("Backups"), tags.p("This server makes no backups."))
    if not backups:
        return tags.section(tags.h2("Backups"), tags.p("No backup yet."))
    rows = [
        tags.tr(
            tags.td(timestamp(backup["started_at"])),
            tags.td(seconds_text(backup["seconds"])),
            tags.td(size(backup["size"])),
            tags.td(backup["path"]),
            tags.td("ok" if not backup["error"] else f"failed: {backup['error']}",
                    class_="ok" if not backup["error"] else "failed"),
        )
        for backup in backups
    ]
    header = tags.tr(*(tags.th(name) for name in ("Started", "Took", "Size", "File", "Result")))
    return tags.section(tags.h2("Backups"), tags.table(id="backups")(tags.thead(header), tags.tbody(*rows)))


_STYLE = """
body { font: 15px/1.4 system-ui, sans-serif; margin: 1.5em auto; max-width: 60em; padding: 0 1em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.15em; margin-top: 1.5em; }
dl.summary { display: grid; grid-template-columns: max-content auto; gap: .2em 1.5em; }
dt { color: #666; } dd { margin: 0; }
#players-online { font-size: 1.6em; font-weight: bold; }
table { border-collapse: collapse; } th, td { text-align: left; padding: .2em 1.2em .2em 0; }
th { color: #666; font-weight: normal; border-bottom: 1px solid #ccc; }
figure { margin: 1em 0; } figcaption { color: #555; }
.sparkline-frame { fill: #f6f8fa; stroke: #ddd; }
.sparkline-line { fill: none; stroke: #2b6cb0; stroke-width: 1.5; } .sparkline-dot { fill: #2b6cb0; }
.failed { color: #b00; } footer { margin-top: 2em; color: #666; }
"""


# ---------------------------------------------------------------- figures as text




def timestamp(at: float | None) -> str:
    if at is None:
        return "?"
    try:
        return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    except (OverflowError, OSError, ValueError):
        return "?"


def milliseconds(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    return f"{seconds * 1000:.2f} ms" if seconds < 0.01 else f"{seconds * 1000:.0f} ms"


def seconds_text(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds:.1f} s"


def size(count: float | None) -> str:
    if count is None:
        return "–"
    if count < 1024:
        return f"{count:.0f} B"
    unit = "KiB"
    for unit in ("KiB", "MiB", "GiB"):
        count /= 1024
        if count < 1024:
            break
    return f"{count:.1f} {unit}"
