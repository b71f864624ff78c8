"""Holding, blinding and turning (the hinder family: flash, holy symbol, bait, Kara'hol's
curse, hold, the basilisk's gaze, blind, dazzle, umbrella, final rites, illusionary wounds):
the chances, times and amounts by the power, as the original's handlers compute them.
Numbers that live only in the original's code are named here with the handler they come
from."""

from __future__ import annotations

from emulator.rules.dice import Roll, bound, div

__all__ = [
    "FLASH_HOLD_MS", "FLASH_WHITEOUT_MS", "HATE_MARGIN", "bait_chance", "flash_chance", "hold_duration_ms",
    "gaze_hold_ms", "illusionary_base", "illusionary_loss", "illusionary_ms", "UMBRELLA_FACTOR", "UMBRELLA_DEFENSE", "final_rites_damage", "umbrella_warded", "blind_seconds", "dazzle_seconds", "eagle_eyes_evade_chance", "eagle_eyes_shortened", "karahol_damage_bonus", "karahol_duration_ms", "karahol_hold_ms", "karahol_offense", "turn_chance", "turned_ms",
]

#: flash.kod CastSpell: how long the white flash fills a player's screen, and how long a
#: monster it catches stands still (its DoHold of one second).
FLASH_WHITEOUT_MS = 750
FLASH_HOLD_MS = 1000

#: holysymb.kod: a roll this far past the chance makes the undead hate the caster.
HATE_MARGIN = 25

#: monster.kod TurnedBy: a turned undead stays turned this long, divided by its difficulty.
TURN_TIME_MS = 9 * 60 * 1000


def flash_chance(power: int) -> int:
    """flash.kod CastSpell: the percent chance the flash catches each one in the room."""
    return 33 + div(2 * power, 3)


def turn_chance(power: int, base_max_health: int, level: int, karma: int, monster_karma: int, has_target: bool) -> int:
    """holysymb.kod CastSpell: the chance (2 to 98) an undead monster is turned; one that
    already chases someone is harder to turn."""
    chance = div(power * 3, 4) + (base_max_health - div(level, 2)) + (karma - monster_karma)
    if has_target:
        chance -= 5
    return bound(chance, 2, 98)


def turned_ms(difficulty: int) -> int:
    """monster.kod TurnedBy: how long the undead keeps away from the one who turned it."""
    return div(TURN_TIME_MS, max(1, difficulty))


def bait_chance(power: int, has_target: bool, troop: bool) -> int:
    """bait.kod CastSpell: a monster falls for the bait when a 1..100 roll is below this;
    one chasing someone already, or a faction's troop (player-like), falls less."""
    base, modifier = 25, 2 if not has_target else 4
    if troop:
        base, modifier = 0, modifier + 4
    return base + div(power, modifier)


def karahol_duration_ms(power: int) -> int:
    """karahol.kod GetDuration: the whole time, not drawn."""
    return (40 + div(power, 2)) * 1000


def karahol_offense(power: int) -> int:
    """karahol.kod ModifyHitRoll: what it adds to its bearer's hit roll."""
    return 100 + power * 2


def karahol_damage_bonus(roll: Roll, power: int) -> int:
    """karahol.kod ModifyDamage: what it adds to a landed blow."""
    return 1 + roll(0, div(power, 20))


def karahol_hold_ms(power: int) -> int:
    """karahol.kod EndEnchantment: the hold at its end lasts a sixth of its time."""
    return div(karahol_duration_ms(power), 6)


def hold_duration_ms(roll: Roll, power: int) -> int:
    """hold.kod GetDuration: between half and all of 2 s plus 40 ms a point of power."""
    whole = 2000 + 40 * power
    return roll(div(whole, 2), whole)


#: blind.kod DoBlind and Dazzle.kod DoDazzle: the bounds of their time, in seconds.
BLIND_SECONDS = (3, 20)
DAZZLE_SECONDS = (3, 15)
#: Dazzle.kod EndEnchantment: the pain a dazzled player's eyes show when it ends.
DAZZLE_PAIN_MS = 8000
#: user.kod UserMove: a blind player's step turns it aside (up to this angle either way,
#: of 4096) with this percent chance (a 1..100 roll below it).
STUMBLE_ANGLE = 256
STUMBLE_CHANCE = 30
#: Eagleyes.kod: the percent (of its strength) it repels a blinding spell outright.
EAGLE_EYES_RESIST_PERCENT = 5


def blind_seconds(roll: Roll, power: int) -> int:
    """blind.kod GetDuration (DoBlind bounds it by BLIND_SECONDS after eagle eyes)."""
    whole = 5 + div(power, 6)
    return roll(div(whole, 2), whole)


def dazzle_seconds(power: int, caster_karma: int, target_karma: int) -> int:
    """Dazzle.kod GetDuration: by the power and how much better the caster's soul is."""
    return bound(div(power, 12) + div(caster_karma - target_karma, 20), *DAZZLE_SECONDS)


def eagle_eyes_evade_chance(strength: int, factor: int, resist_percent: int = EAGLE_EYES_RESIST_PERCENT) -> int:
    """Eagleyes.kod DoEagleEyes: the chance (a 0..100 roll at most this) it repels a
    blinding spell outright; ``factor`` is the spell's (dazzle's 2)."""
    return div(strength * resist_percent * factor, 100)


def eagle_eyes_shortened(seconds: int, strength: int) -> int:
    """Eagleyes.kod DoEagleEyes: a blinding it does not repel lasts up to half less."""
    return seconds - div(seconds * strength, 200)


#: umbrella.kod viDefensePowerIncrease and viDamageReduction_Factor (the import reads both).
UMBRELLA_DEFENSE = 250
UMBRELLA_FACTOR = 10


def umbrella_warded(damage: int, power: int, factor: int = UMBRELLA_FACTOR) -> int:
    """umbrella.kod ModifyDefenseDamage: an undead's blow less a part by the power, at least 1."""
    return bound(damage - div(damage * div(power, 20), factor), 1, damage)


def final_rites_damage(roll: Roll, power: int, caster_karma: int, undead_karma: int) -> int:
    """finlrite.kod CastSpell: what the holy dust does to each undead."""
    return roll(1, 5) + div(power, 20) + 2 * div(caster_karma - undead_karma, 40)


def illusionary_loss(power: int, health: int, max_health: int, base: int) -> int:
    """illwound.kod GetHPLoss: the wounds, by the power, no more than a third of the most
    and always one point short of death. ``base``: :func:`illusionary_base`."""
    loss = div(base * power, 100)
    loss = bound(loss, 0, div(max_health, 3))
    return bound(loss, 0, health - 1)


def illusionary_base(intellect: int | None, difficulty: int = 0) -> int:
    """illwound.kod GetHPLoss: a player's wounds by its intellect (the sharper, the fewer),
    a monster's by its difficulty (None intellect)."""
    if intellect is not None:
        return 17 + div(50 - intellect, 10)
    return 30 - bound(difficulty * 2, 1, 20)


def illusionary_ms(power: int) -> int:
    """illwound.kod GetDuration: how long until the wounds are seen for what they are."""
    return bound(20000 + power * 750, 20000, 80000)


#: gaze.kod ModifyDefensePower: the hold on one who meets the gaze, per point of power
#: (drawn between these), and its bounds in milliseconds; a ranged weapon's wielder is
#: spared half the time.
GAZE_MS_PER_POWER = (20, 25)
GAZE_HOLD_BOUNDS = (500, 2500)
GAZE_RANGED_SPARED = 50


def gaze_hold_ms(roll: Roll, power: int) -> int:
    """How long the gaze holds one who attacks its bearer."""
    return bound(power * roll(*GAZE_MS_PER_POWER), *GAZE_HOLD_BOUNDS)
