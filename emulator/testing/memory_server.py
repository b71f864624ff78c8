"""The whole server in memory: the real service tree (network protocol, game service,
hub, store) on a ``MemoryReactorClock``, with clients on ``StringTransport``.

No sockets and no threads: a test advances the clock itself and reads what each client
was sent at once, so nothing waits on a wall clock.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import attrs
from twisted.internet.address import IPv4Address
from twisted.internet.testing import MemoryReactorClock, StringTransport

from emulator import auth
from emulator.config import BackupConfig
from emulator.game.hub import GameHub
from emulator.game.service import GameService
from emulator.net.protocol import M59Factory, M59Protocol
from emulator.resources import load_resources
from emulator.store import accounts, characters
from emulator.tap import Options, makeService
from emulator.testing.client import TestClient
from emulator.testing.inline_store import InlineStore
from emulator.wire.codec import Message


class MemoryServer:
    def __init__(
        self,
        workdir: Path,
        config_text: str = "",
        start_time: float = 1_000_000.0,
        *,
        broadcast_seconds: float = 0.0,
        broadcast_seconds_per_player: float = 0.0,
        freeze_heap: bool = False,
        database: str | None = None,
    ) -> None:
        self.workdir = workdir
        config = workdir / "m59emu.toml"
        # By default broadcasts leave at the end of each reactor turn, so a read sees them
        # at once, and the heap is not frozen; a benchmark passes what the server does.
        config.write_text(
            f'[world]\nrsc_dir = "{workdir / "rsc"}"\nbroadcast_seconds = {broadcast_seconds!r}\n'
            f"broadcast_seconds_per_player = {broadcast_seconds_per_player!r}\n{config_text}"
            + ("" if "[admin]" in config_text else '\n[admin]\nssh_listen = ""\n')  # no SSH console unless asked
        )
        options = Options()
        options.parseOptions(["--config", str(config), "--database", database or f"sqlite:///{workdir / 'm59emu.db'}"])
        if options.config.backup.dir == BackupConfig().dir:  # backups stay in the test's folder
            backup = attrs.evolve(options.config.backup, dir=str(workdir / "backups"))
            options.config = attrs.evolve(options.config, backup=backup)
        self.reactor = MemoryReactorClock()
        self.reactor.advance(start_time)
        self.store = InlineStore(options.config.database, self.reactor)
        self.service = makeService(options, reactor=self.reactor, store=self.store, freeze_heap=freeze_heap)
        self.service.startService()
        self.factory: M59Factory = self.service.factory  # type: ignore[attr-defined]
        game = self.service.getServiceNamed("game")
        assert isinstance(game, GameService)
        self.game = game
        self._ports = itertools.count(40000)

    @property
    def hub(self) -> GameHub:
        return self.game.hub

    def create_account(self, name: str, password: str, admin_level: int = accounts.USER) -> None:
        self.store.run(accounts.create_account, name, password, admin_level=admin_level, cost=auth.TEST_COST)

    def create_character(self, account: str, name: str) -> None:
        self.store.run(characters.create_character, account, name)

    def connect(self, host: str = "127.0.0.1") -> MemoryClient:
        return MemoryClient(self, host, next(self._ports))

    def advance(self, seconds: float, step: float = 0.5) -> None:
        """Let game time pass, running every timer due on the way."""
        while seconds > 0:
            self.reactor.advance(min(step, seconds))
            seconds -= step

    def stop(self) -> None:
        self.service.stopService()


class MemoryClient:
    """A :class:`TestClient` joined to one server connection in memory."""

    def __init__(self, server: MemoryServer, host: str, port: int) -> None:
        self.server = server
        self.codec = TestClient(resources=load_resources(server.game.prepared.rsc_path))
        address = IPv4Address("TCP", host, port)
        protocol = server.factory.buildProtocol(address)
        if protocol is None:
            raise ConnectionRefusedError(f"the server refused a connection from {host}")
        self.protocol: M59Protocol = protocol
        self.transport = StringTransport(peerAddress=address)
        self.protocol.makeConnection(self.transport)
        self.received: list[Message] = []

    @property
    def closed_by_server(self) -> bool:
        return bool(self.transport.disconnecting)

    def send(self, data: bytes) -> list[Message]:
        """Bytes to the server; what it sent back at once."""
        self.protocol.dataReceived(data)
        return self.read()

    def request(self, name: str, **fields: Any) -> list[Message]:
        return self.send(self.codec.frame(name, **fields))

    def read(self) -> list[Message]:
        """Everything sent by the end of this reactor turn since the last read, decoded
        (raises on anything malformed)."""
        self.server.reactor.advance(0)
        data = self.transport.value()
        self.transport.clear()
        messages = self.codec.receive(data)
        self.received.extend(messages)
        return messages

    def login_to_game(self, account: str, password: str) -> None:
        self.read()
        self.expect_in(self.send(self.codec.login(account, password)), "AP_LOGINOK", "AP_GETCHOICE", "AP_CREDITS")
        self.expect_in(self.send(self.codec.request_game()), "AP_GAME", "BP_LOAD_MODULE")

    def enter_world(self, character_name: str) -> Message:
        """Choose the character by name; the BP_PLAYER of the entry burst."""
        listed = self.expect_in(self.request("BP_SEND_CHARACTERS"), "BP_CHARACTERS")
        characters_list = next(m for m in listed if m.name == "BP_CHARACTERS")["characters"]
        character = next(c for c in characters_list if c["name"] == character_name)
        burst = self.request("BP_USE_CHARACTER", character_id=character["id"])
        self.expect_in(burst, "BP_PLAYER", "BP_ROOM_CONTENTS")
        return next(m for m in burst if m.name == "BP_PLAYER")

    @staticmethod
    def expect_in(messages: list[Message], *names: str) -> list[Message]:
        """``messages`` has ``names`` in this order (others may come between)."""
        remaining = iter(message.name for message in messages)
        if not all(name in remaining for name in names):
            raise AssertionError(f"expected {list(names)} in order; got {[m.name for m in messages]}")
        return messages

    def close(self) -> None:
        self.protocol.connectionLost(None)
