"""What buying keepers take from players, and which bank or vault a banker or vault keeper
keeps (monster.kod ObjectDesired and the IsObject... tests, the towns' keepers'
ObjectDesired, GetBankNum, GetVaultNum).

A keeper's ObjectDesired is code, but plain code: tests of an item's class
(``IsClass(what, &Weapon)``), of its item type, calls of the keeper's own IsObject...
tests, and/or/not. This pass runs that code for each imported item kind, with three
answers: yes, no, cannot tell. Where a test depends on the keeper's changing stock (the
junk dealers' "already have one" and "too full"), the keeper is taken as it starts, with
nothing bought yet: a test that cannot be decided and could only refuse counts as not
refusing, and a loop over the stock is passed over; both are listed in the report. A
keeper whose answer for some kind still cannot be told is listed too, and buys none of
those kinds.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from emulator.importer.blakod import KodClass, ast, evaluate
from emulator.importer.original.common import _int
from emulator.importer.original.state import ImportState

#: An answer of the interpreter: True, False, or None when it cannot tell.
Answer = bool | None


class _CannotTell(Exception):
    """The code does something the interpreter does not follow (assignments, unknown calls)."""


class _Desire:
    """Runs one keeper's ObjectDesired for one item class."""

    def __init__(self, keeper: KodClass, item: KodClass) -> None:
        self.keeper = keeper
        self.item = item
        self.assumptions: set[str] = set()
        self.at_most: int | None = None  # a number item offered in a larger stack is refused

    def run(self, handler_name: str, below: KodClass | None = None) -> Answer:
        """The answer of ``handler_name`` as the keeper runs it (from ``below``'s parent
        on, for a propagate)."""
        classes = list(self.keeper.ancestry())
        if below is not None:
            classes = classes[classes.index(below) + 1 :]
        for owner in classes:
            handler = owner.messages.get(handler_name.casefold())
            if handler is not None:
                return self.block(list(handler.body), owner, handler_name)
        raise _CannotTell(f"no handler {handler_name}")

    def block(self, statements: Sequence[ast.Statement], owner: KodClass, name: str) -> Answer:
        for index, statement in enumerate(statements):
            rest = list(statements[index + 1 :])
            if isinstance(statement, ast.Return):
                return self.truth(statement.value, owner) if statement.value is not None else False
            if isinstance(statement, ast.Propagate):
                return self.run(name, owner)
            if isinstance(statement, ast.If):
                condition = self.truth(statement.condition, owner)
                then = self.block(list(statement.then) + rest, owner, name)
                otherwise = self.block(list(statement.otherwise) + rest, owner, name)
                if condition is not None:
                    return then if condition else otherwise
                if then is False or then == otherwise:
                    self.assumptions.add("a test of the keeper's stock is taken as not refusing")
                    return otherwise
                return None
            if isinstance(statement, (ast.ForEach, ast.For, ast.While)):
                self.assumptions.add("a loop over the keeper's stock is passed over (it starts with none)")
                continue
            if isinstance(statement, ast.CallStatement):
                continue  # what the keeper says
            raise _CannotTell(f"{type(statement).__name__} at line {getattr(statement, 'line', '?')}")
        return False  # no return: nil

    def truth(self, expression: ast.Expression, owner: KodClass) -> Answer:
        if isinstance(expression, ast.UnaryOp) and expression.op == "not":
            inner = self.truth(expression.operand, owner)
            return None if inner is None else not inner
        if isinstance(expression, ast.BinaryOp) and expression.op in ("and", "or"):
            left, right = self.truth(expression.left, owner), self.truth(expression.right, owner)
            if expression.op == "and":
                return False if False in (left, right) else (None if None in (left, right) else True)
            return True if True in (left, right) else (None if None in (left, right) else False)
        if isinstance(expression, ast.Call):
            return self.call(expression, owner)
        if isinstance(expression, ast.BinaryOp) and expression.op in (">", ">=") and _is_number_of_what(expression.left):
            # "offered more than N at once": a limit of the offer, not of the kind
            limit = _int(evaluate(expression.right, owner.scope()))
            if limit is None:
                return None
            self.at_most = limit if expression.op == ">" else limit - 1
            return False
        value = _int(evaluate(expression, owner.scope()))
        return None if value is None else value != 0

    def call(self, call: ast.Call, owner: KodClass) -> Answer:
        function = call.function.casefold()
        positional = [a for a in call.args if not isinstance(a, ast.NamedArgument)]
        named = {a.name.casefold(): a.value for a in call.args if isinstance(a, ast.NamedArgument)}
        if function == "isclass" and len(positional) == 2 and _is_what(positional[0]) and isinstance(positional[1], ast.ClassLiteral):
            return self.item.is_a(positional[1].name)
        if function != "send" or len(positional) < 2 or not isinstance(positional[1], ast.MessageLiteral):
            return None
        target, message = positional[0], positional[1].name.casefold()
        if isinstance(target, ast.Name) and target.name.casefold() == "self" and message.startswith("isobject"):
            if "what" in named and not _is_what(named["what"]):
                return None
            return self.run(message)
        if not _is_what(target):
            return None
        if message == "isitemtype" and "type" in named:
            wanted = _int(evaluate(named["type"], owner.scope()))
            item_type = _int(self.item.value("viItem_type"))
            return None if wanted is None or item_type is None else bool(item_type & wanted)
        if message == "canbegiventonpc":
            return True  # only made items say no, and the import knows none
        if message == "hasattribute":
            return False  # a new item has no attributes
        return None


def _is_what(expression: ast.Expression) -> bool:
    return isinstance(expression, ast.Name) and expression.name.casefold() == "what"


def _is_number_of_what(expression: ast.Expression) -> bool:
    """``Send(what, @GetNumber)``: how many of a number item are offered."""
    if not (isinstance(expression, ast.Call) and expression.function.casefold() == "send" and len(expression.args) == 2):
        return False
    target, message = expression.args
    return (
        not isinstance(target, ast.NamedArgument)
        and _is_what(target)
        and isinstance(message, ast.MessageLiteral)
        and message.name.casefold() == "getnumber"
    )


class BuyingImport(ImportState):
    """Adds ``buys`` (or ``buys_anything`` and ``refuses``), ``bank`` and ``vault`` to the
    shop tables of the town NPCs."""

    def import_buying(self) -> None:
        npcs = self.kinds.get("npcs", {})
        items = {key: self.tree.classes[key] for key in sorted(self.kinds.get("items", {})) if key in self.tree.classes}
        attributes = {name: _int(self.tree.constant(name)) or 0 for name in ("MOB_BUYER", "MOB_BANKER", "MOB_VAULTMAN")}
        buyers = 0
        for key, table in sorted(npcs.items()):
            cls = self.tree.classes[key]
            flags = _int(cls.value("viAttributes")) or 0
            shop: dict[str, Any] = {}
            if flags & attributes["MOB_BUYER"]:
                shop.update(self.buying(cls, items))
                buyers += 1
            if flags & attributes["MOB_BANKER"]:
                self.number_of(shop, "bank", cls, "GetBankNum")
            if flags & attributes["MOB_VAULTMAN"]:
                self.number_of(shop, "vault", cls, "GetVaultNum")
            if shop:
                section = table.setdefault("shop", {})
                section.update(shop)
                markup = _int(cls.value("viMerchant_markup"))
                if markup is not None:
                    section.setdefault("markup", markup)
        self.report.counts["NPCs that buy"] = buyers

    def buying(self, keeper: KodClass, items: dict[str, KodClass]) -> dict[str, Any]:
        bought: list[str] = []
        refused: list[str] = []
        unknown: list[str] = []
        assumptions: set[str] = set()
        at_most: int | None = None
        for key, item in items.items():
            desire = _Desire(keeper, item)
            try:
                answer = desire.run("ObjectDesired")
            except _CannotTell as why:
                owner = next(c for c in keeper.ancestry() if "objectdesired" in c.messages)
                self.skip("shop", owner, owner.messages["objectdesired"].line, f"what {keeper.name} buys: cannot follow {why}")
                return {}
            assumptions |= desire.assumptions
            at_most = desire.at_most if desire.at_most is not None else at_most
            (bought if answer else refused if answer is False else unknown).append(key)
        owner = next(c for c in keeper.ancestry() if "objectdesired" in c.messages)
        line = owner.messages["objectdesired"].line
        for assumption in sorted(assumptions):
            self.skip("shop", owner, line, f"what {keeper.name} buys: {assumption}")
        if unknown:
            self.skip("shop", owner, line, f"{keeper.name} may or may not buy {', '.join(unknown)}: left out")
        limit = {"buys_at_most": at_most} if at_most is not None and at_most >= 1 else {}
        if len(bought) > len(items) // 2 and not unknown:
            return {"buys_anything": True, **({"refuses": refused} if refused else {}), **limit}
        return {"buys": bought, **limit} if bought else {}

    def number_of(self, shop: dict[str, Any], field: str, cls: KodClass, handler_name: str) -> None:
        """A banker's bank (or a vault keeper's vault): what its own GetBankNum returns; the
        default handler returns nil, and such a banker serves nobody."""
        owner = next((c for c in cls.ancestry() if handler_name.casefold() in c.messages), None)
        if owner is None or owner.name.casefold() == "monster":
            self.skip("shop", cls, cls.line, f"{cls.name} has no {handler_name} of its own: it keeps no {field}")
            return
        body = owner.messages[handler_name.casefold()].body
        value = None
        if len(body) == 1 and isinstance(body[0], ast.Return) and isinstance(body[0].value, ast.Name):
            value = _int(cls.value(body[0].value.name))
        if value is None or value < 1:
            self.skip("shop", owner, owner.messages[handler_name.casefold()].line, f"{handler_name} is computed in code")
            return
        shop[field] = value
