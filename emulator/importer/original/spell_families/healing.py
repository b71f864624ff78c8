"""The greater heals (major heal, hospice): a CastSpell that heals its target by a sum of
a random draw, the power and the target's karma, bounded, and moves the caster's karma
for healing another. The figures are read from that code; its words are those the cast
and the checks send (read by the common spell import)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from emulator.importer.blakod import ast
from emulator.importer.blakod.calls import find_sends, iter_calls, iter_statements
from emulator.importer.original.spells import _sent

if TYPE_CHECKING:
    from emulator.importer.blakod import KodClass
    from emulator.importer.original.spells import SpellImport


def recognise(importer: SpellImport, cls: KodClass, table: dict[str, Any]) -> str | None:
    cast = _sent(cls, "CastSpell")
    if not {"gainhealthnormal", "calculatekarmachangefromact"} <= cast or "checkplayerflag" in cast:
        return None
    handler = cls.messages.get("castspell")
    if handler is None:
        return None
    figures = _heal_figures(cls, handler.body)
    if figures is None:
        return None
    swings = [site.call.named for site in find_sends(cls, "CalculateKarmaChangeFromAct", "CastSpell")]
    swing = {k.casefold(): v for k, v in swings[0].items()}.get("swing_factor") if len(swings) == 1 else None
    if isinstance(swing, ast.Number):
        figures["karma_swing"] = swing.value
    # a heal that rewards only the healing of a better soul asks whose karma is higher
    for statement in iter_statements(handler.body):
        if isinstance(statement, ast.If) and any(_is_send(c, "getkarma") for c in iter_calls(statement.condition)):
            figures["karma_upward_only"] = 1
    table.setdefault("figures", {}).update(figures)
    table["targets"] = 1
    return "healing"


def _is_send(call: ast.Call, message: str) -> bool:
    args = call.positional
    return (call.function.casefold() == "send" and len(args) > 1 and isinstance(args[1], ast.MessageLiteral)
            and args[1].name.casefold() == message)


def _heal_figures(cls: KodClass, body: tuple[ast.Statement, ...]) -> dict[str, int] | None:
    """``iHeal = random(a, b) + iSpellPower / p + Send(target, @GetKarma) / k`` then
    ``iHeal = bound(iHeal, least, most)``: the six figures, or None for another shape."""
    found: dict[str, int] = {}
    for statement in body:
        if not isinstance(statement, ast.Assign) or statement.target.casefold() != "iheal":
            continue
        value = statement.value
        if isinstance(value, ast.Call) and value.function.casefold() == "bound" and len(value.positional) == 3:
            least, most = value.positional[1], value.positional[2]
            if not (isinstance(least, ast.Number) and isinstance(most, ast.Number)):
                return None
            found["heal_least"], found["heal_most"] = least.value, most.value
            continue
        for term in _terms(value):
            if isinstance(term, ast.Call) and term.function.casefold() == "random" and len(term.positional) == 2:
                low, high = (_number(a) for a in term.positional)
                if low is None or high is None:
                    return None
                found["heal_low"], found["heal_high"] = low, high
            elif isinstance(term, ast.BinaryOp) and term.op == "/" and _number(term.right) is not None:
                divisor = _number(term.right)
                assert divisor is not None
                if isinstance(term.left, ast.Name) and term.left.name.casefold() == "ispellpower":
                    found["per_power"] = divisor
                elif isinstance(term.left, ast.Call) and _is_send(term.left, "getkarma"):
                    found["per_karma"] = divisor
                else:
                    return None
            else:
                return None
    wanted = {"heal_low", "heal_high", "per_power", "per_karma", "heal_least", "heal_most"}
    return found if wanted <= found.keys() else None


def _terms(expression: ast.Expression) -> list[ast.Expression]:
    if isinstance(expression, ast.BinaryOp) and expression.op == "+":
        return _terms(expression.left) + _terms(expression.right)
    return [expression]


def _number(expression: ast.Expression) -> int | None:
    if isinstance(expression, ast.Number):
        return expression.value
    if isinstance(expression, ast.UnaryOp) and expression.op == "-" and isinstance(expression.operand, ast.Number):
        return -expression.operand.value
    return None
