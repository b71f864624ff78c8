"""The frame check value: standard CRC-32 truncated to its low 16 bits.

Upstream calls it CRC16 (``blakserv/session.h`` GetCRC16) but computes CRC-32 with
the usual reflected polynomial, so :func:`zlib.crc32` gives the same result.
"""

from __future__ import annotations

from zlib import crc32


def crc16(payload: bytes) -> int:
    """Low 16 bits of CRC-32 over ``payload`` (opcode included, header excluded)."""
    return crc32(payload) & 0xFFFF
