"""Object kinds: which classes become creature, NPC, item and other kinds, and the table of each."""

from __future__ import annotations

from typing import Any

from emulator.content.loader import MAX_DESCRIPTION_BYTES
from emulator.importer.blakod import KodClass
from emulator.importer.original.common import _has_children, _int, _key
from emulator.importer.original.creatures import CreatureImport, _is_npc
from emulator.importer.original.items import ACTIVATE_YES, ItemImport


class KindImport(CreatureImport, ItemImport):
    """Every kind with a name and icon, by family."""

    def import_kinds(self) -> None:
        """Every creature, town NPC and item class with a name and icon; ornaments that rooms place."""
        families: list[tuple[str, list[KodClass]]] = [
            ("creatures", [c for c in self.tree.subclasses_of("Monster") if not _is_npc(c)]),
            ("npcs", [c for c in self.tree.subclasses_of("Monster") if _is_npc(c)]),
            ("items", self.tree.subclasses_of("Item")),
        ]
        seen: set[str] = set()
        for family, classes in families:
            for cls in sorted(classes, key=lambda c: c.name.casefold()):
                key = _key(cls.name)
                if key in seen:
                    continue
                if _has_children(cls) and key not in self.wanted_kinds and not ({"vrname", "vricon"} & set(cls.classvars)):
                    continue  # a family of kinds without a look of its own (e.g. Towns)
                table = self.kind_table(cls, family, report=True)
                if table is None:
                    continue
                seen.add(key)
                self.kinds.setdefault(family, {})[key] = table
                self.kind_family[key] = family
        for key, (where, line) in sorted(self.wanted_kinds.items()):
            if key in seen:
                continue
            cls = self.tree.classes[key]
            table = self.kind_table(cls, "kinds", report=False)
            if table is None:
                self.skip("object", where, line, f"{cls.name} has no name or icon resource of its own")
                continue
            seen.add(key)
            self.kinds.setdefault("kinds", {})[key] = table
            self.kind_family[key] = "kinds"
        for key, table in sorted(self.variant_tables.items()):
            if key not in seen:
                seen.add(key)
                self.kinds.setdefault("kinds", {})[key] = table
                self.kind_family[key] = "kinds"
        # Drop references to kinds that could not be imported.
        for room_key, room in self.rooms.items():
            if "monsters" in room:
                room["monsters"] = [m for m in room["monsters"] if m["kind"] in seen]
                if not room["monsters"]:
                    del room["monsters"]
        self.placed = [entry for entry in self.placed if entry["kind"] in seen]
        self.report.counts["creature kinds"] = len(self.kinds.get("creatures", {}))
        self.report.counts["town NPC kinds"] = len(self.kinds.get("npcs", {}))
        self.report.counts["NPCs that sell or teach"] = sum(1 for t in self.kinds.get("npcs", {}).values() if "shop" in t)
        self.report.counts["item kinds"] = len(self.kinds.get("items", {}))
        self.report.counts["other kinds"] = len(self.kinds.get("kinds", {}))
        self.report.counts["placed objects"] = len(self.placed)

    def kind_table(self, cls: KodClass, family: str, report: bool) -> dict[str, Any] | None:
        table: dict[str, Any] = {}
        has_name = self.texts.put(table, "name", cls, "vrName", category=family)
        has_icon = self.texts.put(table, "icon", cls, "vrIcon", category=family, file_suffixes=(".bgf",))
        if not has_name or not has_icon:
            if report and cls.resource("vrName") is not None and not self.tree.children_of(cls.name):
                self.skip(family, cls, cls.line, "no usable name or icon")
            return None
        self.texts.put(table, "description", cls, "vrDesc", category=family, max_bytes=MAX_DESCRIPTION_BYTES, multiline=True)
        if family in ("creatures", "npcs"):
            table["moveon"] = "no"
            if family == "creatures":
                table["flags"] = ["attackable"]
            table["monster"] = self.monster_section(cls)
            if family == "npcs":
                shop = self.shop_section(cls)
                if shop:
                    table["shop"] = shop
        elif family == "items" or cls.is_a("Item"):
            table["flags"] = self.item_flags(cls)
            table["item"] = self.item_section(cls)
        elif (_int(cls.value("viObject_flags")) or 0) & ACTIVATE_YES:
            table["flags"] = ["activatable"]  # it does something in code when worked (levers, bells)
        return table
