"""The server's resource registry: one id per string it ever sends.

Static ids start at :data:`FIRST_STATIC_ID`, well clear of the stock client's own
tables (compiled from 20001 up) and of the dynamic range (from 1,000,000, player
names). The ids are kept in the store so they stay the same across restarts and edits
of ``data/``; at start the registry writes ``m59emu.rsc`` for players to put in their
client's ``resource/`` folder.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from emulator.content.model import ObjectKind, WorldDefinition
from emulator.game import texts
from emulator.resources import ResourceTable

FIRST_STATIC_ID = 200_000
RSC_FILE_NAME = "m59emu.rsc"
ORIGINAL_RSC_NAME = "original"  # texts with the original game's ids: the client has them already

#: Gives ids to texts, keeping ids already given (the store's assign_resource_ids).
IdAssigner = Callable[[list[str], int], Mapping[str, int]]


def content_texts(world: WorldDefinition) -> list[str]:
    """Every string the world's content makes the server send, without duplicates."""
    found: dict[str, None] = dict.fromkeys(texts.ALL_FIXED)
    for room in world.rooms.values():
        for text in (room.name, room.roo_file, room.background, room.music):
            if text:
                found[text] = None
    for kind in world.kinds.values():
        for text in (kind.name, kind.icon):
            if text:
                found[text] = None
        for text in kind_remains_texts(kind):
            found[text] = None
    # the spells and skills stat groups name them; spells are shown as objects too
    # (enchantment icons), and casting names and says their own words
    for spell in world.spells.values():
        for text in (spell.name, spell.icon, spell.sound, *(text for _, text in spell.texts)):
            if text:
                found[text] = None
    for skill in world.skills.values():
        for text in (skill.name, skill.icon):
            if text:
                found[text] = None
    if world.player_icon:
        found[world.player_icon] = None
    return list(found)


def kind_remains_texts(kind: ObjectKind) -> list[str]:
    """What a kind shows when it lies on the ground: a monster's body, the name of many."""
    shown = []
    if kind.monster is not None and kind.monster.dead_icon:
        shown += [kind.monster.dead_name or kind.name, kind.monster.dead_icon]
    if kind.item is not None:
        shown += [text for text in (kind.item.plural, kind.item.use_message, kind.item.use_sound) if text]
    return shown


def in_memory_assigner() -> IdAssigner:
    """Sequential ids kept only in memory (tests and tools without a store)."""
    given: dict[str, int] = {}

    def assign(wanted: list[str], first_id: int) -> Mapping[str, int]:
        for text in wanted:
            if text not in given:
                given[text] = max(given.values(), default=first_id - 1) + 1
        return {text: given[text] for text in wanted}

    return assign


class ServerResources:
    """Resource ids by text for static strings, plus dynamic names made at run time.

    Texts the content gives an original resource id (imported worlds: ``name_rsc``, ...)
    keep it: the stock client already has them, so they are not in ``m59emu.rsc``. Only
    the server's own strings get ids of ours, from :data:`FIRST_STATIC_ID` up.
    """

    def __init__(self, world: WorldDefinition, assign_ids: IdAssigner) -> None:
        pinned = world.pinned_resource_ids()
        wanted = [text for text in content_texts(world) if text not in pinned]
        self._ids = dict(assign_ids(wanted, FIRST_STATIC_ID))
        self.table = ResourceTable()
        for text, resource_id in self._ids.items():
            self.table.add(resource_id, text, RSC_FILE_NAME)
        for text, resource_id in pinned.items():
            self._ids[text] = resource_id
            self.table.add(resource_id, text, ORIGINAL_RSC_NAME)
        self._pinned = pinned
        if world.messages is not None:  # the fight texts and the names they are filled with, by their own ids
            for entry in world.messages.texts.values():
                self.table.add(entry.resource_id, entry.text, ORIGINAL_RSC_NAME)
            for named in world.messages.kinds.values():
                if named.attack_name is not None:
                    self.table.add(named.attack_name.resource_id, named.attack_name.text, ORIGINAL_RSC_NAME)
            for kind in world.kinds.values():
                for field, resource_id in kind.resource_ids:
                    if field == "name":
                        self.table.add(resource_id, kind.name, ORIGINAL_RSC_NAME)
                if kind.item is not None:  # a number item's plural fills item messages by its own id
                    for field, resource_id in kind.item.resource_ids:
                        if field == "plural":
                            self.table.add(resource_id, kind.item.plural, ORIGINAL_RSC_NAME)
        self._names: dict[str, tuple[int, int]] = {}  # name -> (dynamic id, holders)

    def id(self, text: str) -> int:
        """The id of a static string (one of the world's or a fixed one); 0 for ""."""
        if not text:
            return 0
        return self._ids[text]

    def text(self, resource_id: int) -> str | None:
        return self.table.text(resource_id)

    def original_id(self, text: str) -> int | None:
        """The original game's id of a text the stock client already has, if any."""
        return self._pinned.get(text)

    def add_name(self, name: str) -> int:
        """A dynamic id for a player's name (sent to clients with its text); the same id
        while anyone holds the name. Pair with :meth:`release_name`."""
        resource_id, holders = self._names.get(name, (0, 0))
        if not holders:
            resource_id = self.table.add_dynamic(name)
        self._names[name] = (resource_id, holders + 1)
        return resource_id

    def release_name(self, name: str) -> None:
        """The holder of a name left: the last one out frees it."""
        resource_id, holders = self._names.get(name, (0, 0))
        if holders > 1:
            self._names[name] = (resource_id, holders - 1)
        elif holders == 1:
            del self._names[name]
            self.table.remove(resource_id)

    def keep_names_of(self, old: ServerResources) -> None:
        """The dynamic names ``old`` hands out, under the same ids (a reload of the
        content: clients already know them by those ids)."""
        self.table.next_dynamic = max(self.table.next_dynamic, old.table.next_dynamic)
        for name, (resource_id, _holders) in old._names.items():
            self.table.add(resource_id, name)
        self._names.update(old._names)

    def held_name(self, name: str) -> int | None:
        """The dynamic id of a name someone holds, if anyone does."""
        held = self._names.get(name)
        return held[0] if held is not None else None

    @property
    def names_held(self) -> int:
        return len(self._names)

    def static_entries(self) -> Iterable[tuple[int, str]]:
        return self.table.entries(RSC_FILE_NAME)

    def write_rsc(self, folder: Path) -> Path:
        """Write the client's copy of our strings; returns its path."""
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / RSC_FILE_NAME
        self.table.write_rsc(path, RSC_FILE_NAME)
        return path
