"""The personal family's spells whose effect is code of the server's (forget, eavesdrop):
their figures read from the original's classes and their words by purpose."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from emulator.content.loader import MAX_DESCRIPTION_BYTES
from emulator.importer.original.common import _int
from emulator.importer.original.spells import _POWERS, _run
from emulator.rules.spells.hexes import eavesdrop_drain_ms

if TYPE_CHECKING:
    from emulator.importer.blakod import KodClass
    from emulator.importer.original.spells import SpellImport

__all__ = ["recognise"]


def recognise(importer: SpellImport, cls: KodClass, table: dict[str, Any]) -> str | None:
    name = cls.name.casefold()
    if name == "forgetspell":
        return _forget(importer, cls, table)
    if name == "eavesdrop":
        return _eavesdrop(importer, cls, table)
    return None


def _put(importer: SpellImport, cls: KodClass, table: dict[str, Any], words: dict[str, str]) -> None:
    for purpose, resource in words.items():
        importer.texts.put(table, purpose, cls, resource, category="spell", max_bytes=MAX_DESCRIPTION_BYTES)


def _forget(importer: SpellImport, cls: KodClass, table: dict[str, Any]) -> str | None:
    """forget.kod: its time (its two constants), what the victim and the caster read, and
    spell.kod's excuses for a forgotten spell."""
    base, per = _int(cls.constant("FORGET_BASE_TIME")), _int(cls.constant("FORGET_PER_SPELLPOWER"))
    if base is None or per is None:
        return None
    table["figures"] = {"base_ms": base, "per_power_ms": per}
    _put(importer, cls, table, {
        "forgot_ability": "forgetspell_on", "ended": "forgetspell_off", "caster": "forgetspell_caster",
        "not_on_self": "forgetspell_cast_self", "already_forgetful": "forgetspell_already_enchanted",
        "nothing_to_forget": "forgetspell_caster_failed",
        **{f"forgot{n}": f"spell_forgot{n}" for n in range(1, 5)},
    })
    return "forget"


def _eavesdrop(importer: SpellImport, cls: KodClass, table: dict[str, Any]) -> str | None:
    """eavesdrp.kod and its listener (listener.kod): the mana it drains and how often (its
    GetDuration, checked against the server's formula), its words and the listener's."""
    drain = _int(cls.value("viManaDrain"))
    if drain is None or any(_run(cls, "GetDuration", power) != eavesdrop_drain_ms(power) for power in _POWERS):
        return None
    table["figures"] = {"mana_drain": drain}
    table["targets"] = 0  # vbCanCastOnOthers is false: on the caster
    _put(importer, cls, table, {
        "target": "vrEnchantment_On", "ended": "vrEnchantment_Off", "already_on": "vrAlreadyEnchanted",
        "no_rooms": "Eavesdrop_no_rooms",
        "heard_say": "Listener_say_rsc", "heard_emote": "Listener_emote_rsc",
        "heard_enter": "Listener_enters", "heard_leave": "Listener_leaves",
        "heard_name_say": "Listener_name_say_rsc", "heard_name_emote": "Listener_name_emote_rsc",
        "heard_name_enter": "Listener_name_enters", "heard_name_leave": "Listener_name_leaves",
    })
    return "eavesdrop"
