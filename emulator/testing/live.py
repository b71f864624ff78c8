"""Run the real server (``twistd -n m59emu``) on a loopback port and talk to it over TCP.

Used by the end-to-end tests and the crash loop (emulator.testing.kill_loop): a subprocess, a real reactor and real sockets, bounded in
time everywhere (every wait has a deadline; the server is killed at the end).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from emulator.resources import ResourceTable
from emulator.testing.client import TestClient
from emulator.wire.codec import Message

REPO = Path(__file__).resolve().parents[2]

START_TIMEOUT = 30.0
READ_TIMEOUT = 5.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_cli(*args: str, stdin: str = "", check: bool = True) -> subprocess.CompletedProcess[str]:
    """The operator command, as an operator types it."""
    return subprocess.run(
        [sys.executable, "-m", "emulator.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
        check=check,
    )


class LiveServer:
    def __init__(self, workdir: Path, database_url: str, config_text: str = "") -> None:
        self.port = free_port()
        self.workdir = workdir
        config = workdir / "m59emu.toml"
        if "[web]" not in config_text:  # the web port's default is one fixed port: tests turn it on with their own
            config_text += '\n[web]\nlisten = ""\n'
        if "[admin]" not in config_text:  # no SSH console unless asked: its port could be taken
            config_text += '\n[admin]\nssh_listen = ""\n'
        config.write_text(config_text)
        twistd = Path(sys.executable).with_name("twistd")
        self.log_path = workdir / "twistd.log"
        self.process = subprocess.Popen(
            [
                str(twistd), "--nodaemon", "--pidfile=", f"--logfile={self.log_path}", "m59emu",
                "--config", str(config),
                "--listen", f"tcp:{self.port}:interface=127.0.0.1",
                "--database", database_url,
            ],
            cwd=workdir,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        self._wait_until_listening()

    def _wait_until_listening(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}:\n{self.log()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"server did not listen within {START_TIMEOUT} s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        return self.process.returncode

    def connect(self, **client_options: Any) -> "LiveClient":
        return LiveClient(self.port, **client_options)

    def client_resources(self) -> ResourceTable:
        """What a player installs: the .rsc the server wrote at start."""
        from emulator.resources import load_resources

        return load_resources(self.workdir / "var" / "rsc" / "m59emu.rsc")


class LiveClient:
    """A :class:`TestClient` on a real socket."""

    def __init__(self, port: int, **client_options: Any) -> None:
        self.codec = TestClient(**client_options)
        self.socket = socket.create_connection(("127.0.0.1", port), timeout=READ_TIMEOUT)
        self.received: list[Message] = []
        self.closed_by_server = False

    def send(self, data: bytes) -> None:
        self.socket.sendall(data)

    def login_to_game(self, account: str, password: str) -> None:
        """AP_LOGIN through AP_GAME and the character module."""
        self.expect("AP_GETLOGIN")
        self.send(self.codec.login(account, password))
        self.expect("AP_LOGINOK", "AP_GETCHOICE", "AP_CREDITS")
        self.send(self.codec.request_game())
        self.expect("AP_GAME", "BP_LOAD_MODULE")

    def request(self, name: str, **fields: Any) -> None:
        self.send(self.codec.frame(name, **fields))

    def expect(self, *names: str, timeout: float = READ_TIMEOUT) -> list[Message]:
        """Read until the messages ``names`` have arrived in this order; return what arrived."""
        wanted = list(names)
        got: list[Message] = []
        deadline = time.monotonic() + timeout
        while wanted and time.monotonic() < deadline:
            for message in self._read(deadline):
                got.append(message)
                if wanted and message.name == wanted[0]:
                    wanted.pop(0)
            if self.closed_by_server:
                break
        if wanted:
            raise AssertionError(f"still waiting for {wanted}; got {[m.name for m in got]}")
        return got

    def expect_match(self, name: str, timeout: float = READ_TIMEOUT, **fields: Any) -> Message:
        """Read until a ``name`` message with these field values arrives (seen earlier counts too)."""
        deadline = time.monotonic() + timeout
        seen = 0
        while True:
            for message in self.received[seen:]:
                if message.name == name and all(message.fields.get(k) == v for k, v in fields.items()):
                    return message
            seen = len(self.received)
            if time.monotonic() >= deadline or self.closed_by_server:
                raise AssertionError(f"no {name} with {fields}; got {[m.name for m in self.received]}")
            list(self._read(deadline))

    def expect_close(self, timeout: float = READ_TIMEOUT) -> list[Message]:
        """Read until the server hangs up; return what arrived before."""
        got: list[Message] = []
        deadline = time.monotonic() + timeout
        while not self.closed_by_server and time.monotonic() < deadline:
            got.extend(self._read(deadline))
        if not self.closed_by_server:
            raise AssertionError(f"server did not hang up; got {[m.name for m in got]}")
        return got

    def quiet_for(self, seconds: float) -> list[Message]:
        """Whatever arrives within ``seconds`` (the connection must stay open)."""
        got: list[Message] = []
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not self.closed_by_server:
            got.extend(self._read(deadline))
        return got

    def _read(self, deadline: float) -> Iterable[Message]:
        self.socket.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            data = self.socket.recv(65536)
        except (socket.timeout, TimeoutError):
            return []
        except ConnectionResetError:
            data = b""
        if not data:
            self.closed_by_server = True
            return []
        messages = self.codec.receive(data)
        self.received.extend(messages)
        return messages

    def close(self) -> None:
        self.socket.close()
