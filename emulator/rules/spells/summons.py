"""Figures of the summoning spells that live only in the original's code (apparitn.kod)."""

from __future__ import annotations

from emulator.rules.dice import Roll

__all__ = ["APPARITION_HEALTH_DIVISOR", "APPARITION_ROOM_MONSTERS", "apparition_kind", "apparition_kinds"]

#: An apparition's max hit points are its kind's divided by this (apparitn.kod CastSpell).
APPARITION_HEALTH_DIVISOR = 5
#: No apparition where more monsters than this are (apparitn.kod CanPayCosts).
APPARITION_ROOM_MONSTERS = 15

#: A reflection's upkeep: this much of its caster's mana every this many milliseconds
#: (reflectn.kod MANA_DRAIN_AMOUNT, MANA_DRAIN_DELAY).
REFLECTION_DRAIN_MANA = 1
REFLECTION_DRAIN_MS = 8_000
#: No reflection where more monsters, or more reflections, than these are (summrefl.kod CanPayCosts).
REFLECTION_ROOM_MONSTERS = 25
REFLECTION_ROOM_REFLECTIONS = 10
#: A reflection's hit points: its power divided by this, at least 1 (reflectn.kod SetOriginal).
REFLECTION_HEALTH_DIVISOR = 5

#: Outside a room with monsters of its own, the creature is drawn by power band: each band's
#: (exclusive upper bound of a 1..60 roll, kind) steps, the last kind for the rest
#: (apparitn.kod CreateRandomMonster).
_BANDS: tuple[tuple[int, tuple[tuple[int, str], ...], str], ...] = (
    (35, ((5, "scorpion"), (15, "spider"), (35, "spiderbaby")), "giantrat"),
    (66, ((5, "redant"), (15, "slime"), (35, "spiderbaby")), "centipede"),
    (10_000, ((5, "troll"), (15, "fungusbeast"), (35, "redant")), "slime"),
)


def apparition_kind(power: int, roll: Roll) -> str:
    """The kind of creature an apparition takes where the room has no monsters of its own."""
    die = roll(1, 60)
    for below_power, steps, rest in _BANDS:
        if power < below_power:
            for below, kind in steps:
                if die < below:
                    return kind
            return rest
    return "giantrat"


def apparition_kinds() -> set[str]:
    """Every kind :func:`apparition_kind` may draw (the import checks them)."""
    return {kind for _, steps, rest in _BANDS for kind in (rest, *(k for _, k in steps))} | {"giantrat"}


#: Every this many milliseconds a seduced monster's spell is renewed or ends (seduce.kod viDrainTime).
SEDUCE_PERIOD_MS = 2_000
#: The renewal costs the caster the monster's level divided by this in mana (seduce.kod EndEnchantment).
SEDUCE_MANA_LEVEL_DIVISOR = 10


def seduce_roll(max_health: int, intellect: int, power: int, roll: Roll) -> int:
    """How strongly the caster's will reaches for a monster's (seduce.kod CastSpell): half
    its max health, its intellect and 0..25, weighed by the power bound to 25..100
    percent, at most twice its max health. It takes a monster of fewer hit points."""
    strength = (max_health // 2 + intellect + roll(0, 25)) * max(25, min(power, 100)) // 100
    return max(0, min(strength, max_health * 2))
