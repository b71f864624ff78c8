"""Characters, the world snapshot and resource ids: plain synchronous functions taking an open
database first, run on the store thread (``StoreService.call``) or by the operator command.

Times given and returned are timezone-aware UTC, as in ``accounts``.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

import attrs
import peewee

from emulator.store.accounts import (
    NoSuchAccount,
    StoreError,
    _from_db,
    _now,
    _on_database,
    _to_db,
    name_key,
)
from emulator.store.models import (
    CHARACTER_NAME_MAX_BYTES,
    ROOM_KEY_COLUMN_LENGTH,
    WORLD_STATE_KEY,
    Account,
    Character,
    EnchantmentRecord,
    ResourceName,
    SpellbookRecord,
    WorldState,
)

T = TypeVar("T")

CHARACTER_NAME_MIN_BYTES = 3
# Besides letters, digits and single inner spaces, the original server accepts these in names.
NAME_PUNCTUATION = frozenset("_ '!@$^&*()+=:[]{};/?|<>") - {" "}
RESERVED_NAMES = ("admin", "guest", "system", "server", "dm", "gm", "moderator")

MALE, FEMALE = 1, 2
GENDERS = (MALE, FEMALE)
ATTRIBUTES = ("might", "intellect", "stamina", "agility", "mysticism", "aim")
ATTRIBUTE_MIN, ATTRIBUTE_MAX = 1, 50
ATTRIBUTE_TOTAL = 150  # the points a new character spreads over the six attributes
DESCRIPTION_MAX_CHARS = 1000

# A new character's stats, as the original's `create automated` leaves them.
DEFAULT_STATS: Mapping[str, int] = {
    "health": 20,
    "max_health": 20,
    "mana": 10,
    "max_mana": 10,
    "vigor": 200,
    "karma": 0,
    "base_max_health": 20,
    **{attribute: ATTRIBUTE_TOTAL // len(ATTRIBUTES) for attribute in ATTRIBUTES},
}

#: CharacterState fields saved only when given.
_OPTIONAL_STATE = (
    "max_health", "karma", "base_max_health", "karma_fraction", "gain_chance", "death_cost", "past_tutorial", "safety",
    "outlaw", "murderer",
)

_BATCH = 500  # ids per IN (...) clause: far under SQLite's and MySQL's parameter limits
_ALLOCATION_ATTEMPTS = 5


class InvalidCharacterName(StoreError, ValueError):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class CharacterExists(StoreError):
    pass


class NoSuchCharacter(StoreError):
    pass


class InvalidCharacter(StoreError, ValueError):
    """A refused gender, description or attribute set."""


class CharacterAlreadyMade(StoreError):
    """Character creation runs once, on a first-time character."""


@attrs.frozen
class CharacterRecord:
    id: int
    account_id: int
    account_name: str
    name: str
    first_time: bool
    description: str
    gender: int
    appearance: dict[str, Any] | None
    room: str | None  # None: never placed in the world
    y: int
    x: int
    angle: int
    health: int
    max_health: int
    mana: int
    max_mana: int
    vigor: int
    might: int
    intellect: int
    stamina: int
    agility: int
    mysticism: int
    aim: int
    karma: int
    created_at: datetime.datetime
    last_saved_at: datetime.datetime | None
    last_played_at: datetime.datetime | None
    base_max_health: int | None = None  # None: the same as max_health
    karma_fraction: int = 0
    gain_chance: int = 0
    death_cost: int = 0
    past_tutorial: bool = False
    safety: bool = True
    outlaw: bool = False
    murderer: bool = False
    #: The enchantments it carries, oldest first (``emulator.world.enchantments.to_json``).
    enchantments: tuple[dict[str, Any], ...] = ()
    #: The spellbook (key -> ability percent), read by get_character and find_character.
    spells: dict[str, int] = attrs.field(factory=dict)
    skills: dict[str, int] = attrs.field(factory=dict)

    @property
    def attributes(self) -> dict[str, int]:
        return {attribute: getattr(self, attribute) for attribute in ATTRIBUTES}


@attrs.frozen
class CharacterState:
    """What the game changes while a character plays, saved in batches."""

    character_id: int
    room: str | None
    y: int
    x: int
    angle: int
    health: int
    mana: int
    vigor: int
    max_health: int | None = None  # None: leave the saved value as it is
    karma: int | None = None
    base_max_health: int | None = None
    karma_fraction: int | None = None
    gain_chance: int | None = None
    death_cost: int | None = None
    past_tutorial: bool | None = None
    safety: bool | None = None
    outlaw: bool | None = None
    murderer: bool | None = None
    #: Its enchantments, oldest first, replacing those saved; None: leave them as they are.
    enchantments: tuple[dict[str, Any], ...] | None = None
    #: The whole spellbook, (key, ability) pairs; None: leave the saved one as it is.
    spells: tuple[tuple[str, int], ...] | None = None
    skills: tuple[tuple[str, int], ...] | None = None


SPELL, SKILL = "spell", "skill"  # SpellbookRecord.kind


def validate_character_name(name: str, reserved: Iterable[str] = ()) -> str:
    """``name`` if it can name a character, else InvalidCharacterName."""
    try:
        encoded = name.encode("latin-1")
    except UnicodeEncodeError:
        raise InvalidCharacterName(f"character name {name!r} has characters outside latin-1") from None
    if not CHARACTER_NAME_MIN_BYTES <= len(encoded) <= CHARACTER_NAME_MAX_BYTES:
        raise InvalidCharacterName(
            f"character name must be {CHARACTER_NAME_MIN_BYTES} to {CHARACTER_NAME_MAX_BYTES} bytes, not {len(encoded)}"
        )
    if name != name.strip(" "):
        raise InvalidCharacterName(f"character name {name!r} starts or ends with a space")
    if "  " in name:
        raise InvalidCharacterName(f"character name {name!r} has two spaces in a row")
    for char in name:
        if not (char.isalpha() or char in "0123456789 " or char in NAME_PUNCTUATION):
            raise InvalidCharacterName(f"character name {name!r} may not contain {char!r}")
    if not any(char.isalpha() for char in name):
        raise InvalidCharacterName(f"character name {name!r} has no letter")
    key = name_key(name)
    if any(key == name_key(word) for word in (*RESERVED_NAMES, *reserved)):
        raise InvalidCharacterName(f"character name {name!r} is reserved")
    return name


@_on_database
def create_character(
    db: peewee.Database,
    account_name: str,
    name: str,
    *,
    ready: bool = True,
    gender: int = MALE,
    reserved: Iterable[str] = (),
    now: datetime.datetime | None = None,
) -> CharacterRecord:
    """A new character on ``account_name``: ready to play (``ready``), or a first-time slot that the
    player finishes through character creation."""
    validate_character_name(name, reserved)
    _check_gender(gender)
    with db.atomic():
        account = Account.get_or_none(Account.name_key == name_key(account_name))
        if account is None:
            raise NoSuchAccount(f"no account {account_name!r}")
        _check_name_free(name)
        try:
            character = Character.create(
                account=account.id,
                name=name,
                name_key=name_key(name),
                first_time=not ready,
                description="",
                gender=gender,
                appearance=None,
                room=None,
                y=0,
                x=0,
                angle=0,
                created_at=_to_db(now or _now()),
                **DEFAULT_STATS,
            )
        except peewee.IntegrityError:  # another process took the name since the check
            raise CharacterExists(f"character {name!r} exists") from None
    return _record(character, account)


@_on_database
def list_characters(db: peewee.Database, account_id: int) -> list[CharacterRecord]:
    query = (
        Character.select(Character, Account)
        .join(Account)
        .where(Character.account == account_id)
        .order_by(Character.id)
    )
    return [_record(character, character.account) for character in query]


@_on_database
def get_character(db: peewee.Database, character_id: int) -> CharacterRecord:
    character = _find(character_id)
    if character is None:
        raise NoSuchCharacter(f"no character {character_id}")
    return _with_spellbook(_record(character, character.account))


@_on_database
def find_character(db: peewee.Database, name: str) -> CharacterRecord | None:
    """The character named ``name`` (any case), or None."""
    query = Character.select(Character, Account).join(Account).where(Character.name_key == name_key(name))
    character = query.first()
    return None if character is None else _with_spellbook(_record(character, character.account))


@_on_database
def delete_character(db: peewee.Database, character_id: int, account_id: int) -> bool:
    """Delete the character if ``account_id`` owns it; False if there is no such character there."""
    with db.atomic():
        owned = Character.select(Character.id).where((Character.id == character_id) & (Character.account == account_id))
        EnchantmentRecord.delete().where(EnchantmentRecord.character.in_(owned)).execute()
        deleted = Character.delete().where((Character.id == character_id) & (Character.account == account_id)).execute()
        if deleted:
            SpellbookRecord.delete().where(SpellbookRecord.character == character_id).execute()
    return deleted > 0


@_on_database
def customise_character(
    db: peewee.Database,
    character_id: int,
    account_id: int,
    name: str,
    description: str,
    gender: int,
    attributes: Mapping[str, int],
    reserved: Iterable[str] = (),
    appearance: Mapping[str, Any] | None = None,
    *,
    spells: Mapping[str, int] | None = None,
    skills: Mapping[str, int] | None = None,
    karma: int | None = None,
) -> CharacterRecord:
    """Finish character creation on a first-time character; it is then ready to play,
    knowing ``spells`` and ``skills`` (key -> ability) and with ``karma`` when given."""
    validate_character_name(name, reserved)
    _check_gender(gender)
    _check_description(description)
    checked = _check_attributes(attributes)
    with db.atomic():
        character = _find(character_id)
        if character is None or character.account_id != account_id:
            raise NoSuchCharacter(f"no character {character_id} on account {account_id}")
        if not character.first_time:
            raise CharacterAlreadyMade(f"character {character.name!r} was already made")
        _check_name_free(name, except_id=character_id)
        fields: dict[str, Any] = {
            "name": name,
            "name_key": name_key(name),
            "description": description,
            "gender": gender,
            "first_time": False,
            **checked,
        }
        if appearance is not None:
            fields["appearance"] = json.dumps(dict(appearance), allow_nan=False)
        if karma is not None:
            fields["karma"] = karma
        try:
            # The first_time condition keeps two racing customisations from both succeeding.
            changed = Character.update(**fields).where(
                (Character.id == character_id) & (Character.first_time == True)
            ).execute()
        except peewee.IntegrityError:
            raise CharacterExists(f"character {name!r} exists") from None
        if not changed:
            raise CharacterAlreadyMade(f"character {character.name!r} was already made")
        _replace_spellbook(character_id, SPELL, tuple((spells or {}).items()))
        _replace_spellbook(character_id, SKILL, tuple((skills or {}).items()))
    return get_character(db, character_id)


@_on_database
def record_play(db: peewee.Database, character_id: int, now: datetime.datetime | None = None) -> None:
    """Note that the character entered the game."""
    with db.atomic():
        Character.update(last_played_at=_to_db(now or _now())).where(Character.id == character_id).execute()


@_on_database
def save_characters(db: peewee.Database, states: Iterable[CharacterState], now: datetime.datetime) -> list[int]:
    """Save a batch (the autosave) in one transaction: all of it or, on an error, none.

    Returns the ids that are no longer in the database (deleted by an operator meanwhile); they are
    skipped rather than failing the batch, so one deleted character cannot stop every autosave.
    """
    states = list(states)
    saved_at = _to_db(now)
    for state in states:
        if state.room is not None and len(state.room) > ROOM_KEY_COLUMN_LENGTH:
            raise InvalidCharacter(f"room key {state.room!r} is longer than {ROOM_KEY_COLUMN_LENGTH}")
    with db.atomic():
        # Selected, not counted from UPDATE: MySQL reports changed rows, and an unchanged row is 0.
        present: set[int] = set()
        for chunk in _chunks(sorted({state.character_id for state in states}), _BATCH):
            present.update(row.id for row in Character.select(Character.id).where(Character.id.in_(chunk)))
        for state in states:
            if state.character_id not in present:
                continue
            changes: dict[str, Any] = {
                "room": state.room, "y": state.y, "x": state.x, "angle": state.angle,
                "health": state.health, "mana": state.mana, "vigor": state.vigor, "last_saved_at": saved_at,
            }
            for name in _OPTIONAL_STATE:
                value = getattr(state, name)
                if value is not None:
                    changes[name] = value
            Character.update(**changes).where(Character.id == state.character_id).execute()
            if state.enchantments is not None:
                _replace_enchantments(state.character_id, state.enchantments)
            if state.spells is not None:
                _replace_spellbook(state.character_id, SPELL, state.spells)
            if state.skills is not None:
                _replace_spellbook(state.character_id, SKILL, state.skills)
    return sorted({state.character_id for state in states} - present)


#: Stats an operator may write directly (``set_stats``).
SETTABLE_STATS = frozenset({*ATTRIBUTES, "health", "max_health", "mana", "max_mana", "vigor", "karma"})


@_on_database
def set_stats(db: peewee.Database, character_id: int, values: Mapping[str, int]) -> None:
    """Write some stats of a character (an operator's change, e.g. an attribute the
    autosave does not carry)."""
    unknown = set(values) - SETTABLE_STATS
    if unknown:
        raise InvalidCharacter(f"not settable: {', '.join(sorted(unknown))}")
    with db.atomic():
        if not Character.update(**values).where(Character.id == character_id).execute() and _find(character_id) is None:
            raise NoSuchCharacter(f"no character {character_id}")


@_on_database
def save_world_state(db: peewee.Database, snapshot: Mapping[str, Any], now: datetime.datetime) -> None:
    """Replace the saved world snapshot (JSON) in one statement."""
    text = json.dumps(snapshot, allow_nan=False, separators=(",", ":"))  # fails before touching the row
    with db.atomic():
        WorldState.replace(key=WORLD_STATE_KEY, snapshot=text, saved_at=_to_db(now)).execute()


@_on_database
def load_world_state(db: peewee.Database) -> dict[str, Any] | None:
    row = WorldState.get_or_none(WorldState.key == WORLD_STATE_KEY)
    return None if row is None else json.loads(row.snapshot)


@_on_database
def world_state_saved_at(db: peewee.Database) -> datetime.datetime | None:
    row = WorldState.get_or_none(WorldState.key == WORLD_STATE_KEY)
    return None if row is None else _from_db(row.saved_at)


@_on_database
def assign_resource_ids(db: peewee.Database, texts: Iterable[str], first_id: int) -> dict[str, int]:
    """The stable id of every text: existing ones kept, new ones numbered on from the highest id
    (or from ``first_id``), in the order given."""
    wanted = list(dict.fromkeys(texts))
    for attempt in range(_ALLOCATION_ATTEMPTS):
        try:
            with db.atomic():
                return _assign_resource_ids(wanted, first_id)
        except peewee.IntegrityError:  # another process allocated the same ids: read them and retry
            if attempt == _ALLOCATION_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _assign_resource_ids(wanted: Sequence[str], first_id: int) -> dict[str, int]:
    hashes = {text: _text_hash(text) for text in wanted}
    by_hash: dict[str, int] = {}
    for chunk in _chunks(list(hashes.values()), _BATCH):
        query = ResourceName.select(ResourceName.id, ResourceName.text_hash).where(ResourceName.text_hash.in_(chunk))
        by_hash.update((row.text_hash, row.id) for row in query)
    missing = [text for text in wanted if hashes[text] not in by_hash]
    if missing:
        highest = ResourceName.select(peewee.fn.MAX(ResourceName.id)).scalar()
        next_id = first_id if highest is None else max(highest + 1, first_id)
        rows = []
        for offset, text in enumerate(missing):
            by_hash[hashes[text]] = next_id + offset
            rows.append({"id": next_id + offset, "text_hash": hashes[text], "text": text})
        for row_chunk in _chunks(rows, _BATCH // 3):
            ResourceName.insert_many(row_chunk).execute()
    return {text: by_hash[hashes[text]] for text in wanted}


def _text_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _replace_spellbook(character_id: int, kind: str, known: Sequence[tuple[str, int]]) -> None:
    """The character's spells or skills become ``known``, in the caller's transaction."""
    for key, ability in known:
        if len(key) > ROOM_KEY_COLUMN_LENGTH or not isinstance(ability, int):
            raise InvalidCharacter(f"spellbook entry {key!r}: {ability!r} cannot be saved")
    SpellbookRecord.delete().where((SpellbookRecord.character == character_id) & (SpellbookRecord.kind == kind)).execute()
    rows = [{"character": character_id, "kind": kind, "key": key, "ability": ability} for key, ability in known]
    for chunk in _chunks(rows, _BATCH // 4):
        SpellbookRecord.insert_many(chunk).execute()


def _with_spellbook(record: CharacterRecord) -> CharacterRecord:
    spells: dict[str, int] = {}
    skills: dict[str, int] = {}
    query = SpellbookRecord.select().where(SpellbookRecord.character == record.id).order_by(SpellbookRecord.key)
    for row in query:
        (spells if row.kind == SPELL else skills)[row.key] = row.ability
    return attrs.evolve(record, spells=spells, skills=skills)


def _find(character_id: int) -> Character | None:
    return Character.select(Character, Account).join(Account).where(Character.id == character_id).first()


def _check_name_free(name: str, except_id: int | None = None) -> None:
    query = Character.select(Character.id).where(Character.name_key == name_key(name))
    if except_id is not None:
        query = query.where(Character.id != except_id)
    if query.exists():
        raise CharacterExists(f"character {name!r} exists")


def _check_gender(gender: int) -> None:
    if gender not in GENDERS:
        raise InvalidCharacter(f"gender must be {MALE} (male) or {FEMALE} (female), not {gender!r}")


def _check_description(description: str) -> None:
    if len(description) > DESCRIPTION_MAX_CHARS:
        raise InvalidCharacter(f"description is longer than {DESCRIPTION_MAX_CHARS} characters")


def _check_attributes(attributes: Mapping[str, int]) -> dict[str, int]:
    if set(attributes) != set(ATTRIBUTES):
        raise InvalidCharacter(f"attributes must be exactly {', '.join(ATTRIBUTES)}")
    for attribute in ATTRIBUTES:
        value = attributes[attribute]
        if not isinstance(value, int) or isinstance(value, bool) or not ATTRIBUTE_MIN <= value <= ATTRIBUTE_MAX:
            raise InvalidCharacter(f"{attribute} must be {ATTRIBUTE_MIN} to {ATTRIBUTE_MAX}, not {value!r}")
    total = sum(attributes[attribute] for attribute in ATTRIBUTES)
    if total != ATTRIBUTE_TOTAL:
        raise InvalidCharacter(f"attributes must add up to {ATTRIBUTE_TOTAL}, not {total}")
    return {attribute: attributes[attribute] for attribute in ATTRIBUTES}


def _replace_enchantments(character_id: int, saved: Iterable[Mapping[str, Any]]) -> None:
    EnchantmentRecord.delete().where(EnchantmentRecord.character == character_id).execute()
    rows = []
    for position, entry in enumerate(saved):
        rest = {key: value for key, value in entry.items() if key not in ("spell", "remaining_ms")}
        rows.append({
            "character": character_id, "position": position, "spell": str(entry["spell"]),
            "remaining_ms": entry.get("remaining_ms"), "data": json.dumps(rest, allow_nan=False, separators=(",", ":")),
        })
    if rows:
        EnchantmentRecord.insert_many(rows).execute()


def _enchantments_of(character_id: int) -> tuple[dict[str, Any], ...]:
    query = EnchantmentRecord.select().where(EnchantmentRecord.character == character_id).order_by(EnchantmentRecord.position)
    return tuple(
        {**json.loads(row.data), "spell": row.spell, "remaining_ms": row.remaining_ms} for row in query
    )


def _record(character: Character, account: Account) -> CharacterRecord:
    return CharacterRecord(
        id=character.id,
        account_id=account.id,
        account_name=account.name,
        name=character.name,
        first_time=bool(character.first_time),
        description=character.description,
        gender=character.gender,
        appearance=None if character.appearance is None else json.loads(character.appearance),
        room=character.room,
        y=character.y,
        x=character.x,
        angle=character.angle,
        health=character.health,
        max_health=character.max_health,
        mana=character.mana,
        max_mana=character.max_mana,
        vigor=character.vigor,
        might=character.might,
        intellect=character.intellect,
        stamina=character.stamina,
        agility=character.agility,
        mysticism=character.mysticism,
        aim=character.aim,
        karma=character.karma,
        created_at=_from_db(character.created_at),
        last_saved_at=_from_db(character.last_saved_at),
        last_played_at=_from_db(character.last_played_at),
        base_max_health=character.base_max_health,
        karma_fraction=character.karma_fraction,
        gain_chance=character.gain_chance,
        death_cost=character.death_cost,
        past_tutorial=bool(character.past_tutorial),
        safety=bool(character.safety),
        outlaw=bool(character.outlaw),
        murderer=bool(character.murderer),
        enchantments=_enchantments_of(character.id),
    )
