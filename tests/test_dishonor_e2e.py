"""End to end on the imported original world: mark of dishonor cast with BP_REQ_CAST by a
good player where players may fight. On an evil player: twenty points of its vigor spent, its rest
threshold lowered the more the more evil, its health no more than its natural maximum,
the original's words to both, the mark's time fixed by the power, and all back when it
ends. On a monster: it turns on the caster. And the refusals: oneself, one marked."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from emulator.content.model import WorldDefinition
from emulator.importer.blakod import KodTree
from emulator.importer.original import ImportReport
from emulator.rules.spells import sickness as rules
from emulator.rules.vitals import DEFAULT_VIGOR_REST_THRESHOLD
from emulator.world.casting import spell_object_id
from emulator.world.spells.dishonor import rest_threshold

from .test_casting_e2e import Scene, power
from .test_consumables_e2e import bars, texts_of
from .test_forget_e2e import fighting_room
from .test_personal_enchantments_e2e import cast_with, make_scene, said

KEY = "markofdishonor"


@pytest.fixture
def scene(imported: tuple[Path, ImportReport], world: WorldDefinition, kod_tree: KodTree, tmp_path: Path) -> Iterator[Scene]:
    made = make_scene(imported[0], world, kod_tree, tmp_path, fighting_room(world))
    try:
        caster, target = made.caster, made.target
        for player in (caster, target):
            player.stats.max_health = player.stats.base_max_health = player.stats.health = 60
        caster.safety = False
        caster.stats.karma = 50  # good enough for Shal'ille's fourth level
        caster.spells[KEY] = 60
        for reagent in made.world.spells[KEY].reagents:
            made.give(reagent.kind, reagent.count * 5)
        yield made
        assert not made.alice.closed_by_server and not made.bob.closed_by_server
    finally:
        made.server.stop()


def test_the_mark_on_an_evil_player(scene: Scene) -> None:
    world, caster, target = scene.world, scene.caster, scene.target
    messages = world.messages
    assert messages is not None
    live = scene.server.hub.world
    for monster in [m for m in live.monsters() if m.room == caster.room]:
        live._monsters.remove(monster)
    spell = world.spells[KEY]
    assert (spell.effect, spell.school, spell.targets, spell.harmful) == ("dishonor", "shalille", 1, True)
    target.stats.karma = -50
    target.stats.health = 70  # above its natural maximum
    vigor = target.stats.vigor
    told = cast_with(scene, KEY, target.object_id, 40)
    spell_power = power(scene, KEY)
    heard = scene.bob.read()
    name = scene.server.hub.context.in_world[target.object_id].avatar.name_resource  # type: ignore[union-attr]
    assert (said(scene, spell, "vigor_affected"), [messages.id("cap_article_none"), name]) in texts_of(told)
    assert (said(scene, spell, "caster"), [messages.id("article_none"), name]) in texts_of(told)
    assert (said(scene, spell, "target"), []) in texts_of(heard)
    assert [m["object"]["id"] for m in heard if m.name == "BP_ADD_ENCHANTMENT"] == [spell_object_id(spell.number)]
    drop = rules.dishonor_threshold_drop(-50, DEFAULT_VIGOR_REST_THRESHOLD, 10, -100)
    assert drop == 35 and rest_threshold(live, target) == DEFAULT_VIGOR_REST_THRESHOLD - drop
    assert target.stats.health == 60 and bars(heard, 1)[-1] == 60
    assert target.stats.vigor == vigor - rules.DISHONOR_EXERTION // 10_000 and bars(heard, 3)[-1] == target.stats.vigor
    # marked already: refused; oneself: refused
    mana = caster.stats.mana
    reply = scene.cast(KEY, target.object_id)
    assert texts_of(reply) == [(said(scene, spell, "already_on"), [messages.id("cap_article_none"), name])]
    reply = scene.cast(KEY, caster.object_id)
    assert texts_of(reply) == [(said(scene, spell, "not_on_self"), [])] and caster.stats.mana >= mana  # nothing paid
    # its time is fixed by the power; then all is as it was
    (enchantment,) = live.enchantments_of(target.object_id)
    assert enchantment.due_ms is not None
    left = enchantment.due_ms - round(live.game_time * 1000)
    whole = 120_000 + 4000 * spell_power
    assert whole - 5000 <= left <= whole
    scene.server.advance(left / 1000 + 1.0)
    ended = scene.bob.read()
    assert (said(scene, spell, "ended"), []) in texts_of(ended)
    assert rest_threshold(live, target) == DEFAULT_VIGOR_REST_THRESHOLD


def test_the_mark_on_a_good_player_and_a_monster(scene: Scene) -> None:
    world, caster, target = scene.world, scene.caster, scene.target
    live = scene.server.hub.world
    spell = world.spells[KEY]
    target.stats.karma = 20
    vigor = target.stats.vigor
    told = cast_with(scene, KEY, target.object_id, 40)
    assert said(scene, spell, "vigor_affected") not in [f for f, _ in texts_of(told)]
    assert live.is_enchanted(target.object_id, KEY) and rest_threshold(live, target) == DEFAULT_VIGOR_REST_THRESHOLD
    assert target.stats.vigor >= vigor - 1
    monster = next(m for m in live.monsters() if m.room == caster.room)
    monster.target = None
    caster.stats.health = caster.stats.max_health = 300  # its bites do not matter here
    cast_with(scene, KEY, monster.object_id, 40)
    assert live.is_enchanted(monster.object_id, KEY)
    assert monster.target == caster.object_id or caster.stats.health < 300
