from __future__ import annotations

import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulator.wire.crc import crc16
from emulator.wire.errors import EmptyFrame, FrameError, FrameTooLarge, LengthMismatch
from emulator.wire.framing import Frame, FrameDecoder, encode_frame
from protocol_specs.framing import FrameHeader


def test_crc16_is_low_half_of_crc32():
    assert zlib.crc32(b"123456789") == 0xCBF43926
    assert crc16(b"123456789") == 0x3926


def test_encode_frame_layout_matches_declared_header():
    frame = encode_frame(b"\x15", check=0x1234, seq=4)
    header = FrameHeader.parse(frame[:7])
    assert (header.length, header.check, header.length_copy, header.seq) == (1, 0x1234, 1, 4)
    assert frame[7:] == b"\x15"
    assert FrameHeader.build(header) == frame[:7]


def test_decoder_handles_split_and_joined_frames():
    stream = encode_frame(b"\x15", 1, 0) + encode_frame(b"\x16" + bytes(20), 2, 0) + encode_frame(b"\x17abc", 3, 4)
    decoder = FrameDecoder()
    got = []
    for index in range(0, len(stream), 3):
        got.extend(decoder.frames(stream[index : index + 3]))
    assert got == [Frame(1, 0, b"\x15"), Frame(2, 0, b"\x16" + bytes(20)), Frame(3, 4, b"\x17abc")]
    assert decoder.buffered == 0


@given(
    payloads=st.lists(st.binary(min_size=1, max_size=300), min_size=1, max_size=20),
    cuts=st.lists(st.integers(min_value=0, max_value=10_000), max_size=30),
)
def test_random_chunking_yields_the_same_frames(payloads, cuts):
    stream = b"".join(encode_frame(payload, crc16(payload), index % 256) for index, payload in enumerate(payloads))
    points = sorted({cut % (len(stream) + 1) for cut in cuts} | {0, len(stream)})
    decoder = FrameDecoder()
    got = []
    for start, end in zip(points, points[1:]):
        got.extend(decoder.frames(stream[start:end]))
    assert [frame.payload for frame in got] == payloads
    assert [frame.check for frame in got] == [crc16(payload) for payload in payloads]
    assert decoder.buffered == 0


def test_length_mismatch_is_typed_and_sticky():
    decoder = FrameDecoder()
    decoder.feed(b"\x01\x00\x00\x00\x02\x00\x00\x15")
    with pytest.raises(LengthMismatch):
        decoder.next_frame()
    with pytest.raises(LengthMismatch):
        decoder.next_frame()
    assert decoder.take_unframed() == b"\x01\x00\x00\x00\x02\x00\x00\x15"
    assert decoder.broken is None


def test_oversized_and_empty_frames_are_refused():
    decoder = FrameDecoder(max_payload=100)
    decoder.feed(b"\x65\x00\x00\x00\x65\x00\x00")
    with pytest.raises(FrameTooLarge):
        decoder.next_frame()
    decoder = FrameDecoder()
    decoder.feed(b"\x00\x00\x00\x00\x00\x00\x00")
    with pytest.raises(EmptyFrame):
        decoder.next_frame()


def test_sync_beacon_on_fresh_stream_is_a_length_mismatch():
    # The client's resync beacon is not a frame: 0xFF01 != 0x4B41.
    decoder = FrameDecoder()
    decoder.feed(bytes([1, 255, 66, 76, 65, 75, 10, 13, 2]))
    with pytest.raises(LengthMismatch):
        decoder.next_frame()


def test_truncated_frame_waits_for_more():
    decoder = FrameDecoder()
    full = encode_frame(b"\x02" + bytes(63), 0, 0)
    decoder.feed(full[:-1])
    assert decoder.next_frame() is None
    decoder.feed(full[-1:])
    assert decoder.next_frame().payload == full[7:]


@given(st.lists(st.binary(max_size=64), max_size=20))
def test_garbage_only_ever_gives_frames_or_frame_errors(chunks):
    decoder = FrameDecoder(max_payload=6000)
    try:
        for chunk in chunks:
            for frame in decoder.frames(chunk):
                assert 0 < len(frame.payload) <= 6000
    except FrameError:
        pass
