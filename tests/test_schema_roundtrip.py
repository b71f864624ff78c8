"""Every declared schema round-trips, and hostile bytes only ever give typed errors."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import protocol_specs
from emulator.wire.codec import table
from emulator.wire.errors import DecodeError
from protocol_specs.registry import C2S, GAME, LOGIN, S2C
from tests.schema_strategies import subset_equal, values_for
from tests.test_resources_fixture import FORMAT_TABLE

SPECS = sorted(protocol_specs.all_specs(), key=lambda spec: (spec.mode.value, spec.direction.value, spec.opcode))


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: f"{spec.direction.value}-{spec.name}")
# 30 values for each of the ~170 schemas, both ways (about 20 s for the file)
@settings(max_examples=30, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much], deadline=None)
@given(data=st.data())
def test_schema_round_trips(spec, data):
    value = data.draw(values_for(spec.body))
    built = spec.body.build(value, resources=FORMAT_TABLE)
    parsed = spec.body.parse(built, resources=FORMAT_TABLE)
    assert subset_equal(value, parsed)  # parse(build(v)) == v
    assert spec.body.build(parsed, resources=FORMAT_TABLE) == built  # build(parse(b)) == b
    # The codec agrees and consumes every byte.
    payload = bytes((spec.opcode,)) + built
    message = table(spec.mode, spec.direction).decode(payload, FORMAT_TABLE)
    assert message.name == spec.name
    assert table(spec.mode, spec.direction).encode(message, resources=FORMAT_TABLE) == payload


@pytest.mark.parametrize("mode,direction", [(LOGIN, C2S), (LOGIN, S2C), (GAME, C2S), (GAME, S2C)])
@settings(max_examples=400, deadline=None)
@given(payload=st.binary(min_size=0, max_size=80))
def test_random_payloads_give_typed_errors(mode, direction, payload):
    try:
        table(mode, direction).decode(payload, FORMAT_TABLE)
    except DecodeError:
        pass


@pytest.mark.parametrize("mode,direction", [(LOGIN, C2S), (LOGIN, S2C), (GAME, C2S), (GAME, S2C)])
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_known_opcodes_with_random_bodies_give_typed_errors(mode, direction, data):
    specs = [spec for spec in SPECS if spec.mode is mode and spec.direction is direction]
    spec = data.draw(st.sampled_from(specs))
    body = data.draw(st.binary(max_size=120))
    try:
        table(mode, direction).decode(bytes((spec.opcode,)) + body, FORMAT_TABLE)
    except DecodeError:
        pass
