"""The 7-byte frame header that precedes every message in both modes and directions
(upstream ``blakserv/session.c`` SendClient, ``clientd3d/com.c`` ProcessMsgHeader).

The framer in :mod:`emulator.wire.framing` reads headers with :mod:`struct` for speed;
a test proves it agrees with this declaration.
"""

from __future__ import annotations

from construct import Int8ul, Int16ul, Struct

FrameHeader = Struct(
    "length" / Int16ul,  # payload bytes, header excluded
    "check" / Int16ul,  # CRC (s2c, c2s login) or security value (c2s game)
    "length_copy" / Int16ul,  # must equal length
    "seq" / Int8ul,  # 0 in login mode; the server's epoch in game mode
)

HEADER_SIZE = 7
