"""Kill rewards (karma, max health) against cases worked by hand from player.kod."""

from __future__ import annotations

from emulator.rules import kills
from emulator.rules.kills import KillRecord

from .test_rules_combat import scripted


def test_karma_units() -> None:
    assert kills.shown_karma(-5099) == -50  # truncates towards zero
    assert kills.add_karma(9950, 300) == 10000
    assert kills.add_karma(-9950, -300) == -10000


def test_karma_change_from_act() -> None:
    assert kills.karma_change_from_act(30, 0) == 0  # neutral acts
    assert kills.karma_change_from_act(60, 20) == 0  # a milder good act for a good doer
    assert kills.karma_change_from_act(-60, -20) == 0
    # Doer 0, act -50 with full swing: gap 50, -(125000/2500 + 250) = -300.
    assert kills.karma_change_from_act(0, -50, 10) == -300
    assert kills.karma_change_from_act(0, -50, 1) == -30  # divided by 11 - 1
    assert kills.karma_change_from_act(0, 50, 10) == 300


def test_killing_an_evil_monster_raises_karma() -> None:
    # A neutral player kills a troll (karma -75): an act of +75, gap -75:
    # -(-421875/2500 + -375) = -(-168 - 375) = 543 hundredths, full swing as the original runs.
    assert kills.karma_change_for_killing_monster(0, -75) == 543
    # Computed as a monster kill it would be a swing of 6 (543/5 = 108), within the 1.5 limit.
    assert kills.karma_change_from_kill(0, -75, victim_is_monster=True) == 108
    assert kills.karma_change_for_killing_monster(0, 0) == 0  # neutral or karma-less monsters
    assert kills.karma_change_for_killing_monster(0, -75, no_karma_room=True) == 0
    assert kills.karma_change_for_killing_monster(0, -75, chaos_night=True) == 0


def test_monster_kill_flag_uses_neutral_swing_and_limit() -> None:
    # Player 20 kills a monster of -10: a kill towards zero takes the neutral swing, but
    # the act (+10) is milder than the player's own karma, so nothing changes.
    assert kills.karma_change_from_kill(20, -10, victim_is_monster=True) == 0
    # Player 20 kills a monster of 90: an act of -90, gap 110, swing 6 (player not stronger).
    raw = -(110**3 // 2500 + 5 * 110)
    assert kills.karma_change_from_kill(20, 90, victim_is_monster=True) == -150 == max(raw // 5, -150)
    assert kills.karma_change_from_kill(20, None) == 0


def test_killing_a_player() -> None:
    assert kills.karma_change_from_kill(0, 50) == -300
    assert kills.karma_change_from_kill(0, 50, chaos_night=True) == 0


def test_high_mark() -> None:
    # Base 40, stamina 50: index 20, (21 * 20).
    assert kills.advancement_high_mark(40, 50) == 420


def test_base_max_health_bounds() -> None:
    assert kills.gain_base_max_health(20, -1, 30) == 20
    assert kills.gain_base_max_health(130, 1, 30) == 130  # 100 + stamina
    assert kills.gain_base_max_health(150, 1, 60) == 150


HARD_FIGHT = KillRecord(did_damage=True, took_damage=True, killing_blow=True)


def test_tough_kill_adds_three_and_rolls() -> None:
    # Base 40 (not a newbie), monster level 60: gain 3, chance 10 + 3 = 13; level bonus (20/5) 4.
    result = kills.health_gain_after_kill(60, True, HARD_FIGHT, 40, 40, 50, 10, scripted(16))
    assert result.gained_point and result.base_max_health == 41
    # New chance: -(41/2) - (50 - 50)/2 = -20.
    assert result.gain_chance == -20


def test_roll_that_misses_keeps_the_chance() -> None:
    result = kills.health_gain_after_kill(60, True, HARD_FIGHT, 40, 40, 50, 10, scripted(17))
    assert result == kills.HealthGainResult(13, False, 40)


def test_newbie_bonus_and_no_roll_for_equal_monsters() -> None:
    # Base 25 kills a level-25 monster: 1 (close level) + 1 (newbie), no roll.
    result = kills.health_gain_after_kill(25, True, HARD_FIGHT, 25, 25, 30, 0, scripted())
    assert result == kills.HealthGainResult(2, False, 25)
    # A much weaker monster gives nothing to a veteran.
    assert kills.health_gain_after_kill(10, True, HARD_FIGHT, 60, 60, 30, 5, scripted()).gain_chance == 5


def test_no_damage_done_gives_nothing() -> None:
    idle = KillRecord(did_damage=False, took_damage=True, killing_blow=False)
    assert kills.health_gain_after_kill(90, True, idle, 40, 40, 30, 7, scripted()) == kills.HealthGainResult(7, False, 40)


def test_boosted_players_gain_half_and_never_roll() -> None:
    result = kills.health_gain_after_kill(60, True, HARD_FIGHT, 40, 100, 50, 0, scripted())
    assert result == kills.HealthGainResult(1, False, 40)  # 3 / 2


def test_gain_capped_by_stamina() -> None:
    # Base 130 with stamina 20 is past 101 + stamina: a winning roll still gains nothing.
    result = kills.health_gain_after_kill(200, True, HARD_FIGHT, 130, 130, 20, 10_000, scripted(1))
    assert not result.gained_point and result.gain_chance == 10_003
    # At exactly 100 + stamina the roll "succeeds" (chance reset) but the bound keeps the base.
    at_cap = kills.health_gain_after_kill(200, True, HARD_FIGHT, 130, 130, 30, 10_000, scripted(1))
    assert at_cap == kills.HealthGainResult(-65 - 10, True, 130)
