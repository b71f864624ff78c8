"""``twistd m59emu``: command-line options and the service tree.

One :class:`MultiService` with, in start order: the account store (its own DB
thread), the game, the session closer, the game-port listener. Services stop in reverse
order, each once the one before has finished, so on SIGTERM (twistd stops the reactor,
which stops the services) the listener stops accepting, then every open connection is
closed without a message, then the game saves (characters, the world, the last item
operations, after a write still running), then the store finishes its queued writes.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, ClassVar
from typing import Protocol as TypingProtocol

import attrs
import peewee
from twisted.application import strports
from twisted.application.service import IServiceCollection, MultiService, Service
from twisted.internet import defer
from twisted.internet.interfaces import IReactorFromThreads
from twisted.python import usage

from emulator import logs
from emulator.admin.backups import Backups, run_inline
from emulator.admin.commands import build_registry
from emulator.admin.control import ServerControl
from emulator.config import (
    DEFAULT_DATA_DIR,
    DEFAULT_LISTEN,
    Config,
    ConfigError,
    load_config,
)
from emulator.content.loader import ContentError
from emulator.game import texts
from emulator.game.service import GameService, prepare_world
from emulator.game.storage import StoreCalls
from emulator.net.protocol import LoginVerifier, M59Factory
from emulator.store.accounts import LoginVerdict, StoreError
from emulator.world.roofile import RoomFileError
from emulator.world.world import WorldError


class Options(usage.Options):
    optParameters: ClassVar[list[list[str | None]]] = [
        ["config", "c", None, "TOML configuration file."],
        ["listen", "l", None, f"Game-port endpoint description [default: {DEFAULT_LISTEN}]."],
        ["database", "d", None, "Database URL [default: the config's, else sqlite:///var/m59emu.db]."],
        ["data", None, None, f"Data directory [default: {DEFAULT_DATA_DIR}]."],
    ]

    def postOptions(self) -> None:
        try:
            config = load_config(self["config"]) if self["config"] else Config()
        except ConfigError as error:
            raise usage.UsageError(str(error)) from None
        # Command-line values win over the file.
        overrides = {}
        if self["listen"]:
            overrides["listen"] = self["listen"]
        if self["database"]:
            overrides["database"] = self["database"]
        if self["data"]:
            overrides["data_dir"] = Path(self["data"])
        self.config = attrs.evolve(config, **overrides)


class SessionCloser(Service):
    """Closes every open connection when the server stops."""

    name = "sessions"

    def __init__(self, factory: M59Factory) -> None:
        self.factory = factory

    def stopService(self) -> None:
        self.factory.close_all("server shutting down")
        return super().stopService()


class ServerStore(StoreCalls, LoginVerifier[LoginVerdict], TypingProtocol):
    """What the server needs of its store: a service that runs store calls and checks logins."""

    def setName(self, name: str) -> None: ...

    def setServiceParent(self, parent: IServiceCollection) -> None: ...


class ServerServices(MultiService):
    """Stops its services in reverse order, one after the other: a service may still
    need the ones started before it while it stops (the game writes to the store)."""

    def stopService(self) -> defer.Deferred[None]:
        Service.stopService(self)
        return defer.Deferred.fromCoroutine(self._stop_in_turn(list(reversed(list(self)))))

    @staticmethod
    async def _stop_in_turn(services: list[Any]) -> None:
        for service in services:
            try:
                await defer.maybeDeferred(service.stopService)
            except Exception:  # noqa: BLE001 - the next service still stops
                logs.logger("m59emu").failure("stopping {service} failed", service=service.name or service)


def makeService(
    options: Options, reactor: Any = None, store: ServerStore | None = None, *, freeze_heap: bool | None = None
) -> MultiService:
    """Build the service tree. ``reactor`` and ``store`` are injectable for tests.

    The content, room files and resource ids are read here, before the reactor runs;
    a broken data file stops the server with the file, line and reason. ``freeze_heap``
    (default: on the global reactor only, i.e. not in tests) keeps what is loaded at start
    out of the garbage collector's full collections (``game.service.freeze_heap``).
    """
    if freeze_heap is None:
        freeze_heap = reactor is None
    if reactor is None:
        from twisted.internet import reactor as global_reactor

        reactor = global_reactor
    config: Config = options.config
    logs.set_level(config.log_level)
    try:
        prepared = prepare_world(config)
    except (ContentError, RoomFileError, StoreError, peewee.PeeweeException, OSError) as error:
        print(f"m59emu: cannot start:\n{error}", file=sys.stderr)
        raise SystemExit(1) from None
    # The client loads char.dll by the id our own .rsc gives it.
    config = attrs.evolve(
        config, login=attrs.evolve(config.login, char_module_resource_id=prepared.resources.id(texts.CHAR_MODULE))
    )
    if store is None:
        from emulator.store.thread import StoreService

        store = StoreService(config.database, reactor)
    try:
        game = GameService(prepared, store, reactor, config, freeze=freeze_heap)
    except WorldError as error:  # room files that do not fit the content, a bad saved state
        print(f"m59emu: cannot start:\n{error}", file=sys.stderr)
        raise SystemExit(1) from None
    top = ServerServices()
    store.setName("store")
    store.setServiceParent(top)
    game.setServiceParent(top)
    factory = M59Factory(config, store, reactor, game=game.hub)
    SessionCloser(factory).setServiceParent(top)
    listener = strports.service(config.listen, factory, reactor=reactor)
    listener.setName("listener")
    listener.setServiceParent(top)
    top.factory = factory  # type: ignore[attr-defined]  # handy for tests and the admin console
    registry = build_registry()
    control = ServerControl(reactor, config, store, registry, hub=game.hub, factory=factory)
    # Backups run on a thread of their own; a reactor with no threads (in memory) runs them inline.
    control.backups = Backups(config.database, config.backup, reactor,
                              runner=None if IReactorFromThreads.providedBy(reactor) else run_inline)
    control.backups.setServiceParent(top)  # last: it stops first, cancelling a backup in progress
    top.control = control  # type: ignore[attr-defined]  # the operator's doors and tests reach the server here
    return top
