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
from emulator.admin import game_door, maintenance
from emulator.admin.backups import Backups, run_inline
from emulator.admin.commands import build_registry
from emulator.admin.control import ServerControl
from emulator.admin.reload import Reloader, ReloadOnHangup
from emulator.admin.web import WebService
from emulator.admin.ssh import console_service
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
        ["log-format", None, None, "text or json (one JSON object per line) [default: the config's, else text]."],
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
        if self["log-format"]:
            if self["log-format"] not in logs.FORMATS:
                raise usage.UsageError(f"--log-format must be one of {', '.join(logs.FORMATS)}")
            overrides["log_format"] = self["log-format"]
        self.config = attrs.evolve(config, **overrides)
        self._choose_log_output()

    def _choose_log_output(self) -> None:
        """JSON lines: point twistd's ``--logger`` at ours, in place of its text observer.

        This runs before twistd reads its own options (and long before it starts logging),
        so twistd installs one observer, ours, on its ``--logfile`` or standard output.
        """
        twistd = getattr(self, "parent", None)
        if twistd is None:  # options built directly (tests), not on a command line
            return
        wants_json = self.config.log_format == "json" or twistd.get("logger") == logs.JSON_OBSERVER_NAME
        if not wants_json:
            return
        if "logger" not in twistd:
            raise usage.UsageError("JSON logs need twistd (under twist, use its own --log-format json)")
        if twistd["logger"] not in (None, logs.JSON_OBSERVER_NAME):
            raise usage.UsageError(f"log format json and twistd's --logger {twistd['logger']}: choose one")
        if twistd.get("syslog"):
            raise usage.UsageError("log format json and twistd's --syslog: choose one")
        logfile, nodaemon = twistd.get("logfile"), twistd.get("nodaemon")
        if logfile == "-" or (not logfile and nodaemon):
            if not nodaemon:
                raise usage.UsageError("a daemon cannot log to standard output: add -n or --logfile")
            logs.send_json_to(None)
        else:
            logs.send_json_to(logfile or "twistd.log")  # twistd's own default for a daemon
        twistd["logger"] = logs.JSON_OBSERVER_NAME
        self.config = attrs.evolve(self.config, log_format="json")  # twistd's --logger named ours


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
    on_global_reactor = reactor is None
    if freeze_heap is None:
        freeze_heap = on_global_reactor
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
    maintenance.install(control)  # the login lock and the shutdown countdown
    game_door.install(control)  # BP_REQ_ADMIN and BP_REQ_DM reach the registry
    top.control = control  # type: ignore[attr-defined]  # the operator's doors and tests reach the server here
    control.reloader = Reloader(game.hub, game, store, reactor, data_dir=config.data_dir,
                                room_files=config.world.room_files, rsc_dir=Path(config.world.rsc_dir))
    if on_global_reactor:
        ReloadOnHangup(control.reloader, reactor).setServiceParent(top)
    # Backups run on a thread of their own; a reactor with no threads (in memory) runs them inline.
    control.backups = Backups(config.database, config.backup, reactor,
                              runner=None if IReactorFromThreads.providedBy(reactor) else run_inline)
    control.backups.setServiceParent(top)  # stops before the game saves, cancelling a backup in progress
    ssh = console_service(control)
    if ssh is not None:
        ssh.setServiceParent(top)
    if config.web.listen:
        WebService(control).setServiceParent(top)  # last: its port closes first on shutdown
    return top
