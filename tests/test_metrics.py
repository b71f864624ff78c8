"""The Prometheus metrics on the web port: scraped from the server in memory and parsed with
prometheus_client's own parser."""

from __future__ import annotations

import attrs
import pytest
from prometheus_client.parser import text_string_to_metric_families
from twisted.web.server import Site

from emulator.admin.timings import DurationHistogram
from emulator.store import accounts
from emulator.testing.admin import AdminWorld
from emulator.testing.memory_server import MemoryServer
from emulator.testing.web import WebPages

BUDGET = "[requests.kinds]\nBP_SEND_ROOM_CONTENTS = [1.0, 5]\n[limits]\nfailed_logins_per_account_address = 2\n"


@pytest.fixture
def world(tmp_path):
    admin_world = AdminWorld(tmp_path, BUDGET)
    yield admin_world
    admin_world.stop()


@pytest.fixture
def pages(world):
    web = WebPages(world.control)
    yield web
    web.stop()


class Scrape:
    """One scrape of ``/metrics``, parsed."""

    def __init__(self, pages: WebPages, accept: str | None = None) -> None:
        response = pages.get("/metrics", accept)
        assert response.code == 200
        self.content_type = response.content_type
        self.text = response.text
        self.families = {family.name: family for family in text_string_to_metric_families(self.text)}
        self.samples = {
            (sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in self.families.values()
            for sample in family.samples
        }

    def value(self, name: str, **labels: str) -> float:
        """A sample's value; 0 for a labelled counter not yet counted."""
        key = (name, tuple(sorted(labels.items())))
        if key not in self.samples:
            assert labels, f"no {name} in\n{self.text}"
            return 0.0
        return self.samples[key]


def test_players_online_are_the_players_in_the_world(world, pages):
    scrape = Scrape(pages)
    assert scrape.value("m59emu_players_online") == len(world.control.hub.in_world) == 3
    assert scrape.value("m59emu_connections_open") == 3
    assert scrape.value("m59emu_connections_accepted_total") == 3
    world.clients["bob"].close()
    scrape = Scrape(pages)
    assert scrape.value("m59emu_players_online") == len(world.control.hub.in_world) == 2
    assert scrape.value("m59emu_connections_open") == 2
    assert scrape.families["m59emu_players_online"].type == "gauge"


def test_logins_and_failures_by_reason_are_counted(world, pages):
    assert Scrape(pages).value("m59emu_logins_total") == 3  # alice, dave and bob
    guesser = world.server.connect()
    guesser.read()
    for _ in range(2):
        guesser.expect_in(guesser.send(guesser.codec.login("bob", "not-bobs")), "AP_LOGINFAILED")
    # The account-and-address brake (2) is spent: the third try is not even checked.
    guesser.expect_in(guesser.send(guesser.codec.login("bob", "not-bobs")), "AP_TOOMANYLOGINS")
    world.server.store.run(accounts.ban, "dave", None)
    banned = world.server.connect()
    banned.read()
    banned.expect_in(banned.send(banned.codec.login("dave", "pw-dave")), "AP_MESSAGE")
    again = world.server.connect()
    again.login_to_game("alice", "pw-alice")

    scrape = Scrape(pages)
    assert scrape.value("m59emu_logins_total") == 4
    assert scrape.value("m59emu_login_failures_total", reason="bad_credentials") == 2
    assert scrape.value("m59emu_login_failures_total", reason="throttled") == 1
    assert scrape.value("m59emu_login_failures_total", reason="banned") == 1
    assert scrape.families["m59emu_login_failures"].type == "counter"


def test_requests_are_counted_by_kind_and_drops_over_the_budget_too(world, pages):
    before = Scrape(pages)
    bob = world.clients["bob"]
    for _ in range(3):
        bob.request("BP_SEND_ROOM_CONTENTS")
    middle = Scrape(pages)
    assert middle.value("m59emu_game_requests_total", kind="BP_SEND_ROOM_CONTENTS") == \
        before.value("m59emu_game_requests_total", kind="BP_SEND_ROOM_CONTENTS") + 3
    assert middle.value("m59emu_game_requests_dropped_total", kind="BP_SEND_ROOM_CONTENTS") == 0
    # A burst of five at once (no time passes): two more get through, the other eight are dropped.
    for _ in range(10):
        bob.request("BP_SEND_ROOM_CONTENTS")
    after = Scrape(pages)
    assert after.value("m59emu_game_requests_total", kind="BP_SEND_ROOM_CONTENTS") == \
        middle.value("m59emu_game_requests_total", kind="BP_SEND_ROOM_CONTENTS") + 10
    assert after.value("m59emu_game_requests_dropped_total", kind="BP_SEND_ROOM_CONTENTS") == 8
    assert after.value("m59emu_game_requests_total", kind="BP_USE_CHARACTER") == 3  # each player chose once
    assert not bob.closed_by_server


def test_ticks_and_saves_are_timed(world, pages):
    hub = world.control.hub
    assert Scrape(pages).value("m59emu_tick_duration_seconds_count") == len(hub.ticks)
    world.server.advance(10.0, step=0.25)
    hub.autosave()
    world.server.reactor.advance(0)
    ticks = len(hub.ticks)
    assert ticks >= 40
    scrape = Scrape(pages)
    assert scrape.value("m59emu_tick_duration_seconds_count") == ticks
    assert scrape.value("m59emu_tick_duration_seconds_bucket", le="+Inf") == ticks
    assert scrape.value("m59emu_tick_duration_seconds_sum") == pytest.approx(sum(r.duration for r in hub.ticks))
    assert scrape.value("m59emu_tick_duration_last_minute_seconds", quantile="0.99") > 0
    saves = sum(1 for record in hub.saves if record.finished is not None)
    assert saves >= 1
    assert scrape.value("m59emu_save_duration_seconds_count") == saves
    assert scrape.value("m59emu_last_save_timestamp_seconds") == hub.saves[-1].at == world.server.reactor.seconds()
    assert scrape.value("m59emu_last_save_duration_seconds") == pytest.approx(
        hub.saves[-1].finished - hub.saves[-1].started
    )
    # Reading again counts nothing twice.
    assert Scrape(pages).value("m59emu_tick_duration_seconds_count") == ticks


def test_uptime_memory_and_openmetrics(world, pages):
    world.server.advance(90.0)
    scrape = Scrape(pages)
    assert scrape.value("m59emu_uptime_seconds") == pytest.approx(90.0)
    assert scrape.value("process_resident_memory_bytes") > 10_000_000  # prometheus_client's, from /proc (Linux)
    assert scrape.content_type.startswith("text/plain")
    openmetrics = Scrape(pages, accept="application/openmetrics-text; version=1.0.0")
    assert openmetrics.content_type.startswith("application/openmetrics-text")
    assert openmetrics.text.rstrip().endswith("# EOF")
    assert openmetrics.value("m59emu_players_online") == 3


def test_the_store_queue_is_shown_when_the_store_runs_a_thread(world, pages, monkeypatch):
    assert "m59emu_store_calls_waiting" not in Scrape(pages).families  # in memory: no thread, no queue
    monkeypatch.setattr(world.control.store, "calls_waiting", 4, raising=False)  # as StoreService counts them
    scrape = Scrape(pages)
    assert scrape.value("m59emu_store_calls_waiting") == 4
    assert scrape.families["m59emu_store_calls_waiting"].type == "gauge"
    assert "store calls waiting: 4" in world.run("show usage")


@attrs.frozen
class BackupRecord:
    started_at: float
    seconds: float
    path: str
    size: int
    error: str | None = None


def test_the_last_backups_are_reported_when_the_server_makes_them(world, pages):
    assert "m59emu_last_backup_ok" not in Scrape(pages).families

    class Backups:
        history = [
            BackupRecord(1_000.0, 2.5, "var/backups/a.db", 4096),
            BackupRecord(2_000.0, 0.1, "var/backups/b.db", 0, error="disk full"),
        ]

    world.control.backups = Backups()
    scrape = Scrape(pages)
    assert scrape.value("m59emu_last_backup_ok") == 0
    assert scrape.value("m59emu_last_good_backup_timestamp_seconds") == 1_000.0
    assert scrape.value("m59emu_last_good_backup_size_bytes") == 4096


def test_the_web_port_is_part_of_the_server_and_can_be_turned_off(tmp_path):
    (tmp_path / "on").mkdir()
    (tmp_path / "off").mkdir()
    on = MemoryServer(tmp_path / "on", '[web]\nlisten = "tcp:9159:interface=127.0.0.1"\n')
    try:
        (web,) = [(port, factory) for port, factory, _, interface in on.reactor.tcpServers
                  if interface == "127.0.0.1" and port == 9159]
        assert isinstance(web[1], Site)
        assert on.service.getServiceNamed("web").running
    finally:
        on.stop()
    assert not on.service.getServiceNamed("web").running
    off = MemoryServer(tmp_path / "off", '[web]\nlisten = ""\n')
    try:
        assert "web" not in [service.name for service in off.service]
    finally:
        off.stop()


def test_a_histogram_counts_each_record_once_in_its_bucket():
    histogram = DurationHistogram((0.01, 0.1))
    histogram.absorb(reversed([(1.0, 0.005), (2.0, 0.01), (3.0, 0.05)]))
    histogram.absorb(reversed([(1.0, 0.005), (2.0, 0.01), (3.0, 0.05), (4.0, 2.0)]))
    assert histogram.cumulative() == [("0.01", 2.0), ("0.1", 3.0), ("+Inf", 4.0)]
    assert histogram.count == 4 and histogram.sum == pytest.approx(2.065)
