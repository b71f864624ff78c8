"""Treasure tables: which items a treasure type drops, and how often."""

from __future__ import annotations

from typing import Any

from emulator.importer.blakod import ClassRef, find_assignments
from emulator.importer.original.common import _handler_class, _int, _ints, _key
from emulator.importer.original.state import ImportState


class TreasureImport(ImportState):
    """Treasure tables, by number."""

    def import_treasure(self) -> None:
        for cls in sorted(self.tree.subclasses_of("TreasureType"), key=lambda c: c.name.casefold()):
            number = _int(cls.value("piTreasure_num"))
            if number is None:
                self.skip("treasure", cls, cls.line, "no treasure number")
                continue
            owner = _handler_class(cls, "Constructed", "plTreasure")
            entries: list[dict[str, Any]] = []
            if owner is not None:
                site = find_assignments(owner, "plTreasure", "Constructed")[-1]
                if isinstance(site.value, tuple):
                    for item in site.value:
                        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], ClassRef) and _int(item[1]) is not None:
                            entries.append({"kind": _key(item[0].name), "weight": _ints(item[1:2])[0]})
                        else:
                            self.skip("treasure", owner, site.line, "treasure entry is not [&Class, weight]")
                else:
                    self.skip("treasure", owner, site.line, "plTreasure is computed in code")
            table: dict[str, Any] = {"number": number}
            if entries:
                table["items"] = entries
            self.treasure[_key(cls.name)] = table
            self.treasure_by_number[number] = _key(cls.name)
        self.report.counts["treasure tables"] = len(self.treasure)
