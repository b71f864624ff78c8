"""Formulas of the personal family's sicknesses (enfeeble and vertigo's palsy, dement's
dementia, vertigo on a player): how much each takes and, for vertigo, how long it lasts.
The import checks them against the original's handlers before it makes a spell castable."""

from __future__ import annotations

from emulator.rules.dice import div

__all__ = ["PALSY_DIVISOR", "PALSY_SHARE", "sickness_amount", "vertigo_amount", "vertigo_whole_ms"]


def sickness_amount(power: int) -> int:
    """enfeeble.kod, dement.kod: the might or intellect a sickness takes, a third of the power and one."""
    return div(power, 3) + 1


def vertigo_amount(power: int) -> int:
    """Vertigo.kod GetAmount: the agility, might and aim a player loses."""
    return 15 + div(power, 10)


def vertigo_whole_ms(power: int) -> int:
    """Vertigo.kod GetDuration: the longest it lasts (it lasts between half and all of it)."""
    return (10 + div(power, 2)) * 250


#: monster.kod GetOffense, GetDamage: a palsied monster strikes at three quarters.
PALSY_SHARE, PALSY_DIVISOR = 3, 4


#: dishonor.kod CastSpell: the exertion an evil target is given (twenty points of vigor).
DISHONOR_EXERTION = 200_000
#: player.kod SetVigorRestThreshold: the rest threshold's bounds.
REST_THRESHOLD_BOUNDS = (10, 100)


def dishonor_threshold_drop(karma: int, threshold: int, lowest: int, max_evil: int) -> int:
    """dishonor.kod CastSpell: how far an evil target's rest threshold falls, the more the
    more evil, never below ``lowest`` (0 for one not evil)."""
    if karma >= 0:
        return 0
    drop = div(karma * (threshold - lowest), max_evil)
    return threshold - lowest if threshold - drop < lowest else drop
