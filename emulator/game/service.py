"""Setting up the game side of the server: content, rooms, resources, the world and
the hub, and the service that runs the hub's loops while the server runs."""

from __future__ import annotations

import gc
import time
from collections import deque
from pathlib import Path
from typing import Any

import attrs
from twisted.application.service import Service
from twisted.internet import defer, task
from twisted.internet.interfaces import IReactorTime

from emulator.config import Config
from emulator.content.loader import load_world
from emulator.content.model import WorldDefinition
from emulator.game.hub import GameConfig, GameHub
from emulator.game.resources import ServerResources
from emulator.game.storage import StoreCalls, StoredCharacters
from emulator.logs import logger
from emulator.store import characters as stored
from emulator.store import items as stored_items
from emulator.store.items import StoredItems
from emulator.store.database import open_database
from emulator.world.roofile import RoomGeometry, load_roo
from emulator.world.world import World, WorldRules

log = logger("m59emu.game")


@attrs.frozen
class PreparedWorld:
    """Everything read before the reactor starts: a broken file stops the server here."""

    definition: WorldDefinition
    geometry: dict[str, RoomGeometry]
    resources: ServerResources
    snapshot: dict[str, Any] | None
    rsc_path: Path
    items: StoredItems = StoredItems((), {})


def prepare_world(config: Config) -> PreparedWorld:
    """Load and check the content, read the room files, fix resource ids, write the .rsc.

    Raises ``ContentError`` or ``RoomFileError`` (with file and line or offset); the
    database is opened briefly here, before the reactor runs, so nothing is blocked.
    """
    definition = load_world(config.data_dir)
    geometry: dict[str, RoomGeometry] = {}
    if config.world.room_files:
        folder = Path(config.world.room_files)
        for key, room in definition.rooms.items():
            path = folder / room.roo_file
            if path.exists():
                geometry[key] = load_roo(path)
    database = open_database(config.database)
    try:
        resources = ServerResources(definition, lambda texts, first: stored.assign_resource_ids(database, texts, first))
        snapshot = stored.load_world_state(database)
        items = stored_items.load_items(database)
    finally:
        database.close()
    rsc_path = resources.write_rsc(Path(config.world.rsc_dir))
    return PreparedWorld(definition, geometry, resources, snapshot, rsc_path, items)


def room_security(prepared: PreparedWorld, room: str) -> int:
    """The value the client checks against its .roo file (``BP_PLAYER``)."""
    geometry = prepared.geometry.get(room)
    if geometry is not None:
        return geometry.security
    return prepared.definition.rooms[room].security or 0


def freeze_heap() -> None:
    """Keep what is loaded at start out of the garbage collector's full collections.

    The content, room files and world live as long as the server. Without this, every
    full collection (a few a minute in a busy game) walks all of it: about 100 ms on the
    imported world, a pause in the middle of whatever tick or request triggered it. One
    collection now, then ``gc.freeze``: later full collections walk only what came since.
    """
    gc.collect()
    gc.freeze()


#: Seconds between the full collections the server runs itself (see ``collect_between_ticks``).
FULL_COLLECTION_SECONDS = 10.0
#: A gen-1 count no server reaches: Python's own full collections never start.
_NO_AUTOMATIC_FULL_COLLECTION = 1_000_000_000


class FullCollections:
    """Full garbage collections at a time of the server's choosing, between ticks.

    Python starts a full collection from whatever allocation tips its counters, often in
    the middle of a tick (5 to 20 ms on the imported world with players about, even with
    the start-up heap frozen). Young collections (well under a millisecond) stay
    automatic; full ones run here every ``interval`` seconds from the reactor, so never
    inside a tick or a request. ``durations`` keeps the last pauses for the benchmarks.
    """

    def __init__(self, reactor: IReactorTime, interval: float = FULL_COLLECTION_SECONDS) -> None:
        self.reactor = reactor
        self.interval = interval
        self.durations: deque[float] = deque(maxlen=1000)
        self._loop: task.LoopingCall | None = None
        self._threshold: tuple[int, int, int] | None = None

    def start(self) -> None:
        self._threshold = gc.get_threshold()
        young, middle, _ = self._threshold
        gc.set_threshold(young, middle, _NO_AUTOMATIC_FULL_COLLECTION)
        self._loop = task.LoopingCall(self.collect)
        self._loop.clock = self.reactor
        self._loop.start(self.interval, now=False)

    def stop(self) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        if self._threshold is not None:
            gc.set_threshold(*self._threshold)

    def collect(self) -> None:
        started = time.perf_counter()
        gc.collect()
        self.durations.append(time.perf_counter() - started)


class GameService(Service):
    """Runs the hub's loops while the server runs; saves everything on the way down."""

    name = "game"

    def __init__(
        self, prepared: PreparedWorld, store: StoreCalls, reactor: IReactorTime, config: Config, *, freeze: bool = False
    ) -> None:
        # Not in tests, where one process runs many servers: their garbage would be kept.
        self.freeze = freeze
        self.full_collections = FullCollections(reactor) if freeze else None
        rules = WorldRules(tick_interval=config.world.tick_seconds, player_killing=config.world.player_killing)
        world = World(prepared.definition, prepared.geometry, seed=config.world.seed, rules=rules)
        if prepared.snapshot is not None:
            world.restore(prepared.snapshot)
        items = prepared.items
        world.load_items(items.rows, items.totals, items.characters, items.last_seq, items.balances)
        self.prepared = prepared
        self.hub = GameHub(
            world,
            prepared.definition,
            prepared.resources,
            StoredCharacters(store),
            reactor,
            GameConfig(tick_seconds=config.world.tick_seconds, autosave_seconds=config.world.autosave_seconds,
                       broadcast_seconds=config.world.broadcast_seconds,
                       broadcast_seconds_per_player=config.world.broadcast_seconds_per_player),
            security_of=lambda room: room_security(prepared, room),
        )

    def startService(self) -> None:
        super().startService()
        for key, room in self.prepared.definition.rooms.items():
            if key not in self.prepared.geometry and room.security is None:
                log.warn(
                    "room {room} ({file}) has no security value: the stock client will refuse it; "
                    "set [world] room_files to the client's resource folder",
                    room=key,
                    file=room.roo_file,
                )
        log.info("players need {path} in their client's resource folder", path=str(self.prepared.rsc_path))
        if self.freeze:
            freeze_heap()
        if self.full_collections is not None:
            self.full_collections.start()
        self.hub.start()

    def stopService(self) -> defer.Deferred[Any]:
        super().stopService()
        if self.full_collections is not None:
            self.full_collections.stop()
        return self.hub.stop()
