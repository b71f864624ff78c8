"""The table of declared messages: (mode, direction, opcode) -> construct schema.

Schema modules call :func:`define` for every message they declare and :func:`gap` for
every opcode that deliberately has no schema in a direction, with the reason. Nothing
else is accepted by the codec: an opcode that is neither defined nor listed as a gap
is an unknown opcode.
"""

from __future__ import annotations

import enum
from enum import IntEnum

import attrs
from construct import Construct, Struct


class Mode(enum.Enum):
    """Which opcode table a connection is using."""

    LOGIN = "login"
    GAME = "game"


class Direction(enum.Enum):
    CLIENT_TO_SERVER = "c2s"
    SERVER_TO_CLIENT = "s2c"


C2S = Direction.CLIENT_TO_SERVER
S2C = Direction.SERVER_TO_CLIENT
LOGIN = Mode.LOGIN
GAME = Mode.GAME


@attrs.frozen
class MessageSpec:
    """One message: where it travels, its opcode and name, and the schema of its body.

    ``body`` covers the payload after the opcode byte.
    """

    mode: Mode
    direction: Direction
    opcode: int
    name: str
    body: Construct = attrs.field(eq=False, repr=False)
    note: str = ""


@attrs.frozen
class Gap:
    """An opcode that has no schema in one direction, and why."""

    mode: Mode
    direction: Direction
    opcode: int
    name: str
    reason: str


_specs: dict[tuple[Mode, Direction, int], MessageSpec] = {}
_specs_by_name: dict[tuple[Mode, Direction, str], MessageSpec] = {}
_gaps: dict[tuple[Mode, Direction, int], Gap] = {}


def define(
    mode: Mode,
    direction: Direction,
    opcode: IntEnum,
    body: Construct | None = None,
    note: str = "",
) -> MessageSpec:
    """Declare the schema of one message; ``body=None`` means the opcode alone."""
    key = (mode, direction, int(opcode))
    if key in _specs or key in _gaps:
        raise ValueError(f"{opcode.name} {direction.value} declared twice")
    spec = MessageSpec(mode, direction, int(opcode), opcode.name, body if body is not None else Struct(), note)
    _specs[key] = spec
    _specs_by_name[(mode, direction, opcode.name)] = spec
    return spec


def gap(mode: Mode, direction: Direction, opcode: IntEnum, reason: str) -> Gap:
    """Record that ``opcode`` has no schema in ``direction``, with the reason."""
    key = (mode, direction, int(opcode))
    if key in _specs or key in _gaps:
        raise ValueError(f"{opcode.name} {direction.value} declared twice")
    entry = Gap(mode, direction, int(opcode), opcode.name, reason)
    _gaps[key] = entry
    return entry


def spec_for(mode: Mode, direction: Direction, opcode: int) -> MessageSpec | None:
    return _specs.get((mode, direction, opcode))


def spec_named(mode: Mode, direction: Direction, name: str) -> MessageSpec | None:
    return _specs_by_name.get((mode, direction, name))


def gap_for(mode: Mode, direction: Direction, opcode: int) -> Gap | None:
    return _gaps.get((mode, direction, opcode))


def all_specs() -> list[MessageSpec]:
    return list(_specs.values())


def all_gaps() -> list[Gap]:
    return list(_gaps.values())
