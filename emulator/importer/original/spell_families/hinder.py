"""The hinder family's spells (flash, holy symbol, bait, Kara'hol's curse, hold, gaze of the
basilisk, blind, dazzle, umbrella, final rites, illusionary wounds), recognised by what
their handlers send, with their figures and words; and the traits of monster kinds
these spells read (which kinds are undead: monster.kod IsUndead overridden to say so)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from emulator.content.loader import MAX_DESCRIPTION_BYTES
from emulator.importer.blakod import ast, evaluate
from emulator.importer.blakod import MessageRef
from emulator.importer.blakod.calls import find_calls, find_sends
from emulator.importer.original.spells import _Drawn, _run, _sent
from emulator.rules.spells import hinder as rules

if TYPE_CHECKING:
    from emulator.importer.blakod import KodClass
    from emulator.importer.original.spells import SpellImport

__all__ = ["monster_traits", "recognise"]

#: The powers the coded figures are checked at.
_POWERS = range(0, 121)


def recognise(importer: SpellImport, cls: KodClass, table: dict[str, Any]) -> str | None:
    cast = _sent(cls, "CastSpell")
    names = [c.name.casefold() for c in cls.ancestry()]
    if {"breaktrance", "dohold", "effectsenduserduration"} <= cast and table.get("targets") == 0:  # flash.kod
        return "flash"
    if "turnedby" in cast and table.get("targets") == 0:  # holysymb.kod
        margin = cls.scope().lookup("HATE_MARGIN")
        if isinstance(margin, int):
            table.setdefault("figures", {})["hate_margin"] = margin
        return "holy_symbol"
    if {"targetswitch", "enterstatechase"} <= cast and table.get("targets") == 0 and "startenchantment" not in cast:  # bait.kod
        return "bait"
    if "personalenchantment" in names and "dohold" in _sent(cls, "EndEnchantment") and "addattackmodifier" in cast:
        return _karahols_curse(importer, cls, table)
    if "dohold" in cls.messages and "startenchantment" in cast:  # hold.kod
        return _hold(importer, cls, table)
    if "personalenchantment" in names and "dohold" in _sent(cls, "ModifyDefensePower"):  # gaze.kod
        return _gaze(importer, cls, table)
    if "personalenchantment" in names and "isundead" in _sent(cls, "ModifyDefenseDamage"):  # umbrella.kod
        return _umbrella(importer, cls, table)
    if "isundead" in _sent(cls, "GetTargets") and "assessdamage" in cast:  # finlrite.kod
        return _final_rites(importer, cls, table)
    if "attackspell" in names and "gethploss" in cls.messages and "startenchantment" in cast:  # illwound.kod
        return _illusionary_wounds(importer, cls, table)
    for handler, effect in (("doblind", "blind"), ("dodazzle", "dazzle")):  # blind.kod, Dazzle.kod
        if handler in cls.messages and table.get("targets") == 1:
            return _blinding(importer, cls, table, handler, effect)
    return None


def _karahols_curse(importer: SpellImport, cls: KodClass, table: dict[str, Any]) -> str | None:
    """karahol.kod: its time must be the one the rules compute (else it is not run)."""
    if any(_run(cls, "GetDuration", power) != rules.karahol_duration_ms(power) for power in _POWERS):
        return None
    table["targets"] = 0  # on its caster only (vbCanCastOnOthers)
    for purpose, variable in (("target", "vrEnchantment_On"), ("ended", "vrEnchantment_Off"), ("already_self", "vrAlreadyEnchanted")):
        importer.texts.put(table, purpose, cls, variable, category="spell", max_bytes=MAX_DESCRIPTION_BYTES)
    return "karahols_curse"


def _gaze(importer: SpellImport, cls: KodClass, table: dict[str, Any]) -> str | None:
    """gaze.kod: its time, a second a point of power, must be the one its GetDuration
    gives; its words when it starts and ends, to the one who meets it and to its bearer."""
    if any(_run(cls, "GetDuration", power) != max(1, power) * 1000 for power in _POWERS[1:]):
        return None
    table["targets"] = 0  # on its caster only (vbCanCastOnOthers)
    for purpose, variable in (("target", "vrEnchantment_On"), ("ended", "vrEnchantment_Off")):
        importer.texts.put(table, purpose, cls, variable, category="spell", max_bytes=MAX_DESCRIPTION_BYTES)
    told: dict[str, list[str]] = {}
    for site in _sites(cls, "ModifyDefensePower", "send"):
        receiver = site.call.positional[0] if site.call.positional else None
        resource = {k.casefold(): v for k, v in site.call.named.items()}.get("message_rsc")
        if isinstance(receiver, ast.Name) and isinstance(resource, ast.Name):
            told.setdefault(receiver.name.casefold(), []).append(resource.name)
    if "what" in told:  # the one who met the gaze
        importer.texts.put(table, "gazed", cls, told["what"][0], category="spell", max_bytes=MAX_DESCRIPTION_BYTES)
    if "who" in told:  # its bearer, naming who froze (its last words there; the first is for the soulless)
        importer.texts.put(table, "done_to", cls, told["who"][-1], category="spell", max_bytes=MAX_DESCRIPTION_BYTES)
    return "gaze"


def _umbrella(importer: SpellImport, cls: KodClass, table: dict[str, Any]) -> str | None:
    """umbrella.kod: its whole time a straight line of the power (drawn between half and
    all of it), its defence and its share of an undead's blow as figures; its words."""
    whole = [_run(cls, "GetDuration", power) for power in _POWERS]
    if not all(isinstance(w, _Drawn) for w in whole):
        return None
    base, per = whole[0].whole, whole[1].whole - whole[0].whole
    if any(w.whole != base + per * p for p, w in zip(_POWERS, whole)):
        return None
    table["duration"] = [base, per]
    table["targets"] = 0  # on its caster only (vbCanCastOnOthers)
    for figure, variable in (("defense", "viDefensePowerIncrease"), ("reduction_factor", "viDamageReduction_Factor")):
        value = cls.value(variable)
        if isinstance(value, int):
            table.setdefault("figures", {})[figure] = value
    for purpose, variable in (("target", "vrEnchantment_On"), ("ended", "vrEnchantment_Off"), ("already_self", "vrAlreadyEnchanted")):
        importer.texts.put(table, purpose, cls, variable, category="spell", max_bytes=MAX_DESCRIPTION_BYTES)
    return "umbrella"


def _final_rites(importer: SpellImport, cls: KodClass, table: dict[str, Any]) -> str:
    """finlrite.kod: the words the room reads (SomeoneSaid's string), its holy spell type."""
    for site in find_sends(cls, "SomeoneSaid", "CastSpell"):
        said = {k.casefold(): v for k, v in site.call.named.items()}.get("string")
        if isinstance(said, ast.Name):
            importer.texts.put(table, "seen", cls, said.name, category="spell", max_bytes=MAX_DESCRIPTION_BYTES)
    holy = importer.tree.constant("ATCK_SPELL_HOLY")
    if isinstance(holy, int):
        table["damage_spell"] = holy
    return "final_rites"


def _illusionary_wounds(importer: SpellImport, cls: KodClass, table: dict[str, Any]) -> str | None:
    """illwound.kod: the attack spells an illusion may show (the SID_ numbers its cast looks
    up, as ``illusion_<n>`` figures), its reach, its words when the wounds heal."""
    found = []
    for site in find_calls(cls, "Send", "CastSpell"):
        message = site.arg(1)
        if isinstance(message, MessageRef) and message.name.casefold() == "findspellbynum":
            expression = {k.casefold(): v for k, v in site.call.named.items()}.get("num")
            value = evaluate(expression, cls.scope()) if expression is not None else None
            if isinstance(value, int):
                found.append(value)
    if not found:
        return None
    figures = table.setdefault("figures", {})
    for index, number in enumerate(found, start=1):
        figures[f"illusion_{index}"] = number
    reach = cls.value("piRange")
    if isinstance(reach, int):
        table["range"] = reach
    sends = _messages_sent(cls)
    for purpose, key in (("illusion", ("castspell", "who")), ("ended", ("endenchantmenteffects", "who"))):
        resource = sends.get(key)
        if resource is not None:
            importer.texts.put(table, purpose, cls, resource, category="spell", max_bytes=MAX_DESCRIPTION_BYTES)
    return "illusionary_wounds"


def _hold(importer: SpellImport, cls: KodClass, table: dict[str, Any]) -> str:
    """hold.kod: its words when it takes, wears off, and to the caster; every hold of the
    family (flash's, Kara'hol's) is this spell's enchantment and reads them."""
    sends = _messages_sent(cls)
    for purpose, (handler, receiver) in {"done_to": ("CastSpell", "who"), "already_on": ("CanPayCosts", "who"),
                                         "target": ("DoHold", "otarget"), "ended": ("EndEnchantment", "who")}.items():
        resource = sends.get((handler.casefold(), receiver))
        if resource is not None:
            importer.texts.put(table, purpose, cls, resource, category="spell", max_bytes=MAX_DESCRIPTION_BYTES)
    importer.texts.put(table, "not_on_self", cls, "spell_no_self_target", category="spell", max_bytes=MAX_DESCRIPTION_BYTES)
    return "hold"


def _blinding(importer: SpellImport, cls: KodClass, table: dict[str, Any], handler: str, effect: str) -> str:
    """blind.kod, Dazzle.kod: their words, and eagle eyes' when it repels or shortens them
    (Eagleyes.kod DoEagleEyes, with its resist percent as a figure)."""
    sends = _messages_sent(cls)
    for purpose, (sender, receiver) in {"done_to": (handler, "what"), "already_on": ("canpaycosts", "who"),
                                        "target": (handler, "otarget"), "ended": ("endenchantment", "who")}.items():
        resource = sends.get((sender, receiver))
        if resource is not None:
            importer.texts.put(table, purpose, cls, resource, category="spell", max_bytes=MAX_DESCRIPTION_BYTES)
    importer.texts.put(table, "not_on_self", cls, "spell_no_self_target", category="spell", max_bytes=MAX_DESCRIPTION_BYTES)
    eagle = next((c for c in importer.tree.subclasses_of("Spell") if "doeagleeyes" in c.messages), None)
    if eagle is not None:
        percent = eagle.scope().lookup("SPELL_RESIST_PERCENT")
        if isinstance(percent, int):
            table.setdefault("figures", {})["resist_percent"] = percent
        for purpose, receiver in (("evaded", "otarget"), ("evaded_caster", "ocaster")):
            resource = _messages_sent(eagle).get(("doeagleeyes", receiver))
            if resource is not None:
                importer.texts.put(table, purpose, eagle, resource, category="spell", max_bytes=MAX_DESCRIPTION_BYTES)
        for purpose, receiver in (("resisted", "otarget"), ("resisted_caster", "ocaster")):
            resource = _messages_sent(eagle, "post").get(("doeagleeyes", receiver))
            if resource is not None:
                importer.texts.put(table, purpose, eagle, resource, category="spell", max_bytes=MAX_DESCRIPTION_BYTES)
    return effect


def _messages_sent(cls: KodClass, how: str = "send") -> dict[tuple[str, str], str]:
    """The first resource each handler of the class sends (or posts) with MsgSendUser, by
    (handler, receiver), both casefolded."""
    found: dict[tuple[str, str], str] = {}
    for handler in cls.messages:
        for site in _sites(cls, handler, how):
            receiver = site.call.positional[0] if site.call.positional else None
            resource = {k.casefold(): v for k, v in site.call.named.items()}.get("message_rsc")
            if isinstance(receiver, ast.Name) and isinstance(resource, ast.Name) and not resource.name.casefold().startswith("spell_"):
                found.setdefault((handler.casefold(), receiver.name.casefold()), resource.name)
    return found


def _sites(cls: KodClass, handler: str, how: str) -> list[Any]:
    """The MsgSendUser calls of a handler made with Send (or Post)."""
    from emulator.importer.blakod import MessageRef
    from emulator.importer.blakod.calls import find_calls

    wanted = MessageRef("MsgSendUser")
    return [site for site in find_calls(cls, how.capitalize(), handler)
            if isinstance(message := site.arg(1), MessageRef) and message.name.casefold() == wanted.name.casefold()]


def monster_traits(cls: KodClass) -> list[str]:
    """What the spells of this family read of a monster kind beyond its behaviour flags:
    ``undead`` when the nearest IsUndead of its classes returns TRUE; ``faction_troop`` for
    a faction's troops (bait.kod: player-like, they fall for bait less)."""
    troop = ["faction_troop"] if any(c.name.casefold() == "factiontroop" for c in cls.ancestry()) else []
    return _undead(cls) + troop


def _undead(cls: KodClass) -> list[str]:
    for owner in cls.ancestry():
        handler = owner.messages.get("isundead")
        if handler is None:
            continue
        body = [s for s in handler.body if isinstance(s, ast.Return)]
        value = body[0].value if body else None
        return ["undead"] if value is not None and evaluate(value, owner.scope()) == 1 else []
    return []
