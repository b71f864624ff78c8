"""Backups of the store, on SQLite and on MariaDB: taken online while the server writes, restored
into an empty database, and a fresh server on it finds every account, character, item and the
world's state; rotation, the schedule on a deterministic clock, damaged and foreign files, and the
refusals of ``m59emu restore``."""

from __future__ import annotations

import contextlib
import datetime
import gc
import gzip
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import peewee
import pytest
from twisted.internet import defer, task

from emulator.admin.backups import FIRST_DELAY_SECONDS, Backups, run_inline
from emulator.admin.registry import Caller
from emulator.cli.main import main
from emulator.config import BackupConfig
from emulator.content.model import square_centre
from emulator import auth
from emulator.store import accounts, backup, characters
from emulator.store.models import BalanceRecord, ItemRecord, LedgerRecord
from emulator.world.items import FIRST_ITEM_ID
from emulator.store.backup import BackupError, NotEmpty, inspect_backup, make_backup, restore, rotate
from emulator.store.database import connect, open_database
from emulator.store.migrations import LATEST_VERSION, migrate, schema_version
from emulator.testing.admin import AdminWorld
from emulator.testing.memory_server import MemoryClient, MemoryServer
from tests.store_backends import STORE_TABLES, backend_url, mysql_url, sqlite_url

REF = lambda object_id: {"id": object_id, "amount": None}  # noqa: E731
NOW = datetime.datetime(2026, 12, 2, 5, 15, tzinfo=datetime.UTC)
PASSWORDS = {"alice": "pw-alice", "bob": "pw-bob", "carol": "pw-carol"}
CHARACTERS = {"alice": ["Alanna"], "bob": ["Bobbin"], "carol": ["Carolyn", "Spare"]}
NO_SCHEDULE = "[backup]\nevery_hours = 0.0\n"


# ---------------------------------------------------------------------- a world worth backing up


def serve(folder: Path, url: str) -> MemoryServer:
    folder.mkdir(parents=True, exist_ok=True)
    return MemoryServer(folder, NO_SCHEDULE, database=url)


def enter(server: MemoryServer, account: str, character: str) -> tuple[MemoryClient, dict[str, Any]]:
    client = server.connect()
    client.login_to_game(account, PASSWORDS[account])
    return client, client.enter_world(character).fields


VAULT, BANK, VAULT_ITEM = 1, 1, FIRST_ITEM_ID + 1000


def seed(url: str) -> None:
    """Three accounts and four characters; Bobbin keeps 4 apples in a vault and 5 at a bank."""
    database = open_database(url)
    try:
        for account, names in CHARACTERS.items():
            level = accounts.ADMIN if account == "alice" else accounts.USER
            accounts.create_account(database, account, PASSWORDS[account], admin_level=level, cost=auth.TEST_COST)
            for name in names:
                characters.create_character(database, account, name)
        bobbin = characters.find_character(database, "Bobbin")
        assert bobbin is not None
        ItemRecord.create(id=VAULT_ITEM, kind="apple", number=4, room=None, y=0, x=0, angle=0, carrier=bobbin.id,
                          slot=0, arrived_ms=0, vault=VAULT)
        BalanceRecord.create(bank=BANK, character=bobbin.id, kind="apple", amount=5)
        LedgerRecord.create(kind="apple", created=9, destroyed=0, reason="test", recorded_at=NOW.replace(tzinfo=None))
    finally:
        database.close()


def build_world(server: MemoryServer) -> dict[str, Any]:
    """On a seeded database: Alanna walked and turned, then logged off; Bobbin hurt, carrying
    a draught, online; apples on the ground; the world saved. What to find again."""
    alice, alanna = enter(server, "alice", "Alanna")
    y, x = square_centre(5, 10)
    alice.request("BP_REQ_MOVE", y=y, x=x, speed=18, room=REF(alanna["room_id"]))
    server.advance(1.0)
    alice.request("BP_REQ_TURN", object=REF(alanna["id"]), angle=1024)
    alice.request("BP_LOGOFF")
    alice.close()

    bob, bobbin = enter(server, "bob", "Bobbin")
    world = server.hub.world
    player = world.player(bobbin["id"])
    player.stats.health, player.stats.karma = 11, 7
    record = server.store.run(characters.find_character, "Bobbin")
    draught = world.items.make(record.id, bobbin["id"], "healing_draught", None, 50, "test", [])
    assert draught is not None
    apples = world.items.create_on_ground("apple", 7, player.room, *square_centre(3, 4), 0, "test", [])
    server.advance(1.0)  # the item saver writes the operations
    server.hub.autosave()
    return {"alanna_at": (y, x, 1024), "bob": bob, "bobbin_room": player.room, "draught": draught.object_id,
            "apples": apples.object_id, "apples_room": player.room}


def table_rows(database: peewee.Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every store table but the migrations' own, in a form both backends agree on."""
    present = set(database.get_tables())
    rows = {}
    for table in backup.DATA_TABLES:
        if table in present:
            cursor = database.execute_sql(f"SELECT * FROM {backup._quoted(database, table)}")
            rows[table] = sorted((tuple(_same(value) for value in row) for row in cursor.fetchall()), key=repr)
    return rows


def _same(value: Any) -> Any:
    value = backup._plain(value)
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == " ":
        return value[:19]  # a date-time: MySQL keeps whole seconds
    return value


def account_names(url: str) -> list[str]:
    database = open_database(url)
    try:
        return [info.name for info in accounts.list_accounts(database)]
    finally:
        database.close()


def rows_at(url: str) -> dict[str, list[tuple[Any, ...]]]:
    database = connect(url)
    with database:
        return table_rows(database)


def find_everything(url: str, workdir: Path, expected: dict[str, Any], world_state: dict[str, Any]) -> None:
    """A fresh server on ``url``: every account logs in with its old password, every character
    is where it was, every item is there, and the world's state is the saved one."""
    server = serve(workdir, url)
    try:
        world = server.hub.world
        assert world.tick_count == world_state["tick_count"]
        assert world.snapshot()["monsters"] == world_state["monsters"]
        apples = world.items.find(expected["apples"])
        assert apples is not None and (apples.kind, apples.number, apples.room) == ("apple", 7, expected["apples_room"])
        for account, names in CHARACTERS.items():
            for name in names:
                if name == "Spare":
                    continue
                client, player = enter(server, account, name)
                thing = world.player(player["id"])
                if name == "Alanna":
                    assert (thing.y, thing.x, thing.angle) == expected["alanna_at"]
                if name == "Bobbin":
                    assert (thing.stats.health, thing.stats.karma) == (11, 7)
                    carried = [(item.object_id, item.kind) for item in world.items.carried(thing.character_id)]
                    assert (expected["draught"], "healing_draught") in carried
                    boxed = [(item.object_id, item.kind, item.number) for item in world.items.box(VAULT, thing.character_id)]
                    assert boxed == [(VAULT_ITEM, "apple", 4)]
                    assert world.items.balance_of(BANK, thing.character_id) == 5
                client.request("BP_LOGOFF")
                client.close()
        spare = server.store.run(characters.find_character, "Spare")
        assert spare is not None and server.store.run(accounts.get_account, "carol").id == spare.account_id
    finally:
        server.stop()


# ---------------------------------------------------------------------- online backup and restore


def empty_target(backend: str, folder: Path) -> str:
    """A fresh empty database of ``backend``: a new SQLite file, or the test MariaDB emptied,
    with no connection left over from earlier tests (a restore refuses a database in use)."""
    if backend == "sqlite":
        return sqlite_url(folder)
    url = mysql_url()
    gc.collect()  # connections of databases nobody closed
    database = connect(url)
    with database:
        for (other,) in database.execute_sql("SELECT ID FROM information_schema.PROCESSLIST "
                                             "WHERE DB = DATABASE() AND ID <> CONNECTION_ID()").fetchall():
            with contextlib.suppress(peewee.DatabaseError):
                database.execute_sql(f"KILL CONNECTION {int(other)}")
    return url


@pytest.mark.parametrize("backend", ["sqlite", "mysql"])
def test_an_online_backup_restores_into_a_fresh_server_with_everything(backend, tmp_path, monkeypatch):
    url = backend_url(backend, tmp_path / "live")
    seed(url)
    server = serve(tmp_path / "live", url)
    expected = build_world(server)
    world_state = server.store.run(characters.load_world_state)
    before = rows_at(url)
    assert before["item"] and before["player_character"] and before["world_state"]

    # The server keeps writing while the backup runs: between every step of the copy it
    # creates an account, saves the world and moves Bobbin's draught around.
    monkeypatch.setattr(backup, "PAGES_PER_STEP", 1)
    monkeypatch.setattr(backup, "ROWS_PER_BATCH", 2)
    steps = 0

    def write_meanwhile() -> bool:
        nonlocal steps
        steps += 1
        if steps <= 40:
            server.store.run(accounts.create_account, f"late{steps}", "pw", cost=accounts.auth.TEST_COST)
            server.hub.autosave()
            server.advance(0.5)
        return False

    made = make_backup(url, tmp_path / "backups", NOW, write_meanwhile)
    assert steps > 5, "the copy went in one step: nothing was written while it ran"
    assert made.path.name == f"m59emu-20261202T051500Z{'.sqlite3' if backend == 'sqlite' else '.jsonl.gz'}"
    assert made.size == made.path.stat().st_size > 0
    expected["bob"].close()
    server.stop()
    assert inspect_backup(made.path).schema_version == LATEST_VERSION

    target = empty_target(backend, tmp_path / "restored")
    done = restore(made.path, target)
    assert done.replaced == {} and done.rows["account"] == 3
    restored = rows_at(target)
    assert restored == before  # the moment the backup began: none of the writes made during it
    find_everything(target, tmp_path / "after", expected, world_state)


def test_a_dump_moves_a_world_from_one_backend_to_the_other(tmp_path):
    """The portable dump: SQLite into MariaDB and back (MariaDB's own backups are dumps)."""
    url = sqlite_url(tmp_path / "live")
    seed(url)
    server = serve(tmp_path / "live", url)
    expected = build_world(server)
    world_state = server.store.run(characters.load_world_state)
    dump = make_backup(url, tmp_path / "backups", NOW, dump=True)
    # the store as the dump saw it: the save on stopping would stamp a later second
    before = rows_at(url)
    expected["bob"].close()
    server.stop()
    assert dump.path.name.endswith(".jsonl.gz")
    mariadb = empty_target("mysql", tmp_path)
    restore(dump.path, mariadb)
    assert rows_at(mariadb) == before
    back = make_backup(mariadb, tmp_path / "backups", NOW)
    target = sqlite_url(tmp_path / "back")
    restore(back.path, target)
    assert rows_at(target) == before
    find_everything(target, tmp_path / "after", expected, world_state)


def test_a_backup_of_an_older_schema_is_migrated_after_the_restore(tmp_path):
    old_url = sqlite_url(tmp_path / "old")
    database = connect(old_url)
    database.connect()
    migrate(database, up_to=4)  # before items had a table of their own
    database.execute_sql("INSERT INTO account (name, name_key, password_hash, admin_level, created_at, banned) "
                         "VALUES ('old', 'old', 'x', 0, '2025-01-01 00:00:00', 0)")
    snapshot = {"tick_count": 5, "remains": {"objects": [{"kind": "apple", "number": 3, "room": "jasper_inn",
                                                         "y": 256, "x": 256}]}}
    database.execute_sql("INSERT INTO world_state (key, snapshot, saved_at) VALUES (?, ?, ?)",
                         ("world", json.dumps(snapshot), "2025-01-01 00:00:00"))
    database.close()
    made = make_backup(old_url, tmp_path / "backups", NOW)
    assert inspect_backup(made.path).schema_version == 4
    done = restore(made.path, sqlite_url(tmp_path / "new"))
    assert (done.schema_version, done.migrated_to) == (4, LATEST_VERSION)
    restored = open_database(sqlite_url(tmp_path / "new"))
    try:
        assert schema_version(restored) == LATEST_VERSION
        assert restored.execute_sql("SELECT kind, number, room FROM item").fetchall() == [("apple", 3, "jasper_inn")]
        assert accounts.get_account(restored, "old").name == "old"
    finally:
        restored.close()


# ---------------------------------------------------------------------- refusals


@pytest.fixture
def small_backup(tmp_path) -> tuple[Path, str]:
    url = sqlite_url(tmp_path / "source")
    database = open_database(url)
    accounts.create_account(database, "alice", "pw-alice", cost=accounts.auth.TEST_COST)
    database.close()
    return make_backup(url, tmp_path / "backups", NOW).path, url


@pytest.mark.parametrize("backend", ["sqlite", "mysql"])
def test_restore_refuses_a_database_that_is_not_empty_unless_forced(backend, tmp_path, small_backup, capsys):
    path, _ = small_backup
    target = empty_target(backend, tmp_path / "target")
    database = open_database(target)
    accounts.create_account(database, "zed", "pw", cost=accounts.auth.TEST_COST)
    database.close()
    with pytest.raises(NotEmpty, match=r"not empty \(1 account\).*--force"):
        restore(path, target)
    assert main(["restore", str(path), "--database", target]) == 1
    assert "not empty (1 account)" in capsys.readouterr().err
    assert main(["restore", str(path), "--database", target, "--force"]) == 0
    out = capsys.readouterr().out
    assert "replaced what" in out and "1 account" in out and "restored" in out
    assert account_names(target) == ["alice"]


@pytest.mark.parametrize("backend", ["sqlite", "mysql"])
def test_a_restore_that_fails_half_way_leaves_the_target_as_it_was(backend, tmp_path, small_backup):
    """A dump whose structure is sound but whose rows the database refuses (one account
    twice): the restore fails part way, and the target is left empty, so the next try
    with a good backup needs no --force."""
    good, source = small_backup
    dump = make_backup(source, tmp_path / "dumps", NOW, dump=True).path
    lines = [json.loads(line) for line in gzip.decompress(dump.read_bytes()).decode().splitlines()]
    at = next(i for i, record in enumerate(lines) if isinstance(record, dict) and record.get("table") == "account")
    lines.insert(at + 1, lines[at + 1])  # the first account's row, twice
    for record in lines:
        if isinstance(record, dict) and record.get("end_of_table") == "account":
            record["rows"] += 1
        if isinstance(record, dict) and record.get("end") is True:
            record["rows"]["account"] += 1
    twice = tmp_path / "twice.jsonl.gz"
    twice.write_bytes(gzip.compress("".join(json.dumps(record) + "\n" for record in lines).encode()))
    target = empty_target(backend, tmp_path / "target")

    with pytest.raises(BackupError, match=r"table account: the database refused rows 1-2: .*(?i:duplicate|unique).* as it was$"):
        restore(twice, target)

    if backend == "mysql":
        database = connect(target)
        with database:
            assert not set(database.get_tables()) & set(STORE_TABLES)  # nothing it made is left
    else:
        assert not Path(target.removeprefix("sqlite:///")).exists()
    restore(good, target)  # no --force needed
    assert account_names(target) == ["alice"]


@pytest.mark.parametrize("backend", ["sqlite", "mysql"])
def test_restore_refuses_a_database_in_use(backend, tmp_path, small_backup):
    path, _ = small_backup
    target = empty_target(backend, tmp_path / "busy")
    database = open_database(target)  # as a running server holds it
    try:
        with pytest.raises(BackupError, match="in use .*stop it first"):
            restore(path, target)
    finally:
        database.close()
    restore(path, target)  # stopped: fine


def test_damaged_and_foreign_files_are_refused_with_a_clear_message(tmp_path, small_backup, capsys):
    path, _ = small_backup
    target = sqlite_url(tmp_path / "target")
    cases: list[tuple[Path, str]] = []

    def case(name: str, data: bytes, message: str) -> None:
        file = tmp_path / name
        file.write_bytes(data)
        cases.append((file, message))

    whole = path.read_bytes()
    case("notes.txt", b"hello, not a backup\n", "not an m59emu backup")
    case("empty.sqlite3", b"", "the file is empty")
    case("half.sqlite3", whole[: len(whole) // 2], "damaged")
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as foreign:
        foreign.execute("CREATE TABLE t (x)")
    cases.append((other, "not an m59emu store"))
    case("other.jsonl.gz", gzip.compress(b'{"hello": 1}\n'), "not an m59emu backup")
    dump = make_backup(sqlite_url(tmp_path / "source"), tmp_path / "dumps", NOW, dump=True).path
    compressed = dump.read_bytes()
    case("cut.jsonl.gz", compressed[: len(compressed) - 30], "truncated")
    lines = gzip.decompress(compressed).decode().splitlines(keepends=True)
    case("short.jsonl.gz", gzip.compress("".join(lines[:-1]).encode()), "truncated")
    case("bad.jsonl.gz", gzip.compress("".join(lines[:2] + ['[1, 2\n'] + lines[3:]).encode()), "not JSON")
    cases.append((tmp_path / "missing.sqlite3", "no such file"))
    for file, message in cases:
        with pytest.raises(BackupError, match=message):
            restore(file, target)
        assert main(["restore", str(file), "--database", target]) == 1
        error = capsys.readouterr().err
        assert message in error and "Traceback" not in error, (file, error)
    assert not Path(target.removeprefix("sqlite:///")).exists()  # nothing was made of them
    restore(dump, target)  # the whole dump restores


def test_a_newer_schema_is_refused(tmp_path, small_backup):
    path, _ = small_backup
    with sqlite3.connect(path) as database:
        database.execute("INSERT INTO schema_version VALUES (?, '2030-01-01 00:00:00')", (LATEST_VERSION + 1,))
    with pytest.raises(BackupError, match="newer m59emu"):
        restore(path, sqlite_url(tmp_path / "target"))


# ---------------------------------------------------------------------- files, rotation, the CLI


def test_rotation_keeps_the_newest_and_only_touches_its_own_files(tmp_path, small_backup):
    _, url = small_backup
    folder = tmp_path / "rotated"
    made = [make_backup(url, folder, NOW + datetime.timedelta(hours=hour)).path for hour in range(5)]
    twin = make_backup(url, folder, NOW + datetime.timedelta(hours=4)).path  # the same second
    assert twin.name == "m59emu-20261202T091500Z-2.sqlite3"
    foreign = [folder / "notes.txt", folder / "m59emu.db", folder / "other-20261202T051500Z.sqlite3"]
    for file in foreign:
        file.write_text("keep me")
    deleted = rotate(folder, 3)
    assert deleted == made[:3]
    assert sorted(path.name for path in folder.iterdir()) == sorted(
        [made[3].name, made[4].name, twin.name] + [file.name for file in foreign])


def test_the_cli_backs_up_beside_a_running_server_and_rotates(tmp_path, capsys):
    url = sqlite_url(tmp_path / "live")
    server = serve(tmp_path / "live", url)  # holds the database open
    try:
        server.create_account("alice", "pw-alice")
        for _ in range(3):
            assert main(["backup", "--database", url, "--to", str(tmp_path / "out"), "--keep", "2"]) == 0
        output = capsys.readouterr().out
        assert output.count("backup written: ") == 3 and "deleted the older backup" in output
        kept = backup.list_backups(tmp_path / "out")
        assert len(kept) == 2 and inspect_backup(kept[-1]).rows["account"] == 1
    finally:
        server.stop()
    assert main(["backup", "--database", sqlite_url(tmp_path / "nowhere"), "--to", str(tmp_path / "out")]) == 1
    assert "no database at" in capsys.readouterr().err
    config = tmp_path / "server.toml"  # the server's own file: its database, folder and rotation
    config.write_text(f'[server]\ndatabase = "{url}"\n[backup]\ndir = "{tmp_path / "configured"}"\nkeep = 1\n')
    for _ in range(2):
        assert main(["backup", "--config", str(config)]) == 0
    assert len(backup.list_backups(tmp_path / "configured")) == 1
    config.write_text("[backup]\nkeep = 0\n")
    assert main(["backup", "--config", str(config)]) == 1
    assert "keep" in capsys.readouterr().err


def test_restore_help_says_to_stop_the_server(capsys):
    with pytest.raises(SystemExit):
        main(["restore", "--help"])
    assert "STOP THE SERVER FIRST" in capsys.readouterr().out


# ---------------------------------------------------------------------- the schedule


class HeldRunner:
    """Runs nothing by itself: the test decides when each backup's work runs and finishes."""

    def __init__(self) -> None:
        self.calls: list[tuple[Callable[[], Any], defer.Deferred[Any]]] = []

    def __call__(self, work: Callable[[], Any]) -> defer.Deferred[Any]:
        finished: defer.Deferred[Any] = defer.Deferred()
        self.calls.append((work, finished))
        return finished

    def finish(self, index: int) -> None:
        work, finished = self.calls[index]
        defer.maybeDeferred(work).chainDeferred(finished)  # a failure goes down the errback, as a thread's


def scheduled(tmp_path: Path, url: str, runner: Any, every_hours: float = 1.0, keep: int = 3) -> tuple[Backups, task.Clock]:
    clock = task.Clock()
    base = NOW.timestamp()
    config = BackupConfig(dir=str(tmp_path / "scheduled"), every_hours=every_hours, keep=keep)
    return Backups(url, config, clock, runner=runner, wall_clock=lambda: base + clock.seconds()), clock


def test_scheduled_backups_fire_at_the_interval_and_skip_while_one_runs(tmp_path, small_backup):
    _, url = small_backup
    runner = HeldRunner()
    backups, clock = scheduled(tmp_path, url, runner)
    backups.startService()
    clock.advance(FIRST_DELAY_SECONDS - 1)
    assert runner.calls == []
    clock.advance(1)
    assert len(runner.calls) == 1 and backups.in_progress is not None
    clock.advance(3600)  # due again while the first is still running: skipped
    assert len(runner.calls) == 1 and backups.skipped == 1
    runner.finish(0)
    assert backups.in_progress is None
    (record,) = backups.history
    assert record.error is None and record.scheduled and Path(record.path).is_file()
    assert record.size == Path(record.path).stat().st_size and record.started_at == NOW.timestamp() + FIRST_DELAY_SECONDS
    for hour in range(1, 5):  # one an hour from then on, rotated to three
        clock.advance(3600)
        assert len(runner.calls) == 1 + hour
        runner.finish(hour)
    assert len(backups.history) == 5 and all(r.error is None for r in backups.history)
    assert len(backup.list_backups(backups.directory)) == 3
    backups.stopService()
    clock.advance(10 * 3600)
    assert len(runner.calls) == 5 and clock.getDelayedCalls() == []


def test_the_first_scheduled_backup_is_one_interval_after_the_newest_in_the_folder(tmp_path, small_backup):
    _, url = small_backup
    runner = HeldRunner()
    backups, clock = scheduled(tmp_path, url, runner)
    make_backup(url, backups.directory, NOW - datetime.timedelta(minutes=30))
    backups.startService()
    assert backups.next_due == NOW.timestamp() + 1800
    clock.advance(1799)
    assert runner.calls == []
    clock.advance(1)
    assert len(runner.calls) == 1
    backups.stopService()


def test_stopping_cancels_a_backup_in_progress_and_waits_for_it(tmp_path, small_backup):
    _, url = small_backup
    runner = HeldRunner()
    backups, clock = scheduled(tmp_path, url, runner)
    backups.startService()
    clock.advance(FIRST_DELAY_SECONDS)
    stopped = backups.stopService()
    assert stopped is not None and not stopped.called
    runner.finish(0)  # the work sees the cancel between its steps
    assert stopped.called
    (record,) = backups.history
    assert record.error == "backup cancelled" and record.path is None
    assert backup.list_backups(backups.directory) == [] and not any(backups.directory.iterdir())


def test_a_failed_backup_is_recorded_and_the_schedule_goes_on(tmp_path):
    backups, clock = scheduled(tmp_path, sqlite_url(tmp_path / "nowhere"), run_inline)
    backups.startService()
    clock.advance(FIRST_DELAY_SECONDS)
    clock.advance(3600)
    assert [record.error for record in backups.history] == [f"no database at {tmp_path / 'nowhere' / 'store' / 'm59emu.db'}"] * 2
    backups.stopService()


def test_no_schedule_when_every_hours_is_zero(tmp_path, small_backup):
    _, url = small_backup
    runner = HeldRunner()
    backups, clock = scheduled(tmp_path, url, runner, every_hours=0.0)
    backups.startService()
    assert clock.getDelayedCalls() == [] and backups.next_due is None
    backups.stopService()


# ---------------------------------------------------------------------- the operator's commands


def test_the_backup_command_answers_with_the_file_and_its_size(tmp_path):
    world = AdminWorld(tmp_path)
    try:
        text = world.run("backup")
        assert text.startswith("backup written: ") and "m59emu-" in text and "KiB" in text, text
        path = Path(text.split("backup written: ")[1].split(" (")[0])
        assert path.parent == tmp_path / "backups" and inspect_backup(path).rows["account"] == 4  # alice, dave, bob, carol
        listing = world.run("backups")
        assert "asked for" in listing and path.name in listing and "every_hours = 0" in listing
    finally:
        world.stop()


def test_the_backup_command_says_when_one_is_running(tmp_path):
    world = AdminWorld(tmp_path)
    try:
        runner = HeldRunner()
        world.control.backups._runner = runner
        first = world.run("backups")
        assert "no backup since the server started" in first
        pending: list[str] = []
        world.control.registry.execute(world.control, Caller("alice", "ssh", accounts.ADMIN),
                                       "backup").addCallback(pending.append)
        assert pending == []
        assert "already running" in world.run("backup")
        runner.finish(0)
        world.server.reactor.advance(0)
        assert pending and pending[0].startswith("backup written: ")
    finally:
        world.stop()


def test_store_tables_are_all_backed_up():
    """A new table in the models must be in the backup's list (and in the tests' list)."""
    assert set(backup.TABLES) == set(STORE_TABLES)


def test_the_benchmark_backs_up_a_running_server_on_its_own_thread():
    """The real server on the real reactor: backups on the backup thread while it ticks and
    autosaves (the figures are not checked, only that each is printed and nothing failed)."""
    import subprocess
    import sys

    from tests.conftest import REPO

    result = subprocess.run(
        [sys.executable, "-m", "emulator.bench.backup", "--accounts", "20", "--items", "300", "--logins", "300",
         "--seconds", "1.5"],
        cwd=REPO, capture_output=True, text=True, timeout=180,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    for line in ("quiet: ", "backing up: ", "tick p50 ", "reactor lag p50 ", "backups: "):
        assert line in output, output
    assert "FAILED" not in output and "Traceback" not in output, output


def test_the_real_server_backed_up_by_another_process_and_restored(tmp_path):
    """twistd runs and saves on its store thread; `m59emu backup` in another process copies
    the database under it; after a stop, `m59emu restore` into a new file and a new twistd
    on it: bob logs in and finds Bobbin where he left him."""
    from tests.live_server import LiveServer, run_cli
    from tests.test_e2e_game import enter, last, position

    url = sqlite_url(tmp_path / "live")
    run_cli("account", "create", "bob", "--database", url, stdin="pw-bob\n")
    run_cli("character", "create", "bob", "Bobbin", "--database", url)
    fast = "[world]\nautosave_seconds = 0.5\ntick_seconds = 0.25\n" + NO_SCHEDULE
    server = LiveServer(tmp_path, url, fast)
    try:
        bob = enter(server, "bob", "pw-bob")
        y, x = square_centre(6, 9)
        bob.request("BP_REQ_MOVE", y=y, x=x, speed=18, room=REF(bob.room_id))
        bob.quiet_for(1.5)  # autosaved, and saving on
        made = run_cli("backup", "--database", url, "--to", str(tmp_path / "backups"))
        assert "backup written: " in made.stdout
        bob.close()
    finally:
        server.stop()
    (path,) = backup.list_backups(tmp_path / "backups")
    restored_url = sqlite_url(tmp_path / "restored")
    done = run_cli("restore", str(path), "--database", restored_url)
    assert "restored " in done.stdout and "1 account" in done.stdout
    again_dir = tmp_path / "again"
    again_dir.mkdir()
    restarted = LiveServer(again_dir, restored_url, fast)
    try:
        again = enter(restarted, "bob", "pw-bob")
        contents = last(again.received, "BP_ROOM_CONTENTS")
        assert position(contents, again.player_id)[:2] == (y, x)
        again.close()
    finally:
        restarted.stop()
