"""Formulas of the personal family's wards (free action, eagle eyes, magic shield, armor of
Gort): the strength each keeps as its state, the fixed times of the shields, and what they
do in fights. Each number comes from the handler named beside it; the import checks the
state and time formulas against the original's handlers before it makes a spell castable."""

from __future__ import annotations

from collections.abc import Callable

from emulator.rules.dice import Roll, div

__all__ = [
    "EAGLE_EYES_RANGED_DAMAGE", "FIXED_DURATIONS", "FLAGS", "STATES", "deflects", "gort_damage", "magic_shield_defense",
]

MINUTE_MS = 60_000


def _bound(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


#: The enchantment's state (InitializeEnchantmentState), by effect: free action's and eagle
#: eyes' strength against holding and blinding, the shields' power.
STATES: dict[str, Callable[[int], int]] = {
    "free_action": lambda power: _bound(div(power, 2) + 5, 10, 50),  # freeact.kod
    "eagle_eyes": lambda power: _bound(power + 1, 10, 100),  # Eagleyes.kod
    "magic_shield": lambda power: power,  # mshield.kod
    "armor_of_gort": lambda power: power,  # gort.kod
    "deflect": lambda power: _bound(div(power * 3, 4), 10, 75),  # deflect.kod: the chance in percent
    "night_vision": lambda power: power + 50,  # nightv.kod: the light it gives
}

#: The shields last a fixed number of whole minutes (GetDuration, no random part).
FIXED_DURATIONS: dict[str, Callable[[int], int]] = {
    "magic_shield": lambda power: (1 + div(power + 5, 10)) * MINUTE_MS,  # mshield.kod
    "armor_of_gort": lambda power: (div(power, 8) + 1) * MINUTE_MS,  # gort.kod
}

#: The flags each sets for the code of others (the contracts' names).
FLAGS: dict[str, tuple[str, ...]] = {"free_action": ("free_action",), "eagle_eyes": ("eagle_eyes",)}


def deflects(roll: Roll, chance: int) -> bool:
    """deflect.kod TryDeflect: random(0, 100) below the chance."""
    return roll(0, 100) < chance


def magic_shield_defense(state: int) -> int:
    """mshield.kod ModifyDefensePower: 50 and twice the power added to the defence."""
    return 50 + 2 * state


#: Eagleyes.kod ModifyDamage: a blow of a ranged weapon does this much more.
EAGLE_EYES_RANGED_DAMAGE = 1


def gort_damage(damage: int, state: int, roll: Roll, *, spell: bool, typed: bool) -> int:
    """gort.kod ModifyDefenseDamage: a weapon's blow loses 1 to 4 (up to a 25th of the
    power) and does at most 15; a spell with a weapon's type loses half that, at most 20;
    a pure spell loses nothing, at most 25. Never less than 1."""
    absorbed = _bound(roll(0, div(state, 25)), 1, 4)
    most = 15
    if spell:
        absorbed, most = (div(absorbed, 2), 20) if typed else (0, 25)
    return _bound(damage - absorbed, 1, most)
