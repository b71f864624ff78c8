"""Items, bank balances and their ledger in the store: plain synchronous functions taking an open
database first, run on the store thread or by the operator command.

A batch of operations is written in ONE transaction: the item rows and the bank
balances as the last operation of the batch left them and every ledger entry of the batch. The world hands
over whole operations only, so the store always holds a state the world was in: each
operation is there entirely or not at all, and the ledger balances. Operations carry
sequence numbers and the store keeps the last one applied (same transaction): a batch
sent again, e.g. after a commit whose answer was lost, is not applied twice.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Sequence

import attrs
import peewee

from emulator.store.accounts import _on_database, _to_db
from emulator.store.models import BalanceRecord, Character, ItemJournal, ItemRecord, LedgerRecord
from emulator.world.items import BalanceKey, BalanceRow, ItemAttribute, ItemRow, Operation
from emulator.world.ledger import LedgerVerdict, check_ledger

__all__ = ["StoredItems", "apply_item_batch", "check_stored_ledger", "load_items"]

JOURNAL_KEY = "items"
_CHUNK = 200  # rows per statement: far under SQLite's and MySQL's parameter limits


@attrs.frozen
class StoredItems:
    rows: tuple[ItemRow, ...]
    totals: dict[str, tuple[int, int]]  # per kind: (created, destroyed)
    characters: frozenset[int] | None = None  # the characters that exist (None: not read)
    last_seq: int = 0  # the last operation applied
    balances: tuple[BalanceRow, ...] = ()  # money kept at banks


def _fields(row: ItemRow) -> dict[str, object]:
    return {
        "id": row.id, "kind": row.kind, "number": row.number, "room": row.room, "y": row.y, "x": row.x,
        "angle": row.angle, "carrier": row.carrier, "slot": row.slot, "arrived_ms": row.arrived_ms,
        "used": row.used, "vault": row.vault, "attributes": _attributes_text(row.attributes),
    }


def _attributes_text(attributes: tuple[ItemAttribute, ...]) -> str | None:
    return json.dumps([a.to_json() for a in attributes]) if attributes else None


def _attributes_of(text: str | None) -> tuple[ItemAttribute, ...]:
    return tuple(ItemAttribute.from_json(entry) for entry in json.loads(text)) if text else ()


@_on_database
def apply_item_batch(db: peewee.Database, operations: Sequence[Operation], now: datetime.datetime) -> int:
    """Write whole operations in one transaction (all of them or, on an error, none),
    skipping those applied already; returns how many rows were written or deleted."""
    with db.atomic():
        query = ItemJournal.select().where(ItemJournal.key == JOURNAL_KEY)
        if isinstance(db, peewee.MySQLDatabase):  # SQLite: the transaction holds the write lock already
            query = query.for_update()
        journal = query.first()
        last = journal.last_seq if journal is not None else 0
        fresh = [operation for operation in operations if operation.seq > last]
        if not fresh:
            return 0
        written = _apply(fresh, now)
        ItemJournal.replace(key=JOURNAL_KEY, last_seq=max(operation.seq for operation in fresh)).execute()
    return written


def _apply(operations: Sequence[Operation], now: datetime.datetime) -> int:
    final: dict[int, ItemRow | None] = {}
    balances: dict[BalanceKey, BalanceRow | None] = {}
    for operation in operations:
        for item_id, row in operation.rows:
            final[item_id] = row
        for key, balance in operation.balances:
            balances[key] = balance
    entries = [
        {"kind": entry.kind, "created": entry.created, "destroyed": entry.destroyed, "reason": entry.reason[:32],
         "recorded_at": _to_db(now)}
        for operation in operations for entry in operation.ledger
    ]
    gone = sorted(item_id for item_id, row in final.items() if row is None)
    kept = [_fields(row) for row in final.values() if row is not None]
    for start in range(0, len(gone), _CHUNK):
        ItemRecord.delete().where(ItemRecord.id.in_(gone[start:start + _CHUNK])).execute()
    for start in range(0, len(kept), _CHUNK):
        ItemRecord.replace_many(kept[start:start + _CHUNK]).execute()
    for (bank, character), balance in sorted(balances.items()):
        if balance is None:
            BalanceRecord.delete().where((BalanceRecord.bank == bank) & (BalanceRecord.character == character)).execute()
    kept_balances = [
        {"bank": b.bank, "character": b.character, "kind": b.kind, "amount": b.amount}
        for _, b in sorted(balances.items()) if b is not None
    ]
    for start in range(0, len(kept_balances), _CHUNK):
        BalanceRecord.replace_many(kept_balances[start:start + _CHUNK]).execute()
    for start in range(0, len(entries), _CHUNK):
        LedgerRecord.insert_many(entries[start:start + _CHUNK]).execute()
    return len(final) + len(balances)


@_on_database
def load_items(db: peewee.Database) -> StoredItems:
    """Every item and the ledger's totals, read in one transaction (a consistent pair)."""
    with db.atomic():
        rows = tuple(
            ItemRow(r.id, r.kind, r.number, r.room, r.y, r.x, r.angle, r.carrier, r.slot, r.arrived_ms, bool(r.used),
                    r.vault, _attributes_of(r.attributes))
            for r in ItemRecord.select().order_by(ItemRecord.id)
        )
        query = LedgerRecord.select(
            LedgerRecord.kind, peewee.fn.SUM(LedgerRecord.created).alias("c"), peewee.fn.SUM(LedgerRecord.destroyed).alias("d"),
        ).group_by(LedgerRecord.kind).tuples()
        sums: list[tuple[str, int | None, int | None]] = list(query)  # type: ignore[arg-type]  # .tuples() rows
        totals = {kind: (int(created or 0), int(destroyed or 0)) for kind, created, destroyed in sums}
        characters = frozenset(row.id for row in Character.select(Character.id))
        journal = ItemJournal.get_or_none(ItemJournal.key == JOURNAL_KEY)
        balances = tuple(
            BalanceRow(r.bank, r.character, r.kind, int(r.amount))
            for r in BalanceRecord.select().order_by(BalanceRecord.bank, BalanceRecord.character)
        )
    return StoredItems(rows, totals, characters, journal.last_seq if journal is not None else 0, balances)


def existing_units(rows: Sequence[ItemRow], balances: Sequence[BalanceRow] = ()) -> dict[str, int]:
    """Per kind, the units the store holds: in items and in bank balances."""
    units: dict[str, int] = {}
    for row in rows:
        units[row.kind] = units.get(row.kind, 0) + (1 if row.number is None else row.number)
    for balance in balances:
        units[balance.kind] = units.get(balance.kind, 0) + balance.amount
    return units


@_on_database
def check_stored_ledger(db: peewee.Database) -> LedgerVerdict:
    """The ledger's verdict over what the store holds (bank balances included)."""
    stored = load_items(db)
    return check_ledger(stored.totals, existing_units(stored.rows, stored.balances))
