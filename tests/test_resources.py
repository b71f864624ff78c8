"""Resource table and ``.rsc`` files (``emulator.resources``)."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emulator.resources import (
    MAX_TEXT_LEN,
    MIN_DYNAMIC_RSC,
    ResourceFileError,
    ResourceTable,
    RscFile,
    decode_rsc,
    encode_rsc,
    load_resources,
    read_rsc,
    write_rsc,
)

CAPTURE_TSV = Path("/work/shared/captures/resources.tsv")


def rsc_image(entries, version=4, magic=b"RSC\x01", count=None):
    body = b"".join(struct.pack("<I", i) + t.encode("latin-1") + b"\0" for i, t in entries)
    return magic + struct.pack("<Ii", version, len(entries) if count is None else count) + body


def test_encode_matches_hand_layout():
    entries = [(20001, "Yonder Inn of Jasper"), (20002, "caf\xe9"), (7, "")]
    assert encode_rsc(entries) == rsc_image(entries)
    assert decode_rsc(rsc_image(entries)) == entries


def test_write_read_roundtrip(tmp_path):
    entries = [(25624, 'You say, "%q~n"'), (25655, "Might"), (1, "\xff\x80 latin")]
    path = tmp_path / "user.rsc"
    write_rsc(path, entries)
    assert read_rsc(path) == entries
    table = load_resources(path)
    assert table.text(25624) == 'You say, "%q~n"'
    assert table.file_of(25655) == "user.rsc"


def test_trailing_bytes_are_ignored_like_the_client():
    assert decode_rsc(rsc_image([(1, "a")]) + b"junk") == [(1, "a")]


@pytest.mark.parametrize(
    "data, fragment",
    [
        (b"", "header"),
        (b"RSC\x02" + b"\0" * 8, "magic"),
        (rsc_image([], version=5), "version 5"),
        (rsc_image([], count=-1), "negative"),
        (rsc_image([(1, "a")], count=2), "entry 1"),
        (rsc_image([(1, "a")])[:-1], "NUL"),
        (rsc_image([(1, "x" * (MAX_TEXT_LEN + 1))]), "longer"),
    ],
)
def test_bad_files(data, fragment):
    with pytest.raises(ResourceFileError, match=fragment) as info:
        decode_rsc(data, "bad.rsc")
    assert "bad.rsc" in str(info.value)


def test_longest_text_accepted():
    entries = [(1, "x" * MAX_TEXT_LEN)]
    assert decode_rsc(encode_rsc(entries)) == entries
    with pytest.raises(ResourceFileError, match="limit"):
        encode_rsc([(1, "x" * (MAX_TEXT_LEN + 1))])


def test_error_names_file_and_offset(tmp_path):
    path = tmp_path / "broken.rsc"
    path.write_bytes(rsc_image([(1, "ab"), (2, "c")])[:-1])
    with pytest.raises(ResourceFileError) as info:
        read_rsc(path)
    err = info.value
    assert err.source == str(path) and err.entry == 1 and err.offset == 12 + 4 + 3 + 4


def test_writing_non_latin1_is_a_clear_error(tmp_path):
    table = ResourceTable()
    table.add(5, "price: 5\u20ac")
    with pytest.raises(ResourceFileError, match="latin-1") as info:
        table.write_rsc(tmp_path / "x.rsc")
    assert "id 5" in str(info.value)
    assert not (tmp_path / "x.rsc").exists()
    with pytest.raises(ResourceFileError, match="NUL"):
        encode_rsc([(1, "a\0b")])
    with pytest.raises(ResourceFileError, match="u32"):
        encode_rsc([(-1, "a")])


def test_folder_loading_alphabetical_override(tmp_path):
    write_rsc(tmp_path / "b.rsc", [(1, "from b"), (2, "only b")])
    write_rsc(tmp_path / "a.rsc", [(1, "from a"), (3, "only a")])
    write_rsc(tmp_path / "c.rsc", [(3, "from c")])
    (tmp_path / "notes.txt").write_text("ignored")
    table = load_resources(tmp_path)
    assert table.text(1) == "from b"
    assert table.text(2) == "only b"
    assert table.text(3) == "from c"
    assert table.file_of(3) == "c.rsc"
    assert table.text(4) is None


def test_folder_with_bad_file_names_it(tmp_path):
    write_rsc(tmp_path / "a.rsc", [(1, "ok")])
    (tmp_path / "b.rsc").write_bytes(b"nope")
    with pytest.raises(ResourceFileError, match="b.rsc"):
        load_resources(tmp_path)


def test_missing_path(tmp_path):
    with pytest.raises(ResourceFileError):
        load_resources(tmp_path / "missing.rsc")
    with pytest.raises(ResourceFileError):
        load_resources(tmp_path / "missing")


def test_tsv_from_captures(tmp_path):
    if not CAPTURE_TSV.exists():
        pytest.skip("shared captures not available")
    table = load_resources(CAPTURE_TSV)
    rows = CAPTURE_TSV.read_text(encoding="utf-8").splitlines()[1:]
    assert len(table) == len([r for r in rows if r.strip()])
    assert table.text(25624) == 'You say, "%q~n"'
    assert table.text(22251) == "Yonder Inn of Jasper"
    assert table.file_of(22251) == "jasinn.rsc"
    assert table.text(25715).startswith("Welcome to the world of Meridian 59!")
    # write one file's part back and read it again
    out = tmp_path / "user.rsc"
    table.write_rsc(out, "user.rsc")
    back = read_rsc(out)
    assert back == table.entries("user.rsc")
    assert all(table.file_of(i) == "user.rsc" for i, _ in back)
    assert (25624, 'You say, "%q~n"') in back


def test_tsv_errors(tmp_path):
    bad_header = tmp_path / "a.tsv"
    bad_header.write_text("id\tfile\n1\tx.rsc\t\"a\"\n")
    with pytest.raises(ResourceFileError, match="header"):
        load_resources(bad_header)
    bad_row = tmp_path / "b.tsv"
    bad_row.write_text('id\tfile\tstring_json\n1\tx.rsc\t"a"\nzz\tx.rsc\t"b"\n')
    with pytest.raises(ResourceFileError) as info:
        load_resources(bad_row)
    assert info.value.offset == 3


def test_dynamic_ids():
    table = ResourceTable()
    table.add(20001, "static")
    first = table.add_dynamic("User379577505")
    second = table.add_dynamic("another")
    assert (first, second) == (MIN_DYNAMIC_RSC, MIN_DYNAMIC_RSC + 1)
    assert table.is_dynamic(first) and not table.is_dynamic(20001)
    table.change_dynamic(first, "renamed")
    assert table.text(first) == "renamed"
    with pytest.raises(KeyError):
        table.change_dynamic(20001, "no")
    with pytest.raises(KeyError):
        table.change_dynamic(MIN_DYNAMIC_RSC + 50, "no")
    table.add(MIN_DYNAMIC_RSC + 10, "loaded from a save")
    assert table.add_dynamic("next") == MIN_DYNAMIC_RSC + 11
    assert table.file_of(first) is None


def test_add_validates():
    table = ResourceTable()
    with pytest.raises(ValueError):
        table.add(-1, "x")
    with pytest.raises(TypeError):
        table.add(1, b"x")


def test_table_serves_format_strings():
    from protocol_specs.format_string import FormattedText

    table = ResourceTable()
    table.add(1, "%s says %q")
    name = table.add_dynamic("Bob")
    data = FormattedText.build({"format": 1, "params": [name, "hi"]}, resources=table)
    assert FormattedText.parse(data, resources=table).params == [name, "hi"]


@settings(max_examples=200)
@given(st.lists(st.tuples(st.integers(0, 2**32 - 1), st.text(st.characters(min_codepoint=1, max_codepoint=255), max_size=20)), max_size=10))
def test_roundtrip_property(entries):
    image = encode_rsc(entries)
    assert decode_rsc(image) == entries
    parsed = RscFile.parse(image)
    assert [(e.id, e.text) for e in parsed.entries] == entries


@settings(max_examples=500)
@given(st.binary(max_size=80), st.booleans())
def test_random_bytes_only_raise_resource_file_error(data, with_header):
    if with_header:
        data = b"RSC\x01\x04\x00\x00\x00" + data
    try:
        entries = decode_rsc(data, "random.rsc")
    except ResourceFileError:
        return
    assert encode_rsc(entries) == data[: len(encode_rsc(entries))]
