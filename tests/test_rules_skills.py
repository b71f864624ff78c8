"""The fighting skills' rules with the original's numbers (skill.kod, player.kod, shield.kod,
weapon.kod, stroke.kod), and the figures the import writes for them."""

from __future__ import annotations

from collections.abc import Callable

from emulator.content.model import WorldDefinition
from emulator.importer.blakod import KodTree
from emulator.rules import skills as rules
from emulator.rules.combat import (
    SKID_BLOCK,
    SKID_BRAWLING,
    SKID_DODGE,
    SKID_PARRY,
    SKID_PROFICIENCY_MACE,
    SKID_PUNCH,
    SKID_SLASH,
    STOCK_WEAPONS,
    player_defense,
)
from emulator.rules.feedback import Defence, defence_of_miss

MACE, LONGBOW = STOCK_WEAPONS["Mace"], STOCK_WEAPONS["Longbow"]


def scripted(*values: int, seen: list[tuple[int, int]] | None = None) -> Callable[[int, int], int]:
    """A die that answers the given values in turn, noting each range asked for."""
    queue = list(values)

    def roll(low: int, high: int) -> int:
        if seen is not None:
            seen.append((low, high))
        value = queue.pop(0)
        assert low <= value <= high
        return value

    return roll


def test_the_original_s_constants(kod_tree: KodTree) -> None:
    player = kod_tree.classes["player"]
    assert player.constant("SWINGS_PER_IMPROVE_CHECK") == rules.SWINGS_PER_IMPROVE_CHECK == 75
    assert player.constant("ADVANCEMENT_LIMIT") == rules.ADVANCEMENT_LIMIT == 10
    assert (player.constant("ADVANCE_TIMER_MIN"), player.constant("ADVANCE_TIMER_MAX")) == (
        rules.ADVANCE_TIMER_MIN_MS, rules.ADVANCE_TIMER_MAX_MS)
    assert kod_tree.classes["skill"].constant("SOFTCAP_PENALTY") == rules.SOFTCAP_PENALTY
    assert kod_tree.classes["settings"].value("piAdvancementRate") == rules.ADVANCEMENT_RATE
    assert [kod_tree.constant(n) for n in ("SKID_DODGE", "SKID_PARRY", "SKID_BLOCK")] == [SKID_DODGE, SKID_PARRY, SKID_BLOCK]


def test_parry_needs_a_melee_weapon_block_a_shield() -> None:
    assert rules.parry_ability(40, None) == 0
    assert rules.parry_ability(40, MACE) == 40
    assert rules.parry_ability(40, LONGBOW) == 0  # ranged.kod: no parrying with a bow
    assert rules.block_ability(40, None) == 0
    # shield.kod: skill plus the shield's defence, within [1, 120]
    assert rules.block_ability(40, 15) == 55
    assert rules.block_ability(0, 20) == 20  # a shield blocks a little without the skill
    assert rules.block_ability(0, 0) == 1
    assert rules.block_ability(99, 30) == 120
    assert rules.dodge_ability(33) == 33
    assert rules.defence_abilities(40, 50, 60, MACE, 10) == rules.DefenceAbilities(40, 60, 60)
    assert rules.defence_abilities(40, 50, 60, None, None) == rules.DefenceAbilities(0, 0, 60)


def test_the_defences_weigh_in_the_defence_value_and_in_how_a_miss_is_told() -> None:
    # player.kod GetDefense: 2*parry + block + 3*dodge + 4*agility + 3/2*base max health
    guard = rules.defence_abilities(30, 20, 10, MACE, 5)
    assert player_defense(guard.parry, guard.block, guard.dodge, 40, 20) == 60 + 25 + 30 + 160 + 30
    # battler.kod GetDefenseDesc: random(0, 30 + 25 + 10 + 50) falls in parry, block, dodge or avoid
    told = [defence_of_miss(guard.parry, guard.block, guard.dodge, scripted(drawn)) for drawn in (0, 29, 30, 54, 55, 64, 65, 115)]
    assert told == [Defence.PARRY, Defence.PARRY, Defence.BLOCK, Defence.BLOCK, Defence.DODGE, Defence.DODGE,
                    Defence.AVOID, Defence.AVOID]
    seen: list[tuple[int, int]] = []
    defence_of_miss(guard.parry, guard.block, guard.dodge, scripted(0, seen=seen))
    assert seen == [(0, 115)]


def test_a_shield_takes_its_share_only_on_a_block_check() -> None:
    # skill.kod SuccessChance: (100 - requisite) * ability / 100 + requisite + modifier
    assert rules.success_chance(50, 40) == 70
    assert rules.success_chance(20, 0, 10) == 30
    assert rules.success_chance(50, 99, 20) == 119
    # block 40, agility 50, shield defence 15: 85 or less passes
    assert rules.shield_block_succeeds(40, 50, 15, scripted(85))
    assert not rules.shield_block_succeeds(40, 50, 15, scripted(86))
    seen: list[tuple[int, int]] = []
    assert not rules.shield_block_succeeds(0, 50, 15, scripted(seen=seen)) and seen == []  # no skill, no roll


def test_the_skills_a_swing_uses() -> None:
    assert (rules.stroke_skill(None), rules.proficiency_skill(None)) == (SKID_PUNCH, SKID_BRAWLING)
    assert (rules.stroke_skill(MACE), rules.proficiency_skill(MACE)) == (SKID_SLASH, SKID_PROFICIENCY_MACE)


def test_every_75_swings_with_one_proficiency_earn_a_swing_bonus() -> None:
    count = rules.SwingCount()
    for _ in range(74):
        count = rules.swing_recorded(count, SKID_PROFICIENCY_MACE)
    assert (count.swings, count.bonus) == (74, 0)
    count = rules.swing_recorded(count, SKID_PROFICIENCY_MACE)
    assert (count.swings, count.bonus) == (75, 1)
    for _ in range(75):
        count = rules.swing_recorded(count, SKID_PROFICIENCY_MACE)
    assert count.bonus == 2
    # another weapon's proficiency starts over
    assert rules.swing_recorded(count, SKID_BRAWLING) == rules.SwingCount(SKID_BRAWLING, 1, 0)


def test_a_landed_blow_tries_the_stroke_or_the_proficiency() -> None:
    # stroke.kod ImproveStroke: random(1, 100) above 60 (or no proficiency): the stroke
    def pick(drawn: int, stroke: int = 10, proficiency: int = 10, knows: bool = True, level: int = 30) -> int | None:
        return rules.stroke_or_proficiency(SKID_SLASH, stroke, SKID_PROFICIENCY_MACE, proficiency, knows, level, scripted(drawn))

    assert pick(61) == SKID_SLASH
    assert pick(60) == SKID_PROFICIENCY_MACE
    assert pick(1, knows=False) == SKID_SLASH
    # only while under the target's level
    assert pick(61, stroke=30) is None and pick(60, proficiency=30) is None and pick(60, proficiency=29) == SKID_PROFICIENCY_MACE
    # bare-handed (unarmed.kod): punch above 50, else brawling when known; any level
    def bare(drawn: int, knows: bool = True) -> int | None:
        return rules.stroke_or_proficiency(SKID_PUNCH, 40, SKID_BRAWLING, 40, knows, 10, scripted(drawn), armed=False)

    assert (bare(51), bare(50), bare(1, knows=False)) == (SKID_PUNCH, SKID_BRAWLING, SKID_PUNCH)


def test_a_kill_after_being_missed_tries_parry_block_or_dodge() -> None:
    # player.kod AdvancementCheck: parry with a melee weapon on random(1, 100) < 30, then block
    assert rules.defence_skill_to_improve(True, True, True, True, scripted(29)) == SKID_PARRY
    assert rules.defence_skill_to_improve(True, True, True, True, scripted(30, 29)) == SKID_BLOCK
    assert rules.defence_skill_to_improve(True, True, True, True, scripted(30, 30)) == SKID_DODGE
    seen: list[tuple[int, int]] = []
    assert rules.defence_skill_to_improve(False, True, False, True, scripted(seen=seen)) == SKID_DODGE and seen == []
    assert rules.defence_skill_to_improve(True, False, True, False, scripted()) == SKID_DODGE


def test_the_chances_to_improve() -> None:
    # skill.kod GetInitialChance: the class's chance plus intellect percent of it
    assert rules.initial_chance(20, 50) == 30  # dodge, intellect 50
    assert rules.initial_chance(60, 25) == 75  # block
    assert rules.initial_chance(20, 50, universal_percent=10) == 33
    # GetTotalLearnPoints: the points of the highest level known per school (1, 2, 4, 6, 8, 10)
    assert rules.learn_points([]) == 0
    assert rules.learn_points([("qor", 3), ("qor", 5), ("faren", 1)]) == 8 + 1
    assert rules.learn_points([("shalille", 6), ("kraanan", 2), ("jala", 4)]) == 10 + 2 + 6
    # GetSecondaryChance: 60 + requisite - 10 * level - learn points, scaled by the difficulty
    assert rules.secondary_chance(50, 2, 0, None) == 90  # no monster: difficulty 60, factor 100 (bound)
    assert rules.secondary_chance(50, 2, 0, 45) == 90  # 2*45 + 10 = 100 percent
    assert rules.secondary_chance(50, 2, 0, 30) == 63  # 70 percent
    assert rules.secondary_chance(50, 2, 0, 10) == 45  # 30, kept to 50 percent
    assert rules.secondary_chance(50, 2, 9, 30) == 56  # 81 * 70 / 100
    assert rules.secondary_chance(10, 6, 4, 10) == 5  # 6 * 50% = 3: at least 5
    # over the soft cap (an ability above twice the requisite, less one): a fifth
    assert rules.secondary_chance(40, 2, 0, 45, spell_ability=99) == 8  # 80 * 50% / 5
    assert rules.secondary_chance(50, 2, 0, 45, advancement_rate=125) == 112


def test_improving_rolls_in_the_original_s_order() -> None:
    seen: list[tuple[int, int]] = []
    # the initial die (1..100) within the initial chance, then 0..100 under the secondary
    assert rules.improves(40, 30, 63, 50, scripted(30, 62, seen=seen))
    assert seen == [(1, 100), (0, 100)]
    assert not rules.improves(40, 30, 63, 50, scripted(31))
    assert not rules.improves(40, 30, 63, 50, scripted(30, 63))
    assert not rules.improves(99, 30, 63, 50, scripted(1))  # at the top
    assert not rules.improves(0, 30, 63, 50, scripted(1))  # not known
    # the secondary chance is kept to [1 + requisite/10, 99]
    assert rules.improves(40, 30, 1, 50, scripted(1, 5)) and not rules.improves(40, 30, 1, 50, scripted(1, 6))
    assert rules.improves(40, 30, 500, 50, scripted(1, 98)) and not rules.improves(40, 30, 500, 50, scripted(1, 99))
    # a hard-learn room: a tenth of the chance
    assert not rules.improves(40, 30, 63, 50, scripted(1, 6), hard_learn=True)
    assert rules.improves(40, 30, 63, 50, scripted(1, 5), hard_learn=True)


def test_the_advancement_cap_and_its_notes() -> None:
    assert rules.advancement_cap_note(scripted(2)) is None
    assert rules.advancement_cap_note(scripted(1, 3)) == 3
    assert rules.advancement_timer_ms(scripted(1_000_000)) == 1_000_000


def test_the_import_writes_each_skill_s_chance_and_requisite(world: WorldDefinition) -> None:
    figures = {key: (world.skills[key].improve_chance, world.skills[key].requisite, world.skills[key].level) for key in (
        "dodge", "parry", "block", "punch", "slash", "brawling", "maceproficiency", "swordproficiency", "archery",
        "scimitarproficiency")}
    assert figures == {
        "dodge": (20, "agility", 2), "parry": (20, "agility", 4), "block": (60, "agility", 1),
        "punch": (60, "agility", 1), "slash": (20, "agility", 1), "brawling": (25, "might", 2),
        "maceproficiency": (40, "might", 1), "swordproficiency": (30, "aim", 3), "archery": (15, "aim", 5),
        "scimitarproficiency": (20, "agility", 4),
    }
    assert {world.skills[k].number for k in ("dodge", "parry", "block")} == {SKID_DODGE, SKID_PARRY, SKID_BLOCK}
