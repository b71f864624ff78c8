"""One error type per way the bytes from a peer can be wrong.

Every failure to frame or decode input raises a subclass of :class:`ProtocolError`,
so a connection handler needs a single ``except`` to stay up.
"""

from __future__ import annotations


class ProtocolError(Exception):
    """Bytes from a peer that do not follow the protocol."""


class FrameError(ProtocolError):
    """A frame header is unusable; the byte stream has lost its framing."""


class LengthMismatch(FrameError):
    """The two copies of the payload length in a header differ."""


class FrameTooLarge(FrameError):
    """A header announces a payload above the configured maximum."""


class EmptyFrame(FrameError):
    """A header announces a zero-length payload (there is no opcode to dispatch)."""


class BadChecksum(ProtocolError):
    """A frame's check value does not match its payload (CRC or security value)."""


class DecodeError(ProtocolError):
    """A payload does not decode as the message its opcode names."""


class UnknownOpcode(DecodeError):
    """No message with this opcode exists in the current mode and direction."""

    def __init__(self, message: str, opcode: int) -> None:
        super().__init__(message)
        self.opcode = opcode


class UndeclaredMessage(UnknownOpcode):
    """The opcode exists but is a listed gap: it has no schema in this direction."""


class MalformedMessage(DecodeError):
    """The payload is truncated or its fields are invalid for the schema."""


class TrailingBytes(DecodeError):
    """The payload decoded, but bytes were left over after the last field."""

    def __init__(self, message: str, leftover: bytes) -> None:
        super().__init__(message)
        self.leftover = leftover


class EncodeError(Exception):
    """Our own code tried to build a message whose fields do not fit its schema.

    Not a :class:`ProtocolError`: it is a bug on our side, not bad input.
    """
