"""Combat rules against cases worked by hand from the original's handlers."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulator.rules import combat
from emulator.rules.combat import AttackKind, Resistance, SpellDamage, WeaponClass, WeaponDamage, WeaponQuality
from emulator.rules.dice import Roll, bound, div, roll_with


def scripted(*values: int) -> Roll:
    """A die that returns ``values`` in order, checking each lies within the asked range."""
    queue: Iterator[int] = iter(values)

    def roll(low: int, high: int) -> int:
        value = next(queue)
        assert low <= value <= high, (low, high, value)
        return value

    return roll


def lowest(low: int, high: int) -> int:
    return low


def highest(low: int, high: int) -> int:
    return high


# --- arithmetic ---------------------------------------------------------------------------


def test_division_truncates_towards_zero_like_the_original() -> None:
    assert div(7, 2) == 3
    assert div(-7, 2) == -3  # Python's -7 // 2 is -4
    assert div(7, -2) == -3
    assert bound(5, None, 3) == 3 and bound(-5, 0, None) == 0 and bound(2, 1, 3) == 2


# --- to hit -------------------------------------------------------------------------------


def test_chance_to_hit_formula() -> None:
    assert combat.chance_to_hit(100, 100) == 55  # equal offence and defence
    assert combat.chance_to_hit(150, 100) == 82  # 150*55/100 = 82.5, truncated
    assert combat.chance_to_hit(1000, 100) == 95  # capped
    assert combat.chance_to_hit(1, 1000) == 10  # floored


@given(st.integers(1, 1500), st.integers(1, 1500))
def test_chance_to_hit_always_within_10_and_95(offense: int, defense: int) -> None:
    assert 10 <= combat.chance_to_hit(offense, defense) <= 95


def test_attack_hits_when_chance_reaches_the_roll() -> None:
    assert combat.attack_hits(55, scripted(55))
    assert not combat.attack_hits(55, scripted(56))


def test_roll_attack_rolls_damage_only_on_a_hit() -> None:
    damage_rolls: list[int] = []

    def damage() -> int:
        damage_rolls.append(1)
        return 7

    assert combat.roll_attack(100, 100, damage, scripted(80)) == combat.AttackRoll(55, False)
    assert damage_rolls == []
    assert combat.roll_attack(100, 100, damage, scripted(55)) == combat.AttackRoll(55, True, 7)
    assert damage_rolls == [1]


def test_karma_same() -> None:
    assert combat.karma_same(-75, 40) is False
    assert combat.karma_same(-75, 9) is True  # new players are spared
    assert combat.karma_same(-75, -40) is True
    assert combat.karma_same(None, 100) is True
    assert combat.karma_same(0, -100) is True


def test_seeded_fight_is_repeatable() -> None:
    def fight(seed: int) -> list[int]:
        roll = roll_with(random.Random(seed))
        return [
            combat.monster_damage(60, roll) if combat.attack_hits(combat.chance_to_hit(300, 250), roll) else 0
            for _ in range(20)
        ]

    assert fight(7) == fight(7)


# --- resistances --------------------------------------------------------------------------


def test_resistance_takes_best_resistance_plus_worst_weakness() -> None:
    resistances = [
        Resistance(50, WeaponDamage.SLASH),
        Resistance(20, WeaponDamage.ALL),
        Resistance(-30, WeaponDamage.NONMAGIC),
        Resistance(75, SpellDamage.FIRE, spell=True),
    ]
    slash = WeaponDamage.NONMAGIC | WeaponDamage.SLASH
    assert combat.resistance_modifier(resistances, slash) == 50 - 30
    assert combat.resistance_modifier(resistances, WeaponDamage.MAGIC | WeaponDamage.THRUST) == 20
    assert combat.resistance_modifier(resistances, 0, SpellDamage.FIRE) == 75
    assert combat.resistance_modifier(resistances, 0, SpellDamage.COLD) == 0
    # An ALL entry matches any attack of its kind, but not an empty one.
    assert combat.resistance_modifier([Resistance(40, SpellDamage.ALL, spell=True)], 0, SpellDamage.COLD) == 40
    assert combat.resistance_modifier([Resistance(40, WeaponDamage.ALL)], 0, SpellDamage.COLD) == 0
    # Clipped to the resistance range.
    assert combat.resistance_modifier([Resistance(300, WeaponDamage.ALL)], slash) == 100


def test_damage_after_resistance() -> None:
    assert combat.damage_after_resistance(10, 0) == 10
    assert combat.damage_after_resistance(10, 50) == 5
    assert combat.damage_after_resistance(10, 100) == 0
    assert combat.damage_after_resistance(10, -50) == 15  # a weakness adds
    assert combat.damage_after_resistance(7, 25) == 5  # 7*75/100 = 5.25


# --- monsters -----------------------------------------------------------------------------


def test_fuzzy_is_three_quarters_to_five_quarters() -> None:
    assert combat.fuzzy(100, lowest) == 75
    assert combat.fuzzy(100, highest) == 125
    assert combat.fuzzy(-100, lowest) == -75
    assert combat.fuzzy(10, scripted(3)) == 10 - 2 + 3  # roll(0, 5)


def test_monster_offense_and_defense_from_level_and_difficulty() -> None:
    assert combat.monster_offense(50, 4) == 3 * 50 + 60 * 4 == 390
    assert combat.monster_defense(50, 4) == 390
    assert combat.monster_offense(50, 4, palsied=True) == 292
    assert combat.monster_offense(50, 4, fixed=200) == 200
    assert combat.monster_offense(500, 9) == 1500  # bounded
    assert combat.monster_defense(0, 0) == 1


def test_monster_damage() -> None:
    # Level 60: 60 / random(10, 15) = 60 / 12 = 5, then fuzzed by random(0, 2): 5 - 1 + 2.
    assert combat.monster_damage(60, scripted(12, 2)) == 6
    assert combat.monster_damage(60, scripted(12, 2), palsied=True) == 4
    assert combat.monster_damage(5, scripted(15, 0)) == 1  # at least one point
    assert combat.monster_damage(60, scripted(7), min_damage=5, max_damage=9) == 7
    assert combat.monster_damage(60, scripted(9), max_damage=9) == 9  # a missing end copies the other
    assert combat.monster_damage(60, scripted(4), min_damage=8, max_damage=4) == 4  # inverted ends


def test_monster_hit_points_and_ranges() -> None:
    assert combat.monster_max_hit_points(25) == 25
    assert combat.monster_max_hit_points(39) == 39
    assert combat.monster_max_hit_points(40) == 48
    assert combat.monster_max_hit_points(90) == 108
    assert combat.monster_spawn_hit_points(90, lowest) == 108 - 27
    assert combat.monster_attack_range(0) == 2 and combat.monster_attack_range(6) == 3 and combat.monster_attack_range(12) == 3
    assert combat.monster_vision_distance(5) == 6
    assert combat.monster_dodge_ability(3) == 30
    assert combat.monster_health_band(100, 100) == 5 and combat.monster_health_band(39, 100) == 1


def test_monster_blow_always_costs_a_point() -> None:
    assert combat.monster_damage_taken(10, resistance=100) == 1
    assert combat.monster_damage_taken(10, resistance=50, bonus=2) == 7
    assert combat.monster_damage_taken(10, resistance=100, absolute=True) == 10


def test_monster_timers() -> None:
    # Fuzzy(1000) with the low roll is 750; difficulty 5 and speed 10: 3500 - 70*25.
    assert combat.monster_attack_delay_ms(5, 10, lowest) == 750 + 3500 - 1750
    # Fuzzy(150) low is 113; diagonal: 1414*113/1000 = 159.
    assert combat.monster_chase_delay_ms(5, 10, lowest) == 113 + 2000 - 40 * 25
    assert combat.monster_chase_delay_ms(5, 10, lowest, diagonal=True) == 159 + 2000 - 40 * 25
    # Move: Fuzzy(1500) low is 1125, Fuzzy(10) low is 8: 300*(26-8).
    assert combat.monster_move_delay_ms(10, lowest) == 1125 + 300 * 18
    assert combat.monster_heals_on_chase_step(scripted(1)) and not combat.monster_heals_on_chase_step(scripted(2))
    assert combat.monster_heals_on_move_step(scripted(1)) and not combat.monster_heals_on_move_step(scripted(2))


def test_treasure_count() -> None:
    assert combat.monster_treasure_count(110, 6, scripted(2)) == 1 + 2 + 2
    assert combat.monster_treasure_count(300, 9, scripted(3)) == 6  # capped
    assert combat.monster_treasure_count(300, 9, scripted(3), item_factor=175) == 10
    assert combat.monster_treasure_count(20, 0, scripted(0), item_factor=50) == 1
    assert combat.monster_treasure_count(300, 9, scripted(), one_treasure=True) == 1


# --- weapons and players ------------------------------------------------------------------

LONG_SWORD = combat.STOCK_WEAPONS["LongSword"]
SCIMITAR = combat.STOCK_WEAPONS["Scimitar"]
MACE = combat.STOCK_WEAPONS["Mace"]
LONGBOW = combat.STOCK_WEAPONS["Longbow"]


def test_weapon_numbers() -> None:
    assert LONG_SWORD.reach == 3 and MACE.reach == 2 and LONGBOW.reach == 100
    assert LONGBOW.two_handed and not LONG_SWORD.two_handed
    assert LONG_SWORD.stroke is combat.SLASH_STROKE and LONGBOW.stroke is combat.FIRE_STROKE
    assert combat.weapon_offense_bonus(LONG_SWORD, 100) == 225  # thrust +125
    assert combat.weapon_offense_bonus(SCIMITAR, 100) == 150  # slash +0, high quality +50
    assert combat.weapon_offense_bonus(MACE, 100) == 175  # bludgeon +75, low quality +0
    assert combat.weapon_offense_bonus(LONGBOW, 100, condition_percent=50) == 150
    negative = combat.Weapon("odd bow", AttackKind.RANGED, 456, WeaponDamage.PIERCE, hit_roll_modifier=-20)
    assert combat.weapon_offense_bonus(negative, 100) == 120  # the original adds its magnitude
    assert combat.weapon_base_damage(SCIMITAR, highest) == 11 + 1
    assert combat.weapon_base_damage(MACE, lowest) == 4 - 1
    assert combat.weapon_base_damage(LONGBOW, scripted(4)) == 4
    assert combat.weapon_base_damage(combat.STOCK_WEAPONS["BattleBow"], scripted(4)) == 6
    assert combat.weapon_base_damage(LONGBOW, scripted(), ammo_damage=None) == 0
    gold = combat.Weapon("gold", AttackKind.MELEE, 451, WeaponDamage.THRUST, fixed_damage=(2, 5), quality=WeaponQuality.HIGH)
    assert combat.weapon_base_damage(gold, highest) == 5


def test_player_offense() -> None:
    # Unarmed: punch 20, brawling 0, aim 30, base max health 40: 60 + 0 + 120 + 60.
    assert combat.player_offense(20, 0, 30, 40) == 240
    # Long sword: slash 50, sword 30, aim 40, base 60: 150 + 60 + 160 + 90 = 460, +125 thrust.
    assert combat.player_offense(50, 30, 40, 60, LONG_SWORD) == 585
    assert combat.player_offense(50, 30, 40, 60, LONGBOW, ranged_without_line_of_sight=True) == 280
    assert combat.player_offense(50, 30, 40, 60, LONG_SWORD, universal_percent=10) == 643
    assert combat.player_offense(99, 99, 50, 150, LONG_SWORD) == 1000  # bounded
    assert combat.player_offense(0, 0, 0, 0) == 1


def test_player_defense() -> None:
    # parry 20, block 10, dodge 30, agility 25, base 40: 40 + 10 + 90 + 100 + 60.
    assert combat.player_defense(20, 10, 30, 25, 40) == 300
    assert combat.player_defense(99, 99, 99, 50, 150) == 1000


def test_player_damage() -> None:
    # Scimitar rolls 10 (+1 quality) = 11; slash keeps 80%: 8; proficiency 50 adds 51*5/100 = 2;
    # might 45 adds 20%: 8*120/100 = 9. Total 11.
    assert combat.player_damage(scripted(10), might=45, aim=10, weapon=SCIMITAR, proficiency_ability=50) == 11
    # Bow: arrow 5, fire keeps 90%: 4; aim 65 adds the full 40%: 5; proficiency 0 adds 0.
    assert combat.player_damage(scripted(5), might=10, aim=65, weapon=LONGBOW) == 5
    # Unarmed: random(1, 4) = 4, brawling 40 adds 2, might 25 adds nothing.
    assert combat.player_damage(scripted(4), might=25, aim=10, brawling_ability=40) == 6
    # At least one point with a weapon.
    assert combat.player_damage(scripted(0), might=10, aim=10, weapon=LONGBOW, ammo_damage=(0, 0)) == 1


def test_player_attack_type_and_reach() -> None:
    assert combat.player_attack_type(None) == WeaponDamage.UNARMED | WeaponDamage.PUNCH
    assert combat.player_attack_type(SCIMITAR) == WeaponDamage.NONMAGIC | WeaponDamage.SLASH
    assert combat.player_attack_reach(None) == 2
    assert combat.player_attack_reach(MACE, target_moved_recently=True) == 3
    assert combat.player_attack_reach(LONGBOW, target_moved_recently=True) == 100
    assert combat.within_reach(2, 2, 3) and not combat.within_reach(3, 1, 3)


def test_damage_a_player_takes() -> None:
    # Capped to a third of base max health, rounded up: 40 -> 14.
    assert combat.player_damage_taken(25, health=40, base_max_health=40) == 14
    assert combat.player_damage_taken(25, health=40, base_max_health=40, outlaw_or_murderer=True) == 25
    assert combat.player_damage_taken(50, health=200, base_max_health=100) == 30  # never over 30
    assert combat.player_damage_taken(10, health=40, base_max_health=40, resistance=100) == 1
    assert combat.player_damage_taken(50, health=40, base_max_health=40, absolute=True) == 50


def test_swing_exertion() -> None:
    assert combat.swing_exertion(LONG_SWORD) == 2000
    assert combat.swing_exertion(None) == 5000


@pytest.mark.parametrize("weapon_class", list(WeaponClass))
def test_every_melee_class_has_numbers(weapon_class: WeaponClass) -> None:
    weapon = combat.Weapon("x", AttackKind.MELEE, 451, WeaponDamage.THRUST, weapon_class)
    low, high = combat.MELEE_DAMAGE_RANGE[weapon_class]
    assert low <= combat.weapon_base_damage(weapon, roll_with(random.Random(1))) <= high
    assert weapon.reach in (2, 3)
