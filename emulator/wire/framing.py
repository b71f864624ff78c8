"""Sans-IO framing: split a byte stream into frames and build frames.

A frame is ``u16 length, u16 check, u16 length again, u8 seq`` followed by ``length``
payload bytes whose first byte is the opcode. The decoder is fed arbitrary chunks
(a frame split across reads, several frames in one read) and hands out whole frames.
It does not judge the check value: its meaning depends on mode and direction, which
the session layer knows.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator

import attrs

from emulator.wire.errors import EmptyFrame, FrameError, FrameTooLarge, LengthMismatch
from protocol_specs.framing import HEADER_SIZE

_HEADER = struct.Struct("<HHHB")

#: Largest payload the original server accepts from a client (LEN_MAX_CLIENT_MSG).
MAX_CLIENT_PAYLOAD = 6000
#: Largest payload we send: the stock client's receive buffer is 40000 bytes
#: including the header, so stay well below it.
MAX_SERVER_PAYLOAD = 32768


@attrs.frozen(slots=True)
class Frame:
    check: int
    seq: int
    payload: bytes

    @property
    def opcode(self) -> int:
        return self.payload[0]


def encode_frame(payload: bytes, check: int, seq: int = 0) -> bytes:
    """Header plus payload, ready for the socket."""
    length = len(payload)
    if not 0 < length <= 0xFFFF:
        raise ValueError(f"payload length {length} cannot be framed")
    return _HEADER.pack(length, check & 0xFFFF, length, seq & 0xFF) + payload


class FrameDecoder:
    """Reassembles frames from a byte stream.

    ``feed`` appends bytes; ``next_frame`` returns the next complete frame or ``None``
    when more bytes are needed. A bad header raises a :class:`FrameError`; the stream
    has then lost its framing, so the decoder stays broken (every later call raises the
    same error) until :meth:`reset` — the original recovers only through its resync
    strings, which the session layer handles with :meth:`take_unframed`.
    """

    def __init__(self, max_payload: int = MAX_CLIENT_PAYLOAD) -> None:
        self.max_payload = max_payload
        self._buffer = bytearray()
        self._offset = 0
        self._error: FrameError | None = None

    def feed(self, data: bytes) -> None:
        if self._offset and self._offset >= len(self._buffer) // 2:
            del self._buffer[: self._offset]
            self._offset = 0
        self._buffer += data

    @property
    def buffered(self) -> int:
        """Bytes received but not yet handed out as frames."""
        return len(self._buffer) - self._offset

    def next_frame(self) -> Frame | None:
        if self._error is not None:
            raise self._error
        start = self._offset
        if len(self._buffer) - start < HEADER_SIZE:
            return None
        length, check, length_copy, seq = _HEADER.unpack_from(self._buffer, start)
        if length != length_copy:
            self._error = LengthMismatch(f"header lengths differ: {length} != {length_copy}")
        elif length > self.max_payload:
            self._error = FrameTooLarge(f"payload of {length} bytes exceeds the limit of {self.max_payload}")
        elif length == 0:
            self._error = EmptyFrame("zero-length payload")
        if self._error is not None:
            raise self._error
        end = start + HEADER_SIZE + length
        if len(self._buffer) < end:
            return None
        self._offset = end
        return Frame(check, seq, bytes(self._buffer[start + HEADER_SIZE : end]))

    def frames(self, data: bytes = b"") -> Iterator[Frame]:
        """Feed ``data`` and yield every complete frame now available."""
        if data:
            self.feed(data)
        while (frame := self.next_frame()) is not None:
            yield frame

    def take_unframed(self) -> bytes:
        """Remove and return every buffered byte (for resync scanning), clearing any error."""
        data = bytes(self._buffer[self._offset :])
        self.reset()
        return data

    def reset(self) -> None:
        self._buffer.clear()
        self._offset = 0
        self._error = None

    @property
    def broken(self) -> FrameError | None:
        return self._error
