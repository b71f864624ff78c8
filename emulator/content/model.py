"""The validated shape of world content, as the simulator consumes it.

Positions are in the protocol's fine units: ``row * 64 + fine`` with 1-based rows and
columns and ``fine`` in 0..63, so the centre of square (row, col) is
``(row * 64 + 32, col * 64 + 32)``. Angles are 0..4095 (4096 = 360 degrees).
Texts (names, descriptions, file names) are plain strings here; the server gives them
resource ids when it loads them.
"""

from __future__ import annotations

from enum import Enum

import attrs

FINENESS = 64


def square_centre(row: int, col: int) -> tuple[int, int]:
    """Fine (y, x) of the centre of a 1-based square."""
    return row * FINENESS + FINENESS // 2, col * FINENESS + FINENESS // 2


def square_of(y: int, x: int) -> tuple[int, int]:
    """1-based (row, col) of a fine position."""
    return y // FINENESS, x // FINENESS


class Edge(Enum):
    """A side of a room's grid; walking past it can lead to another room."""

    NORTH = "north"  # row 0
    SOUTH = "south"  # row rows + 1
    WEST = "west"  # col 0
    EAST = "east"  # col cols + 1


@attrs.frozen
class Placement:
    """Where something stands: room key, square, facing."""

    room: str
    row: int
    col: int
    angle: int = 0


@attrs.frozen
class Exit:
    """A way out of a room.

    ``square`` exits are used with BP_REQ_GO while standing on (row, col); ``edge`` exits
    when a move request steps past that side of the grid.
    """

    target: Placement
    row: int | None = None
    col: int | None = None
    edge: Edge | None = None


@attrs.frozen
class RoomDefinition:
    key: str
    name: str
    roo_file: str  # the stock client's room file, e.g. "jasinn.roo"
    rows: int
    cols: int
    background: str = ""  # sky .bgf, "" for none
    ambient_light: int = 128  # 0..255
    player_light: int = 48
    music: str = ""  # .mid, "" for silence
    security: int | None = None  # .roo header value when the file itself is not available
    exits: tuple[Exit, ...] = ()
    spawns: tuple[Placement, ...] = ()
    source: str = ""  # "file:line" for messages to the operator


@attrs.frozen
class ObjectKind:
    key: str
    name: str
    icon: str  # .bgf
    description: str
    flags: int = 0  # OF_* bits (protocol_specs.opcodes / proto.h)
    wanders: bool = False  # moves about on its own while the world ticks
    source: str = ""


@attrs.frozen
class PlacedObject:
    key: str  # stable identity, survives restarts and edits of other entries
    kind: str
    at: Placement
    source: str = ""


@attrs.frozen
class WorldDefinition:
    rooms: dict[str, RoomDefinition]
    kinds: dict[str, ObjectKind]
    objects: tuple[PlacedObject, ...]
    start: Placement  # where new characters appear
    motd: str = ""
    player_icon: str = ""  # .bgf of player bodies
