"""The spellbook in the store, on every backend: chosen at creation, replaced by each
save, read back at entry, gone with its character, and migrated onto an older store."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import peewee
import pytest

from emulator import auth
from emulator.store import accounts, characters, migrations
from emulator.store.characters import CharacterState
from emulator.store.database import open_database
from tests.store_backends import database_url  # noqa: F401  (fixture)

NOW = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)
ATTRIBUTES = {"might": 25, "intellect": 25, "stamina": 25, "agility": 25, "mysticism": 25, "aim": 25}


@pytest.fixture
def db(database_url: str) -> Iterator[peewee.Database]:  # noqa: F811
    database = open_database(database_url)
    yield database
    database.close()


def _slot(db: peewee.Database, account: str = "bob", name: str = "Slot") -> characters.CharacterRecord:
    accounts.create_account(db, account, "pw", now=NOW, cost=auth.TEST_COST)
    return characters.create_character(db, account, name, ready=False, now=NOW)


def test_creation_keeps_the_chosen_spellbook_and_karma(db) -> None:
    slot = _slot(db)
    made = characters.customise_character(
        db, slot.id, slot.account_id, "Alanna", "", 2, ATTRIBUTES,
        spells={"blink": 9, "heal": 12}, skills={"punch": 7}, karma=20,
    )
    assert made.spells == {"blink": 9, "heal": 12} and made.skills == {"punch": 7} and made.karma == 20
    assert characters.get_character(db, slot.id) == made
    assert characters.find_character(db, "alanna") == made
    # the character list does not read spellbooks
    (listed,) = characters.list_characters(db, slot.account_id)
    assert listed.spells == {} and listed.id == made.id


def test_each_save_replaces_the_spellbook_and_none_keeps_it(db) -> None:
    slot = _slot(db)
    characters.customise_character(db, slot.id, slot.account_id, "Alanna", "", 2, ATTRIBUTES, spells={"blink": 9})
    learnt = CharacterState(slot.id, "jasperinn", 64, 64, 0, 20, 10, 200, spells=(("blink", 10), ("sweep", 14)),
                            skills=(("punch", 3),))
    characters.save_characters(db, [learnt], NOW)
    record = characters.get_character(db, slot.id)
    assert record.spells == {"blink": 10, "sweep": 14} and record.skills == {"punch": 3}
    characters.save_characters(db, [CharacterState(slot.id, "jasperinn", 64, 64, 0, 20, 10, 200)], NOW)
    assert characters.get_character(db, slot.id).spells == {"blink": 10, "sweep": 14}
    characters.save_characters(db, [CharacterState(slot.id, "jasperinn", 64, 64, 0, 20, 10, 200, spells=())], NOW)
    record = characters.get_character(db, slot.id)
    assert record.spells == {} and record.skills == {"punch": 3}


def test_a_deleted_character_takes_its_spellbook(db) -> None:
    slot = _slot(db)
    characters.customise_character(db, slot.id, slot.account_id, "Alanna", "", 2, ATTRIBUTES, spells={"blink": 9})
    assert characters.delete_character(db, slot.id, slot.account_id)
    other = _slot(db, "carol", "Other")
    made = characters.customise_character(db, other.id, other.account_id, "Bors", "", 1, ATTRIBUTES)
    assert made.spells == {} and made.skills == {}
    from emulator.store.models import SpellbookRecord

    assert SpellbookRecord.select().where(SpellbookRecord.character == slot.id).count() == 0


def test_the_spellbook_table_joins_an_older_store(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    with monkeypatch.context() as version_8:
        version_8.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:8])
        version_8.setattr(migrations, "LATEST_VERSION", 8)
        old = open_database(database_url)
        assert migrations.schema_version(old) == 8 and "spellbook" not in old.get_tables()
        slot = _slot(old)
        old.close()
    db = open_database(database_url)
    try:
        assert migrations.schema_version(db) == migrations.LATEST_VERSION == 10
        record = characters.get_character(db, slot.id)
        assert record.spells == {} and record.skills == {}
        characters.save_characters(db, [CharacterState(slot.id, None, 0, 0, 0, 20, 10, 200, spells=(("zap", 5),))], NOW)
        assert characters.get_character(db, slot.id).spells == {"zap": 5}
    finally:
        db.close()
