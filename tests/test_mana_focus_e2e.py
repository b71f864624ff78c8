"""End to end on the imported original world: mana focus cast with BP_REQ_CAST. After its
trance the caster reads the original's words and has its icon; while it keeps still its
mana comes back sooner (the timer's delay cut by half the power in percent); cast again it
is refused (the spell named); moving breaks it, told, its icon gone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from emulator.content.model import WorldDefinition, square_centre
from emulator.importer.blakod import KodTree
from emulator.importer.original import ImportReport
from emulator.rules.spells import hexes
from emulator.rules.vitals import mana_regen_delay_ms
from emulator.wire.codec import Message
from emulator.world.casting import spell_object_id

from .test_casting_e2e import Scene, power
from .test_consumables_e2e import texts_of
from .test_personal_enchantments_e2e import make_scene, said

KEY = "manafocus"


@pytest.fixture
def scene(imported: tuple[Path, ImportReport], world: WorldDefinition, kod_tree: KodTree, tmp_path: Path) -> Iterator[Scene]:
    made = make_scene(imported[0], world, kod_tree, tmp_path, "jasper")
    try:
        made.caster.spells[KEY] = 60
        for reagent in made.world.spells[KEY].reagents:
            made.give(reagent.kind, reagent.count * 5)
        yield made
        assert not made.alice.closed_by_server
    finally:
        made.server.stop()


def _cast(scene: Scene) -> list[Message]:
    scene.server.advance(1.5)
    scene.alice.read()
    scene.caster.stats.mana = 30
    return scene.alice.request("BP_REQ_CAST", spell={"id": spell_object_id(scene.world.spells[KEY].number), "amount": None},
                               targets=[])


def test_mana_focus_speeds_mana_until_the_trance_breaks(scene: Scene) -> None:
    world, caster = scene.world, scene.caster
    messages = world.messages
    assert messages is not None
    live = scene.server.hub.world
    spell = world.spells[KEY]
    assert (spell.effect, spell.targets, spell.school) == ("mana_focus", 0, "faren")
    failed = messages.id("spell_failed")
    for _ in range(30):
        reply = _cast(scene)
        if not any(f == failed for f, _ in texts_of(reply)):
            break
    scene.server.advance(spell.cast_time / 1000 * 1.5 + 0.5)  # its trance
    told = reply + scene.alice.read()
    assert (said(scene, spell, "target"), []) in texts_of(told)
    assert [m["object"]["id"] for m in told if m.name == "BP_ADD_ENCHANTMENT"] == [spell_object_id(spell.number)]
    assert live.enchantment_flag(caster.object_id, "mana_focus")
    stats = caster.stats
    delay = mana_regen_delay_ms(stats.mana, stats.max_mana, stats.vigor, stats.mysticism)
    focused = live.focusers.mana_delay_ms(caster, delay)
    assert focused == hexes.focused_mana_delay_ms(delay, power(scene, KEY)) < delay
    # the mana timer is armed with the shorter delay
    stats.mana, caster.mana_due_ms = 10, None
    scene.server.advance(1.0)
    now_ms = round(live.game_time * 1000)
    assert caster.mana_due_ms is not None and caster.mana_due_ms - now_ms <= focused
    # cast again: refused, the spell named
    reply = _cast(scene)
    name = dict(spell.resource_ids)["name"]
    assert (said(scene, spell, "already_focused"), [messages.id("article_none"), name]) in texts_of(reply)
    assert stats.mana == 30 and live.is_enchanted(caster.object_id, KEY)  # nothing paid, still focused
    # an attack spell cast in it lets it be (its cast moves the timer a swing shares)
    live.focusers.cast_begun(caster, world.spells["shockingfury"])
    caster.last_attack_at = (caster.last_attack_at or 0) + 5
    scene.server.advance(1.0)
    assert live.is_enchanted(caster.object_id, KEY)
    # moving breaks it
    spawn = world.rooms[caster.room].spawns[0]
    y, x = square_centre(spawn.row, spawn.col)
    scene.alice.request("BP_REQ_MOVE", y=y, x=x, speed=18, room={"id": live.room_id(caster.room), "amount": None})
    scene.server.advance(1.0)
    ended = scene.alice.read()
    assert (said(scene, spell, "ended"), []) in texts_of(ended)
    assert [m["id"] for m in ended if m.name == "BP_REMOVE_ENCHANTMENT"] == [spell_object_id(spell.number)]
    assert not live.is_enchanted(caster.object_id, KEY) and live.focusers.mana_delay_ms(caster, delay) == delay
