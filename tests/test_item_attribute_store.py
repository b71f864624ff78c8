"""Item attributes in the store (schema 10): written with the item's row in the item
operations, read back as they were, their timers running again after a load; a store of
schema 9 gains the column and keeps its items, without attributes."""

from __future__ import annotations

import datetime

import pytest

from emulator.store import items as stored, migrations
from emulator.store.database import open_database
from emulator.world import item_attributes
from emulator.world.items import ItemAttribute, row_of
from emulator.world.world import World
from tests.store_backends import database_url, sqlite_url  # noqa: F401  (fixture)
from tests.test_items import definition, put

NOW = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)


def test_attributes_are_stored_with_their_item_and_end_after_a_load(database_url: str) -> None:  # noqa: F811
    world = World(definition(), seed=1)
    stick = put(world, "stick")
    glow = ItemAttribute(item_attributes.GLOWING, 30, 5000, "glowweapon")
    lasting = ItemAttribute(item_attributes.CURSED, 2, None, "curseweapon")
    assert world.items.set_attribute(stick.object_id, glow) and world.items.set_attribute(stick.object_id, lasting)
    db = open_database(database_url)
    try:
        stored.apply_item_batch(db, world.items.take_operations(100), NOW)
        loaded = stored.load_items(db)
    finally:
        db.close()
    assert [row.attributes for row in loaded.rows] == [(glow, lasting)] and set(loaded.rows) == {row_of(stick)}
    again = World(definition(), seed=1)
    again.load_items(loaded.rows, loaded.totals, last_seq=loaded.last_seq)
    (item,) = again.items
    assert item.attributes == (glow, lasting)
    while again.game_time * 1000 < 4000:
        again.tick(again.game_time + 1.0)
    assert item.attribute(item_attributes.GLOWING) is not None
    while again.game_time * 1000 < 6000:
        again.tick(again.game_time + 1.0)
    assert item.attributes == (lasting,)  # the glow ended on its time, the lasting curse stays
    (operation,) = again.items.take_operations(100)
    assert operation.rows == ((item.object_id, row_of(item)),) and not operation.ledger


def test_a_store_of_schema_9_gains_the_attributes_column(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    with monkeypatch.context() as patched:
        patched.setattr(migrations, "LATEST_VERSION", 9)
        old = open_database(database_url)
    assert migrations.schema_version(old) == 9
    old.execute_sql(
        "INSERT INTO item (id, kind, number, room, y, x, angle, carrier, slot, arrived_ms, used, vault) "
        "VALUES (33554432, 'stick', NULL, 'hall', 352, 352, 0, NULL, 0, 0, 0, NULL)"
    )
    old.close()
    db = open_database(database_url)
    try:
        assert migrations.schema_version(db) == 10
        (row,) = stored.load_items(db).rows
        assert (row.id, row.kind, row.attributes) == (33554432, "stick", ())
    finally:
        db.close()
