"""The fighting skills: parry, block and dodge in defence, the weapon proficiencies and
strokes in attack, and how a skill improves with use.

Pure functions of their arguments; randomness only through an injected
:data:`~emulator.rules.dice.Roll`, cast in the order the original's handlers cast it.
Each function names the upstream handler whose numbers it reproduces. Abilities are
percentages 1..99 (0: the skill is not known).

How the abilities enter a fight is in :mod:`emulator.rules.combat`
(:func:`~emulator.rules.combat.player_offense`, :func:`~emulator.rules.combat.player_defense`,
:func:`~emulator.rules.combat.player_damage`); which defence a miss is told as is
:func:`emulator.rules.feedback.defence_of_miss`, weighted by the abilities given here.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from .combat import (
    SKID_BLOCK,
    SKID_BRAWLING,
    SKID_DODGE,
    SKID_FIRE,
    SKID_PARRY,
    SKID_PROFICIENCY_AXE,
    SKID_PROFICIENCY_BOW,
    SKID_PROFICIENCY_HAMMER,
    SKID_PROFICIENCY_MACE,
    SKID_PROFICIENCY_SCIMITAR,
    SKID_PROFICIENCY_SHORT_SWORD,
    SKID_PROFICIENCY_SWORD,
    SKID_PUNCH,
    SKID_SLASH,
    AttackKind,
    Weapon,
)
from .dice import Roll, bound, div

__all__ = [
    "ADVANCEMENT_LIMIT", "DefenceAbilities", "advancement_cap_note", "advancement_timer_ms",
    "block_ability", "defence_abilities", "defence_skill_to_improve", "dodge_ability", "improves",
    "initial_chance", "learn_points", "parry_ability", "proficiency_skill", "secondary_chance",
    "SwingCount", "shield_block_succeeds", "stroke_skill", "stroke_or_proficiency", "success_chance", "swing_recorded",
]

#: shield.kod GetBlockAbility: the block skill plus the shield's defence, kept to [1, 120].
MAX_BLOCK_ABILITY = 120
#: skill.kod: above twice its requisite stat, a skill's secondary chance is divided by this.
SOFTCAP_PENALTY = 5
#: Abilities stay within [1, 99] (player.kod ChangeSkillAbility); at 99 nothing improves.
MAX_ABILITY = 99
#: player.kod ADVANCEMENT_LIMIT: improvements (of spells and skills together) a player
#: may make before its advancement timer runs out...
ADVANCEMENT_LIMIT = 10
#: ...which starts at the first of them and lasts this many milliseconds (ADVANCE_TIMER_*).
ADVANCE_TIMER_MIN_MS = 900_000
ADVANCE_TIMER_MAX_MS = 1_320_000
#: player.kod SWINGS_PER_IMPROVE_CHECK: each run of this many swings with one proficiency
#: adds a swing bonus; strokes and proficiencies may improve only with a bonus.
SWINGS_PER_IMPROVE_CHECK = 75
#: stroke.kod ImproveStroke: a landed blow tries the proficiency when random(1, 100) is at
#: most this (and the proficiency is known), else the stroke...
PROFICIENCY_SHARE = 60
#: ...and bare-handed (unarmed.kod ImproveStroke) brawling when it is at most this.
BRAWLING_SHARE = 50
#: player.kod AdvancementCheck: a player that was missed tries parry (weapon in hand)
#: when random(1, 100) is under this, then block (shield), else dodge.
DEFENCE_SWITCH_CHANCE = 30
#: system.kod vlLevelPoints: learn points of the highest level known in a school.
LEVEL_LEARN_POINTS = (1, 2, 4, 6, 8, 10)
#: settings.kod piAdvancementRate: percent of the normal secondary chance (the default server).
ADVANCEMENT_RATE = 100
#: room.kod ModifyChanceToImprove: a hard-learn room divides the chance by this.
HARD_LEARN_DIVISOR = 10
#: player.kod GetTotalLearnPoints: skills of this level or more (the DMs') count for nothing.
DM_SKILL_LEVEL = 50


#: blakston.khd SKID_THRUST, SKID_KICK: strokes no stock weapon uses by default.
SKID_THRUST = 422
SKID_KICK = 431
#: The stock strokes and proficiencies (stroke.kod and proficiency classes): improving
#: one starts the swing count over (player.kod ChangeSkillAbility).
STROKES_AND_PROFICIENCIES = frozenset({
    SKID_SLASH, SKID_THRUST, SKID_FIRE, SKID_PUNCH, SKID_KICK, SKID_BRAWLING, SKID_PROFICIENCY_SWORD,
    SKID_PROFICIENCY_MACE, SKID_PROFICIENCY_SCIMITAR, SKID_PROFICIENCY_HAMMER, SKID_PROFICIENCY_AXE,
    SKID_PROFICIENCY_BOW, SKID_PROFICIENCY_SHORT_SWORD,
})


# --- defence ------------------------------------------------------------------------------


def parry_ability(parry: int, weapon: Weapon | None) -> int:
    """player.kod GetParryAbility: the parry skill, asked of the wielded weapon
    (weapon.kod GetParryAbility); nothing without a weapon, nothing with a bow
    (ranged.kod GetParryAbility)."""
    if weapon is None or weapon.kind is AttackKind.RANGED:
        return 0
    return parry


def block_ability(block: int, shield_defense: int | None) -> int:
    """player.kod GetBlockAbility: with a shield in hand, the block skill plus the
    shield's defence figure, kept to [1, 120] (shield.kod GetBlockAbility), so a shield
    blocks a little even for a player without the skill; nothing without a shield."""
    if shield_defense is None:
        return 0
    return bound(block + shield_defense, 1, MAX_BLOCK_ABILITY)


def dodge_ability(dodge: int) -> int:
    """player.kod GetDodgeAbility: the dodge skill itself."""
    return dodge


@attrs.frozen
class DefenceAbilities:
    """A player's three defences as its GetParryAbility, GetBlockAbility and
    GetDodgeAbility give them: the weights of its defence value and of the words a miss
    is told in."""

    parry: int = 0
    block: int = 0
    dodge: int = 0


def defence_abilities(parry: int, block: int, dodge: int, weapon: Weapon | None, shield_defense: int | None) -> DefenceAbilities:
    """The three defences from the skills' abilities and what the player holds."""
    return DefenceAbilities(parry_ability(parry, weapon), block_ability(block, shield_defense), dodge_ability(dodge))


def success_chance(requisite: int, ability: int, modifier: int = 0) -> int:
    """skill.kod SuccessChance: the percent chance a skill works, from its requisite stat
    up to 100 as the ability grows, plus a modifier."""
    return div((100 - requisite) * ability, 100) + requisite + modifier


def shield_block_succeeds(block: int, requisite: int, shield_defense: int, roll: Roll) -> bool:
    """shield.kod ModifyDefenseDamage: a shield takes its share off a blow only for a
    player with the block skill whose block check passes (the shield's defence added to
    the chance); no roll without the skill."""
    if block <= 0:
        return False
    return roll(1, 100) <= success_chance(requisite, block, shield_defense)


# --- attack -------------------------------------------------------------------------------


def stroke_skill(weapon: Weapon | None) -> int:
    """The stroke a swing uses: the weapon's default stroke, or punch bare-handed."""
    return SKID_PUNCH if weapon is None else weapon.stroke.skill


def proficiency_skill(weapon: Weapon | None) -> int:
    """The proficiency a swing counts for (player.kod SwingWeapon): the weapon's, or
    brawling bare-handed."""
    return SKID_BRAWLING if weapon is None else weapon.proficiency


@attrs.frozen
class SwingCount:
    """player.kod piWeaponSwings and piWeaponInfo: swings with one proficiency, and the
    swing bonus (runs of SWINGS_PER_IMPROVE_CHECK swings since the last reset)."""

    proficiency: int = 0
    swings: int = 0
    bonus: int = 0


def swing_recorded(count: SwingCount, proficiency: int) -> SwingCount:
    """player.kod SwingWeapon: another swing; a change of proficiency starts over."""
    if proficiency != count.proficiency:
        count = SwingCount(proficiency)
    swings = count.swings + 1
    bonus = count.bonus + (1 if swings % SWINGS_PER_IMPROVE_CHECK == 0 else 0)
    return SwingCount(proficiency, swings, bonus)


def stroke_or_proficiency(
    stroke: int, stroke_ability: int, proficiency: int, proficiency_ability: int, knows_proficiency: bool,
    target_level: int, roll: Roll, armed: bool = True,
) -> int | None:
    """stroke.kod ImproveStroke, on a blow that landed with a swing bonus: which skill
    may improve, the stroke or the weapon's proficiency, or None when the chosen one is
    already at the target's level or above. Bare-handed (unarmed.kod ImproveStroke) it is
    punch or brawling, half and half, whatever the target's level."""
    if not armed:
        return stroke if roll(1, 100) > BRAWLING_SHARE or not knows_proficiency else proficiency
    if roll(1, 100) > PROFICIENCY_SHARE or not knows_proficiency:
        return stroke if stroke_ability < target_level else None
    return proficiency if proficiency_ability < target_level else None


def defence_skill_to_improve(has_melee_weapon: bool, knows_parry: bool, has_shield: bool, knows_block: bool, roll: Roll) -> int:
    """player.kod AdvancementCheck, for a player that was missed in the fight: parry
    (a melee weapon in hand, the skill known) or block (a shield, the skill known) each
    with its chance, else dodge."""
    if has_melee_weapon and knows_parry and roll(1, 100) < DEFENCE_SWITCH_CHANCE:
        return SKID_PARRY
    if has_shield and knows_block and roll(1, 100) < DEFENCE_SWITCH_CHANCE:
        return SKID_BLOCK
    return SKID_DODGE


# --- improvement --------------------------------------------------------------------------


def initial_chance(improve_chance: int, intellect: int, universal_percent: int = 0) -> int:
    """skill.kod GetInitialChance: the skill's chance to increase, raised by the
    intellect's percent of it (faction bonuses: none here), then the personal modifier."""
    chance = improve_chance + div(improve_chance * intellect, 100)
    return chance + div(chance * universal_percent, 100)


def learn_points(spells: Iterable[tuple[str, int]]) -> int:
    """player.kod GetTotalLearnPoints(except=fencing), the penalty for generalisation:
    per spell school, the learn points of the highest spell level known in it. ``spells``
    are (school, level) pairs; the caller leaves out blink and DM commands, as the
    original does."""
    highest: dict[str, int] = {}
    for school, level in spells:
        highest[school] = max(highest.get(school, 0), level)
    return sum(LEVEL_LEARN_POINTS[bound(level, 1, len(LEVEL_LEARN_POINTS)) - 1] for level in highest.values() if level > 0)


def secondary_chance(
    requisite: int,
    skill_level: int,
    learn_points_outside: int,
    target_level: int | None,
    spell_ability: int = 0,
    advancement_rate: int = ADVANCEMENT_RATE,
    universal_percent: int = 0,
) -> int:
    """skill.kod GetSecondaryChance: ``60 + requisite - 10*level - learn points``, scaled by
    ``2*difficulty - ability + 10`` percent (kept to [50, 100]), at least 5; a fifth above
    the soft cap; at least 1; then the server's rate and the personal modifier.

    The difficulty is the target monster's level (1..150), 60 with no monster. The
    original reads the ability here with GetSpellAbility of the skill's number, which a
    player has only when it knows a spell of that number: the caller passes that (0 for
    every stock skill), so the factor and the soft cap see 0.
    """
    chance = 60 + requisite - skill_level * 10 - learn_points_outside
    difficulty = 60 if target_level is None else bound(target_level, 1, 150)
    factor = bound(2 * difficulty - spell_ability + 10, 50, 100)
    final = bound(div(chance * factor, 100), 5, None)
    if spell_ability > 2 * requisite - 1:
        final = div(final, SOFTCAP_PENALTY)
    final = bound(final, 1, None)
    final = div(final * advancement_rate, 100)
    return final + div(final * universal_percent, 100)


def improves(ability: int, initial: int, secondary: int, requisite: int, roll: Roll, hard_learn: bool = False) -> bool:
    """skill.kod ImproveAbility after its checks of who may advance: random(1, 100) within
    the initial chance, an ability under 99 (and known), then random(0, 100) under the
    secondary chance (a tenth of it in a hard-learn room, room.kod ModifyChanceToImprove)
    kept to [1 + requisite/10, 99]. True: the ability goes up by one."""
    if roll(1, 100) > initial:
        return False
    if ability >= MAX_ABILITY or ability < 1:
        return False
    chance = div(secondary, HARD_LEARN_DIVISOR) if hard_learn else secondary
    chance = bound(chance, 1 + div(requisite, 10), MAX_ABILITY)
    return roll(0, 100) < chance


def advancement_timer_ms(roll: Roll) -> int:
    """player.kod AddAdvancementPoints: how long the advancement timer runs from the first
    improvement; when it goes off the count starts over."""
    return roll(ADVANCE_TIMER_MIN_MS, ADVANCE_TIMER_MAX_MS)


def advancement_cap_note(roll: Roll) -> int | None:
    """player.kod CheckAdvancementPoints for a player at the limit: one time in eight
    it is told so, in one of three notes (1..3); None: nothing said."""
    if roll(1, 8) != 1:
        return None
    return roll(1, 3)
