"""The syntax tree of a Blakod source file.

Nodes are plain attrs classes. Expressions carry no line numbers (the original compiler's
do not either); statements, calls, definitions and handlers do, so later importers can point
at the source line a fact came from.
"""

from __future__ import annotations

from typing import Union

import attrs

# --- expressions -------------------------------------------------------------------------


@attrs.frozen
class Number:
    value: int


@attrs.frozen
class Nil:
    """The `$` literal."""


@attrs.frozen
class String:
    """A string literal inside code (a "debugging string" to the original compiler)."""

    text: str


@attrs.frozen
class Name:
    """An identifier used as a value: a constant, resource, property, classvar, local or parameter."""

    name: str


@attrs.frozen
class ClassLiteral:
    """`&ClassName`."""

    name: str


@attrs.frozen
class MessageLiteral:
    """`@MessageName`."""

    name: str


@attrs.frozen
class UnaryOp:
    op: str  # "-", "not", "~"
    operand: Expression


@attrs.frozen
class BinaryOp:
    op: str  # lower-cased operator text: "+", "and", "<>", "=", "mod", ...
    left: Expression
    right: Expression


@attrs.frozen
class IncDec:
    """`i++`, `++i`, `i--`, `--i` (the later dialect of the original compiler)."""

    op: str  # "++" or "--"
    target: str
    prefix: bool


@attrs.frozen
class NamedArgument:
    """`#name=value` in a call's argument list."""

    name: str
    value: Expression


@attrs.frozen
class Call:
    """A call of a built-in function, e.g. `Send(self, @NewHold, #what=Create(&Rat))`."""

    function: str
    args: tuple[Expression | NamedArgument, ...]
    line: int

    @property
    def positional(self) -> tuple[Expression, ...]:
        return tuple(arg for arg in self.args if not isinstance(arg, NamedArgument))

    @property
    def named(self) -> dict[str, Expression]:
        return {arg.name: arg.value for arg in self.args if isinstance(arg, NamedArgument)}


@attrs.frozen
class ListLiteral:
    """`[a, b, c]`: the compiler turns it into nested Cons calls."""

    items: tuple[Expression, ...]
    line: int


Expression = Union[
    Number, Nil, String, Name, ClassLiteral, MessageLiteral, UnaryOp, BinaryOp, IncDec, Call, ListLiteral
]

# --- statements --------------------------------------------------------------------------


@attrs.frozen
class CallStatement:
    call: Call | ListLiteral
    line: int


@attrs.frozen
class Assign:
    """`target = value;`, and also `i++;` (value IncDec), as the original compiler sees it."""

    target: str
    value: Expression
    line: int


@attrs.frozen
class If:
    condition: Expression
    then: tuple[Statement, ...]
    otherwise: tuple[Statement, ...]  # an `else if` is a one-statement tuple holding an If
    line: int


@attrs.frozen
class ForEach:
    """`for item in list { ... }` (or `foreach item in list { ... }`)."""

    variable: str
    iterable: Expression
    body: tuple[Statement, ...]
    line: int


@attrs.frozen
class For:
    """`for (i = 0; i < n; i++) { ... }`; a missing condition is always true."""

    init: tuple[Assign, ...]
    condition: Expression | None
    step: tuple[Assign, ...]
    body: tuple[Statement, ...]
    line: int


@attrs.frozen
class While:
    condition: Expression
    body: tuple[Statement, ...]
    line: int


@attrs.frozen
class Return:
    value: Expression | None
    line: int


@attrs.frozen
class Propagate:
    line: int


@attrs.frozen
class Break:
    line: int


@attrs.frozen
class Continue:
    line: int


@attrs.frozen
class IncludeStatements:
    """`include file.ktm;` inside a handler; the loader splices the file's statements in."""

    filename: str
    line: int


Statement = Union[
    CallStatement, Assign, If, ForEach, For, While, Return, Propagate, Break, Continue, IncludeStatements
]

# --- class-level definitions -------------------------------------------------------------


@attrs.frozen
class Include:
    """`include blakston.khd` in a constants or resources section."""

    filename: str
    line: int


@attrs.frozen
class ConstantDef:
    name: str
    value: Expression
    line: int


@attrs.frozen
class ResourceDef:
    """`name = "text"`, `name = file.bgf`, or `name = language "text"`."""

    name: str
    value: str
    is_file: bool
    language: str | None
    line: int


@attrs.frozen
class VariableDef:
    """A classvar or property: `viLevel = 30` (a bare name defaults to `$`)."""

    name: str
    value: Expression
    line: int


@attrs.frozen
class Parameter:
    name: str
    default: Expression


@attrs.frozen
class MessageHandler:
    name: str
    parameters: tuple[Parameter, ...]
    locals: tuple[str, ...]
    body: tuple[Statement, ...]
    line: int
    doc: str | None = None


@attrs.frozen
class ClassDef:
    name: str
    parent: str | None
    line: int
    constants: tuple[ConstantDef | Include, ...]
    resources: tuple[ResourceDef | Include, ...]
    classvars: tuple[VariableDef, ...]
    properties: tuple[VariableDef, ...]
    messages: tuple[MessageHandler, ...]


@attrs.frozen
class SourceFile:
    """One parsed file: a `.kod` holds classes; a `.khd` constants; a `.ktm`/`.kmn`/`.kxt` statements."""

    path: str
    classes: tuple[ClassDef, ...] = ()
    constants: tuple[ConstantDef | Include, ...] = ()
    statements: tuple[Statement, ...] = ()
