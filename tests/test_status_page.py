"""The status page and its JSON twin: in memory, then served by the real server and read
by headless Chromium."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import attrs
import pytest

from emulator.admin.server_state import MemoryReader
from emulator.admin.status_page import StatusHistory
from emulator.testing.admin import AdminWorld
from emulator.testing.web import WebPages
from tests.live_server import LiveServer, free_port, run_cli

# Character names may hold < > & / (the original's rules): a name that is markup.
MARKUP_NAME = "<script>Eve</script>&amp;"
INN = "Yonder Inn of Jasper"


@pytest.fixture
def world(tmp_path):
    admin_world = AdminWorld(tmp_path)
    yield admin_world
    admin_world.stop()


@pytest.fixture
def pages(world):
    web = WebPages(world.control)
    yield web
    web.stop()


class Cells(HTMLParser):
    """The text of every table cell, and of the element with an id, as a browser reads them."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.cells: list[str] = []
        self.by_id: dict[str, str] = {}
        self.tags: list[str] = []
        self._open: list[tuple[str, str | None]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attributes: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag in ("meta", "rect", "polyline", "circle"):
            return
        self._open.append((tag, dict(attributes).get("id")))
        if tag == "td":
            self.cells.append("")

    def handle_endtag(self, tag: str) -> None:
        if self._open and self._open[-1][0] == tag:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        if any(tag == "td" for tag, _ in self._open):
            self.cells[-1] += data
        for _, element_id in self._open:
            if element_id is not None:
                self.by_id[element_id] = self.by_id.get(element_id, "") + data


def test_the_page_and_the_json_show_the_players_and_their_rooms(world, pages):
    document = json.loads(pages.get("/status.json").body)
    assert document["players_online"] == 3
    assert [(p["name"], p["room_name"]) for p in document["players"]] == [
        ("Alanna", INN), ("Bobbin", INN), ("Davos", INN)
    ]
    response = pages.get("/")
    assert response.code == 200 and response.content_type.startswith("text/html")
    page = Cells(response.text)
    assert page.by_id["players-online"] == "3"
    assert page.cells[:6] == ["Alanna", INN, "Bobbin", INN, "Davos", INN]
    assert "script" not in page.tags  # the page runs nothing

    world.clients["dave"].close()
    assert Cells(pages.get("/").text).by_id["players-online"] == "2"
    assert json.loads(pages.get("/status.json").body)["players_online"] == 2


def test_character_names_are_escaped(world, pages):
    world.server.create_account("eve", "pw-eve")
    world.server.create_character("eve", MARKUP_NAME)
    eve = world.server.connect()
    eve.login_to_game("eve", "pw-eve")
    eve.enter_world(MARKUP_NAME)
    html = pages.get("/").text
    assert MARKUP_NAME not in html
    assert "&lt;script&gt;Eve&lt;/script&gt;&amp;amp;" in html
    page = Cells(html)
    assert "script" not in page.tags
    assert MARKUP_NAME in page.cells  # the browser shows the name as it was typed
    names = [player["name"] for player in json.loads(pages.get("/status.json").body)["players"]]
    assert MARKUP_NAME in names


def test_an_hour_of_samples_saves_and_uptime(world, pages):
    world.server.advance(300.0, step=0.25)
    document = json.loads(pages.get("/status.json").body)
    samples = document["history"]["samples"]
    assert len(samples) == 11  # at start, then every 30 s
    assert [s["at"] for s in samples] == [samples[0]["at"] + 30 * i for i in range(11)]
    # Each sample covers the ticks of its own 30 s (0.25 s each; a tick due with the sample may
    # fall on either side), and every tick is in one.
    assert all(abs(s["ticks"] - 120) <= 1 for s in samples[1:]), [s["ticks"] for s in samples]
    assert 0 <= len(world.control.hub.ticks) - sum(s["ticks"] for s in samples) <= 1  # a tick after the last sample
    assert all(s["tick_p99"] is not None and s["players"] == 3 for s in samples[1:])
    assert samples[-1]["resident_bytes"] > 10_000_000
    assert document["uptime_seconds"] == pytest.approx(300.0)
    saves = document["saves"]  # the autosave, every 60 s; newest first
    assert len(saves) >= 4 and all(save["seconds"] is not None for save in saves)
    assert [newer["at"] - older["at"] for newer, older in zip(saves, saves[1:])] == [60.0] * (len(saves) - 1)
    html = pages.get("/").text
    assert html.count("<svg") == 2 and "<polyline" in html
    assert Cells(html).by_id["uptime"] == "5 min 0 s"


def test_the_history_keeps_only_the_last_samples(world):
    history = StatusHistory(world.control, MemoryReader(), every=1.0, keep=5)
    history.start()
    try:
        world.server.advance(20.0, step=1.0)
    finally:
        history.stop()
    assert len(history.samples) == 5
    assert history.samples[-1].at == world.server.reactor.seconds()


@attrs.frozen
class BackupRecord:
    started_at: float
    seconds: float
    path: str
    size: int
    error: str | None


def test_the_last_backups_are_shown_newest_first(world, pages):
    assert "No backup yet." in pages.get("/").text  # the server has backups, none taken yet
    world.control.backups = None
    assert "This server makes no backups." in pages.get("/").text

    class Backups:
        history = [
            BackupRecord(1_764_000_000.0, 2.5, "var/backups/m59emu-1.db", 5 * 1024 * 1024, None),
            BackupRecord(1_764_021_600.0, 0.2, "var/backups/m59emu-2.db", 0, "disk <full>"),
            object(),  # a record of another shape: shown with what it has, never a crash
        ]

    world.control.backups = Backups()
    document = json.loads(pages.get("/status.json").body)
    assert [b["path"] for b in document["backups"]] == ["", "var/backups/m59emu-2.db", "var/backups/m59emu-1.db"]
    cells = Cells(pages.get("/").text).cells
    assert "failed: disk <full>" in cells
    assert "5.0 MiB" in cells and "2025-11-24 16:00:00 UTC" in cells


def test_unknown_paths_are_not_found(pages):
    assert pages.get("/nothing-here").code == 404


# ---------------------------------------------------------------- in a browser

ARTIFACTS = Path(os.environ.get("M59_TEST_ARTIFACTS", Path(__file__).resolve().parents[1] / "var" / "test-artifacts"))
BROWSER_TIMEOUT = 60


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        message = "chromium is not installed (Debian: apt-get install chromium; listed in .ci/apt/chromium.txt)"
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but {message}")
        pytest.skip(message)
    return found


def browse(browser: str, profile: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", f"--user-data-dir={profile}",
         *arguments],
        capture_output=True, text=True, timeout=BROWSER_TIMEOUT, check=True,
    )


def wait_for_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def enter(server: LiveServer, account: str, password: str):
    client = server.connect(resources=server.client_resources())
    client.login_to_game(account, password)
    client.request("BP_SEND_CHARACTERS")
    (character,) = client.expect("BP_CHARACTERS")[-1]["characters"]
    client.request("BP_USE_CHARACTER", character_id=character["id"])
    client.expect("BP_PLAYER", "BP_ROOM_CONTENTS")
    return client


def test_a_browser_shows_the_live_server(tmp_path):
    browser = chromium()
    url = f"sqlite:///{tmp_path / 'world.db'}"
    for account, character in (("alice", "Alanna"), ("bob", MARKUP_NAME)):
        run_cli("account", "create", account, "--database", url, stdin=f"pw-{account}\n")
        run_cli("character", "create", account, character, "--database", url)
    web_port = free_port()
    server = LiveServer(tmp_path, url, f'[web]\nlisten = "tcp:{web_port}:interface=127.0.0.1"\n')
    clients = []
    try:
        wait_for_port(web_port)
        clients = [enter(server, "alice", "pw-alice"), enter(server, "bob", "pw-bob")]
        base = f"http://127.0.0.1:{web_port}"
        with urllib.request.urlopen(f"{base}/status.json", timeout=10) as response:
            document = json.load(response)
        assert sorted(player["name"] for player in document["players"]) == sorted(["Alanna", MARKUP_NAME])
        with urllib.request.urlopen(f"{base}/metrics", timeout=10) as response:
            metrics = response.read().decode()
        assert re.search(r"^m59emu_players_online 2\.0$", metrics, re.MULTILINE), metrics

        dom = browse(browser, tmp_path / "profile", "--dump-dom", f"{base}/").stdout
        count = re.search(r'id="players-online"[^>]*>(\d+)<', dom)
        assert count is not None, dom
        assert count.group(1) == "2"
        assert "Alanna" in dom and "&lt;script&gt;Eve&lt;/script&gt;" in dom

        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        screenshot = ARTIFACTS / "status-page.png"
        screenshot.unlink(missing_ok=True)
        browse(browser, tmp_path / "profile", f"--screenshot={screenshot}", "--window-size=1200,900",
               "--hide-scrollbars", f"{base}/")
        png = screenshot.read_bytes()
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        assert len(png) > 10_000  # a page with text and charts, not a blank
    finally:
        for client in clients:
            client.close()
        returncode = server.stop()
    assert returncode in (0, -15), server.log()
    assert "Traceback" not in server.log(), server.log()
