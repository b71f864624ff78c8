"""The casting rules (emulator.rules.casting, emulator.rules.spells) against figures
worked out by hand from spell.kod and the spells' classes."""

from __future__ import annotations

from emulator.rules import casting
from emulator.rules.spells import vitals
from emulator.rules.vitals import EXERTION_PER_VIGOR
from emulator.world.spells.creation import food_for


def test_spell_power_is_half_the_ability_plus_the_schools_bonuses() -> None:
    # Shal'ille: karma/10 (at most 10) on top of half the ability
    assert casting.spell_power(casting.PowerFigures(ability=50, school="shalille", karma=35)) == 25 + 3
    assert casting.spell_power(casting.PowerFigures(ability=50, school="shalille", karma=-200)) == 25 + 10
    # Qor: 2 + 2 a hour from noon (noon: 2), and karma
    assert casting.spell_power(casting.PowerFigures(ability=40, school="qor", karma=-20, hour=12)) == 20 + 2 + 2
    assert casting.spell_power(casting.PowerFigures(ability=40, school="qor", hour=0)) == 20 + 26
    # Kraanan: the crowd (at most 30) and the health share in tenths
    assert casting.spell_power(casting.PowerFigures(ability=20, school="kraanan", room_population=45, health=20,
                                                    max_health=40)) == 10 + 30 + 5
    # Faren: vigor/20
    assert casting.spell_power(casting.PowerFigures(ability=99, school="faren", vigor=200)) == 49 + 10
    # never below 1 nor above 99
    assert casting.spell_power(casting.PowerFigures(ability=1, school="riija")) == 1
    assert casting.spell_power(casting.PowerFigures(ability=99, school="kraanan", room_population=99, health=1,
                                                    max_health=1)) == 89


def test_mana_cost_success_and_trance() -> None:
    assert [casting.mana_cost(10, p) for p in (40, 41, 80, 81)] == [10, 9, 9, 8]
    assert casting.mana_cost(1, 99) == 1 and casting.mana_cost(0, 99) == 0
    assert casting.failed_mana(10, 50) == 4
    # requisite 50, power 50: 25 + 50
    assert casting.success_chance(50, 50) == 75
    assert casting.success_chance(0, 1) == 5 and casting.success_chance(100, 99) == 95
    assert casting.trance_ms(0, 50) == 0
    assert casting.trance_ms(600, 1) == 894 and casting.trance_ms(600, 99) == 306


def test_karma_asked_by_the_schools() -> None:
    assert casting.karma_allows("shalille", 1, 10) and not casting.karma_allows("shalille", 2, 19)
    assert casting.karma_allows("qor", 2, -20) and not casting.karma_allows("qor", 1, 0)
    assert casting.karma_allows("faren", 5, -100) and casting.karma_allows("riija", 5, 100)


def test_improvement_chances() -> None:
    # intellect 50: half as much again
    assert casting.initial_improve_chance(20, 50) == 30
    # 60 + 50 - 10 = 100; factor bound(150 - 10 + 10) = 100: 100, capped at 99
    assert casting.improvement_chance(50, 1, 0, 10, 0) == 99
    # other schools and a high ability: 60 + 50 - 10 - 6 = 94; factor bound(150 - 90 + 10, 50, 100) = 70 -> 65
    assert casting.improvement_chance(50, 1, 6, 90, 0) == 65
    # past twice the requisite stat: quartered, but never below 1 + requisite/10
    assert casting.improvement_chance(20, 1, 0, 60, 0) == 70 // 4
    # casts of the school add a percent per 7 levels cast
    assert casting.improvement_chance(30, 2, 0, 50, 140) == casting.improvement_chance(30, 2, 0, 50, 0) + 10 == 80
    dice = iter([10, 5])
    assert casting.improves(lambda low, high: next(dice), 30, 40, 6)
    assert not casting.improves(lambda low, high: 31, 30, 40, 99)  # the first gate
    assert not casting.improves(lambda low, high: 1, 30, 99, 99)  # the cap


def test_the_gifts_and_the_heal() -> None:
    caster = vitals.Vitals(health=50, max_health=50, mana=40, max_mana=40, vigor=100, karma=30)
    target = vitals.Vitals(health=20, max_health=40, mana=10, max_mana=20, vigor=40, karma=50)
    # mystic touch: 25% of 40 at power 50 = 10
    assert vitals.give_mana(50, 3, caster, target) == 10
    # ... never past one and a half the target's max
    assert vitals.give_mana(99, 3, caster, vitals.Vitals(20, 40, 28, 20, 40)) == 2
    # breath of life: the target's karma in percent of the caster's health, 75% + power/2 of it given
    assert vitals.give_health(50, caster, target) == (25, 25 * 100 // 100)
    # relay: the power in vigor, a quarter more to the target
    assert vitals.give_vigor(40, caster, target) == (40 * EXERTION_PER_VIGOR, 50 * EXERTION_PER_VIGOR)
    assert vitals.gift_refusal("give_vigor", 5, vitals.Vitals(50, 50, 40, 40, 15), target, False) is vitals.Refusal.TOO_LOW
    assert vitals.gift_refusal("give_mana", 3, caster, target, True) is vitals.Refusal.NOT_ON_SELF
    assert vitals.gift_refusal("give_health", 3, caster, None, False) is vitals.Refusal.BAD_TARGET
    assert vitals.heal_refusal(vitals.Vitals(40, 40, 0, 0, 0)) is vitals.Refusal.UNNECESSARY
    # minor heal: die 3, (50+1)/20 = 2, karma 50/20 = 2; a player not open to player killing gets 2 to 5 more
    dice = iter([3, 4])
    assert vitals.heal_amount(lambda low, high: next(dice), 50, target) == 7 + 4
    assert vitals.heal_amount(lambda low, high: 5, 99, vitals.Vitals(1, 40, 0, 0, 0, 200, pkill_enabled=True)) == 10


def test_create_food_by_the_roll() -> None:
    assert [food_for(r, False) for r in (0, 29, 30, 39, 40, 59, 60, 69, 70, 79, 80, 94, 95)] == [
        "apple", "apple", "bread", "bread", "grapes", "grapes", "turkeyleg", "turkeyleg", "meatpie", "meatpie",
        "cheese", "cheese", "cheese",
    ]
    assert food_for(99, True) == "inkycap" and food_for(94, True) == "cheese"


def test_a_target_behind_the_caster_is_out_of_view() -> None:
    east, south, west, north = 0, 1024, 2048, 3072
    assert casting.in_view(east, 10, 10, 10, 15) and not casting.in_view(east, 10, 10, 10, 5)
    assert casting.in_view(west, 10, 10, 10, 5) and not casting.in_view(west, 10, 10, 10, 15)
    assert casting.in_view(south, 10, 10, 15, 10) and not casting.in_view(south, 10, 10, 5, 10)
    assert casting.in_view(north, 10, 10, 5, 10) and not casting.in_view(north, 10, 10, 15, 10)
    # beside the caster, whatever the facing
    assert casting.in_view(east, 10, 10, 10, 9) and casting.in_view(north, 10, 10, 11, 10)
    # facing south-east: behind is north-west of the line through the caster
    assert casting.in_view(512, 10, 10, 12, 9) and not casting.in_view(512, 10, 10, 9, 8)
