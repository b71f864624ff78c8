"""End to end on the imported original world: eavesdrop cast with BP_REQ_CAST in Jasper's
streets. The caster hears, by the original's words, a third player come into the room it
listens to (one joined to its own), what that player says and emotes there (with its name
at a high power), not what it yells; its mana is drained while it listens, and it stops
when the mana runs short or when it moves. And the refusal where no room is near."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from emulator.content.model import WorldDefinition, square_centre
from emulator.importer.blakod import KodTree
from emulator.importer.original import ImportReport
from emulator.rules import casting as rules
from emulator.rules.spells import hexes
from emulator.testing.memory_server import MemoryClient
from emulator.wire.codec import Message
from emulator.world.casting import spell_object_id

from .test_casting_e2e import Scene, power
from .test_consumables_e2e import bars, place, texts_of
from .test_fight_messages import _client_texts
from .test_personal_enchantments_e2e import make_scene, said

KEY = "eavesdrop"


@pytest.fixture
def scene(imported: tuple[Path, ImportReport], world: WorldDefinition, kod_tree: KodTree, tmp_path: Path) -> Iterator[Scene]:
    made = make_scene(imported[0], world, kod_tree, tmp_path, "jasper")
    try:
        made.caster.spells[KEY] = 20  # a low power: the voices stay nameless
        for reagent in made.world.spells[KEY].reagents:
            made.give(reagent.kind, reagent.count * 5)
        yield made
        assert not made.alice.closed_by_server and not made.bob.closed_by_server
    finally:
        made.server.stop()


def cast(scene: Scene, mana: int) -> list[Message]:
    """Cast until it does not fizzle, with ``mana`` just before each cast."""
    failed = scene.world.messages.id("spell_failed")  # type: ignore[union-attr]
    for _ in range(30):
        scene.server.advance(1.5)
        scene.alice.read()
        scene.bob.read()
        scene.caster.stats.mana = mana
        reply = scene.alice.request("BP_REQ_CAST", spell={"id": spell_object_id(scene.world.spells[KEY].number), "amount": None},
                                    targets=[])
        if not any(m.name == "BP_MESSAGE" and m["format"] == failed for m in reply):
            return reply
    raise AssertionError("eavesdrop fizzled 30 times")


def arrival(world: WorldDefinition, here: str, there: str) -> tuple[int, int]:
    """A square of ``there`` one arrives at from ``here`` (or leaves it by for ``here``)."""
    for exit in world.rooms[here].exits:
        if exit.target.room == there and exit.target.row is not None and exit.target.col is not None:
            return exit.target.row, exit.target.col
    for exit in world.rooms[there].exits:
        if exit.target.room == here and exit.row is not None and exit.col is not None:
            return exit.row, exit.col
    spawn = world.rooms[there].spawns[0]
    return spawn.row, spawn.col


def enter_as(scene: Scene, kod_tree: KodTree, room: str, square: tuple[int, int]) -> tuple[MemoryClient, int]:
    server = scene.server
    server.create_account("carol", "pw-carol")
    server.create_character("carol", "Corra")
    place(server, "Corra", room, square, health=40, mana=10, vigor=100, max_health=40, base_max_health=40)
    client = server.connect()
    for resource_id, text in _client_texts(kod_tree).items():
        client.codec.resources.add(resource_id, text)
    client.login_to_game("carol", "pw-carol")
    return client, client.enter_world("Corra")["id"]


def test_the_import_reads_eavesdrop(world: WorldDefinition) -> None:
    spell = world.spells[KEY]
    assert spell.effect == "eavesdrop" and (spell.school, spell.level, spell.targets) == ("riija", 2, 0)
    assert spell.figure("mana_drain") == 1
    for purpose in ("target", "ended", "no_rooms", "heard_say", "heard_emote", "heard_enter", "heard_leave",
                    "heard_name_say", "heard_name_emote", "heard_name_enter", "heard_name_leave"):
        assert spell.text_id(purpose), purpose


def test_eavesdrop_hears_another_room_until_the_mana_runs_short(scene: Scene, kod_tree: KodTree) -> None:
    world, caster = scene.world, scene.caster
    messages = world.messages
    assert messages is not None
    live = scene.server.hub.world
    spell = world.spells[KEY]
    reply = cast(scene, 40)
    spell_power = power(scene, KEY)
    assert spell_power <= hexes.EAVESDROP_NAME_POWER
    assert bars(reply, 2)[-1] == caster.stats.mana == 40 - rules.mana_cost(spell.mana or 0, spell_power)
    assert (said(scene, spell, "target"), []) in texts_of(reply)
    assert not [m for m in reply if m.name == "BP_ADD_ENCHANTMENT"]  # no icon, as the original
    (enchantment,) = live.enchantments_of(caster.object_id)
    room = enchantment.state["room"]
    assert room in live._rooms[caster.room].neighbours and room != caster.room
    # someone comes into that room: the caster hears it, nameless
    carol, her = enter_as(scene, kod_tree, room, arrival(world, caster.room, room))
    scene.server.advance(1.0)
    heard = scene.alice.read()
    assert (said(scene, spell, "heard_enter"), []) in texts_of(heard)
    scene.bob.read()
    # what is said there, not what is yelled (a yell reaches the next rooms anyway)
    carol.request("BP_SAY_TO", say_type=1, text="the key is under the mat")
    heard = scene.alice.read()
    assert texts_of(heard) == [(said(scene, spell, "heard_say"), ["the key is under the mat"])]
    assert not texts_of(scene.bob.read())
    scene.server.advance(2.0)
    scene.alice.read()
    carol.request("BP_SAY_TO", say_type=2, text="anyone about")
    assert not [f for f, _ in texts_of(scene.alice.read()) if f in (said(scene, spell, "heard_say"), said(scene, spell, "heard_name_say"))]
    # at a high power the speaker is named
    live.eavesdroppers.bearers[caster.object_id].power = 10_000
    scene.server.advance(2.0)
    scene.alice.read()
    carol.request("BP_SAY_TO", say_type=6, text="waves")
    name = scene.server.hub.context.in_world[her].avatar.name_resource  # type: ignore[union-attr]
    assert texts_of(scene.alice.read()) == [(said(scene, spell, "heard_name_emote"), [messages.id("cap_article_none"), name, "waves"])]
    # the mana drains every period; short of it, the next drain is the last
    listening = live.eavesdroppers.bearers[caster.object_id]
    period_ms = hexes.eavesdrop_drain_ms(spell_power)
    listening.power, listening.next_drain_ms = spell_power, round(live.game_time * 1000) + period_ms
    caster.stats.mana = caster.stats.max_mana = 1  # no more than that by regeneration either
    for _ in range(40):  # tick by tick, up to the drain that finds it short
        scene.server.advance(0.25)
        if listening.last_call:
            break
    assert live.is_enchanted(caster.object_id, KEY) and listening.last_call
    scene.server.advance(period_ms / 1000 + 1.5)
    told = scene.alice.read()
    assert not live.is_enchanted(caster.object_id, KEY)
    assert (said(scene, spell, "ended"), []) in texts_of(told)
    assert not [m for m in told if m.name == "BP_REMOVE_ENCHANTMENT"]
    carol.request("BP_SAY_TO", say_type=1, text="nobody hears this")
    assert not texts_of(scene.alice.read())
    assert not carol.closed_by_server


def test_moving_breaks_the_trance(scene: Scene) -> None:
    world, caster = scene.world, scene.caster
    live = scene.server.hub.world
    spell = world.spells[KEY]
    cast(scene, 40)
    assert live.is_enchanted(caster.object_id, KEY)
    scene.server.advance(1.0)
    assert live.is_enchanted(caster.object_id, KEY)
    row, col = world.rooms[caster.room].spawns[0].row, world.rooms[caster.room].spawns[0].col
    y, x = square_centre(row, col)
    scene.alice.request("BP_REQ_MOVE", y=y, x=x, speed=18, room={"id": live.room_id(caster.room), "amount": None})
    scene.server.advance(1.0)
    assert (said(scene, spell, "ended"), []) in texts_of(scene.alice.read())
    assert not live.is_enchanted(caster.object_id, KEY) and not live.eavesdroppers.bearers


def test_no_room_to_listen_to(scene: Scene) -> None:
    live = scene.server.hub.world
    spell = scene.world.spells[KEY]
    state = live._rooms[scene.caster.room]
    state.neighbours = ()
    scene.caster.stats.mana = 40
    reply = scene.alice.request("BP_REQ_CAST", spell={"id": spell_object_id(spell.number), "amount": None}, targets=[])
    assert texts_of(reply) == [(said(scene, spell, "no_rooms"), [])] and scene.caster.stats.mana == 40
