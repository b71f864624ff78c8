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

from emulator.rules.combat import MAX_RESISTANCE, MIN_RESISTANCE, RESISTANCE_TYPES
from emulator.content.model import (
    Edge,
    Exit,
    DialogueLine,
    ItemInfo,
    LockedDoor,
    MonsterChance,
    MonsterInfo,
    ObjectKind,
    PlacedObject,
    Placement,
    Reagent,
    RoomDefinition,
    ShopEntry,
    ShopInfo,
    SkillDefinition,
    SpawnRules,
    SpellDefinition,
    TreasureEntry,
    TreasureTable,
    WorldDefinition,
)
from emulator.content.model import (
    ARTICLES, BANK_TEXT_KEYS, CONSUMABLE_USES, ITEM_TEXT_KEYS, REQUISITE_STATS, SHOP_TEXT_KEYS, SKILL_TEXT_KEYS,
    SPELL_EFFECTS, SPELL_OWN_TEXTS, SPELL_TEXT_KEYS, SPELLBOOK_TEXT_KEYS, TRADE_TEXT_KEYS, VAULT_TEXT_KEYS, CombatMessages,
    KindMessages, OriginalText, combat_text_keys,
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

#: Resource ids of the original game's texts stay below the server's own (200,000 up).
MAX_ORIGINAL_RESOURCE_ID = 199_999

# ROOM_* flags of the original (blakston.khd), by the names the import writes.
ROOM_FLAGS = (
    "safe_death", "no_combat", "no_pk", "guild_pk_only", "no_magic", "hometown", "lamps",
    "sanctuary", "anti_magic", "kill_zone", "guest_area", "hard_learn", "safelogoff",
    "triple_heal", "jig", "no_mob_combat",
)
SOUND_EXTENSIONS = (".wav", ".ogg")

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


def _resource_ids(reader: _Table, fields: Iterable[str]) -> tuple[tuple[str, int], ...]:
    """``<field>_rsc`` keys: the original game's resource id of a text or file name."""
    found: list[tuple[str, int]] = []
    for field in fields:
        value = reader.integer(f"{field}_rsc", low=1, high=MAX_ORIGINAL_RESOURCE_ID)
        if value is not None:
            if field not in reader.table:
                reader.error(f"{field}_rsc", f"'{field}_rsc' is given without '{field}'")
                continue
            found.append((field, value))
    return tuple(found)


def _attack_animation(reader: _Table) -> tuple[int, int, int, int] | None:
    """``attack_animation = [period, first, last, after]``: milliseconds per frame and the
    bitmap groups a monster plays once when it swings."""
    value = reader.table.get("attack_animation", _MISSING)
    if value is _MISSING:
        return None
    if not (
        isinstance(value, list) and len(value) == 4
        and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
        and 0 <= value[0] <= 0xFFFF_FFFF and all(0 <= v <= 0xFFFF for v in value[1:])
    ):
        reader.error("attack_animation", "'attack_animation' must be [period, first group, last group, group after]: four whole numbers (period 0..4294967295 ms, groups 0..65535)")
        return None
    return value[0], value[1], value[2], value[3]


def _icon_animation(reader: _Table) -> tuple[int, int, int] | None:
    """A spell's ``icon_animation = [period, first, last]``: its enchantment icon cycles."""
    value = reader.table.get("icon_animation", _MISSING)
    if value is _MISSING:
        return None
    if not (
        isinstance(value, list) and len(value) == 3
        and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
        and 1 <= value[0] <= 0xFFFF_FFFF and all(0 <= v <= 0xFFFF for v in value[1:])
    ):
        reader.error("icon_animation", "'icon_animation' must be [period, first group, last group]: three whole numbers (period 1..4294967295 ms, groups 0..65535)")
        return None
    return value[0], value[1], value[2]


def _whole_numbers(reader: _Table, key: str, count: int, shape: str) -> list[int] | None:
    """A list of ``count`` whole numbers (None when absent or wrong, the error said)."""
    value = reader.table.get(key, _MISSING)
    if value is _MISSING:
        return None
    if not (isinstance(value, list) and len(value) == count and all(isinstance(v, int) and not isinstance(v, bool) for v in value)):
        reader.error(key, f"'{key}' must be {shape}: {count} whole numbers")
        return None
    return list(value)


def _names(reader: _Table, key: str, allowed: Iterable[str] | None = None) -> list[str] | None:
    """A list of names in quotes (``allowed``: the only names accepted)."""
    value = reader.table.get(key, _MISSING)
    if value is _MISSING:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        reader.error(key, f"'{key}' must be a list of names in quotes like [\"a\", \"b\"]")
        return None
    if allowed is not None:
        known = list(allowed)
        for item in value:
            if item not in known:
                close = difflib.get_close_matches(item, known, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                reader.error(key, f"unknown {key} name '{item}'{hint}; known: {', '.join(known)}")
                return None
    return list(value)


def _sub_table(reader: _Table, key: str, allowed: Iterable[str]) -> _Table | None:
    value = reader.table.get(key, _MISSING)
    if value is _MISSING:
        return None
    if not isinstance(value, dict):
        reader.error(key, f"'{key}' must be a [{key}] table, not {_type_name(value)}")
        return None
    return _Table(reader.file, reader.where + (key,), value, allowed)


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
    "name_rsc",
    "roo_file_rsc",
    "music_rsc",
    "background_rsc",
    "flags",
    "locked_doors",
    "monsters",
    "monster_spawns",
    "monster_limit",
    "initial_min",
    "initial_max",
    "spawn_milliseconds",
    "spawn_percent",
    "number",
)
_EDGE_CONDITIONS = ("when_row_above", "when_row_below", "when_col_above", "when_col_below")
_EXIT_KEYS = ("row", "col", "edge", "to", "to_row", "to_col", "to_angle", "turn", "on_step", *_EDGE_CONDITIONS)
_MONSTER_CHANCE_KEYS = ("kind", "percent")
_LOCKED_DOOR_KEYS = ("row", "col", "message", "message_rsc")
_SPAWN_KEYS = ("row", "col", "angle")
_KIND_KEYS = (
    "name", "icon", "description", "flags", "moveon", "wanders",
    "name_rsc", "icon_rsc", "description_rsc", "monster", "shop", "item", "dialogue",
)
_DIALOGUE_KEYS = ("triggers", "triggers_rsc", "action", "numbers", "says", "says_rsc", "restriction")
_MONSTER_KEYS = (
    "level", "difficulty", "karma", "speed", "attack", "behaviour", "npc_flags", "treasure",
    "sound_hit", "sound_hit_rsc", "sound_miss", "sound_miss_rsc", "sound_aware",
    "sound_aware_rsc", "sound_death", "sound_death_rsc",
    "wimpy", "attack_animation",
    "dead_name", "dead_name_rsc", "dead_icon", "dead_icon_rsc", "dead_drawfx", "resistances",
)
#: Drawing effects of a monster's body (the original's DRAWFX_* values), by name.
DRAWFX_VALUES: dict[str, int] = {
    "translucent_25": 0x100000,
    "translucent_50": 0x200000,
    "translucent_75": 0x300000,
    "black": 0x400000,
    "invisible": 0x500000,
    "ditherinvis": 0x700000,
    "dithertrans": 0x800000,
    "doubletrans": 0x900000,
    "secondtrans": 0xA00000,
}
_SHOP_KEYS = ("sells", "teaches_spells", "teaches_skills", "markup", "buys", "buys_anything", "refuses", "buys_at_most", "bank", "vault")
_SHOP_ENTRY_KEYS = ("kind", "number", "color", "translation")
_ITEM_NUMBERS = (
    "weight", "bulk", "value", "use_type", "item_type", "use_amount", "hits_min", "hits_max",
    "defense", "damage_reduce", "weapon_type", "weapon_quality", "proficiency", "spell_modifier",
    "number", "ground_group", "nutrition", "filling", "heal_min", "heal_max",
    "instrument",  # an instrument's level (instrum.kod viInstrument_strength): Jala's songs need one played
)
_ANY_ITEM_NUMBER = (-1_000_000, 1_000_000)
#: Numbers that go on the wire: a number item's count (u32 amount), its bitmap group (u16).
_ITEM_RANGES = {"number": (1, 1_000_000), "ground_group": (1, 0xFFFF)}
_ITEM_KEYS = (
    *_ITEM_NUMBERS, "stacks", "plural", "plural_rsc", "use", "beverage", "use_message", "use_message_rsc",
    "use_sound", "use_sound_rsc", "kept_on_death",
)
_SPELL_KEYS = (
    "number", "name", "name_rsc", "icon", "icon_rsc", "description", "description_rsc",
    "school", "level", "mana", "vigor", "cast_time", "harmful", "outlaw", "family", "reagents",
    "targets", "show_icon", "icon_animation", "effect", "chance_to_increase", "post_cast", "sound", "sound_rsc",
    "damage_min", "damage_max", "damage_spell", "range", "duration", "modifier", "modifier_amount", "flags",
    "karma_factor", "figures",
    *(key for purpose in SPELL_OWN_TEXTS for key in (purpose, f"{purpose}_rsc")),
)
_REAGENT_KEYS = ("kind", "count")
_SKILL_KEYS = (
    "number", "name", "name_rsc", "icon", "icon_rsc", "description", "description_rsc",
    "level", "school", "vigor", "family", "improve_chance", "requisite",
)
_TREASURE_KEYS = ("number", "items")
_TREASURE_ENTRY_KEYS = ("kind", "weight")
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
class _Ref:
    """A reference to a kind, spell, skill or treasure table, checked once all are read."""

    file: _File
    where: tuple[Any, ...]
    what: str  # "kind", "spell", "skill", "treasure"
    key: str


_REF_HOMES = {
    "kind": "objects/*.toml",
    "spell": "spells.toml",
    "skill": "skills.toml",
    "treasure": "treasure.toml",
}


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

    refs: list[_Ref] = []
    rooms = _load_rooms(data_dir, problems, pending, refs)

    kinds_file = _read_toml(
        data_dir / "objects" / "kinds.toml",
        str(data_dir / "objects" / "kinds.toml"),
        problems,
    )
    kinds = _load_kinds(kinds_file, refs) if kinds_file else None
    # Kind keys written in the file, valid or not: placed objects are checked against
    # these so that one broken kind does not also flag every object using it.
    kind_keys = set(kinds_file.data) if kinds_file else None
    # More kinds, grouped by family in other files (objects/creatures.toml, ...).
    for path in _extra_kind_files(data_dir):
        shown = str(data_dir / "objects" / path.name)
        extra_file = _read_toml(path, shown, problems)
        if extra_file is None:
            kinds = None
            continue
        if kind_keys is not None:
            for key in extra_file.data:
                if key in kind_keys:
                    extra_file.report((key,), f"kind '{key}' is defined in two files")
            kind_keys |= set(extra_file.data)
        extra = _load_kinds(extra_file, refs, required=False)
        if extra is None or kinds is None:
            kinds = None
        else:
            kinds.update(extra)
    optional: dict[str, Any] = {}
    loaders = {"spells": _load_spells, "treasure": _load_treasure}
    for name in ("spells", "skills", "treasure"):
        path = data_dir / f"{name}.toml"
        if not path.exists():
            optional[name] = {}
            continue
        file = _read_toml(path, str(path), problems)
        if file is None:
            optional[name] = None
        elif name == "skills":
            optional[name] = _load_skills(file)
        else:
            optional[name] = loaders[name](file, refs)

    messages: CombatMessages | None = None
    messages_path = data_dir / "messages.toml"
    if messages_path.exists():
        messages_file = _read_toml(messages_path, str(messages_path), problems)
        messages = _load_messages(messages_file, refs) if messages_file else None

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

    ref_keys: dict[str, set[str] | None] = {
        "kind": kind_keys,
        "spell": set(optional["spells"]) if optional["spells"] is not None else None,
        "skill": set(optional["skills"]) if optional["skills"] is not None else None,
        "treasure": set(optional["treasure"]) if optional["treasure"] is not None else None,
    }
    for ref in refs:
        keys = ref_keys[ref.what]
        if keys is None or ref.key in keys:
            continue
        close = difflib.get_close_matches(ref.key, sorted(keys), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        ref.file.report(ref.where, f"no {ref.what} '{ref.key}'{hint}; they are in {_REF_HOMES[ref.what]}")

    if problems.items:
        # Grouped by file and in line order, the way an operator fixes them.
        raise ContentError(sorted(problems.items, key=lambda p: (p.path, p.line)))

    # Nothing was reported, so every part is present and valid; the check below only
    # keeps the promise to raise nothing but ContentError should that ever not hold.
    if world_fields is None or rooms is None or kinds is None or placed is None or None in optional.values():
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
        spells=optional["spells"],
        skills=optional["skills"],
        treasure=optional["treasure"],
        messages=messages,
    )


def _extra_kind_files(data_dir: Path) -> list[Path]:
    folder = data_dir / "objects"
    try:
        return sorted(
            path
            for path in folder.iterdir()
            if path.suffix == ".toml" and path.name not in ("kinds.toml", "placed.toml") and not path.name.startswith(".")
        )
    except OSError:
        return []


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
    data_dir: Path, problems: _Problems, pending: list[_PendingPlacement], refs: list[_Ref]
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
        draft = _load_room(key, file, pending, refs) if file is not None else None
        # A broken room keeps a stub entry, so references to it do not add a second,
        # misleading "no such room" error; its own problems are already reported.
        drafts[key] = draft if draft is not None else _RoomDraft(key, None, {}, [], [])
    return drafts


def _load_room(key: str, file: _File, pending: list[_PendingPlacement], refs: list[_Ref]) -> _RoomDraft:
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
        "number": top.integer("number", low=0, high=0x7FFFFFFF),
    }
    rows, cols = fields["rows"], fields["cols"]
    fields = {name: value for name, value in fields.items() if value is not None}
    fields["resource_ids"] = _resource_ids(top, ("name", "roo_file", "music", "background"))
    fields["flags"] = tuple(_names(top, "flags", ROOM_FLAGS) or ())
    fields["spawn_rules"] = SpawnRules(
        limit=top.integer("monster_limit", low=0, high=10_000),
        initial_min=top.integer("initial_min", low=0, high=10_000),
        initial_max=top.integer("initial_max", low=0, high=10_000),
        interval_ms=top.integer("spawn_milliseconds", low=0, high=86_400_000),
        percent=top.integer("spawn_percent", low=0, high=100),
    )
    locked: list[LockedDoor] = []
    for index, entry in top.tables("locked_doors"):
        reader = _Table(file, ("locked_doors", index), entry, _LOCKED_DOOR_KEYS)
        row = reader.integer("row", low=1, high=MAX_GRID, required=True)
        col = reader.integer("col", low=1, high=MAX_GRID, required=True)
        message = reader.text("message", max_bytes=MAX_DESCRIPTION_BYTES)
        ids = _resource_ids(reader, ("message",))
        if not reader.ok or row is None or col is None or message is None:
            top.ok = False
            continue
        if rows is not None and cols is not None and not (1 <= row <= rows and 1 <= col <= cols):
            reader.error("row" if not 1 <= row <= rows else "col", f"locked door (row {row}, col {col}) is outside this room, which has rows 1..{rows} and cols 1..{cols}")
            continue
        locked.append(LockedDoor(row, col, message, ids))
    fields["locked_doors"] = tuple(locked)
    monsters: list[MonsterChance] = []
    for index, entry in top.tables("monsters"):
        reader = _Table(file, ("monsters", index), entry, _MONSTER_CHANCE_KEYS)
        kind = reader.key_ref("kind")
        percent = reader.integer("percent", low=0, high=100, required=True)
        if reader.ok and kind is not None and percent is not None:
            refs.append(_Ref(file, ("monsters", index, "kind"), "kind", kind))
            monsters.append(MonsterChance(kind, percent))
        else:
            top.ok = False
    fields["monsters"] = tuple(monsters)
    monster_spawns: list[Placement] = []
    for index, entry in top.tables("monster_spawns"):
        reader = _Table(file, ("monster_spawns", index), entry, _SPAWN_KEYS)
        row = reader.integer("row", low=1, high=MAX_GRID, required=True)
        col = reader.integer("col", low=1, high=MAX_GRID, required=True)
        if not reader.ok or row is None or col is None:
            top.ok = False
            continue
        if rows is not None and cols is not None and not (1 <= row <= rows and 1 <= col <= cols):
            reader.error(
                "row" if not 1 <= row <= rows else "col",
                f"monster spawn square (row {row}, col {col}) is outside this room, which has "
                f"rows 1..{rows} and cols 1..{cols}",
            )
            continue
        monster_spawns.append(Placement(key, row, col))
    fields["monster_spawns"] = tuple(monster_spawns)

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
        turn = reader.integer("turn", low=0, high=359)
        on_step = reader.boolean("on_step")
        if on_step and "edge" in entry:
            reader.error("on_step", "'on_step' is only for a square exit ('row' and 'col')")
        if "turn" in entry and "to_angle" in entry:
            reader.error("turn", "an exit has either 'to_angle' (a facing) or 'turn' (a change of facing), not both")
        has_square = "row" in entry or "col" in entry
        has_edge = "edge" in entry
        exit_fields: dict[str, Any] = {"on_step": True} if on_step and "edge" not in entry else {}
        conditions = [(name, reader.integer(name, low=0, high=MAX_GRID + 1)) for name in _EDGE_CONDITIONS if name in entry]
        if len(conditions) > 1:
            reader.error(conditions[1][0], "an edge exit has at most one 'when_...' condition")
        elif conditions and "edge" not in entry:
            reader.error(conditions[0][0], f"'{conditions[0][0]}' is only for an exit with 'edge'")
        elif conditions and conditions[0][1] is not None:
            exit_fields["when"] = (conditions[0][0].removeprefix("when_"), conditions[0][1])
        if turn is not None:
            exit_fields["turn"] = round(turn * MAX_ANGLE / 360) % MAX_ANGLE
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
                    if "when" in exit_fields:
                        pass  # conditional exits may share a side
                    elif edge in used_edges:
                        reader.error(
                            "edge",
                            f"this room already has an exit past its {edge.value} edge "
                            f"(line {used_edges[edge]})",
                        )
                    if "when" not in exit_fields:
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


def _load_kinds(file: _File, refs: list[_Ref], required: bool = True) -> dict[str, ObjectKind] | None:
    """All kinds, or None if any is invalid (each problem is reported)."""
    kinds: dict[str, ObjectKind] = {}
    complete = True
    if not file.data and required:
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
        resource_ids = _resource_ids(reader, ("name", "icon", "description"))
        monster = _monster_info(reader, refs)
        shop = _shop_info(reader, refs)
        item = _item_info(reader)
        dialogue = _dialogue(reader)
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
            resource_ids=resource_ids,
            monster=monster,
            shop=shop,
            item=item,
            dialogue=dialogue,
        )
    return kinds if complete else None


def _monster_info(kind: _Table, refs: list[_Ref]) -> MonsterInfo | None:
    reader = _sub_table(kind, "monster", _MONSTER_KEYS)
    if reader is None:
        return None
    numbers = {name: reader.integer(name, low=-1_000_000, high=1_000_000) for name in ("level", "difficulty", "karma", "speed")}
    lists = {name: _names(reader, name) for name in ("attack", "behaviour", "npc_flags")}
    wimpy = reader.integer("wimpy", low=0, high=100)
    attack_animation = _attack_animation(reader)
    treasure = reader.key_ref("treasure", required=False)
    if treasure:
        refs.append(_Ref(reader.file, reader.where + ("treasure",), "treasure", treasure))
    sounds = []
    for what in ("hit", "miss", "aware", "death"):
        sound = reader.filename(f"sound_{what}", SOUND_EXTENSIONS)
        if sound:
            sounds.append((what, sound))
    sound_ids = _resource_ids(reader, ("sound_hit", "sound_miss", "sound_aware", "sound_death"))
    dead_name = reader.text("dead_name", non_empty=True)
    dead_icon = reader.filename("dead_icon", BITMAP_EXTENSIONS)
    dead_ids = _resource_ids(reader, ("dead_name", "dead_icon"))
    dead_drawfx = _drawfx(reader, "dead_drawfx")
    resistances = _resistances(reader)
    if not reader.ok:
        kind.ok = False
        return None
    return MonsterInfo(
        **numbers,
        attack=tuple(lists["attack"] or ()),
        behaviour=tuple(lists["behaviour"] or ()),
        npc_flags=tuple(lists["npc_flags"] or ()),
        treasure=treasure or "",
        sounds=tuple(sounds),
        wimpy=wimpy or 0,
        attack_animation=attack_animation,
        sound_ids=tuple((field.removeprefix("sound_"), resource_id) for field, resource_id in sound_ids),
        dead_name=dead_name or "",
        dead_icon=dead_icon or "",
        dead_drawfx=dead_drawfx or 0,
        dead_resource_ids=dead_ids,
        resistances=resistances,
    )


def _resistances(reader: _Table) -> tuple[tuple[int, tuple[str, ...]], ...]:
    """A kind's ``[[...monster.resistances]]``: ``value`` (percent; negative is a weakness;
    what counts is bounded to -100..100 by the rules) and ``against``, the attack types it covers."""
    found = []
    for index, entry in reader.tables("resistances"):
        line = _Table(reader.file, reader.where + ("resistances", index), entry, ("value", "against"))
        value = line.integer("value", low=10 * MIN_RESISTANCE, high=10 * MAX_RESISTANCE, required=True)
        against = _names(line, "against", RESISTANCE_TYPES)
        if line.ok and not against:
            line.error("against", "'against' must name at least one attack type")
        if not line.ok or value is None or not against:
            reader.ok = False
            continue
        found.append((value, tuple(against)))
    return tuple(found)


def _drawfx(reader: _Table, key: str) -> int | None:
    """A drawing effect by name (``"translucent_50"``); 0 when left out."""
    value = reader.table.get(key, _MISSING)
    if value is _MISSING:
        return 0
    if not isinstance(value, str) or value not in DRAWFX_VALUES:
        shown = repr(value) if isinstance(value, str) else _type_name(value)
        reader.error(key, f"'{key}' must be one of {', '.join(DRAWFX_VALUES)}, not {shown}")
        return None
    return DRAWFX_VALUES[value]


def _shop_info(kind: _Table, refs: list[_Ref]) -> ShopInfo | None:
    reader = _sub_table(kind, "shop", _SHOP_KEYS)
    if reader is None:
        return None
    sells: list[ShopEntry] = []
    for index, entry in reader.tables("sells"):
        line = _Table(reader.file, reader.where + ("sells", index), entry, _SHOP_ENTRY_KEYS)
        item_kind = line.key_ref("kind")
        number = line.integer("number", low=1, high=1_000_000)
        options = tuple(
            (name, value)
            for name in ("color", "translation")
            if (value := line.integer(name, low=0, high=0xFFFF)) is not None
        )
        if not line.ok or item_kind is None:
            reader.ok = False
            continue
        refs.append(_Ref(reader.file, reader.where + ("sells", index, "kind"), "kind", item_kind))
        sells.append(ShopEntry(item_kind, number, options))
    teaches: dict[str, tuple[str, ...]] = {}
    for field, what in (("teaches_spells", "spell"), ("teaches_skills", "skill")):
        names = _names(reader, field) or []
        for name in names:
            refs.append(_Ref(reader.file, reader.where + (field,), what, name))
        teaches[field] = tuple(names)
    markup = reader.integer("markup", low=0, high=1000)
    buying: dict[str, tuple[str, ...]] = {}
    for field in ("buys", "refuses"):
        names = _names(reader, field) or []
        for name in names:
            refs.append(_Ref(reader.file, reader.where + (field,), "kind", name))
        buying[field] = tuple(names)
    buys_anything = reader.boolean("buys_anything")
    if buys_anything and buying["buys"]:
        reader.error("buys", "'buys' lists kinds, 'buys_anything' takes every kind: give one of them")
    if buying["refuses"] and not buys_anything:
        reader.error("refuses", "'refuses' goes with 'buys_anything = true'")
    buys_at_most = reader.integer("buys_at_most", low=1, high=0x7FFFFFFF)
    bank = reader.integer("bank", low=1, high=0x7FFFFFFF)
    vault = reader.integer("vault", low=1, high=0x7FFFFFFF)
    if not reader.ok:
        kind.ok = False
        return None
    return ShopInfo(
        tuple(sells), teaches["teaches_spells"], teaches["teaches_skills"], markup,
        buys=buying["buys"], buys_anything=bool(buys_anything), refuses=buying["refuses"],
        buys_at_most=buys_at_most, bank=bank, vault=vault,
    )


def _dialogue(kind: _Table) -> tuple[DialogueLine, ...]:
    lines: list[DialogueLine] = []
    for index, entry in kind.tables("dialogue"):
        reader = _Table(kind.file, kind.where + ("dialogue", index), entry, _DIALOGUE_KEYS)
        triggers = _names(reader, "triggers")
        says = _names(reader, "says") or []
        action = reader.text("action", required=True, non_empty=True, max_bytes=64)
        numbers = _numbers(reader, "numbers")
        restriction = reader.integer("restriction", low=0, high=0x7FFFFFFF, default=0)
        ids = {}
        for field, texts in (("triggers", triggers or []), ("says", says)):
            found = _numbers(reader, f"{field}_rsc", low=1, high=MAX_ORIGINAL_RESOURCE_ID)
            if found and len(found) != len(texts):
                reader.error(f"{field}_rsc", f"'{field}_rsc' must give one id for each of the {len(texts)} '{field}'")
            ids[field] = tuple(found or ())
        for text in [*(triggers or []), *says]:
            why = _check_text(text, max_bytes=MAX_DESCRIPTION_BYTES, multiline=False)
            if why:
                reader.error("says", f"a text {why}")
        if not reader.ok or not triggers or action is None or numbers is None or restriction is None:
            if not triggers and reader.ok:
                reader.error("triggers", "'triggers' must list at least one word")
            kind.ok = False
            continue
        lines.append(DialogueLine(tuple(triggers), action, tuple(numbers), tuple(says), restriction, ids["triggers"], ids["says"]))
    return tuple(lines)


def _numbers(reader: _Table, key: str, low: int = -1_000_000, high: int = 1_000_000) -> list[int] | None:
    value = reader.table.get(key, _MISSING)
    if value is _MISSING:
        return []
    if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) and low <= v <= high for v in value):
        reader.error(key, f"'{key}' must be a list of whole numbers {low}..{high}")
        return None
    return list(value)


def _item_info(kind: _Table) -> ItemInfo | None:
    reader = _sub_table(kind, "item", _ITEM_KEYS)
    if reader is None:
        return None
    values = tuple(
        (name, value)
        for name in _ITEM_NUMBERS
        if (value := reader.integer(name, low=_ITEM_RANGES.get(name, _ANY_ITEM_NUMBER)[0], high=_ITEM_RANGES.get(name, _ANY_ITEM_NUMBER)[1])) is not None
    )
    stacks = reader.boolean("stacks")
    plural = reader.text("plural", non_empty=True)
    use = reader.text("use")
    if use and use not in CONSUMABLE_USES:
        reader.error("use", f"'use' must be one of {', '.join(CONSUMABLE_USES)}, not {use!r}")
    beverage = reader.boolean("beverage")
    kept = reader.boolean("kept_on_death")
    use_message = reader.text("use_message", max_bytes=MAX_DESCRIPTION_BYTES)
    use_sound = reader.filename("use_sound", SOUND_EXTENSIONS)
    resource_ids = _resource_ids(reader, ("plural", "use_message", "use_sound"))
    numbers = dict(values)
    if numbers.get("heal_min", 0) > numbers.get("heal_max", numbers.get("heal_min", 0)):
        reader.error("heal_min", "'heal_min' must not be above 'heal_max'")
    if not reader.ok or stacks is None or beverage is None or kept is None:
        kind.ok = False
        return None
    return ItemInfo(
        values, stacks, plural or "", resource_ids, use=use or "", beverage=beverage, use_message=use_message or "",
        use_sound=use_sound or "", kept_on_death=kept,
    )


def _texts(reader: _Table, with_description: bool = True) -> tuple[str | None, str | None, str | None]:
    name = reader.text("name", required=True, non_empty=True)
    icon = reader.filename("icon", BITMAP_EXTENSIONS)
    description = reader.text("description", max_bytes=MAX_DESCRIPTION_BYTES, multiline=True)
    return name, icon, description


def _load_spells(file: _File, refs: list[_Ref]) -> dict[str, SpellDefinition] | None:
    spells: dict[str, SpellDefinition] = {}
    complete = True
    numbers: dict[int, str] = {}
    for key, table in file.data.items():
        if not _valid_key(key) or not isinstance(table, dict):
            file.report((key,), f"spell '{key}' must be a [key] table with a key of {KEY_RULE} characters")
            complete = False
            continue
        reader = _Table(file, (key,), table, _SPELL_KEYS)
        number = reader.integer("number", low=0, high=1_000_000, required=True)
        if number is not None and number in numbers:
            reader.error("number", f"spell number {number} is also '{numbers[number]}'")
        name, icon, description = _texts(reader)
        ids = _resource_ids(reader, ("name", "icon", "description"))
        ints = {f: reader.integer(f, low=-1_000_000, high=1_000_000) for f in ("level", "mana", "vigor", "cast_time", "targets")}
        ids += _resource_ids(reader, ("sound", *SPELL_OWN_TEXTS))
        effect = reader.text("effect", max_bytes=32)
        if effect and effect not in SPELL_EFFECTS:
            reader.error("effect", f"'effect' must be one of {', '.join(SPELL_EFFECTS)}, not {effect!r}")
        improve = reader.integer("chance_to_increase", low=0, high=1000)
        post_cast = reader.integer("post_cast", low=0, high=3600)
        damage = {f: reader.integer(f, low=0, high=1_000_000) for f in ("damage_min", "damage_max", "damage_spell")}
        reach = reader.integer("range", low=0, high=1000)
        if (damage["damage_min"] or 0) > (damage["damage_max"] or 0):
            reader.error("damage_min", "'damage_min' must not be above 'damage_max'")
        sound = reader.filename("sound", (".wav",))
        duration = _whole_numbers(reader, "duration", 2, "[ms, ms per point of power]")
        amount = _whole_numbers(reader, "modifier_amount", 3, "[per, divisor, plus]")
        if amount is not None and amount[1] == 0:
            reader.error("modifier_amount", "'modifier_amount' divisor must not be 0")
        modifier = reader.text("modifier", max_bytes=32)
        flags = _names(reader, "flags")
        own = tuple((p, t) for p in SPELL_OWN_TEXTS if (t := reader.text(p, max_bytes=MAX_DESCRIPTION_BYTES)))
        school = reader.text("school", max_bytes=32)
        family = reader.text("family", max_bytes=64)
        harmful, outlaw = reader.boolean("harmful"), reader.boolean("outlaw")
        karma_factor = reader.boolean("karma_factor")
        figures = _figures(reader)
        show_icon = _names(reader, "show_icon", ("player", "room")) if "show_icon" in table else ["player", "room"]
        icon_animation = _icon_animation(reader)
        reagents: list[Reagent] = []
        for index, entry in reader.tables("reagents"):
            line = _Table(file, (key, "reagents", index), entry, _REAGENT_KEYS)
            kind = line.key_ref("kind")
            count = line.integer("count", low=1, high=1000, required=True)
            if not line.ok or kind is None or count is None:
                reader.ok = False
                continue
            refs.append(_Ref(file, (key, "reagents", index, "kind"), "kind", kind))
            reagents.append(Reagent(kind, count))
        if not reader.ok or number is None or name is None:
            complete = False
            continue
        numbers[number] = key
        spells[key] = SpellDefinition(
            key=key, number=number, name=name, school=school or "", family=family or "",
            icon=icon or "", description=description or "", harmful=bool(harmful), outlaw=bool(outlaw),
            reagents=tuple(reagents), resource_ids=ids, source=file.source(key),
            show_icon=frozenset(show_icon or ()), icon_animation=icon_animation, effect=effect or "",
            chance_to_increase=20 if improve is None else improve, post_cast=1 if post_cast is None else post_cast,
            sound=sound or "", texts=own, range=reach, damage_min=damage["damage_min"] or 0,
            damage_max=damage["damage_max"] or 0, damage_spell=damage["damage_spell"] or 0,
            duration=(duration[0], duration[1]) if duration else None, modifier=modifier or "",
            modifier_amount=(amount[0], amount[1], amount[2]) if amount else (0, 1, 0), flags=tuple(flags or ()),
            karma_factor=bool(karma_factor), figures=figures, **ints,
        )
    return spells if complete else None


#: The longest name and the widest value of a spell's figure.
_FIGURE_NAME_BYTES, _FIGURE_LIMIT = 32, 1_000_000_000


def _figures(reader: _Table) -> tuple[tuple[str, int], ...]:
    """A spell's ``[key.figures]``: names to whole numbers (an error said of each bad one)."""
    value = reader.table.get("figures", _MISSING)
    if value is _MISSING:
        return ()
    if not isinstance(value, dict):
        reader.error("figures", f"'figures' must be a [figures] table of names to whole numbers, not {_type_name(value)}")
        return ()
    found = []
    for name, number in value.items():
        if not _valid_key(name) or len(name.encode()) > _FIGURE_NAME_BYTES:
            reader.error("figures", f"figure name '{name}' must be {KEY_RULE} characters, at most {_FIGURE_NAME_BYTES} bytes")
        elif not isinstance(number, int) or isinstance(number, bool) or abs(number) > _FIGURE_LIMIT:
            reader.error("figures", f"figure '{name}' must be a whole number between -{_FIGURE_LIMIT} and {_FIGURE_LIMIT}")
        else:
            found.append((name, number))
    return tuple(sorted(found))


def _load_skills(file: _File) -> dict[str, SkillDefinition] | None:
    skills: dict[str, SkillDefinition] = {}
    complete = True
    for key, table in file.data.items():
        if not _valid_key(key) or not isinstance(table, dict):
            file.report((key,), f"skill '{key}' must be a [key] table with a key of {KEY_RULE} characters")
            complete = False
            continue
        reader = _Table(file, (key,), table, _SKILL_KEYS)
        number = reader.integer("number", low=0, high=1_000_000, required=True)
        name, icon, description = _texts(reader)
        ids = _resource_ids(reader, ("name", "icon", "description"))
        ints = {f: reader.integer(f, low=-1_000_000, high=1_000_000) for f in ("level", "school", "vigor")}
        family = reader.text("family", max_bytes=64)
        improve_chance = reader.integer("improve_chance", low=0, high=1000, default=25)
        requisite = reader.text("requisite", default="agility", max_bytes=16)
        if requisite is not None and requisite not in REQUISITE_STATS:
            reader.error("requisite", f"'requisite' must be one of {', '.join(REQUISITE_STATS)}, not '{requisite}'")
        if not reader.ok or number is None or name is None or improve_chance is None or requisite is None:
            complete = False
            continue
        skills[key] = SkillDefinition(
            key=key, number=number, name=name, family=family or "", icon=icon or "",
            description=description or "", resource_ids=ids, source=file.source(key),
            improve_chance=improve_chance, requisite=requisite, **ints,
        )
    return skills if complete else None


def _load_treasure(file: _File, refs: list[_Ref]) -> dict[str, TreasureTable] | None:
    tables: dict[str, TreasureTable] = {}
    complete = True
    for key, table in file.data.items():
        if not _valid_key(key) or not isinstance(table, dict):
            file.report((key,), f"treasure table '{key}' must be a [key] table with a key of {KEY_RULE} characters")
            complete = False
            continue
        reader = _Table(file, (key,), table, _TREASURE_KEYS)
        number = reader.integer("number", low=0, high=1_000_000, required=True)
        entries: list[TreasureEntry] = []
        for index, entry in reader.tables("items"):
            line = _Table(file, (key, "items", index), entry, _TREASURE_ENTRY_KEYS)
            kind = line.key_ref("kind")
            weight = line.integer("weight", low=0, high=1_000_000, required=True)
            if not line.ok or kind is None or weight is None:
                reader.ok = False
                continue
            refs.append(_Ref(file, (key, "items", index, "kind"), "kind", kind))
            entries.append(TreasureEntry(kind, weight))
        if not reader.ok or number is None:
            complete = False
            continue
        tables[key] = TreasureTable(key, number, tuple(entries), file.source(key))
    return tables if complete else None


_MESSAGES_FILE_KEYS = ("texts", "kinds")
_MESSAGE_TEXT_KEYS = ("text", "text_rsc")
_KIND_MESSAGES_KEYS = ("attack_name", "attack_name_rsc", "attack_spell", "gender", "article", "indefinite")
_GENDERS = ("male", "female", "neuter")
_SPELL_TYPES = ("all", "fire", "shock", "cold", "holy", "unholy", "acid", "quake", "huntersword")


def _load_messages(file: _File, refs: list[_Ref]) -> CombatMessages | None:
    """messages.toml: ``[texts.<purpose>]`` (every purpose the renderer uses, each with
    its text and original id) and ``[kinds.<kind>]`` (how fights name a monster kind)."""
    top = _Table(file, (), file.data, _MESSAGES_FILE_KEYS)
    texts: dict[str, OriginalText] = {}
    given = top.table.get("texts", {})
    if not isinstance(given, dict):
        top.error("texts", f"'texts' must be a [texts] table, not {_type_name(given)}")
        given = {}
    required = combat_text_keys()
    known = (
        required + ITEM_TEXT_KEYS + SHOP_TEXT_KEYS + TRADE_TEXT_KEYS + BANK_TEXT_KEYS + VAULT_TEXT_KEYS + SKILL_TEXT_KEYS
        + SPELLBOOK_TEXT_KEYS + SPELL_TEXT_KEYS
    )
    for key, entry in given.items():
        if key not in known:
            close = difflib.get_close_matches(key, known, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            file.report(("texts", key), f"unknown text purpose '{key}'{hint}")
            top.ok = False
            continue
        if not isinstance(entry, dict):
            file.report(("texts", key), f"'{key}' must be a table with text and text_rsc, not {_type_name(entry)}")
            top.ok = False
            continue
        reader = _Table(file, ("texts", key), entry, _MESSAGE_TEXT_KEYS)
        text = reader.text("text", required=True, max_bytes=MAX_DESCRIPTION_BYTES)  # some are whole sentences
        resource_id = reader.integer("text_rsc", low=1, high=MAX_ORIGINAL_RESOURCE_ID, required=True)
        if not reader.ok or text is None or resource_id is None:
            top.ok = False
            continue
        texts[key] = OriginalText(text, resource_id)
    missing = [key for key in required if key not in given]
    if missing:
        top.error("texts" if "texts" in top.table else None, f"[texts] lacks {len(missing)} purposes: {', '.join(missing[:8])}{' ...' if len(missing) > 8 else ''}")
    kinds: dict[str, KindMessages] = {}
    given_kinds = top.table.get("kinds", {})
    if not isinstance(given_kinds, dict):
        top.error("kinds", f"'kinds' must be a [kinds] table, not {_type_name(given_kinds)}")
        given_kinds = {}
    for key, entry in given_kinds.items():
        if not isinstance(entry, dict):
            file.report(("kinds", key), f"'{key}' must be a [kinds.{key}] table, not {_type_name(entry)}")
            top.ok = False
            continue
        reader = _Table(file, ("kinds", key), entry, _KIND_MESSAGES_KEYS)
        refs.append(_Ref(file, ("kinds", key), "kind", key))
        name = reader.text("attack_name", required="attack_name_rsc" in entry)
        name_id = reader.integer("attack_name_rsc", low=1, high=MAX_ORIGINAL_RESOURCE_ID, required="attack_name" in entry)
        spells = _names(reader, "attack_spell", _SPELL_TYPES)
        gender = reader.text("gender", default="neuter")
        if gender is not None and gender not in _GENDERS:
            reader.error("gender", f"'gender' must be one of {', '.join(_GENDERS)}, not {gender!r}")
        article = reader.text("article", default="the")
        if article is not None and article not in ARTICLES:
            reader.error("article", f"'article' must be one of {', '.join(ARTICLES)}, not {article!r}")
        indefinite = reader.text("indefinite", default="a")
        if indefinite is not None and indefinite not in ARTICLES:
            reader.error("indefinite", f"'indefinite' must be one of {', '.join(ARTICLES)}, not {indefinite!r}")
        if not reader.ok or gender is None or article is None or spells is None or indefinite is None:
            top.ok = False
            continue
        attack_name = OriginalText(name, name_id) if name is not None and name_id is not None else None
        kinds[key] = KindMessages(attack_name, tuple(spells), gender, article, indefinite)
    return CombatMessages(texts, kinds) if top.ok else None


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
