"""Schema migrations: an ordered list of steps, applied on open, each recorded in ``schema_version``.

Each step declares the tables as they were at that version instead of using ``models``: when a later
step alters a table, replaying step 1 on a fresh database must still build the old shape.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Callable, Iterator

import peewee

Migration = Callable[[peewee.Database], None]


class SchemaTooNew(RuntimeError):
    """The database was migrated by a newer m59emu."""


def _table_settings(database: peewee.Database) -> list[str]:
    # utf8mb4_bin: compare name_key exactly; a *_ci collation would also fold accents ("José" = "Jose").
    if isinstance(database, peewee.MySQLDatabase):
        return ["ENGINE=InnoDB", "DEFAULT CHARSET=utf8mb4", "COLLATE=utf8mb4_bin"]
    return []


class _SchemaVersionColumns(peewee.Model):
    """The columns of ``schema_version``; ``_version_model`` gives it a table and a database."""

    version = peewee.IntegerField(primary_key=True)
    applied_at = peewee.DateTimeField()


def _version_model(database: peewee.Database) -> type[_SchemaVersionColumns]:
    class SchemaVersion(_SchemaVersionColumns):
        class Meta:
            table_name = "schema_version"
            table_settings = _table_settings(database)

    SchemaVersion.bind(database)
    return SchemaVersion


def _v1_accounts_and_logins(database: peewee.Database) -> None:
    class Meta:
        table_settings = _table_settings(database)

    class Account(peewee.Model):
        name = peewee.CharField(max_length=64)
        name_key = peewee.CharField(max_length=64, unique=True)
        password_hash = peewee.CharField(max_length=255)
        admin_level = peewee.IntegerField(default=0)
        created_at = peewee.DateTimeField()
        last_login_at = peewee.DateTimeField(null=True)
        last_login_address = peewee.CharField(max_length=64, null=True)
        banned = peewee.BooleanField(default=False)
        banned_until = peewee.DateTimeField(null=True)
        ban_reason = peewee.CharField(max_length=255, null=True)

        class Meta:
            table_name = "account"
            table_settings = _table_settings(database)

    class LoginRecord(peewee.Model):
        account = peewee.ForeignKeyField(Account, null=True, on_delete="SET NULL")
        name_tried = peewee.CharField(max_length=64)
        address = peewee.CharField(max_length=64)
        time = peewee.DateTimeField(index=True)
        success = peewee.BooleanField()
        outcome = peewee.CharField(max_length=16)

        class Meta:
            table_name = "login_record"
            table_settings = _table_settings(database)

    database.bind([Account, LoginRecord])
    database.create_tables([Account, LoginRecord])


def _v2_characters_world_and_resources(database: peewee.Database) -> None:
    class Account(peewee.Model):  # only the key, for the foreign key; the table exists since step 1
        class Meta:
            table_name = "account"

    class LongTextField(peewee.TextField):
        field_type = "LONGTEXT"

    class Character(peewee.Model):
        account = peewee.ForeignKeyField(Account, on_delete="CASCADE")
        name = peewee.CharField(max_length=64)
        name_key = peewee.CharField(max_length=64, unique=True)
        first_time = peewee.BooleanField()
        description = peewee.TextField()
        gender = peewee.SmallIntegerField()
        appearance = peewee.TextField(null=True)
        room = peewee.CharField(max_length=100, null=True)
        y = peewee.IntegerField()
        x = peewee.IntegerField()
        angle = peewee.IntegerField()
        health = peewee.IntegerField()
        max_health = peewee.IntegerField()
        mana = peewee.IntegerField()
        max_mana = peewee.IntegerField()
        vigor = peewee.IntegerField()
        might = peewee.SmallIntegerField()
        intellect = peewee.SmallIntegerField()
        stamina = peewee.SmallIntegerField()
        agility = peewee.SmallIntegerField()
        mysticism = peewee.SmallIntegerField()
        aim = peewee.SmallIntegerField()
        karma = peewee.IntegerField()
        created_at = peewee.DateTimeField()
        last_saved_at = peewee.DateTimeField(null=True)
        last_played_at = peewee.DateTimeField(null=True)

        class Meta:
            table_name = "player_character"  # CHARACTER is a reserved word in MySQL
            table_settings = _table_settings(database)

    class WorldState(peewee.Model):
        key = peewee.CharField(max_length=16, primary_key=True)
        snapshot = LongTextField()
        saved_at = peewee.DateTimeField()

        class Meta:
            table_name = "world_state"
            table_settings = _table_settings(database)

    class ResourceName(peewee.Model):
        id = peewee.IntegerField(primary_key=True)
        text_hash = peewee.FixedCharField(max_length=40, unique=True)  # type: ignore[call-overload]  # see models
        text = peewee.TextField()

        class Meta:
            table_name = "resource_name"
            table_settings = _table_settings(database)

    database.bind([Account, Character, WorldState, ResourceName])
    database.create_tables([Character, WorldState, ResourceName])


def _v3_what_a_character_keeps(database: peewee.Database) -> None:
    """Columns for what a player keeps over fights and deaths: base max health, karma's
    hundredths, the max-health gain chance, the death cost still to pay, the flag of a
    player past the tutorial, and the safety flag."""
    from playhouse.migrate import MySQLMigrator, SqliteMigrator, migrate as run

    migrator = MySQLMigrator(database) if isinstance(database, peewee.MySQLDatabase) else SqliteMigrator(database)
    table = "player_character"
    run(
        migrator.add_column(table, "base_max_health", peewee.IntegerField(default=20)),
        migrator.add_column(table, "karma_fraction", peewee.SmallIntegerField(default=0)),
        migrator.add_column(table, "gain_chance", peewee.IntegerField(default=0)),
        migrator.add_column(table, "death_cost", peewee.SmallIntegerField(default=0)),
        migrator.add_column(table, "past_tutorial", peewee.BooleanField(default=False)),
        migrator.add_column(table, "safety", peewee.BooleanField(default=True)),
    )
    # Without boosts, a saved max health is the base; 30 or more is past the tutorial.
    database.execute_sql(f"UPDATE {table} SET base_max_health = max_health, past_tutorial = (max_health >= 30)")


def _v4_player_killing_brands(database: peewee.Database) -> None:
    """The outlaw and murderer brands of player killing (the original's PFLAG_OUTLAW and
    PFLAG_MURDERER, kept with the player)."""
    from playhouse.migrate import MySQLMigrator, SqliteMigrator, migrate as run

    migrator = MySQLMigrator(database) if isinstance(database, peewee.MySQLDatabase) else SqliteMigrator(database)
    run(
        migrator.add_column("player_character", "outlaw", peewee.BooleanField(default=False)),
        migrator.add_column("player_character", "murderer", peewee.BooleanField(default=False)),
    )


def _v5_items_and_ledger(database: peewee.Database) -> None:
    """Items with their places, and the ledger of their creations and destructions. The
    ground items an older world snapshot carried move into the item table once, each
    recorded as created; the snapshot keeps only the bodies."""
    import json

    class Item(peewee.Model):
        id = peewee.IntegerField(primary_key=True)
        kind = peewee.CharField(max_length=100)
        number = peewee.IntegerField(null=True)
        room = peewee.CharField(max_length=100, null=True)
        y = peewee.IntegerField()
        x = peewee.IntegerField()
        angle = peewee.IntegerField()
        carrier = peewee.IntegerField(null=True, index=True)
        slot = peewee.IntegerField()
        arrived_ms = peewee.BigIntegerField()

        class Meta:
            table_name = "item"
            table_settings = _table_settings(database)

    class ItemLedger(peewee.Model):
        kind = peewee.CharField(max_length=100, index=True)
        created = peewee.BigIntegerField()
        destroyed = peewee.BigIntegerField()
        reason = peewee.CharField(max_length=32)
        recorded_at = peewee.DateTimeField()

        class Meta:
            table_name = "item_ledger"
            table_settings = _table_settings(database)

    class WorldState(peewee.Model):
        key = peewee.CharField(max_length=16, primary_key=True)
        snapshot = peewee.TextField()
        saved_at = peewee.DateTimeField()

        class Meta:
            table_name = "world_state"

    class ItemJournal(peewee.Model):
        key = peewee.CharField(max_length=16, primary_key=True)
        last_seq = peewee.BigIntegerField()

        class Meta:
            table_name = "item_journal"
            table_settings = _table_settings(database)

    database.bind([Item, ItemLedger, ItemJournal, WorldState])
    database.create_tables([Item, ItemLedger, ItemJournal])
    row = WorldState.get_or_none(WorldState.key == "world")
    if row is None:
        return
    snapshot = json.loads(row.snapshot)
    remains = snapshot.get("remains") if isinstance(snapshot, dict) else None
    if not isinstance(remains, dict) or not isinstance(remains.get("objects"), list):
        return
    now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    bodies, next_id = [], 0x0200_0000  # the items' first id (emulator.world.items)
    tick_ms = round(float(snapshot.get("tick_count", 0)) * 1000)  # near enough: arrival only orders tidying
    for entry in remains["objects"]:
        if not isinstance(entry, dict) or "decays_in_ms" in entry or "number" not in entry:
            bodies.append(entry)
            continue
        try:
            kind, room = str(entry["kind"]), str(entry["room"])
            number = None if entry["number"] is None else max(1, int(entry["number"]))
            y, x = int(entry["y"]), int(entry["x"])
        except (KeyError, TypeError, ValueError):
            continue  # a malformed entry the world would have dropped as well
        Item.create(id=next_id, kind=kind, number=number, room=room, y=y, x=x, angle=0, carrier=None, slot=0,
                    arrived_ms=tick_ms)
        ItemLedger.create(kind=kind, created=1 if number is None else number, destroyed=0, reason="snapshot",
                          recorded_at=now)
        next_id += 1
    remains["objects"] = bodies
    row.snapshot = json.dumps(snapshot, allow_nan=False, separators=(",", ":"))
    row.save()


def _v6_used_items(database: peewee.Database) -> None:
    """Whether a carried item is in use (a weapon wielded, armour worn): the original keeps
    it with the player, so it survives a restart."""
    from playhouse.migrate import MySQLMigrator, SqliteMigrator, migrate as run

    migrator = MySQLMigrator(database) if isinstance(database, peewee.MySQLDatabase) else SqliteMigrator(database)
    run(migrator.add_column("item", "used", peewee.BooleanField(default=False)))


def _v7_banks_and_vaults(database: peewee.Database) -> None:
    """Money kept at banks: one row per bank and character, written with the item
    operations that move it (in their transaction) and counted by the ledger; and items
    stored in vaults: the vault's number on the item, whose carrier is then its owner."""
    from playhouse.migrate import MySQLMigrator, SqliteMigrator, migrate as run

    migrator = MySQLMigrator(database) if isinstance(database, peewee.MySQLDatabase) else SqliteMigrator(database)
    run(migrator.add_column("item", "vault", peewee.IntegerField(null=True)))

    class BankBalance(peewee.Model):
        bank = peewee.IntegerField()
        character = peewee.IntegerField()
        kind = peewee.CharField(max_length=100)
        amount = peewee.BigIntegerField()

        class Meta:
            table_name = "bank_balance"
            primary_key = peewee.CompositeKey("bank", "character")
            table_settings = _table_settings(database)

    database.bind([BankBalance])
    database.create_tables([BankBalance])


def _v8_character_enchantments(database: peewee.Database) -> None:
    """The enchantments a character carries over a logoff and a restart, a row each."""

    class Character(peewee.Model):
        id = peewee.AutoField()

        class Meta:
            table_name = "player_character"

    class CharacterEnchantment(peewee.Model):
        id = peewee.AutoField()
        character = peewee.ForeignKeyField(Character, on_delete="CASCADE")
        position = peewee.IntegerField()
        spell = peewee.CharField(max_length=100)
        remaining_ms = peewee.BigIntegerField(null=True)
        data = peewee.TextField()

        class Meta:
            table_name = "character_enchantment"
            table_settings = _table_settings(database)

    database.bind([Character, CharacterEnchantment])
    database.create_tables([CharacterEnchantment])


def _v9_spellbooks(database: peewee.Database) -> None:
    """What each character knows: one row per spell or skill (``kind``), by its key in the
    world's content, with its ability in percent."""

    class Spellbook(peewee.Model):
        character = peewee.IntegerField()
        kind = peewee.CharField(max_length=8)
        key = peewee.CharField(max_length=100)
        ability = peewee.SmallIntegerField()

        class Meta:
            table_name = "spellbook"
            primary_key = peewee.CompositeKey("character", "kind", "key")
            table_settings = _table_settings(database)

    database.bind([Spellbook])
    database.create_tables([Spellbook])


def _v10_item_attributes(database: peewee.Database) -> None:
    """The attributes an item carries (a glow, an enchantment, a curse, a made weapon's
    end): a JSON list on the item's row, NULL for none."""
    from playhouse.migrate import MySQLMigrator, SqliteMigrator, migrate as run

    migrator = MySQLMigrator(database) if isinstance(database, peewee.MySQLDatabase) else SqliteMigrator(database)
    run(migrator.add_column("item", "attributes", peewee.TextField(null=True)))


MIGRATIONS: list[Migration] = [
    _v1_accounts_and_logins, _v2_characters_world_and_resources, _v3_what_a_character_keeps,
    _v4_player_killing_brands, _v5_items_and_ledger, _v6_used_items, _v7_banks_and_vaults,
    _v8_character_enchantments,
    _v9_spellbooks,
    _v10_item_attributes,
]
LATEST_VERSION = len(MIGRATIONS)


def schema_version(database: peewee.Database) -> int:
    SchemaVersion = _version_model(database)
    if not SchemaVersion.table_exists():
        return 0
    return SchemaVersion.select(peewee.fn.MAX(SchemaVersion.version)).scalar() or 0


def migrate(database: peewee.Database, up_to: int = LATEST_VERSION) -> int:
    """Apply every step not yet applied, up to ``up_to`` (a restore builds a backup's older
    schema first); safe to call on every open, from several processes."""
    with _exclusive(database):
        SchemaVersion = _version_model(database)
        database.create_tables([SchemaVersion], safe=True)
        current = schema_version(database)
        if current > LATEST_VERSION:
            raise SchemaTooNew(f"database schema is version {current}; this m59emu knows up to {LATEST_VERSION}")
        for version in range(current + 1, min(up_to, LATEST_VERSION) + 1):
            with database.atomic():
                MIGRATIONS[version - 1](database)
                SchemaVersion.create(version=version, applied_at=datetime.datetime.now(datetime.UTC).replace(tzinfo=None))
    return max(current, min(up_to, LATEST_VERSION))


@contextlib.contextmanager
def _exclusive(database: peewee.Database) -> Iterator[None]:
    """Keep two processes (server and operator command) from migrating at once."""
    if isinstance(database, peewee.MySQLDatabase):
        # MySQL commits DDL implicitly, so a transaction cannot serialize migrations; a named lock can.
        if not database.execute_sql("SELECT GET_LOCK('m59emu_migrate', 30)").fetchone()[0]:
            raise TimeoutError("another process holds the m59emu migration lock")
        try:
            yield
        finally:
            database.execute_sql("SELECT RELEASE_LOCK('m59emu_migrate')")
    else:
        with database.atomic():  # SQLite: BEGIN IMMEDIATE (see database.connect) takes the write lock
            yield
