"""The spells that see: seance, cloak and foresight (``emulator.world.spells.divination``).
Each is known by what its code asks of the world; its words come by the resources its
handlers send, its figures from its constants and the rooms' classes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from emulator.content.loader import MAX_DESCRIPTION_BYTES
from emulator.importer.original.common import _int
from emulator.importer.original.spells import _Drawn, _constant_return, _line, _run, _sent, _POWERS
from emulator.rules.spells.divination import cloak_factor

if TYPE_CHECKING:
    from emulator.importer.blakod import KodClass
    from emulator.importer.original.spells import SpellImport

#: Seance's words by purpose: the part of the resource's name that tells it.
_SEANCE_WORDS = {"no_murderer": "no_murderer", "found": "i_see_you", "cloaked": "cloaked_target",
                 "casting": "casting", "location": "target_location"}

#: Foresight's words by purpose, and the constant each ability word is said below.
_FORESIGHT_WORDS = {
    "info": "Foresight_info", "ability": "Foresight_abil_name", "last_ability": "Foresight_last_abil_name",
    "one": "Foresight_one", "nothing": "Foresight_nothing", "not_player": "Foresight_notplayer",
    "master_of": "Foresight_MasterOf",
}
_FORESIGHT_LEVELS = {
    "knows_of": ("Foresight_KnowsOf", "MAX_PERCENT_KNOWS"),
    "adequate_at": ("Foresight_AdequateAt", "MAX_PERCENT_ADEQUATE"),
    "mediocre_at": ("Foresight_MediocreAt", "MAX_PERCENT_MEDIOCRE"),
    "good_at": ("Foresight_GoodAt", "MAX_PERCENT_GOOD"),
    "practitioner_of": ("Foresight_PractitionerOf", "MAX_PERCENT_PRACTITIONER"),
    "great_at": ("Foresight_GreatAt", "MAX_PERCENT_GREAT"),
}


def recognise(importer: SpellImport, cls: KodClass, table: dict[str, Any]) -> str | None:
    cast = _sent(cls, "CastSpell")
    if "getlastmurderer" in cast and "getwrongroom" in cast:
        return _seance(importer, cls, table)
    if "getwrongroom" in {name.casefold() for name in cls.messages}:
        return _cloak(importer, cls, table)
    if {"getspelllist", "getskilllist", "decodespellnum"} <= cast:
        return _foresight(importer, cls, table)
    return None


def _put(importer: SpellImport, cls: KodClass, table: dict[str, Any], purpose: str, resource: str) -> bool:
    return importer.texts.put(table, purpose, cls, resource, category="spell", max_bytes=MAX_DESCRIPTION_BYTES)


def _seance(importer: SpellImport, cls: KodClass, table: dict[str, Any]) -> str | None:
    for purpose, part in _SEANCE_WORDS.items():
        resource = next((name for name in cls.resources if part in name), None)
        if resource is None or not _put(importer, cls, table, purpose, resource):
            return None
    figures: dict[str, int] = table.setdefault("figures", {})
    # the rooms whose SeanceCheck says no are never named by a misled seance
    for key, room_cls in importer.room_classes.items():
        number = importer.rooms.get(key, {}).get("number")
        if number is not None and _constant_return(room_cls, "SeanceCheck") == 0:
            figures[f"unseen_{number}"] = 1
    fallback = _int(cls.constant("RID_TOS_INN"))
    if fallback is None:
        return None
    figures["fallback_room"] = fallback
    table["targets"] = 0
    return "seance"


def _cloak(importer: SpellImport, cls: KodClass, table: dict[str, Any]) -> str | None:
    if any(_run(cls, "InitializeEnchantmentState", power) != cloak_factor(power) for power in _POWERS):
        return None  # its factor is not the one the server computes
    whole = [_run(cls, "GetDuration", power) for power in _POWERS]
    duration = _line(whole) if all(isinstance(w, _Drawn) for w in whole) else None
    if duration is None:
        return None
    table["duration"] = list(duration)
    table["targets"] = 1 if cls.value("vbCanCastOnOthers") != 0 else 0
    for purpose, variable in (("target", "vrEnchantment_On"), ("caster", "vrSuccess"),
                              ("ended", "vrEnchantment_Off"), ("already_on", "vrOtherAlreadyEnchanted"),
                              ("not_here", "PersonalEnchantment_bad_location")):
        _put(importer, cls, table, purpose, variable)
    return "cloak"


def _foresight(importer: SpellImport, cls: KodClass, table: dict[str, Any]) -> str | None:
    for purpose, resource in _FORESIGHT_WORDS.items():
        if not _put(importer, cls, table, purpose, resource):
            return None
    figures: dict[str, int] = table.setdefault("figures", {})
    for purpose, (resource, limit) in _FORESIGHT_LEVELS.items():
        value = _int(cls.constant(limit))
        if value is None or not _put(importer, cls, table, purpose, resource):
            return None
        figures[purpose] = value
    return "foresight"
