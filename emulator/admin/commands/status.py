"""``show status``, ``show usage``, ``show memory``: how the server is doing."""

from __future__ import annotations

import collections
import gc
import time

from emulator.admin.maintenance import Maintenance
from emulator.admin.registry import Call, Command, Rights
from emulator.admin.server_state import MemoryReader, store_backlog
from emulator.admin.targets import hub_of
from emulator.admin.timings import duration, quantile, recent_tick_durations
from emulator.game.hub import GameHub

#: The window the tick figures cover.
TICK_WINDOW_SECONDS = 60.0


def _status(call: Call) -> str:
    control = call.control
    hub = hub_of(call)
    factory = control.factory
    assert factory is not None  # needs_world
    lines = [
        f"up {duration(time.time() - control.started)}",
        f"players: {len(hub.in_world)} in the world, {len(hub.sessions)} in game mode, "
        f"{len(factory.connections)} connections",
        _ticks(hub),
        _last_save(hub),
    ]
    maintenance = control.maintenance
    if isinstance(maintenance, Maintenance):
        if maintenance.lock.locked:
            lines.append(f"logins locked: {maintenance.lock.message}")
        countdown = maintenance.countdown
        left = countdown.seconds_left() if countdown is not None else None
        if left is not None:
            lines.append(f"shutdown in {duration(left)}")
    return "\n".join(lines)


def _ticks(hub: GameHub) -> str:
    durations = sorted(recent_tick_durations(hub.ticks, TICK_WINDOW_SECONDS))
    if not durations:
        return "ticks: none in the last minute"
    p50, p99 = quantile(durations, 0.5), quantile(durations, 0.99)
    assert p50 is not None and p99 is not None
    return f"ticks in the last minute: {len(durations)}, p50 {_ms(p50)}, p99 {_ms(p99)}, max {_ms(durations[-1])}"


def _last_save(hub: GameHub) -> str:
    finished = [record for record in hub.saves if record.finished is not None]
    running = bool(hub.saves) and hub.saves[-1].finished is None
    if not finished:
        return "last save: none yet" + (" (one is running)" if running else "")
    last = finished[-1]
    assert last.finished is not None
    text = (f"last save: {duration(time.perf_counter() - last.finished)} ago, "
            f"took {_ms(last.finished - last.started)}")
    return text + (" (another is running)" if running else "")


def _usage(call: Call) -> str:
    hub = hub_of(call)
    factory = call.control.factory
    assert factory is not None
    states = collections.Counter(protocol.machine.state.value for protocol in factory.connections)
    held = sum(protocol.link.held_bytes for protocol in factory.connections if protocol.link is not None)
    by_state = ", ".join(f"{count} {state}" for state, count in sorted(states.items())) or "none"
    lines = [
        f"connections: {len(factory.connections)} ({by_state})",
        f"accounts logged in: {len(factory.online)}",
        f"game sessions: {len(hub.sessions)}, {len(hub.in_world)} in the world",
        f"output held for slow readers: {held} bytes",
        f"item operations waiting to be written: {len(hub.world.items.pending)}",
    ]
    queued = store_backlog(call.control.store)
    if queued is not None:
        lines.append(f"store calls waiting: {queued}")
    return "\n".join(lines)


def _memory(call: Call) -> str:
    rss = MemoryReader().resident_bytes()
    counts = gc.get_count()
    lines = [
        f"resident memory: {rss / 2**20:.1f} MiB" if rss is not None else "resident memory: unknown",
        f"Python objects tracked: {len(gc.get_objects()):,} ({gc.get_freeze_count():,} frozen at start)",
        f"collector counts (young, middle, old): {counts[0]}, {counts[1]}, {counts[2]}",
    ]
    for generation, stats in enumerate(gc.get_stats()):
        lines.append(f"generation {generation}: {stats['collections']:,} collections, "
                     f"{stats['collected']:,} collected, {stats['uncollectable']} uncollectable")
    return "\n".join(lines)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


COMMANDS = (
    Command("show status", "uptime, players, tick times over the last minute, the last save", _status,
            rights=Rights.DM),
    Command("show usage", "connections, sessions, output held back, writes waiting", _usage, rights=Rights.DM),
    Command("show memory", "resident memory, Python objects, garbage collector figures", _memory),
)
