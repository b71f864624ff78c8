"""What the metrics, the status page and ``show`` read of the running server: the players
and their rooms, the saves and the backups, the store's queue, the process's memory.

Everything here reads the game's live objects and must run on the reactor thread.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterable
from typing import Any

import attrs
from prometheus_client.process_collector import ProcessCollector
from twisted.internet.interfaces import IReactorTime

from emulator.game.hub import GameHub, SaveRecord

SAVES_SHOWN = 10
BACKUPS_SHOWN = 10


@attrs.frozen
class PlayerPlace:
    name: str  # the character's, as the player chose it: escape it wherever it is shown
    room: str  # the room's key in the data folder
    room_name: str


def players_in_world(hub: GameHub) -> list[PlayerPlace]:
    """The characters in the world and their rooms, by name."""
    places = []
    rooms = hub.context.definition.rooms
    for session in list(hub.in_world.values()):
        avatar = session.avatar
        if avatar is None:
            continue
        try:
            room = hub.world.player(avatar.player_id).room
        except KeyError:  # entering or leaving in this very turn
            continue
        definition = rooms.get(room)
        places.append(PlayerPlace(avatar.name, room, definition.name if definition is not None else room))
    return sorted(places, key=lambda place: place.name.lower())


@attrs.frozen
class SaveEntry:
    at: float  # when it started, on the reactor's clock (wall time in a running server)
    seconds: float | None  # None while it runs


def _save_entry(record: SaveRecord, clock: IReactorTime) -> SaveEntry:
    # Records without the clock's time are placed by their perf_counter stamp.
    at = record.at if record.at is not None else clock.seconds() - (time.perf_counter() - record.started)
    return SaveEntry(at, None if record.finished is None else record.finished - record.started)


def recent_saves(hub: GameHub, clock: IReactorTime, count: int = SAVES_SHOWN) -> list[SaveEntry]:
    """The last autosaves, newest first."""
    return [_save_entry(record, clock) for record in itertools.islice(reversed(hub.saves), count)]


def last_finished_save(hub: GameHub, clock: IReactorTime) -> SaveEntry | None:
    record = next((record for record in reversed(hub.saves) if record.finished is not None), None)
    return None if record is None else _save_entry(record, clock)


@attrs.frozen
class BackupEntry:
    """One backup as the backup service records it (every field may be missing)."""

    started_at: float | None
    seconds: float | None
    path: str
    size: int | None
    error: str | None

    @property
    def ok(self) -> bool:
        return not self.error


def _number(value: Any, kind: type[float] | type[int]) -> Any:
    try:
        return None if value is None else kind(value)
    except (TypeError, ValueError):
        return None


def recent_backups(backups: Any, count: int = BACKUPS_SHOWN) -> list[BackupEntry] | None:
    """The last backups, newest first; None when the server makes none."""
    history = getattr(backups, "history", None)
    if backups is None or history is None:
        return None
    try:
        records: list[Any] = list(history)
    except TypeError:
        return None
    entries = []
    for record in records[-count:][::-1]:
        error = getattr(record, "error", None)
        entries.append(
            BackupEntry(
                started_at=_number(getattr(record, "started_at", None), float),
                seconds=_number(getattr(record, "seconds", None), float),
                path=str(getattr(record, "path", "") or ""),
                size=_number(getattr(record, "size", None), int),
                error=str(error) if error else None,
            )
        )
    return entries


class MemoryReader:
    """The process's resident memory, through prometheus_client's process collector
    (Linux ``/proc``); None where that is not available."""

    def __init__(self) -> None:
        self._process = ProcessCollector(registry=None)

    def resident_bytes(self) -> float | None:
        return _sample_value(self._process.collect(), "process_resident_memory_bytes")


def _sample_value(families: Iterable[Any], name: str) -> float | None:
    for family in families:
        for sample in family.samples:
            if sample.name == name:
                return float(sample.value)
    return None


def store_backlog(store: Any) -> int | None:
    """Calls waiting on the store's thread, when the store runs one (not in memory)."""
    waiting = getattr(store, "calls_waiting", None)
    return waiting if isinstance(waiting, int) else None
