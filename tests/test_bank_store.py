"""Bank balances in the store, on every backend: written with the item operations that
move the money (one transaction per batch, all or nothing, once), loaded back into the
world, counted by the ledger and ``m59emu ledger``; a writer killed with SIGKILL while it
deposits and withdraws leaves neither more nor less money than was made."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import peewee
import pytest

from emulator.cli.main import main
from emulator.store import items as stored
from emulator.store.database import open_database
from emulator.store.models import BalanceRecord
from emulator.world.banking import BankCommand
from emulator.world.items import BalanceRow, row_of
from emulator.world.world import World
from tests.store_backends import database_url, sqlite_url  # noqa: F401  (fixture)
from tests.test_bank import definition, with_player

NOW = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def db(database_url: str) -> Iterator[peewee.Database]:  # noqa: F811
    database = open_database(database_url)
    yield database
    database.close()


def banking_world() -> World:
    """Pending operations that pick up coins, deposit twice, withdraw, and empty an account."""
    world, player = with_player(0)
    from tests.test_items import put

    coins = put(world, "shillings", 120)
    world.pick_up(player, coins.object_id, None, 1.0)
    world.bank(player, BankCommand.DEPOSIT, 50)
    world.bank(player, BankCommand.DEPOSIT, 30)
    world.bank(player, BankCommand.WITHDRAW, 20)
    other, _ = world.add_player(2, "P2")
    more = put(world, "shillings", 10)
    world.pick_up(other, more.object_id, None, 1.0)
    world.bank(other, BankCommand.DEPOSIT, 10)
    world.bank(other, BankCommand.WITHDRAW, 10)  # emptied: no row
    return world


def test_balances_are_stored_and_loaded_with_the_items(db: peewee.Database) -> None:
    world = banking_world()
    stored.apply_item_batch(db, world.items.take_operations(1000), NOW)
    loaded = stored.load_items(db)
    assert loaded.balances == (BalanceRow(1, 1, "shillings", 60),)
    assert set(loaded.rows) == {row_of(item) for item in world.items}
    verdict = stored.check_stored_ledger(db)
    assert verdict.ok and [(line.kind, line.created, line.existing) for line in verdict.lines] == [("shillings", 130, 130)]
    again = World(definition(), seed=1)
    again.load_items(loaded.rows, loaded.totals, last_seq=loaded.last_seq, balances=loaded.balances)  # no characters here
    assert again.items.balances == world.items.balances and again.items.pending == []


def test_a_batch_with_balances_is_all_or_nothing_and_applied_once(db: peewee.Database, monkeypatch: pytest.MonkeyPatch) -> None:
    world = banking_world()
    operations = world.items.take_operations(1000)
    stored.apply_item_batch(db, operations[:2], NOW)  # the coins made and picked up
    before = stored.load_items(db)
    original = BalanceRecord.replace_many

    def fail_after_the_items(*args: object, **kwargs: object) -> object:
        assert db.in_transaction()  # the item rows are written, in the transaction that now fails
        raise peewee.OperationalError("injected failure")

    monkeypatch.setattr(BalanceRecord, "replace_many", fail_after_the_items)
    with pytest.raises(peewee.OperationalError, match="injected"):
        stored.apply_item_batch(db, operations[2:], NOW)
    assert stored.load_items(db) == before and stored.check_stored_ledger(db).ok
    monkeypatch.setattr(BalanceRecord, "replace_many", original)
    stored.apply_item_batch(db, operations[2:], NOW)
    assert stored.apply_item_batch(db, operations, NOW) == 0  # sent again: nothing twice
    assert stored.load_items(db).balances == (BalanceRow(1, 1, "shillings", 60),)
    assert stored.check_stored_ledger(db).ok


def test_every_prefix_of_the_operations_balances(db: peewee.Database) -> None:
    """A crash between any two batches: the stored money is what was made."""
    world = banking_world()
    for operation in world.items.take_operations(1000):
        stored.apply_item_batch(db, [operation], NOW)
        assert stored.check_stored_ledger(db).ok, operation


def test_the_ledger_command_counts_balances_and_finds_a_tampered_one(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    url = sqlite_url(tmp_path)
    db = open_database(url)
    stored.apply_item_batch(db, banking_world().items.take_operations(1000), NOW)
    db.close()
    assert main(["ledger", "--database", url]) == 0
    assert "shillings  130      0          130" in capsys.readouterr().out
    db = open_database(url)
    BalanceRecord.update(amount=BalanceRecord.amount + 5).execute()  # money from nowhere
    db.close()
    assert main(["ledger", "--database", url]) == 1
    assert "MISMATCH in 1 kind(s): shillings" in capsys.readouterr().out


CRASHING_BANKER = r"""
import datetime, random, sys
from emulator.store import items as stored
from emulator.store.database import open_database
from emulator.world.banking import BankCommand
from tests.test_bank import with_player
from tests.test_items import put

db = open_database(sys.argv[1])
world, player = with_player(0)
keeper = next(t.object_id for t in world.room_objects("hall") if t.kind == "vault_keeper")
rng = random.Random(11)
now = datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC)
written = 0
while True:
    for _ in range(rng.randrange(1, 8)):
        choice = rng.randrange(7)
        if choice == 0:
            coins = put(world, "shillings", rng.randrange(1, 200))
            world.pick_up(player, coins.object_id, None, 1.0)
            found = put(world, *rng.choice([("stick", None), ("eyes", rng.randrange(1, 30))]))
            world.pick_up(player, found.object_id, None, 1.0)
        elif choice == 5 and world.carried(player):
            item = rng.choice(world.carried(player))
            world.vault_deposit(player, keeper, [(item.object_id, rng.choice([None, 1, 3]))])
        elif choice == 6 and len(world.items.box(1, 1)) > 1:
            # never the last stored item, nor the whole balance below: whenever the kill
            # lands after the first 50 batches, the store has both to check
            item = rng.choice(world.items.box(1, 1))
            world.vault_withdraw(player, keeper, [(item.object_id, rng.choice([None, 1, 2]))])
        elif choice == 1:
            world.bank(player, BankCommand.DEPOSIT, rng.randrange(1, 150))
        elif choice == 2:
            wanted = rng.randrange(1, 150)
            if wanted < world.items.balance_of(1, 1):
                world.bank(player, BankCommand.WITHDRAW, wanted)
        elif choice == 3 and world.carried(player):
            world.drop(player, world.carried(player)[0].object_id, rng.choice([None, 1, 7]), 1.0)
        elif world.items.on_ground("hall"):
            world.items.destroy(world.items.on_ground("hall")[0].object_id, "tidied", [])
    stored.apply_item_batch(db, world.items.take_operations(1000), now)
    written += 1
    if written == 50:
        assert world.items.balance_of(1, 1) > 0 and world.items.box(1, 1), "50 batches without banking"
        print("written", flush=True)
"""


def test_a_kill_9_while_banking_neither_makes_nor_loses_money(tmp_path) -> None:
    """A writer that deposits and withdraws, stores items in a vault and takes them back,
    killed with SIGKILL at a random moment: the store's items, stored items and balances
    add up to what the ledger says was made and not destroyed."""
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    url = sqlite_url(tmp_path)
    open_database(url).close()
    repo = Path(__file__).resolve().parent.parent
    writer = subprocess.Popen([sys.executable, "-c", CRASHING_BANKER, url], cwd=repo, stdout=subprocess.PIPE, text=True)
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
        assert loaded.balances and all(balance.amount > 0 for balance in loaded.balances)
        assert any(row.vault is not None for row in loaded.rows)
    finally:
        db.close()


def test_stored_items_are_kept_in_the_store_and_counted(db: peewee.Database) -> None:
    from tests.test_vaults import carry, keeper_of

    world, player = with_player(0)
    keeper = keeper_of(world)
    carry(world, player, "shillings", 200)
    stick = carry(world, player, "stick")
    eyes = carry(world, player, "eyes", 9)
    world.vault_deposit(player, keeper, [(stick, None), (eyes, 4)])
    stored.apply_item_batch(db, world.items.take_operations(1000), NOW)
    loaded = stored.load_items(db)
    in_vault = {(row.kind, row.number, row.carrier, row.vault, row.room) for row in loaded.rows if row.vault is not None}
    assert in_vault == {("stick", None, 1, 1, None), ("eyes", 4, 1, 1, None)}
    verdict = stored.check_stored_ledger(db)
    assert verdict.ok, verdict.report()
    again = World(definition(), seed=1)
    again.load_items(loaded.rows, loaded.totals, last_seq=loaded.last_seq, balances=loaded.balances)
    assert [(i.kind, i.number) for i in again.items.box(1, 1)] == [("stick", None), ("eyes", 4)]
    assert again.items.existing_units() == world.items.existing_units() and again.items.pending == []
    # taken back: out of the vault in the store too
    world.vault_withdraw(player, keeper, [(stick, None)])
    stored.apply_item_batch(db, world.items.take_operations(1000), NOW)
    assert {row.id: row.vault for row in stored.load_items(db).rows}[stick] is None
    assert stored.check_stored_ledger(db).ok
