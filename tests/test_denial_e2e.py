"""End to end on the imported original world: denial cast with BP_REQ_CAST. The wounded
caster, after its trance, is at full health (its bars), reads the original's words, and
when it wears off loses that health again less a fifth of the power in percent (its bars
and words again); at full health it is refused, nothing paid."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from emulator.content.model import WorldDefinition
from emulator.importer.blakod import KodTree
from emulator.importer.original import ImportReport
from emulator.rules.spells import hexes
from emulator.world.casting import spell_object_id

from .test_casting_e2e import Scene, power
from .test_consumables_e2e import bars, texts_of
from .test_personal_enchantments_e2e import make_scene, said

KEY = "denial"


@pytest.fixture
def scene(imported: tuple[Path, ImportReport], world: WorldDefinition, kod_tree: KodTree, tmp_path: Path) -> Iterator[Scene]:
    made = make_scene(imported[0], world, kod_tree, tmp_path, "jasper")
    try:
        made.caster.spells[KEY] = 60
        made.caster.stats.max_health = made.caster.stats.base_max_health = 60
        for reagent in made.world.spells[KEY].reagents:
            made.give(reagent.kind, reagent.count * 5)
        yield made
        assert not made.alice.closed_by_server
    finally:
        made.server.stop()


def _cast(scene: Scene) -> list:
    scene.server.advance(1.5)
    scene.alice.read()
    scene.caster.stats.mana = 40
    return scene.alice.request("BP_REQ_CAST", spell={"id": spell_object_id(scene.world.spells[KEY].number), "amount": None},
                               targets=[])


def test_denial_hides_wounds_then_gives_them_back(scene: Scene) -> None:
    world, caster = scene.world, scene.caster
    live = scene.server.hub.world
    spell = world.spells[KEY]
    assert (spell.effect, spell.targets, spell.level) == ("denial", 0, 4)
    failed = world.messages.id("spell_failed")  # type: ignore[union-attr]
    for _ in range(30):
        caster.stats.health = 20
        reply = _cast(scene)
        if not any(f == failed for f, _ in texts_of(reply)):
            break
    spell_power = power(scene, KEY)
    scene.server.advance(spell.cast_time / 1000 * 1.5 + 0.5)  # its trance
    told = reply + scene.alice.read()
    assert (said(scene, spell, "target"), []) in texts_of(told)
    assert caster.stats.health == 60 and bars(told, 1)[-1] == 60
    (enchantment,) = live.enchantments_of(caster.object_id)
    debt = hexes.denial_debt(40, spell_power)
    assert enchantment.state == debt and 32 <= debt <= 40
    assert enchantment.due_ms is not None
    left = enchantment.due_ms - round(live.game_time * 1000)
    assert 20_000 - 2000 <= left <= 120_000
    caster.stats.max_mana = caster.stats.mana  # nothing else moves the bars meanwhile
    scene.server.advance(left / 1000 + 1.0)
    ended = scene.alice.read()
    assert (said(scene, spell, "ended"), []) in texts_of(ended)
    assert caster.stats.health <= 60 - debt + 2 and bars(ended, 1)[-1] == caster.stats.health  # regeneration may add a point
    assert not live.is_enchanted(caster.object_id, KEY)


def test_denial_at_full_health_is_refused(scene: Scene) -> None:
    caster, spell = scene.caster, scene.world.spells[KEY]
    caster.stats.health = 60
    reply = _cast(scene)
    assert texts_of(reply) == [(said(scene, spell, "not_wounded"), [])] and caster.stats.mana == 40
