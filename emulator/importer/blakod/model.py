"""The class model: every Blakod class with its resources, variables and handlers, linked
to its parent so values can be resolved through inheritance.

Blakod names are case-insensitive, so every lookup here casefolds the name; the classes
keep the spelling their source uses.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Literal

import attrs

from . import ast
from .evaluate import CannotEvaluate, KodValue, ResourceRef, Scope, evaluate
from .kodbase import KodBase


@attrs.define
class Resource:
    """A named string or file name from a `resources:` section.

    `texts` maps a language tag (None for the untagged default) to the text; a file
    resource (`room = town.roo`) holds the file name as its text.
    """

    name: str
    class_name: str
    line: int
    is_file: bool
    texts: dict[str | None, str] = attrs.field(factory=dict)
    id: int | None = None  # the compiler's resource id, from kodbase.txt

    def text(self, language: str | None = None) -> str | None:
        if language in self.texts:
            return self.texts[language]
        return self.texts.get(None)


@attrs.define
class Variable:
    """A classvar or property with its default: `value` is the evaluated default."""

    name: str
    kind: Literal["classvar", "property"]
    class_name: str
    line: int
    expression: ast.Expression
    value: KodValue


@attrs.define(eq=False)
class KodClass:
    name: str
    parent_name: str | None
    path: Path
    line: int
    definition: ast.ClassDef = attrs.field(repr=False)
    constants: Mapping[str, KodValue] = attrs.field(repr=False)  # casefolded name -> value
    resources: dict[str, Resource] = attrs.field(repr=False)
    classvars: dict[str, Variable] = attrs.field(repr=False)
    properties: dict[str, Variable] = attrs.field(repr=False)
    # Handlers with any included statement files spliced in.
    messages: dict[str, ast.MessageHandler] = attrs.field(repr=False)
    parent: KodClass | None = attrs.field(default=None, repr=False)
    tree: KodTree | None = attrs.field(default=None, repr=False)

    @property
    def class_id(self) -> int | None:
        """The id the original compiler gave this class (kodbase.txt), if known."""
        kodbase = self.tree.kodbase if self.tree is not None else None
        return kodbase.class_id(self.name) if kodbase is not None else None

    def ancestry(self) -> Iterator[KodClass]:
        """This class, then its parent, up to the root."""
        cls: KodClass | None = self
        while cls is not None:
            yield cls
            cls = cls.parent

    def is_a(self, class_name: str) -> bool:
        wanted = class_name.casefold()
        return any(cls.name.casefold() == wanted for cls in self.ancestry())

    def variable(self, name: str) -> Variable | None:
        """The definition that takes effect for a classvar or property: the nearest class
        that defines it wins, so a subclass's classvar overrides its parent's."""
        key = name.casefold()
        for cls in self.ancestry():
            found = cls.classvars.get(key) or cls.properties.get(key)
            if found is not None:
                return found
        return None

    def value(self, name: str) -> KodValue:
        """The effective default of a classvar or property, e.g. `cls.value("viLevel") == 30`."""
        found = self.variable(name)
        if found is None:
            return CannotEvaluate(f"{self.name} has no classvar or property {name}")
        return found.value

    def constant(self, name: str) -> KodValue:
        """A constant visible in this class (its own `constants:` and the files it includes)."""
        return self.scope().lookup(name)

    def scope(self) -> Scope:
        """Names an expression in this class can use at compile time."""
        tree = self.tree
        return Scope(self.constants, tree.is_resource if tree is not None else self.resources.__contains__)

    def handler(self, name: str) -> ast.MessageHandler | None:
        """The handler that runs for a message: this class's own, else the nearest parent's."""
        key = name.casefold()
        for cls in self.ancestry():
            if key in cls.messages:
                return cls.messages[key]
        return None

    def resource(self, name: str) -> Resource | None:
        """A resource by resource name, or by a classvar/property whose value names one
        (`cls.resource("vrName")`)."""
        resource_name = self._resource_name(name)
        if resource_name is None:
            return None
        key = resource_name.casefold()
        for cls in self.ancestry():
            if key in cls.resources:
                return cls.resources[key]
        # Resource names are global in Blakod: a class may show another class's resource.
        return self.tree.resources.get(key) if self.tree is not None else None

    def resource_text(self, name: str, language: str | None = None) -> str | None:
        found = self.resource(name)
        return found.text(language) if found is not None else None

    def resource_id(self, name: str) -> int | None:
        found = self.resource(name)
        return found.id if found is not None else None

    def _resource_name(self, name: str) -> str | None:
        variable = self.variable(name)
        if variable is None:
            return name
        return variable.value.name if isinstance(variable.value, ResourceRef) else None


class ClassIndex(Mapping[str, KodClass]):
    """Classes by name, case-insensitively (`tree.classes["jasper"]` is Jasper)."""

    def __init__(self) -> None:
        self._by_key: dict[str, KodClass] = {}

    def add(self, cls: KodClass) -> None:
        self._by_key[cls.name.casefold()] = cls

    def __getitem__(self, name: str) -> KodClass:
        return self._by_key[name.casefold()]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.casefold() in self._by_key

    def __iter__(self) -> Iterator[str]:
        return (cls.name for cls in self._by_key.values())

    def __len__(self) -> int:
        return len(self._by_key)


@attrs.define
class LoadProblem:
    """Something in the sources the loader could not use as is (the rest still loads)."""

    path: str
    line: int
    message: str


@attrs.define(eq=False)
class KodTree:
    """All classes of a kod folder; build it with `loader.load_kod_tree` or `KodTree.load`."""

    classes: ClassIndex
    resources: dict[str, Resource]  # casefolded resource name -> resource, across all classes
    include_constants: dict[str, dict[str, KodValue]]  # ".khd" file name -> its constants
    problems: list[LoadProblem]
    kodbase: KodBase | None = None
    files_parsed: int = 0
    parse_seconds: float = 0.0
    _children: dict[str, list[KodClass]] = attrs.field(factory=dict, repr=False)

    @classmethod
    def load(cls, kod_dir: Path, kodbase_path: Path | None = None) -> KodTree:
        from .loader import load_kod_tree

        return load_kod_tree(kod_dir, kodbase_path)

    def is_resource(self, name: str) -> bool:
        return name.casefold() in self.resources

    def constant(self, name: str) -> KodValue:
        """A constant from the shared include files (e.g. blakston.khd)."""
        key = name.casefold()
        for constants in self.include_constants.values():
            if key in constants:
                return constants[key]
        return CannotEvaluate(f"{name} is not a constant of any include file")

    def children_of(self, name: str) -> list[KodClass]:
        return list(self._children.get(name.casefold(), ()))

    def subclasses_of(self, name: str, include_self: bool = False) -> list[KodClass]:
        """Every class below `name` in the class tree (depth first, in source order)."""
        found: list[KodClass] = []
        if include_self and name in self.classes:
            found.append(self.classes[name])
        pending = list(reversed(self.children_of(name)))
        while pending:
            cls = pending.pop()
            found.append(cls)
            pending.extend(reversed(self.children_of(cls.name)))
        return found

    def link(self) -> None:
        """Connect each class to its parent (called by the loader once all classes exist)."""
        self._children.clear()
        for cls in self.classes.values():
            cls.tree = self
            if cls.parent_name is None:
                continue
            parent = self.classes.get(cls.parent_name)
            if parent is None:
                self.problems.append(LoadProblem(str(cls.path), cls.line, f"{cls.name}: unknown parent {cls.parent_name}"))
                continue
            cls.parent = parent
            self._children.setdefault(parent.name.casefold(), []).append(cls)


def class_constants(own: dict[str, KodValue], included: list[dict[str, KodValue]]) -> Mapping[str, KodValue]:
    """A class's constant scope: its own definitions first, then its include files'."""
    return ChainMap(own, *included)


def evaluate_variable(definition: ast.VariableDef, kind: Literal["classvar", "property"], class_name: str, scope: Scope) -> Variable:
    return Variable(definition.name, kind, class_name, definition.line, definition.value, evaluate(definition.value, scope))
