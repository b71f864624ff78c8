"""Combat rules: chance to hit, damage, resistances, monster and player fighting numbers.

Pure functions of their arguments. Randomness comes only through an injected
:data:`~emulator.rules.dice.Roll`, and the order in which a function rolls is the order
in which the original handler calls ``random``, so a scripted roll replays a fight exactly.
Each function names the upstream handler whose numbers it reproduces.

Left to the callers (they need world state): room permissions, line-of-sight tests,
enchantments other than palsy, attack and defence modifier items, faction bonuses,
weapon item attributes and wear, and the hit/miss messages.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable

import attrs

from .dice import Roll, bound, div

# --- the roll to hit ----------------------------------------------------------------------

#: Percent chance to hit when offence equals defence (battler.kod constant).
EQUAL_CHANCE_HIT = 55
#: The chance to hit is always kept within these percentages (battler.kod TryAttack).
MIN_CHANCE_TO_HIT = 10
MAX_CHANCE_TO_HIT = 95


def chance_to_hit(offense: int, defense: int) -> int:
    """Percent chance that an attack lands.

    battler.kod TryAttack: ``offense * EQUAL_CHANCE_HIT / defense`` bounded to [10, 95].
    Offence and defence are never below 1 (every GetOffense/GetDefense bounds them).
    """
    return bound(div(offense * EQUAL_CHANCE_HIT, max(defense, 1)), MIN_CHANCE_TO_HIT, MAX_CHANCE_TO_HIT)


def attack_hits(chance: int, roll: Roll) -> bool:
    """Roll the attack: it hits when ``chance >= random(1, 100)`` (battler.kod TryAttack)."""
    return chance >= roll(1, 100)


@attrs.frozen
class AttackRoll:
    """The outcome of one swing: the chance used, whether it hit, and the raw damage if so."""

    chance: int
    hit: bool
    damage: int = 0


def roll_attack(offense: int, defense: int, roll_damage: Callable[[], int], roll: Roll) -> AttackRoll:
    """One swing in the original's order (battler.kod TryAttack).

    The hit die is cast first; damage is rolled (``roll_damage``, e.g. a partial of
    :func:`monster_damage` or :func:`player_damage`) only on a hit, before the target's
    resistances and caps, which the caller applies with the target's rule.
    """
    chance = chance_to_hit(offense, defense)
    if not attack_hits(chance, roll):
        return AttackRoll(chance, False)
    return AttackRoll(chance, True, roll_damage())


# --- damage types and resistances ---------------------------------------------------------


class WeaponDamage(enum.IntFlag):
    """Physical attack types, ATCK_WEAP_* in blakston.khd (a weapon's attack type is a mix)."""

    ALL = 0x00001
    NONMAGIC = 0x00002
    MAGIC = 0x00004
    HIT = 0x00008  # nothing wielded: a monster's default
    BLUDGEON = 0x00010
    PIERCE = 0x00020
    THRUST = 0x00040
    SLASH = 0x00080
    WHIP = 0x00100
    CLAW = 0x00200
    BITE = 0x00400
    STING = 0x00800
    ACID = 0x01000
    UNARMED = 0x02000
    PUNCH = 0x04000
    KICK = 0x08000
    NERUDITE = 0x10000
    SILVER = 0x20000


class SpellDamage(enum.IntFlag):
    """Magical attack types, ATCK_SPELL_* in blakston.khd."""

    ALL = 0x0001
    FIRE = 0x0002
    SHOCK = 0x0004
    COLD = 0x0008
    HOLY = 0x0010
    UNHOLY = 0x0020
    ACID = 0x0040
    QUAKE = 0x0080
    HUNTERSWORD = 0x0100


MAX_RESISTANCE = 100
NO_RESISTANCE = 0
MIN_RESISTANCE = -100


@attrs.frozen
class Resistance:
    """One entry of a battler's resistance list (battler.kod plResistances).

    ``value`` is a percentage: positive resists, negative is a weakness. ``against`` is a
    :class:`WeaponDamage` mask, or a :class:`SpellDamage` mask when ``spell`` is true (the
    original stores spell entries with a negated type).
    """

    value: int
    against: int
    spell: bool = False


#: The attack types a resistance may name in data: ``weapon_<type>`` (ATCK_WEAP_*) and
#: ``spell_<type>`` (ATCK_SPELL_*), to (is a spell type, its bit).
RESISTANCE_TYPES: dict[str, tuple[bool, int]] = {
    **{f"weapon_{member.name.lower()}": (False, int(member)) for member in WeaponDamage if member.name},
    **{f"spell_{member.name.lower()}": (True, int(member)) for member in SpellDamage if member.name},
}


def resistance_entries(entries: Iterable[tuple[int, Iterable[str]]]) -> list[Resistance]:
    """Resistances from data: (percent, the attack type names it covers); names of weapon
    and spell types together make one entry of each kind."""
    found = []
    for value, names in entries:
        for spell in (False, True):
            mask = 0
            for name in names:
                is_spell, bit = RESISTANCE_TYPES[name]
                if is_spell == spell:
                    mask |= bit
            if mask:
                found.append(Resistance(value, mask, spell))
    return found


_ALL_SPELL_TYPES, _ALL_WEAPON_TYPES = int(SpellDamage.ALL), int(WeaponDamage.ALL)  # the ALL entries, as ints


def resistance_modifier(resistances: Iterable[Resistance], weapon_type: int, spell_type: int = 0) -> int:
    """The strongest matching resistance plus the worst matching weakness.

    battler.kod ResistanceCheck: an entry matches when its mask shares a bit with the
    attack's type, or when it is the ALL entry and the attack has any type of that kind.
    The best is capped at MAX_RESISTANCE and the worst floored at MIN_RESISTANCE.
    """
    best = NO_RESISTANCE
    worst = NO_RESISTANCE
    for entry in resistances:
        attack = spell_type if entry.spell else weapon_type
        everything = _ALL_SPELL_TYPES if entry.spell else _ALL_WEAPON_TYPES
        if (attack & entry.against) or (attack and entry.against == everything):
            best = max(best, entry.value)
            worst = min(worst, entry.value)
    return bound(best, None, MAX_RESISTANCE) + bound(worst, MIN_RESISTANCE, None)


def damage_after_resistance(damage: int, modifier: int) -> int:
    """Scale damage by a resistance modifier (battler.kod GetDamageFromResistance).

    A positive modifier removes that percentage; a negative one adds it.
    """
    if modifier > NO_RESISTANCE:
        return div(damage * (MAX_RESISTANCE - modifier), MAX_RESISTANCE)
    return div(damage * (MIN_RESISTANCE + modifier), MIN_RESISTANCE)


# --- monsters -----------------------------------------------------------------------------

#: Monster offence and defence are bounded to [1, 1500] (monster.kod GetOffense/GetDefense).
MONSTER_MAX_COMBAT_VALUE = 1500
#: Monster timer bases in milliseconds (blakston.khd MOB_*_TIMER_WAIT).
MOB_ATTACK_TIMER_WAIT = 1000
MOB_CHASE_TIMER_WAIT = 150
MOB_MOVE_TIMER_WAIT = 1500
MOB_FOLLOW_TIMER_WAIT = 500


def fuzzy(number: int, roll: Roll, scale: int = 4) -> int:
    """``number`` varied by up to ``number/scale`` either way (monster.kod Fuzzy).

    With the default scale the result lies between 0.75 and 1.25 of ``number``.
    """
    scale = max(scale, 1)
    if number >= 0:  # the common case: floor division is the original's for non-negatives
        return number - number // scale + roll(0, number * 2 // scale)
    magnitude = -number
    return -(magnitude - div(magnitude, scale) + roll(0, div(magnitude * 2, scale)))


def monster_offense(level: int, difficulty: int, fixed: int | None = None, palsied: bool = False) -> int:
    """A monster's to-hit value (monster.kod GetOffense).

    ``3*level + 60*difficulty`` unless the class sets piOffense (``fixed``); palsy takes a
    quarter off; bounded to [1, 1500].
    """
    offense = 3 * level + 60 * difficulty if fixed is None else fixed
    if palsied:
        offense = div(offense * 3, 4)
    return bound(offense, 1, MONSTER_MAX_COMBAT_VALUE)


def monster_defense(level: int, difficulty: int, fixed: int | None = None) -> int:
    """A monster's avoid value (monster.kod GetDefense): like offence, without palsy."""
    defense = 3 * level + 60 * difficulty if fixed is None else fixed
    return bound(defense, 1, MONSTER_MAX_COMBAT_VALUE)


def monster_damage(
    level: int,
    roll: Roll,
    min_damage: int | None = None,
    max_damage: int | None = None,
    palsied: bool = False,
) -> int:
    """Damage of one monster hit before the target's resistances (monster.kod GetDamage).

    Without piMinDamage/piMaxDamage it is ``Fuzzy(level / random(10, 15))``; with only
    one of them set the other takes its value. Palsy takes a quarter off; at least 1.
    """
    if min_damage is None and max_damage is None:
        damage = fuzzy(div(level, roll(10, 15)), roll)
    else:
        # A missing or inverted end takes the other end's value.
        low = min_damage if min_damage is not None else max_damage
        high = max_damage if max_damage is not None else min_damage
        assert low is not None and high is not None
        if low > high:
            low = high
        damage = roll(low, high)
    if palsied:
        damage = div(damage * 3, 4)
    return bound(damage, 1, None)


def monster_max_hit_points(level: int) -> int:
    """A monster kind's nominal hit points (monster.kod GetMaxHitPoints).

    The level itself below 40, else 120% of it.
    """
    if level < 40:
        return level
    return div(120 * level, 100)


def monster_spawn_hit_points(level: int, roll: Roll) -> int:
    """Hit points a new monster starts with: its nominal ones, fuzzed (monster.kod Constructor)."""
    return fuzzy(monster_max_hit_points(level), roll)


def monster_damage_taken(damage: int, resistance: int = NO_RESISTANCE, bonus: int = 0, absolute: bool = False) -> int:
    """Hit points a monster loses from one blow (monster.kod AssessDamage).

    Resistance first (unless ``absolute``), then the bonus, then at least one point.
    """
    taken = damage if absolute else damage_after_resistance(damage, resistance)
    return bound(taken + bonus, 1, None)


def monster_health_band(hit_points: int, max_hit_points: int) -> int:
    """Which fifth of its health a monster is in, 0..5 (monster.kod HitPointThreshold).

    The original reports a wound level to its attackers when a blow changes the band.
    """
    return div(hit_points * 5, max(max_hit_points, 1))


def karma_same(monster_karma: int | None, player_karma: int) -> bool:
    """Whether a monster counts a player as sharing its karma (monster.kod KarmaSame).

    Monsters that spare their own side (MOB_KARMA_AG) test this before attacking.
    Opposite signs count as different only once the player's shown karma reaches 10 either
    way, sparing new players; a monster without karma (``None``) sides with everyone.
    """
    if monster_karma is None:
        return True
    return not (monster_karma * player_karma < 0 and abs(player_karma) >= 10)


def health_below_wimpy(hit_points: int, max_hit_points: int, wimpy: int) -> bool:
    """Whether a wounded monster stops fighting to run or regroup (monster.kod
    HealthBelowWimpy): its hit points, in whole percent of its maximum, under its wimpy
    figure; a wimpy of 0 fights to the end."""
    if wimpy <= 0:
        return False
    return div(hit_points * 100, max(max_hit_points, 1)) < wimpy


def monster_dodge_ability(difficulty: int) -> int:
    """A monster's dodge weight for miss descriptions (monster.kod GetDodgeAbility)."""
    return difficulty * 10


def monster_vision_distance(difficulty: int) -> int:
    """How many squares a monster sees (monster.kod GetVisionDistance)."""
    return 4 + div(difficulty, 2)


def monster_attack_range(difficulty: int) -> int:
    """How many squares a monster reaches, 2 or 3 (monster.kod GetAttackRange)."""
    return bound(2 + div(difficulty, 6), 2, 3)


def monster_attack_delay_ms(difficulty: int, speed: int, roll: Roll) -> int:
    """Milliseconds between a monster's swings (monster.kod GetAttackTime)."""
    return fuzzy(MOB_ATTACK_TIMER_WAIT, roll) + 3500 - 70 * (3 * difficulty + speed)


def monster_chase_delay_ms(difficulty: int, speed: int, roll: Roll, diagonal: bool = False) -> int:
    """Milliseconds between chase steps (monster.kod GetChaseTime); diagonals take 1.414x."""
    delay = fuzzy(MOB_CHASE_TIMER_WAIT, roll)
    if diagonal:
        delay = div(1414 * delay, 1000)
    return delay + 2000 - 40 * (difficulty + 2 * speed)


def monster_move_delay_ms(speed: int, roll: Roll, following_master: bool = False) -> int:
    """Milliseconds between wandering steps (monster.kod GetMoveTime).

    The base wait is fuzzed first, then the speed (fuzzed, kept in [0, 25]).
    """
    if following_master:
        base = fuzzy(MOB_FOLLOW_TIMER_WAIT, roll)
        return base + 100 * (26 - bound(fuzzy(speed, roll), 0, 25))
    base = fuzzy(MOB_MOVE_TIMER_WAIT, roll)
    return base + 300 * (26 - bound(fuzzy(speed, roll), 0, 25))


def monster_heals_on_chase_step(roll: Roll) -> bool:
    """A wounded monster regains one hit point on 2 chase steps in 10 (monster.kod ChaseTimer)."""
    return roll(0, 9) < 2


def monster_heals_on_move_step(roll: Roll) -> bool:
    """A wounded monster regains one hit point on 1 wandering step in 4 (monster.kod MoveTimer)."""
    return roll(1, 4) == 1


def monster_treasure_count(
    level: int, difficulty: int, roll: Roll, item_factor: int = 100, one_treasure: bool = False
) -> int:
    """How many items a killed monster's treasure type generates (monster.kod CreateTreasure).

    ``1 + level/55 + random(0, difficulty/3)``, at most 6, scaled by the server's item
    factor (percent, settings.kod piItemFactor) and at least 1; always 1 for MOB_ONE_TREASURE
    monsters. Its carried inventory drops as well. Illusions and summoned monsters, and
    monsters whose treasure type is TID_NONE, generate nothing: the caller checks that.
    """
    if one_treasure:
        return 1
    count = bound(1 + div(level, 55) + roll(0, div(difficulty, 3)), None, 6)
    return bound(div(item_factor * count, 100), 1, None)


# --- weapons and strokes ------------------------------------------------------------------


class AttackKind(enum.Enum):
    MELEE = "melee"
    RANGED = "ranged"


class WeaponClass(enum.IntEnum):
    """viWeaponType (blakston.khd WEAPON_TYPE_*): sets a melee weapon's numbers."""

    BLUDGEON = 0
    THRUST = 1
    SLASH = 2


class WeaponQuality(enum.IntEnum):
    """viWeaponQuality (blakston.khd WEAPON_QUALITY_* and WEAPON_NERUDITE)."""

    LOW = 0
    NORMAL = 1
    HIGH = 2
    NERUDITE = 3


# Skill ids (blakston.khd SKID_*) the combat numbers read.
SKID_DODGE = 401
SKID_PARRY = 402
SKID_BLOCK = 404
SKID_SLASH = 421
SKID_FIRE = 425
SKID_PUNCH = 430
SKID_BRAWLING = 450
SKID_PROFICIENCY_SWORD = 451
SKID_PROFICIENCY_MACE = 452
SKID_PROFICIENCY_SCIMITAR = 453
SKID_PROFICIENCY_HAMMER = 454
SKID_PROFICIENCY_AXE = 455
SKID_PROFICIENCY_BOW = 456
SKID_PROFICIENCY_SHORT_SWORD = 457

# weapon.kod tuning constants, by weapon class and by quality.
MELEE_HIT_BONUS = {WeaponClass.BLUDGEON: 75, WeaponClass.THRUST: 125, WeaponClass.SLASH: 0}
MELEE_DAMAGE_RANGE = {WeaponClass.BLUDGEON: (4, 8), WeaponClass.THRUST: (3, 8), WeaponClass.SLASH: (5, 11)}
MELEE_RANGE = {WeaponClass.BLUDGEON: 2, WeaponClass.THRUST: 3, WeaponClass.SLASH: 2}
QUALITY_HIT_BONUS = {WeaponQuality.LOW: 0, WeaponQuality.NORMAL: 0, WeaponQuality.HIGH: 50, WeaponQuality.NERUDITE: 25}
QUALITY_DAMAGE_BONUS = {
    WeaponQuality.LOW: -1, WeaponQuality.NORMAL: 0, WeaponQuality.HIGH: 1, WeaponQuality.NERUDITE: 1
}

#: Unarmed reach in squares (unarmed.kod viRange).
UNARMED_RANGE = 2
#: Extra reach against a player who moved recently, melee only (blakston.khd RANGE_MOVEMENT_BONUS).
RANGE_MOVEMENT_BONUS = 1
#: A player may swing once a second (player.kod IsOkayAttackTime default).
PLAYER_ATTACK_DELAY_MS = 1000


@attrs.frozen
class Stroke:
    """A weapon stroke skill (skill/stroke.kod and its subclasses).

    ``damage_factor`` is viDamage_factor (percent of weapon damage), ``exertion`` is
    viSkillExertion (a swing adds ``1000 * exertion`` exertion, skill.kod PayCosts) and
    ``aim_based`` says the stat bonus comes from aim (fire.kod) rather than might.
    """

    skill: int
    damage_factor: int = 100
    exertion: int = 2
    aim_based: bool = False
    #: viMaxProficiencyDamage: the most a proficiency of 99 adds.
    max_proficiency_damage: int = 5


SLASH_STROKE = Stroke(skill=SKID_SLASH, damage_factor=80, exertion=2)
FIRE_STROKE = Stroke(skill=SKID_FIRE, damage_factor=90, exertion=2, aim_based=True)
PUNCH_STROKE = Stroke(skill=SKID_PUNCH, damage_factor=100, exertion=5)


@attrs.frozen
class Weapon:
    """What the rules need to know about a wielded weapon (item/passitem/weapon.kod).

    Melee weapons take their hit bonus, damage range and reach from ``weapon_class`` and
    ``quality`` unless ``fixed_damage`` replaces the range (goldswrd.kod, unique.kod).
    Ranged weapons (weapon/ranged.kod) hit for their ammunition's damage plus
    ``bonus_damage`` and reach ``ranged_reach`` squares; they take both hands.
    """

    name: str
    kind: AttackKind
    proficiency: int
    attack_type: int
    weapon_class: WeaponClass = WeaponClass.THRUST
    quality: WeaponQuality = WeaponQuality.NORMAL
    fixed_damage: tuple[int, int] | None = None
    #: piHitBonus / piDamageBonus of the item.
    hit_bonus: int = 0
    damage_bonus: int = 0
    #: Ranged only: viHit_roll_modifier, viWeaponDamage, viRange.
    hit_roll_modifier: int = 0
    bonus_damage: int = 0
    ranged_reach: int = 100

    @property
    def stroke(self) -> Stroke:
        """The stroke a swing uses (weapon.kod / ranged.kod GetDefaultStrokeNumber)."""
        return FIRE_STROKE if self.kind is AttackKind.RANGED else SLASH_STROKE

    @property
    def two_handed(self) -> bool:
        """Ranged weapons take both hands (ranged.kod viUse_Amount = 2); melee ones one."""
        return self.kind is AttackKind.RANGED

    @property
    def reach(self) -> int:
        """Attack range in squares (weapon.kod / ranged.kod GetRange; strokes add 0)."""
        if self.kind is AttackKind.RANGED:
            return self.ranged_reach
        return MELEE_RANGE[self.weapon_class]


#: Arrows hit for random(1, 5) and pierce (numbitem/ammo.kod GetDamage, piAttack_type).
ARROW_DAMAGE = (1, 5)
ARROW_ATTACK_TYPE = WeaponDamage.PIERCE


def weapon_offense_bonus(weapon: Weapon, offense: int, condition_percent: int = 100) -> int:
    """The wielder's offence after the weapon modifies it (weapon.kod / ranged.kod ModifyHitRoll).

    Melee: add the class and quality bonuses and the item's hit bonus. Ranged: add the
    bow's modifier scaled by its condition (``piHits / piHits_Init`` as a percent); a
    negative modifier is added as its absolute value, as the original does.
    """
    if weapon.kind is AttackKind.RANGED:
        if weapon.hit_roll_modifier < 0:
            return offense - weapon.hit_roll_modifier
        return offense + div(weapon.hit_roll_modifier * condition_percent, 100)
    return offense + MELEE_HIT_BONUS[weapon.weapon_class] + QUALITY_HIT_BONUS[weapon.quality] + weapon.hit_bonus


def weapon_base_damage(weapon: Weapon, roll: Roll, ammo_damage: tuple[int, int] | None = ARROW_DAMAGE) -> int:
    """One roll of the weapon's own damage (weapon.kod GetDamage and GetBaseDamage).

    A ranged weapon with no matching ammunition in the quiver (``ammo_damage=None``)
    contributes only its bonus damage.
    """
    if weapon.kind is AttackKind.RANGED:
        ammo = roll(*ammo_damage) if ammo_damage is not None else 0
        return ammo + weapon.bonus_damage + weapon.damage_bonus
    if weapon.fixed_damage is not None:
        damage = roll(*weapon.fixed_damage)
    else:
        damage = roll(*MELEE_DAMAGE_RANGE[weapon.weapon_class]) + QUALITY_DAMAGE_BONUS[weapon.quality]
    return damage + weapon.damage_bonus


# The stock weapons, by their Blakod class (facts read from item/passitem/weapon/).
def _melee(name: str, proficiency: int, attack: int, weapon_class: WeaponClass, quality: WeaponQuality) -> Weapon:
    return Weapon(name, AttackKind.MELEE, proficiency, attack, weapon_class, quality)


def _bow(name: str, reach: int, hit_roll_modifier: int = 0, bonus_damage: int = 0) -> Weapon:
    return Weapon(
        name,
        AttackKind.RANGED,
        SKID_PROFICIENCY_BOW,
        ARROW_ATTACK_TYPE,
        hit_roll_modifier=hit_roll_modifier,
        bonus_damage=bonus_damage,
        ranged_reach=reach,
    )


_PLAIN = WeaponDamage.NONMAGIC
_MAGIC = WeaponDamage.MAGIC
STOCK_WEAPONS: dict[str, Weapon] = {
    weapon.name: weapon
    for weapon in (
        _melee("LongSword", SKID_PROFICIENCY_SWORD, _PLAIN | WeaponDamage.THRUST, WeaponClass.THRUST, WeaponQuality.NORMAL),
        _melee("ShortSword", SKID_PROFICIENCY_SHORT_SWORD, _PLAIN | WeaponDamage.THRUST, WeaponClass.THRUST, WeaponQuality.LOW),
        _melee("MysticSword", SKID_PROFICIENCY_SWORD, _MAGIC | WeaponDamage.THRUST, WeaponClass.THRUST, WeaponQuality.HIGH),
        _melee("Scimitar", SKID_PROFICIENCY_SCIMITAR, _PLAIN | WeaponDamage.SLASH, WeaponClass.SLASH, WeaponQuality.HIGH),
        _melee("Axe", SKID_PROFICIENCY_AXE, _PLAIN | WeaponDamage.SLASH, WeaponClass.SLASH, WeaponQuality.NORMAL),
        _melee("Mace", SKID_PROFICIENCY_MACE, _PLAIN | WeaponDamage.BLUDGEON, WeaponClass.BLUDGEON, WeaponQuality.LOW),
        _melee("Hammer", SKID_PROFICIENCY_HAMMER, _PLAIN | WeaponDamage.BLUDGEON, WeaponClass.BLUDGEON, WeaponQuality.NORMAL),
        _bow("Longbow", reach=100, hit_roll_modifier=100),
        _bow("BattleBow", reach=17, bonus_damage=2),
    )
}


#: The blow of a melee weapon known only by its figures, by its class (the stock weapon
#: classes pair viWeaponType with the matching piAttack_type).
CLASS_ATTACK_TYPE = {
    WeaponClass.BLUDGEON: WeaponDamage.BLUDGEON, WeaponClass.THRUST: WeaponDamage.THRUST,
    WeaponClass.SLASH: WeaponDamage.SLASH,
}


_STOCK_BY_KEY = {name.lower(): weapon for name, weapon in STOCK_WEAPONS.items()}
#: ranged.kod viRange: a bow known only by its figures reaches this far.
RANGED_REACH = 100


def weapon_of(name: str, weapon_type: int | None, quality: int | None, proficiency: int | None) -> Weapon:
    """The weapon an item kind is: a stock weapon by its class name (any case, as kind
    keys are written); else, by its figures, a bow when it needs the bow proficiency
    (ranged.kod's defaults) or a plain melee weapon (weapon.kod defaults: thrust, normal
    quality)."""
    stock = _STOCK_BY_KEY.get(name.lower())
    if stock is not None:
        return stock
    if proficiency == SKID_PROFICIENCY_BOW:
        return _bow(name, reach=RANGED_REACH)
    weapon_class = WeaponClass(weapon_type) if weapon_type in {c.value for c in WeaponClass} else WeaponClass.THRUST
    grade = WeaponQuality(quality) if quality in {q.value for q in WeaponQuality} else WeaponQuality.NORMAL
    return Weapon(
        name, AttackKind.MELEE, proficiency or 0, WeaponDamage.NONMAGIC | CLASS_ATTACK_TYPE[weapon_class],
        weapon_class, grade,
    )


def armour_damage_reduction(damage: int, reduce: int, roll: Roll) -> int:
    """What worn armour takes off a weapon blow (defmod.kod ModifyDefenseDamage): a roll
    between a third of its figure and the figure, never down to less than 1; no roll
    without a figure."""
    if reduce <= 0:
        return damage
    return damage - bound(roll(div(reduce, 3), reduce), 0, damage - 1)


# --- players ------------------------------------------------------------------------------

#: Player offence, defence are bounded to [1, 1000] (player.kod GetOffense/GetDefense).
PLAYER_MAX_COMBAT_VALUE = 1000
#: Without a fat health pool, one blow takes at most a third of base max health...
MAX_HEALTH_DAMAGE_FRACTION = 3
#: ...and never more than 30 points (player.kod constants).
MAX_DAMAGE_PER_HIT = 30


def _universal(value: int, percent: int) -> int:
    # player.kod piFlags3: a per-player percentage applied last to offence, defence, damage.
    return value + div(value * percent, 100)


def player_offense(
    stroke_ability: int,
    proficiency_ability: int,
    aim: int,
    base_max_health: int,
    weapon: Weapon | None = None,
    weapon_condition_percent: int = 100,
    ranged_without_line_of_sight: bool = False,
    universal_percent: int = 0,
) -> int:
    """A player's to-hit value (player.kod GetOffense).

    ``3*stroke + 2*proficiency + 4*aim + 3/2*base max health``, where stroke and
    proficiency are the weapon's stroke and proficiency skills, or punch and brawling
    unarmed; then the weapon's bonus; a ranged shot without line of sight is halved;
    bounded to [1, 1000].
    """
    offense = stroke_ability * 3 + proficiency_ability * 2 + aim * 4 + div(base_max_health * 3, 2)
    if weapon is not None:
        offense = weapon_offense_bonus(weapon, offense, weapon_condition_percent)
        if weapon.kind is AttackKind.RANGED and ranged_without_line_of_sight:
            offense = div(offense, 2)
    return bound(_universal(offense, universal_percent), 1, PLAYER_MAX_COMBAT_VALUE)


def player_defense(
    parry_ability: int,
    block_ability: int,
    dodge_ability: int,
    agility: int,
    base_max_health: int,
    universal_percent: int = 0,
    armour_bonus: int = 0,
) -> int:
    """A player's avoid value (player.kod GetDefense).

    ``2*parry + block + 3*dodge + 4*agility + 3/2*base max health``, bounded to [1, 1000].
    Parry counts only with a melee weapon in hand, block only with a shield, and none of
    them against a stroke that cannot be parried/blocked/dodged (player.kod Get*Ability);
    the caller passes 0 for those. Worn armour adds its defence figures
    (``armour_bonus``, defmod.kod ModifyDefensePower) before the bounds.
    """
    defense = parry_ability * 2 + block_ability + dodge_ability * 3 + agility * 4 + div(base_max_health * 3, 2)
    defense += armour_bonus
    return bound(_universal(defense, universal_percent), 1, PLAYER_MAX_COMBAT_VALUE)


def stat_damage_bonus(damage: int, stat: int) -> int:
    """Might (or aim for bows) adds 1% per point above 25, at most 40% (stroke.kod DamageFactors)."""
    return div((100 + bound(stat - 25, 0, 40)) * damage, 100)


def player_damage(
    roll: Roll,
    might: int,
    aim: int,
    weapon: Weapon | None = None,
    proficiency_ability: int = 0,
    brawling_ability: int = 0,
    ammo_damage: tuple[int, int] | None = ARROW_DAMAGE,
    universal_percent: int = 0,
) -> int:
    """Damage of one player blow before the target's resistances (player.kod GetDamage).

    Armed (stroke.kod FindDamage, DamageFactors): the weapon's damage scaled by the
    stroke's damage factor, then ``(proficiency+1)*5/100`` plus that damage raised by
    might (aim for a bow); at least 1. Unarmed (unarmed.kod FindDamage): ``random(1, 4)``
    with ``brawling*5/100`` and the might bonus.
    """
    if weapon is None:
        stroke = PUNCH_STROKE
        raw = roll(1, 4)
        damage = div(brawling_ability * stroke.max_proficiency_damage, 100) + stat_damage_bonus(raw, might)
    else:
        stroke = weapon.stroke
        raw = div(weapon_base_damage(weapon, roll, ammo_damage) * stroke.damage_factor, 100)
        stat = aim if stroke.aim_based else might
        proficiency_bonus = div((proficiency_ability + 1) * stroke.max_proficiency_damage, 100)
        damage = bound(proficiency_bonus + stat_damage_bonus(raw, stat), 1, None)
    return _universal(damage, universal_percent)


#: A bare-handed blow's attack type, as a plain int: made once, and the resistance checks
#: on every blow then mask ints rather than go through enum.IntFlag's operators.
UNARMED_ATTACK_TYPE = int(WeaponDamage.UNARMED | WeaponDamage.PUNCH)


def player_attack_type(weapon: Weapon | None) -> int:
    """The attack type of a player's blow: the weapon's, or unarmed punch (player.kod GetDamageType)."""
    if weapon is None:
        return UNARMED_ATTACK_TYPE
    return weapon.attack_type


def player_attack_reach(weapon: Weapon | None, target_moved_recently: bool = False) -> int:
    """Squares a player's attack reaches (player.kod TryAttack, stroke GetRange).

    Melee reach grows by one against a player who has just moved (lag allowance).
    """
    if weapon is None:
        return UNARMED_RANGE
    reach = weapon.reach
    if target_moved_recently and weapon.kind is AttackKind.MELEE:
        reach += RANGE_MOVEMENT_BONUS
    return reach


def within_reach(row_distance: int, col_distance: int, reach: int) -> bool:
    """In range when the squared distance is at most reach squared (player.kod TargetWithinSightAndRange)."""
    return row_distance * row_distance + col_distance * col_distance <= reach * reach


def player_damage_taken(
    damage: int,
    health: int,
    base_max_health: int,
    resistance: int = NO_RESISTANCE,
    bonus: int = 0,
    outlaw_or_murderer: bool = False,
    absolute: bool = False,
) -> int:
    """Health a player loses from one blow (player.kod AssessDamage).

    Resistance, then the bonus, then at least 1. Unless the player holds twice their base
    max health, or is an outlaw or murderer, one blow takes at most a third of base max
    health (rounded up); never more than 30. ``absolute`` damage skips all of that.
    """
    if absolute:
        return damage
    taken = bound(damage_after_resistance(damage, resistance) + bonus, 1, None)
    if health < base_max_health * 2 and not outlaw_or_murderer:
        limit = div(base_max_health + (MAX_HEALTH_DAMAGE_FRACTION - 1), MAX_HEALTH_DAMAGE_FRACTION)
        taken = bound(taken, None, limit)
    return bound(taken, None, MAX_DAMAGE_PER_HIT)


def swing_exertion(weapon: Weapon | None) -> int:
    """Exertion one swing adds (skill.kod PayCosts: ``1000 * viSkillExertion`` of the stroke).

    10000 exertion is one vigor point; see :func:`emulator.rules.vitals.add_exertion`.
    """
    stroke = PUNCH_STROKE if weapon is None else weapon.stroke
    return 1000 * stroke.exertion
