"""Each fast path is byte-identical to the schema it stands in for."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulator.wire import fastpath
from emulator.wire.codec import table
from emulator.wire.errors import EncodeError
from protocol_specs import common
from protocol_specs.registry import C2S, GAME, LOGIN, S2C
from tests.schema_strategies import subset_equal, values_for
from tests.test_resources_fixture import FORMAT_TABLE

TABLES = [table(mode, direction) for mode in (LOGIN, GAME) for direction in (C2S, S2C)]
FAST_DECODED = [(t, t.spec(opcode)) for t in TABLES for opcode in t._fast_decoders]
FAST_ENCODED = [(t, t.spec_named(name)) for t in TABLES for name in t._fast_encoders]
_settings = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_hot_messages_have_fast_paths():
    game_c2s, game_s2c = table(GAME, C2S), table(GAME, S2C)
    for name in ("BP_REQ_MOVE", "BP_REQ_TURN", "BP_SAY_TO", "BP_SEND_ROOM_CONTENTS", "BP_PING", "BP_REQ_ATTACK"):
        assert game_c2s.spec_named(name).opcode in game_c2s._fast_decoders, name
    for name in ("BP_MOVE", "BP_TURN", "BP_ROOM_CONTENTS", "BP_CREATE", "BP_CHANGE", "BP_REMOVE", "BP_STAT"):
        assert name in game_s2c._fast_encoders, name


@pytest.mark.parametrize("codec,spec", FAST_DECODED, ids=lambda x: getattr(x, "name", ""))
@_settings
@given(data=st.data())
def test_fast_decoder_matches_schema(codec, spec, data):
    value = data.draw(values_for(spec.body))
    payload = bytes((spec.opcode,)) + spec.body.build(value)
    fast = codec._fast_decoders[spec.opcode](payload)
    slow = codec.decode_with_schema(payload).fields
    if fast is not None:
        assert fast == slow and subset_equal(fast, slow)
    else:  # only number-item references are left to the schema
        assert "amount" in repr(value) and any(v is not None for v in _amounts(value))


@pytest.mark.parametrize("codec,spec", FAST_DECODED, ids=lambda x: getattr(x, "name", ""))
@_settings
@given(junk=st.binary(max_size=24))
def test_fast_decoder_refuses_what_the_schema_refuses(codec, spec, junk):
    payload = bytes((spec.opcode,)) + junk
    fast = codec._fast_decoders[spec.opcode](payload)
    if fast is not None:
        assert codec.decode_with_schema(payload).fields == fast


@pytest.mark.parametrize("codec,spec", FAST_ENCODED, ids=lambda x: getattr(x, "name", ""))
@_settings
@given(data=st.data())
def test_fast_encoder_matches_schema(codec, spec, data):
    value = data.draw(values_for(spec.body))
    expected = bytes((spec.opcode,)) + spec.body.build(value)
    fast = codec._fast_encoders[spec.name](value)
    assert fast is None or fast == expected
    assert codec.encode(spec.name, value) == expected


@_settings
@given(data=st.data())
def test_room_object_encoder_matches_schema(data):
    value = data.draw(values_for(common.RoomObject))
    assert fastpath.encode_room_object(value) == common.RoomObject.build(value)
    value = data.draw(values_for(common.Object))
    assert fastpath.encode_object(value) == common.Object.build(value)


def _amounts(value):
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "amount":
                yield item
            yield from _amounts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _amounts(item)


@_settings
@given(data=st.data())
def test_room_object_encoder_with_shared_overlay_list(data):
    value = data.draw(values_for(common.RoomObject))
    value["motion_overlays"] = value["overlays"]  # one list object, as a walking player sends
    assert fastpath.encode_room_object(value) == common.RoomObject.build(value)


@pytest.mark.parametrize("name", ["BP_MESSAGE", "BP_SYS_MESSAGE"])
@_settings
@given(data=st.data())
def test_formatted_text_messages_are_built_as_the_schema_builds_them(name, data):
    codec = table(GAME, S2C)
    assert name in codec._formatted_texts
    value = data.draw(values_for(codec.spec_named(name).body))
    assert codec.encode(name, value, resources=FORMAT_TABLE) == codec.encode_with_schema(name, value, resources=FORMAT_TABLE)


def test_a_formatted_text_the_schema_refuses_is_an_encode_error():
    with pytest.raises(EncodeError, match="too few params"):
        table(GAME, S2C).encode("BP_MESSAGE", {"format": 101, "params": []}, resources=FORMAT_TABLE)
