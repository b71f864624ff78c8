"""End to end on the imported original world: the level-1 and level-2 spells that change
how a player looks to others (anonymity, shadow form, feign death, fade), cast with
BP_REQ_CAST in Jasper's streets. Each is checked for its costs, its words by the
original's resource ids, how the other player's client is told of the new look
(BP_CHANGE of the caster: its name, icon and drawing effect bits), what it does to
fights, and its end on the deterministic clock with the look back to plain."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from emulator.content.model import WorldDefinition
from emulator.game.render import render
from emulator.importer.blakod import KodTree
from emulator.importer.original import ImportReport
from emulator.rules import casting as rules
from emulator.rules.dice import div, roll_with
from emulator.rules.spells import looks as look_rules
from emulator.content.model import square_of
from emulator.testing.memory_server import MemoryClient, MemoryServer
from emulator.wire.codec import Message
from emulator.world import disguise
from emulator.world.casting import spell_object_id
from emulator.world.enchantments import Effect
from emulator.world.ledger import check_ledger
from protocol_specs.opcodes import UC

from .test_casting_e2e import Scene, _name_of, power
from .test_consumables_e2e import bars, inventory, texts_of
from .test_personal_enchantments_e2e import _icons, cast_with, make_scene, said

LEVEL_ONE_AND_TWO = {"anonymity": "anonymity", "shadowform": "shadow_form", "feigndeath": "feign_death", "fade": "fade"}


@pytest.fixture
def scene(imported: tuple[Path, ImportReport], world: WorldDefinition, kod_tree: KodTree, tmp_path: Path) -> Iterator[Scene]:
    made = make_scene(imported[0], world, kod_tree, tmp_path, "jasper")
    try:
        yield made
        live = made.server.hub.world
        assert check_ledger(live.items.ledger.totals, live.items.existing_units()).ok
        assert not made.alice.closed_by_server and not made.bob.closed_by_server
    finally:
        made.server.stop()


def test_the_import_reads_the_spells_of_looks(world: WorldDefinition) -> None:
    for key, effect in LEVEL_ONE_AND_TWO.items():
        spell = world.spells[key]
        assert spell.effect == effect and (spell.level or 0) <= 2, key
    assert world.spells["invisibility"].effect == "invisibility"
    anonymity = world.spells["anonymity"]
    assert dict(anonymity.figures) == {"duration_ms": 60_000, "duration_per_power": 60_000, "duration_step_power": 10}
    assert anonymity.text_id("blank_name") and anonymity.text("target") and anonymity.text("ended")
    assert dict(world.spells["shadowform"].figures) == {"duration_ms": 60_000, "duration_per_power": 3_000}
    assert world.spells["shadowform"].targets == 1
    assert dict(world.spells["fade"].figures) == {"duration_ms": 120_000, "duration_per_power": 5_000}
    assert dict(world.spells["feigndeath"].figures) == {"drain_mana": 5, "drain_ms": 5_000}
    assert world.spells["feigndeath"].text("body_male_icon") == "playerXa.bgf"


def _changes_of(messages: list[Message], object_id: int) -> list[Message]:
    return [m for m in messages if m.name == "BP_CHANGE" and m["id"] == object_id]


def _drawfx(message: Message) -> int:
    return int(message["flags"]) & look_rules.DRAWFX_MASK


def _prepare(scene: Scene, key: str, ability: int = 40) -> dict[str, int]:
    scene.caster.spells[key] = ability
    school = scene.world.spells[key].school
    scene.caster.stats.karma = -30 if school == "qor" else 0
    return {r.kind: scene.give(r.kind, r.count + 1) for r in scene.world.spells[key].reagents}


def _went_off(scene: Scene, key: str) -> tuple[list[Message], list[Message]]:
    """What Alice and Bob read once the cast (and its trance) is over."""
    spell = scene.world.spells[key]
    if spell.cast_time:
        scene.server.advance(spell.cast_time * 1.5 / 1000 + 0.5)
    return scene.alice.read(), scene.bob.read()


def _paid(scene: Scene, key: str, reply: list[Message], reagents: dict[str, int], mana: int) -> None:
    spell = scene.world.spells[key]
    assert bars(reply, 2)[-1] == mana - rules.mana_cost(spell.mana or 0, power(scene, key))
    held = inventory(scene.alice)
    for reagent in spell.reagents:
        assert held[reagents[reagent.kind]] == 1


def test_anonymity_hides_the_casters_name_from_others(scene: Scene) -> None:
    world, live, caster = scene.world, scene.server.hub.world, scene.caster
    spell = world.spells["anonymity"]
    reagents = _prepare(scene, "anonymity")
    reply = cast_with(scene, "anonymity", caster.object_id, 40)
    _paid(scene, "anonymity", reply, reagents, 40)
    spell_power = power(scene, "anonymity")
    told, seen = _went_off(scene, "anonymity")
    told = reply + told
    assert (said(scene, spell, "target"), []) in texts_of(told)
    assert _icons(told, "BP_ADD_ENCHANTMENT") == [spell_object_id(spell.number)]
    (change,) = _changes_of(seen, caster.object_id)
    assert change["name"] == spell.text_id("blank_name") != _name_of(scene, told, caster)
    # looked at, it shows no name either
    looked = scene.bob.request("BP_REQ_LOOK", object={"id": caster.object_id, "amount": None})
    (shown,) = [m for m in looked if m.name == "BP_USERCOMMAND"]
    assert shown["args"]["object"]["name"] == spell.text_id("blank_name")
    assert "Alanna" not in str(shown["args"]["description"]["params"])
    # cast again while it lasts: refused with the spell named
    messages = world.messages
    assert messages is not None
    again = cast_with(scene, "anonymity", caster.object_id, 40)
    again += _went_off(scene, "anonymity")[0]
    name_id = spell.text_id("name")
    assert (said(scene, spell, "already_have"), [messages.id("article_none"), name_id]) in texts_of(again)
    # whole minutes, one more for each ten points of power
    (enchantment,) = live.enchantments_of(caster.object_id)
    assert enchantment.due_ms is not None
    whole = (spell_power // 10 + 1) * 60_000
    left = enchantment.due_ms - round(live.game_time * 1000)
    assert whole - 20_000 <= left <= whole
    scene.server.advance(left / 1000 + 1.0)
    ended, seen = scene.alice.read(), scene.bob.read()
    assert (said(scene, spell, "ended"), []) in texts_of(ended)
    (change,) = _changes_of(seen, caster.object_id)
    assert change["name"] == _name_of(scene, ended, caster)


def test_shadow_form_darkens_another_player_and_defends_in_the_dark(scene: Scene) -> None:
    world, live, caster, target = scene.world, scene.server.hub.world, scene.caster, scene.target
    spell = world.spells["shadowform"]
    messages = world.messages
    assert messages is not None
    reagents = _prepare(scene, "shadowform")
    before = live.armour_of(target.object_id)[0]
    reply = cast_with(scene, "shadowform", target.object_id, 40)
    _paid(scene, "shadowform", reply, reagents, 40)
    spell_power = power(scene, "shadowform")
    told, heard = _went_off(scene, "shadowform")
    told = reply + told
    assert (said(scene, spell, "target"), []) in texts_of(heard)
    assert (said(scene, spell, "caster"), [messages.id("article_none"), _name_of(scene, told, target)]) in texts_of(told)
    (change,) = _changes_of(told, target.object_id)  # Alice sees Bob dark
    assert _drawfx(change) == look_rules.DRAWFX_BLACK
    assert change["name"] == _name_of(scene, told, target)
    light = world.rooms[target.room].ambient_light
    assert live.armour_of(target.object_id)[0] == before + look_rules.shadow_defense(light)
    # one already dark is refused
    again = cast_with(scene, "shadowform", target.object_id, 40)
    again += _went_off(scene, "shadowform")[0]
    assert (said(scene, spell, "looks_taken"), []) in texts_of(again)
    (enchantment,) = live.enchantments_of(target.object_id)
    assert enchantment.due_ms is not None
    left = enchantment.due_ms - round(live.game_time * 1000)
    assert left <= 60_000 + 3_000 * spell_power
    scene.server.advance(left / 1000 + 1.0)
    seen, ended = scene.alice.read(), scene.bob.read()
    assert (said(scene, spell, "ended"), []) in texts_of(ended)
    (change,) = _changes_of(seen, target.object_id)
    assert _drawfx(change) == 0
    assert live.armour_of(target.object_id)[0] == before


def test_fade_is_invisibility_while_the_trance_holds(scene: Scene) -> None:
    world, live, caster, target = scene.world, scene.server.hub.world, scene.caster, scene.target
    spell = world.spells["fade"]
    reagents = _prepare(scene, "fade")
    reply = cast_with(scene, "fade", caster.object_id, 40)
    _paid(scene, "fade", reply, reagents, 40)
    spell_power = power(scene, "fade")
    told, seen = _went_off(scene, "fade")
    told = reply + told
    assert (said(scene, spell, "target"), []) in texts_of(told)
    (change,) = _changes_of(seen, caster.object_id)
    assert _drawfx(change) == look_rules.DRAWFX_INVISIBLE
    (enchantment,) = live.enchantments_of(caster.object_id)
    assert enchantment.due_ms is not None
    assert enchantment.due_ms - round(live.game_time * 1000) <= 120_000 + 5_000 * spell_power
    # Bob comes to see the invisible: Alice flashes for him instead of shimmering
    detect = world.spells["detectinvisible"]
    assert disguise.SEES_INVISIBLE in detect.flags
    scene.bob.read()
    started = live.enchant(target.object_id, detect.key, 60_000, Effect({}, detect.flags), caster_id=target.object_id)
    render(scene.server.hub.context, started.events)  # as the hub renders what the world does
    seen = scene.bob.read()
    (change,) = _changes_of(seen, caster.object_id)
    assert _drawfx(change) == 0 and int(change["flags"]) & look_rules.FLASHING
    # resting breaks the trance: fade ends, with both its words
    scene.alice.read()
    ended = scene.alice.request("BP_USERCOMMAND", command=UC.UC_REST, args={}) + scene.alice.read()
    seen = scene.bob.read()
    assert (said(scene, spell, "ended"), []) in texts_of(ended)
    assert (said(scene, spell, "trance_lost"), []) in texts_of(ended)
    assert not live.is_enchanted(caster.object_id, "fade")
    (change,) = _changes_of(seen, caster.object_id)
    assert _drawfx(change) == 0 and not int(change["flags"]) & look_rules.FLASHING


def _said_to(client: MemoryClient, format_id: int) -> list[list[object]]:
    return [params for fmt, params in texts_of(client.received) if fmt == format_id]


def test_feign_death_shows_a_body_and_drains_mana_until_it_ends(scene: Scene) -> None:
    world, live, caster = scene.world, scene.server.hub.world, scene.caster
    spell = world.spells["feigndeath"]
    messages = world.messages
    assert messages is not None
    reagents = _prepare(scene, "feigndeath")
    sword = scene.give("longsword", 1)
    scene.alice.request("BP_REQ_USE", object={"id": sword, "amount": None})
    before = live.armour_of(caster.object_id)[0]
    reply = cast_with(scene, "feigndeath", caster.object_id, 40)
    spell_power = power(scene, "feigndeath")
    assert bars(reply, 2)[-1] == 40 - rules.mana_cost(spell.mana or 0, spell_power)
    # the weapon in hand falls to the ground; the rest of what it carries stays, or falls
    # by a small chance: nothing is lost either way
    assert sword not in inventory(scene.alice) and sword in {t.object_id for t in live.room_objects(caster.room)}
    for reagent in spell.reagents:
        left = live.items.by_id[reagents[reagent.kind]]
        assert left.units == 1 and (left.carrier == caster.character_id or (left.carrier is None and left.room == caster.room))
    seen = _went_off(scene, "feigndeath")[1]
    assert sword in [m["id"] for m in scene.bob.received if m.name == "BP_CREATE"]
    # the news to the room: Alice killed by a giant rat (Jasper has no monsters of its own),
    # or one of the spell's pranks
    killed = said(scene, spell, "killed_by")
    (news,) = [params for fmt, params in texts_of(seen) if fmt == killed]
    assert news[0] == _name_of(scene, seen, caster)
    resources = scene.server.hub.context.resources
    pranks = [[messages.id("article_none"), resources.id(spell.text(f"prank_{n}") or "")] for n in (1, 2, 3)]
    rat = [messages.id("article_a"), dict(world.kinds["giantrat"].resource_ids)["name"]]
    assert news[1:] == rat or news[1:] in pranks
    # Bob sees a body without a name
    (change,) = _changes_of(seen, caster.object_id)
    session = scene.server.hub.context.in_world[caster.object_id]
    assert session.avatar is not None
    body = spell.text("body_female_icon" if session.avatar.gender == 2 else "body_male_icon")
    assert change["icon"] == scene.server.hub.context.resources.id(body or "") and change["name"] == spell.text_id("blank_name")
    assert live.armour_of(caster.object_id)[0] == before + 3 * spell_power
    # looked at, a dead player's body, whose words name it
    looked = scene.bob.request("BP_REQ_LOOK", object={"id": caster.object_id, "amount": None})
    (shown,) = [m for m in looked if m.name == "BP_LOOK"]
    gender = "female" if session.avatar.gender == 2 else "male"
    assert shown["object"]["name"] == scene.server.hub.context.resources.id(spell.text(f"body_{gender}_name") or "")
    assert shown["object"]["icon"] == change["icon"]
    assert shown["description"]["format"] == said(scene, spell, "body_look") and shown["description"]["params"] == ["Alanna"]
    # the monsters of a room do not notice one feigning death
    assert caster.object_id not in disguise.noticeable(live, {caster.object_id: caster})
    # five mana each five seconds, until less than twice that is left: then one last period
    caster.stats.mana = caster.stats.max_mana = 12
    scene.server.advance(5.0)
    assert caster.stats.mana <= 7 + 1 and live.is_enchanted(caster.object_id, "feigndeath")
    scene.server.advance(5.0)
    assert caster.stats.mana <= 2 + 2 and live.is_enchanted(caster.object_id, "feigndeath")
    scene.server.advance(5.0)
    assert not live.is_enchanted(caster.object_id, "feigndeath")
    seen = scene.bob.read()
    change = _changes_of(seen, caster.object_id)[-1]
    assert change["icon"] == scene.server.hub.context.resources.id(world.player_icon)
    assert change["name"] == _name_of(scene, seen, caster)
    assert live.armour_of(caster.object_id)[0] == before


def test_invisibility_hides_the_caster_for_a_while(scene: Scene) -> None:
    world, live, caster = scene.world, scene.server.hub.world, scene.caster
    spell = world.spells["invisibility"]
    reagents = _prepare(scene, "invisibility", ability=60)
    caster.stats.karma = -100  # a level-5 spell of Qor
    before = live.armour_of(caster.object_id)[0]
    reply = cast_with(scene, "invisibility", caster.object_id, 40)
    _paid(scene, "invisibility", reply, reagents, 40)
    spell_power = power(scene, "invisibility")
    told, seen = _went_off(scene, "invisibility")
    told = reply + told
    assert (said(scene, spell, "target"), []) in texts_of(told)
    (change,) = _changes_of(seen, caster.object_id)
    assert _drawfx(change) == look_rules.DRAWFX_INVISIBLE
    assert live.armour_of(caster.object_id)[0] == before + 25 + spell_power
    # fade is refused while it lasts: already invisible
    _prepare(scene, "fade")
    caster.stats.karma = -100
    refused = cast_with(scene, "fade", caster.object_id, 40)
    assert (said(scene, world.spells["fade"], "already_self"), []) in texts_of(refused)
    # between half and all of its whole time
    (enchantment,) = live.enchantments_of(caster.object_id)
    assert enchantment.due_ms is not None
    whole = 20_000 + 2_000 * spell_power
    left = enchantment.due_ms - round(live.game_time * 1000)
    assert whole // 2 - 15_000 <= left <= whole
    scene.server.advance(left / 1000 + 1.0)
    ended, seen = scene.alice.read(), scene.bob.read()
    assert (said(scene, spell, "ended"), []) in texts_of(ended)
    (change,) = _changes_of(seen, caster.object_id)
    assert _drawfx(change) == 0
    assert live.armour_of(caster.object_id)[0] == before


def test_illusionary_form_gives_the_caster_a_monsters_look(scene: Scene) -> None:
    world, live, caster = scene.world, scene.server.hub.world, scene.caster
    spell = world.spells["illusionaryform"]
    messages = world.messages
    assert messages is not None
    resources = scene.server.hub.context.resources
    reagents = _prepare(scene, "illusionaryform", ability=60)
    reply = cast_with(scene, "illusionaryform", caster.object_id, 40)
    _paid(scene, "illusionaryform", reply, reagents, 40)
    spell_power = power(scene, "illusionaryform")
    told, seen = _went_off(scene, "illusionaryform")
    (enchantment,) = live.enchantments_of(caster.object_id)
    form = enchantment.state["form"]
    assert f"form_{form}" in dict(spell.figures)
    kind = world.kinds[form]
    name = dict(kind.resource_ids)["name"]
    assert (said(scene, spell, "took_form"), [messages.id(f"article_{messages.kind(form).indefinite}"), name]) in texts_of(told)
    (change,) = _changes_of(seen, caster.object_id)
    assert change["icon"] == resources.id(kind.icon) != resources.id(world.player_icon)
    assert change["name"] == _name_of(scene, seen, caster)  # its own name: not morphed
    again = cast_with(scene, "illusionaryform", caster.object_id, 40)
    assert (said(scene, spell, "already_self"), []) in texts_of(again)
    assert enchantment.due_ms is not None
    whole = 90_000 + 2_000 * spell_power
    left = enchantment.due_ms - round(live.game_time * 1000)
    assert whole // 2 - 30_000 <= left <= whole
    scene.server.advance(left / 1000 + 1.0)
    ended, seen = scene.alice.read(), scene.bob.read()
    assert (said(scene, spell, "ended"), []) in texts_of(ended)
    (change,) = _changes_of(seen, caster.object_id)
    assert change["icon"] == resources.id(world.player_icon)


def test_the_forms_are_weighed_by_power() -> None:
    assert look_rules.form_weight(50, 65) == 65 and look_rules.form_weight(50, 20) == 20  # power 50 weighs as 65
    assert look_rules.form_weight(50, 100) == 1
    # near the raised power most likely, far below it never more than 1, far above none
    assert look_rules.form_weight(99, 128) == 100 and look_rules.form_weight(10, 200) == 0
    assert look_rules.form_weight(10, 1) == 1
    levels = [("low", 10), ("near", 60), ("high", 150)]
    drawn = [look_rules.pick_form(roll_with(random.Random(i)), 50, levels) for i in range(300)]
    assert drawn.count("near") > drawn.count("low") + drawn.count("high")


def test_morph_makes_the_caster_a_monster_to_others(scene: Scene) -> None:
    world, live, caster = scene.world, scene.server.hub.world, scene.caster
    spell = world.spells["morph"]
    messages = world.messages
    assert messages is not None
    resources = scene.server.hub.context.resources
    reagents = _prepare(scene, "morph", ability=60)
    sword = scene.give("longsword", 1)
    used = scene.alice.request("BP_REQ_USE", object={"id": sword, "amount": None})
    assert [m["id"] for m in used if m.name == "BP_USE"] == [sword]
    max_health = caster.stats.max_health
    reply = cast_with(scene, "morph", caster.object_id, 40)
    _paid(scene, "morph", reply, reagents, 40)
    spell_power = power(scene, "morph")
    told, seen = _went_off(scene, "morph")
    assert [m["id"] for m in reply + told if m.name == "BP_UNUSE"] == [sword]  # put away
    assert not live.items.used(caster.character_id)
    (enchantment,) = live.enchantments_of(caster.object_id)
    form, change = enchantment.state["form"], enchantment.state["health"]
    kind = world.kinds[form]
    assert kind.monster is not None and kind.monster.level is not None
    name = dict(kind.resource_ids)["name"]
    assert (said(scene, spell, "took_form"), [messages.id(f"article_{messages.kind(form).indefinite}"), name]) in texts_of(told)
    # the health of the monster (90 to 110 percent of its level), by the power in percent
    level = kind.monster.level
    assert caster.stats.max_health == max_health + change
    least, most = (look_rules.morph_health_change(max_health, level * percent // 100, spell_power) for percent in (90, 110))
    assert least <= change <= most
    assert most == max(20, max_health - div((max_health - level * 110 // 100) * spell_power, 100)) - max_health
    # others see the monster: its icon, its name, not a player's flags
    (change_seen,) = _changes_of(seen, caster.object_id)
    assert change_seen["icon"] == resources.id(kind.icon) and change_seen["name"] == name
    assert not int(change_seen["flags"]) & 0x4  # OF_PLAYER
    # looked at, it is the monster
    looked = scene.bob.request("BP_REQ_LOOK", object={"id": caster.object_id, "amount": None})
    (shown,) = [m for m in looked if m.name == "BP_LOOK"]
    assert shown["object"]["name"] == name and shown["object"]["icon"] == resources.id(kind.icon)
    assert not [m for m in looked if m.name == "BP_USERCOMMAND"]
    again = cast_with(scene, "morph", caster.object_id, 40)
    assert (said(scene, spell, "already_have"), [messages.id("article_none"), spell.text_id("name")]) in texts_of(again)
    assert enchantment.due_ms is not None
    left = enchantment.due_ms - round(live.game_time * 1000)
    longest = (60 + 3 * spell_power) * max_health // max(1, level * 90 // 100) * 120 // 100 * 1000
    assert 0 < left <= longest
    scene.server.advance(left / 1000 + 1.0)
    ended, seen = scene.alice.read(), scene.bob.read()
    assert (said(scene, spell, "ended"), []) in texts_of(ended)
    assert caster.stats.max_health == max_health
    (change_seen,) = _changes_of(seen, caster.object_id)
    assert change_seen["icon"] == resources.id(world.player_icon) and change_seen["name"] == _name_of(scene, seen, caster)
    assert int(change_seen["flags"]) & 0x4


def test_evil_twin_hunts_its_player_with_the_players_figures(
    imported: tuple[Path, ImportReport], world: WorldDefinition, kod_tree: KodTree, tmp_path: Path
) -> None:
    from emulator.rules.combat import player_defense, player_offense
    from emulator.rules.dice import roll_with
    from emulator.world.spells import illusions

    from .test_e2e_giant_rat import ROOM_FILES, _beside, _save_in_place, _the_rat
    from .test_fight_messages import _client_texts

    config = f'room_files = "{ROOM_FILES}"\n[server]\ndata = "{imported[0]}"\n[timeouts]\ngame_idle = 600.0\n'
    spell = world.spells["summoneviltwin"]
    messages = world.messages
    assert messages is not None
    server = MemoryServer(tmp_path, config)
    try:
        live = server.hub.world
        resources = server.hub.context.resources
        rat = _the_rat(live, world)  # its room: one where players may fight
        room = world.rooms[rat.room]
        first = _beside(ROOM_FILES / room.roo_file, *square_of(rat.y, rat.x), taken=set())
        second = _beside(ROOM_FILES / room.roo_file, *first, taken={square_of(rat.y, rat.x)})
        ids, clients = {}, {}
        for account, name, square in (("alice", "Alanna", first), ("bob", "Bram", second)):
            server.create_account(account, f"pw-{account}")
            server.create_character(account, name)
            _save_in_place(server, name, rat.room, *square)
            client = server.connect()
            for resource_id, text in _client_texts(kod_tree).items():
                client.codec.resources.add(resource_id, text)
            client.login_to_game(account, f"pw-{account}")
            ids[name] = client.enter_world(name)["id"]
            clients[name] = client
        alice, bob = clients["Alanna"], clients["Bram"]
        caster, victim = live.player(ids["Alanna"]), live.player(ids["Bram"])
        for rat_here in [m for m in live.monsters() if m.room == rat.room]:
            live._monsters.remove(rat_here)  # nothing else to fight
        for player in (caster, victim):  # grown up: players may fight them
            player.stats.max_health = player.stats.base_max_health = player.stats.health = 60
        caster.safety = False
        caster.spells["summoneviltwin"] = 60
        caster.stats.intellect = 50
        for reagent in spell.reagents:
            pile = live.items.create_on_ground(reagent.kind, 10 * reagent.count, caster.room, caster.y, caster.x, 0, "t", [])
            alice.request("BP_REQ_GET", object={"id": pile.object_id | 1 << 28, "amount": 10 * reagent.count})
        failed = messages.id("spell_failed")

        def cast(target: int) -> list[Message]:
            for _ in range(30):
                server.advance(1.5)
                alice.read()
                bob.read()
                caster.stats.mana = 50
                reply = alice.request("BP_REQ_CAST", spell={"id": spell_object_id(spell.number), "amount": None},
                                      targets=[{"id": target, "amount": None}])
                if not any(m.name == "BP_MESSAGE" and m["format"] == failed for m in reply):
                    return reply
            raise AssertionError("evil twin fizzled 30 times")

        # not on oneself
        own = resources.id(spell.text("not_on_self") or "")
        assert (own, []) in texts_of(cast(caster.object_id))
        reply = cast(victim.object_id)
        server.advance(1.0)
        told, seen = reply + alice.read(), bob.read()
        assert (resources.id(spell.text("caster") or ""), []) in texts_of(told)
        (twin,) = [m for m in live.monsters() if m.room == caster.room]
        assert twin.kind == "eviltwin" and twin.summoned and twin.target == victim.object_id
        # Bob sees himself beside him: his icon and name, a player's flags marked false
        (created,) = [m for m in seen if m.name == "BP_CREATE" and m["id"] == twin.object_id]
        assert created["icon"] == resources.id(world.player_icon) and created["name"] == _name_of_player(server, victim)
        assert int(created["flags"]) & 0x4 and int(created["flags"]) & 0x800
        # only one twin in a room
        assert (resources.id(spell.text("crowded") or ""), []) in texts_of(cast(victim.object_id))
        # it strikes with Bob's own figures
        stats = live.effective_stats(victim.object_id)
        stroke, proficiency = live.fighting.attack_abilities(victim, None)
        borrowed = illusions.fights_as(live, twin, roll_with(random.Random(1)))
        assert borrowed is not None and borrowed[0] == player_offense(stroke, proficiency, stats.aim, stats.max_health, None)
        # and defends with them
        guard = live.fighting.defences(victim, live.gear_of(victim.object_id))
        assert illusions.defends_as(live, twin) == player_defense(
            guard.parry, guard.block, guard.dodge, stats.agility, stats.max_health, armour_bonus=live.armour_of(victim.object_id)[0])
        # Bob walks out: it follows him (Alice sees it go), and Alice follows them both
        exits = [e for e in live._rooms[rat.room].square_exits.values()
                 if not world.rooms[e.target.room].flags and e.target.room != rat.room]
        assert exits, "no way out of the rat's room to a room where players fight"
        server.advance(0.5)
        alice.read()
        render(server.hub.context, live._take_exit(victim, exits[0]))
        server.advance(1.0)
        assert twin.room == victim.room != rat.room
        assert [m for m in alice.read() if m.name == "BP_REMOVE" and m["id"] == twin.object_id]
        assert [m for m in bob.read() if m.name == "BP_CREATE" and m["id"] == twin.object_id]
        render(server.hub.context, live._take_exit(caster, exits[0]))
        # it hunts him until he dies; then it goes up in smoke before the caster's eyes
        for monster in [m for m in live.monsters() if m.room == victim.room and m is not twin]:
            live._monsters.remove(monster)  # none but the twin to kill him
        spawns = live._monsters.rooms.get(victim.room)
        if spawns is not None:
            spawns.limit = 1  # and no new ones: the twin counts
        here = victim.room
        victim.stats.health = 1
        for _ in range(120):
            server.advance(1.0)
            if victim.room != here:
                break
        assert victim.room != here
        server.advance(1.0)
        watched = alice.read()
        assert twin.object_id not in live._monsters.by_id
        assert [m for m in watched if m.name == "BP_REMOVE" and m["id"] == twin.object_id]
        vanished = resources.id(spell.text("vanished") or "")
        assert (vanished, [messages.id("cap_article_none"), _name_of_player(server, victim)]) in texts_of(alice.received)
        assert not live.enchantments_of(twin.object_id)
        # its blows at an innocent and its kill brand its summoner, who reads of the trouble
        assert caster.murderer and not caster.outlaw
        trouble = resources.id(spell.text("trouble") or "")
        assert (trouble, []) in texts_of(alice.received)
        assert not alice.closed_by_server and not bob.closed_by_server
    finally:
        server.stop()


def _name_of_player(server: MemoryServer, player: object) -> int:
    session = server.hub.context.in_world[player.object_id]  # type: ignore[attr-defined]
    assert session.avatar is not None
    return session.avatar.name_resource
