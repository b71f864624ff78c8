"""Server format strings: the parameter codec of ``BP_MESSAGE``, ``BP_SAID``, ``BP_LOOK``...

Behaviour follows the client's ``CheckServerMessage`` (``clientd3d/srvrstr.c``); see
``resources-and-content.md`` §5. On the wire a formatted text is a u32 format resource
id followed by the parameters its text asks for, with no count and no length:

* ``%d`` / ``%i``: s32, shown in decimal;
* ``%s``: u32 resource id; the resource's text is pasted in and scanned again later;
* ``%q``: u16 length + latin-1 bytes, pasted in at the very end and never scanned;
* ``%%``: no parameter.

How the client walks a text (reproduced here, quirks included):

1. A format text whose only ``%`` are ``%%`` pairs is shown as it is (the pairs stay
   doubled) and reads no parameters.
2. Otherwise a pass scans the text left to right. The text is cut into *segments*,
   each ending with a field; ``%d %i %s`` output the segment's literal text plus the
   value; ``%q`` outputs the segment with the ``q`` replaced by a marker byte (1..10,
   the number of the ``%q``) and remembers its string; ``%%`` outputs only ``%`` (the
   literal text of its segment is lost); ``%`` followed by anything else outputs
   nothing for its segment.  A ``%`` followed by a byte 1..10 (a marker) or by a byte
   >= 0x80 (negative as a signed ``char``) is skipped and stays in its segment.
3. When a pass pasted any ``%s`` text, its whole output is scanned by a new pass that
   consumes the *following* parameters; repeat until a pass pastes no ``%s``.
4. Finally every marker is replaced by its ``%q`` string.  Only 10 ``%q`` get markers;
   later ones stay as a literal ``%q`` in the text (and are read again if another pass
   follows, as in the client).

Deliberate limits (the client has none, or overflows a buffer instead):

* every text that enters or leaves a pass, and the final message, must stay below
  ``MAXMESSAGE`` (4096) characters;
* at most ``MAX_PASSES`` passes; a ``%s`` that expands to itself forever raises.

Where the client's behaviour is undefined (a skipped ``%`` sequence inside a segment
that goes through ``sprintf``; a marker byte with no ``%q`` behind it; ``%`` followed by
a byte >= 0x80 in the final step) this module keeps the characters as they are.

The resource table comes from the construct context: ``FormattedText.parse(data,
resources=table)``; any object with ``text(resource_id) -> str | None`` works. It is
reached through ``context._params`` and so works however deeply the construct is nested.
"""

from __future__ import annotations

import io
import struct
from functools import lru_cache
from typing import IO, Any, Callable, NamedTuple, Protocol

from construct import Construct, ConstructError, Container, SizeofError, stream_write

__all__ = [
    "FormattedText",
    "FormatStringError",
    "MAXMESSAGE",
    "MAX_PASSES",
    "MAX_Q_MARKERS",
    "ResourceLookup",
    "fields_of",
    "render",
    "decode_params",
    "encode_params",
]

#: Size of the client's message buffers; texts must be strictly shorter (room for NUL).
MAXMESSAGE = 4096
#: ``%q`` fields the client can mark and substitute per message.
MAX_Q_MARKERS = 10
#: Upper bound on scanning passes (the client has none; real texts nest 2 or 3 deep).
MAX_PASSES = 64

_S32_MIN, _S32_MAX = -(1 << 31), (1 << 31) - 1
_U32_MAX = (1 << 32) - 1
_U16_MAX = (1 << 16) - 1
_INT32 = struct.Struct("<i")
_UINT32 = struct.Struct("<I")
_UINT16 = struct.Struct("<H")

_PARAM_FIELDS = frozenset("disq")


class FormatStringError(ConstructError):
    """The parameters do not fit the format text, or the text is unknown."""


class ResourceLookup(Protocol):
    def text(self, resource_id: int) -> str | None: ...


class _Pass(NamedTuple):
    """One pass over a text: ``ops`` are ``(field char, literal prefix)`` pairs."""

    ops: tuple[tuple[str, str], ...]
    tail: str
    fields: tuple[str, ...]  # parameter-consuming fields, in order
    plain: bool  # only "%%" pairs: shown as is, reads nothing (top level only)


def _is_skipped(ch: str) -> bool:
    """``%`` + this char is passed over by a scanning pass (marker or signed-negative byte)."""
    code = ord(ch)
    return code <= MAX_Q_MARKERS or code >= 0x80


@lru_cache(maxsize=4096)
def _analyse(text: str) -> _Pass:
    ops: list[tuple[str, str]] = []
    segment_start = 0
    pos = text.find("%")
    end = len(text)
    while pos != -1:
        if pos + 1 >= end:  # a trailing "%" ends the scan and stays in the text
            break
        ch = text[pos + 1]
        if _is_skipped(ch):
            pos = text.find("%", pos + 1)
            continue
        # "d i s q %" are fields; anything else ("x" below) silently drops its segment.
        ops.append((ch if ch in "disq%" else "x", text[segment_start:pos]))
        segment_start = pos + 2
        pos = text.find("%", segment_start)
    fields = tuple(kind for kind, _ in ops if kind in _PARAM_FIELDS)
    plain = "%" not in text.replace("%%", "")
    return _Pass(tuple(ops), text[segment_start:], fields, plain)


def fields_of(text: str) -> list[str]:
    """Top-level parameter fields of ``text`` (``"d" "i" "s" "q"``), in wire order.

    A text whose only fields are ``%%`` reads no parameters and gives ``[]``.
    """
    analysis = _analyse(_c_string(text))
    return [] if analysis.plain else list(analysis.fields)


def _c_string(text: str) -> str:
    """The client's view of a text: it stops at the first NUL."""
    nul = text.find("\0")
    return text if nul < 0 else text[:nul]


def _lookup(table: ResourceLookup | None, resource_id: int, what: str) -> str:
    if table is None:
        raise FormatStringError("no resource table: pass resources=<table> to parse/build")
    try:
        text = table.text(resource_id)
    except Exception as exc:  # a broken table must not escape as a random error
        raise FormatStringError(f"resource table failed on {what} id {resource_id}: {exc!r}") from exc
    if text is None:
        raise FormatStringError(f"unknown {what} resource id {resource_id}")
    if not isinstance(text, str):
        raise FormatStringError(f"{what} resource id {resource_id} has a non-text value {text!r}")
    return _c_string(text)


def _expand(
    format_id: int,
    table: ResourceLookup | None,
    take: Callable[[str], Any],
    want_text: bool,
) -> str | None:
    """Run the client's algorithm; ``take(field)`` supplies each parameter in wire order.

    Returns the displayed text when ``want_text`` (the length limits are enforced either
    way, so parse, build and render accept exactly the same messages).
    """
    text = _lookup(table, format_id, "format")
    analysis = _analyse(text)
    if analysis.plain:
        return text
    if len(text) >= MAXMESSAGE:
        raise FormatStringError(f"format {format_id}: text is {len(text)} chars, limit {MAXMESSAGE - 1}")
    q_strings: list[str] = []
    for _ in range(MAX_PASSES):
        out: list[str] = []
        pasted = False
        for kind, prefix in analysis.ops:
            if kind == "d" or kind == "i":
                out.append(prefix)
                out.append(str(take("i")))
            elif kind == "s":
                out.append(prefix)
                out.append(_lookup(table, take("s"), "%s"))
                pasted = True
            elif kind == "q":
                value = take("q")
                out.append(prefix)
                if len(q_strings) < MAX_Q_MARKERS:
                    q_strings.append(value)
                    out.append("%" + chr(len(q_strings)))
                else:
                    out.append("%q")  # unmarked: stays literal, rescanned by later passes
            elif kind == "%":
                out.append("%")
            # "x": an unknown conversion outputs nothing for its segment
        out.append(analysis.tail)
        text = "".join(out)
        if len(text) >= MAXMESSAGE:
            raise FormatStringError(f"format {format_id}: expanded text reaches {len(text)} chars, limit {MAXMESSAGE - 1}")
        if not pasted:
            break
        analysis = _analyse(text)
    else:
        raise FormatStringError(f"format {format_id}: %s expansion did not finish within {MAX_PASSES} passes")
    if not q_strings:
        return text if want_text else None
    final = _substitute_markers(text, q_strings)
    if len(final) >= MAXMESSAGE:
        raise FormatStringError(f"format {format_id}: message reaches {len(final)} chars, limit {MAXMESSAGE - 1}")
    return _c_string(final) if want_text else None


def _substitute_markers(text: str, q_strings: list[str]) -> str:
    out: list[str] = []
    segment_start = 0
    pos = text.find("%")
    count = len(q_strings)
    while pos != -1 and pos + 1 < len(text):
        code = ord(text[pos + 1])
        if 1 <= code <= count:
            out.append(text[segment_start:pos])
            out.append(q_strings[code - 1])
            segment_start = pos + 2
            pos = text.find("%", segment_start)
        else:
            pos = text.find("%", pos + 1)
    out.append(text[segment_start:])
    return "".join(out)


# --- parameters from a list (build and render) ----------------------------------------


def _check_param(field: str, value: Any, index: int) -> Any:
    if field == "q":
        if not isinstance(value, str):
            raise FormatStringError(f"param {index}: %q needs a str, got {value!r}")
        try:
            raw = value.encode("latin-1")
        except UnicodeEncodeError as exc:
            raise FormatStringError(f"param {index}: %q string is not latin-1: {exc}") from exc
        if len(raw) > _U16_MAX:
            raise FormatStringError(f"param {index}: %q string is {len(raw)} bytes, limit {_U16_MAX}")
        return raw
    if not isinstance(value, int) or isinstance(value, bool):
        name = "%d/%i" if field == "i" else "%s"
        raise FormatStringError(f"param {index}: {name} needs an int, got {value!r}")
    if field == "i":
        if not _S32_MIN <= value <= _S32_MAX:
            raise FormatStringError(f"param {index}: %d/%i value {value} is not an s32")
    elif not 0 <= value <= _U32_MAX:
        raise FormatStringError(f"param {index}: %s resource id {value} is not a u32")
    return value


class _ListSource:
    """Hands out ``params`` in order, checking each against the field that asks for it."""

    __slots__ = ("params", "index", "write")

    def __init__(self, params: Any, write: Callable[[bytes], None] | None = None) -> None:
        if not isinstance(params, (list, tuple)):
            raise FormatStringError(f"params must be a list, got {params!r}")
        self.params = params
        self.index = 0
        self.write = write

    def __call__(self, field: str) -> Any:
        index = self.index
        if index >= len(self.params):
            name = "%d/%i" if field == "i" else "%" + field
            raise FormatStringError(f"too few params: {name} needs param {index}, only {len(self.params)} given")
        value = self.params[index]
        checked = _check_param(field, value, index)
        self.index = index + 1
        if self.write is not None:
            if field == "q":
                self.write(_UINT16.pack(len(checked)) + checked)
            elif field == "i":
                self.write(_INT32.pack(checked))
            else:
                self.write(_UINT32.pack(checked))
        return value

    def finish(self) -> None:
        if self.index != len(self.params):
            raise FormatStringError(f"too many params: the text uses {self.index}, {len(self.params)} given")


def _check_format_id(format_id: Any) -> int:
    if not isinstance(format_id, int) or isinstance(format_id, bool) or not 0 <= format_id <= _U32_MAX:
        raise FormatStringError(f"format must be a u32 resource id, got {format_id!r}")
    return format_id


def render(format_id: int, params: list[Any] | tuple[Any, ...], table: ResourceLookup | None) -> str:
    """The text the client displays for ``format_id`` with ``params`` (``%q`` protection included).

    ``params`` must match the fields exactly (kinds and count), as for ``build``.
    """
    source = _ListSource(params)
    text = _expand(_check_format_id(format_id), table, source, want_text=True)
    source.finish()
    assert text is not None
    return text


def encode_params(format_id: int, params: list[Any] | tuple[Any, ...], table: ResourceLookup | None) -> bytes:
    """Wire bytes: u32 format id then the parameters (same checks as ``FormattedText.build``)."""
    chunks = [_UINT32.pack(_check_format_id(format_id))]
    source = _ListSource(params, chunks.append)
    _expand(format_id, table, source, want_text=False)
    source.finish()
    return b"".join(chunks)


# --- parameters from a stream (parse) -------------------------------------------------


class _StreamSource:
    __slots__ = ("read", "params")

    def __init__(self, read: Callable[[int], bytes]) -> None:
        self.read = read
        self.params: list[Any] = []

    def __call__(self, field: str) -> Any:
        read = self.read
        if field == "q":
            raw = read(2)
            size = raw[0] | (raw[1] << 8)
            value: Any = read(size).decode("latin-1")
        elif field == "i":
            value = _INT32.unpack(read(4))[0]
        else:
            value = _UINT32.unpack(read(4))[0]
        self.params.append(value)
        return value


def _stream_reader(stream: IO[bytes], path: str) -> Callable[[int], bytes]:
    def read(size: int) -> bytes:
        try:
            data = stream.read(size)
        except Exception as exc:
            raise FormatStringError(f"stream read failed: {exc!r}", path=path) from exc
        if len(data) != size:
            raise FormatStringError(f"truncated parameters: needed {size} bytes, {len(data)} left", path=path)
        return data

    return read


def decode_params(data: bytes, table: ResourceLookup | None) -> tuple[Container, int]:
    """Parse from ``data``; returns the value and the number of bytes used (surplus ignored)."""
    stream = io.BytesIO(data)
    value = FormattedText._parse(stream, Container(_params=Container(resources=table)), "(decode_params)")
    return value, stream.tell()


def _table_from(context: Any) -> ResourceLookup | None:
    params = getattr(context, "_params", None) if context is not None else None
    if params is None and isinstance(context, dict):
        params = context.get("_params")
    if params is None:
        return None
    try:
        return params.get("resources") if isinstance(params, dict) else getattr(params, "resources", None)
    except Exception:
        return None


class _FormattedText(Construct):
    """u32 format resource id + the parameters its text asks for.

    Parses to ``Container(format=<id>, params=[...])``: params in wire order, ``int`` for
    ``%d/%i`` (s32) and ``%s`` (u32 resource id), ``str`` for ``%q`` (latin-1).
    """

    def _parse(self, stream: IO[bytes], context: Container, path: str) -> Container:
        read = _stream_reader(stream, path)
        format_id = _UINT32.unpack(read(4))[0]
        source = _StreamSource(read)
        try:
            _expand(format_id, _table_from(context), source, want_text=False)
        except FormatStringError as exc:
            if exc.path is None:
                raise FormatStringError(str(exc), path=path) from None
            raise
        return Container(format=format_id, params=source.params)

    def _build(self, obj: Any, stream: IO[bytes], context: Container, path: str) -> Container:
        try:
            try:
                format_id = obj["format"]
                params = obj["params"]
            except (KeyError, TypeError, IndexError):
                raise FormatStringError(f"expected a mapping with 'format' and 'params', got {obj!r}") from None
            data = encode_params(format_id, params, _table_from(context))
        except FormatStringError as exc:
            if exc.path is None:
                raise FormatStringError(str(exc), path=path) from None
            raise
        stream_write(stream, data, len(data), path)
        return Container(format=format_id, params=list(params))

    def _sizeof(self, context: Container, path: str) -> int:
        raise SizeofError("a formatted text has a variable size", path=path)


#: The construct: ``FormattedText.parse(data, resources=table)``.
FormattedText = _FormattedText()
