"""Spells that strike everyone around the caster: mana bomb (manabomb.kod) and earthquake
(earthqua.kod). Pure figures of the power, the distances and the draws."""

from __future__ import annotations

from emulator.rules.dice import Roll, div

__all__ = ["earthquake_damage", "earthquake_severity", "mana_bomb_burn", "mana_bomb_reach", "within_reach"]


def mana_bomb_reach(power: int, base: int, per: int) -> int:
    """How far (squares) mana bomb reaches: ``base`` and a square per ``per`` of power
    (GetTargets: EnchantAllInRange's range)."""
    return base + div(power, per)


def within_reach(d_row: int, d_col: int, reach: int) -> bool:
    """EnchantAllInRange: strictly closer than the reach, squared."""
    return d_row * d_row + d_col * d_col < reach * reach


def mana_bomb_burn(caster_mana: int, power: int) -> int:
    """What mana bomb takes from each other one: half the caster's mana, raised by the
    power in percent."""
    half = div(caster_mana, 2)
    return half + div(half * power, 100)


def earthquake_severity(power: int, per: int) -> int:
    """One, and one more per ``per`` of power."""
    return 1 + div(power, per)


def earthquake_damage(roll: Roll, low: int, high: int, severity: int, distance_squared: int, full: int, zero: int) -> int:
    """ComputeDamage: a draw times the severity, whole within ``full`` squares, nothing past
    ``zero``, falling off with the squared distance between."""
    percent = 100
    if distance_squared > full * full:
        if distance_squared > zero * zero:
            percent = 0
        else:
            percent = div(100 * (zero * zero - distance_squared), zero * zero - full * full)
    return div(roll(low, high) * severity * percent, 100)
