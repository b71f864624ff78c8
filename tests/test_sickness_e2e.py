"""End to end on the imported original world: the sicknesses (enfeeble, dement, vertigo)
cast with BP_REQ_CAST by one player on another where players may fight, and on a monster.
The victim loses its might, intellect, or agility, might and aim for a while (its
attributes on the sheet), both read the original's words, and it wears off; a monster
palsied strikes at three quarters. And the refusals: oneself, one already ailing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from emulator.content.model import WorldDefinition
from emulator.importer.blakod import KodTree
from emulator.importer.original import ImportReport
from emulator.rules.spells import personal
from emulator.rules.spells import sickness as rules
from emulator.world.casting import spell_object_id
from emulator.world.monsters import weakened
from emulator.world.spells.sickness import palsied

from .test_casting_e2e import Scene, power
from .test_consumables_e2e import texts_of
from .test_forget_e2e import fighting_room
from .test_personal_enchantments_e2e import cast_with, make_scene, said

LOST = {"enfeeble": ("might",), "dement": ("intellect",), "vertigo": ("agility", "might", "aim")}


@pytest.fixture
def scene(imported: tuple[Path, ImportReport], world: WorldDefinition, kod_tree: KodTree, tmp_path: Path) -> Iterator[Scene]:
    made = make_scene(imported[0], world, kod_tree, tmp_path, fighting_room(world))
    try:
        caster, target = made.caster, made.target
        for player in (caster, target):
            player.stats.max_health = player.stats.base_max_health = player.stats.health = 60
            player.stats.might = player.stats.agility = player.stats.aim = 40
        caster.safety = False
        caster.stats.karma = -40  # enough for Qor's third level
        for key in LOST:
            caster.spells[key] = 60
            for reagent in made.world.spells[key].reagents:
                made.give(reagent.kind, reagent.count * 6)
        yield made
        assert not made.alice.closed_by_server and not made.bob.closed_by_server
    finally:
        made.server.stop()


@pytest.mark.parametrize("key", sorted(LOST))
def test_a_sickness_weakens_a_player_then_wears_off(scene: Scene, key: str) -> None:
    world, caster, target = scene.world, scene.caster, scene.target
    messages = world.messages
    assert messages is not None
    live = scene.server.hub.world
    for monster in [m for m in live.monsters() if m.room == caster.room]:
        live._monsters.remove(monster)
    spell = world.spells[key]
    assert spell.effect == key and spell.harmful and spell.targets == 1
    before = live.effective_stats(target.object_id)
    told = cast_with(scene, key, target.object_id, 40)
    spell_power = power(scene, key)
    heard = scene.bob.read()
    name = scene.server.hub.context.in_world[target.object_id].avatar.name_resource  # type: ignore[union-attr]
    if key == "vertigo":
        assert (said(scene, spell, "dazed"), [messages.id("cap_article_none"), name]) in texts_of(told)
        assert (said(scene, spell, "target"), []) in texts_of(heard)
        amount = rules.vertigo_amount(spell_power)
    else:
        assert (said(scene, spell, "sensed"), []) in texts_of(told)
        assert [f for f, _ in texts_of(heard) if f in (said(scene, spell, "sensed"), said(scene, spell, "sick"))] == [
            said(scene, spell, "sensed"), said(scene, spell, "sick")]
        amount = rules.sickness_amount(spell_power)
    assert [m["object"]["id"] for m in heard if m.name == "BP_ADD_ENCHANTMENT"] == [spell_object_id(spell.number)]
    after = live.effective_stats(target.object_id)
    for attribute in ("might", "intellect", "agility", "aim"):
        lost = amount if attribute in LOST[key] else 0
        assert getattr(after, attribute) == max(1, getattr(before, attribute) - lost), attribute
    # once ailing, refused; on oneself, refused
    mana = caster.stats.mana
    reply = scene.cast(key, target.object_id)
    expected = ((said(scene, spell, "already_on"), [messages.id("cap_article_none"), name]) if key == "vertigo"
                else (said(scene, spell, "already_sick"), []))
    assert texts_of(reply) == [expected] and caster.stats.mana == mana
    reply = scene.cast(key, caster.object_id)
    assert texts_of(reply) == [(said(scene, spell, "not_on_self"), [scene.server.hub.context.resources.id(spell.name)])]
    # it wears off
    (enchantment,) = live.enchantments_of(target.object_id)
    assert enchantment.due_ms is not None
    left = enchantment.due_ms - round(live.game_time * 1000)
    whole = rules.vertigo_whole_ms(spell_power) if key == "vertigo" else personal.whole_duration_ms(key, spell.duration, spell_power)
    assert whole is not None and whole // 2 - 5000 <= left <= whole
    scene.server.advance(left / 1000 + 1.0)
    ended = scene.bob.read()
    assert (said(scene, spell, "ended"), []) in texts_of(ended)
    assert [m["id"] for m in ended if m.name == "BP_REMOVE_ENCHANTMENT"] == [spell_object_id(spell.number)]
    assert live.effective_stats(target.object_id) == before


def test_enfeeble_and_vertigo_palsy_a_monster_and_dement_marks_it(scene: Scene) -> None:
    caster = scene.caster
    live = scene.server.hub.world
    monsters = [m for m in live.monsters() if m.room == caster.room]
    assert len(monsters) >= 1
    rat = monsters[0]
    for other in monsters[1:]:
        live._monsters.remove(other)
    caster.stats.health = caster.stats.max_health = 300  # its bites do not matter here
    cast_with(scene, "dement", rat.object_id, 40)
    assert live.enchantment_flag(rat.object_id, "dementia") and not palsied(live, rat.object_id)
    told = cast_with(scene, "enfeeble", rat.object_id, 40)
    assert (said(scene, scene.world.spells["enfeeble"], "sensed"), []) in texts_of(told)
    assert palsied(live, rat.object_id)
    reply = scene.cast("vertigo", rat.object_id)  # palsied already: vertigo is refused
    assert [f for f, _ in texts_of(reply)] == [said(scene, scene.world.spells["vertigo"], "already_on")]
    assert weakened(8, True) == 6 and weakened(1, True) == 1 and weakened(8, False) == 8
