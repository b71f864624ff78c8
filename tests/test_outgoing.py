"""Encode once, finish per recipient: byte for byte what encoding for each recipient gives."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from emulator.wire.codec import table
from emulator.wire.crc import crc16
from emulator.wire.framing import encode_frame
from emulator.wire.outgoing import finish_game_frames
from emulator.wire.security import OpcodeScrambler
from protocol_specs.registry import GAME, S2C

MESSAGES = st.one_of(
    st.builds(lambda i, y, x, s: ("BP_MOVE", {"id": i, "y": y, "x": x, "speed": s}),
              st.integers(0, 0x0FFFFFFF), st.integers(0, 0xFFFF), st.integers(0, 0xFFFF), st.integers(0, 255)),
    st.builds(lambda i, a: ("BP_TURN", {"id": i, "angle": a}), st.integers(0, 0x0FFFFFFF), st.integers(0, 4095)),
    st.builds(lambda i: ("BP_REMOVE", {"id": i}), st.integers(0, 0x0FFFFFFF)),
    st.builds(lambda i: ("BP_PLAYER_REMOVE", {"id": i}), st.integers(0, 0x0FFFFFFF)),
)
# A session's scrambler state: never pinged, or re-keyed with a token and walked some steps.
SCRAMBLERS = st.one_of(st.none(), st.tuples(st.integers(0, 255), st.integers(0, 200)))


def scrambler_for(state) -> OpcodeScrambler:
    scrambler = OpcodeScrambler()
    if state is not None:
        token, steps = state
        scrambler.rekey(token)
        for _ in range(steps):
            scrambler.apply(b"\x00")
    return scrambler


@given(st.lists(MESSAGES, min_size=1, max_size=8), st.lists(st.tuples(SCRAMBLERS, st.integers(0, 255)), min_size=1, max_size=6))
def test_finishing_a_shared_payload_equals_encoding_it_for_each_recipient(messages, recipients):
    codec = table(GAME, S2C)
    shared = [codec.encode(name, fields) for name, fields in messages]  # once for everyone
    for state, epoch in recipients:
        mine, reference = scrambler_for(state), scrambler_for(state)
        expected = b""
        for name, fields in messages:  # what encoding for this recipient alone gives
            payload = reference.apply(codec.encode(name, fields))
            expected += encode_frame(payload, crc16(payload), epoch)
        assert finish_game_frames(shared, mine, epoch) == expected
        assert mine.token == reference.token  # both left the token where the client has it
