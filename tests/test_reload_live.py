"""SIGHUP reloads the data folder of the real server (twistd, its thread pool, real
sockets) while two players are in the world; a broken folder changes nothing."""

from __future__ import annotations

import shutil
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from emulator.config import DEFAULT_DATA_DIR
from emulator.testing.live import LiveClient
from tests.live_server import LiveServer, run_cli


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, folder)
    return folder


@pytest.fixture
def server(tmp_path: Path, data: Path) -> Iterator[LiveServer]:
    url = f"sqlite:///{tmp_path / 'world.db'}"
    for account, character in (("alice", "Alanna"), ("bob", "Bobbin")):
        run_cli("account", "create", account, "--database", url, stdin=f"pw-{account}\n")
        run_cli("character", "create", account, character, "--database", url)
    live = LiveServer(tmp_path, url, f'[server]\ndata = "{data}"\n')
    yield live
    assert live.stop() in (0, -15), live.log()
    assert "Traceback" not in live.log(), live.log()


def enter(server: LiveServer, account: str) -> LiveClient:
    client = server.connect(resources=server.client_resources())
    client.login_to_game(account, f"pw-{account}")
    client.request("BP_SEND_CHARACTERS")
    (character,) = client.expect("BP_CHARACTERS")[-1]["characters"]
    client.request("BP_USE_CHARACTER", character_id=character["id"])
    client.expect("BP_PLAYER", "BP_ROOM_CONTENTS")
    client.quiet_for(0.3)
    return client


def wait_for_log(server: LiveServer, text: str, timeout: float = 20.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        log = server.log()
        if text in log:
            return log
        time.sleep(0.1)
    raise AssertionError(f"{text!r} not in the log:\n{server.log()}")


def test_sighup_reloads_with_two_players_in_the_world(server: LiveServer, data: Path) -> None:
    alice, bob = enter(server, "alice"), enter(server, "bob")
    kinds = data / "objects" / "kinds.toml"
    kinds.write_text(kinds.read_text().replace('name = "table"', 'name = "long oak table"', 1))

    server.process.send_signal(signal.SIGHUP)

    wait_for_log(server, "reloaded ")
    for client in (alice, bob):
        arrived = client.expect("BP_PLAYER", "BP_ROOM_CONTENTS")
        contents = next(m for m in reversed(arrived) if m.name == "BP_ROOM_CONTENTS")
        names = {client.codec.resources.text(block["name"]) for block in contents["objects"]}
        assert "long oak table" in names  # a new string, pushed before the room
        assert not client.closed_by_server

    # broken: nothing changes, every problem is in the log, the players hear nothing of it
    (data / "rooms" / "jasper_tavern.toml").write_text("name = = 1\n")
    kinds.write_text(kinds.read_text() + "\n[stool]\nname = 3\n")
    server.process.send_signal(signal.SIGHUP)
    log = wait_for_log(server, "reload refused, nothing changed: ")
    assert f"{data / 'rooms' / 'jasper_tavern.toml'}:1: TOML syntax error" in log
    stool_name = kinds.read_text().splitlines().index("name = 3") + 1
    assert f"{kinds}:{stool_name}: 'name' must be text in quotes, not a whole number" in log
    for client in (alice, bob):
        assert not any(m.name in ("BP_PLAYER", "BP_ROOM_CONTENTS") for m in client.quiet_for(0.5))
        assert not client.closed_by_server
    alice.request("BP_SAY_TO", say_type=1, text="the world goes on")
    said = bob.expect("BP_SAID")[-1]
    assert said["text"]["params"][-1] == "the world goes on"
