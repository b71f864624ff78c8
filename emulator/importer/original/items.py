"""Item kinds: the numbers of an item (weight, bulk, value, weapon and armour figures)."""

from __future__ import annotations

from typing import Any

from emulator.importer.blakod import KodClass
from emulator.importer.original.common import _int
from emulator.importer.original.state import ImportState


class ItemImport(ImportState):
    """The item section of an item kind."""

    def item_section(self, cls: KodClass) -> dict[str, Any]:
        section: dict[str, Any] = {}
        fields = (
            ("weight", "viWeight"),
            ("bulk", "viBulk"),
            ("value", "viValue_average"),
            ("use_type", "viUse_type"),
            ("item_type", "viItem_type"),
            ("use_amount", "viUse_amount"),
            ("hits_min", "viHits_init_min"),
            ("hits_max", "viHits_init_max"),
            ("defense", "viDefense_base"),
            ("damage_reduce", "viDamage_base"),
            ("weapon_type", "viWeaponType"),
            ("weapon_quality", "viWeaponQuality"),
            ("proficiency", "viProficiency_needed"),
            ("spell_modifier", "viSpell_modifier"),
        )
        for field, variable in fields:
            value = _int(cls.value(variable))
            if value is not None and cls.variable(variable) is not None:
                section[field] = value
        ground_group = _int(cls.value("viGround_group"))  # the bitmap group shown on the ground
        if ground_group is not None and ground_group != 1:
            section["ground_group"] = ground_group
        if cls.is_a("NumberItem"):
            section["stacks"] = True
            number = _int(cls.value("piNumber"))  # how many one Create() makes
            if number is not None and number >= 1:
                section["number"] = number
            self.texts.put(section, "plural", cls, "vrName_plural", category="items")
        return section
