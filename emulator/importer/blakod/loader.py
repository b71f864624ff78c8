"""Build a KodTree from a kod folder: parse every file, evaluate constants and defaults,
splice included statement files into handlers, attach kodbase ids, link parents."""

from __future__ import annotations

import time
from pathlib import Path

import attrs

from . import ast
from .evaluate import KodValue, Scope, evaluate
from .kodbase import KodBase, read_kodbase
from .model import ClassIndex, KodClass, KodTree, LoadProblem, Resource, class_constants, evaluate_variable
from .parser import parse_file


def find_kod_files(kod_dir: Path) -> list[Path]:
    """Class files (.kod) and include files (.khd), in a stable order."""
    return sorted(path for path in kod_dir.rglob("*") if path.suffix.lower() in (".kod", ".khd") and path.is_file())


class _IncludeResolver:
    """Finds and parses included files the way the original compiler's search goes: the
    including file's folder first, then the include folders (those holding .khd files)."""

    def __init__(self, kod_dir: Path, include_files: dict[str, ast.SourceFile]) -> None:
        self._include_files = include_files  # casefolded file name -> parsed .khd
        self._include_dirs = sorted({Path(source.path).parent for source in include_files.values()})
        self._fragments: dict[Path, ast.SourceFile] = {}
        self._constants: dict[str, dict[str, KodValue]] = {}
        self.files_parsed = 0

    def constants(self, filename: str, problems: list[LoadProblem], path: str, line: int) -> dict[str, KodValue] | None:
        """The evaluated constants of an include file (and the files it includes)."""
        key = filename.casefold()
        if key in self._constants:
            return self._constants[key]
        source = self._include_files.get(key)
        if source is None:
            problems.append(LoadProblem(path, line, f"include file {filename} not found"))
            return None
        flattened: dict[str, KodValue] = {}
        scope = Scope(flattened, lambda name: False)
        for item in source.constants:
            if isinstance(item, ast.Include):
                flattened.update(self.constants(item.filename, problems, source.path, item.line) or {})
            elif isinstance(item, ast.ConstantDef):
                flattened[item.name.casefold()] = evaluate(item.value, scope)
        self._constants[key] = flattened
        return flattened

    def statements(self, filename: str, including_file: Path) -> ast.SourceFile | None:
        for folder in [including_file.parent, *self._include_dirs]:
            candidate = folder / filename
            if candidate.is_file():
                if candidate not in self._fragments:
                    self._fragments[candidate] = parse_file(candidate)
                    self.files_parsed += 1
                return self._fragments[candidate]
        return None

    @property
    def all_constants(self) -> dict[str, dict[str, KodValue]]:
        return dict(self._constants)


def load_kod_tree(kod_dir: Path, kodbase_path: Path | None = None) -> KodTree:
    """Parse and model every class under `kod_dir`; raises BlakodSyntaxError on a bad file."""
    started = time.perf_counter()
    parsed = [parse_file(path) for path in find_kod_files(kod_dir)]
    parse_seconds = time.perf_counter() - started

    include_files = {Path(source.path).name.casefold(): source for source in parsed if source.path.lower().endswith(".khd")}
    resolver = _IncludeResolver(kod_dir, include_files)
    kodbase = read_kodbase(kodbase_path) if kodbase_path is not None else None
    problems: list[LoadProblem] = []
    tree = KodTree(classes=ClassIndex(), resources={}, include_constants={}, problems=problems, kodbase=kodbase)

    class_defs = [(Path(source.path), definition) for source in parsed for definition in source.classes]
    # Resources first: any class's expressions may name any resource.
    resources_by_class = [_class_resources(definition, kodbase) for _, definition in class_defs]
    for resources in resources_by_class:
        for key, resource in resources.items():
            tree.resources.setdefault(key, resource)
    for (path, definition), resources in zip(class_defs, resources_by_class):
        cls = _build_class(path, definition, resources, tree, resolver, problems)
        if cls.name in tree.classes:
            problems.append(LoadProblem(str(path), definition.line, f"class {cls.name} defined again"))
            continue
        tree.classes.add(cls)

    tree.include_constants = resolver.all_constants
    tree.files_parsed = len(parsed) + resolver.files_parsed
    tree.parse_seconds = parse_seconds
    tree.link()
    return tree


def _class_resources(definition: ast.ClassDef, kodbase: KodBase | None) -> dict[str, Resource]:
    by_name: dict[str, Resource] = {}
    for item in definition.resources:
        if not isinstance(item, ast.ResourceDef):
            continue
        key = item.name.casefold()
        resource = by_name.get(key)
        if resource is None:
            resource_id = kodbase.resource_id(item.name) if kodbase is not None else None
            resource = Resource(item.name, definition.name, item.line, item.is_file, id=resource_id)
            by_name[key] = resource
        resource.texts[item.language] = item.value  # language variants share one resource
    return by_name


def _build_class(
    path: Path,
    definition: ast.ClassDef,
    resources: dict[str, Resource],
    tree: KodTree,
    resolver: _IncludeResolver,
    problems: list[LoadProblem],
) -> KodClass:
    own: dict[str, KodValue] = {}
    included = [
        found
        for item in definition.constants
        if isinstance(item, ast.Include)
        and (found := resolver.constants(item.filename, problems, str(path), item.line)) is not None
    ]
    constants = class_constants(own, included)
    scope = Scope(constants, tree.is_resource)
    for item in definition.constants:
        if isinstance(item, ast.ConstantDef):
            own[item.name.casefold()] = evaluate(item.value, scope)

    classvars = {
        item.name.casefold(): evaluate_variable(item, "classvar", definition.name, scope) for item in definition.classvars
    }
    properties = {
        item.name.casefold(): evaluate_variable(item, "property", definition.name, scope) for item in definition.properties
    }
    messages = {
        handler.name.casefold(): _splice_includes(handler, path, resolver, problems) for handler in definition.messages
    }
    return KodClass(
        name=definition.name,
        parent_name=definition.parent,
        path=path,
        line=definition.line,
        definition=definition,
        constants=constants,
        resources=resources,
        classvars=classvars,
        properties=properties,
        messages=messages,
    )


def _splice_includes(
    handler: ast.MessageHandler, path: Path, resolver: _IncludeResolver, problems: list[LoadProblem]
) -> ast.MessageHandler:
    """Replace `include file.ktm;` statements by the statements of that file.

    The spliced statements keep their line numbers, which count lines of the included file.
    """

    def splice(statements: tuple[ast.Statement, ...]) -> tuple[ast.Statement, ...]:
        result: list[ast.Statement] = []
        for statement in statements:
            if isinstance(statement, ast.IncludeStatements):
                fragment = resolver.statements(statement.filename, path)
                if fragment is None:
                    problems.append(LoadProblem(str(path), statement.line, f"include file {statement.filename} not found"))
                    result.append(statement)
                else:
                    result.extend(splice(fragment.statements))
            elif isinstance(statement, ast.If):
                result.append(attrs.evolve(statement, then=splice(statement.then), otherwise=splice(statement.otherwise)))
            elif isinstance(statement, (ast.ForEach, ast.For, ast.While)):
                result.append(attrs.evolve(statement, body=splice(statement.body)))
            else:
                result.append(statement)
        return tuple(result)

    if not _has_include(handler.body):
        return handler
    return attrs.evolve(handler, body=splice(handler.body))


def _has_include(statements: tuple[ast.Statement, ...]) -> bool:
    for statement in statements:
        if isinstance(statement, ast.IncludeStatements):
            return True
        if isinstance(statement, ast.If) and (_has_include(statement.then) or _has_include(statement.otherwise)):
            return True
        if isinstance(statement, (ast.ForEach, ast.For, ast.While)) and _has_include(statement.body):
            return True
    return False
