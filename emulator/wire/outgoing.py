"""Server messages on their way out: encoded once, finished per recipient.

A message many players see (a step, a word said, someone arriving) is encoded once as
an :class:`Encoded` payload. What differs per recipient is only done per recipient by
:func:`finish_game_frames`: the opcode scrambled with that connection's rolling token,
the CRC of the scrambled payload, and the header with the epoch.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from zlib import crc32

import attrs

from emulator.wire.security import OpcodeScrambler

_HEADER = struct.Struct("<HHHB")  # length, check, length again, seq (see framing.py)


@attrs.frozen(slots=True)
class Encoded:
    """A game message's payload (opcode first), not yet scrambled or framed.

    ``supersedes`` names what a later message with the same key makes stale (a position
    update of one object): a connection that has fallen behind keeps only the latest.
    """

    payload: bytes
    supersedes: tuple[int, int] | None = None  # (opcode, object id)


def finish_game_frames(payloads: Iterable[bytes], scrambler: OpcodeScrambler, seq: int) -> bytes:
    """Whole frames for the socket: scramble, CRC, header; in order (the token rolls)."""
    pack = _HEADER.pack
    parts: list[bytes] = []
    append = parts.append
    for scrambled in scrambler.apply_each(payloads):
        length = len(scrambled)
        append(pack(length, crc32(scrambled) & 0xFFFF, length, seq))
        append(scrambled)
    return b"".join(parts)
