"""The .roo reader: header, server grids, the step rule, and nothing but RoomFileError on bad input."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emulator.world.roofile import (
    DIRECTION_BITS,
    ROO_MAGIC,
    RoomFileError,
    RoomGeometry,
    encode_roo,
    load_roo,
    read_roo,
)


def test_round_trip_keeps_header_and_grids() -> None:
    room = RoomGeometry.open_floor(4, 6, blocked={(2, 3)}, version=10, security=0x899DEED0)
    data = encode_roo(room, client_section=b"\x00" * 37)
    assert data[:4] == ROO_MAGIC
    assert read_roo(data, "x.roo") == room


def test_version_12_has_a_monster_grid() -> None:
    room = RoomGeometry.open_floor(3, 3, version=12)
    read = read_roo(encode_roo(room), "m.roo")
    assert read.monster_grid == room.move_grid
    assert read_roo(encode_roo(RoomGeometry.open_floor(3, 3, version=11)), "o.roo").monster_grid is None


def test_load_roo_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "jasinn.roo"
    room = RoomGeometry.open_floor(5, 5, security=1234)
    path.write_bytes(encode_roo(room))
    assert load_roo(path) == room


def test_missing_file_is_a_room_file_error(tmp_path: Path) -> None:
    with pytest.raises(RoomFileError) as caught:
        load_roo(tmp_path / "nowhere.roo")
    assert "nowhere.roo" in str(caught.value)


@pytest.mark.parametrize(
    ("data", "offset"),
    [
        (b"ROO", 3),  # shorter than the header
        (b"XOO\xb1" + bytes(16), 0),  # bad magic
        (ROO_MAGIC + struct.pack("<IIII", 3, 0, 20, 20) + bytes(8), 4),  # too old
        (ROO_MAGIC + struct.pack("<IIII", 10, 0, 20, 999), 16),  # server offset past the end
        (ROO_MAGIC + struct.pack("<IIII", 10, 0, 20, 20) + struct.pack("<ii", 0, 5), 20),  # empty grid
        (ROO_MAGIC + struct.pack("<IIII", 10, 0, 20, 20) + struct.pack("<ii", -2, 5), 20),
        (ROO_MAGIC + struct.pack("<IIII", 10, 0, 20, 20) + struct.pack("<ii", 2, 2) + bytes(7), 28),  # short grids
        (ROO_MAGIC + struct.pack("<IIII", 12, 0, 20, 20) + struct.pack("<ii", 2, 2) + bytes(8), 28),  # no monster grid
    ],
)
def test_bad_files_name_file_and_offset(data: bytes, offset: int) -> None:
    with pytest.raises(RoomFileError) as caught:
        read_roo(data, "bad.roo")
    assert caught.value.name == "bad.roo"
    assert caught.value.offset == offset
    assert str(caught.value).startswith("bad.roo: at offset")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_garbage_only_ever_raises_room_file_error(data: bytes) -> None:
    try:
        read_roo(data, "g.roo")
    except RoomFileError:
        pass


@settings(max_examples=300, deadline=None)
@given(
    version=st.integers(0, 20),
    rows=st.integers(-3, 6),
    cols=st.integers(-3, 6),
    server_offset=st.integers(0, 40),
    tail=st.binary(max_size=120),
)
def test_plausible_headers_only_ever_raise_room_file_error(
    version: int, rows: int, cols: int, server_offset: int, tail: bytes
) -> None:
    data = ROO_MAGIC + struct.pack("<IIII", version, 7, 20, server_offset) + struct.pack("<ii", rows, cols) + tail
    try:
        room = read_roo(data, "p.roo")
    except RoomFileError:
        return
    assert len(room.move_grid) == len(room.flag_grid) == room.rows * room.cols


# ---------------------------------------------------------------------------- the step rule


def corridor() -> RoomGeometry:
    """3 x 3; the centre column is a wall except for the middle square, whose east step is closed."""
    room = RoomGeometry.open_floor(3, 3, blocked={(1, 2), (3, 2)})
    moves = bytearray(room.move_grid)
    moves[1 * 3 + 1] &= ~DIRECTION_BITS[(0, 1)] & 0xFF  # (2, 2) may not step east
    return RoomGeometry(room.version, room.security, 3, 3, bytes(moves), room.flag_grid)


def test_staying_put_is_always_fine() -> None:
    assert corridor().can_step(2, 2, 2, 2)


def test_target_must_be_walkable() -> None:
    room = corridor()
    assert not room.can_step(1, 1, 1, 2)
    assert not room.can_step(2, 1, 1, 2)
    assert room.can_step(2, 1, 2, 2)


def test_source_direction_bit_decides_single_steps() -> None:
    room = corridor()
    assert not room.can_step(2, 2, 2, 3)  # east bit cleared
    assert room.can_step(2, 3, 2, 2)  # west from the other side is open


def test_jumps_count_as_teleports_and_outside_sources_are_free() -> None:
    room = corridor()
    assert room.can_step(1, 1, 1, 3)  # two squares: teleport
    assert not room.can_step(1, 1, 3, 2)  # but never onto a wall
    assert room.can_step(0, 1, 1, 1)  # from outside the grid


def test_monster_grid_is_used_when_asked() -> None:
    room = RoomGeometry.open_floor(2, 2, version=12)
    closed = RoomGeometry(12, 0, 2, 2, room.move_grid, room.flag_grid, bytes(4))
    assert closed.can_step(1, 1, 1, 2)
    assert not closed.can_step(1, 1, 1, 2, monster=True)
