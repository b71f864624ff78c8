"""The spells on items: a spell whose cast gives an item one of the item attributes the
server runs (``emulator.world.item_attributes``), found by the attribute its CastSpell
asks the system for (FindItemAttByNum with IA_MADE, WA_GLOWING, WA_ENCHANTED,
WA_ATTACKSPELLTYPE, WA_CURSED), and the spell that strips cursed items off a player (its
CastSpell sends RemoveCurseAllItems).

Its words come from the spell's own messages (what the caster and the target read, why
it is refused) and from the attribute's class (the attribute's description on a look, the
words when it wears off, a curse's words when the weapon will not leave the hand).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from emulator.content.loader import MAX_DESCRIPTION_BYTES
from emulator.importer.blakod import ast
from emulator.importer.blakod.calls import find_assignments, find_calls, find_sends
from emulator.importer.blakod.evaluate import ClassRef, ResourceRef

if TYPE_CHECKING:
    from emulator.importer.blakod import KodClass
    from emulator.importer.original.spells import SpellImport

__all__ = ["recognise"]

#: The attribute constant a cast asks for, to the effect that runs it.
_EFFECT_BY_ATTRIBUTE = {
    "ia_made": "create_weapon",
    "wa_glowing": "glow_weapon",
    "wa_enchanted": "dedicate_weapon",
    "wa_attackspelltype": "dedicate_weapon",
    "wa_cursed": "curse_weapon",
    "ia_shroud": "shroud_item",
}

#: A refusal's words by what its resource name says (CanPayCosts): the first match.
_REFUSALS = (
    ("no_weapon", "no_weapon"), ("already_stronger", "already_stronger"), ("already_done", "item_already"),
    ("no_can", "item_cannot"), ("fails", "item_cannot"), ("bad_target", "no_curse"),
)


def _named(call: ast.Call, name: str) -> ast.Expression | None:
    return {k.casefold(): v for k, v in call.named.items()}.get(name)


def _attribute_asked(cls: KodClass) -> str | None:
    """The attribute constant (casefolded name) CastSpell asks the system for."""
    for site in find_sends(cls, "FindItemAttByNum", "CastSpell"):
        number = _named(site.call, "num")
        if isinstance(number, ast.Name) and number.name.casefold() in _EFFECT_BY_ATTRIBUTE:
            return number.name.casefold()
    return None


def _attribute_class(importer: SpellImport, cls: KodClass, constant: str) -> KodClass | None:
    """The item attribute class whose number is the constant's."""
    number = cls.constant(constant)
    for found in importer.tree.subclasses_of("ItemAttribute"):
        if found.value("viItem_Att_Num") == number:
            return found
    return None


def _put(importer: SpellImport, table: dict[str, Any], purpose: str, cls: KodClass, resource: str) -> None:
    if purpose not in table:
        importer.texts.put(table, purpose, cls, resource, category="spell", max_bytes=MAX_DESCRIPTION_BYTES)


def _message_resources(cls: KodClass, handler: str) -> list[str]:
    """The resources a handler's MsgSendUser calls send, in order."""
    found = []
    for site in find_sends(cls, "MsgSendUser", handler):
        resource = _named(site.call, "message_rsc")
        if isinstance(resource, ast.Name):
            found.append(resource.name)
    return found


def _attribute_words(importer: SpellImport, table: dict[str, Any], attribute: KodClass, spell_type: int) -> None:
    """The attribute's description, its words when it wears off and a curse's clinging."""
    if spell_type:  # waspellt.kod describes each spell type by its own resource (holy, unholy...)
        kind = next((name for name in ("holy", "unholy") if spell_type == attribute.constant(f"ATCK_SPELL_{name}")), "")
        if kind:
            _put(importer, table, "item_desc", attribute, f"iaSpelltype_{kind}")
    else:
        _put(importer, table, "item_desc", attribute, "vrDesc")
    for handler in ("TimerExpired", "RemoveFromItem", "RemoveEffects"):
        for resource in _message_resources(attribute, handler):
            _put(importer, table, "item_ended", attribute, resource)
    for resource in _message_resources(attribute, "ItemReqUnuse"):
        _put(importer, table, "item_clings", attribute, resource)
    if attribute.value("viItem_Att_Num") == attribute.constant("WA_CURSED"):  # given unidentified: the generic words
        _put(importer, table, "item_unknown", attribute, "itematt_generic")


def recognise(importer: SpellImport, cls: KodClass, table: dict[str, Any]) -> str | None:
    sends = {site.arg(1).name.casefold() for site in find_sends_any(cls, "CastSpell")}
    if "removecurseallitems" in sends:
        for resource in _message_resources(cls, "CastSpell"):
            _put(importer, table, "cast_on" if resource.casefold().startswith("spell_") else "target", cls, resource)
        for resource in _message_resources(cls, "CanPayCosts"):
            if not resource.casefold().startswith("spell_"):
                _put(importer, table, "no_curse", cls, resource)
        return "remove_curse"
    if "sendlook" in sends and "revealhiddenattributes" in sends:
        return _identify(importer, cls, table)  # a look that shows what is hidden (identify, reveal)
    if "doshatter" in sends:
        return _taking(importer, cls, table, "shatter_items")
    if "getrandomitem" in sends and "canswap" in sends:
        return _taking(importer, cls, table, "swap_items")
    if "newhold" in sends and "getlongevity" in cls.messages:
        return _spiritual_weapon(importer, cls, table)
    constant = _attribute_asked(cls)
    if constant is None:
        return None
    effect = _EFFECT_BY_ATTRIBUTE[constant]
    attribute = _attribute_class(importer, cls, constant)
    if attribute is None:
        return None
    spell_type = 0
    for site in find_sends(cls, "AddToItem", "CastSpell"):
        state = _named(site.call, "state1")
        if constant == "wa_attackspelltype" and isinstance(state, ast.Name):
            found = cls.constant(state.name)
            spell_type = found if isinstance(found, int) else 0
    if constant == "wa_attackspelltype" and not spell_type:
        return None  # a spell type the server does not tell
    if spell_type:
        table.setdefault("figures", {})["spell_type"] = spell_type
    for handler in ("CanPayCosts", "CastSpell"):  # the refusals first: a cast may check again
        for resource in _message_resources(cls, handler):
            name = resource.casefold()
            purpose = next((p for part, p in _REFUSALS if part in name), None)
            if purpose is not None:
                _put(importer, table, purpose, cls, resource)
    for resource in _message_resources(cls, "CastSpell"):
        name = resource.casefold()
        if any(part in name for part, _ in _REFUSALS):
            continue
        if name.startswith("spell_"):
            if "resists" in name:  # the weapon will not take it
                _put(importer, table, "resists", cls, resource)
        elif effect == "create_weapon":
            _put(importer, table, "hands_full" if "full" in name else "made", cls, resource)
        else:
            _put(importer, table, "dedicated" if effect in ("dedicate_weapon", "shroud_item") else "item_done", cls, resource)
    if effect == "glow_weapon":  # the owner of a glowing weapon reads "Your" where the caster reads its article
        for site in find_sends(cls, "MsgSendUser", "CastSpell"):
            parm = _named(site.call, "parm1")
            if isinstance(parm, ast.Name) and cls.resource(parm.name) is not None:
                _put(importer, table, "your", cls, parm.name)
    _attribute_words(importer, table, attribute, spell_type)
    return effect


#: A shatter's or a swap's words by what their resource names say: the first match.
_TAKING_WORDS = (
    ("failed_caster", "point_failed"), ("failed_target", "pointed_at"), ("failed_victim", "pointed_at"),
    ("plural", "shattered_plural"), ("succeed", "shatter_done"), ("cast", "shattered"),
)


def _taking(importer: SpellImport, cls: KodClass, table: dict[str, Any], effect: str) -> str:
    """shatter.kod, swap.kod: spells that take items from a player."""
    for resource in _message_resources(cls, "CastSpell"):
        name = resource.casefold()
        purpose = next((p for part, p in _TAKING_WORDS if part in name), None)
        if effect == "swap_items" and purpose in ("shattered", "shattered_plural"):
            purpose = "swapped"
        if purpose is not None:
            _put(importer, table, purpose, cls, resource)
    if effect == "swap_items":  # the verb for what was lost, one or more (assigned in that order)
        verbs = [site.value for site in find_assignments(cls, "rVerb", "CastSpell") if isinstance(site.value, ResourceRef)]
        names = list(dict.fromkeys(verb.name for verb in verbs))
        if len(names) == 2:
            _put(importer, table, "is", cls, names[0])
            _put(importer, table, "are", cls, names[1])
    return effect


def _identify(importer: SpellImport, cls: KodClass, table: dict[str, Any]) -> str:
    for resource in _message_resources(cls, "CanPayCosts"):
        _put(importer, table, "item_cannot", cls, resource)
    for resource in _message_resources(cls, "CastSpell"):
        _put(importer, table, "looking", cls, resource)
    return "identify_item"


def _spiritual_weapon(importer: SpellImport, cls: KodClass, table: dict[str, Any]) -> str | None:
    """creasphm.kod: a weapon made with a longevity its GetLongevity gives in whole
    minutes, a straight line of the power (read by running it at 0 and 100)."""
    from emulator.importer.original.spells import _run

    low, high = _run(cls, "GetLongevity", 0), _run(cls, "GetLongevity", 100)
    if not isinstance(low, int) or not isinstance(high, int) or low % 60_000 or high % 60_000:
        return None
    table.setdefault("figures", {}).update(minutes=low // 60_000, minutes_per_100_power=(high - low) // 60_000)
    for resource in _message_resources(cls, "CastSpell"):
        _put(importer, table, "hands_full" if "full" in resource.casefold() else "made", cls, resource)
    for site in find_calls(cls, "Create", "CastSpell"):
        made = site.arg(0)
        made_cls = next((c for c in importer.tree.classes.values() if isinstance(made, ClassRef)
                         and c.name.casefold() == made.name.casefold()), None)
        if made_cls is not None:  # its words when it vanishes
            for handler in made_cls.messages:
                if "expire" in handler:
                    for resource in _message_resources(made_cls, handler):
                        _put(importer, table, "item_ended", made_cls, resource)
    return "create_spiritual_weapon"


def find_sends_any(cls: KodClass, handler: str) -> list[Any]:
    """Every Send in a class's own handler whose message is a literal."""
    from emulator.importer.blakod.calls import find_calls
    from emulator.importer.blakod.evaluate import MessageRef

    return [site for site in find_calls(cls, "Send", handler) if isinstance(site.arg(1), MessageRef)]
