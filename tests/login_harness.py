"""Drive a ConnectionMachine with the test client and a fake store, all in memory."""

from __future__ import annotations

import itertools

import attrs

from emulator.config import (
    Config,
    LimitsConfig,
    LoginConfig,
    SecurityConfig,
    TimeoutsConfig,
)
from emulator.connection import (
    Disconnect,
    LoggedIn,
    Output,
    Send,
    ConnectionMachine,
    VerifyLogin,
)
from emulator.testing.client import TestClient
from emulator.testing.fakes import FakeAccountStore
from emulator.wire.codec import Message

EPOCH = 4


def make_config(**sections) -> Config:
    base = Config(database="sqlite:///unused.db")
    return attrs.evolve(base, **sections)


class Harness:
    """One session, one client. ``send`` returns what the client decoded from the replies."""

    def __init__(self, config: Config | None = None, store: FakeAccountStore | None = None, epoch: int = EPOCH) -> None:
        self.config = config or make_config()
        self.store = store or default_store()
        self._seeds = itertools.count(0x1000)
        self.epoch = epoch
        self.session = ConnectionMachine(self.config, lambda: next(self._seeds), lambda: self.epoch)
        self.client = TestClient()
        self.outputs: list[Output] = []
        self.now = 0.0
        self.auto_verify = True
        self.account_in_use = False

    def start(self) -> list[Message]:
        return self._handle(self.session.start(self.now))

    def send(self, data: bytes) -> list[Message]:
        return self._handle(self.session.receive(data, self.now))

    def tick(self, now: float) -> list[Message]:
        self.now = now
        return self._handle(self.session.tick(now))

    def _handle(self, outputs: list[Output]) -> list[Message]:
        messages: list[Message] = []
        queue = list(outputs)
        while queue:
            output = queue.pop(0)
            self.outputs.append(output)
            if isinstance(output, Send):
                messages += self.client.receive(output.data)
            elif isinstance(output, VerifyLogin) and self.auto_verify:
                verdict = self.store.verdict(output.name, output.digest)
                queue += self.session.login_verified(verdict, self.now, account_in_use=self.account_in_use)
        return messages

    def of_type(self, kind: type) -> list:
        return [output for output in self.outputs if isinstance(output, kind)]

    @property
    def disconnected(self) -> bool:
        return bool(self.of_type(Disconnect))

    def login(self, name: str = "wire1", password: str = "wirepass1") -> list[Message]:
        self.start()
        return self.send(self.client.login(name, password))

    def enter_game(self) -> list[Message]:
        self.login()
        return self.send(self.client.request_game())


def default_store() -> FakeAccountStore:
    store = FakeAccountStore()
    store.add("wire1", "wirepass1")
    store.add("admin", "adminpass", admin_level=1)
    store.add("banned", "bannedpass", banned=True)
    return store


__all__ = ["Harness", "LimitsConfig", "LoggedIn", "LoginConfig", "SecurityConfig", "TimeoutsConfig", "make_config"]
