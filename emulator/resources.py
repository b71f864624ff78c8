"""Resource table and ``.rsc`` files (``resources-and-content.md`` §1-§3).

A resource is a text known by a u32 id: names, descriptions, message formats and the
file names of bitmaps, rooms and sounds. Static ids (below ``MIN_DYNAMIC_RSC``) come
from compiled ``.rsc`` files that the client also has; dynamic ids (from 1,000,000) are
made at run time and pushed to clients.

``.rsc`` version 4 (reader ``util/rscload.c``, writer ``blakcomp/resource.c``)::

    "RSC\\x01"  u32 version (= 4)  s32 count  count x (u32 id, latin-1 text, NUL)

The client's loader refuses a text of ``MAX_TEXT_LEN + 1`` bytes or more, and ignores
bytes after the last entry (so does ``read_rsc``).

Nothing here does I/O at import time.
"""

from __future__ import annotations

import json
import os
import struct
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO

import attrs
from construct import (
    Bytes,
    Const,
    Construct,
    ConstructError,
    Container,
    Int32sl,
    Int32ul,
    PrefixedArray,
    Struct,
    stream_write,
)

__all__ = [
    "MIN_DYNAMIC_RSC",
    "MAX_TEXT_LEN",
    "RSC_MAGIC",
    "RSC_VERSION",
    "Latin1CString",
    "RscEntry",
    "RscFile",
    "RscHeader",
    "ResourceFileError",
    "ResourceTable",
    "decode_rsc",
    "encode_rsc",
    "read_rsc",
    "write_rsc",
    "load_resources",
]

MIN_DYNAMIC_RSC = 1_000_000
RSC_MAGIC = b"RSC\x01"
RSC_VERSION = 4
#: Longest text the client's loader accepts (its buffer is 20000 bytes and it gives up
#: when the byte at index 19999 is read, terminator included).
MAX_TEXT_LEN = 19_998
_U32_MAX = (1 << 32) - 1
TSV_HEADER = ("id", "file", "string_json")


class ResourceFileError(ValueError):
    """A resource file (``.rsc`` or ``.tsv``) is malformed, or a table cannot be written.

    ``source`` names the file, ``offset`` is the byte offset (``.rsc``) or line number
    (``.tsv``) where the problem was found, ``entry`` the entry index when known.
    """

    def __init__(self, message: str, source: str | None = None, offset: int | None = None, entry: int | None = None):
        where = []
        if source is not None:
            where.append(str(source))
        if entry is not None:
            where.append(f"entry {entry}")
        if offset is not None:
            where.append(f"offset {offset}")
        super().__init__(f"{', '.join(where)}: {message}" if where else message)
        self.source = source
        self.offset = offset
        self.entry = entry


class _Latin1CString(Construct):
    """NUL-terminated latin-1 text (``CString`` refuses latin-1 unless registered globally)."""

    def _parse(self, stream: IO[bytes], context: Container, path: str) -> str:
        chunks: list[bytes] = []
        while True:
            byte = stream.read(1)
            if not byte:
                raise ConstructError("text runs to the end of the file without a NUL", path=path)
            if byte == b"\0":
                return b"".join(chunks).decode("latin-1")
            chunks.append(byte)

    def _build(self, obj: object, stream: IO[bytes], context: Container, path: str) -> str:
        if not isinstance(obj, str):
            raise ConstructError(f"text must be a str, got {obj!r}", path=path)
        try:
            raw = obj.encode("latin-1")
        except UnicodeEncodeError as exc:
            raise ConstructError(f"text is not latin-1: {exc}", path=path) from exc
        if b"\0" in raw:
            raise ConstructError("text contains a NUL byte", path=path)
        stream_write(stream, raw + b"\0", len(raw) + 1, path)
        return obj


Latin1CString = _Latin1CString()

#: File header; ``count`` is signed in the client and must not be negative.
RscHeader = Struct(
    "magic" / Const(RSC_MAGIC, Bytes(4)),
    "version" / Const(RSC_VERSION, Int32ul),
    "count" / Int32sl,
)
RscEntry = Struct("id" / Int32ul, "text" / Latin1CString)
#: The whole file, the declaration ``encode_rsc`` builds with.
RscFile = Struct(
    "magic" / Const(RSC_MAGIC, Bytes(4)),
    "version" / Const(RSC_VERSION, Int32ul),
    "entries" / PrefixedArray(Int32sl, RscEntry),
)

_HEADER = struct.Struct("<4sIi")
_ID = struct.Struct("<I")


def decode_rsc(data: bytes, source: str = "<bytes>") -> list[tuple[int, str]]:
    """Entries of an ``.rsc`` image in file order (a fast decoder equivalent to ``RscFile``)."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise ResourceFileError(f"expected bytes, got {type(data).__name__}", source)
    data = bytes(data)
    if len(data) < _HEADER.size:
        raise ResourceFileError(f"file is {len(data)} bytes, shorter than the 12-byte header", source, 0)
    magic, version, count = _HEADER.unpack_from(data)
    if magic != RSC_MAGIC:
        raise ResourceFileError(f"bad magic {magic!r}, expected {RSC_MAGIC!r}", source, 0)
    if version != RSC_VERSION:
        raise ResourceFileError(f"unsupported version {version}, expected {RSC_VERSION}", source, 4)
    if count < 0:
        raise ResourceFileError(f"negative entry count {count}", source, 8)
    entries: list[tuple[int, str]] = []
    pos = _HEADER.size
    end = len(data)
    for index in range(count):
        if pos + 4 > end:
            raise ResourceFileError(f"file ends inside the id ({count} entries declared)", source, pos, index)
        (rsc_id,) = _ID.unpack_from(data, pos)
        nul = data.find(b"\0", pos + 4, pos + 4 + MAX_TEXT_LEN + 1)
        if nul < 0:
            if end - (pos + 4) > MAX_TEXT_LEN:
                raise ResourceFileError(f"text of id {rsc_id} is longer than {MAX_TEXT_LEN} bytes", source, pos + 4, index)
            raise ResourceFileError(f"text of id {rsc_id} has no NUL terminator before the end of the file", source, pos + 4, index)
        entries.append((rsc_id, data[pos + 4 : nul].decode("latin-1")))
        pos = nul + 1
    return entries


def encode_rsc(entries: Iterable[tuple[int, str]], source: str = "<table>") -> bytes:
    """An ``.rsc`` v4 image of ``entries`` (``(id, text)`` pairs, in the given order)."""
    items = []
    for index, (rsc_id, text) in enumerate(entries):
        if not isinstance(rsc_id, int) or isinstance(rsc_id, bool) or not 0 <= rsc_id <= _U32_MAX:
            raise ResourceFileError(f"id {rsc_id!r} is not a u32", source, entry=index)
        if not isinstance(text, str):
            raise ResourceFileError(f"id {rsc_id}: text must be a str, got {text!r}", source, entry=index)
        try:
            raw = text.encode("latin-1")
        except UnicodeEncodeError as exc:
            raise ResourceFileError(
                f"id {rsc_id}: text cannot be encoded in latin-1 ({text[exc.start:exc.end]!r} at {exc.start})",
                source,
                entry=index,
            ) from None
        if b"\0" in raw:
            raise ResourceFileError(f"id {rsc_id}: text contains a NUL byte", source, entry=index)
        if len(raw) > MAX_TEXT_LEN:
            raise ResourceFileError(f"id {rsc_id}: text is {len(raw)} bytes, limit {MAX_TEXT_LEN}", source, entry=index)
        items.append({"id": rsc_id, "text": text})
    if len(items) > (1 << 31) - 1:
        raise ResourceFileError("too many entries for an s32 count", source)
    return RscFile.build({"entries": items})


def read_rsc(path: str | os.PathLike[str]) -> list[tuple[int, str]]:
    """Entries of the ``.rsc`` file at ``path``."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ResourceFileError(f"cannot read: {exc.strerror or exc}", str(path)) from exc
    return decode_rsc(data, str(path))


def write_rsc(path: str | os.PathLike[str], entries: Iterable[tuple[int, str]]) -> None:
    """Write ``entries`` to ``path`` as ``.rsc`` v4 (nothing is written if a text is invalid)."""
    data = encode_rsc(entries, str(path))
    Path(path).write_bytes(data)


@attrs.define
class ResourceTable:
    """Resource id -> text, remembering which file each static text came from.

    ``text(id)`` is what format strings and the wire codec use. Dynamic ids are handed
    out sequentially from ``MIN_DYNAMIC_RSC`` by ``add_dynamic``.
    """

    texts: dict[int, str] = attrs.field(factory=dict)
    files: dict[int, str] = attrs.field(factory=dict)  # id -> file name it belongs to
    next_dynamic: int = MIN_DYNAMIC_RSC

    # -- lookup --------------------------------------------------------------------
    def text(self, resource_id: int) -> str | None:
        return self.texts.get(resource_id)

    def __contains__(self, resource_id: object) -> bool:
        return resource_id in self.texts

    def __len__(self) -> int:
        return len(self.texts)

    def __iter__(self) -> Iterator[int]:
        return iter(sorted(self.texts))

    def items(self) -> list[tuple[int, str]]:
        return sorted(self.texts.items())

    def file_of(self, resource_id: int) -> str | None:
        return self.files.get(resource_id)

    def ids_of_file(self, file_name: str) -> list[int]:
        return sorted(rsc_id for rsc_id, name in self.files.items() if name == file_name)

    def find(self, text: str, file_name: str | None = None) -> list[int]:
        """Ids whose text is ``text`` (optionally only those of ``file_name``)."""
        return sorted(
            rsc_id
            for rsc_id, value in self.texts.items()
            if value == text and (file_name is None or self.files.get(rsc_id) == file_name)
        )

    # -- changes -------------------------------------------------------------------
    def add(self, resource_id: int, text: str, file_name: str | None = None) -> None:
        """Set ``resource_id`` to ``text`` (replacing any earlier text)."""
        if not isinstance(resource_id, int) or isinstance(resource_id, bool) or not 0 <= resource_id <= _U32_MAX:
            raise ValueError(f"resource id must be a u32, got {resource_id!r}")
        if not isinstance(text, str):
            raise TypeError(f"resource text must be a str, got {text!r}")
        self.texts[resource_id] = text
        if file_name is not None:
            self.files[resource_id] = file_name
        else:
            self.files.pop(resource_id, None)
        if resource_id >= self.next_dynamic:
            self.next_dynamic = resource_id + 1

    def add_dynamic(self, text: str) -> int:
        """Store ``text`` under the next free dynamic id and return that id."""
        resource_id = max(self.next_dynamic, MIN_DYNAMIC_RSC)
        if resource_id > _U32_MAX:
            raise OverflowError("dynamic resource ids exhausted")
        self.add(resource_id, text)
        return resource_id

    def change_dynamic(self, resource_id: int, text: str) -> None:
        """Replace the text of an existing dynamic resource."""
        if resource_id < MIN_DYNAMIC_RSC or resource_id not in self.texts:
            raise KeyError(f"no dynamic resource {resource_id}")
        self.add(resource_id, text)

    def remove(self, resource_id: int) -> None:
        self.texts.pop(resource_id, None)
        self.files.pop(resource_id, None)

    @staticmethod
    def is_dynamic(resource_id: int) -> bool:
        return resource_id >= MIN_DYNAMIC_RSC

    def update(self, entries: Iterable[tuple[int, str]], file_name: str | None = None) -> None:
        for rsc_id, text in entries:
            self.add(rsc_id, text, file_name)

    # -- loading -------------------------------------------------------------------
    @classmethod
    def from_mapping(cls, texts: Mapping[int, str]) -> ResourceTable:
        table = cls()
        table.update(texts.items())
        return table

    def load_rsc(self, path: str | os.PathLike[str]) -> None:
        """Add the entries of one ``.rsc`` file; they override earlier ids."""
        self.update(read_rsc(path), Path(path).name)

    def load_folder(self, folder: str | os.PathLike[str]) -> None:
        """Add every ``*.rsc`` of ``folder`` in alphabetical order (later duplicates win)."""
        folder = Path(folder)
        try:
            names = sorted(p.name for p in folder.iterdir() if p.suffix.lower() == ".rsc" and p.is_file())
        except OSError as exc:
            raise ResourceFileError(f"cannot list folder: {exc.strerror or exc}", str(folder)) from exc
        for name in names:
            self.load_rsc(folder / name)

    def load_tsv(self, path: str | os.PathLike[str]) -> None:
        """Add the rows of a ``resources.tsv`` (``id``, ``file``, JSON string)."""
        source = str(path)
        try:
            content = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ResourceFileError(f"cannot read: {exc}", source) from exc
        self.update_from_tsv(content, source)

    def update_from_tsv(self, content: str, source: str = "<tsv>") -> None:
        lines = content.splitlines()
        if not lines or tuple(lines[0].split("\t")) != TSV_HEADER:
            raise ResourceFileError("first line must be the header id<TAB>file<TAB>string_json", source, 1)
        rows: list[tuple[int, str, str | None]] = []
        for number, line in enumerate(lines[1:], start=2):
            if not line.strip():
                continue
            parts = line.split("\t", 2)
            if len(parts) != 3:
                raise ResourceFileError("expected 3 tab-separated columns", source, number)
            raw_id, raw_file_name, raw_text = parts
            try:
                rsc_id = int(raw_id)
                text = json.loads(raw_text)
            except ValueError as exc:
                raise ResourceFileError(f"bad row: {exc}", source, number) from None
            if not isinstance(text, str) or not 0 <= rsc_id <= _U32_MAX:
                raise ResourceFileError("id must be a u32 and the text a JSON string", source, number)
            rows.append((rsc_id, text, raw_file_name or None))
        for rsc_id, text, file_name in rows:
            self.add(rsc_id, text, file_name)

    # -- writing -------------------------------------------------------------------
    def entries(self, file_name: str | None = None) -> list[tuple[int, str]]:
        """``(id, text)`` pairs sorted by id: all of them, or only those of ``file_name``."""
        if file_name is None:
            return self.items()
        return [(rsc_id, self.texts[rsc_id]) for rsc_id in self.ids_of_file(file_name)]

    def to_rsc_bytes(self, file_name: str | None = None) -> bytes:
        return encode_rsc(self.entries(file_name), file_name or "<table>")

    def write_rsc(self, path: str | os.PathLike[str], file_name: str | None = None) -> None:
        """Write the table (or the part from ``file_name``) to ``path`` as ``.rsc``."""
        write_rsc(path, self.entries(file_name))


def load_resources(path: str | os.PathLike[str]) -> ResourceTable:
    """A table from an ``.rsc`` file, a folder of ``.rsc`` files, or a ``resources.tsv``."""
    target = Path(path)
    table = ResourceTable()
    if target.is_dir():
        table.load_folder(target)
    elif target.suffix.lower() == ".tsv":
        table.load_tsv(target)
    elif target.suffix.lower() == ".rsc" or target.is_file():
        table.load_rsc(target)
    else:
        raise ResourceFileError("no such file or folder", str(target))
    return table

