"""The state one import run shares between its families (rooms, kinds, spells, treasure)."""

from __future__ import annotations

from typing import Any

import attrs

from emulator.importer.blakod import KodClass, KodTree
from emulator.importer.original.common import _key, _Texts
from emulator.importer.original.report import ImportReport
from emulator.importer.original.sources import SourceCopy
from emulator.world.roofile import RoomGeometry


@attrs.define(slots=False)
class ImportState:
    """What the import has gathered so far; each family of the import adds to it."""

    tree: KodTree
    source: SourceCopy
    report: ImportReport = attrs.field(factory=ImportReport)
    rooms: dict[str, dict[str, Any]] = attrs.field(factory=dict)
    kinds: dict[str, dict[str, dict[str, Any]]] = attrs.field(factory=dict)  # file stem -> key -> table
    placed: list[dict[str, Any]] = attrs.field(factory=list)
    spells: dict[str, dict[str, Any]] = attrs.field(factory=dict)
    skills: dict[str, dict[str, Any]] = attrs.field(factory=dict)
    treasure: dict[str, dict[str, Any]] = attrs.field(factory=dict)
    start: dict[str, Any] = attrs.field(factory=dict)
    messages: dict[str, Any] = attrs.field(factory=dict)  # messages.toml: [texts], [kinds]

    def __attrs_post_init__(self) -> None:
        self.texts = _Texts(self.report, self.source.root)
        self.geometry: dict[str, RoomGeometry] = {}
        self.room_by_number: dict[int, str] = {}
        self.room_classes: dict[str, KodClass] = {}
        self.kind_family: dict[str, str] = {}  # kind key -> file stem
        self.wanted_kinds: dict[str, tuple[KodClass, int]] = {}
        self.spell_by_number: dict[int, str] = {}
        self.skill_by_number: dict[int, str] = {}
        self.treasure_by_number: dict[int, str] = {}
        self.variant_tables: dict[str, dict[str, Any]] = {}
        self.variant_cache: dict[str, dict[int, tuple[str, dict[str, Any]]]] = {}

    def skip(self, category: str, cls: KodClass | None, line: int | None, why: str) -> None:
        self.report.skip(category, cls, line, why, self.source.root)

    def room_class(self, key: str) -> KodClass:
        return self.room_classes[key]

    def want_kind(self, class_name: str, where: KodClass, line: int) -> str | None:
        if class_name not in self.tree.classes:
            self.skip("object", where, line, f"unknown class {class_name}")
            return None
        cls = self.tree.classes[class_name]
        key = _key(cls.name)
        self.wanted_kinds.setdefault(key, (where, line))
        return key
