"""Parse Blakod source text into the syntax tree of `ast.py`.

lark's LALR parser runs with the tree builder replaced by `_ToAst`, so nodes are built
while parsing and no intermediate parse tree is kept (the whole game parses in seconds).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError

from . import ast
from .grammar import GRAMMAR, START_RULES
from .lexer import PUNCTUATION, BlakodLarkLexer, BlakodLexError, string_value


class BlakodSyntaxError(Exception):
    """A file that is not valid Blakod; `str()` reads `path:line:column: message`."""

    def __init__(self, path: str, line: int, column: int, message: str) -> None:
        super().__init__(f"{path}:{line}:{column}: {message}")
        self.path = path
        self.line = line
        self.column = column
        self.message = message


@v_args(inline=True)
class _ToAst(Transformer[Token, Any]):
    """Callbacks named after the grammar's rules and aliases, each building one node."""

    # --- files and classes

    def kod_file(self, *classes: ast.ClassDef) -> tuple[ast.ClassDef, ...]:
        return classes

    def constants_file(self, *items: ast.ConstantDef | ast.Include) -> tuple[ast.ConstantDef | ast.Include, ...]:
        return items

    def statements_file(self, *statements: ast.Statement) -> tuple[ast.Statement, ...]:
        return statements

    def class_def(self, header: tuple[Token, Token | None], *sections: tuple[str, tuple[Any, ...]]) -> ast.ClassDef:
        name, parent = header
        found = dict(sections)
        return ast.ClassDef(
            name=str(name),
            parent=str(parent) if parent is not None else None,
            line=name.line or 0,
            constants=found.get("constants", ()),
            resources=found.get("resources", ()),
            classvars=found.get("classvars", ()),
            properties=found.get("properties", ()),
            messages=found.get("messages", ()),
        )

    def class_header(self, name: Token, parent: Token | None = None) -> tuple[Token, Token | None]:
        return name, parent

    def constants_section(self, *items: Any) -> tuple[str, tuple[Any, ...]]:
        return "constants", items

    def resources_section(self, *items: Any) -> tuple[str, tuple[Any, ...]]:
        return "resources", items

    def classvars_section(self, *items: Any) -> tuple[str, tuple[Any, ...]]:
        return "classvars", items

    def properties_section(self, *items: Any) -> tuple[str, tuple[Any, ...]]:
        return "properties", items

    def messages_section(self, *items: Any) -> tuple[str, tuple[Any, ...]]:
        return "messages", items

    # --- definitions

    def constant_def(self, name: Token, _equal: Token, value: ast.Expression) -> ast.ConstantDef:
        return ast.ConstantDef(str(name), value, name.line or 0)

    def include_line(self, keyword: Token, filename: Token) -> ast.Include:
        return ast.Include(str(filename), keyword.line or 0)

    def resource_def(self, name: Token, _equal: Token, value: Token) -> ast.ResourceDef:
        return _resource(name, value, language=None)

    def language_resource_def(self, name: Token, _equal: Token, language: Token, value: Token) -> ast.ResourceDef:
        return _resource(name, value, language=str(language))

    def variable_def(self, name: Token, _equal: Token | None = None, value: ast.Expression | None = None) -> ast.VariableDef:
        return ast.VariableDef(str(name), value if value is not None else ast.Nil(), name.line or 0)

    def message_handler(
        self,
        name: Token,
        parameters: tuple[ast.Parameter, ...],
        doc: str | None,
        local_names: tuple[str, ...],
        body: tuple[ast.Statement, ...],
    ) -> ast.MessageHandler:
        return ast.MessageHandler(str(name), parameters, local_names, body, name.line or 0, doc)

    def parameters(self, *parameters: ast.Parameter) -> tuple[ast.Parameter, ...]:
        return parameters

    def parameter(self, name: Token, _equal: Token, default: ast.Expression) -> ast.Parameter:
        return ast.Parameter(str(name), default)

    def doc_string(self, text: Token | None = None) -> str | None:
        return string_value(text) if text is not None else None

    def locals(self, *names: Token) -> tuple[str, ...]:
        return tuple(str(name) for name in names)

    def statements(self, *statements: ast.Statement) -> tuple[ast.Statement, ...]:
        return statements

    # --- statements

    def call_statement(self, call: ast.Call | ast.ListLiteral) -> ast.CallStatement:
        return ast.CallStatement(call, call.line)

    def assign(self, target: Token, _equal: Token, value: ast.Expression) -> ast.Assign:
        return ast.Assign(str(target), value, target.line or 0)

    def if_statement(
        self,
        keyword: Token,
        condition: ast.Expression,
        then: tuple[ast.Statement, ...],
        otherwise: tuple[ast.Statement, ...] | ast.If = (),
    ) -> ast.If:
        if isinstance(otherwise, ast.If):
            otherwise = (otherwise,)
        return ast.If(condition, then, otherwise, keyword.line or 0)

    def block(self, *statements: ast.Statement) -> tuple[ast.Statement, ...]:
        return statements

    def for_each(self, keyword: Token, variable: Token, iterable: ast.Expression, body: tuple[ast.Statement, ...]) -> ast.ForEach:
        return ast.ForEach(str(variable), iterable, body, keyword.line or 0)

    def for_loop(self, keyword: Token, init: tuple[ast.Assign, ...], *rest: Any) -> ast.For:
        # rest is (condition, step, body), or (step, body) when the condition is left out.
        condition: ast.Expression | None = rest[0] if len(rest) == 3 else None
        step, body = rest[-2], rest[-1]
        return ast.For(init, condition, step, body, keyword.line or 0)

    def for_assignments(self, *assignments: ast.Assign) -> tuple[ast.Assign, ...]:
        return assignments

    def increment(self, first: Token, second: Token) -> ast.Assign:
        prefix = first.type == "INC_DEC"
        op, target = (first, second) if prefix else (second, first)
        return ast.Assign(str(target), ast.IncDec(str(op), str(target), prefix), first.line or 0)

    def increment_expression(self, assignment: ast.Assign) -> ast.Expression:
        return assignment.value

    def while_loop(self, keyword: Token, condition: ast.Expression, body: tuple[ast.Statement, ...]) -> ast.While:
        return ast.While(condition, body, keyword.line or 0)

    def return_statement(self, keyword: Token, value: ast.Expression | None = None) -> ast.Return:
        return ast.Return(value, keyword.line or 0)

    def propagate(self, keyword: Token) -> ast.Propagate:
        return ast.Propagate(keyword.line or 0)

    def break_statement(self, keyword: Token) -> ast.Break:
        return ast.Break(keyword.line or 0)

    def continue_statement(self, keyword: Token) -> ast.Continue:
        return ast.Continue(keyword.line or 0)

    def include_statement(self, keyword: Token, filename: Token) -> ast.IncludeStatements:
        return ast.IncludeStatements(str(filename), keyword.line or 0)

    # --- expressions

    def operator_chain(self, *operands_and_operators: ast.Expression | Token) -> ast.Expression:
        return _group_by_precedence(list(operands_and_operators))

    def unary(self, op: Token, operand: ast.Expression) -> ast.Expression:
        if op == "-" and isinstance(operand, ast.Number):
            return ast.Number(-operand.value)  # keep negative literals literal, e.g. in exit tables
        return ast.UnaryOp(op.lower(), operand)

    def number(self, token: Token) -> ast.Number:
        return ast.Number(int(token, 16) if token[:2].lower() == "0x" else int(token))

    def nil(self, _dollar: Token) -> ast.Nil:
        return ast.Nil()

    def string(self, token: Token) -> ast.String:
        return ast.String(string_value(token))

    def class_literal(self, _amp: Token, name: Token) -> ast.ClassLiteral:
        return ast.ClassLiteral(str(name))

    def message_literal(self, name: Token) -> ast.MessageLiteral:
        return ast.MessageLiteral(str(name))

    def name(self, token: Token) -> ast.Name:
        return ast.Name(str(token))

    def function_call(self, name: Token, *args: ast.Expression | ast.NamedArgument) -> ast.Call:
        return ast.Call(str(name), args, name.line or 0)

    def list_literal(self, bracket: Token, *items: ast.Expression) -> ast.ListLiteral:
        return ast.ListLiteral(items, bracket.line or 0)

    def named_argument(self, name: Token, _equal: Token, value: ast.Expression) -> ast.NamedArgument:
        return ast.NamedArgument(str(name), value)


# The original grammar's binary operator precedence (blakcomp.y), higher binds tighter.
BINARY_PRECEDENCE = {
    "or": 1,
    "and": 2,
    "|": 3,
    "&": 4,
    "=": 5,
    "<>": 5,
    "<": 5,
    ">": 5,
    "<=": 5,
    ">=": 5,
    "+": 6,
    "-": 6,
    "*": 7,
    "/": 7,
    "mod": 7,
}


def _group_by_precedence(chain: list[Any]) -> ast.Expression:
    """Turn `operand (operator operand)*` into a tree; all operators are left-associative."""
    position = 0

    def climb(min_precedence: int) -> ast.Expression:
        nonlocal position
        left: ast.Expression = chain[position]
        position += 1
        while position < len(chain):
            op = chain[position].lower()
            precedence = BINARY_PRECEDENCE[op]
            if precedence < min_precedence:
                break
            position += 1
            right = climb(precedence + 1)
            left = ast.BinaryOp(op, left, right)
        return left

    return climb(1)


def _resource(name: Token, value: Token, language: str | None) -> ast.ResourceDef:
    if value.type == "STRING":
        return ast.ResourceDef(str(name), string_value(value), False, language, name.line or 0)
    return ast.ResourceDef(str(name), str(value), True, language, name.line or 0)


@functools.cache
def _parser() -> Lark:
    # Built once per process: compiling the LALR tables takes a fraction of a second.
    return Lark(
        GRAMMAR,
        parser="lalr",
        lexer=BlakodLarkLexer,
        start=START_RULES,
        transformer=_ToAst(),
        maybe_placeholders=False,
    )


def _parse(text: str, path: str, start: str) -> Any:
    try:
        return _parser().parse(text, start=start)
    except BlakodLexError as error:
        raise BlakodSyntaxError(path, error.line, error.column, error.message) from None
    except UnexpectedToken as error:
        token = error.token
        if token.type == "$END":
            # lark places the end marker at the last token's position.
            raise BlakodSyntaxError(path, error.line, error.column, "unexpected end of file") from None
        expected = ", ".join(sorted(_describe_token_type(name) for name in error.expected))
        shown = "end of line" if token.type == "_EOL" else repr(str(token))
        raise BlakodSyntaxError(path, error.line, error.column, f"unexpected {shown}; expected one of {expected}") from None
    except UnexpectedEOF:
        raise BlakodSyntaxError(path, _last_line(text), 1, "unexpected end of file") from None
    except UnexpectedInput as error:
        raise BlakodSyntaxError(path, error.line, error.column, str(error)) from None
    except VisitError as error:
        raise BlakodSyntaxError(path, 0, 0, f"cannot build syntax tree: {error.orig_exc}") from None


_TOKEN_TYPE_TEXT = {token_type: f"'{char}'" for char, token_type in PUNCTUATION.items()} | {
    "_EOL": "end of line",
    "IDENTIFIER": "a name",
    "NUMBER": "a number",
    "STRING": "a string",
    "FILENAME": "a file name",
    "REL_OP": "a comparison",
}


def _describe_token_type(token_type: str) -> str:
    """Token types as a reader of the source knows them: "'('" for _LPAR, "if" for IF."""
    return _TOKEN_TYPE_TEXT.get(token_type) or token_type.lstrip("_").lower()


def _last_line(text: str) -> int:
    return text.count("\n") + 1


def parse_kod(text: str, path: str = "<string>") -> ast.SourceFile:
    """Parse a `.kod` file: one or more classes."""
    return ast.SourceFile(path, classes=_parse(text, path, "kod_file"))


def parse_constants(text: str, path: str = "<string>") -> ast.SourceFile:
    """Parse a `.khd` include file: constant definitions."""
    return ast.SourceFile(path, constants=_parse(text, path, "constants_file"))


def parse_statements(text: str, path: str = "<string>") -> ast.SourceFile:
    """Parse a statement fragment (`.ktm`, `.kmn`, `.kxt`) that a handler includes."""
    return ast.SourceFile(path, statements=_parse(text, path, "statements_file"))


# The original sources are Latin-1 (the game predates UTF-8 by its authors' standards).
SOURCE_ENCODING = "latin-1"

_PARSERS_BY_SUFFIX = {".kod": parse_kod, ".khd": parse_constants}


def parse_file(path: Path) -> ast.SourceFile:
    """Parse one Blakod file, choosing the start rule by its suffix."""
    text = path.read_text(encoding=SOURCE_ENCODING)
    parse = _PARSERS_BY_SUFFIX.get(path.suffix.lower(), parse_statements)
    return parse(text, str(path))
