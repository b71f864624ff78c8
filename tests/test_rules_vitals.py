"""Health, mana and vigor rules against cases worked by hand from player.kod and user.kod."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from emulator.rules import vitals
from emulator.rules.vitals import Vigor


def test_maxima() -> None:
    assert vitals.initial_max_mana(24) == 19
    assert vitals.max_health_cap(30) == 130
    assert vitals.max_health_cap(60) == 150


def test_health_regen_delay() -> None:
    # Vigor 100, stamina 25, max health 50: (100*100)/6 + 1000 = 2666; *100/100; *100/50.
    assert vitals.health_regen_delay_ms(100, 25, 50) == 5332
    # Full vigor, high stamina, big pool: (0 + 1000) * 75/100 = 750, *100/100 -> floor of 1000.
    assert vitals.health_regen_delay_ms(200, 50, 150) == 1000
    # Exhausted newbie: (40000/6 + 1000) = 7666 * 120/100 = 9199 * 100/40 = 22997.
    assert vitals.health_regen_delay_ms(0, 5, 20) == 22997


@given(st.integers(1, 200), st.integers(1, 50), st.integers(20, 300))
def test_health_regen_delay_bounds(vigor: int, stamina: int, max_health: int) -> None:
    assert 1000 <= vitals.health_regen_delay_ms(vigor, stamina, max_health) <= 60000


def test_mana_regen_delay() -> None:
    # Mysticism 25, vigor 100, max mana 20: 150000 * 200/100 = 300000 / 20 = 15000.
    assert vitals.mana_regen_delay_ms(10, 20, 100, 25) == 15000
    assert vitals.mana_regen_delay_ms(30, 20, 100, 25) == vitals.BOOST_DECAY_TIME
    assert vitals.mana_regen_delay_ms(10, 200, 200, 50) == 1000
    assert vitals.mana_regen_delay_ms(0, 1, 1, 0) == 60000


def test_regen_ticks() -> None:
    assert vitals.health_after_regen_tick(10, 20) == 11
    assert vitals.health_after_regen_tick(30, 20) == 29  # boosted health decays
    assert vitals.health_after_regen_tick(10, 20, moved_since_entry=False) == 10
    assert vitals.mana_after_regen_tick(5, 20) == 6
    assert vitals.mana_after_regen_tick(25, 20) == 24
    assert vitals.health_regen_runs(10, 20) and not vitals.health_regen_runs(20, 20) and not vitals.health_regen_runs(0, 20)


def test_heals() -> None:
    assert vitals.health_after_gain(30, 20, 15) == 40  # boosting gains stop at twice max
    assert vitals.health_after_heal(15, 20, 10) == 20
    assert vitals.health_after_heal(25, 20, 10) == 25


def test_exertion_accumulates_before_moving_vigor() -> None:
    state = Vigor(100, 0)
    for _ in range(10):  # ten sword swings: 20000 exertion, not yet over the threshold
        state = vitals.add_exertion(state, 2000)
    assert state == Vigor(100, 20000)
    state = vitals.add_exertion(state, 2000)
    assert state == Vigor(98, 2000)  # two whole points taken, the rest kept
    assert vitals.add_exertion(Vigor(100, 0), vitals.eating_exertion(5)) == Vigor(105, 0)
    assert vitals.add_exertion(Vigor(2, 0), 100000) == Vigor(1, 0)  # never below 1
    assert vitals.add_exertion(Vigor(199, 0), vitals.eating_exertion(200)) == Vigor(200, 0)


def test_restore_to_rest_threshold() -> None:
    assert vitals.restore_to_rest_threshold(Vigor(30, 5000)) == Vigor(80, 0)
    assert vitals.restore_to_rest_threshold(Vigor(90, 15000)) == Vigor(89, 5000)


def test_rest_gives_three_vigor_every_third_tick() -> None:
    state = Vigor(50, 0)
    state = vitals.rest_tick(state)
    assert state == Vigor(50, -10000)
    state = vitals.rest_tick(state)
    assert state == Vigor(50, -20000)
    state = vitals.rest_tick(state)
    assert state == Vigor(53, 0)
    # Sanctuary doubles: -20000 is not past the threshold, the second tick is.
    doubled = vitals.rest_tick(Vigor(50, 0), room_multiplier=vitals.SANCTUARY_REST_MULTIPLIER)
    assert doubled == Vigor(50, -20000)
    assert vitals.rest_tick(doubled, room_multiplier=2) == Vigor(54, 0)
    # Never past the rest threshold, and nothing at or above it.
    assert vitals.rest_tick(Vigor(79, -20000)) == Vigor(80, 0)
    assert vitals.rest_tick(Vigor(80, -20000)) == Vigor(80, -20000)
    assert vitals.rest_delay_ms(25) == 1000 + 30 * 26


def test_moving() -> None:
    assert vitals.move_exertion(vitals.USER_WALKING_SPEED) == 2 * 15 * 15
    assert vitals.move_exertion(vitals.USER_RUNNING_SPEED) == 2 * 30 * 30
    assert vitals.can_run(10) and not vitals.can_run(9)


def test_the_stomach_empties_twelve_a_hundred_seconds_and_never_below_one() -> None:
    assert vitals.stomach_after(100, 100) == 88
    assert vitals.stomach_after(50, 99) == 39  # 99 * 12 // 100 = 11
    assert vitals.stomach_after(0, 0) == 1 and vitals.stomach_after(30, 10_000) == 1
    assert vitals.stomach_after(120, 0) == 100


def test_what_is_eaten_must_fit_the_stomach() -> None:
    assert not vitals.too_full(75, 25) and vitals.too_full(76, 25)
    assert not vitals.too_full(100, 0)


def test_food_gives_vigor_by_its_nutrition_within_the_bounds() -> None:
    eaten = vitals.add_exertion(Vigor(40, 0), vitals.eating_exertion(15))
    assert eaten == Vigor(55, 0)
    assert vitals.add_exertion(Vigor(195, 0), vitals.eating_exertion(30)).vigor == vitals.MAX_VIGOR
    assert vitals.add_exertion(Vigor(40, 0), vitals.eating_exertion(1)) == Vigor(40, -10_000)  # too little: kept
