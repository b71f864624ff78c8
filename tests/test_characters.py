"""Characters, the world snapshot and resource ids on every backend."""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import peewee
import pytest

from emulator import auth
from emulator.store import accounts, characters, migrations, models
from emulator.store.characters import CharacterState
from emulator.store.database import open_database
from tests.store_backends import database_url  # noqa: F401  (fixture)

REPO = Path(__file__).resolve().parents[1]
NOW = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)
LATER = NOW + datetime.timedelta(minutes=5)
ATTRIBUTES = {"might": 50, "intellect": 10, "stamina": 30, "agility": 20, "mysticism": 15, "aim": 25}


@pytest.fixture
def db(database_url: str) -> Iterator[peewee.Database]:  # noqa: F811
    database = open_database(database_url)
    yield database
    database.close()


def account(db: peewee.Database, name: str = "bob") -> accounts.AccountInfo:
    return accounts.create_account(db, name, "pw", now=NOW, cost=auth.TEST_COST)


def create(db: peewee.Database, name: str = "Zandramas", account_name: str = "bob", **kwargs) -> characters.CharacterRecord:
    return characters.create_character(db, account_name, name, now=NOW, **kwargs)


def test_ready_character_has_default_stats(db) -> None:
    owner = account(db, "Bob")
    record = create(db)
    assert (record.account_id, record.account_name, record.name) == (owner.id, "Bob", "Zandramas")
    assert not record.first_time and record.room is None and record.created_at == NOW
    assert (record.health, record.max_health, record.mana, record.max_mana, record.vigor, record.karma) == (20, 20, 10, 10, 200, 0)
    assert record.attributes == dict.fromkeys(characters.ATTRIBUTES, 25)
    assert sum(record.attributes.values()) == characters.ATTRIBUTE_TOTAL
    assert characters.get_character(db, record.id) == record
    assert characters.find_character(db, "ZANDRAMAS") == record


def test_first_time_slot(db) -> None:
    account(db)
    record = create(db, ready=False, gender=characters.FEMALE)
    assert record.first_time and record.gender == characters.FEMALE


@pytest.mark.parametrize("other", ["zandramas", "ZANDRAMAS", "Zandramas"])
def test_names_are_unique_ignoring_case_across_accounts(db, other: str) -> None:
    account(db, "bob")
    account(db, "ann")
    create(db, "Zandramas", "bob")
    with pytest.raises(characters.CharacterExists):
        create(db, other, "ann")


def test_unknown_account(db) -> None:
    with pytest.raises(accounts.NoSuchAccount):
        create(db, account_name="nobody")


@pytest.mark.parametrize(
    "name",
    [
        "ab",  # too short
        "a" * 31,  # too long
        "é" * 31,  # 31 latin-1 bytes
        " Bob", "Bob ", "Bo  b",  # spaces
        "Bob\t", "Bob\n", "Bo%b", "Bo#b", "Bo\"b", "Bo,b", "Bo.b", "Bo-b", "Bo~b",  # punctuation not allowed
        "Ωmega", "Bob€",  # outside latin-1
        "123", "!!!",  # no letter
        "Admin", "GUEST", "dm", "Gm", "moderator",  # reserved
    ],
)
def test_invalid_names(db, name: str) -> None:
    account(db)
    with pytest.raises(characters.InvalidCharacterName):
        create(db, name)
    assert characters.list_characters(db, accounts.get_account(db, "bob").id) == []


@pytest.mark.parametrize("name", ["Bob", "a" * 30, "Sir Bob the Bold", "O'Neil", "x_X", "[Bob]", "Bob!@$^&*()+=:{};/?|<>", "Ågot 2", "é" * 30])
def test_valid_names(name: str) -> None:
    assert characters.validate_character_name(name) == name


def test_world_names_reserved_by_the_caller(db) -> None:
    account(db)
    with pytest.raises(characters.InvalidCharacterName, match="reserved"):
        create(db, "frisconar", reserved=["Frisconar"])
    assert create(db, "Frisconar2", reserved=["Frisconar"]).name == "Frisconar2"


def test_error_reason() -> None:
    with pytest.raises(characters.InvalidCharacterName) as error:
        characters.validate_character_name("ab")
    assert error.value.reason == str(error.value) and "3 to 30 bytes" in error.value.reason


def customise(db, record: characters.CharacterRecord, name: str = "Tharn", **kwargs) -> characters.CharacterRecord:
    arguments = {"description": "A tall elf.", "gender": characters.FEMALE, "attributes": ATTRIBUTES} | kwargs
    return characters.customise_character(db, record.id, record.account_id, name, **arguments)


def test_customise_once(db) -> None:
    account(db)
    slot = create(db, "Newbie", ready=False)
    made = customise(db, slot, appearance={"head": 3, "hair": 7})
    assert not made.first_time and made.name == "Tharn" and made.description == "A tall elf."
    assert made.gender == characters.FEMALE and made.attributes == ATTRIBUTES
    assert made.appearance == {"head": 3, "hair": 7}
    assert characters.find_character(db, "Newbie") is None
    with pytest.raises(characters.CharacterAlreadyMade):
        customise(db, made, "Other")
    ready = create(db, "Ready")
    with pytest.raises(characters.CharacterAlreadyMade):
        customise(db, ready, "Other")


def test_customise_may_keep_its_own_name_in_another_case(db) -> None:
    account(db)
    slot = create(db, "Newbie", ready=False)
    assert customise(db, slot, "NEWBIE").name == "NEWBIE"


def test_customise_name_checks(db) -> None:
    account(db)
    create(db, "Taken")
    slot = create(db, "Newbie", ready=False)
    with pytest.raises(characters.CharacterExists):
        customise(db, slot, "taken")
    with pytest.raises(characters.InvalidCharacterName):
        customise(db, slot, "Orc Boss", reserved=["orc boss"])
    with pytest.raises(characters.InvalidCharacterName):
        customise(db, slot, "x")
    assert characters.get_character(db, slot.id) == slot  # nothing changed


@pytest.mark.parametrize(
    "change",
    [
        {"gender": 3},
        {"description": "x" * (characters.DESCRIPTION_MAX_CHARS + 1)},
        {"attributes": dict.fromkeys(characters.ATTRIBUTES, 26)},  # total 156
        {"attributes": ATTRIBUTES | {"might": 51, "aim": 24}},  # over 50
        {"attributes": ATTRIBUTES | {"intellect": 0, "aim": 35}},  # under 1
        {"attributes": {k: v for k, v in ATTRIBUTES.items() if k != "aim"}},  # missing one
        {"attributes": ATTRIBUTES | {"luck": 0}},  # unknown one
    ],
)
def test_customise_refuses_bad_choices(db, change: dict) -> None:
    account(db)
    slot = create(db, "Newbie", ready=False)
    with pytest.raises(characters.InvalidCharacter):
        customise(db, slot, **change)
    assert characters.get_character(db, slot.id).first_time


def test_customise_only_on_the_owners_account(db) -> None:
    account(db, "bob")
    other = account(db, "ann")
    slot = create(db, "Newbie", ready=False)
    with pytest.raises(characters.NoSuchCharacter):
        characters.customise_character(db, slot.id, other.id, "Tharn", "", 1, ATTRIBUTES)
    with pytest.raises(characters.NoSuchCharacter):
        characters.customise_character(db, 999_999, slot.account_id, "Tharn", "", 1, ATTRIBUTES)


def test_list_per_account(db) -> None:
    bob = account(db, "bob")
    ann = account(db, "ann")
    create(db, "First", "bob")
    create(db, "Second", "bob", ready=False)
    create(db, "Hers", "ann")
    assert [c.name for c in characters.list_characters(db, bob.id)] == ["First", "Second"]
    assert [c.name for c in characters.list_characters(db, ann.id)] == ["Hers"]
    assert characters.list_characters(db, 999_999) == []


def test_delete(db) -> None:
    bob = account(db, "bob")
    ann = account(db, "ann")
    record = create(db)
    assert not characters.delete_character(db, record.id, ann.id)  # not hers
    assert characters.delete_character(db, record.id, bob.id)
    assert not characters.delete_character(db, record.id, bob.id)
    with pytest.raises(characters.NoSuchCharacter):
        characters.get_character(db, record.id)
    assert create(db).name == "Zandramas"  # the name is free again


def test_deleting_the_account_deletes_its_characters(db) -> None:
    account(db)
    record = create(db)
    accounts.delete_account(db, "bob")
    with pytest.raises(characters.NoSuchCharacter):
        characters.get_character(db, record.id)


def test_save_batch(db) -> None:
    account(db)
    one, two = create(db, "One"), create(db, "Two")
    missing = characters.save_characters(
        db,
        [
            CharacterState(one.id, "RID_TOS", 1024, 2048, 3000, 15, 4, 150),
            CharacterState(two.id, "RID_BARLOQUE", -5, 7, 0, 1, 0, 0),
            CharacterState(999_999, "RID_TOS", 0, 0, 0, 1, 1, 1),  # deleted meanwhile: skipped
        ],
        LATER,
    )
    assert missing == [999_999]
    saved = characters.get_character(db, one.id)
    assert (saved.room, saved.y, saved.x, saved.angle, saved.health, saved.mana, saved.vigor) == ("RID_TOS", 1024, 2048, 3000, 15, 4, 150)
    assert saved.last_saved_at == LATER and saved.max_health == 20
    assert characters.get_character(db, two.id).room == "RID_BARLOQUE"
    # The same state at the same time again: MySQL changes no row, which is not an error.
    assert characters.save_characters(db, [CharacterState(two.id, "RID_BARLOQUE", -5, 7, 0, 1, 0, 0)], LATER) == []
    assert characters.save_characters(db, [], LATER) == []


def test_karma_and_max_health_are_saved_when_given(db) -> None:
    """What combat changes (karma from kills, max health) survives a restart."""
    account(db)
    one = create(db, "One")
    characters.save_characters(db, [CharacterState(one.id, "RID_TOS", 64, 64, 0, 25, 4, 150, max_health=27, karma=-3)], LATER)
    saved = characters.get_character(db, one.id)
    assert (saved.health, saved.max_health, saved.karma) == (25, 27, -3)
    characters.save_characters(db, [CharacterState(one.id, "RID_TOS", 64, 64, 0, 26, 4, 150)], LATER)  # not given: kept
    saved = characters.get_character(db, one.id)
    assert (saved.health, saved.max_health, saved.karma) == (26, 27, -3)


def test_what_a_character_keeps_over_fights_and_deaths_is_saved_when_given(db) -> None:
    """Base max health, karma's hundredths, the gain chance, a death cost still to pay and
    the tutorial and safety flags survive a restart; a new character starts without them."""
    account(db)
    one = create(db, "One")
    assert (one.base_max_health, one.karma_fraction, one.gain_chance, one.death_cost) == (20, 0, 0, 0)
    assert (one.past_tutorial, one.safety, one.outlaw, one.murderer) == (False, True, False, False)
    state = CharacterState(
        one.id, "underworld", 64, 64, 0, 1, 1, 50, max_health=41, karma=-3, base_max_health=40, karma_fraction=-57,
        gain_chance=-23, death_cost=100, past_tutorial=True, safety=False, outlaw=True, murderer=True,
    )
    characters.save_characters(db, [state], LATER)
    saved = characters.get_character(db, one.id)
    kept = (saved.max_health, saved.base_max_health, saved.karma, saved.karma_fraction, saved.gain_chance)
    assert kept == (41, 40, -3, -57, -23)
    assert (saved.death_cost, saved.past_tutorial, saved.safety, saved.room) == (100, True, False, "underworld")
    characters.save_characters(db, [CharacterState(one.id, "town", 64, 64, 0, 30, 4, 150)], LATER)  # not given: kept
    again = characters.get_character(db, one.id)
    assert (again.base_max_health, again.karma_fraction, again.gain_chance, again.death_cost) == (40, -57, -23, 100)
    assert (again.past_tutorial, again.safety, again.outlaw, again.murderer) == (True, False, True, True)


def test_migration_to_version_3_keeps_characters(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    """Characters saved before schema 3 get their max health as base and, from 30 on,
    count as past the tutorial."""
    with monkeypatch.context() as version_2:
        version_2.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:2])
        version_2.setattr(migrations, "LATEST_VERSION", 2)
        old = open_database(database_url)
        account(old, "Bob")
        bob = old.execute_sql("SELECT id FROM account").fetchone()[0]
        columns = "account_id, name, name_key, first_time, description, gender, room, y, x, angle, health, " \
            "max_health, mana, max_mana, vigor, might, intellect, stamina, agility, mysticism, aim, karma, created_at"
        for name, max_health in (("Novice", 20), ("Veteran", 45)):
            old.execute_sql(
                f"INSERT INTO player_character ({columns}) VALUES "
                f"({bob}, '{name}', '{name.lower()}', 0, '', 1, NULL, 0, 0, 0, 5, {max_health}, 10, 10, 200, "
                "25, 25, 25, 25, 25, 25, 7, '2026-03-01 12:00:00')"
            )
        old.close()
    db = open_database(database_url)
    try:
        assert migrations.schema_version(db) == migrations.LATEST_VERSION
        by_name = {c.name: c for c in characters.list_characters(db, bob)}
        novice, veteran = by_name["Novice"], by_name["Veteran"]
        assert (novice.base_max_health, novice.past_tutorial) == (20, False)
        assert (veteran.base_max_health, veteran.past_tutorial, veteran.max_health) == (45, True, 45)
        assert (veteran.karma, veteran.karma_fraction, veteran.gain_chance, veteran.death_cost, veteran.safety) == (
            7, 0, 0, 0, True
        )
        assert (veteran.outlaw, veteran.murderer) == (False, False)  # schema 4: no brands before
    finally:
        db.close()


def test_failing_batch_saves_nothing(db, monkeypatch: pytest.MonkeyPatch) -> None:
    account(db)
    one, two = create(db, "One"), create(db, "Two")
    real_update = models.Character.update
    calls = []

    def failing_update(*args, **kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise peewee.OperationalError("disk full")
        return real_update(*args, **kwargs)

    monkeypatch.setattr(models.Character, "update", failing_update)
    with pytest.raises(peewee.OperationalError):
        characters.save_characters(
            db,
            [CharacterState(one.id, "RID_TOS", 1, 2, 3, 4, 5, 6), CharacterState(two.id, "RID_TOS", 1, 2, 3, 4, 5, 6)],
            LATER,
        )
    monkeypatch.undo()
    assert len(calls) == 2
    assert characters.get_character(db, one.id) == one  # the first update was rolled back
    assert characters.get_character(db, two.id) == two


def test_overlong_room_key_refused_before_saving(db) -> None:
    account(db)
    one = create(db, "One")
    with pytest.raises(characters.InvalidCharacter):
        characters.save_characters(db, [CharacterState(one.id, "R" * 101, 0, 0, 0, 1, 1, 1)], LATER)


def test_record_play(db) -> None:
    account(db)
    record = create(db)
    characters.record_play(db, record.id, LATER)
    assert characters.get_character(db, record.id).last_played_at == LATER


def test_world_state_round_trip(db) -> None:
    assert characters.load_world_state(db) is None
    assert characters.world_state_saved_at(db) is None
    snapshot = {"tick": 12, "rooms": {"RID_TOS": {"objects": [1, 2, 3]}}, "name": "Tos é"}
    characters.save_world_state(db, snapshot, NOW)
    assert characters.load_world_state(db) == snapshot
    big = {"blob": "x" * 200_000, "tick": 13}  # past MySQL TEXT's 64 KiB
    characters.save_world_state(db, big, LATER)
    characters.save_world_state(db, big, LATER)  # the same row again is fine
    assert characters.load_world_state(db) == big
    assert characters.world_state_saved_at(db) == LATER
    assert db.execute_sql("SELECT COUNT(*) FROM world_state").fetchone()[0] == 1


def test_unserialisable_world_state_keeps_the_old_one(db) -> None:
    characters.save_world_state(db, {"tick": 1}, NOW)
    with pytest.raises(ValueError):
        characters.save_world_state(db, {"tick": float("nan")}, LATER)
    assert characters.load_world_state(db) == {"tick": 1}


def test_resource_ids_are_stable(db) -> None:
    long_text = "You see a " + "very " * 80 + "long description é€."
    first = characters.assign_resource_ids(db, ["a", "b", "a", long_text], 10_000)
    assert first == {"a": 10_000, "b": 10_001, long_text: 10_002}
    again = characters.assign_resource_ids(db, [long_text, "c", "b"], 10_000)
    assert again == {long_text: 10_002, "c": 10_003, "b": 10_001}
    assert characters.assign_resource_ids(db, [], 10_000) == {}
    # A higher first_id starts new ids there; a lower one never reuses ids.
    assert characters.assign_resource_ids(db, ["d", "a"], 20_000) == {"d": 20_000, "a": 10_000}
    assert characters.assign_resource_ids(db, ["e"], 1) == {"e": 20_001}


def test_resource_ids_are_distinct_for_case_and_accents(db) -> None:
    ids = characters.assign_resource_ids(db, ["Tos", "tos", "Tös"], 1)
    assert sorted(ids.values()) == [1, 2, 3]


def test_many_resource_ids_in_one_call(db) -> None:
    texts = [f"text {n}" for n in range(1200)]
    ids = characters.assign_resource_ids(db, texts, 5)
    assert [ids[text] for text in texts] == list(range(5, 1205))
    assert characters.assign_resource_ids(db, reversed(texts), 5) == ids


def test_resource_ids_stable_across_processes(database_url: str) -> None:  # noqa: F811
    script = (
        "import json, sys\n"
        "from emulator.store import characters, open_database\n"
        "db = open_database(sys.argv[1])\n"
        "print(json.dumps(characters.assign_resource_ids(db, sys.argv[2:], 100)))\n"
        "db.close()\n"
    )

    def in_a_process(*texts: str) -> dict[str, int]:
        done = subprocess.run(
            [sys.executable, "-c", script, database_url, *texts], cwd=REPO, capture_output=True, text=True, check=True
        )
        return json.loads(done.stdout)

    assert in_a_process("hello", "world") == {"hello": 100, "world": 101}
    assert in_a_process("world", "again", "hello") == {"world": 101, "again": 102, "hello": 100}
    db = open_database(database_url)
    try:
        assert characters.assign_resource_ids(db, ["again", "new"], 100) == {"again": 102, "new": 103}
    finally:
        db.close()


def test_migration_from_version_1(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    with monkeypatch.context() as version_1:
        version_1.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:1])
        version_1.setattr(migrations, "LATEST_VERSION", 1)
        old = open_database(database_url)
        assert migrations.schema_version(old) == 1
        assert "player_character" not in old.get_tables()
        account(old, "Bob")
        old.close()
    db = open_database(database_url)
    try:
        assert migrations.schema_version(db) == migrations.LATEST_VERSION == 10
        assert {"player_character", "world_state", "resource_name", "item", "item_ledger", "bank_balance", "character_enchantment",
                "spellbook"} <= set(db.get_tables())
        assert [a.name for a in accounts.list_accounts(db)] == ["Bob"]
        assert create(db, "Newcomer", "bob").account_name == "Bob"
    finally:
        db.close()
