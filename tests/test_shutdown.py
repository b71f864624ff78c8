"""The shutdown countdown: warnings, the login lock, and at zero everyone saved and logged
off with the message and the reactor stopped; a restart finds the world as it was."""

from __future__ import annotations

import pytest
from twisted.internet.task import Clock

from emulator.admin.maintenance import LoginLock, ShutdownCountdown, parse_duration, spoken, warning_times
from emulator.content.model import square_centre
from emulator.store import accounts, characters
from emulator.testing.admin import AdminWorld, operator_config, world_data
from emulator.testing.memory_server import MemoryClient, MemoryServer
from emulator.wire.codec import Message

from tests.live_server import LiveServer, run_cli


def said(messages: list[Message]) -> list[str]:
    return [m["params"][0] for m in messages if m.name == "BP_MESSAGE"]


@pytest.mark.parametrize(("text", "seconds"), [("90", 90), ("30s", 30), ("5m", 300), ("1h", 3600), ("1.5m", 90),
                                               (" 2M ", 120)])
def test_durations(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "5 minutes", "-5m", "0", "25h", "5d"])
def test_bad_durations(text):
    with pytest.raises(ValueError):
        parse_duration(text)


def test_warning_times_and_their_words():
    assert warning_times(300) == [300, 240, 180, 120, 60, 30, 10]
    assert warning_times(90) == [90, 60, 30, 10]
    assert warning_times(20) == [20, 10]
    assert warning_times(5) == [5]
    assert [spoken(s) for s in (300, 60, 90, 1, 0)] == [
        "5 minutes", "1 minute", "1 minute 30 seconds", "1 second", "0 seconds"]


def test_the_countdown_on_its_own_clock():
    clock = Clock()
    warnings: list[tuple[float, str]] = []
    ends: list[str] = []
    lock = LoginLock()
    countdown = ShutdownCountdown(clock, lambda text: warnings.append((clock.seconds(), text)), ends.append, lock)
    countdown.start(90, "Update.")
    assert lock.refusal(accounts.USER) == "The server shuts down in 1 minute 30 seconds. Update. New logins are closed until then."
    assert lock.refusal(accounts.DM) is not None and lock.refusal(accounts.ADMIN) is None
    clock.pump([1] * 89)
    assert warnings == [
        (0, "The server shuts down in 1 minute 30 seconds. Update."),
        (30, "The server shuts down in 1 minute. Update."),
        (60, "The server shuts down in 30 seconds. Update."),
        (80, "The server shuts down in 10 seconds. Update."),
    ]
    assert not ends and countdown.seconds_left() == 1
    clock.advance(1)
    assert ends == ["The server shuts down now. Update."]
    with pytest.raises(RuntimeError):
        countdown.start(10, "again")


def test_cancelling_stops_the_warnings_and_lifts_only_its_own_lock():
    clock = Clock()
    warnings: list[str] = []
    lock = LoginLock()
    countdown = ShutdownCountdown(clock, warnings.append, lambda text: pytest.fail("ended"), lock)
    countdown.start(120, "")
    assert countdown.cancel() and not lock.locked
    clock.pump([1] * 200)
    assert warnings == ["The server shuts down in 2 minutes."]
    assert not countdown.cancel()
    lock.lock("Maintenance.")  # an operator's own lock stays after a cancelled countdown
    countdown.start(60, "")
    assert lock.owner == "shutdown"
    lock.lock("Maintenance.")
    countdown.cancel()
    assert lock.message == "Maintenance."


#: The clients of these tests send no pings: the game's idle timeout must not close them.
PATIENT = "[timeouts]\ngame_idle = 3600.0\n"


def _login(server: MemoryServer, account: str) -> tuple[MemoryClient, list[Message]]:
    client = server.connect()
    client.read()
    return client, client.send(client.codec.login(account, f"pw-{account}"))


def test_a_shutdown_warns_refuses_logins_saves_logs_everyone_off_and_stops(tmp_path):
    world = AdminWorld(tmp_path, PATIENT)
    server = world.server
    world.server.create_account("erin", "pw-erin", admin_level=accounts.ADMIN)
    world.run("teleport Bobbin jasper_inn 6 7")
    world.run("create item apple jasper_inn 8 8 --count 4")
    world.run(f"create monster rat jasper_inn 9 9")
    for client in world.clients.values():
        client.read()

    answer = world.run("shutdown --in 2m --message 'Back after the update.'")
    assert answer.startswith("shutdown in 2 minutes")
    assert said(world.clients["bob"].read()) == ["The server shuts down in 2 minutes. Back after the update."]

    server.advance(30)
    carol, refused = _login(server, "carol")  # a player arriving now is told why and turned away
    (message,) = [m for m in refused if m.name == "AP_MESSAGE"]
    assert message["text"] == ("The server shuts down in 2 minutes. Back after the update. "
                               "New logins are closed until then.")
    assert carol.closed_by_server and "AP_LOGINOK" not in [m.name for m in refused]
    erin, accepted = _login(server, "erin")  # an admin still gets in
    MemoryClient.expect_in(accepted, "AP_LOGINOK")
    assert "shutdown in 1 min 30 s" in world.run("show status")

    server.advance(30)
    assert said(world.clients["bob"].read()) == ["The server shuts down in 1 minute. Back after the update."]
    server.advance(30)
    assert said(world.clients["bob"].read()) == ["The server shuts down in 30 seconds. Back after the update."]
    server.advance(20)
    assert said(world.clients["dave"].read()) == [
        "The server shuts down in 2 minutes. Back after the update.",
        "The server shuts down in 1 minute. Back after the update.",
        "The server shuts down in 30 seconds. Back after the update.",
        "The server shuts down in 10 seconds. Back after the update.",
    ]
    assert not server.reactor.hasStopped

    server.advance(10)
    for name, client in world.clients.items():
        assert said(client.read())[-1] == "The server shuts down now. Back after the update.", name
        assert client.closed_by_server, name
    assert server.reactor.hasStopped
    assert not server.hub.in_world
    record = server.store.run(characters.find_character, "Bobbin")
    assert (record.room, record.y, record.x) == ("jasper_inn", *square_centre(6, 7))
    for name in ("Alanna", "Davos"):
        assert server.store.run(characters.find_character, name).room == "jasper_inn"

    server.stop()  # what twistd does once the reactor stops: the game's own stop path saves the rest
    assert server.store.database is None
    again = MemoryServer(tmp_path, f'[server]\ndata = "{world_data(tmp_path)}"\n' + operator_config(tmp_path) + PATIENT)
    try:
        assert [(m.kind, m.room, m.y, m.x) for m in again.hub.world.monsters()] == [("rat", "jasper_inn", *square_centre(9, 9))]
        apples = [item for item in again.hub.world.items.on_ground("jasper_inn") if item.kind == "apple"]
        assert [(a.number, a.y, a.x) for a in apples] == [(4, *square_centre(8, 8))]
        bob = again.connect()
        bob.login_to_game("bob", "pw-bob")
        player = bob.enter_world("Bobbin")
        bobbin = next(p for p in again.hub.world.all_players() if p.name == "Bobbin")
        assert (bobbin.room, bobbin.y, bobbin.x) == ("jasper_inn", *square_centre(6, 7))
        assert player["id"] == bobbin.object_id
    finally:
        again.stop()


def test_a_cancelled_shutdown_lets_logins_in_and_ends_nothing(tmp_path):
    world = AdminWorld(tmp_path, PATIENT)
    try:
        world.run("shutdown --in 1m")
        assert "already counting down" in world.run("shutdown --in 5m")
        assert "'shutdown cancel' stops it" in world.run("unlock")
        assert world.run("shutdown cancel") == "shutdown cancelled; logins open again"
        assert world.run("shutdown cancel") == "no shutdown was counting down"
        world.server.advance(90)
        assert not world.server.reactor.hasStopped
        assert not world.clients["bob"].closed_by_server
        carol, answer = _login(world.server, "carol")
        MemoryClient.expect_in(answer, "AP_LOGINOK")
    finally:
        world.stop()


@pytest.mark.parametrize(("line", "error"), [
    ("shutdown", "give --in DURATION"),
    ("shutdown --in soon", "'soon' is not a duration"),
    ("shutdown --in 48h", "at most 24 h"),
    ("shutdown cancel --in 5m", "'cancel' takes no --in"),
    ("shutdown now", "invalid choice: 'now'"),
])
def test_shutdown_errors_are_clear_texts(tmp_path, line, error):
    world = AdminWorld(tmp_path)
    try:
        assert error in world.run(line)
    finally:
        world.stop()


def test_shutdown_from_the_admin_console_of_the_real_server(tmp_path):
    url = f"sqlite:///{tmp_path / 'world.db'}"
    run_cli("account", "create", "alice", "--level", "1", "--database", url, stdin="pw-alice\n")
    run_cli("character", "create", "alice", "Alanna", "--database", url)
    server = LiveServer(tmp_path, url)
    try:
        alice = server.connect(resources=server.client_resources())
        alice.login_to_game("alice", "pw-alice")
        alice.request("BP_SEND_CHARACTERS")
        (character,) = alice.expect("BP_CHARACTERS")[-1]["characters"]
        alice.request("BP_USE_CHARACTER", character_id=character["id"])
        alice.expect("BP_PLAYER", "BP_ROOM_CONTENTS")
        alice.request("BP_REQ_ADMIN", command="shutdown --in 2s --message 'Back in five.'")
        answer = alice.expect_match("BP_ADMIN", timeout=10, text="> shutdown --in 2s --message 'Back in five.'\n")
        assert answer is not None
        alice.expect_match("BP_MESSAGE", timeout=10, params=["The server shuts down in 2 seconds. Back in five."])
        before_close = alice.expect_close(timeout=15)
        final = [m["params"][0] for m in alice.received if m.name == "BP_MESSAGE"]
        assert final[-1] == "The server shuts down now. Back in five.", (final, before_close)
        assert server.process.wait(timeout=30) == 0, server.log()
        alice.close()
    finally:
        code = server.stop()
    assert code == 0, server.log()
    assert "Traceback" not in server.log(), server.log()
