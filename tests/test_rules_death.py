"""Death rules against cases worked by hand from player.kod Killed / ApplyDeathPenalties."""

from __future__ import annotations

from emulator.rules import death
from emulator.rules.death import DeathCircumstances, Revival

from .test_rules_combat import scripted

TOS = 52  # a town room, outside the newbie area


def test_destination() -> None:
    assert death.death_destination(TOS) == death.UNDERWORLD
    assert death.UNDERWORLD.room_class == "Underworld" and (death.UNDERWORLD.row, death.UNDERWORLD.col) == (24, 10)
    assert death.death_destination(1015) == death.NEWBIE_RESTART
    assert death.death_destination(1018) == death.NEWBIE_RESTART
    assert death.death_destination(1019) == death.UNDERWORLD


def test_cheap_deaths() -> None:
    assert not death.is_cheap_death(DeathCircumstances(TOS))
    assert death.drops_inventory(DeathCircumstances(TOS))
    assert death.death_cost(DeathCircumstances(TOS)) == 100
    for cheap in (
        DeathCircumstances(TOS, chaos_night=True),
        DeathCircumstances(1012),
        DeathCircumstances(TOS, newbie_honor=True),
        DeathCircumstances(TOS, carrying_token=True),
    ):
        assert death.is_cheap_death(cheap) and not death.drops_inventory(cheap)
        assert death.death_cost(cheap) == 0


def test_revival() -> None:
    # Real death: 1 health; mana refilled to half max + 2 for the call for help; vigor / 4.
    assert death.revival_vitals(60, 30, 120, cost=100) == Revival(1, 17, 30)
    assert death.revival_vitals(60, 30, 120, cost=100, murderer=True) == Revival(1, 1, 30)
    assert death.revival_vitals(60, 30, 200, cost=0) == Revival(1, 1, 50)
    assert death.revival_vitals(60, 30, 3, cost=0) == Revival(1, 1, 1)  # vigor floor
    assert death.revival_vitals(60, 30, 3, cost=0, chaos_night=True) == Revival(30, 15, 100)


def test_consolation_weapon() -> None:
    assert death.consolation_weapon(5001, TOS) == "Hammer"
    assert death.consolation_weapon(5001, death.RID_NEWB1) == "Mace"
    assert death.consolation_weapon(0, TOS) == "Mace"
    assert death.consolation_weapon(-1, TOS) is None
    assert death.gain_chance_after_death(-7) == -3


SKILLS = [(421, 40), (401, 5), (450, 20)]
SPELLS = [(101, 30)]


def test_normal_penalty_divides_the_cost_and_keeps_health() -> None:
    # Cost 100 -> 33. Spell 101: 60 > stamina 30, 20 < 33: drops. Skill 421: 10 <= 30: kept
    # (second roll not made). Skill 401 is at 5: no rolls. Skill 450: 90 > 30 but 33 < 33: kept.
    penalty = death.apply_death_penalties(100, 50, 30, SKILLS, SPELLS, scripted(60, 20, 10, 90, 33))
    assert penalty == death.DeathPenalty(
        base_max_health=50,
        lost_health_point=False,
        skills={},
        spells={101: 29},
        clears_outlaw=True,
        leaves_guild=False,
        effective_cost=33,
    )


def test_murderer_risks_health_and_loses_two() -> None:
    penalty = death.apply_death_penalties(100, 30, 30, SKILLS, SPELLS, scripted(100, 31, 99, 31, 99, 31, 99), murderer=True)
    assert penalty.lost_health_point and penalty.base_max_health == 29 and penalty.leaves_guild
    assert penalty.spells == {101: 28} and penalty.skills == {421: 38, 450: 18}
    assert penalty.effective_cost == 100


def test_tutorial_player_keeps_health_on_a_high_roll() -> None:
    penalty = death.apply_death_penalties(60, 25, 30, [], [], scripted(61), tutorial=True)
    assert not penalty.lost_health_point and penalty.base_max_health == 25
    assert not penalty.clears_outlaw  # a reduced cost does not end outlaw status


def test_no_penalty_on_chaos_night_or_zero_cost() -> None:
    assert death.apply_death_penalties(100, 50, 30, SKILLS, SPELLS, scripted(), chaos_night=True).spells == {}
    free = death.apply_death_penalties(0, 50, 30, SKILLS, SPELLS, scripted(60, 1, 60, 1, 60, 1))
    assert free.skills == {} and free.spells == {} and not free.lost_health_point
