"""Items and their ledger in the store: plain synchronous functions taking an open
database first, run on the store thread or by the operator command.

A batch of operations is written in ONE transaction: the item rows as the last
operation of the batch left them and every ledger entry of the batch. The world hands
over whole operations only, so the store always holds a state the world was in: each
operation is there entirely or not at all, and the ledger balances.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

import attrs
import peewee

from emulator.store.accounts import _on_database, _to_db
from emulator.store.models import Character, ItemRecord, LedgerRecord
from emulator.world.items import ItemRow, Operation
from emulator.world.ledger import LedgerVerdict, check_ledger

__all__ = ["StoredItems", "apply_item_batch", "check_stored_ledger", "load_items"]

_CHUNK = 200  # rows per statement: far under SQLite's and MySQL's parameter limits


@attrs.frozen
class StoredItems:
    rows: tuple[ItemRow, ...]
    totals: dict[str, tuple[int, int]]  # per kind: (created, destroyed)
    characters: frozenset[int] | None = None  # the characters that exist (None: not read)


def _fields(row: ItemRow) -> dict[str, object]:
    return {
        "id": row.id, "kind": row.kind, "number": row.number, "room": row.room, "y": row.y, "x": row.x,
        "angle": row.angle, "carrier": row.carrier, "slot": row.slot, "arrived_ms": row.arrived_ms,
    }


@_on_database
def apply_item_batch(db: peewee.Database, operations: Sequence[Operation], now: datetime.datetime) -> int:
    """Write whole operations in one transaction (all of them or, on an error, none);
    returns how many rows were written or deleted."""
    final: dict[int, ItemRow | None] = {}
    for operation in operations:
        for item_id, row in operation.rows:
            final[item_id] = row
    entries = [
        {"kind": entry.kind, "created": entry.created, "destroyed": entry.destroyed, "reason": entry.reason[:32],
         "recorded_at": _to_db(now)}
        for operation in operations for entry in operation.ledger
    ]
    gone = sorted(item_id for item_id, row in final.items() if row is None)
    kept = [_fields(row) for row in final.values() if row is not None]
    with db.atomic():
        for start in range(0, len(gone), _CHUNK):
            ItemRecord.delete().where(ItemRecord.id.in_(gone[start:start + _CHUNK])).execute()
        for start in range(0, len(kept), _CHUNK):
            ItemRecord.replace_many(kept[start:start + _CHUNK]).execute()
        for start in range(0, len(entries), _CHUNK):
            LedgerRecord.insert_many(entries[start:start + _CHUNK]).execute()
    return len(final)


@_on_database
def load_items(db: peewee.Database) -> StoredItems:
    """Every item and the ledger's totals, read in one transaction (a consistent pair)."""
    with db.atomic():
        rows = tuple(
            ItemRow(r.id, r.kind, r.number, r.room, r.y, r.x, r.angle, r.carrier, r.slot, r.arrived_ms)
            for r in ItemRecord.select().order_by(ItemRecord.id)
        )
        query = LedgerRecord.select(
            LedgerRecord.kind, peewee.fn.SUM(LedgerRecord.created).alias("c"), peewee.fn.SUM(LedgerRecord.destroyed).alias("d"),
        ).group_by(LedgerRecord.kind).tuples()
        sums: list[tuple[str, int | None, int | None]] = list(query)  # type: ignore[arg-type]  # .tuples() rows
        totals = {kind: (int(created or 0), int(destroyed or 0)) for kind, created, destroyed in sums}
        characters = frozenset(row.id for row in Character.select(Character.id))
    return StoredItems(rows, totals, characters)


def existing_units(rows: Sequence[ItemRow]) -> dict[str, int]:
    units: dict[str, int] = {}
    for row in rows:
        units[row.kind] = units.get(row.kind, 0) + (1 if row.number is None else row.number)
    return units


@_on_database
def check_stored_ledger(db: peewee.Database) -> LedgerVerdict:
    """The ledger's verdict over what the store holds."""
    stored = load_items(db)
    return check_ledger(stored.totals, existing_units(stored.rows))
