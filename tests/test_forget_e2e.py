"""End to end on the imported original world: forget cast with BP_REQ_CAST by one player
on another where players may fight. The victim reads which of its spells it forgot (their
names by the original's resource ids), cannot cast them while it lasts (one of the
original's excuses, nothing paid), loses the use of a forgotten skill in fights, and is
told when it remembers; the caster reads its words naming the victim. And the refusals:
oneself, one already forgetful, and one with nothing to forget."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from emulator.content.model import WorldDefinition
from emulator.importer.blakod import KodTree
from emulator.importer.original import ImportReport
from emulator.rules import casting as rules
from emulator.rules.spells import hexes
from emulator.world.casting import spell_object_id
from emulator.world.spells.hexes import FORGOTTEN, forgets

from .test_casting_e2e import Scene, _name_of, power
from .test_consumables_e2e import bars, texts_of
from .test_personal_enchantments_e2e import cast_with, make_scene, said

KEY = "forgetspell"


def fighting_room(world: WorldDefinition) -> str:
    """The first room (by key) of giant rats where anyone may fight anyone."""
    return min(key for key, room in world.rooms.items()
               if not room.flags and room.spawns and any(m.kind == "giantrat" for m in room.monsters))


@pytest.fixture
def scene(imported: tuple[Path, ImportReport], world: WorldDefinition, kod_tree: KodTree, tmp_path: Path) -> Iterator[Scene]:
    made = make_scene(imported[0], world, kod_tree, tmp_path, fighting_room(world))
    try:
        live = made.server.hub.world
        for monster in [m for m in live.monsters() if m.room == made.caster.room]:
            live._monsters.remove(monster)  # no bites in the way
        caster, target = made.caster, made.target
        for player in (caster, target):  # grown up, so the rules of fights let one hex another
            player.stats.max_health = player.stats.base_max_health = player.stats.health = 60
        caster.safety = False
        caster.spells[KEY] = 50
        for reagent in made.world.spells[KEY].reagents:
            made.give(reagent.kind, reagent.count * 5)
        yield made
        assert not made.alice.closed_by_server and not made.bob.closed_by_server
    finally:
        made.server.stop()


def test_the_import_reads_forget(world: WorldDefinition) -> None:
    spell = world.spells[KEY]
    assert spell.effect == "forget" and (spell.school, spell.level, spell.targets, spell.harmful) == ("riija", 2, 1, True)
    assert (spell.figure("base_ms"), spell.figure("per_power_ms")) == (60_000, 787)
    for purpose in ("forgot_ability", "ended", "caster", "not_on_self", "already_forgetful", "nothing_to_forget",
                    "forgot1", "forgot2", "forgot3", "forgot4"):
        assert spell.text_id(purpose), purpose


def test_forget_takes_spells_away_until_it_ends(scene: Scene) -> None:
    world, caster, target = scene.world, scene.caster, scene.target
    messages = world.messages
    assert messages is not None
    live = scene.server.hub.world
    spell = world.spells[KEY]
    target.spells.clear()
    target.skills.clear()
    target.spells.update({"mystictouch": 30, "zap": 30})
    reply = cast_with(scene, KEY, target.object_id, 60)
    spell_power = power(scene, KEY)
    assert bars(reply, 2)[-1] == caster.stats.mana == 60 - rules.mana_cost(spell.mana or 0, spell_power)
    heard = scene.bob.read()
    name = _name_of(scene, reply, target)
    assert (said(scene, spell, "caster"), [messages.id("article_none"), name]) in texts_of(reply)
    (enchantment,) = live.enchantments_of(target.object_id)
    assert enchantment.spell == KEY and live.enchantment_flag(target.object_id, FORGOTTEN)
    forgotten = enchantment.state
    assert len(forgotten) == hexes.forgotten_count(spell_power) > 0
    assert all(kind == "spell" and key in ("mystictouch", "zap") for kind, key in forgotten)
    # the victim reads each one forgotten, by its name
    names = {key: dict(world.spells[key].resource_ids)["name"] for key in ("mystictouch", "zap")}
    told = [params for format_id, params in texts_of(heard) if format_id == said(scene, spell, "forgot_ability")]
    assert told == [[names[key]] for _, key in forgotten]
    # it lasts the base time and more with the power, give or take a minute
    now_ms = round(live.game_time * 1000)
    assert enchantment.due_ms is not None
    left = enchantment.due_ms - now_ms
    middle = 60_000 + 787 * spell_power
    assert middle - 60_000 - 2000 <= left <= middle + 60_000
    # a forgotten spell cannot be cast: an excuse, nothing paid
    lost = forgotten[0][1]
    target.spells[lost] = 30
    target.stats.mana = 40
    scene.server.advance(1.5)
    scene.alice.read()
    scene.bob.read()
    reply = scene.bob.request("BP_REQ_CAST", spell={"id": spell_object_id(world.spells[lost].number), "amount": None},
                              targets=[{"id": caster.object_id, "amount": None}])
    excuses = {said(scene, spell, f"forgot{n}") for n in range(1, 5)}
    assert [f for f, _ in texts_of(reply)] and all(f in excuses for f, _ in texts_of(reply))
    assert len(texts_of(reply)) == 1 and texts_of(reply)[0][1] == [] and target.stats.mana == 40
    # once forgetful, no more: the caster is told, nothing paid
    mana = caster.stats.mana
    reply = scene.cast(KEY, target.object_id)
    assert texts_of(reply) == [(said(scene, spell, "already_forgetful"), [messages.id("article_none"), name])]
    assert caster.stats.mana == mana and len(live.enchantments_of(target.object_id)) == 1
    # it wears off: the victim remembers, and casts again
    scene.server.advance(left / 1000 + 1.0)
    ended = scene.bob.read()
    assert (said(scene, spell, "ended"), []) in texts_of(ended)
    assert [m["id"] for m in ended if m.name == "BP_REMOVE_ENCHANTMENT"] == [spell_object_id(spell.number)]
    assert not live.enchantment_flag(target.object_id, FORGOTTEN) and not forgets(live, target.object_id, "spell", lost)
    scene.server.advance(1.5)
    scene.bob.read()
    reply = scene.bob.request("BP_REQ_CAST", spell={"id": spell_object_id(world.spells[lost].number), "amount": None},
                              targets=[{"id": caster.object_id, "amount": None}])
    assert not any(f in excuses for f, _ in texts_of(reply))


def test_forget_takes_skills_out_of_fights(scene: Scene) -> None:
    world, target = scene.world, scene.target
    live = scene.server.hub.world
    target.spells.clear()
    target.skills.clear()
    target.skills.update({"parry": 40})
    parry = world.skills["parry"].number
    assert live.fighting.ability(target, parry) == 40
    cast_with(scene, KEY, target.object_id, 60)
    (enchantment,) = live.enchantments_of(target.object_id)
    assert enchantment.state and all(entry == ["skill", "parry"] for entry in enchantment.state)
    assert live.fighting.ability(target, parry) == 0 and target.skills["parry"] == 40
    live.disenchant(target.object_id, KEY)
    assert live.fighting.ability(target, parry) == 40


def test_forget_is_refused_on_oneself_and_fails_on_one_with_nothing_to_forget(scene: Scene) -> None:
    world, caster, target = scene.world, scene.caster, scene.target
    messages = world.messages
    assert messages is not None
    live = scene.server.hub.world
    spell = world.spells[KEY]
    caster.stats.mana = 60
    reply = scene.cast(KEY, caster.object_id)
    assert texts_of(reply) == [(said(scene, spell, "not_on_self"), [])] and caster.stats.mana == 60
    target.spells.clear()
    target.skills.clear()
    reply = cast_with(scene, KEY, target.object_id, 60)
    assert (said(scene, spell, "nothing_to_forget"), [messages.id("cap_article_none"), _name_of(scene, reply, target)]) in texts_of(reply)
    assert caster.stats.mana < 60 and not live.enchantments_of(target.object_id)
