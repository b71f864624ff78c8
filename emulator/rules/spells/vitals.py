"""Spells that move health, mana or vigor: minor heal (heal.kod) and the gifts of one's
own to another player: breath of life (brthlife.kod), mystic touch (mysttch.kod) and
relay (relay.kod). Each has a check of the target before the cast (its CanPayCosts) and
the amount it moves."""

from __future__ import annotations

import enum

import attrs

from emulator.rules.dice import Roll, bound, div
from emulator.rules.vitals import EXERTION_PER_VIGOR

__all__ = ["Refusal", "Vitals", "gift_refusal", "give_health", "give_mana", "give_vigor", "heal_amount", "heal_refusal"]

MANA_GIFT_CEILING = 75  # mystic touch: no target past this much mana
MANA_KEPT = 5  # mystic touch: the caster needs more than the spell's mana and this
HEALTH_GIFT_CEILING = 130  # breath of life: no target past this much health
HEALTH_KEPT = 10  # breath of life: the caster keeps at least this
VIGOR_GIFT_CEILING = 150  # relay: no target past this much vigor
VIGOR_KEPT = 15  # relay: the caster needs more than this
VIGOR_LEFT = 10  # relay: what the caster keeps


class Refusal(str, enum.Enum):
    """Why the spell was not cast on that target (the spell's own words, by purpose)."""

    BAD_TARGET = "bad_target"  # not a player (spell.kod's words)
    NOT_ON_SELF = "not_on_self"
    TOO_LOW = "too_low"  # the caster has too little to give
    UNNECESSARY = "unnecessary"  # the target needs none (named)


@attrs.frozen
class Vitals:
    """What these spells read of a player."""

    health: int
    max_health: int
    mana: int
    max_mana: int
    vigor: int
    karma: int = 0
    pkill_enabled: bool = False


def heal_refusal(target: Vitals | None) -> Refusal | None:
    """Minor heal: a player, and one not already at full health."""
    if target is None:
        return Refusal.BAD_TARGET
    if target.health >= target.max_health:
        return Refusal.UNNECESSARY
    return None


def heal_amount(roll: Roll, power: int, target: Vitals) -> int:
    """Health minor heal restores: 1 to 5, more with the power and the target's karma,
    within 1 and 10; a player not yet open to player killing gets 2 to 5 more."""
    amount = bound(roll(1, 5) + div(power + 1, 20) + div(target.karma, 20), 1, 10)
    if not target.pkill_enabled:
        amount += roll(2, 5)
    return amount


def gift_refusal(effect: str, mana: int, caster: Vitals, target: Vitals | None, on_self: bool) -> Refusal | None:
    """The gifts' checks, in the original's order: a player, not the caster, a caster with
    enough to give, a target with room for it. ``mana`` is the spell's own mana."""
    if target is None:
        return Refusal.BAD_TARGET
    if on_self:
        return Refusal.NOT_ON_SELF
    if effect == "give_mana":
        if caster.mana <= mana + MANA_KEPT:
            return Refusal.TOO_LOW
        if target.mana >= div(target.max_mana * 3, 2) or target.mana >= MANA_GIFT_CEILING:
            return Refusal.UNNECESSARY
    elif effect == "give_health":
        if caster.health <= HEALTH_KEPT:
            return Refusal.TOO_LOW
        if target.health >= div(target.max_health * 3, 2) or target.health >= HEALTH_GIFT_CEILING:
            return Refusal.UNNECESSARY
    elif effect == "give_vigor":
        if caster.vigor <= VIGOR_KEPT:
            return Refusal.TOO_LOW
        if target.vigor >= VIGOR_GIFT_CEILING:
            return Refusal.UNNECESSARY
    return None


def give_mana(power: int, mana: int, caster: Vitals, target: Vitals) -> int:
    """Mana mystic touch moves (after the spell's cost is paid): a share of the caster's
    mana growing with the power (10 to 55%), never taking it below the spell's mana, nor
    the target past one and a half its max or the ceiling."""
    percent = bound(div(power, 2), 10, 55)
    amount = bound(div(caster.mana * percent, 100), 1, None)
    amount = min(amount, caster.mana - mana)
    amount = min(amount, div(target.max_mana * 3, 2) - target.mana)
    return min(amount, MANA_GIFT_CEILING - target.mana)


def give_health(power: int, caster: Vitals, target: Vitals) -> tuple[int, int]:
    """(health the caster loses, health the target gains) for breath of life: a share of
    the caster's health by the target's karma (10 to 80%), the caster keeping 10; the
    target gains 75% of it and more with the power, up to one and a half its max and
    the ceiling."""
    percent = bound(target.karma, 10, 80)
    lost = bound(div(caster.health * percent, 100), None, caster.health - HEALTH_KEPT)
    gained = div(lost * (75 + div(power, 2)), 100)
    gained = bound(gained, None, div(target.max_health * 3, 2) - target.health)
    gained = bound(gained, None, HEALTH_GIFT_CEILING - target.health)
    return lost, gained


def give_vigor(power: int, caster: Vitals, target: Vitals) -> tuple[int, int]:
    """(exertion the caster takes, exertion the target sheds) for relay: the power in vigor
    points, the caster keeping 10, the target stopping at the ceiling; the target gets a
    quarter more than the caster gives."""
    amount = min(power, caster.vigor - VIGOR_LEFT)
    amount = min(amount, VIGOR_GIFT_CEILING - target.vigor)
    exertion = amount * EXERTION_PER_VIGOR
    return exertion, div(5 * exertion, 4)
