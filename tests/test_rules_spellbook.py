"""The original's rules of learning (player.kod PlayerCanLearn), starting abilities and a
new character's choices, as pure functions."""

from __future__ import annotations

import random

from hypothesis import given, strategies as st

from emulator.rules import shops
from emulator.rules.spellbook import (
    FAREN, JALA, KRAANAN, QOR, RIIJA, SHALILLE, Known, Learn, can_learn, creation_cost, initial_ability,
    karma_allows, new_character, school_number,
)


def test_school_bytes_follow_the_clients_list() -> None:
    assert [school_number(s) for s in ("shalille", "qor", "kraanan", "faren", "riija", "jala")] == [1, 2, 3, 4, 5, 6]
    assert school_number("dm_command") == 7 and school_number("") == 0


def test_a_newcomer_learns_a_level_one_spell_of_a_neutral_school() -> None:
    sweep = Known("sweep", 1, FAREN)
    assert can_learn(sweep, [], intellect=0, karma=0, previous_level_count=0).answer is Learn.SUCCESS
    assert can_learn(sweep, [Known("blink", 1, RIIJA, 10)], 25, 0, 0).answer is Learn.SUCCESS
    assert can_learn(sweep, [Known("sweep", 1, FAREN, 10)], 25, 0, 0).answer is Learn.ALREADY
    assert shops.teaching_price(1) == 500 and shops.teaching_price(3) == 2000


def test_the_opposed_schools_ask_for_karma() -> None:
    """Shal'ille wants 10 karma a level, Qor -10 a level (spell.kod GetRequiredKarma)."""
    assert can_learn(Known("heal", 1, SHALILLE), [], 25, 0, 0).answer is Learn.KARMA
    assert can_learn(Known("heal", 1, SHALILLE), [], 25, 10, 0).answer is Learn.SUCCESS
    assert can_learn(Known("cloak", 1, QOR), [], 25, 20, 0).answer is Learn.KARMA
    assert can_learn(Known("cloak", 1, QOR), [], 25, -20, 0).answer is Learn.SUCCESS
    assert karma_allows(SHALILLE, 2, 20) and not karma_allows(SHALILLE, 2, 19)
    assert karma_allows(QOR, 3, -30) and not karma_allows(QOR, 3, -29)
    assert karma_allows(KRAANAN, 6, -100) and karma_allows(JALA, 6, 100)


def test_a_higher_level_needs_ability_in_the_one_below() -> None:
    level_two = Known("bramblewall", 2, FAREN)
    assert can_learn(level_two, [], 25, 0, 9).answer is Learn.NOBASE
    short = can_learn(level_two, [Known("sweep", 1, FAREN, 20)], 25, 0, 9)
    assert short.answer is Learn.BASE and short.short_by > 0
    masters = [Known(k, 1, FAREN, 99) for k in ("sweep", "zap", "light")]
    assert can_learn(level_two, masters, 25, 0, 9).answer is Learn.SUCCESS
    # knowing one of the level above opens the whole level
    assert can_learn(level_two, [Known("heat", 3, FAREN, 1)], 0, 0, 9).answer is Learn.SUCCESS


@given(st.integers(0, 60), st.integers(0, 2**32))
def test_starting_ability_is_within_one_and_twenty_five(requisite: int, seed: int) -> None:
    ability = initial_ability(requisite, random.Random(seed))
    assert 1 <= ability <= 25
    assert ability <= max(1, requisite // 2)


def test_a_new_characters_choices() -> None:
    heal, cloak = Known("heal", 1, SHALILLE), Known("cloak", 1, QOR)
    flash, bless = Known("flash", 1, RIIJA), Known("bless", 2, KRAANAN)
    punch = Known("punch", 1, 10, spell=False)
    chosen = new_character([heal, flash], [punch])  # 30 points
    assert chosen.spells == (heal,) and chosen.skills == (punch,) and chosen.karma == 20  # Riija is not offered
    assert new_character([bless, heal], []).spells == (bless, heal)  # 35 points
    assert new_character([cloak], []).karma == -20 and new_character([heal, cloak], []).karma == 0
    assert creation_cost(1) == 10 and creation_cost(2) == 25
    # more than 45 points: nothing is kept
    assert new_character([bless, Known("haste", 2, KRAANAN)], []).spells == ()
