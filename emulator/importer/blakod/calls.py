"""Find calls and assignments in message handlers and evaluate their constant parts.

Rooms describe their contents in code of a few fixed shapes, for example:

    Send(self, @NewHold, #what=Create(&Rat), #new_row=5, #new_col=6);
    plExits = Cons([36, 34, RID_JASWEST, 43, 37, ROTATE_NONE], plExits);
    plMonsters = [[&SpiderBaby, 80], [&Spider, 20]];

These helpers return each occurrence with its arguments evaluated in the class's scope
(constants become ints, `&Rat` a ClassRef, nested calls CallValues), so importers can
match those shapes without walking the syntax tree themselves.
"""

from __future__ import annotations

from collections.abc import Iterator

import attrs

from . import ast
from .evaluate import NIL, CallValue, KodValue, MessageRef, evaluate
from .model import KodClass


@attrs.frozen
class CallSite:
    class_name: str
    handler: str
    line: int
    call: ast.Call
    value: CallValue  # the call with its arguments evaluated

    def arg(self, index: int) -> KodValue | None:
        args = self.value.args
        return args[index] if index < len(args) else None

    def named_arg(self, name: str) -> KodValue | None:
        return self.value.named_arg(name)


@attrs.frozen
class AssignmentSite:
    class_name: str
    handler: str
    line: int
    target: str
    expression: ast.Expression
    value: KodValue


def iter_statements(statements: tuple[ast.Statement, ...]) -> Iterator[ast.Statement]:
    """Every statement, including those nested in if/else and loop bodies, in source order."""
    for statement in statements:
        yield statement
        if isinstance(statement, ast.If):
            yield from iter_statements(statement.then)
            yield from iter_statements(statement.otherwise)
        elif isinstance(statement, (ast.ForEach, ast.While)):
            yield from iter_statements(statement.body)
        elif isinstance(statement, ast.For):
            yield from iter_statements(statement.init)
            yield from iter_statements(statement.step)
            yield from iter_statements(statement.body)


def _statement_expressions(statement: ast.Statement) -> Iterator[ast.Expression]:
    if isinstance(statement, ast.CallStatement):
        yield statement.call
    elif isinstance(statement, ast.Assign):
        yield statement.value
    elif isinstance(statement, (ast.If, ast.While)):
        yield statement.condition
    elif isinstance(statement, ast.For) and statement.condition is not None:
        yield statement.condition
    elif isinstance(statement, ast.ForEach):
        yield statement.iterable
    elif isinstance(statement, ast.Return) and statement.value is not None:
        yield statement.value


def iter_calls(expression: ast.Expression | ast.NamedArgument) -> Iterator[ast.Call]:
    """Every call inside an expression, outer calls before the calls in their arguments."""
    if isinstance(expression, ast.NamedArgument):
        yield from iter_calls(expression.value)
    elif isinstance(expression, ast.Call):
        yield expression
        for arg in expression.args:
            yield from iter_calls(arg)
    elif isinstance(expression, ast.ListLiteral):
        for item in expression.items:
            yield from iter_calls(item)
    elif isinstance(expression, ast.BinaryOp):
        yield from iter_calls(expression.left)
        yield from iter_calls(expression.right)
    elif isinstance(expression, ast.UnaryOp):
        yield from iter_calls(expression.operand)


def _handlers(cls: KodClass, handler: str | None) -> list[ast.MessageHandler]:
    if handler is None:
        return list(cls.messages.values())
    found = cls.messages.get(handler.casefold())
    return [found] if found is not None else []


def find_calls(cls: KodClass, function: str, handler: str | None = None) -> list[CallSite]:
    """Calls of a built-in function (e.g. "Send", "Create", "Cons") in the class's own
    handlers, or in one handler; nested calls count too."""
    wanted = function.casefold()
    scope = cls.scope()
    sites = []
    for message in _handlers(cls, handler):
        for statement in iter_statements(message.body):
            for expression in _statement_expressions(statement):
                for call in iter_calls(expression):
                    if call.function.casefold() == wanted:
                        value = evaluate(call, scope)
                        assert isinstance(value, CallValue)
                        sites.append(CallSite(cls.name, message.name, call.line, call, value))
    return sites


def find_sends(cls: KodClass, message: str, handler: str | None = None) -> list[CallSite]:
    """`Send(receiver, @message, ...)` calls, e.g. every `@NewHold` that places an object."""
    wanted = MessageRef(message)
    return [
        site
        for site in find_calls(cls, "Send", handler)
        if isinstance(site.arg(1), MessageRef) and _same_name(site.arg(1), wanted)
    ]


def _same_name(left: KodValue | None, right: MessageRef) -> bool:
    return isinstance(left, MessageRef) and left.name.casefold() == right.name.casefold()


def find_assignments(cls: KodClass, target: str, handler: str | None = None) -> list[AssignmentSite]:
    """Assignments to a property or local (e.g. "plMonsters") with their evaluated values."""
    wanted = target.casefold()
    scope = cls.scope()
    return [
        AssignmentSite(
            cls.name, message.name, statement.line, statement.target, statement.value, evaluate(statement.value, scope)
        )
        for message in _handlers(cls, handler)
        for statement in iter_statements(message.body)
        if isinstance(statement, ast.Assign) and statement.target.casefold() == wanted
    ]


def collected_list(cls: KodClass, target: str, handler: str | None = None) -> list[KodValue]:
    """The items a handler puts in a list property, in source order.

    Understands the shapes rooms use: `target = [a, b]` (replaces), `target = $` (clears)
    and `target = Cons(item, target)` (adds one item). Note that Cons prepends, so at run
    time the list holds these items in reverse order. Assignments of other shapes are skipped.
    """
    items: list[KodValue] = []
    for site in find_assignments(cls, target, handler):
        value = site.value
        if value == NIL:
            items = []
        elif isinstance(value, tuple):
            items = list(value)
        elif isinstance(value, CallValue) and value.function.casefold() == "cons" and len(value.args) == 2:
            rest = site.expression.args[1] if isinstance(site.expression, ast.Call) else None
            if isinstance(rest, ast.Name) and rest.name.casefold() == target.casefold():
                items.append(value.args[0])
    return items
