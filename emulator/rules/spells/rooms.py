"""Room enchantments (roomench.kod and its spells): how long one lasts and what it adds to
the room, from the spell's power and the figures the import read of each spell's
GetDuration and CastSpell; the light a room shows with them."""

from __future__ import annotations

from emulator.rules.dice import Roll, div

__all__ = ["LIGHT_MAX", "LIGHT_MIN", "duration_ms", "line", "room_light"]

#: The bounds of a room's light as the client is told it (blakston.khd LIGHT_MIN, LIGHT_MAX).
LIGHT_MIN, LIGHT_MAX = 0, 255


def line(base: int, per: int, power: int) -> int:
    """A figure that is a straight line of the power: ``base + per * power``."""
    return base + per * power


def duration_ms(roll: Roll, base_ms: int, per_ms: int, power: int) -> int:
    """Between half and all of the whole time at ``power`` (each spell's GetDuration)."""
    whole = max(2, line(base_ms, per_ms, power))
    return roll(div(whole, 2), whole)


def room_light(base: int, added: int) -> int:
    """The room's light with what its enchantments add, within the client's bounds
    (room.kod GetRoomLight on a base moved by AddBaseLight)."""
    return max(LIGHT_MIN, min(LIGHT_MAX, base + added))
