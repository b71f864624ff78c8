"""Format-string codec (``protocol_specs.format_string``), checked against the client's rules."""

from __future__ import annotations

import io
import struct
import time
from pathlib import Path

import pytest
from construct import ConstructError, Int8ul, Int32ul, Struct
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from emulator.resources import ResourceTable, load_resources
from protocol_specs import format_string as fs
from protocol_specs.format_string import FormatStringError, FormattedText, decode_params, fields_of, render

CAPTURE_TSV = Path("/work/shared/captures/resources.tsv")


def u32(v: int) -> bytes:
    return struct.pack("<I", v)


def s32(v: int) -> bytes:
    return struct.pack("<i", v)


def q(text: str) -> bytes:
    raw = text.encode("latin-1")
    return struct.pack("<H", len(raw)) + raw


def table_of(**texts: str) -> ResourceTable:
    return ResourceTable.from_mapping({int(k[1:]): v for k, v in texts.items()})


@pytest.fixture(scope="module")
def captures() -> ResourceTable:
    if not CAPTURE_TSV.exists():
        pytest.skip("shared captures not available")
    return load_resources(CAPTURE_TSV)


# --- vectors from the captures ---------------------------------------------------------


def test_capture_welcome_has_no_fields(captures):
    data = u32(25715) + b"surplus"
    value, used = decode_params(data, captures)
    assert value == {"format": 25715, "params": []}
    assert used == 4
    assert render(25715, [], captures).startswith("Welcome to the world of Meridian 59!")
    assert FormattedText.build({"format": 25739, "params": []}, resources=captures) == u32(25739)


def test_capture_you_say_q(captures):
    data = u32(25624) + q("hello from the wire")
    value = FormattedText.parse(data, resources=captures)
    assert value.format == 25624
    assert value.params == ["hello from the wire"]
    assert FormattedText.build(value, resources=captures) == data
    assert render(25624, ["hello from the wire"], captures) == 'You say, "hello from the wire~n"'
    assert fields_of(captures.text(25624)) == ["q"]


def test_q_protection_keeps_fields_typed_by_players(captures):
    said = "100%% of %s and %d"
    data = u32(25624) + q(said)
    assert FormattedText.parse(data, resources=captures).params == [said]
    assert render(25624, [said], captures) == f'You say, "{said}~n"'


# --- algorithm -------------------------------------------------------------------------

NESTED = table_of(
    r1='%s%s says, "%s~n"',
    r2="a ",
    r3="orc",
    r4="I have %i gold for %q.",
    r5="plain text",
    r6="%s",  # %s pointing at itself
    r7="%s%s",
    r8="100%% sure",
    r9="x%%y %d",
    r10="%q %s",
    r11="%d",
    r12="rate %5d%%",
    r13="%",
    r14="%d%",
    r15="rate %5d!",
)


def test_nested_order_top_level_first_then_expansion():
    params = [2, 3, 4, -7, "you"]
    data = u32(1) + u32(2) + u32(3) + u32(4) + s32(-7) + q("you")
    assert FormattedText.build({"format": 1, "params": params}, resources=NESTED) == data
    assert FormattedText.parse(data, resources=NESTED) == {"format": 1, "params": params}
    assert render(1, params, NESTED) == 'a orc says, "I have -7 gold for you.~n"'


def test_fields_of():
    assert fields_of('%s%s says, "%s~n"') == ["s", "s", "s"]
    assert fields_of("I have %i gold for %q.") == ["i", "q"]
    assert fields_of("100%% sure") == []
    assert fields_of("a %x b %d") == ["d"]
    assert fields_of("") == []


def test_percent_percent_only_is_shown_as_is_and_reads_nothing():
    assert decode_params(u32(8) + b"\xff" * 8, NESTED) == ({"format": 8, "params": []}, 4)
    assert render(8, [], NESTED) == "100%% sure"


def test_percent_percent_with_fields_drops_its_segment():
    # the client outputs "%" for "%%" and loses "x" before it
    assert render(9, [5], NESTED) == "%y 5"
    assert decode_params(u32(9) + s32(5), NESTED)[0].params == [5]


def test_unknown_conversion_drops_its_segment():
    # "%5" is not a field: "rate %5" vanishes; "d" starts the next segment, which
    # "%%" then drops as well, leaving only "%"
    assert render(12, [], NESTED) == "%"
    assert render(15, [], NESTED) == "d!"
    assert decode_params(u32(12), NESTED)[0].params == []


def test_trailing_percent():
    assert render(13, [], NESTED) == "%"
    assert render(14, [3], NESTED) == "3%"


def test_plain_text():
    assert render(5, [], NESTED) == "plain text"


def test_q_marker_before_nested_field():
    data = u32(10) + q("hi") + u32(11) + s32(42)
    value = FormattedText.parse(data, resources=NESTED)
    assert value.params == ["hi", 11, 42]
    assert render(10, value.params, NESTED) == "hi 42"


def test_more_than_ten_q():
    table = table_of(r1=" ".join(["%q"] * 12))
    params = [f"s{i}" for i in range(12)]
    data = u32(1) + b"".join(q(p) for p in params)
    assert FormattedText.parse(data, resources=table).params == params
    assert FormattedText.build({"format": 1, "params": params}, resources=table) == data
    # only 10 are marked; the 11th and 12th stay literal
    assert render(1, params, table) == " ".join(params[:10]) + " %q %q"


def test_unmarked_q_is_read_again_by_the_next_pass():
    table = table_of(r1="%q" * 11 + "%s", r2="!")
    params = [str(i) for i in range(11)] + [2, "again"]
    data = u32(1) + b"".join(q(p) for p in params[:11]) + u32(2) + q("again")
    assert FormattedText.parse(data, resources=table).params == params
    assert FormattedText.build({"format": 1, "params": params}, resources=table) == data
    assert render(1, params, table) == "".join(params[:10]) + "%q!"


def test_self_referencing_s_terminates():
    data = u32(6) + u32(6) * 10_000
    with pytest.raises(FormatStringError):
        FormattedText.parse(data, resources=NESTED)
    with pytest.raises(FormatStringError):
        FormattedText.build({"format": 6, "params": [6] * 500}, resources=NESTED)
    with pytest.raises(FormatStringError):
        render(6, [6] * 500, NESTED)


def test_doubling_s_is_bounded_by_maxmessage():
    start = time.perf_counter()
    with pytest.raises(FormatStringError):
        FormattedText.parse(u32(7) + u32(7) * 100_000, resources=NESTED)
    assert time.perf_counter() - start < 2


def test_message_size_limit():
    table = table_of(r1="%q%q")
    big = "x" * 3000
    with pytest.raises(FormatStringError, match="limit"):
        render(1, [big, big], table)
    with pytest.raises(FormatStringError):
        FormattedText.parse(u32(1) + q(big) + q(big), resources=table)
    assert len(render(1, [big, "y" * 1095], table)) == 4095


@pytest.mark.parametrize(
    "data, message",
    [
        (u32(999), "unknown format"),
        (u32(1) + u32(2) + u32(3) + u32(999), "unknown %s"),
        (u32(1) + u32(2) + u32(3), "truncated"),
        (u32(4) + s32(1) + b"\x05\x00ab", "truncated"),
        (b"\x01\x00", "truncated"),
    ],
)
def test_parse_errors(data, message):
    with pytest.raises(FormatStringError, match=message):
        FormattedText.parse(data, resources=NESTED)


def test_missing_table():
    with pytest.raises(FormatStringError, match="no resource table"):
        FormattedText.parse(u32(1))
    with pytest.raises(FormatStringError, match="no resource table"):
        FormattedText.build({"format": 1, "params": []})


@pytest.mark.parametrize(
    "params, message",
    [
        ([2, 3], "too few"),
        ([2, 3, 4, 1, "x", 9], "too many"),
        ([2, 3, 4, "1", "x"], "needs an int"),
        ([2, 3, 4, 1, 5], "needs a str"),
        ([2, 3, 4, 1 << 31, "x"], "not an s32"),
        ([-1, 3, 4, 1, "x"], "not a u32"),
        ([True, 3, 4, 1, "x"], "needs an int"),
        ([2, 3, 4, 1, "\u20ac"], "latin-1"),
        ([2, 3, 4, 1, "x" * 70000], "limit"),
        ("abc", "must be a list"),
    ],
)
def test_build_errors(params, message):
    with pytest.raises(FormatStringError, match=message):
        FormattedText.build({"format": 1, "params": params}, resources=NESTED)


def test_build_bad_shape():
    with pytest.raises(FormatStringError):
        FormattedText.build({"params": []}, resources=NESTED)
    with pytest.raises(FormatStringError):
        FormattedText.build(5, resources=NESTED)
    with pytest.raises(FormatStringError):
        FormattedText.build({"format": -1, "params": []}, resources=NESTED)


def test_nested_inside_structs_receives_table():
    message = Struct(
        "opcode" / Int8ul,
        "body" / Struct("object" / Int32ul, "inner" / Struct("text" / FormattedText)),
    )
    value = {"opcode": 32, "body": {"object": 7, "inner": {"text": {"format": 4, "params": [3, "you"]}}}}
    data = message.build(value, resources=NESTED)
    assert data == b"\x20" + u32(7) + u32(4) + s32(3) + q("you")
    parsed = message.parse(data, resources=NESTED)
    assert parsed.body.inner.text.params == [3, "you"]
    assert parsed.body.inner.text.format == 4
    with pytest.raises(FormatStringError):
        message.parse(data)


def test_error_is_a_construct_error():
    assert issubclass(FormatStringError, ConstructError)


def test_parse_speed():
    table = table_of(r1='%s%s says, "%s~n"', r2="a ", r3="orc", r4="%q")
    data = u32(1) + u32(2) + u32(3) + u32(4) + q("hello there, how are you doing today?")
    FormattedText.parse(data, resources=table)
    runs = 2000
    start = time.perf_counter()
    for _ in range(runs):
        FormattedText.parse(data, resources=table)
    per_call = (time.perf_counter() - start) / runs
    assert per_call < 200e-6  # typically ~20 us; loose bound for slow CI machines


# --- properties ------------------------------------------------------------------------

_literal = st.text(alphabet="ab ~n.,", min_size=1, max_size=4)
_FIELDS = ["%d", "%i", "%s", "%q", "%%", "%x", "%"]


def _texts(max_tokens: int) -> st.SearchStrategy[str]:
    return st.lists(st.one_of(_literal, st.sampled_from(_FIELDS)), max_size=max_tokens).map("".join)


@st.composite
def tables_and_values(draw):
    texts = {100 + i: draw(_texts(6)) for i in range(draw(st.integers(1, 6)))}
    table = ResourceTable.from_mapping(texts)
    ids = sorted(texts)
    format_id = draw(st.sampled_from(ids))

    def take(field):
        if field == "i":
            return draw(st.integers(-(1 << 31), (1 << 31) - 1))
        if field == "s":
            return draw(st.sampled_from(ids))
        return draw(st.text(st.characters(max_codepoint=255), max_size=6))

    params = []

    def recording(field):
        value = take(field)
        params.append(value)
        return value

    try:
        fs._expand(format_id, table, recording, want_text=False)
    except FormatStringError:
        assume(False)
    return table, {"format": format_id, "params": params}


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(tables_and_values())
def test_roundtrip_value(case):
    table, value = case
    data = FormattedText.build(value, resources=table)
    assert FormattedText.parse(data, resources=table) == value
    assert isinstance(render(value["format"], value["params"], table), str)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(1, 5), _texts(6)), min_size=1, max_size=5), st.integers(1, 5), st.binary(max_size=64))
def test_roundtrip_bytes_and_garbage(entries, format_id, tail):
    table = ResourceTable.from_mapping(dict(entries))
    data = u32(format_id) + tail
    try:
        value, used = decode_params(data, table)
    except FormatStringError:
        return
    assert FormattedText.build(value, resources=table) == data[:used]


@given(st.binary(max_size=64))
def test_random_bytes_only_raise_construct_errors(data):
    try:
        FormattedText.parse(data, resources=NESTED)
    except ConstructError:
        pass


def test_stream_position_after_parse():
    stream = io.BytesIO(u32(4) + s32(1) + q("z") + b"rest")
    FormattedText.parse_stream(stream, resources=NESTED)
    assert stream.read() == b"rest"
