"""Load and validate the operator-editable world content in ``data/``.

Layout (``data/README.md`` is the operator's guide)::

    data/world.toml            start placement, message of the day, player body icon
    data/rooms/<key>.toml      one room per file; the file name (without .toml) is the key
    data/objects/kinds.toml    one table per object kind: [kind_key]
    data/objects/placed.toml   [[object]] entries: objects standing in rooms

``load_world`` either returns a complete ``WorldDefinition`` or raises ``ContentError``
listing every problem as ``path:line: message``. It never raises anything else for bad
files, and never returns a partly loaded world.

Angles are written for humans: compass degrees (0 = north, 90 = east, clockwise) or a
direction name, and converted to the protocol's 0..4095 where 0 is east and 1024 south
(kod ``ANGLE_EAST = 0``, ``ANGLE_SOUTH_EAST = MAX_ANGLE / 8``).
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs

from emulator.content.model import (
    Edge,
    Exit,
    ObjectKind,
    PlacedObject,
    Placement,
    RoomDefinition,
    WorldDefinition,
)

MAX_ANGLE = 4096

# OF_* object flag bits (upstream include/proto.h), by the names operators write.
FLAG_BITS: dict[str, int] = {
    "attackable": 0x00000008,
    "gettable": 0x00000010,
    "container": 0x00000020,
    "noexamine": 0x00000040,
    "special": 0x00000080,  # OF_ITEM_SPECIAL: coloured in lists
    "offerable": 0x00000200,
    "buyable": 0x00000400,
    "activatable": 0x00000800,
    "applyable": 0x00001000,
    "hanging": 0x00010000,
    "flickering": 0x00020000,
    "flashing": 0x00040000,
    "phasing": 0x00080000,
}

# OF_MOVEON_* values, stored in the low two bits (OF_NOMOVEON_MASK).
MOVEON_VALUES: dict[str, int] = {"yes": 0, "no": 1, "teleporter": 2, "notify": 3}

# Compass directions -> degrees (0 = north, clockwise).
DIRECTIONS: dict[str, int] = {
    "north": 0,
    "north-east": 45,
    "east": 90,
    "south-east": 135,
    "south": 180,
    "south-west": 225,
    "west": 270,
    "north-west": 315,
}

MAX_NAME_BYTES = 50
MAX_DESCRIPTION_BYTES = 1000
MAX_MOTD_BYTES = 1000
MAX_FILENAME_BYTES = 64
MAX_GRID = 1000  # fine coordinates are u16: row * 64 + 63 must stay below 65536
MAX_FILE_BYTES = 1_000_000

ROOM_EXTENSIONS = (".roo",)
BITMAP_EXTENSIONS = (".bgf",)
MUSIC_EXTENSIONS = (".mid", ".mp3")

_KEY_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
_TOML_POSITION = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)\s*$")


def angle_from_degrees(degrees: int) -> int:
    """Compass degrees (0 = north, clockwise) to protocol units (0 = east, 1024 = south)."""
    return round(((degrees - 90) % 360) * MAX_ANGLE / 360) % MAX_ANGLE


# --------------------------------------------------------------------------- errors


@attrs.frozen
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class ContentError(Exception):
    """The content in ``data/`` is not valid; ``problems`` lists every problem found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        count = len(self.problems)
        heading = f"{count} problem{'s' if count != 1 else ''} in the world content:"
        super().__init__("\n".join([heading, *(f"  {p}" for p in self.problems)]))


# --------------------------------------------------------------------- line index

_HEADER_LINE = re.compile(r"^\s*(\[\[?)\s*(.+?)\s*(\]\]?)\s*(?:#.*)?$")
_KEY_LINE = re.compile(
    r"""^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*="""
)
_KEY_PART = re.compile(r"""[A-Za-z0-9_-]+|"[^"]*"|'[^']*'""")
_STRING_OR_COMMENT = re.compile(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'|#.*')


def _key_parts(text: str) -> tuple[str, ...]:
    return tuple(part.strip("\"'") for part in _KEY_PART.findall(text))


def _bracket_depth(text: str) -> int:
    bare = _STRING_OR_COMMENT.sub("", text)
    return bare.count("[") + bare.count("{") - bare.count("]") - bare.count("}")


class _LineIndex:
    """Where tables and keys sit in a TOML file, found by scanning its text.

    tomllib reports lines only for syntax errors, so this finds the line of, e.g., the
    third ``[[exits]]`` block (path ``("exits", 2)``) or its ``to`` key. It is a heuristic
    that is right for ordinary files; a lookup that fails falls back to the enclosing
    table, then to line 1.
    """

    def __init__(self, text: str) -> None:
        self._lines: dict[tuple[Any, ...], int] = {}
        array_counts: dict[tuple[str, ...], int] = {}
        context: tuple[Any, ...] = ()
        depth = 0  # open brackets of a value that spans lines
        in_multiline: str | None = None
        for number, line in enumerate(text.splitlines(), start=1):
            if in_multiline is not None:
                if line.count(in_multiline) % 2 == 1:
                    in_multiline = None
                continue
            if depth > 0:
                depth = max(0, depth + _bracket_depth(line))
                continue
            key = _KEY_LINE.match(line)
            if key:
                parts = _key_parts(key.group(1))
                for end in range(1, len(parts) + 1):
                    self._lines.setdefault(context + parts[:end], number)
                value = line[key.end() :]
                for quote in ('"""', "'''"):
                    if value.count(quote) % 2 == 1:
                        in_multiline = quote
                        break
                else:
                    depth = max(0, _bracket_depth(value))
                continue
            header = _HEADER_LINE.match(line)
            if header and (len(header.group(1)) == len(header.group(3))):
                parts = _key_parts(header.group(2))
                if len(header.group(1)) == 2:
                    index = array_counts.get(parts, 0)
                    array_counts[parts] = index + 1
                    context = parts + (index,)
                else:
                    context = parts
                self._lines.setdefault(context, number)

    def line(self, *path: Any) -> int:
        for end in range(len(path), 0, -1):
            found = self._lines.get(tuple(path[:end]))
            if found is not None:
                return found
        return 1


# ----------------------------------------------------------------- file reading


class _Problems:
    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, path: str, line: int, message: str) -> None:
        self.items.append(Problem(path, line, message))


class _File:
    """One parsed TOML file, with a way to report problems at its lines."""

    def __init__(self, shown: str, data: dict[str, Any], text: str, problems: _Problems) -> None:
        self.shown = shown
        self.data = data
        self.lines = _LineIndex(text)
        self._problems = problems

    def line(self, *path: Any) -> int:
        return self.lines.line(*path)

    def report(self, where: tuple[Any, ...], message: str) -> None:
        self._problems.add(self.shown, self.line(*where), message)

    def source(self, *path: Any) -> str:
        return f"{self.shown}:{self.line(*path)}"


def _read_toml(path: Path, shown: str, problems: _Problems) -> _File | None:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        problems.add(shown, 1, "file is missing")
        return None
    except OSError as error:
        problems.add(shown, 1, f"cannot read file: {error.strerror or error}")
        return None
    if len(raw) > MAX_FILE_BYTES:
        problems.add(shown, 1, f"file is larger than {MAX_FILE_BYTES} bytes")
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        problems.add(shown, line, "file is not UTF-8 text (save it as UTF-8)")
        return None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        position = _TOML_POSITION.search(message)
        if position and position.group(1):
            line = int(position.group(1))
            detail = f"{message[: position.start()]} (column {position.group(2)})"
        else:
            line = max(1, len(text.splitlines()))
            detail = message[: position.start()] if position else message
        problems.add(shown, line, f"TOML syntax error: {detail}")
        return None
    except RecursionError:
        problems.add(shown, 1, "TOML syntax error: values nested too deeply")
        return None
    return _File(shown, data, text, problems)


# ---------------------------------------------------------------- field reading

_MISSING = object()


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a decimal number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return "a date/time"


def _check_text(value: str, *, max_bytes: int, multiline: bool) -> str | None:
    """Why ``value`` cannot go on the single-byte wire, or None if it can."""
    try:
        encoded = value.encode("latin-1")
    except UnicodeEncodeError as error:
        bad = value[error.start]
        return (
            f"character {bad!r} (U+{ord(bad):04X}) cannot be sent: the game uses single-byte "
            "Latin-1 text (letters with accents like é are fine; emoji, curly quotes and "
            "non-Latin scripts are not)"
        )
    for char in value:
        if (ord(char) < 0x20 and not (multiline and char == "\n")) or char == "\x7f":
            return f"control character U+{ord(char):04X} is not allowed"
    if len(encoded) > max_bytes:
        return f"is {len(encoded)} bytes long; the limit is {max_bytes}"
    return None


class _Table:
    """Typed access to one TOML table; every problem is reported, reading goes on."""

    def __init__(
        self,
        file: _File,
        where: tuple[Any, ...],
        table: Mapping[str, Any],
        allowed: Iterable[str],
    ) -> None:
        self.file = file
        self.where = where
        self.table = table
        self.ok = True
        allowed = list(allowed)
        for key in table:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                known = ", ".join(allowed)
                self.error(key, f"unknown key '{key}'{hint}; allowed here: {known}")

    def error(self, key: str | None, message: str) -> None:
        self.ok = False
        where = self.where + ((key,) if key is not None else ())
        self.file.report(where, message)

    def _get(self, key: str, required: bool, expected: str) -> Any:
        value = self.table.get(key, _MISSING)
        if value is _MISSING and required:
            self.error(None, f"'{key}' is missing ({expected})")
        return value

    def text(
        self,
        key: str,
        *,
        required: bool = False,
        default: str = "",
        max_bytes: int = MAX_NAME_BYTES,
        multiline: bool = False,
        non_empty: bool = False,
    ) -> str | None:
        value = self._get(key, required, "text in quotes")
        if value is _MISSING:
            return None if required else default
        if not isinstance(value, str):
            self.error(key, f"'{key}' must be text in quotes, not {_type_name(value)}")
            return None
        if non_empty and not value.strip():
            self.error(key, f"'{key}' must not be empty")
            return None
        why = _check_text(value, max_bytes=max_bytes, multiline=multiline)
        if why:
            self.error(key, f"'{key}' {why}")
            return None
        return value

    def filename(
        self, key: str, extensions: tuple[str, ...], *, required: bool = False
    ) -> str | None:
        value = self.text(key, required=required, max_bytes=MAX_FILENAME_BYTES)
        if not value:
            return value
        if "/" in value or "\\" in value or value != value.strip():
            self.error(key, f"'{key}' must be a bare file name like 'name{extensions[0]}'")
            return None
        if not value.lower().endswith(extensions):
            self.error(key, f"'{key}' must end with {' or '.join(extensions)}, got '{value}'")
            return None
        return value

    def integer(
        self,
        key: str,
        *,
        low: int,
        high: int,
        required: bool = False,
        default: int | None = None,
    ) -> int | None:
        value = self._get(key, required, f"a whole number {low}..{high}")
        if value is _MISSING:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(key, f"'{key}' must be a whole number, not {_type_name(value)}")
            return None
        if not low <= value <= high:
            self.error(key, f"'{key}' = {value} is out of range {low}..{high}")
            return None
        return value

    def boolean(self, key: str, *, default: bool = False) -> bool | None:
        value = self.table.get(key, _MISSING)
        if value is _MISSING:
            return default
        if not isinstance(value, bool):
            self.error(key, f"'{key}' must be true or false, not {_type_name(value)}")
            return None
        return value

    def angle(self, key: str, *, default: int = 0) -> int | None:
        value = self.table.get(key, _MISSING)
        if value is _MISSING:
            return default
        if isinstance(value, str):
            name = value.strip().lower().replace("_", "-").replace(" ", "-")
            name = {"northeast": "north-east", "southeast": "south-east"}.get(name, name)
            name = {"northwest": "north-west", "southwest": "south-west"}.get(name, name)
            if name in DIRECTIONS:
                return angle_from_degrees(DIRECTIONS[name])
            self.error(
                key,
                f"'{key}' = {value!r} is not a direction; use one of "
                f"{', '.join(DIRECTIONS)} or compass degrees 0..359",
            )
            return None
        degrees = self.integer(key, low=0, high=359)
        return None if degrees is None else angle_from_degrees(degrees)

    def key_ref(self, key: str, *, required: bool = True) -> str | None:
        value = self.text(key, required=required, max_bytes=64)
        if value is None or value == "":
            if not required:
                return None
            if value == "":
                self.error(key, f"'{key}' must not be empty")
            return None
        return value

    def tables(self, key: str) -> list[tuple[int, Mapping[str, Any]]]:
        """Entries of an array of tables such as ``[[exits]]``, with their indices."""
        value = self.table.get(key, _MISSING)
        if value is _MISSING:
            return []
        if not isinstance(value, list):
            self.error(
                key,
                f"'{key}' must be written as [[{key}]] blocks, not {_type_name(value)}",
            )
            return []
        entries: list[tuple[int, Mapping[str, Any]]] = []
        for index, entry in enumerate(value):
            if isinstance(entry, dict):
                entries.append((index, entry))
            else:
                self.file.report(
                    self.where + (key, index),
                    f"each '{key}' entry must be a table, not {_type_name(entry)}",
                )
                self.ok = False
        return entries


def _valid_key(value: str) -> bool:
    return _KEY_PATTERN.fullmatch(value) is not None


KEY_RULE = "lowercase letters, digits, '_' or '-', starting with a letter or digit, at most 64"

# ------------------------------------------------------------------------ loading

_WORLD_KEYS = ("motd", "player_icon", "start")
_START_KEYS = ("room", "row", "col", "angle")
_ROOM_KEYS = (
    "name",
    "roo_file",
    "rows",
    "cols",
    "background",
    "ambient_light",
    "player_light",
    "music",
    "security",
    "exits",
    "spawns",
)
_EXIT_KEYS = ("row", "col", "edge", "to", "to_row", "to_col", "to_angle")
_SPAWN_KEYS = ("row", "col", "angle")
_KIND_KEYS = ("name", "icon", "description", "flags", "moveon", "wanders")
_PLACED_FILE_KEYS = ("object",)
_PLACED_KEYS = ("key", "kind", "room", "row", "col", "angle")


@attrs.define
class _PendingPlacement:
    """A placement whose room may not have been read yet; checked once all rooms are."""

    file: _File
    where: tuple[Any, ...]
    room: str
    row: int
    col: int
    angle: int
    what: str  # for messages, e.g. "exit target"

    def placement(self) -> Placement:
        return Placement(self.room, self.row, self.col, self.angle)


@attrs.define
class _RoomDraft:
    key: str
    file: _File | None  # None: the file could not be parsed (already reported)
    fields: dict[str, Any]
    exits: list[tuple[dict[str, Any], _PendingPlacement]]
    spawns: list[Placement]


def load_world(data_dir: Path) -> WorldDefinition:
    """Read and validate ``data_dir``; raise ``ContentError`` listing every problem."""
    data_dir = Path(data_dir)
    problems = _Problems()
    pending: list[_PendingPlacement] = []

    world = _read_toml(data_dir / "world.toml", str(data_dir / "world.toml"), problems)
    world_fields = _load_world_file(world, pending) if world else None

    rooms = _load_rooms(data_dir, problems, pending)

    kinds_file = _read_toml(
        data_dir / "objects" / "kinds.toml",
        str(data_dir / "objects" / "kinds.toml"),
        problems,
    )
    kinds = _load_kinds(kinds_file) if kinds_file else None
    # Kind keys written in the file, valid or not: placed objects are checked against
    # these so that one broken kind does not also flag every object using it.
    kind_keys = set(kinds_file.data) if kinds_file else None

    placed_file = _read_toml(
        data_dir / "objects" / "placed.toml",
        str(data_dir / "objects" / "placed.toml"),
        problems,
    )
    placed = _load_placed(placed_file, kind_keys, pending) if placed_file else None

    # References are checked once every file has been read, so an error in one file
    # does not hide the problems of the others.
    if rooms is not None:
        for target in pending:
            room = rooms.get(target.room)
            if room is None:
                known = sorted(rooms)
                close = difflib.get_close_matches(target.room, known, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                target.file.report(
                    target.where + ("room" if target.what != "exit target" else "to",),
                    f"{target.what}: no room '{target.room}'{hint}; rooms are the files in rooms/",
                )
                continue
            rows, cols = room.fields.get("rows"), room.fields.get("cols")
            if rows is None or cols is None:
                continue  # the room's own size is already reported
            if not (1 <= target.row <= rows and 1 <= target.col <= cols):
                key = "row" if not 1 <= target.row <= rows else "col"
                if target.what == "exit target":
                    key = "to_" + key
                target.file.report(
                    target.where + (key,),
                    f"{target.what}: square (row {target.row}, col {target.col}) is outside room "
                    f"'{target.room}', which has rows 1..{rows} and cols 1..{cols}",
                )

    if problems.items:
        # Grouped by file and in line order, the way an operator fixes them.
        raise ContentError(sorted(problems.items, key=lambda p: (p.path, p.line)))

    # Nothing was reported, so every part is present and valid; the check below only
    # keeps the promise to raise nothing but ContentError should that ever not hold.
    if world_fields is None or rooms is None or kinds is None or placed is None:
        internal = Problem(str(data_dir), 1, "content could not be loaded (internal error)")
        raise ContentError([internal])
    room_definitions = {key: _finish_room(draft) for key, draft in rooms.items()}
    return WorldDefinition(
        rooms=room_definitions,
        kinds=kinds,
        objects=tuple(placed),
        start=world_fields["start"],
        motd=world_fields["motd"],
        player_icon=world_fields["player_icon"],
    )


def _load_world_file(file: _File, pending: list[_PendingPlacement]) -> dict[str, Any] | None:
    top = _Table(file, (), file.data, _WORLD_KEYS)
    motd = top.text("motd", max_bytes=MAX_MOTD_BYTES, multiline=True)
    player_icon = top.filename("player_icon", BITMAP_EXTENSIONS)
    start_value = file.data.get("start", _MISSING)
    start: _PendingPlacement | None = None
    if start_value is _MISSING:
        top.error(None, "[start] is missing: where do new characters appear?")
    elif not isinstance(start_value, dict):
        top.error("start", f"'start' must be a [start] table, not {_type_name(start_value)}")
    else:
        start = _placement(_Table(file, ("start",), start_value, _START_KEYS), "start")
        if start is not None:
            pending.append(start)
    if not top.ok or start is None:
        return None
    return {"motd": motd, "player_icon": player_icon, "start": start.placement()}


def _placement(reader: _Table, what: str) -> _PendingPlacement | None:
    """Read room, row, col and angle from ``reader``; the room is checked later."""
    room = reader.key_ref("room")
    row = reader.integer("row", low=1, high=MAX_GRID, required=True)
    col = reader.integer("col", low=1, high=MAX_GRID, required=True)
    angle = reader.angle("angle")
    if not reader.ok or room is None or row is None or col is None or angle is None:
        return None
    return _PendingPlacement(reader.file, reader.where, room, row, col, angle, what)


def _load_rooms(
    data_dir: Path, problems: _Problems, pending: list[_PendingPlacement]
) -> dict[str, _RoomDraft] | None:
    rooms_dir = data_dir / "rooms"
    shown_dir = str(rooms_dir)
    try:
        paths = sorted(
            p for p in rooms_dir.iterdir() if p.suffix == ".toml" and not p.name.startswith(".")
        )
    except FileNotFoundError:
        problems.add(shown_dir, 1, "the rooms/ folder is missing")
        return None
    except OSError as error:
        problems.add(shown_dir, 1, f"cannot list the rooms/ folder: {error.strerror or error}")
        return None
    if not paths:
        problems.add(shown_dir, 1, "there are no rooms: add at least one rooms/<key>.toml")
        return None

    drafts: dict[str, _RoomDraft] = {}
    for path in paths:
        shown = str(rooms_dir / path.name)
        key = path.stem
        if not _valid_key(key):
            problems.add(shown, 1, f"room file name '{key}' must be {KEY_RULE} characters")
            continue
        file = _read_toml(path, shown, problems)
        draft = _load_room(key, file, pending) if file is not None else None
        # A broken room keeps a stub entry, so references to it do not add a second,
        # misleading "no such room" error; its own problems are already reported.
        drafts[key] = draft if draft is not None else _RoomDraft(key, None, {}, [], [])
    return drafts


def _load_room(key: str, file: _File, pending: list[_PendingPlacement]) -> _RoomDraft:
    top = _Table(file, (), file.data, _ROOM_KEYS)
    fields: dict[str, Any] = {
        "name": top.text("name", required=True, non_empty=True),
        "roo_file": top.filename("roo_file", ROOM_EXTENSIONS, required=True),
        "rows": top.integer("rows", low=1, high=MAX_GRID, required=True),
        "cols": top.integer("cols", low=1, high=MAX_GRID, required=True),
        "background": top.filename("background", BITMAP_EXTENSIONS),
        "ambient_light": top.integer("ambient_light", low=0, high=255, default=128),
        "player_light": top.integer("player_light", low=0, high=255, default=48),
        "music": top.filename("music", MUSIC_EXTENSIONS),
        "security": top.integer("security", low=0, high=0xFFFFFFFF),
    }
    rows, cols = fields["rows"], fields["cols"]
    fields = {name: value for name, value in fields.items() if value is not None}

    exits: list[tuple[dict[str, Any], _PendingPlacement]] = []
    used_squares: dict[tuple[int, int], int] = {}
    used_edges: dict[Edge, int] = {}
    for index, entry in top.tables("exits"):
        where = ("exits", index)
        reader = _Table(file, where, entry, _EXIT_KEYS)
        row = reader.integer("row", low=0, high=MAX_GRID)
        col = reader.integer("col", low=0, high=MAX_GRID)
        edge_name = reader.text("edge", default="", max_bytes=16)
        target_room = reader.key_ref("to")
        to_row = reader.integer("to_row", low=1, high=MAX_GRID, required=True)
        to_col = reader.integer("to_col", low=1, high=MAX_GRID, required=True)
        to_angle = reader.angle("to_angle")
        has_square = "row" in entry or "col" in entry
        has_edge = "edge" in entry
        exit_fields: dict[str, Any] = {}
        if has_square and has_edge:
            reader.error(
                None,
                "an exit has either 'row' and 'col' (a square) or 'edge', not both",
            )
        elif has_edge:
            if edge_name is not None:
                try:
                    edge = Edge(edge_name.strip().lower())
                except ValueError:
                    reader.error(
                        "edge",
                        f"'edge' = {edge_name!r} must be north, south, east or west",
                    )
                else:
                    if edge in used_edges:
                        reader.error(
                            "edge",
                            f"this room already has an exit past its {edge.value} edge "
                            f"(line {used_edges[edge]})",
                        )
                    used_edges.setdefault(edge, file.line(*where))
                    exit_fields["edge"] = edge
        elif has_square:
            if "row" not in entry or "col" not in entry:
                reader.error(None, "a square exit needs both 'row' and 'col'")
            elif row is not None and col is not None:
                if (
                    rows is not None
                    and cols is not None
                    and not (1 <= row <= rows and 1 <= col <= cols)
                ):
                    reader.error(
                        "row" if not 1 <= row <= rows else "col",
                        f"exit square (row {row}, col {col}) is outside this room, which has "
                        f"rows 1..{rows} and cols 1..{cols} (use 'edge' for a way out past the side)",
                    )
                elif (row, col) in used_squares:
                    reader.error(
                        "row",
                        f"another exit already uses square (row {row}, col {col}) "
                        f"(line {used_squares[(row, col)]})",
                    )
                used_squares.setdefault((row, col), file.line(*where))
                exit_fields["row"], exit_fields["col"] = row, col
        else:
            reader.error(None, "an exit needs 'row' and 'col' (a square) or 'edge' (a side)")
        if (
            reader.ok
            and target_room is not None
            and to_row is not None
            and to_col is not None
            and to_angle is not None
        ):
            target = _PendingPlacement(
                file, where, target_room, to_row, to_col, to_angle, "exit target"
            )
            pending.append(target)
            exits.append((exit_fields, target))
        else:
            top.ok = False

    spawns: list[Placement] = []
    for index, entry in top.tables("spawns"):
        reader = _Table(file, ("spawns", index), entry, _SPAWN_KEYS)
        row = reader.integer("row", low=1, high=MAX_GRID, required=True)
        col = reader.integer("col", low=1, high=MAX_GRID, required=True)
        angle = reader.angle("angle")
        if not reader.ok or row is None or col is None or angle is None:
            top.ok = False
            continue
        if rows is not None and cols is not None and not (1 <= row <= rows and 1 <= col <= cols):
            reader.error(
                "row" if not 1 <= row <= rows else "col",
                f"spawn square (row {row}, col {col}) is outside this room, which has "
                f"rows 1..{rows} and cols 1..{cols}",
            )
            top.ok = False
            continue
        spawns.append(Placement(key, row, col, angle))

    # Returned even when invalid (its problems are reported): other files' references
    # to this room can still be checked against its size.
    return _RoomDraft(key, file, fields, exits, spawns)


def _finish_room(draft: _RoomDraft) -> RoomDefinition:
    exits = tuple(
        Exit(target=target.placement(), **exit_fields) for exit_fields, target in draft.exits
    )
    return RoomDefinition(
        key=draft.key,
        exits=exits,
        spawns=tuple(draft.spawns),
        source=draft.file.source("name") if draft.file else "",
        **draft.fields,
    )


def _load_kinds(file: _File) -> dict[str, ObjectKind] | None:
    """All kinds, or None if any is invalid (each problem is reported)."""
    kinds: dict[str, ObjectKind] = {}
    complete = True
    if not file.data:
        file.report((), "there are no object kinds: add at least one [kind_key] table")
        return None
    for key, table in file.data.items():
        where = (key,)
        if not _valid_key(key):
            file.report(where, f"kind key '{key}' must be {KEY_RULE} characters")
            complete = False
            continue
        if not isinstance(table, dict):
            file.report(where, f"kind '{key}' must be a [{key}] table, not {_type_name(table)}")
            complete = False
            continue
        reader = _Table(file, where, table, _KIND_KEYS)
        name = reader.text("name", required=True, non_empty=True)
        icon = reader.filename("icon", BITMAP_EXTENSIONS, required=True)
        description = reader.text("description", max_bytes=MAX_DESCRIPTION_BYTES, multiline=True)
        flags = _flag_bits(reader)
        wanders = reader.boolean("wanders")
        if (
            not reader.ok
            or name is None
            or icon is None
            or description is None
            or flags is None
            or wanders is None
        ):
            complete = False
            continue
        kinds[key] = ObjectKind(
            key=key,
            name=name,
            icon=icon,
            description=description,
            flags=flags,
            wanders=wanders,
            source=file.source(key),
        )
    return kinds if complete else None


def _flag_bits(reader: _Table) -> int | None:
    bits = 0
    flags = reader.table.get("flags", [])
    if not isinstance(flags, list):
        reader.error(
            "flags",
            f"'flags' must be a list like [\"gettable\"], not {_type_name(flags)}",
        )
        return None
    good = True
    for flag in flags:
        if not isinstance(flag, str):
            reader.error("flags", f"each flag must be a name in quotes, not {_type_name(flag)}")
            good = False
            continue
        bit = FLAG_BITS.get(flag.strip().lower())
        if bit is None:
            close = difflib.get_close_matches(flag.strip().lower(), list(FLAG_BITS), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            reader.error(
                "flags",
                f"unknown flag '{flag}'{hint}; known flags: {', '.join(FLAG_BITS)}",
            )
            good = False
            continue
        bits |= bit
    moveon = reader.table.get("moveon", "yes")
    if not isinstance(moveon, str) or moveon.strip().lower() not in MOVEON_VALUES:
        shown = repr(moveon) if isinstance(moveon, str) else _type_name(moveon)
        reader.error("moveon", f"'moveon' must be one of {', '.join(MOVEON_VALUES)}, not {shown}")
        return None
    bits |= MOVEON_VALUES[moveon.strip().lower()]
    return bits if good else None


def _load_placed(
    file: _File, kind_keys: set[str] | None, pending: list[_PendingPlacement]
) -> list[PlacedObject] | None:
    top = _Table(file, (), file.data, _PLACED_FILE_KEYS)
    placed: list[PlacedObject] = []
    seen: dict[str, int] = {}
    for index, entry in top.tables("object"):
        where = ("object", index)
        reader = _Table(file, where, entry, _PLACED_KEYS)
        key = reader.key_ref("key")
        if key is not None:
            if not _valid_key(key):
                reader.error("key", f"object key '{key}' must be {KEY_RULE} characters")
            elif key in seen:
                reader.error(
                    "key",
                    f"object key '{key}' is used twice (first at line {seen[key]})",
                )
            else:
                seen[key] = file.line(*where, "key")
        kind = reader.key_ref("kind")
        if kind is not None and kind_keys is not None and kind not in kind_keys:
            close = difflib.get_close_matches(kind, sorted(kind_keys), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            reader.error(
                "kind",
                f"no object kind '{kind}'{hint}; kinds are in objects/kinds.toml",
            )
        at = _placement(reader, f"object '{key}'")
        if not reader.ok or at is None or key is None or kind is None:
            top.ok = False
            continue
        pending.append(at)
        placed.append(
            PlacedObject(key=key, kind=kind, at=at.placement(), source=file.source(*where))
        )
    return placed if top.ok else None


__all__ = [
    "DIRECTIONS",
    "FLAG_BITS",
    "MOVEON_VALUES",
    "ContentError",
    "Problem",
    "angle_from_degrees",
    "load_world",
]
