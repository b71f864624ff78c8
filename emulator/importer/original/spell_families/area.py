"""The spells that strike everyone around the caster: mana bomb (its cast takes the
caster's mana, its targets are those within a reach of the power) and earthquake (its
cast shakes the room: DoEarthQuake). Figures from their code and constants, words by the
resources their handlers send."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from emulator.content.loader import MAX_DESCRIPTION_BYTES
from emulator.importer.blakod import ast
from emulator.importer.blakod.calls import find_sends, iter_statements
from emulator.importer.original.common import _int
from emulator.importer.original.spells import _sent

if TYPE_CHECKING:
    from emulator.importer.blakod import KodClass
    from emulator.importer.original.spells import SpellImport


def recognise(importer: SpellImport, cls: KodClass, table: dict[str, Any]) -> str | None:
    if "losemana" in _sent(cls, "CastSpell") and "enchantallinrange" in _sent(cls, "GetTargets"):
        return _mana_bomb(importer, cls, table)
    if "doearthquake" in _sent(cls, "CastSpell"):
        return _earthquake(importer, cls, table)
    return None


#: Earthquake's words by purpose: the part of the resource's name that tells it.
_QUAKE_WORDS = {"first": "earthquake_first", "third": "earthquake_third", "killed_someone": "earthquake_killed_someone",
                "killed_self": "earthquake_killed_self", "shaken": "earthquake_cast", "hit": "earthquake_hit"}


def _earthquake(importer: SpellImport, cls: KodClass, table: dict[str, Any]) -> str | None:
    figures: dict[str, int] = {}
    for site in find_sends(cls, "DoEarthQuake", "CastSpell"):  # #severity=(1+iSpellpower/per)
        severity = {k.casefold(): v for k, v in site.call.named.items()}.get("severity")
        if isinstance(severity, ast.BinaryOp) and severity.op == "+" and _number(severity.left) == 1 \
                and isinstance(severity.right, ast.BinaryOp) and severity.right.op == "/":
            per = _number(severity.right.right)
            if per:
                figures["severity_per"] = per
    for name, variable in (("full_distance", "viMax_damage_distance"), ("zero_distance", "viZero_damage_distance")):
        value = _int(cls.value(variable))
        if value is not None:
            figures[name] = value
    low, high, kind = _int(cls.value("viMin_damage")), _int(cls.value("viMax_damage")), _int(cls.value("viAttack_spell"))
    if len(figures) != 3 or low is None or high is None or kind is None:
        return None
    for purpose, part in _QUAKE_WORDS.items():
        resource = next((n for n in cls.resources if n.startswith(part)), None)
        if resource is None or not _put(importer, cls, table, purpose, resource):
            return None
    for purpose in ("he", "she", "it"):  # GetHeShe's words, named by the kill's words
        if not _put(importer, cls, table, purpose, f"object_{purpose}"):
            return None
    table["damage_min"], table["damage_max"], table["damage_spell"] = low, high, kind
    table.setdefault("figures", {}).update(figures)
    table["targets"] = 0
    return "earthquake"


def _put(importer: SpellImport, cls: KodClass, table: dict[str, Any], purpose: str, resource: str) -> bool:
    return importer.texts.put(table, purpose, cls, resource, category="spell", max_bytes=MAX_DESCRIPTION_BYTES)


def _said(cls: KodClass, handler: str) -> list[str]:
    """The resources a handler says to the room (SomeoneSaid's ``#string``)."""
    found = []
    for site in find_sends(cls, "SomeoneSaid", handler):
        string = {k.casefold(): v for k, v in site.call.named.items()}.get("string")
        if isinstance(string, ast.Name):
            found.append(string.name)
    return found


def _number(expression: ast.Expression | None) -> int | None:
    return expression.value if isinstance(expression, ast.Number) else None


def _mana_bomb(importer: SpellImport, cls: KodClass, table: dict[str, Any]) -> str | None:
    figures: dict[str, int] = {}
    # GetTargets' reach: #range=(base + iSpellpower / per)
    for site in find_sends(cls, "EnchantAllInRange", "GetTargets"):
        reach = {k.casefold(): v for k, v in site.call.named.items()}.get("range")
        if isinstance(reach, ast.BinaryOp) and reach.op == "+" and isinstance(reach.right, ast.BinaryOp) \
                and reach.right.op == "/" and isinstance(reach.right.left, ast.Name) \
                and reach.right.left.name.casefold() == "ispellpower":
            base, per = _number(reach.left), _number(reach.right.right)
            if base is not None and per:
                figures["reach"], figures["reach_per"] = base, per
    # CanPayCosts: the mana it asks of its caster (GetMana < n)
    handler = cls.messages.get("canpaycosts")
    for statement in iter_statements(handler.body if handler is not None else ()):
        if isinstance(statement, ast.If):
            for part in _comparisons(statement.condition):
                if part.op == "<" and isinstance(part.left, ast.Call) and _number(part.right) is not None \
                        and "getmana" in _sent_names(part.left):
                    figures["mana_needed"] = _number(part.right)  # type: ignore[assignment]
    if {"reach", "reach_per", "mana_needed"} - figures.keys():
        return None
    said = _said(cls, "CastSpell")
    hit_all = next((n for n in cls.resources if "hit_all" in n), None)
    hit_some = next((n for n in cls.resources if "hit_some" in n), None)
    if len(said) != 1 or hit_all is None or hit_some is None:
        return None
    if not (_put(importer, cls, table, "room", said[0]) and _put(importer, cls, table, "all_gone", hit_all)
            and _put(importer, cls, table, "some_gone", hit_some)):
        return None
    table.setdefault("figures", {}).update(figures)
    table["targets"] = 0
    importer.skip("spell", cls, cls.messages["castspell"].line,
                  "not run, of its cast: the monsters' mark against casting (StartManaBomb): monsters' spells are not modelled")
    return "mana_bomb"


def _comparisons(expression: ast.Expression) -> list[ast.BinaryOp]:
    if not isinstance(expression, ast.BinaryOp):
        return []
    return [expression, *_comparisons(expression.left), *_comparisons(expression.right)]


def _sent_names(call: ast.Call) -> set[str]:
    args = call.positional
    if call.function.casefold() == "send" and len(args) > 1 and isinstance(args[1], ast.MessageLiteral):
        return {args[1].name.casefold()}
    return set()
