"""Poison (player.kod AddPoison, PoisonTimer; sickness/poison.kod MakePoisoned; cure
poison; resist poison): pure figures. A poisoning's strength (its loss rate) is in
ten-thousandths of a health point a second; the doses on a player add up."""

from __future__ import annotations

from emulator.rules.dice import Roll, div

__all__ = [
    "POISON_PERIOD_MS", "POISONED_VIGOR_LOSS", "cure", "health_after", "resisted",
]

#: player.kod PoisonTimer: the poison bites this often.
POISON_PERIOD_MS = 10_000
#: player.kod AddPoison: vigor a fresh poisoning takes at once.
POISONED_VIGOR_LOSS = 20
#: Each bite takes strength / this in health (10 s at 1/10000 a second).
_STRENGTH_PER_HEALTH = 1000


def health_after(health: int, strength: int) -> int:
    """PoisonTimer: health after one bite; poison never takes the last point."""
    return max(1, health - div(strength, _STRENGTH_PER_HEALTH))


def resisted(roll: Roll, chance: int) -> bool:
    """MakePoisoned: resist poison's chance in percent (its state) to shrug it off."""
    return chance > 0 and roll(1, 100) < chance


def cure(roll: Roll, rate: int, power: int) -> int:
    """curepoison.kod CastSpell: the dose's loss rate after a cure of ``power``; 0 when
    the dose is gone (a power-percent chance, or too little left to keep)."""
    after = rate - div(rate * power, 100)
    if roll(1, 100) < power or rate <= 100 or after < div(rate, 10) or after < 100:
        return 0
    return after
