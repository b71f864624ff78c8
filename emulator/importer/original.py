"""Turn the operator's copy of the original game into a data folder (``m59emu import``).

Reads the Blakod classes (through :mod:`emulator.importer.blakod`), the client's room
files and the compiler's resource ids, and writes a folder in the format of ``data/``
with the extensions documented in ``data/README.md``: rooms with their exits, flags,
monster tables and spawn points; creature, town NPC, item and ornament kinds; spells,
skills and treasure tables. Texts keep the original resource ids (``*_rsc`` keys).

What the sources say in code rather than data is never guessed: it is listed in
``import-report.txt`` with class, file, line and why. The output depends only on the
input files: sorted keys, no timestamps, so the same copy gives byte-identical files.
"""

from __future__ import annotations

import re
import shutil
from collections import ChainMap, Counter
from collections.abc import Iterable, Mapping, MutableMapping
from pathlib import Path
from typing import Any, cast

import attrs

from emulator.content.loader import MAX_DESCRIPTION_BYTES, MAX_NAME_BYTES
from emulator.importer import toml_writer
from emulator.importer.blakod import (
    NIL,
    CallValue,
    ClassRef,
    KodClass,
    KodTree,
    KodValue,
    ResourceRef,
    Scope,
    ast,
    evaluate,
    find_assignments,
    find_sends,
)
from emulator.importer.blakod.calls import iter_statements
from emulator.world.roofile import RoomFileError, RoomGeometry, load_roo

REPORT_NAME = "import-report.txt"
SERVER_CONFIG_NAME = "server.toml"
START_ROOM_NUMBER_CONSTANT = "RID_JAS_INN"  # the Yonder Inn of Jasper
EDGES = {1: "south", 2: "north", 3: "west", 4: "east"}  # LEAVE_SOUTH .. LEAVE_EAST
# ROW_IS_GREATER_THAN .. COL_IS_LESS_THAN: which squares an edge exit is for.
EDGE_CONDITIONS = {1: "row_above", 2: "row_below", 3: "col_above", 4: "col_below"}
NO_OTHER_CONDITIONS = 5
ROTATE_NONE = 8
LOCKED_DOOR = -1  # ROOM_LOCKED_DOOR
MAX_ANGLE = 4096


class ImportSourceError(Exception):
    """The source folder is not a copy of the game the importer can read."""


@attrs.define
class Skipped:
    category: str
    class_name: str
    file: str
    line: int
    why: str


@attrs.define
class ImportReport:
    counts: dict[str, int] = attrs.field(factory=dict)
    skipped: list[Skipped] = attrs.field(factory=list)

    def skip(self, category: str, cls: KodClass | None, line: int | None, why: str, source_root: Path) -> None:
        file = _relative(cls.path, source_root) if cls is not None else ""
        self.skipped.append(Skipped(category, cls.name if cls is not None else "", file, line or (cls.line if cls else 0), why))

    def skipped_counts(self) -> dict[str, int]:
        return dict(sorted(Counter(item.category for item in self.skipped).items()))

    def summary(self) -> str:
        lines = ["imported:"]
        lines += [f"  {name}: {count}" for name, count in self.counts.items()]
        lines.append(f"not imported ({len(self.skipped)} facts, listed in {REPORT_NAME}):")
        lines += [f"  {name}: {count}" for name, count in self.skipped_counts().items()]
        return "\n".join(lines)

    def text(self) -> str:
        lines = [
            "m59emu import report",
            "",
            self.summary(),
            "",
            "What was not imported (category, class, file:line, why):",
        ]
        for item in sorted(self.skipped, key=lambda s: (s.category, s.file, s.line, s.class_name, s.why)):
            lines.append(f"{item.category}\t{item.class_name}\t{item.file}:{item.line}\t{item.why}")
        return "\n".join(lines) + "\n"


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


# ------------------------------------------------------------------------ sources


@attrs.define
class SourceCopy:
    """Where the parts of the operator's copy are."""

    root: Path
    kod_dir: Path
    kodbase: Path | None
    room_dir: Path

    @classmethod
    def find(cls, source: Path, resources: Path | None = None) -> SourceCopy:
        source = Path(source)
        kod_dir = source / "kod" if (source / "kod").is_dir() else source
        if not any(kod_dir.glob("*.kod")) and not (kod_dir / "object").is_dir():
            raise ImportSourceError(f"{source}: no Blakod sources (expected a kod/ folder)")
        candidates = [
            source / "build" / "kodbase.txt",
            kod_dir / "kodbase.txt",
            source / "kodbase.txt",
        ]
        if resources is not None:
            candidates.insert(0, Path(resources) / "kodbase.txt")
        kodbase = next((path for path in candidates if path.is_file()), None)
        room_candidates = [Path(resources)] if resources is not None else []
        room_candidates += [source / "resource" / "rooms", source / "resource", source / "rooms"]
        room_dir = next((path for path in room_candidates if path.is_dir() and any(path.glob("*.roo"))), None)
        if room_dir is None:
            raise ImportSourceError(f"{source}: no room files (.roo) found; give --resources DIR")
        return cls(source, kod_dir, kodbase, room_dir)


# ------------------------------------------------------------------------ helpers


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


# ------------------------------------------------------------------------ the import


@attrs.define(slots=False)
class _Importer:
    tree: KodTree
    source: SourceCopy
    report: ImportReport = attrs.field(factory=ImportReport)
    rooms: dict[str, dict[str, Any]] = attrs.field(factory=dict)
    kinds: dict[str, dict[str, dict[str, Any]]] = attrs.field(factory=dict)  # file stem -> key -> table
    placed: list[dict[str, Any]] = attrs.field(factory=list)
    spells: dict[str, dict[str, Any]] = attrs.field(factory=dict)
    skills: dict[str, dict[str, Any]] = attrs.field(factory=dict)
    treasure: dict[str, dict[str, Any]] = attrs.field(factory=dict)
    start: dict[str, Any] = attrs.field(factory=dict)

    def __attrs_post_init__(self) -> None:
        self.texts = _Texts(self.report, self.source.root)
        self.geometry: dict[str, RoomGeometry] = {}
        self.room_by_number: dict[int, str] = {}
        self.room_classes: dict[str, KodClass] = {}
        self.kind_family: dict[str, str] = {}  # kind key -> file stem
        self.wanted_kinds: dict[str, tuple[KodClass, int]] = {}
        self.spell_by_number: dict[int, str] = {}
        self.skill_by_number: dict[int, str] = {}
        self.treasure_by_number: dict[int, str] = {}
        self.variant_tables: dict[str, dict[str, Any]] = {}
        self.variant_cache: dict[str, dict[int, tuple[str, dict[str, Any]]]] = {}

    def skip(self, category: str, cls: KodClass | None, line: int | None, why: str) -> None:
        self.report.skip(category, cls, line, why, self.source.root)

    # ------------------------------------------------------------------ rooms

    def room_files(self) -> dict[str, Path]:
        return {path.name.casefold(): path for path in sorted(self.source.room_dir.iterdir()) if path.suffix.lower() == ".roo"}

    def collect_rooms(self) -> list[tuple[str, KodClass, Path]]:
        files = self.room_files()
        found: list[tuple[str, KodClass, Path]] = []
        used_files: dict[str, str] = {}
        for cls in sorted(self.tree.subclasses_of("Room"), key=lambda c: c.name.casefold()):
            number = _int(cls.value("piRoom_num"))
            room_file = self.texts.resource(cls, "prRoom")
            if number is None or room_file is None:
                if _has_children(cls):
                    continue  # a family of rooms, not a room
                self.skip("room", cls, cls.line, "no room number (piRoom_num) or room file (prRoom): not a room players can enter")
                continue
            path = files.get(room_file[0].strip().casefold())
            if path is None:
                self.skip("room", cls, _line_of(cls, "prRoom"), f"room file {room_file[0]!r} is not among the client's room files")
                continue
            if number in self.room_by_number:
                self.skip("room", cls, _line_of(cls, "piRoom_num"), f"room number {number} is already used by {self.room_by_number[number]}")
                continue
            try:
                self.geometry[_key(cls.name)] = load_roo(path)
            except (RoomFileError, OSError) as error:
                self.skip("room", cls, _line_of(cls, "prRoom"), f"room file {path.name} cannot be read: {error}")
                continue
            used_files[path.name.casefold()] = cls.name
            self.room_by_number[number] = _key(cls.name)
            self.room_classes[_key(cls.name)] = cls
            found.append((_key(cls.name), cls, path))
        return found

    def import_rooms(self) -> None:
        found = self.collect_rooms()
        room_flag_names = _constant_names(self.tree, "ROOM_", exclude=("ROOM_OVERRIDE",))
        for key, cls, path in found:
            geometry = self.geometry[key]
            room: dict[str, Any] = {}
            if not self.texts.put(room, "name", cls, "vrName", category="room"):
                room["name"] = cls.name
            room["roo_file"] = path.name
            resource = cls.resource("prRoom")
            if resource is not None and resource.id is not None:
                room["roo_file_rsc"] = resource.id
            room["rows"], room["cols"], room["security"] = geometry.rows, geometry.cols, geometry.security
            self.texts.put(room, "music", cls, "prMusic", category="room", file_suffixes=(".mid", ".mp3"))
            self.texts.put(room, "background", cls, "prBackground", category="room", file_suffixes=(".bgf",))
            light = _int(cls.value("piBaseLight"))
            if light is not None:
                if 0 <= light <= 255:
                    room["ambient_light"] = light
                else:
                    self.skip("room", cls, _line_of(cls, "piBaseLight"), f"light {light} is outside 0..255")
            flags = _int(cls.value("viPermanent_flags"))
            if flags:
                room["flags"] = [name.casefold() for name in _flags(flags, room_flag_names)]
            self.rooms[key] = room
        for key, cls, _ in found:
            self.import_exits(key, cls)
            self.import_monster_table(key, cls)
        self.report.counts["rooms"] = len(self.rooms)
        self.report.counts["exits"] = sum(len(room.get("exits", ())) for room in self.rooms.values())
        self.report.counts["locked doors"] = sum(len(room.get("locked_doors", ())) for room in self.rooms.values())

    def _arrival(self, cls: KodClass, line: int, number: int, row: int, col: int, what: str) -> tuple[str, int, int] | None:
        target = self.room_by_number.get(number)
        if target is None:
            self.skip("exit", cls, line, f"{what} leads to room number {number}, which is not an imported room")
            return None
        geometry = self.geometry[target]
        if not geometry.walkable(row, col):
            # The original puts arrivals on the nearest open square (UtilGoNearSquare).
            near = _nearest_walkable(geometry, min(max(row, 1), geometry.rows), min(max(col, 1), geometry.cols))
            if near is None:
                self.skip("exit", cls, line, f"{what} arrives on ({row}, {col}) of {target}, with no open square near")
                return None
            self.skip("adjusted arrival", cls, line, f"{what} arrives on ({row}, {col}) of {target}, not an open square: moved to {near} as the original's UtilGoNearSquare does")
            row, col = near
        return target, row, col

    def import_exits(self, key: str, cls: KodClass) -> None:
        geometry = self.geometry[key]
        exits: list[dict[str, Any]] = []
        locked: list[dict[str, Any]] = []
        squares: set[tuple[int, int]] = set()
        owner = _handler_class(cls, "CreateStandardExits", "plExits")
        if owner is not None:
            for site in find_assignments(owner, "plExits", "CreateStandardExits"):
                value = site.value
                if value == NIL or (isinstance(value, CallValue) and value.function.casefold() == "cons"):
                    continue
                if not isinstance(value, tuple):
                    self.skip("exit", owner, site.line, "plExits is computed in code")
            for item, line in _collect(cls, owner, "plExits", "CreateStandardExits"):
                if not isinstance(item, tuple) or len(item) < 3 or _int(item[0]) is None or _int(item[1]) is None:
                    self.skip("exit", owner, line, "door exit is not a list of numbers")
                    continue
                row, col = _ints(item[:1])[0], _ints(item[1:2])[0]
                if _int(item[2]) == LOCKED_DOOR:
                    if not geometry.inside(row, col) or (row, col) in squares:
                        self.skip("exit", owner, line, f"locked door ({row}, {col}) is outside the room or on an exit square")
                        continue
                    door: dict[str, Any] = {"row": row, "col": col}
                    if len(item) > 3 and isinstance(item[3], ResourceRef):
                        found = self.tree.resources.get(item[3].name.casefold())
                        text = found.text(None) if found is not None else None
                        if text is not None and _fits(text, MAX_DESCRIPTION_BYTES, False):
                            door["message"] = text
                            if found is not None and found.id is not None:
                                door["message_rsc"] = found.id
                    squares.add((row, col))
                    locked.append(door)
                    continue
                if len(item) not in (6, 7) or not all(_int(v) is not None for v in item):  # 7th: reach
                    self.skip("exit", owner, line, "door exit is not [row, col, room, row, col, angle] of constants")
                    continue
                number, to_row, to_col, angle = _ints(item[2:6])
                if not geometry.inside(row, col):
                    self.skip("exit", owner, line, f"door square ({row}, {col}) is outside the room ({geometry.rows} x {geometry.cols})")
                    continue
                if (row, col) in squares:
                    self.skip("exit", owner, line, f"door square ({row}, {col}) has an earlier exit")
                    continue
                arrival = self._arrival(owner, line, number, to_row, to_col, f"door ({row}, {col})")
                if arrival is None:
                    continue
                squares.add((row, col))
                exits.append({"row": row, "col": col, **_target(arrival, angle)})
        edge_owner = _handler_class(cls, "CreateStandardExits", "plEdge_Exits")
        if edge_owner is not None:
            used: dict[str, int] = {}
            # Cons prepends: at run time the list is in reverse source order, and the
            # original takes the first exit that fits.
            for item, line in reversed(_collect(cls, edge_owner, "plEdge_Exits", "CreateStandardExits")):
                if not isinstance(item, tuple) or len(item) not in (5, 6, 7) or not all(_int(v) is not None for v in item):
                    self.skip("exit", edge_owner, line, "edge exit is not a list of constants")
                    continue
                values = _ints(item)
                edge = EDGES.get(values[0])
                if edge is None:
                    self.skip("exit", edge_owner, line, f"edge exit with unknown side {values[0]}")
                    continue
                when: tuple[str, int] | None = None
                if len(values) > 5 and values[5] != NO_OTHER_CONDITIONS:
                    test = EDGE_CONDITIONS.get(values[5])
                    if test is None or len(values) < 7:
                        self.skip("exit", edge_owner, line, f"{edge} edge exit with unknown condition {values[5]}")
                        continue
                    when = (test, values[6])
                elif edge in used:
                    self.skip("exit", edge_owner, line, f"second {edge} edge exit without a condition (line {used[edge]} is used)")
                    continue
                number, to_row, to_col, angle = values[1:5]
                arrival = self._arrival(edge_owner, line, number, to_row, to_col, f"{edge} edge")
                if arrival is None:
                    continue
                entry: dict[str, Any] = {"edge": edge}
                if when is not None:
                    entry[f"when_{when[0]}"] = when[1]
                else:
                    used[edge] = line
                exits.append({**entry, **_target(arrival, angle)})
        if exits:
            self.rooms[key]["exits"] = exits
        if locked:
            self.rooms[key]["locked_doors"] = locked

    def import_monster_table(self, key: str, cls: KodClass) -> None:
        if not cls.is_a("MonsterRoom") and _handler_class(cls, "Constructed", "plMonsters") is None:
            return
        room = self.rooms[key]
        geometry = self.geometry[key]
        owner = _handler_class(cls, "Constructed", "plMonsters")
        if owner is not None:
            sites = find_assignments(owner, "plMonsters", "Constructed")
            table: list[dict[str, Any]] = []
            for site in sites:
                if site.value == NIL:
                    table = []
                    continue
                if not isinstance(site.value, tuple):
                    self.skip("monster table", owner, site.line, "plMonsters is computed in code")
                    continue
                table = []
                for entry in site.value:
                    if isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[0], ClassRef) and _int(entry[1]) is not None:
                        kind = self.want_kind(entry[0].name, owner, site.line)
                        if kind is not None:
                            table.append({"kind": kind, "percent": _ints(entry[1:2])[0]})
                    else:
                        self.skip("monster table", owner, site.line, "monster table entry is not [&Class, percent]")
            if table:
                room["monsters"] = table
        generators = _handler_class(cls, "Constructed", "plGenerators")
        spawns: list[dict[str, Any]] = []
        if generators is not None:
            for site in find_assignments(generators, "plGenerators", "Constructed"):
                if site.value == NIL:
                    spawns = []
                    continue
                if not isinstance(site.value, tuple):
                    self.skip("spawn point", generators, site.line, "plGenerators is computed in code")
                    continue
                spawns = []
                for entry in site.value:
                    if not (isinstance(entry, tuple) and len(entry) == 2 and all(_int(v) is not None for v in entry)):
                        self.skip("spawn point", generators, site.line, "spawn point is not [row, col]")
                        continue
                    row, col = _ints(entry)
                    if not geometry.walkable(row, col):
                        self.skip("spawn point", generators, site.line, f"spawn point ({row}, {col}) is not an open square of {_room_file(room)}")
                        continue
                    point = {"row": row, "col": col}
                    if point not in spawns:
                        spawns.append(point)
        if spawns:
            room["monster_spawns"] = spawns
        if "monsters" in room:
            limits = {
                "monster_limit": "piMonster_count_max",
                "initial_min": "piInit_count_min",
                "initial_max": "piInit_count_max",
                "spawn_milliseconds": "piGen_time",
                "spawn_percent": "piGen_percent",
            }
            for field, variable in limits.items():
                value = _int(cls.value(variable))
                if value is not None and value >= 0:
                    room[field] = value

    # ------------------------------------------------------------------ kinds

    def want_kind(self, class_name: str, where: KodClass, line: int) -> str | None:
        if class_name not in self.tree.classes:
            self.skip("object", where, line, f"unknown class {class_name}")
            return None
        cls = self.tree.classes[class_name]
        key = _key(cls.name)
        self.wanted_kinds.setdefault(key, (where, line))
        return key

    def import_placed(self) -> None:
        for key in sorted(self.rooms):
            cls = self.room_class(key)
            geometry = self.geometry[key]
            owner_chain = []
            for ancestor in cls.ancestry():
                handler = ancestor.messages.get("createstandardobjects")
                if handler is None:
                    continue
                owner_chain.append(ancestor)
                if not any(isinstance(statement, ast.Propagate) for statement in iter_statements(handler.body)):
                    break  # the parents' objects only come with `propagate`
            counter = 0
            for owner in owner_chain:
                for site in find_sends(owner, "NewHold", "CreateStandardObjects"):
                    what = site.named_arg("what")
                    if not (isinstance(what, CallValue) and what.function.casefold() == "create" and what.args and isinstance(what.args[0], ClassRef)):
                        self.skip("object", owner, site.line, "placed object is not Create(&Class)")
                        continue
                    variant = self.variant_kind(what, owner, site.line)
                    extra = sorted(name for name, _ in what.named if name.casefold() not in ("number",))
                    if variant is None and extra:
                        self.skip("object", owner, site.line, f"{what.args[0].name} made with #{', #'.join(extra)}: its look depends on code")
                        continue
                    row, col = _int(site.named_arg("new_row")), _int(site.named_arg("new_col"))
                    if row is None or col is None:
                        self.skip("object", owner, site.line, f"{what.args[0].name}: square is computed in code")
                        continue
                    if not geometry.inside(row, col):
                        self.skip("object", owner, site.line, f"{what.args[0].name}: square ({row}, {col}) is outside {key}")
                        continue
                    kind = variant or self.want_kind(what.args[0].name, owner, site.line)
                    if kind is None:
                        continue
                    counter += 1
                    entry: dict[str, Any] = {"key": f"{key}-{counter}"[:64], "kind": kind, "room": key, "row": row, "col": col}
                    angle = _int(site.named_arg("new_angle"))
                    if angle is not None:
                        entry["angle"] = _degrees(angle)
                    self.placed.append(entry)

    def variant_kind(self, what: CallValue, where: KodClass, line: int) -> str | None:
        """`Create(&OrnamentalObject, #type=OO_BARREL)`: a kind of its own when the class
        picks name, icon and description by type in a chain of `if type = ...` blocks."""
        type_value = _int(what.named_arg("type"))
        if type_value is None or len(what.named) != 1 or not isinstance(what.args[0], ClassRef):
            return None
        cls = self.tree.classes.get(what.args[0].name) if what.args[0].name in self.tree.classes else None
        if cls is None:
            return None
        variants = self.type_variants(cls)
        found = variants.get(type_value)
        if found is None:
            return None
        key, table = found
        self.variant_tables[key] = table
        return key

    def type_variants(self, cls: KodClass) -> dict[int, tuple[str, dict[str, Any]]]:
        if cls.name in self.variant_cache:
            return self.variant_cache[cls.name]
        variants: dict[int, tuple[str, dict[str, Any]]] = {}
        owner = next((c for c in cls.ancestry() if "resetobjecttype" in c.messages), None)
        if owner is not None:
            scope = owner.scope()
            for statement in owner.messages["resetobjecttype"].body:
                if not (isinstance(statement, ast.If) and isinstance(statement.condition, ast.BinaryOp) and statement.condition.op == "="):
                    continue
                left, right = statement.condition.left, statement.condition.right
                number = _int(evaluate(right, scope))
                if not (isinstance(left, ast.Name) and left.name.casefold() == "type" and isinstance(right, ast.Name)) or number is None:
                    continue
                values: dict[str, KodValue] = {}
                for assignment in statement.then:
                    if isinstance(assignment, ast.Assign):
                        values[assignment.target.casefold()] = evaluate(assignment.value, scope)
                table = self.variant_table(owner, values)
                if table is not None:
                    suffix = right.name.casefold().removeprefix("oo_")
                    variants[number] = (_key(f"{cls.name}-{suffix}"), table)
        self.variant_cache[cls.name] = variants
        return variants

    def variant_table(self, owner: KodClass, values: Mapping[str, KodValue]) -> dict[str, Any] | None:
        table: dict[str, Any] = {}
        for field, variable, limit, multiline in (("name", "vrname", MAX_NAME_BYTES, False), ("icon", "vricon", MAX_NAME_BYTES, False), ("description", "vrdesc", MAX_DESCRIPTION_BYTES, True)):
            ref = values.get(variable)
            resource = self.tree.resources.get(ref.name.casefold()) if isinstance(ref, ResourceRef) else None
            text = resource.text(None) if resource is not None else None
            if text is None or not _fits(text, limit, multiline):
                if field == "description":
                    continue
                return None
            table[field] = text
            if resource is not None and resource.id is not None:
                table[f"{field}_rsc"] = resource.id
        if not str(table["icon"]).lower().endswith(".bgf"):
            return None
        flags = [name for name, variable in (("hanging", "pbhanging"), ("flickering", "pbflicker")) if _int(values.get(variable))]
        if not _int(values.get("pblook")):
            flags.append("noexamine")
        if flags:
            table["flags"] = flags
        if _int(values.get("pbnomoveon")):
            table["moveon"] = "no"
        return table

    def report_code_transitions(self) -> None:
        """Rooms that move players or place things from code: listed, not imported."""
        for key in sorted(self.rooms):
            cls = self.room_class(key)
            for site in find_sends(cls, "UtilGoNearSquare"):
                where = site.named_arg("where")
                target = ""
                if isinstance(where, CallValue) and where.function.casefold() == "send":
                    number = _int(where.named_arg("num"))
                    target = f" to {self.room_by_number.get(number, number)}" if number is not None else ""
                self.skip("teleport", cls, site.line, f"moves players{target} from {site.handler}: a rule in code, not an exit")
            for site in find_sends(cls, "NewHold"):
                if site.handler.casefold() != "createstandardobjects":
                    self.skip("object", cls, site.line, f"places an object from {site.handler}: in code, at run time")

    def room_class(self, key: str) -> KodClass:
        return self.room_classes[key]

    def import_kinds(self) -> None:
        """Every creature, town NPC and item class with a name and icon; ornaments that rooms place."""
        families: list[tuple[str, list[KodClass]]] = [
            ("creatures", [c for c in self.tree.subclasses_of("Monster") if not _is_npc(c)]),
            ("npcs", [c for c in self.tree.subclasses_of("Monster") if _is_npc(c)]),
            ("items", self.tree.subclasses_of("Item")),
        ]
        seen: set[str] = set()
        for family, classes in families:
            for cls in sorted(classes, key=lambda c: c.name.casefold()):
                key = _key(cls.name)
                if key in seen:
                    continue
                if _has_children(cls) and key not in self.wanted_kinds and not ({"vrname", "vricon"} & set(cls.classvars)):
                    continue  # a family of kinds without a look of its own (e.g. Towns)
                table = self.kind_table(cls, family, report=True)
                if table is None:
                    continue
                seen.add(key)
                self.kinds.setdefault(family, {})[key] = table
                self.kind_family[key] = family
        for key, (where, line) in sorted(self.wanted_kinds.items()):
            if key in seen:
                continue
            cls = self.tree.classes[key]
            table = self.kind_table(cls, "kinds", report=False)
            if table is None:
                self.skip("object", where, line, f"{cls.name} has no name or icon resource of its own")
                continue
            seen.add(key)
            self.kinds.setdefault("kinds", {})[key] = table
            self.kind_family[key] = "kinds"
        for key, table in sorted(self.variant_tables.items()):
            if key not in seen:
                seen.add(key)
                self.kinds.setdefault("kinds", {})[key] = table
                self.kind_family[key] = "kinds"
        # Drop references to kinds that could not be imported.
        for room_key, room in self.rooms.items():
            if "monsters" in room:
                room["monsters"] = [m for m in room["monsters"] if m["kind"] in seen]
                if not room["monsters"]:
                    del room["monsters"]
        self.placed = [entry for entry in self.placed if entry["kind"] in seen]
        self.report.counts["creature kinds"] = len(self.kinds.get("creatures", {}))
        self.report.counts["town NPC kinds"] = len(self.kinds.get("npcs", {}))
        self.report.counts["NPCs that sell or teach"] = sum(1 for t in self.kinds.get("npcs", {}).values() if "shop" in t)
        self.report.counts["item kinds"] = len(self.kinds.get("items", {}))
        self.report.counts["other kinds"] = len(self.kinds.get("kinds", {}))
        self.report.counts["placed objects"] = len(self.placed)

    def kind_table(self, cls: KodClass, family: str, report: bool) -> dict[str, Any] | None:
        table: dict[str, Any] = {}
        has_name = self.texts.put(table, "name", cls, "vrName", category=family)
        has_icon = self.texts.put(table, "icon", cls, "vrIcon", category=family, file_suffixes=(".bgf",))
        if not has_name or not has_icon:
            if report and cls.resource("vrName") is not None and not self.tree.children_of(cls.name):
                self.skip(family, cls, cls.line, "no usable name or icon")
            return None
        self.texts.put(table, "description", cls, "vrDesc", category=family, max_bytes=MAX_DESCRIPTION_BYTES, multiline=True)
        if family in ("creatures", "npcs"):
            table["moveon"] = "no"
            if family == "creatures":
                table["flags"] = ["attackable"]
            table["monster"] = self.monster_section(cls)
            if family == "npcs":
                shop = self.shop_section(cls)
                if shop:
                    table["shop"] = shop
        elif family == "items" or cls.is_a("Item"):
            table["flags"] = ["gettable"]
            table["item"] = self.item_section(cls)
        return table

    def monster_section(self, cls: KodClass) -> dict[str, Any]:
        section: dict[str, Any] = {}
        for field, variable in (("level", "viLevel"), ("difficulty", "viDifficulty"), ("karma", "viKarma"), ("speed", "viSpeed")):
            value = _int(cls.value(variable))
            if value is not None:
                section[field] = value
        attack = _int(cls.value("viAttack_type"))
        if attack:
            section["attack"] = [n.casefold() for n in _flags(attack, _constant_names(self.tree, "ATCK_"))]
        behaviour = _int(cls.value("viDefault_behavior"))
        if behaviour:
            section["behaviour"] = [n.casefold() for n in _flags(behaviour, _constant_names(self.tree, "AI_"))]
        attributes = _int(cls.value("viAttributes"))
        if attributes:
            section["npc_flags"] = [n.casefold() for n in _flags(attributes, _constant_names(self.tree, "MOB_", exclude=("MOB_ROLE_",)))]
        treasure = _int(cls.value("viTreasure_type"))
        if treasure:
            section["treasure_number"] = treasure
        for field, variable in (("sound_hit", "vrSound_hit"), ("sound_miss", "vrSound_miss"), ("sound_aware", "vrSound_aware"), ("sound_death", "vrSound_death")):
            self.texts.put(section, field, cls, variable, category="sound", file_suffixes=(".wav", ".ogg"))
        return section

    def shop_section(self, cls: KodClass) -> dict[str, Any]:
        owner = _handler_class(cls, "SetForSale", "plFor_sale")
        if owner is None:
            return {}
        sites = find_assignments(owner, "plFor_sale", "SetForSale")
        site = sites[-1]
        if not isinstance(site.value, tuple):
            self.skip("shop", owner, site.line, "plFor_sale is computed in code")
            return {}
        shop: dict[str, Any] = {}
        parts = list(site.value) + [NIL] * 3
        sells: list[dict[str, Any]] = []
        if isinstance(parts[0], tuple):
            for entry in parts[0]:
                if isinstance(entry, CallValue) and entry.function.casefold() == "create" and entry.args and isinstance(entry.args[0], ClassRef):
                    options = {name.casefold(): _int(value) for name, value in entry.named}
                    extra = sorted(name for name, value in options.items() if name not in ("number", "color", "translation") or value is None)
                    if extra:
                        self.skip("shop", owner, site.line, f"{entry.args[0].name} for sale with #{', #'.join(extra)}: not data")
                        continue
                    item: dict[str, Any] = {"kind": _key(entry.args[0].name)}
                    item.update((name, options[name]) for name in ("number", "color", "translation") if name in options)
                    sells.append(item)
                else:
                    self.skip("shop", owner, site.line, "an item for sale is not Create(&Class)")
        if sells:
            shop["sells"] = sells
        for field, part in (("teaches_skills", parts[1]), ("teaches_spells", parts[2])):
            numbers = [v for v in part if isinstance(v, int)] if isinstance(part, tuple) else []
            if numbers:
                shop[field] = numbers
        markup = _int(cls.value("viMerchant_markup"))
        if shop and markup is not None:
            shop["markup"] = markup
        return shop

    def item_section(self, cls: KodClass) -> dict[str, Any]:
        section: dict[str, Any] = {}
        fields = (
            ("weight", "viWeight"),
            ("bulk", "viBulk"),
            ("value", "viValue_average"),
            ("use_type", "viUse_type"),
            ("item_type", "viItem_type"),
            ("use_amount", "viUse_amount"),
            ("hits_min", "viHits_init_min"),
            ("hits_max", "viHits_init_max"),
            ("defense", "viDefense_base"),
            ("damage_reduce", "viDamage_base"),
            ("weapon_type", "viWeaponType"),
            ("weapon_quality", "viWeaponQuality"),
            ("proficiency", "viProficiency_needed"),
            ("spell_modifier", "viSpell_modifier"),
        )
        for field, variable in fields:
            value = _int(cls.value(variable))
            if value is not None and cls.variable(variable) is not None:
                section[field] = value
        if cls.is_a("NumberItem"):
            section["stacks"] = True
        return section

    # ------------------------------------------------------------------ spells, skills, treasure

    def import_spells(self) -> None:
        schools = _value_names(self.tree, "SS_")
        for cls in sorted(self.tree.subclasses_of("Spell"), key=lambda c: c.name.casefold()):
            number = _int(cls.value("viSpell_num"))
            if number is None:
                continue  # a family of spells
            if number in self.spell_by_number:
                self.skip("spell", cls, _line_of(cls, "viSpell_num"), f"spell number {number} is already {self.spell_by_number[number]}")
                continue
            table: dict[str, Any] = {"number": number}
            if not self.texts.put(table, "name", cls, "vrName", category="spell"):
                self.skip("spell", cls, cls.line, "no usable name")
                continue
            self.texts.put(table, "icon", cls, "vrIcon", category="spell", file_suffixes=(".bgf",))
            self.texts.put(table, "description", cls, "vrDesc", category="spell", max_bytes=MAX_DESCRIPTION_BYTES, multiline=True)
            school = _int(cls.value("viSchool"))
            if school is not None:
                table["school"] = schools.get(school, str(school)).casefold()
            for field, variable in (("level", "viSpell_level"), ("mana", "viMana"), ("vigor", "viSpellExertion"), ("cast_time", "viCast_time")):
                value = _int(cls.value(variable))
                if value is not None:
                    table[field] = value
            targets = _constant_return(cls, "GetNumSpellTargets")
            if targets is not None:
                table["targets"] = targets
            table["harmful"] = bool(_int(cls.value("viHarmful")))
            table["outlaw"] = bool(_int(cls.value("viOutlaw")))
            table["family"] = _key(cls.parent.name) if cls.parent is not None else "spell"
            reagents = self.reagents(cls)
            if reagents:
                table["reagents"] = reagents
            self.spell_by_number[number] = _key(cls.name)
            self.spells[_key(cls.name)] = table
        self.report.counts["spells"] = len(self.spells)

    def reagents(self, cls: KodClass) -> list[dict[str, Any]]:
        owner = _handler_class(cls, "ResetReagents", "plReagents")
        if owner is None:
            return []
        found: list[dict[str, Any]] = []
        for item, line in _collect(cls, owner, "plReagents", "ResetReagents"):
            if isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], ClassRef) and isinstance(item[1], int):
                found.append({"kind": _key(item[0].name), "count": item[1]})
            else:
                self.skip("spell", owner, line, "reagent is not [&Class, count]")
        found.reverse()  # Cons prepends: the list at run time
        return found

    def import_skills(self) -> None:
        for cls in sorted(self.tree.subclasses_of("Skill"), key=lambda c: c.name.casefold()):
            number = _int(cls.value("viSkill_num"))
            if number is None:
                continue
            table: dict[str, Any] = {"number": number}
            if not self.texts.put(table, "name", cls, "vrName", category="skill"):
                self.skip("skill", cls, cls.line, "no usable name")
                continue
            self.texts.put(table, "icon", cls, "vrIcon", category="skill", file_suffixes=(".bgf",))
            self.texts.put(table, "description", cls, "vrDesc", category="skill", max_bytes=MAX_DESCRIPTION_BYTES, multiline=True)
            for field, variable in (("level", "viSkill_level"), ("school", "viSchool"), ("vigor", "viSkillExertion")):
                value = _int(cls.value(variable))
                if value is not None:
                    table[field] = value
            table["family"] = _key(cls.parent.name) if cls.parent is not None else "skill"
            self.skill_by_number[number] = _key(cls.name)
            self.skills[_key(cls.name)] = table
        self.report.counts["skills"] = len(self.skills)

    def import_treasure(self) -> None:
        for cls in sorted(self.tree.subclasses_of("TreasureType"), key=lambda c: c.name.casefold()):
            number = _int(cls.value("piTreasure_num"))
            if number is None:
                self.skip("treasure", cls, cls.line, "no treasure number")
                continue
            owner = _handler_class(cls, "Constructed", "plTreasure")
            entries: list[dict[str, Any]] = []
            if owner is not None:
                site = find_assignments(owner, "plTreasure", "Constructed")[-1]
                if isinstance(site.value, tuple):
                    for item in site.value:
                        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], ClassRef) and _int(item[1]) is not None:
                            entries.append({"kind": _key(item[0].name), "weight": _ints(item[1:2])[0]})
                        else:
                            self.skip("treasure", owner, site.line, "treasure entry is not [&Class, weight]")
                else:
                    self.skip("treasure", owner, site.line, "plTreasure is computed in code")
            table: dict[str, Any] = {"number": number}
            if entries:
                table["items"] = entries
            self.treasure[_key(cls.name)] = table
            self.treasure_by_number[number] = _key(cls.name)
        self.report.counts["treasure tables"] = len(self.treasure)

    # ------------------------------------------------------------------ references

    def import_dialogue(self) -> None:
        """The town folk's speech triggers from the speech library (`plSpeechLib` of
        `CreateSpeechLibrary`): [&Class, [[triggers], restriction, [action, params...]]].
        A line for a family of classes goes to every imported kind of that family."""
        library = self.tree.classes.get("Library") if "Library" in self.tree.classes else None
        if library is None or "createspeechlibrary" not in library.messages:
            return
        actions = _value_names(self.tree, "LIBACT_")
        local_only = _int(self.tree.constant("MOB_LOCAL_ONLY")) or 0
        people = {key: self.tree.classes[key] for family in ("creatures", "npcs") for key in self.kinds.get(family, {})}
        lines_added = 0
        for item, line in _collect(library, library, "plSpeechLib", "CreateSpeechLibrary"):
            if not (isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], ClassRef) and isinstance(item[1], tuple)):
                self.skip("dialogue", library, line, "speech library entry is not [&Class, [lines]]")
                continue
            class_name = item[0].name
            lines = [self.dialogue_line(entry, actions, library, line) for entry in item[1]]
            kept = [entry for entry in lines if entry is not None]
            targets = [
                key
                for key, cls in people.items()
                if cls.is_a(class_name)
                and (cls.name.casefold() == class_name.casefold() or not (_int(cls.value("viAttributes")) or 0) & local_only)
            ]
            if not targets:
                self.skip("dialogue", library, line, f"speech for {class_name}, which is no imported kind")
                continue
            for key in sorted(targets):
                family = self.kind_family[key]
                self.kinds[family][key].setdefault("dialogue", []).extend(kept)
                lines_added += len(kept)
        self.report.counts["dialogue lines"] = lines_added

    def dialogue_line(self, entry: KodValue, actions: Mapping[int, str], library: KodClass, line: int) -> dict[str, Any] | None:
        if not (isinstance(entry, tuple) and len(entry) >= 3 and isinstance(entry[0], tuple) and isinstance(entry[2], tuple) and entry[2]):
            self.skip("dialogue", library, line, "speech line is not [[triggers], restriction, [action, ...]]")
            return None
        triggers, trigger_ids = self.texts_of(entry[0], MAX_NAME_BYTES)
        action = _int(entry[2][0])
        if triggers is None or action is None or action not in actions:
            self.skip("dialogue", library, line, "speech line with triggers or an action that are not constants")
            return None
        numbers = [value for value in entry[2][1:] if isinstance(value, int)]
        says, say_ids = self.texts_of(tuple(v for v in entry[2][1:] if not isinstance(v, int)), MAX_DESCRIPTION_BYTES)
        if says is None:
            self.skip("dialogue", library, line, f"{actions[action]} speech line with parameters that are not texts or numbers")
            return None
        result: dict[str, Any] = {"triggers": triggers}
        if trigger_ids:
            result["triggers_rsc"] = trigger_ids
        result["action"] = actions[action].casefold()
        if numbers:
            result["numbers"] = numbers
        if says:
            result["says"] = says
            if say_ids:
                result["says_rsc"] = say_ids
        restriction = _int(entry[1])
        if restriction:
            result["restriction"] = restriction
        return result

    def texts_of(self, values: tuple[KodValue, ...], limit: int) -> tuple[list[str] | None, list[int]]:
        """Texts of resource references, and their ids (all of them or none)."""
        texts: list[str] = []
        ids: list[int] = []
        for value in values:
            resource = self.tree.resources.get(value.name.casefold()) if isinstance(value, ResourceRef) else None
            text = resource.text(None) if resource is not None else None
            if resource is None or text is None or not _fits(text, limit, False):
                return None, []
            texts.append(text)
            if resource.id is not None:
                ids.append(resource.id)
        return texts, ids if len(ids) == len(texts) else []

    def resolve_references(self) -> None:
        """Numbers to keys (treasure, spells, skills); drop and report what points nowhere."""
        item_keys = set(self.kinds.get("items", {}))
        for family in ("creatures", "npcs"):
            for key, table in self.kinds.get(family, {}).items():
                monster = table["monster"]
                number = monster.pop("treasure_number", None)
                if number is not None:
                    treasure = self.treasure_by_number.get(number)
                    if treasure is None:
                        self.skip("treasure", self.tree.classes[key], _line_of(self.tree.classes[key], "viTreasure_type"), f"treasure type {number} has no table")
                    else:
                        monster["treasure"] = treasure
                shop = table.get("shop")
                if not shop:
                    continue
                cls = self.tree.classes[key]
                if "sells" in shop:
                    kept = [s for s in shop["sells"] if s["kind"] in item_keys]
                    for lost in shop["sells"]:
                        if lost["kind"] not in item_keys:
                            self.skip("shop", cls, cls.line, f"sells {lost['kind']}, which is not an imported item")
                    shop["sells"] = kept
                for field, by_number, what in (("teaches_spells", self.spell_by_number, "spell"), ("teaches_skills", self.skill_by_number, "skill")):
                    if field not in shop:
                        continue
                    keys = []
                    for number in shop.pop(field):
                        found = by_number.get(number)
                        if found is None:
                            self.skip("shop", cls, cls.line, f"teaches {what} number {number}, which is not imported")
                        else:
                            keys.append(found)
                    if keys:
                        shop[field] = keys
                for field in [f for f, v in shop.items() if v == []]:
                    del shop[field]
                if set(shop) <= {"markup"}:
                    del table["shop"]
        for key, spell in self.spells.items():
            if "reagents" in spell:
                kept = [r for r in spell["reagents"] if r["kind"] in item_keys]
                if len(kept) != len(spell["reagents"]):
                    self.skip("spell", self.tree.classes[key], self.tree.classes[key].line, "a reagent is not an imported item")
                spell["reagents"] = kept
                if not kept:
                    del spell["reagents"]
        for key, table in self.treasure.items():
            if "items" in table:
                kept = [e for e in table["items"] if e["kind"] in item_keys]
                for lost in table["items"]:
                    if lost["kind"] not in item_keys:
                        self.skip("treasure", self.tree.classes[key], self.tree.classes[key].line, f"{lost['kind']} is not an imported item")
                table["items"] = kept
                if not kept:
                    del table["items"]
        self.report.counts["NPCs that sell or teach"] = sum(1 for t in self.kinds.get("npcs", {}).values() if "shop" in t)

    # ------------------------------------------------------------------ start

    def choose_start(self) -> None:
        number = _int(self.tree.constant(START_ROOM_NUMBER_CONSTANT))
        key = self.room_by_number.get(number) if number is not None else None
        if key is None:
            key = sorted(self.rooms)[0]
        cls = self.room_class(key)
        row, col = _int(cls.value("viTeleport_row")), _int(cls.value("viTeleport_col"))
        geometry = self.geometry[key]
        if row is None or col is None or not geometry.walkable(row, col):
            near = _nearest_walkable(geometry, row or 1, col or 1)
            assert near is not None
            row, col = near
        self.start = {"room": key, "row": row, "col": col}


def _constant_return(cls: KodClass, message: str) -> int | None:
    """The number a handler returns when its body is just `return <constant>;`."""
    handler = cls.handler(message)
    if handler is None or len(handler.body) != 1 or not isinstance(handler.body[0], ast.Return):
        return None
    value = handler.body[0].value
    owner = next((c for c in cls.ancestry() if message.casefold() in c.messages), cls)
    return _int(evaluate(value, owner.scope())) if value is not None else None


def _room_file(room: Mapping[str, Any]) -> str:
    return str(room.get("roo_file", "the room"))


def _is_npc(cls: KodClass) -> bool:
    """Town folk: the classes under Towns (and the wanderers, which are Towns too)."""
    return any(c.name.casefold() == "towns" for c in cls.ancestry())


def _target(arrival: tuple[str, int, int], angle: int) -> dict[str, Any]:
    room, row, col = arrival
    target: dict[str, Any] = {"to": room, "to_row": row, "to_col": col}
    if angle >= ROTATE_NONE:
        target["turn"] = ((angle - ROTATE_NONE) * 45) % 360
    else:
        target["to_angle"] = _degrees(angle * (MAX_ANGLE // 8))
    return target


def _nearest_walkable(geometry: RoomGeometry, row: int, col: int) -> tuple[int, int] | None:
    for distance in range(0, max(geometry.rows, geometry.cols) + 1):
        ring = [
            (r, c)
            for r in range(row - distance, row + distance + 1)
            for c in range(col - distance, col + distance + 1)
            if max(abs(r - row), abs(c - col)) == distance
        ]
        for r, c in ring:
            if geometry.walkable(r, c):
                return r, c
    return None


def _has_children(cls: KodClass) -> bool:
    return bool(cls.tree.children_of(cls.name)) if cls.tree is not None else False


# ------------------------------------------------------------------------ writing


def _header(what: str) -> str:
    return (
        f"{what}\n"
        "Written by `m59emu import` from the operator's copy of the original game.\n"
        "Names and descriptions are the original's; *_rsc keys keep its resource ids."
    )


def write_folder(importer: _Importer, out: Path) -> list[Path]:
    out = Path(out)
    rooms_dir, objects_dir = out / "rooms", out / "objects"
    for folder in (rooms_dir, objects_dir):
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
    written: list[Path] = []

    def write(path: Path, data: Mapping[str, Any], header: str) -> None:
        path.write_text(toml_writer.dumps(data, header), encoding="utf-8", newline="\n")
        written.append(path)

    write(
        out / "world.toml",
        {
            "motd": "Meridian 59, served by m59emu from the operator's own copy of the original world.",
            "player_icon": "bta.bgf",
            "start": importer.start,
        },
        _header("The whole world: where new characters appear."),
    )
    for key in sorted(importer.rooms):
        write(rooms_dir / f"{key}.toml", importer.rooms[key], _header(f"Room {key}."))
    for family in ("kinds", "creatures", "npcs", "items"):
        tables = importer.kinds.get(family, {})
        if family == "kinds" or tables:
            write(objects_dir / f"{family}.toml", {key: tables[key] for key in sorted(tables)}, _header(f"Object kinds: {family}."))
    write(objects_dir / "placed.toml", {"object": importer.placed}, _header("Objects standing in rooms."))
    for name, tables in (("spells", importer.spells), ("skills", importer.skills), ("treasure", importer.treasure)):
        write(out / f"{name}.toml", {key: tables[key] for key in sorted(tables)}, _header(f"{name.capitalize()}."))
    write(
        out / SERVER_CONFIG_NAME,
        {"server": {"data": "."}, "world": {"room_files": str(importer.source.room_dir.resolve())}},
        "A server configuration for this world: twistd -n m59emu --config THIS_FILE\n"
        "room_files: the client's room folder, for the security values and walls of every room.",
    )
    report_path = out / REPORT_NAME
    report_path.write_text(importer.report.text(), encoding="utf-8", newline="\n")
    written.append(report_path)
    return written


def import_world(source: Path, out: Path, resources: Path | None = None, tree: KodTree | None = None) -> ImportReport:
    """Read the copy at ``source`` and write the data folder ``out``; returns the report."""
    copy = SourceCopy.find(source, resources)
    if tree is None:
        tree = KodTree.load(copy.kod_dir, copy.kodbase)
    importer = _Importer(tree, copy)
    if copy.kodbase is None:
        importer.skip("resource ids", None, 0, "no kodbase.txt: texts keep no original resource ids")
    for problem in tree.problems:
        importer.report.skipped.append(Skipped("blakod", "", _relative(Path(problem.path), copy.root), problem.line, problem.message))
    importer.import_rooms()
    importer.import_placed()
    importer.report_code_transitions()
    importer.import_spells()
    importer.import_skills()
    importer.import_treasure()
    importer.import_kinds()
    importer.import_dialogue()
    importer.resolve_references()
    importer.choose_start()
    write_folder(importer, out)
    return importer.report


def rooms_reached(rooms: Mapping[str, Mapping[str, Any]], start: str) -> set[str]:
    reached, pending = {start}, [start]
    while pending:
        for exit in rooms[pending.pop()].get("exits", ()):
            if exit["to"] not in reached:
                reached.add(exit["to"])
                pending.append(exit["to"])
    return reached


__all__ = ["ImportReport", "ImportSourceError", "SourceCopy", "Skipped", "import_world"]
