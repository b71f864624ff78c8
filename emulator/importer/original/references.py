"""The last step: numbers to keys across families, and what points nowhere dropped and reported."""

from __future__ import annotations

from emulator.importer.original.common import _line_of
from emulator.importer.original.state import ImportState


class ReferenceImport(ImportState):
    """Treasure, spell, skill and item references resolved."""

    def resolve_references(self) -> None:
        """Numbers to keys (treasure, spells, skills); drop and report what points nowhere."""
        item_keys = set(self.kinds.get("items", {}))
        for family in ("creatures", "npcs"):
            for key, table in self.kinds.get(family, {}).items():
                monster = table["monster"]
                number = monster.pop("treasure_number", None)
                if number is not None:
                    treasure = self.treasure_by_number.get(number)
                    if treasure is None:
                        self.skip("treasure", self.tree.classes[key], _line_of(self.tree.classes[key], "viTreasure_type"), f"treasure type {number} has no table")
                    else:
                        monster["treasure"] = treasure
                shop = table.get("shop")
                if not shop:
                    continue
                cls = self.tree.classes[key]
                if "sells" in shop:
                    kept = [s for s in shop["sells"] if s["kind"] in item_keys]
                    for lost in shop["sells"]:
                        if lost["kind"] not in item_keys:
                            self.skip("shop", cls, cls.line, f"sells {lost['kind']}, which is not an imported item")
                    shop["sells"] = kept
                for field, by_number, what in (("teaches_spells", self.spell_by_number, "spell"), ("teaches_skills", self.skill_by_number, "skill")):
                    if field not in shop:
                        continue
                    keys = []
                    for number in shop.pop(field):
                        found = by_number.get(number)
                        if found is None:
                            self.skip("shop", cls, cls.line, f"teaches {what} number {number}, which is not imported")
                        else:
                            keys.append(found)
                    if keys:
                        shop[field] = keys
                for field in [f for f, v in shop.items() if v == []]:
                    del shop[field]
                if set(shop) <= {"markup"}:
                    del table["shop"]
        for key, spell in self.spells.items():
            if "reagents" in spell:
                kept = [r for r in spell["reagents"] if r["kind"] in item_keys]
                if len(kept) != len(spell["reagents"]):
                    self.skip("spell", self.tree.classes[key], self.tree.classes[key].line, "a reagent is not an imported item")
                spell["reagents"] = kept
                if not kept:
                    del spell["reagents"]
        for key, table in self.treasure.items():
            if "items" in table:
                kept = [e for e in table["items"] if e["kind"] in item_keys]
                for lost in table["items"]:
                    if lost["kind"] not in item_keys:
                        self.skip("treasure", self.tree.classes[key], self.tree.classes[key].line, f"{lost['kind']} is not an imported item")
                table["items"] = kept
                if not kept:
                    del table["items"]
        self.report.counts["NPCs that sell or teach"] = sum(1 for t in self.kinds.get("npcs", {}).values() if "shop" in t)
