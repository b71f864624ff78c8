"""The personal family's spells whose effect is code of the server's (forget, eavesdrop):
their figures read from the original's classes and their words by purpose."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from emulator.content.loader import MAX_DESCRIPTION_BYTES
from emulator.importer.original.common import _int
from emulator.importer.original.spells import _POWERS, _Drawn, _line, _run
from emulator.rules.spells import sickness, wards
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
    if name in _WARDS:
        return _ward(importer, cls, table, _WARDS[name])
    if name == "denial":
        return _denial(importer, cls, table)
    if name in ("enfeeble", "dement", "vertigo"):
        return _sickness(importer, cls, table, name)
    if name == "markofdishonor":
        return _dishonor(importer, cls, table)
    if name == "manafocus":
        table["targets"] = 0
        _put(importer, cls, table, {"target": "manafocus_on", "ended": "manafocus_break_trance",
                                    "already_focused": "manafocus_already_enchanted"})
        return "mana_focus"
    return None


def _denial(importer: SpellImport, cls: KodClass, table: dict[str, Any]) -> str | None:
    """denial.kod: on the caster only; its figures are code (``rules.spells.hexes``)."""
    table["targets"] = 0
    _put(importer, cls, table, {"target": "vrEnchantment_On", "ended": "vrEnchantment_Off", "not_wounded": "denial_failed_rsc"})
    return "denial"


#: The wards by class name: their effect names (``emulator.world.spells.wards``).
_WARDS = {"freeaction": "free_action", "eagleeyes": "eagle_eyes", "magicshield": "magic_shield", "armorofgort": "armor_of_gort",
          "deflect": "deflect", "nightvision": "night_vision"}


def _ward(importer: SpellImport, cls: KodClass, table: dict[str, Any], effect: str) -> str | None:
    """A ward (persench.kod): its time read from GetDuration (a drawn straight line of the
    power, or the shields' fixed minutes, checked against the server's), its state checked
    where the handler is plain enough to run, and the personal enchantments' words."""
    for power in _POWERS:
        state = _run(cls, "InitializeEnchantmentState", power)
        if isinstance(state, int) and state != wards.STATES[effect](power):
            return None
    whole = [_run(cls, "GetDuration", power) for power in _POWERS]
    fixed = wards.FIXED_DURATIONS.get(effect)
    if fixed is not None:
        if any(w != fixed(power) for power, w in zip(_POWERS, whole)):
            return None
    else:
        line = _line(whole) if all(isinstance(w, _Drawn) for w in whole) else None
        if line is None:
            return None
        table["duration"] = list(line)
    table["targets"] = 0 if cls.value("vbCanCastOnOthers") == 0 else 1
    success = "vrSucceed" if cls.variable("vrSucceed") is not None else "vrSuccess"
    _put(importer, cls, table, {
        "target": "vrEnchantment_On", "caster": success, "ended": "vrEnchantment_Off",
        "already_on": "vrOtherAlreadyEnchanted", "not_here": "PersonalEnchantment_bad_location",
    })
    if effect == "deflect":  # what the bearer and the attacker read when a spell is turned, or not
        _put(importer, cls, table, {"deflected": "Deflect_success_to_victim", "deflected_back": "Deflect_success_to_caster",
                                    "deflect_failed": "Deflect_failure_to_victim"})
    return effect


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


def _sickness(importer: SpellImport, cls: KodClass, table: dict[str, Any], name: str) -> str | None:
    """enfeeble.kod, dement.kod, Vertigo.kod: their time (a drawn straight line of the power
    for the first two, read; vertigo's checked against the server's), vertigo's amount
    checked, what palsy ends first, and the words (the sickness's own when it starts and ends)."""
    if name == "vertigo":
        for power in _POWERS:
            drawn = _run(cls, "GetDuration", power)
            if _run(cls, "GetAmount", power) != sickness.vertigo_amount(power) or not (
                    isinstance(drawn, _Drawn) and drawn.whole == sickness.vertigo_whole_ms(power)):
                return None
        _put(importer, cls, table, {"dazed": "Vertigo_caster", "target": "Vertigo_on", "ended": "Vertigo_off",
                                    "already_on": "Vertigo_already_enchanted", "not_on_self": "spell_no_self_target"})
        return "vertigo"
    whole = [_run(cls, "GetDuration", power) for power in _POWERS]
    line = _line(whole) if all(isinstance(w, _Drawn) for w in whole) else None
    if line is None:
        return None
    table["duration"] = list(line)
    disease = "palsy" if name == "enfeeble" else "dementia"
    if name == "enfeeble":
        dispels = _int(cls.constant("SID_SUPER_STRENGTH"))
        if dispels is not None:
            table["figures"] = {"dispels": dispels}
    _put(importer, cls, table, {"sensed": f"{name}_cast_rsc", "already_sick": f"{name}_already_enchanted",
                                "not_on_self": "spell_no_self_target", "sick": f"{disease}_start", "ended": f"{disease}_stop"})
    return name


def _dishonor(importer: SpellImport, cls: KodClass, table: dict[str, Any]) -> str | None:
    """dishonor.kod: its fixed time (GetDuration, a straight line of the power), the rest
    threshold's floor and the most evil karma it scales by, and its words."""
    whole = [_run(cls, "GetDuration", power) for power in _POWERS]
    lowest, max_evil = _int(cls.constant("DISHONOR_LOWEST_VIGOR_REST_THRESHOLD")), _int(cls.constant("MAX_EVIL"))
    if not all(isinstance(w, int) for w in whole) or lowest is None or max_evil is None:
        return None
    base, per = whole[0], whole[1] - whole[0]
    if any(w != base + per * power for power, w in zip(_POWERS, whole)):
        return None
    table["figures"] = {"base_ms": base, "per_power_ms": per, "lowest_threshold": lowest, "max_evil": max_evil}
    _put(importer, cls, table, {"target": "MarkOfDishonor_start", "ended": "MarkOfDishonor_stop",
                                "caster": "MarkOfDishonor_success", "already_on": "MarkOfDishonor_already_enchanted",
                                "not_on_self": "MarkOfDishonor_no_self", "vigor_affected": "MarkOfDishonor_vigor_affected"})
    return "dishonor"
