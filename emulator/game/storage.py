"""The game's store calls, run where the database lives (Deferreds back)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Concatenate, ParamSpec, Protocol, TypeVar

import peewee
from twisted.internet import defer

from emulator.store import characters
from emulator.store import items as stored_items
from emulator.store.characters import CharacterRecord, CharacterState, NoSuchCharacter
from emulator.world.items import Operation

P = ParamSpec("P")
T = TypeVar("T")


class StoreCalls(Protocol):
    """Runs ``fn(db, ...)`` where the database lives (the store thread, or inline in tests)."""

    def call(
        self, fn: Callable[Concatenate[peewee.Database, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> defer.Deferred[T]: ...


def _utc_now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def _get_or_none(db: peewee.Database, character_id: int) -> CharacterRecord | None:
    try:
        return characters.get_character(db, character_id)
    except NoSuchCharacter:
        return None


class StoredCharacters:
    """:class:`emulator.game.context.CharacterStore` over the store's calls."""

    def __init__(self, store: StoreCalls) -> None:
        self.store = store

    def list_characters(self, account_id: int) -> defer.Deferred[list[CharacterRecord]]:
        return self.store.call(characters.list_characters, account_id)

    def get_character(self, character_id: int) -> defer.Deferred[CharacterRecord | None]:
        return self.store.call(_get_or_none, character_id)

    def customise_character(self, character_id: int, account_id: int, name: str, description: str, gender: int,
                            attributes: dict[str, int], reserved: tuple[str, ...], *, spells: dict[str, int],
                            skills: dict[str, int], karma: int) -> defer.Deferred[CharacterRecord]:
        return self.store.call(
            characters.customise_character, character_id, account_id, name, description, gender, attributes, reserved,
            spells=spells, skills=skills, karma=karma,
        )

    def delete_character(self, character_id: int, account_id: int) -> defer.Deferred[bool]:
        return self.store.call(characters.delete_character, character_id, account_id)

    def save_characters(self, states: list[CharacterState]) -> defer.Deferred[list[int]]:
        if not states:
            return defer.succeed([])
        return self.store.call(characters.save_characters, states, _utc_now())

    def save_world_state(self, snapshot: dict) -> defer.Deferred[None]:
        return self.store.call(characters.save_world_state, snapshot, _utc_now())

    def save_items(self, operations: list[Operation]) -> defer.Deferred[int]:
        return self.store.call(stored_items.apply_item_batch, operations, _utc_now())
