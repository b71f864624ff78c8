"""The tables, as peewee models bound at run time through ``database_proxy``.

Times are naive ``datetime`` values in UTC (MySQL ``DATETIME`` has no time zone); the functions in
``accounts`` convert at the edge. A change here needs a new step in ``migrations``.
"""

from __future__ import annotations

import peewee

database_proxy = peewee.DatabaseProxy()

NAME_MAX_BYTES = 50  # the login server ignores AP_LOGIN with a name of 51 bytes or more
NAME_COLUMN_LENGTH = 64  # room for casefolding, which can lengthen a name ("ß" -> "ss")
ADDRESS_COLUMN_LENGTH = 64
CHARACTER_NAME_MAX_BYTES = 30
ROOM_KEY_COLUMN_LENGTH = 100
WORLD_STATE_KEY = "world"


class BaseModel(peewee.Model):
    class Meta:
        database = database_proxy
        legacy_table_names = False


class SchemaVersion(BaseModel):
    """One row per applied migration."""

    version = peewee.IntegerField(primary_key=True)
    applied_at = peewee.DateTimeField()


class Account(BaseModel):
    id = peewee.AutoField()  # what peewee adds when no primary key is declared; declared for the type checker
    name = peewee.CharField(max_length=NAME_COLUMN_LENGTH)  # as typed at creation
    name_key = peewee.CharField(max_length=NAME_COLUMN_LENGTH, unique=True)  # name.casefold()
    password_hash = peewee.CharField(max_length=255)
    admin_level = peewee.IntegerField(default=0)  # the AP_LOGINOK account type: 0 user, 1 admin, 2 DM
    created_at = peewee.DateTimeField()
    last_login_at = peewee.DateTimeField(null=True)
    last_login_address = peewee.CharField(max_length=ADDRESS_COLUMN_LENGTH, null=True)
    # A ban is the flag; banned_until NULL means it has no end. A separate flag instead of a
    # far-future sentinel keeps "forever" out of every date the server shows or compares.
    banned = peewee.BooleanField(default=False)
    banned_until = peewee.DateTimeField(null=True)
    ban_reason = peewee.CharField(max_length=255, null=True)


class LoginRecord(BaseModel):
    id = peewee.AutoField()
    # SET NULL keeps the history of a deleted account.
    account = peewee.ForeignKeyField(Account, null=True, on_delete="SET NULL", backref="logins")
    account_id: int | None  # the column behind ``account``, added by peewee
    name_tried = peewee.CharField(max_length=NAME_COLUMN_LENGTH)
    address = peewee.CharField(max_length=ADDRESS_COLUMN_LENGTH)
    time = peewee.DateTimeField(index=True)
    success = peewee.BooleanField()
    outcome = peewee.CharField(max_length=16)  # a LoginVerdict outcome


class LongTextField(peewee.TextField):
    # MySQL TEXT stops at 64 KiB, too little for a world snapshot; SQLite reads LONGTEXT as TEXT.
    field_type = "LONGTEXT"


class Character(BaseModel):
    id = peewee.AutoField()
    account = peewee.ForeignKeyField(Account, on_delete="CASCADE", backref="characters")
    account_id: int  # the column behind ``account``, added by peewee
    name = peewee.CharField(max_length=NAME_COLUMN_LENGTH)  # as typed
    name_key = peewee.CharField(max_length=NAME_COLUMN_LENGTH, unique=True)  # name.casefold(), server-wide
    first_time = peewee.BooleanField()  # the client must run character creation (BP_CHARACTERS flag 1)
    description = peewee.TextField()
    gender = peewee.SmallIntegerField()  # 1 male, 2 female
    appearance = peewee.TextField(null=True)  # JSON: face parts and colours chosen at creation
    room = peewee.CharField(max_length=ROOM_KEY_COLUMN_LENGTH, null=True)  # None: never placed
    y = peewee.IntegerField()  # fine units
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
    # since schema 3: what a player keeps over fights and deaths
    base_max_health = peewee.IntegerField(default=20)  # max health before boosts
    karma_fraction = peewee.SmallIntegerField(default=0)  # hundredths beyond ``karma``, same sign
    gain_chance = peewee.IntegerField(default=0)  # running chance of a max-health gain
    death_cost = peewee.SmallIntegerField(default=0)  # percent still to pay for a death; 0: none
    past_tutorial = peewee.BooleanField(default=False)  # the original's PFLAG_TUTORIAL
    safety = peewee.BooleanField(default=True)  # the UC_SAFETY flag
    # since schema 4: the brands of player killing
    outlaw = peewee.BooleanField(default=False)  # attacked an innocent player
    murderer = peewee.BooleanField(default=False)  # killed an innocent player

    class Meta:
        table_name = "player_character"  # CHARACTER is a reserved word in MySQL


class WorldState(BaseModel):
    """One row, key ``WORLD_STATE_KEY``: the simulator's last snapshot."""

    key = peewee.CharField(max_length=16, primary_key=True)
    snapshot = LongTextField()  # JSON
    saved_at = peewee.DateTimeField()


class ResourceName(BaseModel):
    """The server's stable resource id for each string it sends."""

    id = peewee.IntegerField(primary_key=True)  # allocated by the store, not the database
    # MySQL cannot index a long TEXT, so uniqueness is on the text's SHA-1.
    # peewee's stub leaves max_length out of FixedCharField's signature; peewee takes it.
    text_hash = peewee.FixedCharField(max_length=40, unique=True)  # type: ignore[call-overload]
    text = peewee.TextField()


class ItemRecord(BaseModel):
    """Since schema 5: one item of the world and its one place: the ground of ``room``
    (``carrier`` NULL) or carried by the character ``carrier`` (no foreign key: the item
    outlives a deleted character, so the ledger still accounts for it)."""

    id = peewee.IntegerField(primary_key=True)  # the world's object id, allocated by the world
    kind = peewee.CharField(max_length=ROOM_KEY_COLUMN_LENGTH)
    number = peewee.IntegerField(null=True)  # a number item's count; NULL: a single item
    room = peewee.CharField(max_length=ROOM_KEY_COLUMN_LENGTH, null=True)
    y = peewee.IntegerField()
    x = peewee.IntegerField()
    angle = peewee.IntegerField()
    carrier = peewee.IntegerField(null=True, index=True)
    slot = peewee.IntegerField()  # inventory order
    arrived_ms = peewee.BigIntegerField()  # game time it came to the ground
    used = peewee.BooleanField(default=False)  # since schema 6: wielded or worn by its carrier
    vault = peewee.IntegerField(null=True)  # since schema 7: stored in this vault for ``carrier``
    attributes = peewee.TextField(null=True)  # since schema 10: its item attributes (JSON); NULL: none

    class Meta:
        table_name = "item"


class LedgerRecord(BaseModel):
    """Since schema 5: one creation or destruction of items, in units (money in shillings)."""

    id = peewee.AutoField()
    kind = peewee.CharField(max_length=ROOM_KEY_COLUMN_LENGTH, index=True)
    created = peewee.BigIntegerField()
    destroyed = peewee.BigIntegerField()
    reason = peewee.CharField(max_length=32)
    recorded_at = peewee.DateTimeField()

    class Meta:
        table_name = "item_ledger"


class ItemJournal(BaseModel):
    """Since schema 5: one row, key ``items``: the last item operation applied (its
    sequence number), so an operation sent twice is applied once."""

    key = peewee.CharField(max_length=16, primary_key=True)
    last_seq = peewee.BigIntegerField()

    class Meta:
        table_name = "item_journal"


class BalanceRecord(BaseModel):
    """Since schema 7: money a character keeps at a bank, ``amount`` units of the money
    kind ``kind`` (no foreign key, as items: the ledger accounts for it until the world
    destroys it); a row per (bank, character), none for an empty account."""

    bank = peewee.IntegerField()
    character = peewee.IntegerField()
    kind = peewee.CharField(max_length=ROOM_KEY_COLUMN_LENGTH)
    amount = peewee.BigIntegerField()

    class Meta:
        table_name = "bank_balance"
        primary_key = peewee.CompositeKey("bank", "character")


class EnchantmentRecord(BaseModel):
    """Since schema 8: one enchantment a character carries (the original keeps them on
    the player): its spell, the game time it has left (NULL: until removed), its effect
    and state as JSON; ``position`` keeps their order, oldest first."""

    id = peewee.AutoField()
    character = peewee.ForeignKeyField(Character, on_delete="CASCADE", backref="enchantments")
    position = peewee.IntegerField()
    spell = peewee.CharField(max_length=ROOM_KEY_COLUMN_LENGTH)
    remaining_ms = peewee.BigIntegerField(null=True)
    data = peewee.TextField()

    class Meta:
        table_name = "character_enchantment"


class SpellbookRecord(BaseModel):
    """Since schema 9: one spell or skill a character knows (``kind`` "spell" or "skill",
    ``key`` of spells.toml or skills.toml) and its ability in percent; saved with the
    character, all of its rows replaced at once."""

    character = peewee.IntegerField()
    kind = peewee.CharField(max_length=8)
    key = peewee.CharField(max_length=ROOM_KEY_COLUMN_LENGTH)
    ability = peewee.SmallIntegerField()

    class Meta:
        table_name = "spellbook"
        primary_key = peewee.CompositeKey("character", "kind", "key")


ALL_MODELS: tuple[type[BaseModel], ...] = (
    SchemaVersion, Account, LoginRecord, Character, WorldState, ResourceName, ItemRecord, LedgerRecord, ItemJournal,
    BalanceRecord, EnchantmentRecord, SpellbookRecord,
)
