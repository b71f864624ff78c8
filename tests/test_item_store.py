"""Items and the ledger in the store: batches of whole operations, each one transaction
(all of it or nothing), on every backend; the move of old snapshots' ground items into
the item table; ``m59emu ledger``; the saver that writes batches soon after changes."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator

import peewee
import pytest
from twisted.internet import defer, task

from emulator.cli.main import main
from emulator.game.item_saver import ItemSaver
from emulator.store import characters, items as stored, migrations
from emulator.store.database import open_database
from emulator.store.models import ItemRecord, LedgerRecord
from emulator.world.items import FIRST_ITEM_ID, Operation, row_of
from emulator.world.world import World
from tests.store_backends import database_url, sqlite_url  # noqa: F401  (fixture)
from tests.test_items import definition, put, world_with_player

NOW = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def db(database_url: str) -> Iterator[peewee.Database]:  # noqa: F811
    database = open_database(database_url)
    yield database
    database.close()


def busy_world() -> World:
    """A world whose pending operations create, split, join, carry, drop and destroy."""
    world, player = world_with_player()
    coins = put(world, "shillings", 40)
    stick = put(world, "stick")
    put(world, "eyes", 12, square=(6, 6))
    world.pick_up(player, coins.object_id, 15, 1.0)
    world.pick_up(player, stick.object_id, None, 1.0)
    world.drop(player, world.carried(player)[0].object_id, 5, 1.0)
    world.items.destroy(coins.object_id, "tidied", [])
    return world


def stored_state(db: peewee.Database) -> tuple[set[object], dict[str, tuple[int, int]]]:
    loaded = stored.load_items(db)
    return set(loaded.rows), loaded.totals


def test_a_batch_stores_what_the_world_holds(db: peewee.Database) -> None:
    world = busy_world()
    operations = world.items.take_operations(1000)
    assert len(operations) == 7
    stored.apply_item_batch(db, operations, NOW)
    rows, totals = stored_state(db)
    assert rows == {row_of(item) for item in world.items}
    assert totals == world.items.ledger.totals == {"shillings": (40, 30), "stick": (1, 0), "eyes": (12, 0)}
    assert stored.check_stored_ledger(db).ok
    # loading gives the same world back
    again = World(definition(), seed=1)
    loaded = stored.load_items(db)
    again.load_items(loaded.rows, loaded.totals)
    assert {row_of(i) for i in again.items} == rows and again.items.pending == []


def test_a_batch_is_all_or_nothing(db: peewee.Database, monkeypatch: pytest.MonkeyPatch) -> None:
    world = busy_world()
    first = world.items.take_operations(3)
    stored.apply_item_batch(db, first, NOW)
    before = stored_state(db)
    rest = world.items.take_operations(1000)
    original = LedgerRecord.insert_many

    def fail_after_the_rows(*args: object, **kwargs: object) -> object:
        assert db.in_transaction()  # the rows are written, in the transaction that now fails
        raise peewee.OperationalError("injected failure")

    monkeypatch.setattr(LedgerRecord, "insert_many", fail_after_the_rows)
    with pytest.raises(peewee.OperationalError, match="injected"):
        stored.apply_item_batch(db, rest, NOW)
    assert stored_state(db) == before
    assert stored.check_stored_ledger(db).ok
    monkeypatch.setattr(LedgerRecord, "insert_many", original)
    stored.apply_item_batch(db, rest, NOW)  # tried again, whole
    assert stored_state(db)[0] == {row_of(item) for item in world.items}
    assert stored.check_stored_ledger(db).ok


def test_a_batch_sent_again_is_applied_once(db: peewee.Database) -> None:
    """A write whose commit went through but whose answer was lost is sent again by the
    saver: the store applies each operation once, by its sequence number."""
    world = busy_world()
    operations = world.items.take_operations(1000)
    assert [operation.seq for operation in operations] == list(range(1, 8))
    assert stored.apply_item_batch(db, operations[:4], NOW) > 0
    assert stored.apply_item_batch(db, operations[:4], NOW) == 0
    stored.apply_item_batch(db, operations[2:], NOW)  # half old, half new
    assert stored_state(db)[0] == {row_of(item) for item in world.items}
    assert stored_state(db)[1] == world.items.ledger.totals
    loaded = stored.load_items(db)
    assert loaded.last_seq == 7
    # after a restart the numbers go on
    again = World(definition(), seed=1)
    again.load_items(loaded.rows, loaded.totals, last_seq=loaded.last_seq)
    put(again, "stick")
    assert [operation.seq for operation in again.items.pending] == [8]


def test_old_snapshots_ground_items_move_into_the_item_table_once(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    with monkeypatch.context() as patched:
        patched.setattr(migrations, "LATEST_VERSION", 4)
        old = open_database(database_url)
    body = {"id": 0x0040_0000, "kind": "rat", "room": "hall", "y": 352, "x": 352, "angle": 0, "decays_in_ms": 500}
    pile = {"id": 0x0040_0001, "kind": "shillings", "room": "hall", "y": 352, "x": 352, "angle": 0, "number": 33}
    stick = {"id": 0x0040_0002, "kind": "stick", "room": "yard", "y": 160, "x": 224, "angle": 0, "number": None}
    snapshot = {"version": 4, "tick_count": 7, "remains": {"next_serial": 3, "objects": [body, pile, stick]}}
    characters.save_world_state(old, snapshot, NOW)
    old.close()
    db = open_database(database_url)
    try:
        loaded = stored.load_items(db)
        assert [(r.id, r.kind, r.number, r.room, r.y, r.x, r.carrier) for r in loaded.rows] == [
            (FIRST_ITEM_ID, "shillings", 33, "hall", 352, 352, None), (FIRST_ITEM_ID + 1, "stick", None, "yard", 160, 224, None),
        ]
        assert loaded.totals == {"shillings": (33, 0), "stick": (1, 0)}
        assert characters.load_world_state(db)["remains"]["objects"] == [body]  # only the body stays there
        assert stored.check_stored_ledger(db).ok
    finally:
        db.close()
    again = open_database(database_url)  # migrated already: nothing is taken twice
    try:
        assert stored.load_items(again).totals == {"shillings": (33, 0), "stick": (1, 0)}
    finally:
        again.close()


def test_the_ledger_command_on_a_good_and_a_tampered_store(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    url = sqlite_url(tmp_path)
    db = open_database(url)
    stored.apply_item_batch(db, busy_world().items.take_operations(1000), NOW)
    db.close()
    assert main(["ledger", "--database", url]) == 0
    out = capsys.readouterr().out
    assert "ledger balanced" in out and "shillings  40       30         10" in out
    db = open_database(url)
    ItemRecord.update(number=ItemRecord.number + 1).where(ItemRecord.kind == "shillings").execute()  # a duplicated coin
    db.close()
    assert main(["ledger", "--database", url]) == 1
    captured = capsys.readouterr()
    assert "MISMATCH in 1 kind(s): shillings" in captured.out and "does not balance" in captured.err
    db = open_database(url)
    ItemRecord.delete().where(ItemRecord.kind == "stick").execute()  # a lost stick
    db.close()
    assert main(["ledger", "--database", url]) == 1
    assert "MISMATCH in 2 kind(s): shillings, stick" in capsys.readouterr().out


class FakeStore:
    def __init__(self) -> None:
        self.batches: list[list[Operation]] = []
        self.answers: list[defer.Deferred[int]] = []
        self.fail_next = False

    def save_items(self, operations: list[Operation]) -> defer.Deferred[int]:
        self.batches.append(list(operations))
        if self.fail_next:
            self.fail_next = False
            return defer.fail(RuntimeError("database away"))
        answer: defer.Deferred[int] = defer.Deferred()
        self.answers.append(answer)
        return answer


def test_the_saver_writes_bounded_batches_soon_one_at_a_time() -> None:
    world = busy_world()
    clock, store = task.Clock(), FakeStore()
    saver = ItemSaver(world.items, store, clock, delay=0.25, batch=3)
    saver.soon()
    clock.advance(0.2)
    assert store.batches == []
    clock.advance(0.05)
    assert [len(b) for b in store.batches] == [3]
    clock.advance(1.0)
    assert len(store.batches) == 1  # one write at a time
    store.answers[0].callback(3)
    clock.advance(0)
    assert [len(b) for b in store.batches] == [3, 3]
    store.fail_next = True
    store.answers[1].callback(3)
    clock.advance(0)
    assert [len(b) for b in store.batches] == [3, 3, 1]  # failed: given back, first in line
    assert len(world.items.pending) == 1 and saver.failures == 1
    clock.advance(5.0)
    assert [len(b) for b in store.batches] == [3, 3, 1, 1]
    assert store.batches[2] == store.batches[3]


def test_stopping_the_saver_writes_everything_after_the_write_in_progress() -> None:
    world = busy_world()
    clock, store = task.Clock(), FakeStore()
    saver = ItemSaver(world.items, store, clock, batch=2)
    saver.soon()
    clock.advance(1.0)
    stopped = saver.stop()
    assert not stopped.called and len(store.batches) == 1
    store.answers[0].callback(2)
    assert [len(b) for b in store.batches] == [2, 5]
    store.answers[1].callback(5)
    assert stopped.called and world.items.pending == []
    clock.advance(10.0)
    assert len(store.batches) == 2


def test_a_snapshot_of_the_store_never_holds_half_an_operation(db: peewee.Database) -> None:
    """Whatever prefix of the batches reached the store (a crash between two), the ledger
    balances and every stored item is where one operation left it."""
    world = busy_world()
    operations = world.items.take_operations(1000)
    for count in range(1, len(operations) + 1):
        stored.apply_item_batch(db, operations[count - 1:count], NOW)
        assert stored.check_stored_ledger(db).ok, count
    assert json.dumps(sorted(r.id for r in stored.load_items(db).rows)) == json.dumps(sorted(world.items.by_id))


CRASHING_WRITER = r"""
import datetime, random, sys
from emulator.store import items as stored
from emulator.store.database import open_database
from tests.test_items import put, world_with_player

db = open_database(sys.argv[1])
world, player = world_with_player()
rng = random.Random(7)
now = datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC)
written = 0
while True:
    for _ in range(rng.randrange(1, 6)):
        choice = rng.randrange(4)
        ids = sorted(world.items.by_id)
        if choice == 0 or not ids:
            put(world, *rng.choice([("shillings", 50), ("eyes", 5), ("stick", None)]))
        elif choice == 1:
            world.pick_up(player, rng.choice(ids), rng.choice([None, 1, 2]), 1.0)
        elif choice == 2:
            world.drop(player, rng.choice(ids), rng.choice([None, 1, 2]), 1.0)
        elif len(ids) > 1:  # never the last: wherever the kill lands, the store holds items
            world.items.destroy(rng.choice(ids), "tidied", [])
    stored.apply_item_batch(db, world.items.take_operations(1000), now)
    written += 1
    if written == 50:
        print("written", flush=True)
"""


def test_a_kill_9_mid_write_leaves_a_balanced_store(tmp_path) -> None:
    """A writer killed with SIGKILL at a random moment: the store holds whole batches
    only, and the ledger balances."""
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    url = sqlite_url(tmp_path)
    open_database(url).close()
    repo = Path(__file__).resolve().parent.parent
    writer = subprocess.Popen([sys.executable, "-c", CRASHING_WRITER, url], cwd=repo, stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout is not None
        said = writer.stdout.readline().strip()
        assert said == "written", f"the writer stopped before writing 50 batches (said {said!r}, status {writer.poll()})"
        time.sleep(0.3)
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait()
    db = open_database(url)
    try:
        verdict = stored.check_stored_ledger(db)
        assert verdict.ok, verdict.report()
        loaded = stored.load_items(db)
        created = sum(made for made, _ in loaded.totals.values())
        assert len(loaded.rows) > 0 and created > 50, (len(loaded.rows), loaded.totals)
        assert all(row.number is None or row.number > 0 for row in loaded.rows)
    finally:
        db.close()


def test_the_server_stops_its_services_one_after_the_other() -> None:
    """The game's last item writes go to a store that still runs: the store stops only
    once the game has finished stopping (and a failing service does not stop the rest)."""
    from twisted.application.service import Service

    from emulator.tap import ServerServices

    stopped: list[str] = []
    game_done: defer.Deferred[None] = defer.Deferred()

    class Recording(Service):
        def __init__(self, name: str, result: object = None) -> None:
            self.setName(name)
            self.result = result

        def stopService(self) -> object:
            super().stopService()
            stopped.append(self.name)
            if isinstance(self.result, Exception):
                raise self.result
            return self.result

    top = ServerServices()
    for service in (Recording("store"), Recording("game", game_done), Recording("closer", RuntimeError("boom")),
                    Recording("listener")):
        service.setServiceParent(top)
    top.startService()
    done = top.stopService()
    assert stopped == ["listener", "closer", "game"] and not done.called
    game_done.callback(None)
    assert stopped == ["listener", "closer", "game", "store"] and done.called
