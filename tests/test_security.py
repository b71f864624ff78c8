from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from emulator.wire.security import FALLBACK_REDBOOK, OpcodeScrambler, SecurityStream, security_value


def test_seed_step_vector():
    stream = SecurityStream([1, 2, 3, 4, 5])
    pick = stream.step()
    assert stream.seeds == (58598, 67899, 77200, 86501, 95802)
    assert pick == 77200  # seeds[95802 % 4]


def test_first_step_wraps_at_32_bits():
    stream = SecurityStream([0xFFFFFFFF] * 5)
    stream.step()
    # (0xFFFFFFFF * 9301 + 49297) mod 2**32 = 39996, not the unbounded 102652.
    assert stream.seeds == (39996,) * 5


def test_check_value_vectors():
    # BP_PING (3): pick ^ len ^ (3 << 4) ^ crc16
    assert SecurityStream([1, 2, 3, 4, 5]).next_check(b"\x03") == 0x9396
    # BP_USERCOMMAND (155) is sign-extended: its term is 0xF9B0, not 0x09B0.
    assert SecurityStream([1, 2, 3, 4, 5]).next_check(bytes([155, 37])) == 0x414B
    assert security_value(0, bytes([155])) ^ security_value(0, bytes([27])) != 0


@given(st.lists(st.integers(0, 2**32 - 1), min_size=5, max_size=5), st.lists(st.binary(min_size=1, max_size=40), max_size=30))
def test_both_ends_agree(seeds, payloads):
    client, server = SecurityStream(seeds), SecurityStream(seeds)
    for payload in payloads:
        assert client.next_check(payload) == server.next_check(payload)
    assert all(seed < 233280 for seed in client.seeds) or not payloads


def test_scrambler_is_identity_until_rekeyed():
    scrambler = OpcodeScrambler()
    assert scrambler.apply(b"\x83abc") == b"\x83abc"
    assert not scrambler.active


@given(st.integers(0, 255), st.lists(st.binary(min_size=1, max_size=10), max_size=60))
def test_scrambler_round_trips_between_server_and_client(token, payloads):
    server, client = OpcodeScrambler(), OpcodeScrambler()
    server.rekey(token)
    client.rekey(token)
    for payload in payloads:
        sent = server.apply(payload)
        assert sent[1:] == payload[1:]
        assert client.apply(sent) == payload


def test_scrambler_walks_the_redbook():
    scrambler = OpcodeScrambler()
    scrambler.rekey(0x10)
    first = scrambler.apply(b"\x01")
    assert first == bytes([0x01 ^ 0x10])
    assert scrambler.token == 0x10 + (FALLBACK_REDBOOK[0] & 0x7F)


@given(st.lists(st.binary(min_size=1, max_size=8), max_size=40), st.integers(0, 255), st.integers(0, 100), st.booleans())
def test_scrambling_a_batch_equals_scrambling_one_by_one(payloads, token, steps, keyed):
    one, batch = OpcodeScrambler(), OpcodeScrambler()
    if keyed:
        for scrambler in (one, batch):
            scrambler.rekey(token)
            for _ in range(steps):
                scrambler.apply(b"\x00")
    assert batch.apply_each(payloads) == [one.apply(payload) for payload in payloads]
    assert (batch.token, batch.active) == (one.token, one.active)
    assert batch.apply(b"\x07") == one.apply(b"\x07")  # left at the same place in the walk
