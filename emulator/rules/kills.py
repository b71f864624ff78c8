"""What a kill grants the killer: karma change and the chance of a max-health point.

Karma is kept as the original keeps it: a player's stored karma (piKarma) is in
hundredths of a point, within [-10000, 10000]; what players and monsters *show* (GetKarma)
is in whole points, -100..100. Kill karma is computed from shown karma and added to the
stored hundredths.
"""

from __future__ import annotations

import attrs

from .dice import Roll, bound, div

#: Stored karma limits, hundredths (player.kod NewKarma).
MAX_STORED_KARMA = 10000
MIN_STORED_KARMA = -10000

#: Kill swing factors (settings.kod; its Constructor raises the neutral swing from 2 to 3).
KILL_KARMA_SWING_PLAYER = 10
KILL_KARMA_SWING_MONSTER = 6
KILL_KARMA_SWING_NEUTRAL = 3
#: A monster kill, computed as a monster kill, moves karma by at most 1.5 points.
MONSTER_KILL_KARMA_LIMIT = 150

#: Below this base max health a player is a newbie (blakston.khd PKILL_ENABLE_HP).
PKILL_ENABLE_HP = 30
#: Base max health never goes below 20 nor above 150, nor above 100 + stamina
#: (player.kod GainBaseMaxHealth).
MIN_BASE_MAX_HEALTH = 20
MAX_BASE_MAX_HEALTH = 150


def shown_karma(stored_karma: int) -> int:
    """Whole-point karma from stored hundredths (player.kod GetKarma)."""
    return div(stored_karma, 100)


def add_karma(stored_karma: int, change: int) -> int:
    """Stored karma after adding ``change`` hundredths, kept in range (player.kod AddKarma, NewKarma)."""
    return bound(stored_karma + change, MIN_STORED_KARMA, MAX_STORED_KARMA)


def karma_change_from_act(doer_karma: int, act_karma: int, swing_factor: int = 1) -> int:
    """Karma change, in hundredths, for an act of karma ``act_karma`` (player.kod CalculateKarmaChangeFromAct).

    Neutral acts change nothing, nor do acts on the doer's side of zero that are milder than
    the doer. Otherwise the change grows with the cube of the gap, divided by
    ``11 - swing`` (swing 1..10; 10 applies it whole).
    """
    if act_karma == 0:
        return 0
    if (doer_karma > 0 and act_karma > 0 and doer_karma > act_karma) or (
        doer_karma < 0 and act_karma < 0 and doer_karma < act_karma
    ):
        return 0
    gap = doer_karma - act_karma
    change = -(div(gap * gap * gap, 2500) + 5 * gap)
    return div(change, 11 - bound(swing_factor, 1, 10))


def karma_change_from_kill(
    killer_karma: int,
    victim_karma: int | None,
    victim_is_monster: bool = False,
    chaos_night: bool = False,
    no_karma_room: bool = False,
) -> int:
    """Karma change, in hundredths, for killing a victim of shown karma ``victim_karma``.

    player.kod CalculateKarmaChangeFromKill: killing is an act of the victim's karma
    negated. Nothing changes for a victim without karma (``None``), in the newbie region or
    an arena (``no_karma_room``), for a player killed on a chaos night, or for a neutral
    monster. A monster kill uses the monster swing, or the gentler neutral swing when it
    moves the killer back towards zero, and is limited to 1.5 points.

    Note that the original's player.kod KilledSomething hands its monster flag to AddKarma
    rather than to this handler, so killing a monster is in fact computed as a player kill;
    :func:`karma_change_for_killing_monster` reproduces that.
    """
    if (chaos_night and not victim_is_monster) or victim_karma is None or no_karma_room:
        return 0
    if victim_is_monster and victim_karma == 0:
        return 0
    swing = KILL_KARMA_SWING_MONSTER if victim_is_monster else KILL_KARMA_SWING_PLAYER
    if victim_is_monster and (killer_karma > 0) != (victim_karma > 0) and abs(killer_karma) > abs(victim_karma):
        swing = KILL_KARMA_SWING_NEUTRAL
    change = karma_change_from_act(killer_karma, -victim_karma, swing)
    if victim_is_monster:
        change = bound(change, -MONSTER_KILL_KARMA_LIMIT, MONSTER_KILL_KARMA_LIMIT)
    return change


def karma_change_for_killing_monster(
    killer_karma: int, monster_karma: int, chaos_night: bool = False, no_karma_room: bool = False
) -> int:
    """Karma change, in hundredths, a player actually gets for killing a monster.

    player.kod KilledSomething: as the original runs, the kill is computed without the
    monster flag (full swing, no 1.5 limit, none on chaos nights). A monster with no karma
    (event monsters, monster.kod GetKarma) shows 0 and changes nothing.
    """
    return karma_change_from_kill(killer_karma, monster_karma, False, chaos_night, no_karma_room)


# --- max health gain ----------------------------------------------------------------------


@attrs.frozen
class KillRecord:
    """What the killer did in the fight (player.kod PFLAG_DID_DAMAGE / PFLAG_TOOK_DAMAGE)."""

    did_damage: bool
    took_damage: bool
    killing_blow: bool
    #: The victim was the killer's current target (poKill_target).
    was_target: bool = True


@attrs.frozen
class HealthGainResult:
    """The outcome of one kill for max health (player.kod AdvancementCheck)."""

    gain_chance: int
    gained_point: bool
    base_max_health: int


def advancement_high_mark(base_max_health: int, stamina: int) -> int:
    """The die size for a health gain roll (player.kod GetHighMark): ``(i+1)*i``, ``i = base*(100-stamina)/100``."""
    index = div(base_max_health * (100 - stamina), 100)
    return (index + 1) * index


def gain_base_max_health(base_max_health: int, amount: int, stamina: int) -> int:
    """Base max health after a change, kept in [20, min(100 + stamina, 150)] (player.kod GainBaseMaxHealth)."""
    raised = bound(base_max_health + amount, MIN_BASE_MAX_HEALTH, 100 + stamina)
    return bound(raised, None, MAX_BASE_MAX_HEALTH)


def health_gain_after_kill(
    victim_level: int,
    victim_is_monster: bool,
    record: KillRecord,
    base_max_health: int,
    max_health: int,
    stamina: int,
    gain_chance: int,
    roll: Roll,
    hp_gain_multiplier: int = 1,
) -> HealthGainResult:
    """Whether a kill raises the killer's base max health by one (player.kod AdvancementCheck).

    ``victim_level`` is a monster's level or a player's base max health. The kill adds to
    the player's running gain chance: 3 (tougher victim, took damage and killing blow) or 2
    (tougher victim otherwise), 1 for a monster of about the player's level killed with a
    killing blow after taking damage, plus 1 for newbies; halved for a player boosted over
    twice their base fighting weaker things. Only the tougher-victim cases roll:
    ``random(1, high mark) < chance + bound((level - base)/5, 0, 10)`` and base below
    101 + stamina. A gain resets the chance to minus half the new base (less
    ``(50 - stamina)/2`` above 30 base). The caller has already refused kills that never
    advance (safe-death rooms, mock arenas, victims that forbid it).
    On a gain the original also refills health to max and feeds 200 nutrition.
    """
    if not (record.did_damage and record.was_target):
        return HealthGainResult(gain_chance, False, base_max_health)
    gain = 0
    rolls = False
    if victim_level > base_max_health:
        gain = 3 if record.killing_blow and record.took_damage else 2
        rolls = True
    elif victim_level + 5 > base_max_health and victim_is_monster and record.killing_blow and record.took_damage:
        gain = 1
    if base_max_health < PKILL_ENABLE_HP:
        gain += 1
    if max_health > base_max_health * 2 and victim_level < max_health:
        gain = div(gain, 2)
        rolls = False
    gain *= bound(hp_gain_multiplier, 1, 100)
    gain_chance += gain
    if not rolls:
        return HealthGainResult(gain_chance, False, base_max_health)
    die = roll(1, advancement_high_mark(base_max_health, stamina))
    target = gain_chance + bound(div(victim_level - base_max_health, 5), 0, 10)
    if die < target and base_max_health < 101 + stamina:
        new_base = gain_base_max_health(base_max_health, 1, stamina)
        new_chance = -div(new_base, 2)
        if new_base > 30:
            new_chance -= div(50 - stamina, 2)
        return HealthGainResult(new_chance, True, new_base)
    return HealthGainResult(gain_chance, False, base_max_health)
