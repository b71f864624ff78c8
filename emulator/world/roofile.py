"""The server's view of a ``.roo`` room file: header and the per-square movement grids.

Only the header and the server section are read (``resources-and-content.md`` §4, §9); the
client's BSP section is never looked at. Squares are addressed 1-based here, like the
protocol's rows and columns, and stored row-major 0-based.
"""

from __future__ import annotations

import struct
from pathlib import Path

import attrs

ROO_MAGIC = b"ROO\xb1"
MIN_VERSION = 4  # the server loader refuses anything older
MONSTER_GRID_VERSION = 12  # from this version on a monster move grid follows the flag grid
HEADER_SIZE = 20
MAX_CELLS = 1 << 22  # far above any stock room (a few thousand squares); bounds garbage sizes

WALKABLE = 0x01  # flag grid bit

# Move-grid bit per (row delta, col delta) of one step out of a square.
DIRECTION_BITS: dict[tuple[int, int], int] = {
    (-1, 0): 1,  # N
    (-1, 1): 2,  # NE
    (0, 1): 4,  # E
    (1, 1): 8,  # SE
    (1, 0): 16,  # S
    (1, -1): 32,  # SW
    (0, -1): 64,  # W
    (-1, -1): 128,  # NW
}


class RoomFileError(ValueError):
    """A ``.roo`` file the server cannot use; says which file and where it went wrong."""

    def __init__(self, name: str, offset: int, problem: str) -> None:
        super().__init__(f"{name}: at offset {offset}: {problem}")
        self.name = name
        self.offset = offset
        self.problem = problem


@attrs.frozen
class RoomGeometry:
    """Header values and the server's movement grids of one room file."""

    version: int
    security: int
    rows: int
    cols: int
    move_grid: bytes  # rows * cols, row-major; DIRECTION_BITS per square
    flag_grid: bytes  # rows * cols, row-major; WALKABLE bit per square
    monster_grid: bytes | None = None  # like move_grid, version >= 12 only

    def inside(self, row: int, col: int) -> bool:
        return 1 <= row <= self.rows and 1 <= col <= self.cols

    def walkable(self, row: int, col: int) -> bool:
        if not self.inside(row, col):
            return False
        return bool(self.flag_grid[(row - 1) * self.cols + col - 1] & WALKABLE)

    def can_step(
        self, from_row: int, from_col: int, to_row: int, to_col: int, monster: bool = False
    ) -> bool:
        """The server's step rule (``roomdata.c`` CanMoveInRoom), with 1-based squares.

        A target inside the grid must be walkable; from outside the grid anything goes;
        staying put is fine; a jump of more than one square counts as a teleport and is
        allowed (callers that care about speed check it themselves); a single step needs
        the source square's bit for that direction. ``monster`` uses the monster grid when
        the file has one.
        """
        # inside() and walkable() written out: every monster step, chase search and line of
        # sight asks this, square by square
        rows, cols = self.rows, self.cols
        if 1 <= to_row <= rows and 1 <= to_col <= cols and not self.flag_grid[(to_row - 1) * cols + to_col - 1] & WALKABLE:
            return False
        if not (1 <= from_row <= rows and 1 <= from_col <= cols):
            return True
        d_row, d_col = to_row - from_row, to_col - from_col
        if abs(d_row) > 1 or abs(d_col) > 1:
            return True
        if d_row == 0 and d_col == 0:
            return True
        grid = self.monster_grid if monster and self.monster_grid is not None else self.move_grid
        return bool(grid[(from_row - 1) * cols + from_col - 1] & DIRECTION_BITS[(d_row, d_col)])

    @classmethod
    def open_floor(
        cls,
        rows: int,
        cols: int,
        blocked: frozenset[tuple[int, int]] | set[tuple[int, int]] = frozenset(),
        version: int = 10,
        security: int = 0,
    ) -> RoomGeometry:
        """A synthetic room: every square walkable except ``blocked``, every step between
        walkable squares open (and steps out of the grid, so edge exits work)."""
        moves = bytearray(rows * cols)
        flags = bytearray(rows * cols)
        for row in range(1, rows + 1):
            for col in range(1, cols + 1):
                index = (row - 1) * cols + col - 1
                if (row, col) in blocked:
                    continue
                flags[index] = WALKABLE
                for (d_row, d_col), bit in DIRECTION_BITS.items():
                    target = (row + d_row, col + d_col)
                    outside = not (1 <= target[0] <= rows and 1 <= target[1] <= cols)
                    if outside or target not in blocked:
                        moves[index] |= bit
        monster = bytes(moves) if version >= MONSTER_GRID_VERSION else None
        return cls(version, security, rows, cols, bytes(moves), bytes(flags), monster)


def read_roo(data: bytes, name: str) -> RoomGeometry:
    """Parse a ``.roo`` file's header and server section; ``RoomFileError`` on anything bad."""
    if len(data) < HEADER_SIZE:
        raise RoomFileError(name, len(data), f"file is {len(data)} bytes, header needs {HEADER_SIZE}")
    if data[:4] != ROO_MAGIC:
        raise RoomFileError(name, 0, f"bad magic {data[:4].hex()}, expected {ROO_MAGIC.hex()}")
    version, security, _client_offset, server_offset = struct.unpack_from("<IIII", data, 4)
    if version < MIN_VERSION:
        raise RoomFileError(name, 4, f"version {version} is older than {MIN_VERSION}")
    if server_offset + 8 > len(data):
        raise RoomFileError(name, 16, f"server section offset {server_offset} is past the end")
    rows, cols = struct.unpack_from("<ii", data, server_offset)
    if rows <= 0 or cols <= 0 or rows * cols > MAX_CELLS:
        raise RoomFileError(name, server_offset, f"unusable grid size {rows} x {cols}")
    cells = rows * cols
    grid_count = 3 if version >= MONSTER_GRID_VERSION else 2
    start = server_offset + 8
    if start + grid_count * cells > len(data):
        raise RoomFileError(
            name, start, f"{grid_count} grids of {rows} x {cols} need {grid_count * cells} bytes, "
            f"{len(data) - start} left"
        )
    move_grid = bytes(data[start : start + cells])
    flag_grid = bytes(data[start + cells : start + 2 * cells])
    monster_grid = bytes(data[start + 2 * cells : start + 3 * cells]) if grid_count == 3 else None
    return RoomGeometry(version, security, rows, cols, move_grid, flag_grid, monster_grid)


def load_roo(path: str | Path) -> RoomGeometry:
    """Read a room file from disk; an unreadable file is a ``RoomFileError`` at offset 0."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise RoomFileError(str(path), 0, f"cannot read: {error.strerror or error}") from error
    return read_roo(data, str(path))


def encode_roo(geometry: RoomGeometry, client_section: bytes = b"") -> bytes:
    """A minimal valid ``.roo`` for tests and tools: header, an opaque client section, then
    the server section. The security value is copied, not computed (only the client
    recomputes it, from a real BSP section)."""
    server_offset = HEADER_SIZE + len(client_section)
    header = ROO_MAGIC + struct.pack(
        "<IIII", geometry.version, geometry.security, HEADER_SIZE, server_offset
    )
    grids = geometry.move_grid + geometry.flag_grid
    if geometry.version >= MONSTER_GRID_VERSION:
        grids += geometry.monster_grid if geometry.monster_grid is not None else geometry.move_grid
    return header + client_section + struct.pack("<ii", geometry.rows, geometry.cols) + grids
