"""The rules' constants and stock data equal the original game's, read at test time.

Reads the copy in ``../shared/upstream`` (or ``$M59_SHARED/upstream``) with the project's
Blakod reader, once per session, so the numbers in ``emulator/rules`` cannot drift from it.
"""

from __future__ import annotations


import pytest

from emulator.importer.blakod import ClassRef, KodTree, find_assignments, find_sends
from emulator.rules import combat, death, kills, vitals

from .conftest import SHARED

UPSTREAM = SHARED / "upstream"
KOD_DIR = UPSTREAM / "kod"
KODBASE = UPSTREAM / "build" / "kodbase.txt"


@pytest.fixture(scope="session")
def kod(kod_tree: KodTree) -> KodTree:
    return kod_tree  # parsed once for the session (tests/conftest.py)


def test_to_hit_and_resistance_constants(kod: KodTree) -> None:
    battler = kod.classes["Battler"]
    assert battler.constant("EQUAL_CHANCE_HIT") == combat.EQUAL_CHANCE_HIT
    assert kod.constant("MAX_RESISTANCE") == combat.MAX_RESISTANCE
    assert kod.constant("NO_RESISTANCE") == combat.NO_RESISTANCE
    assert kod.constant("MIN_RESISTANCE") == combat.MIN_RESISTANCE


def test_attack_type_flags(kod: KodTree) -> None:
    for flag in combat.WeaponDamage:
        assert kod.constant(f"ATCK_WEAP_{flag.name}") == flag.value, flag
    for spell_flag in combat.SpellDamage:
        assert kod.constant(f"ATCK_SPELL_{spell_flag.name}") == spell_flag.value, spell_flag


def test_monster_constants(kod: KodTree) -> None:
    for name in ("MOB_ATTACK_TIMER_WAIT", "MOB_CHASE_TIMER_WAIT", "MOB_MOVE_TIMER_WAIT", "MOB_FOLLOW_TIMER_WAIT"):
        assert kod.constant(name) == getattr(combat, name), name


def test_skill_ids(kod: KodTree) -> None:
    for name in dir(combat):
        if name.startswith("SKID_"):
            assert kod.constant(name) == getattr(combat, name), name


def test_weapon_tuning_constants(kod: KodTree) -> None:
    weapon = kod.classes["Weapon"]
    tiers = {combat.WeaponClass.BLUDGEON: "MID", combat.WeaponClass.THRUST: "HIGH", combat.WeaponClass.SLASH: "LOW"}
    for weapon_class, tier in tiers.items():
        assert weapon.constant(f"WEAPON_HITMOD_{tier}") == combat.MELEE_HIT_BONUS[weapon_class]
    damage_tiers = {combat.WeaponClass.BLUDGEON: "MID", combat.WeaponClass.THRUST: "LOW", combat.WeaponClass.SLASH: "HIGH"}
    for weapon_class, tier in damage_tiers.items():
        low, high = combat.MELEE_DAMAGE_RANGE[weapon_class]
        assert (weapon.constant(f"WEAPON_DAMAGE_{tier}_MIN"), weapon.constant(f"WEAPON_DAMAGE_{tier}_MAX")) == (low, high)
    range_tiers = {combat.WeaponClass.BLUDGEON: "LOW", combat.WeaponClass.THRUST: "HIGH", combat.WeaponClass.SLASH: "MID"}
    for weapon_class, tier in range_tiers.items():
        assert weapon.constant(f"WEAPON_RANGE_{tier}") == combat.MELEE_RANGE[weapon_class]
    quality_names = {
        combat.WeaponQuality.LOW: "LOW_QUALITY",
        combat.WeaponQuality.HIGH: "HIGH_QUALITY",
        combat.WeaponQuality.NERUDITE: "NERUDITE",
    }
    for quality, name in quality_names.items():
        assert weapon.constant(f"WEAPON_{name}_HITMOD") == combat.QUALITY_HIT_BONUS[quality]
        assert weapon.constant(f"WEAPON_{name}_DAMAGE") == combat.QUALITY_DAMAGE_BONUS[quality]
        assert weapon.constant(f"WEAPON_{name}_RANGE") == 0  # quality never changes reach
    for quality in combat.WeaponQuality:
        name = "WEAPON_NERUDITE" if quality is combat.WeaponQuality.NERUDITE else f"WEAPON_QUALITY_{quality.name}"
        assert kod.constant(name) == quality.value
    for weapon_class in combat.WeaponClass:
        assert kod.constant(f"WEAPON_TYPE_{weapon_class.name}") == weapon_class.value
    assert kod.constant("RANGE_MOVEMENT_BONUS") == combat.RANGE_MOVEMENT_BONUS


def test_stock_weapons_match_their_classes(kod: KodTree) -> None:
    for class_name, weapon in combat.STOCK_WEAPONS.items():
        cls = kod.classes[class_name]
        assert cls.value("viProficiency_needed") == weapon.proficiency, class_name
        if weapon.kind is combat.AttackKind.RANGED:
            assert cls.is_a("RangedWeapon")
            assert cls.value("viUse_amount") == 2 and weapon.two_handed
            assert cls.value("viWeaponDamage") == weapon.bonus_damage, class_name
            assert cls.value("viRange") == weapon.ranged_reach, class_name
            assert cls.value("viHit_roll_modifier") == weapon.hit_roll_modifier, class_name
            assert cls.value("vcAmmo") == ClassRef("Arrow")
        else:
            assert not cls.is_a("RangedWeapon")
            assert cls.value("viUse_amount") == 1 and not weapon.two_handed
            assert cls.value("viWeaponType") == weapon.weapon_class, class_name
            assert cls.value("viWeaponQuality") == weapon.quality, class_name
            assert cls.value("piAttack_type") == weapon.attack_type, class_name
    ammo = kod.classes["Ammo"]
    assert ammo.value("piAttack_type") == combat.ARROW_ATTACK_TYPE


def test_strokes(kod: KodTree) -> None:
    assert kod.classes["Stroke"].value("viMaxProficiencyDamage") == combat.SLASH_STROKE.max_proficiency_damage
    for class_name, stroke in (("Slash", combat.SLASH_STROKE), ("Fire", combat.FIRE_STROKE), ("Punch", combat.PUNCH_STROKE)):
        cls = kod.classes[class_name]
        assert cls.value("viSkill_num") == stroke.skill, class_name
        assert cls.value("viSkillExertion") == stroke.exertion, class_name
        if class_name != "Punch":  # unarmed damage does not use the factor
            assert cls.value("viDamage_factor") == stroke.damage_factor, class_name
    assert kod.classes["Unarmed"].value("viRange") == combat.UNARMED_RANGE


def test_player_constants(kod: KodTree) -> None:
    player = kod.classes["Player"]
    assert player.constant("MAX_HEALTH_DAMAGE_FRACTION") == combat.MAX_HEALTH_DAMAGE_FRACTION
    assert player.constant("MAX_DAMAGE_PER_HIT") == combat.MAX_DAMAGE_PER_HIT
    assert player.constant("BASE_REGEN_TIME") == vitals.BASE_REGEN_TIME
    assert player.constant("BOOST_DECAY_TIME") == vitals.BOOST_DECAY_TIME
    assert player.constant("MIN_VIGOR_CHANGE") == vitals.MIN_VIGOR_CHANGE
    assert player.value("viMax_vigor") == vitals.MAX_VIGOR
    assert player.value("piVigor") == vitals.INITIAL_VIGOR
    assert player.value("piVigor_rest_threshold") == vitals.DEFAULT_VIGOR_REST_THRESHOLD
    assert player.value("piHealth") == vitals.INITIAL_HEALTH
    assert player.value("piKarma") == 0
    user = kod.classes["User"]
    for name in ("EXERTION_PER_MOVE", "USER_WALKING_SPEED", "USER_RUNNING_SPEED", "VIGOR_RUN_THRESHOLD"):
        assert user.constant(name) == getattr(vitals, name), name
    assert kod.constant("PKILL_ENABLE_HP") == kills.PKILL_ENABLE_HP


def test_server_settings(kod: KodTree) -> None:
    settings = kod.classes["Settings"]
    assert settings.value("piDefaultDeathCost") == death.DEFAULT_DEATH_COST
    assert settings.value("piKillKarmaSwingPlayer") == kills.KILL_KARMA_SWING_PLAYER
    assert settings.value("piKillKarmaSwingMonster") == kills.KILL_KARMA_SWING_MONSTER
    assert settings.value("piItemFactor") == 100
    assert settings.value("piHPGainMultiplier") == 1
    # The neutral swing's default is overridden when the settings object is built.
    (neutral,) = find_assignments(settings, "piKillKarmaSwingNeutral", "Constructor")
    assert neutral.value == kills.KILL_KARMA_SWING_NEUTRAL


def test_where_the_dead_go(kod: KodTree) -> None:
    for name in ("RID_UNDERWORLD", "RID_NEWB_BASE", "RID_NEWB1", "RID_NEWB_MAX"):
        assert kod.constant(name) == getattr(death, name), name
    underworld = kod.classes[death.UNDERWORLD.room_class]
    assert underworld.value("piRoom_num") == death.RID_UNDERWORLD
    assert kod.classes[death.NEWBIE_RESTART.room_class].value("piRoom_num") == death.RID_NEWB1
    (placement,) = find_sends(kod.classes["User"], "UtilGoNearSquare", "UserGotoDeadRoom")
    expected = death.UNDERWORLD
    assert placement.named_arg("new_row") == expected.row
    assert placement.named_arg("new_col") == expected.col
    assert placement.named_arg("fine_row") == expected.fine_row
    assert placement.named_arg("fine_col") == expected.fine_col
    assert placement.named_arg("new_angle") == expected.angle
    # The consolation weapons exist as weapon classes.
    for class_name in ("Hammer", "Mace"):
        assert kod.classes[class_name].is_a("Weapon")
