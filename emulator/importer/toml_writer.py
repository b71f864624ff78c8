"""A small, deterministic TOML writer for the import's output.

Values are ints, bools, strings, lists of those, tables (dicts) and arrays of tables
(lists of dicts). Keys come out in the order the dicts give them, so callers decide the
order and the same input always gives the same bytes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def key(name: str) -> str:
    return name if _BARE_KEY.fullmatch(name) else string(name)


def string(text: str) -> str:
    out = ['"']
    for char in text:
        if char == '"':
            out.append('\\"')
        elif char == "\\":
            out.append("\\\\")
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def value(item: Any) -> str:
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, int):
        return str(item)
    if isinstance(item, str):
        return string(item)
    if isinstance(item, Mapping):
        return "{ " + ", ".join(f"{key(k)} = {value(v)}" for k, v in item.items()) + " }"
    if isinstance(item, Sequence):
        return "[" + ", ".join(value(v) for v in item) + "]"
    raise TypeError(f"cannot write {type(item).__name__} as TOML")


def _is_table_array(item: Any) -> bool:
    return isinstance(item, list) and bool(item) and all(isinstance(v, dict) for v in item)


def dumps(data: Mapping[str, Any], header: str = "") -> str:
    """``data`` as a TOML document; ``header`` lines become leading comments."""
    lines: list[str] = [f"# {line}".rstrip() for line in header.splitlines()]
    if lines:
        lines.append("")
    _write_table(lines, (), data)
    return "\n".join(lines).rstrip("\n") + "\n"


def _write_table(lines: list[str], path: tuple[str, ...], data: Mapping[str, Any]) -> None:
    nested: list[tuple[str, Any]] = []
    for name, item in data.items():
        if item is None:
            continue
        if isinstance(item, dict) or _is_table_array(item):
            nested.append((name, item))
        else:
            lines.append(f"{key(name)} = {value(item)}")
    for name, item in nested:
        sub = (*path, name)
        dotted = ".".join(key(part) for part in sub)
        if isinstance(item, dict):
            if lines and lines[-1] != "":
                lines.append("")
            lines.append(f"[{dotted}]")
            _write_table(lines, sub, item)
        else:
            for entry in item:
                if lines and lines[-1] != "":
                    lines.append("")
                lines.append(f"[[{dotted}]]")
                _write_table(lines, sub, entry)
