"""End to end on the imported original world: the wards (free action, eagle eyes, magic
shield, armor of Gort) cast with BP_REQ_CAST by one player on another in Jasper's streets:
(and night vision) the costs, the icon, the words by the original's resource ids (the target's when it starts
and when it wears off, the caster's naming the target), the state each keeps, the flag or
the defence or the light it gives, its time (drawn, or the shields' fixed minutes), and what it does in
a fight: Gort's cap on a blow's and a spell's damage, eagle eyes' aim with a bow, and an
attack spell at one with deflect turned back on its caster (or not, told)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from emulator.content.model import WorldDefinition
from emulator.importer.blakod import KodTree
from emulator.importer.original import ImportReport
from emulator.rules import casting as rules
from emulator.rules.combat import SKID_PROFICIENCY_BOW, weapon_of
from emulator.rules.dice import roll_with
from emulator.rules.spells import personal
from emulator.rules.spells import wards as ward_rules
from emulator.wire.codec import Message
from emulator.world.casting import spell_object_id
from emulator.world.spells.wards import ranged_damage_bonus, ranged_offense_bonus, ward_damage

from .test_casting_e2e import Scene, _name_of, power
from .test_consumables_e2e import bars, texts_of
from .test_forget_e2e import fighting_room
from .test_personal_enchantments_e2e import cast_with, make_scene, said

WARDS = {"freeaction": "free_action", "eagleeyes": "eagle_eyes", "magicshield": "magic_shield", "armorofgort": "armor_of_gort",
         "deflect": "deflect", "nightvision": "night_vision"}


@pytest.fixture
def scene(imported: tuple[Path, ImportReport], world: WorldDefinition, kod_tree: KodTree, tmp_path: Path) -> Iterator[Scene]:
    made = make_scene(imported[0], world, kod_tree, tmp_path, "jasper")
    try:
        yield made
        assert not made.alice.closed_by_server and not made.bob.closed_by_server
    finally:
        made.server.stop()


def test_the_import_reads_the_wards(world: WorldDefinition) -> None:
    for key, effect in WARDS.items():
        spell = world.spells[key]
        assert (spell.effect, spell.school, spell.targets) == (effect, "kraanan", 1), key
        for purpose in ("target", "caster", "ended", "already_on", "not_here"):
            assert spell.text_id(purpose), (key, purpose)
    assert world.spells["nightvision"].duration == (1_500_000, 25_000)
    assert world.spells["freeaction"].duration == (180_000, 3_000)
    assert world.spells["eagleeyes"].duration == (120_000, 2_000)
    assert world.spells["magicshield"].duration is None and world.spells["armorofgort"].duration is None


@pytest.mark.parametrize("key", sorted(WARDS))
def test_a_ward_cast_on_another_lasts_and_wears_off(scene: Scene, key: str) -> None:
    world, caster, target = scene.world, scene.caster, scene.target
    messages = world.messages
    assert messages is not None
    live = scene.server.hub.world
    spell, effect = world.spells[key], WARDS[key]
    caster.spells[key] = 60
    for reagent in spell.reagents:
        scene.give(reagent.kind, reagent.count * 3)
    defense_before = live.armour_of(target.object_id)[0]
    reply = cast_with(scene, key, target.object_id, 40)
    spell_power = power(scene, key)
    assert bars(reply, 2)[-1] == caster.stats.mana == 40 - rules.mana_cost(spell.mana or 0, spell_power)
    told = reply + scene.alice.read()
    heard = scene.bob.read()
    if spell.cast_time:  # the trance first
        assert not live.is_enchanted(target.object_id, key)
        scene.server.advance(spell.cast_time * 1.5 / 1000 + 0.5)
        told += scene.alice.read()
        heard += scene.bob.read()
    assert [m["object"]["id"] for m in heard if m.name == "BP_ADD_ENCHANTMENT"] == [spell_object_id(spell.number)]
    assert (said(scene, spell, "target"), []) in texts_of(heard)
    assert (said(scene, spell, "caster"), [messages.id("article_none"), _name_of(scene, told, target)]) in texts_of(told)
    (enchantment,) = live.enchantments_of(target.object_id)
    state = ward_rules.STATES[effect](spell_power)
    assert enchantment.state == state
    for flag in ward_rules.FLAGS.get(effect, ()):
        assert live.enchantment_flag(target.object_id, flag)
    room_light = world.rooms[target.room].player_light
    if effect == "night_vision":  # the target's client is told its new light
        assert [m["light"] for m in heard if m.name == "BP_LIGHT_PLAYER"] == [min(255, room_light + state)]
    if effect == "magic_shield":  # counted as the defence of the target's armour
        assert live.armour_of(target.object_id)[0] == defense_before + 50 + 2 * state
    now_ms = round(live.game_time * 1000)
    assert enchantment.due_ms is not None
    left = enchantment.due_ms - now_ms
    fixed = ward_rules.FIXED_DURATIONS.get(effect)
    if fixed is not None:
        assert fixed(spell_power) - 3000 <= left <= fixed(spell_power)
    else:
        whole = personal.whole_duration_ms(key, spell.duration, spell_power)
        assert whole is not None and whole // 2 - 3000 <= left <= whole
    scene.server.advance(left / 1000 + 1.0)
    ended = scene.bob.read()
    assert [m["id"] for m in ended if m.name == "BP_REMOVE_ENCHANTMENT"] == [spell_object_id(spell.number)]
    assert (said(scene, spell, "ended"), []) in texts_of(ended)
    assert not live.is_enchanted(target.object_id, key)
    assert live.armour_of(target.object_id)[0] == defense_before
    if effect == "night_vision":
        assert [m["light"] for m in ended if m.name == "BP_LIGHT_PLAYER"] == [room_light]
    assert not any(live.enchantment_flag(target.object_id, f) for f in ("free_action", "eagle_eyes"))


def test_gort_caps_blows_and_eagle_eyes_aims_a_bow(scene: Scene) -> None:
    caster, target = scene.caster, scene.target
    live = scene.server.hub.world
    roll = roll_with(random.Random(7))
    assert ward_damage(live, target.object_id, 40, roll) == 40  # no ward: as it was
    caster.spells["armorofgort"] = caster.spells["eagleeyes"] = 60
    for key in ("armorofgort", "eagleeyes"):
        for reagent in scene.world.spells[key].reagents:
            scene.give(reagent.kind, reagent.count * 3)
        cast_with(scene, key, target.object_id, 40)
        scene.server.advance(3.5)
    assert live.is_enchanted(target.object_id, "armorofgort") and live.is_enchanted(target.object_id, "eagleeyes")
    blows = [ward_damage(live, target.object_id, 40, roll) for _ in range(20)]
    assert all(d == 15 for d in blows)
    assert {ward_damage(live, target.object_id, 10, roll) for _ in range(40)} <= {6, 7, 8, 9}
    assert all(ward_damage(live, target.object_id, d, roll, spell=True, typed=False) == min(d, 25) for d in (3, 30))
    bow = weapon_of("longbow", None, None, SKID_PROFICIENCY_BOW)
    sword = weapon_of("longsword", None, None, None)
    eagle = next(e for e in live.enchantments_of(target.object_id) if e.spell == "eagleeyes")
    assert ranged_offense_bonus(live, target.object_id, bow) == eagle.state >= 10
    assert ranged_damage_bonus(live, target.object_id, bow) == 1
    assert ranged_offense_bonus(live, target.object_id, sword) == ranged_damage_bonus(live, target.object_id, sword) == 0
    assert ranged_offense_bonus(live, caster.object_id, bow) == 0


def test_deflect_turns_an_attack_spell_back_on_its_caster(
    imported: tuple[Path, ImportReport], world: WorldDefinition, kod_tree: KodTree, tmp_path: Path,
) -> None:
    scene = make_scene(imported[0], world, kod_tree, tmp_path, fighting_room(world))
    try:
        caster, target = scene.caster, scene.target
        live = scene.server.hub.world
        for monster in [m for m in live.monsters() if m.room == caster.room]:
            live._monsters.remove(monster)  # no bites in the way
        for player in (caster, target):
            player.stats.max_health = player.stats.base_max_health = player.stats.health = 60
        caster.safety = False
        caster.spells["deflect"] = caster.spells["shockingfury"] = 60
        for key in ("deflect", "shockingfury"):
            for reagent in world.spells[key].reagents:
                scene.give(reagent.kind, reagent.count * 20)
        cast_with(scene, "deflect", target.object_id, 40)
        scene.server.advance(5.0)  # its trance
        (deflect,) = live.enchantments_of(target.object_id)
        spell = world.spells["deflect"]
        caster_name, target_name = (scene.server.hub.context.in_world[p.object_id].avatar.name_resource  # type: ignore[union-attr]
                                    for p in (caster, target))
        deflect.state = 101  # always turned
        scene.bob.read()
        told = _attack(scene)
        assert (said(scene, spell, "deflected_back"), [target_name]) in texts_of(told)
        assert (said(scene, spell, "deflected"), [caster_name]) in texts_of(scene.bob.read())
        assert target.stats.health == 60 and caster.stats.health < 60 and not caster.outlaw
        deflect.state = 0  # never turned: the bearer is told, and hurt
        caster.stats.health = 60
        _attack(scene)
        assert (said(scene, spell, "deflect_failed"), [caster_name]) in texts_of(scene.bob.read())
        assert target.stats.health < 60 and caster.stats.health == 60
        assert not scene.alice.closed_by_server and not scene.bob.closed_by_server
    finally:
        scene.server.stop()


def _attack(scene: Scene) -> list[Message]:
    """Shocking fury at the target until it does not fizzle (after its two seconds' wait)."""
    failed = scene.world.messages.id("spell_failed")  # type: ignore[union-attr]
    spell = scene.world.spells["shockingfury"]
    for _ in range(30):
        scene.server.advance(spell.post_cast + 0.5)
        scene.alice.read()
        scene.caster.stats.mana = 40
        reply = scene.alice.request("BP_REQ_CAST", spell={"id": spell_object_id(spell.number), "amount": None},
                                    targets=[{"id": scene.target.object_id, "amount": None}])
        assert reply
        if not any(m.name == "BP_MESSAGE" and m["format"] == failed for m in reply):
            return reply
    raise AssertionError("shocking fury fizzled 30 times")
