"""A character's enchantments in the store, on every backend (schema 8): saved with the
character in the same batch, in order, with their time left, state and effect; replaced
by the next save that carries them, left alone by one that does not; gone with the
character; and a player's enchantment through the world, the save and back."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import peewee
import pytest

from emulator.store import characters
from emulator.store.characters import CharacterState
from emulator.store.database import open_database
from emulator.store.models import EnchantmentRecord
from emulator.world.enchantments import Effect
from tests.store_backends import database_url  # noqa: F401  (fixture)
from tests.test_characters import account, create
from tests.test_enchantments import STRENGTH, make_world, ticks

NOW = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def db(database_url: str) -> Iterator[peewee.Database]:  # noqa: F811
    database = open_database(database_url)
    yield database
    database.close()


def state(character_id: int, enchantments: tuple[dict, ...] | None) -> CharacterState:
    return CharacterState(character_id, None, 0, 0, 0, 20, 10, 200, enchantments=enchantments)


def test_enchantments_are_saved_with_the_character_replaced_and_deleted(db: peewee.Database) -> None:
    account(db, "bob")
    record = create(db, "Zandramas", "bob")
    other = create(db, "Belgarath", "bob")
    assert record.enchantments == ()
    kept = (
        {"spell": "strength", "remaining_ms": 6000, "state": 5, "effect": Effect({"might": 5}).to_json(), "harmful": False},
        {"spell": "light", "remaining_ms": None, "state": None, "effect": Effect(flags={"lit"}, shown=False).to_json(),
         "harmful": False},
    )
    assert characters.save_characters(db, [state(record.id, kept), state(other.id, kept[:1])], NOW) == []
    assert characters.get_character(db, record.id).enchantments == kept
    assert characters.save_characters(db, [state(record.id, None)], NOW) == []  # None: as they were
    assert characters.get_character(db, record.id).enchantments == kept
    assert characters.save_characters(db, [state(record.id, kept[1:])], NOW) == []
    assert characters.get_character(db, record.id).enchantments == kept[1:]
    assert characters.delete_character(db, record.id, record.account_id)
    with db.bind_ctx([EnchantmentRecord]):
        assert [row.spell for row in EnchantmentRecord.select()] == ["strength"]  # the other character's
    assert characters.get_character(db, other.id).enchantments == kept[:1]


def test_a_player_enchantment_goes_through_the_store_and_back_into_the_world(db: peewee.Database) -> None:
    account(db, "bob")
    record = create(db, "Zandramas", "bob")
    world = make_world()
    me, _ = world.add_player(record.id, "Zandramas")
    world.enchant(me, "strength", 10_000, STRENGTH, state=5, caster_id=me)
    world.enchant(me, "curse", 20_000, Effect({"aim": -2}))
    ticks(world, 3)
    player = world.player(me)
    world.remove_player(me, world.game_time)
    assert characters.save_characters(db, [state(record.id, player.enchantments_left)], NOW) == []
    loaded = characters.get_character(db, record.id).enchantments
    again = make_world()
    me, _ = again.add_player(record.id, "Zandramas", enchantments=loaded)
    now_ms = round(again.game_time * 1000)
    assert [(e.spell, e.remaining_ms(now_ms), e.state, e.harmful) for e in again.enchantments_of(me)] == [
        ("curse", 20_000, None, True), ("strength", 7000, 5, False),  # a harmful one 3 s more
    ]
    assert again.enchantment_modifier(me, "might") == 5 and again.enchantment_modifier(me, "aim") == -2
