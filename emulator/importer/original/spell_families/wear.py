"""The spells on a weapon's wear: mend (its CastSpell sets an item's most hits and its
hits) and brittle (its CastSpell sets the hits of the weapon a player wields, looked up
with LookupPlayerWeapon). Their words come from their own messages; mend also carries
the weapons' words of wear from the weapon class (the condition a look tells, the words
when one breaks or is found broken) and the item class's article before them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from emulator.importer.original.spell_families.itemspells import _message_resources, _put, find_sends_any

if TYPE_CHECKING:
    from emulator.importer.blakod import KodClass
    from emulator.importer.original.spells import SpellImport

__all__ = ["recognise"]

#: mend.kod's messages by what their resource names say.
_MEND_WORDS = (("not_weaponry", "item_cannot"), ("beyond", "beyond_salvage"), ("full", "perfect"), ("working", "mended"))
#: brittle.kod's messages by what their resource names say.
_BRITTLE_WORDS = (("nothing", "nothing"), ("cast", "weapon_dulled"), ("succeed", "dulled"))
#: The weapon class's words of wear (classvars and resources), by purpose.
_WEAR_WORDS = (
    ("condition_excellent", "vrCondition_exc"), ("condition_mended", "vrCondition_exc_mended"),
    ("condition_good", "vrCondition_good"), ("condition_worn", "vrCondition_med"), ("condition_poor", "vrCondition_poor"),
    ("condition_broken", "vrCondition_broken"), ("weapon_broke", "vrWeaponBroke"), ("already_broken", "weapon_already_broken"),
)


def _class(importer: SpellImport, name: str) -> KodClass | None:
    return next((c for c in importer.tree.classes.values() if c.name.casefold() == name), None)


def _words(importer: SpellImport, cls: KodClass, table: dict[str, Any], handlers: tuple[str, ...],
           by_name: tuple[tuple[str, str], ...]) -> None:
    for handler in handlers:
        for resource in _message_resources(cls, handler):
            purpose = next((p for part, p in by_name if part in resource.casefold()), None)
            if purpose is not None:
                _put(importer, table, purpose, cls, resource)


def recognise(importer: SpellImport, cls: KodClass, table: dict[str, Any]) -> str | None:
    sends = {site.arg(1).name.casefold() for site in find_sends_any(cls, "CastSpell")}
    if "setmaxhits" in sends and "sethits" in sends:
        _words(importer, cls, table, ("CanPayCosts", "CastSpell"), _MEND_WORDS)
        weapon, item = _class(importer, "weapon"), _class(importer, "item")
        if weapon is not None:
            for purpose, variable in _WEAR_WORDS:
                _put(importer, table, purpose, weapon, variable)
        if item is not None:
            _put(importer, table, "condition_this", item, "vrPoss_article")
        return "mend_item"
    if "sethits" in sends and "lookupplayerweapon" in sends:
        _words(importer, cls, table, ("CanPayCosts", "CastSpell"), _BRITTLE_WORDS)
        return "brittle_weapon"
    return None
