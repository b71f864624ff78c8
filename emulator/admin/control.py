"""What operator commands act on: the running server's parts, or the store alone offline."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import attrs
from twisted.internet.interfaces import IReactorTime

from emulator.config import Config
from emulator.game.storage import StoreCalls

if TYPE_CHECKING:
    from emulator.admin.registry import CommandRegistry
    from emulator.game.hub import GameHub
    from emulator.net.protocol import M59Factory


@attrs.define(eq=False)
class ServerControl:
    """The handles a command may use. ``hub`` and ``factory`` are None offline
    (``m59emu admin``), where only the store is there."""

    reactor: IReactorTime
    config: Config
    store: StoreCalls
    registry: CommandRegistry
    hub: GameHub | None = None
    factory: M59Factory | None = None
    #: Wall-clock time the server started (for uptime).
    started: float = attrs.field(factory=time.time)
    #: Set by the parts that own them when the server is built (each module's own type).
    maintenance: Any = None  # the shutdown countdown and the login lock
    reloader: Any = None  # swaps in a changed data folder
    backups: Any = None  # online backups and their schedule

    @property
    def online(self) -> bool:
        return self.hub is not None and self.factory is not None
