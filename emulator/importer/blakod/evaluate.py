"""Evaluate Blakod expressions whose value is known without running the game.

The original compiler folds constant expressions (constants sections, property and classvar
defaults) with C integer arithmetic; this does the same, and also keeps the symbolic values
the importers need: resource names, `&Class` and `@Message` literals, lists (`[a, b]`) and
calls (`Create(&Rat, #type=3)`) with their evaluated arguments. A name that is not a
constant or a resource evaluates to `CannotEvaluate`, which says why, instead of raising.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Union

import attrs

from . import ast


@attrs.frozen
class NilValue:
    """Blakod's `$`."""


NIL = NilValue()


@attrs.frozen
class ResourceRef:
    """A reference to a resource by name (its text and id are looked up in the class tree)."""

    name: str


@attrs.frozen
class ClassRef:
    name: str


@attrs.frozen
class MessageRef:
    name: str


@attrs.frozen
class CallValue:
    """A call with its arguments evaluated, e.g. `Create(&Rat)` -> CallValue("Create", (ClassRef("Rat"),))."""

    function: str
    args: tuple[KodValue, ...] = ()
    named: tuple[tuple[str, KodValue], ...] = ()

    def named_arg(self, name: str) -> KodValue | None:
        """A `#name=value` argument, matched case-insensitively as the original does."""
        wanted = name.casefold()
        return next((value for key, value in self.named if key.casefold() == wanted), None)


@attrs.frozen
class CannotEvaluate:
    """An expression with no compile-time value; `reason` names what stopped the evaluation."""

    reason: str

    def __bool__(self) -> bool:
        return False


KodValue = Union[int, str, NilValue, ResourceRef, ClassRef, MessageRef, CallValue, tuple["KodValue", ...], CannotEvaluate]


class Scope:
    """Names visible to an expression: constants (name -> value) and resource names.

    Blakod names are case-insensitive, so lookups are by casefolded name.
    """

    def __init__(self, constants: Mapping[str, KodValue], is_resource: Callable[[str], bool]) -> None:
        self._constants = constants
        self._is_resource = is_resource

    def lookup(self, name: str) -> KodValue:
        key = name.casefold()
        if key in self._constants:
            return self._constants[key]
        if self._is_resource(key):
            return ResourceRef(name)
        return CannotEvaluate(f"{name} is not a constant")


def _c_divide(left: int, right: int) -> int:
    # C truncates toward zero; Python's // floors.
    quotient = abs(left) // abs(right)
    return quotient if (left >= 0) == (right >= 0) else -quotient


def _c_modulo(left: int, right: int) -> int:
    return left - _c_divide(left, right) * right


_INTEGER_OPERATORS: dict[str, Callable[[int, int], int]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": _c_divide,
    "mod": _c_modulo,
    "&": lambda a, b: a & b,
    "|": lambda a, b: a | b,
    "<": lambda a, b: int(a < b),
    ">": lambda a, b: int(a > b),
    "<=": lambda a, b: int(a <= b),
    ">=": lambda a, b: int(a >= b),
    "and": lambda a, b: int(bool(a) and bool(b)),
    "or": lambda a, b: int(bool(a) or bool(b)),
}


def evaluate(expression: ast.Expression | ast.NamedArgument, scope: Scope) -> KodValue:
    """The compile-time value of `expression`, or a CannotEvaluate saying why not."""
    if isinstance(expression, ast.Number):
        return expression.value
    if isinstance(expression, ast.Name):
        return scope.lookup(expression.name)
    if isinstance(expression, ast.Nil):
        return NIL
    if isinstance(expression, ast.ClassLiteral):
        return ClassRef(expression.name)
    if isinstance(expression, ast.MessageLiteral):
        return MessageRef(expression.name)
    if isinstance(expression, ast.String):
        return expression.text
    if isinstance(expression, ast.ListLiteral):
        return tuple(evaluate(item, scope) for item in expression.items)
    if isinstance(expression, ast.Call):
        return _evaluate_call(expression, scope)
    if isinstance(expression, ast.UnaryOp):
        return _evaluate_unary(expression, scope)
    if isinstance(expression, ast.BinaryOp):
        return _evaluate_binary(expression, scope)
    if isinstance(expression, ast.IncDec):
        return CannotEvaluate(f"{expression.target}{expression.op} changes a variable")
    return CannotEvaluate(f"cannot evaluate {type(expression).__name__}")


def _evaluate_call(call: ast.Call, scope: Scope) -> CallValue:
    positional = tuple(evaluate(arg, scope) for arg in call.positional)
    named = tuple((arg.name, evaluate(arg.value, scope)) for arg in call.args if isinstance(arg, ast.NamedArgument))
    return CallValue(call.function, positional, named)


def _evaluate_unary(expression: ast.UnaryOp, scope: Scope) -> KodValue:
    operand = evaluate(expression.operand, scope)
    if isinstance(operand, CannotEvaluate):
        return operand
    if not isinstance(operand, int):
        return CannotEvaluate(f"{expression.op} applied to a non-number")
    if expression.op == "-":
        return -operand
    if expression.op == "not":
        return int(not operand)
    return ~operand


def _evaluate_binary(expression: ast.BinaryOp, scope: Scope) -> KodValue:
    left = evaluate(expression.left, scope)
    if isinstance(left, CannotEvaluate):
        return left
    right = evaluate(expression.right, scope)
    if isinstance(right, CannotEvaluate):
        return right
    op = expression.op
    if op in ("=", "<>"):
        # Equality also holds for non-numbers (nil, class literals, resources).
        return int((left == right) == (op == "="))
    if not isinstance(left, int) or not isinstance(right, int):
        return CannotEvaluate(f"{op} applied to a non-number")
    if op in ("/", "mod") and right == 0:
        return CannotEvaluate(f"{op} by zero")
    return _INTEGER_OPERATORS[op](left, right)
