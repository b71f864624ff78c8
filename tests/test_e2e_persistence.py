"""Persistence and start-up checks against the real server process."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

from emulator.config import DEFAULT_DATA_DIR
from emulator.content.model import square_centre
from tests.conftest import REPO
from tests.live_server import LiveServer, run_cli
from tests.test_e2e_game import REF, enter, last, position

FAST_SAVES = "[world]\nautosave_seconds = 1.0\ntick_seconds = 0.5\n"


def test_kill_minus_nine_loses_at_most_the_autosave_interval(tmp_path):
    url = f"sqlite:///{tmp_path / 'world.db'}"
    run_cli("account", "create", "bob", "--database", url, stdin="pw-bob\n")
    run_cli("character", "create", "bob", "Bobbin", "--database", url)
    server = LiveServer(tmp_path, url, FAST_SAVES)
    try:
        bob = enter(server, "bob", "pw-bob")
        y, x = square_centre(5, 10)
        bob.request("BP_REQ_MOVE", y=y, x=x, speed=18, room=REF(bob.room_id))
        bob.request("BP_REQ_TURN", object=REF(bob.player_id), angle=2048)
        bob.quiet_for(2.5)  # more than two autosave intervals
        server.process.kill()  # no shutdown, no logoff save
        server.process.wait(timeout=10)
    finally:
        server.stop()
    restarted = LiveServer(tmp_path, url, FAST_SAVES)
    try:
        again = enter(restarted, "bob", "pw-bob")
        contents = last(again.received, "BP_ROOM_CONTENTS")
        assert position(contents, again.player_id) == (y, x, 2048)
        again.close()
    finally:
        restarted.stop()


def test_deleting_a_character_from_the_selection_screen(tmp_path):
    url = f"sqlite:///{tmp_path / 'world.db'}"
    run_cli("account", "create", "bob", "--database", url, stdin="pw-bob\n")
    run_cli("character", "create", "bob", "Bobbin", "--database", url)
    run_cli("character", "create", "bob", "Spare", "--database", url)
    server = LiveServer(tmp_path, url)
    try:
        client = server.connect(resources=server.client_resources())
        client.login_to_game("bob", "pw-bob")
        client.request("BP_SEND_CHARACTERS")
        names = {c["name"]: c["id"] for c in client.expect("BP_CHARACTERS")[-1]["characters"]}
        assert set(names) == {"Bobbin", "Spare"}
        client.request("BP_DELETE_CHARACTER", character_id=names["Spare"])
        remaining = client.expect("BP_CHARACTERS")[-1]["characters"]
        assert [c["name"] for c in remaining] == ["Bobbin"]
        client.close()
    finally:
        server.stop()


def test_a_broken_data_file_stops_the_server_with_file_and_line(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, data)
    room = data / "rooms" / "jasper_inn.toml"
    room.write_text(room.read_text().replace("cols = 14", "colz = 14"))
    started = time.monotonic()
    result = subprocess.run(
        [str(Path(sys.executable).with_name("twistd")), "--nodaemon", "--pidfile=", "m59emu",
         "--data", str(data), "--database", f"sqlite:///{tmp_path / 'x.db'}", "--listen", "tcp:0:interface=127.0.0.1"],
        cwd=tmp_path, env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"}, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode != 0
    output = result.stdout + result.stderr
    line = next(number for number, text in enumerate(room.read_text().splitlines(), 1) if text.startswith("colz"))
    assert f"jasper_inn.toml:{line}:" in output, output
    assert "Traceback" not in output, output
    assert time.monotonic() - started < 60
