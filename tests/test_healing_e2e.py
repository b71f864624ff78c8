"""End to end on the imported original world: major heal and hospice, cast with
BP_REQ_CAST by Alanna on Bram beside Jasper's innkeeper. Each heals within its figures
(read from the original's code), moves the caster's karma as its own cast does (major
heal towards the healed one's always, hospice only towards a better soul), tells both in
the spell's words by the original's resource ids; a player at full health needs none."""

from __future__ import annotations

import pytest

from emulator.rules.dice import div
from emulator.rules.kills import karma_change_from_act
from emulator.rules.spells.healing import HealFigures
from emulator.world.spells.healing import figures_of
from emulator.content.model import WorldDefinition

from .test_casting_e2e import Scene, _name_of, power, scene  # noqa: F401  (the fixture)
from .test_consumables_e2e import bars, texts_of
from .test_personal_enchantments_e2e import said


def test_the_import_reads_the_heals(world: WorldDefinition) -> None:
    assert figures_of(world.spells["majorheal"]) == HealFigures(7, 13, 5, 5, 0, 50, swing=2)
    assert figures_of(world.spells["hospice"]) == HealFigures(-3, 3, 5, 10, 0, 25, swing=2, upward_only=True)
    assert world.spells["majorheal"].effect == world.spells["hospice"].effect == "healing"


@pytest.mark.parametrize(("key", "target_karma"), [("majorheal", 60), ("majorheal", -40), ("hospice", 60), ("hospice", -40)])
def test_a_greater_heal_on_another_player(scene: Scene, key: str, target_karma: int) -> None:
    world, caster, target = scene.world, scene.caster, scene.target
    spell = world.spells[key]
    messages = world.messages
    assert messages is not None
    caster.spells[key] = 60
    caster.stats.karma = 55  # Shal'ille asks 10 karma a level
    caster.stats.mana = 40
    caster.stats.max_mana = 40
    target.stats.max_health = 100
    target.stats.health = 10
    target.stats.karma = target_karma
    scene.give("herbs", 20)
    spell_power = power(scene, key)
    reply = scene.cast_until_it_works(key, target.object_id)
    if spell.cast_time:
        scene.server.advance(1.0)
    told, heard = reply + scene.alice.read(), scene.bob.read()
    healed = target.stats.health - 10
    figures = figures_of(spell)
    low = max(figures.least, figures.low + div(spell_power - 5, figures.per_power) + div(target_karma, figures.per_karma))
    high = min(figures.most, figures.high + div(spell_power + 5, figures.per_power) + div(target_karma, figures.per_karma))
    assert low <= healed <= high and healed >= 0
    assert (said(scene, spell, "caster"), [messages.id("article_none"), _name_of(scene, told, target)]) in texts_of(told)
    assert (said(scene, spell, "target"), []) in texts_of(heard)
    assert bars(heard, 1)[-1] == target.stats.health
    # karma: towards the healed one's (hospice only towards a better soul), swing 2
    change = karma_change_from_act(55, target_karma, 2)
    if key == "hospice" and target_karma < 55:
        change = 0
    assert caster.stats.karma * 100 + caster.karma_fraction == 5500 + change
    assert (change > 0) == (target_karma > 55) and (change < 0) == (key == "majorheal" and target_karma < 0)
    # a player at full health needs none: the spell's own words, nothing paid
    target.stats.health = target.stats.max_health
    mana = caster.stats.mana
    reply = scene.cast(key, target.object_id)
    assert texts_of(reply) == [(said(scene, spell, "unnecessary"), [messages.id("article_none"), _name_of(scene, reply, target)])]
    assert caster.stats.mana == mana
