"""Capture files: one recorded TCP connection as JSON lines.

Line 1 is a header object (``"format": "m59-capture"``, ``"version": 1`` plus free
descriptive keys); every later line is one ``read()`` on one side:
``{"t": seconds, "dir": "c2s"|"s2c", "hex": "..."}``, with ``"eof": true`` on the read
that hit end of file. A read is not a frame: each direction is reassembled and split
into frames by :class:`emulator.wire.conversation.ConversationDecoder`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import attrs

from emulator.wire.conversation import ConversationDecoder, DecodedFrame
from emulator.wire.codec import ResourceLookup
from emulator.wire.errors import FrameError
from emulator.wire.framing import Frame
from protocol_specs.registry import C2S, S2C, Direction

FORMAT_NAME = "m59-capture"
FORMAT_VERSION = 1
_DIRECTIONS = {"c2s": C2S, "s2c": S2C}


class CaptureError(ValueError):
    """A capture file that does not follow the format, with file and line."""


@attrs.frozen
class CaptureRead:
    time: float
    direction: Direction
    data: bytes
    eof: bool = False


@attrs.frozen
class Capture:
    path: Path | None
    header: dict[str, Any]
    reads: list[CaptureRead]


def read_capture(path: str | Path) -> Capture:
    path = Path(path)
    with path.open("r", encoding="ascii", errors="strict") as stream:
        header, reads = parse_capture_lines(stream, str(path))
    return Capture(path, header, reads)


def parse_capture_lines(lines: Iterable[str], where: str) -> tuple[dict[str, Any], list[CaptureRead]]:
    header: dict[str, Any] | None = None
    reads: list[CaptureRead] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise CaptureError(f"{where}:{number}: not JSON: {error.msg}") from None
        if not isinstance(record, dict):
            raise CaptureError(f"{where}:{number}: expected a JSON object")
        if header is None:
            if record.get("format") != FORMAT_NAME or record.get("version") != FORMAT_VERSION:
                raise CaptureError(f"{where}:{number}: not a {FORMAT_NAME} v{FORMAT_VERSION} header")
            header = record
            continue
        try:
            direction = _DIRECTIONS[record["dir"]]
            data = bytes.fromhex(record["hex"])
            time = float(record["t"])
        except (KeyError, TypeError, ValueError) as error:
            raise CaptureError(f"{where}:{number}: bad read record ({error})") from None
        reads.append(CaptureRead(time, direction, data, bool(record.get("eof", False))))
    if header is None:
        raise CaptureError(f"{where}: empty file")
    return header, reads


class CaptureWriter:
    """Writes a capture as the connection happens (one line per read, flushed)."""

    def __init__(self, stream: IO[str], **header: Any) -> None:
        self._stream = stream
        self._write({"format": FORMAT_NAME, "version": FORMAT_VERSION, **header})

    def record(self, time: float, direction: Direction, data: bytes, eof: bool = False) -> None:
        line: dict[str, Any] = {"t": round(time, 6), "dir": direction.value, "hex": data.hex()}
        if eof:
            line["eof"] = True
        self._write(line)

    def _write(self, record: dict[str, Any]) -> None:
        self._stream.write(json.dumps(record, separators=(",", ":")) + "\n")
        self._stream.flush()


def decode_capture(capture: Capture, resources: ResourceLookup | None = None) -> Iterator[DecodedFrame]:
    """Every frame of the capture, in the order the reads completed them."""
    conversation = ConversationDecoder(resources)
    for read in capture.reads:
        if read.data:
            yield from conversation.feed(read.direction, read.data, read.time)
    for direction in (C2S, S2C):
        leftover = conversation.leftover(direction)
        if leftover:
            last_time = capture.reads[-1].time if capture.reads else 0.0
            yield DecodedFrame(
                last_time,
                direction,
                conversation.mode[direction],
                Frame(0, 0, b""),
                None,
                FrameError(f"{leftover} bytes of an unfinished frame at the end of the stream"),
            )
