"""Helpers every family of the import shares: keys, numbers, texts that fit the wire, and
reading lists and constants out of Blakod handlers."""

from __future__ import annotations

import re
from collections import ChainMap
from collections.abc import Iterable, Mapping, MutableMapping
from pathlib import Path
from typing import Any, cast

from emulator.content.loader import MAX_NAME_BYTES
from emulator.importer.blakod import (
    NIL,
    KodClass,
    KodTree,
    KodValue,
    ResourceRef,
    Scope,
    ast,
    evaluate,
    find_assignments,
)
from emulator.importer.original.report import ImportReport


MAX_ANGLE = 4096


def _key(name: str) -> str:
    key = re.sub(r"[^a-z0-9_-]", "_", name.casefold())
    return key[:64] if key[:1].isalnum() else ("k" + key)[:64]


def _ints(values: Iterable[KodValue]) -> list[int]:
    """Values already checked to be numbers."""
    return [value for value in values if isinstance(value, int)]


def _int(value: KodValue | None) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _fits(text: str, max_bytes: int, multiline: bool) -> bool:
    try:
        encoded = text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    if any((ord(c) < 0x20 and not (multiline and c == "\n")) or c == "\x7f" for c in text):
        return False
    return len(encoded) <= max_bytes


def _degrees(units: int) -> int:
    """Protocol angle units (0 = east, clockwise) to compass degrees (0 = north)."""
    return round((units % MAX_ANGLE) * 360 / MAX_ANGLE + 90) % 360


class _Texts:
    """Resource text and id of a classvar/property that names a resource."""

    def __init__(self, report: ImportReport, root: Path) -> None:
        self.report = report
        self.root = root

    def resource(self, cls: KodClass, name: str) -> tuple[str, int | None] | None:
        found = cls.resource(name)
        if found is None:
            return None
        text = found.text(None)
        if text is None and found.texts:
            text = found.texts[sorted(found.texts, key=lambda k: k or "")[0]]
        if text is None:
            return None
        return text, found.id

    def put(
        self,
        fields: dict[str, Any],
        field: str,
        cls: KodClass,
        variable: str,
        *,
        category: str,
        max_bytes: int = MAX_NAME_BYTES,
        multiline: bool = False,
        file_suffixes: tuple[str, ...] = (),
    ) -> bool:
        """Write ``field`` and ``field_rsc``; False (and a report line) when unusable."""
        found = self.resource(cls, variable)
        if found is None:
            return False
        text, resource_id = found
        text = text.strip() if file_suffixes else text
        if file_suffixes and not text.lower().endswith(file_suffixes):
            self.report.skip(category, cls, _line_of(cls, variable), f"{variable} names {text!r}, not a {'/'.join(file_suffixes)} file", self.root)
            return False
        if not _fits(text, max_bytes, multiline):
            self.report.skip(category, cls, _line_of(cls, variable), f"{variable} text does not fit the wire ({len(text)} characters, limit {max_bytes} Latin-1 bytes); only its resource id is kept", self.root)
            if resource_id is not None:
                fields[f"{field}_rsc"] = resource_id
            return False
        fields[field] = text
        if resource_id is not None:
            fields[f"{field}_rsc"] = resource_id
        return True


def _line_of(cls: KodClass, variable: str) -> int:
    found = cls.variable(variable)
    return found.line if found is not None else cls.line


def _scope_with_variables(cls: KodClass) -> Scope:
    """The class's constants plus the defaults of its classvars and properties (nearest
    class wins), so `viDemo_base + 1` in an inherited handler takes this room's value."""
    values: dict[str, KodValue] = {}
    for ancestor in cls.ancestry():
        for name in (*ancestor.classvars, *ancestor.properties):
            if name not in values:
                value = cls.value(name)
                if isinstance(value, (int, ResourceRef)) and not isinstance(value, bool):
                    values[name] = value
    tree = cls.tree
    constants = cast(MutableMapping[str, KodValue], cls.constants)
    return Scope(ChainMap(constants, values), tree.is_resource if tree is not None else (lambda name: False))


def _collect(cls: KodClass, owner: KodClass, target: str, handler: str) -> list[tuple[KodValue, int]]:
    """Like `collected_list`, with each item evaluated for ``cls`` (which may inherit the
    handler from ``owner``), and the line it comes from."""
    scope = _scope_with_variables(cls)
    items: list[tuple[KodValue, int]] = []
    for site in find_assignments(owner, target, handler):
        expression = site.expression
        if site.value == NIL:
            items = []
        elif isinstance(expression, ast.ListLiteral):
            items = [(evaluate(item, scope), site.line) for item in expression.items]
        elif isinstance(expression, ast.Call) and expression.function.casefold() == "cons" and len(expression.args) == 2:
            rest = expression.args[1]
            item = expression.args[0]
            if isinstance(rest, ast.Name) and rest.name.casefold() == target.casefold() and not isinstance(item, ast.NamedArgument):
                items.append((evaluate(item, scope), site.line))
    return items


def _handler_class(cls: KodClass, handler: str, target: str) -> KodClass | None:
    """The nearest class in the ancestry whose ``handler`` assigns ``target``."""
    for candidate in cls.ancestry():
        if handler.casefold() in candidate.messages and find_assignments(candidate, target, handler):
            return candidate
    return None


def _constant_names(tree: KodTree, prefix: str, exclude: tuple[str, ...] = ()) -> dict[int, str]:
    """Single-bit constants of the include files with this prefix, by value."""
    names: dict[int, str] = {}
    for constants in tree.include_constants.values():
        for name, value in constants.items():
            if not name.startswith(prefix.casefold()) or any(name.startswith(e.casefold()) for e in exclude):
                continue
            if isinstance(value, int) and value > 0 and value & (value - 1) == 0:
                names.setdefault(value, name[len(prefix):])
    return names


def _value_names(tree: KodTree, prefix: str) -> dict[int, str]:
    names: dict[int, str] = {}
    for constants in tree.include_constants.values():
        for name, value in sorted(constants.items()):
            if name.startswith(prefix.casefold()) and isinstance(value, int):
                names.setdefault(value, name[len(prefix):])
    return names


def _flags(value: int, names: Mapping[int, str]) -> list[str]:
    found = [names[bit] for bit in sorted(names) if value & bit]
    rest = value & ~sum(names)
    if rest:
        found.append(f"0x{rest:X}")
    return found


def _has_children(cls: KodClass) -> bool:
    return bool(cls.tree.children_of(cls.name)) if cls.tree is not None else False
