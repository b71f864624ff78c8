"""End to end on the imported original world: the room enchantments the server runs
(light and darkness), cast with BP_REQ_CAST in Jasper's streets with another player
looking on. Each is checked for its costs, its words to the room by the original's
resource ids, its icon (BP_ADD_ENCHANTMENT type 2), the room's light as the stock client
is told it (BP_LIGHT_AMBIENT to those in the room, BP_PLAYER's light to one arriving, with
the words an arrival reads), the refusal while it lasts, and its end on the deterministic
clock (the words, the light back, the icon gone) between half and all of its whole time."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from emulator.content.model import WorldDefinition
from emulator.importer.blakod import KodTree
from emulator.importer.original import ImportReport
from emulator.rules import casting as rules
from emulator.rules.spells import rooms
from emulator.testing.memory_server import MemoryClient
from emulator.wire.codec import Message
from emulator.world.casting import spell_object_id

from .test_casting_e2e import Scene, power
from .test_consumables_e2e import bars, inventory, place, texts_of
from .test_e2e_giant_rat import ROOM_FILES, _beside
from .test_fight_messages import _client_texts
from .test_personal_enchantments_e2e import make_scene

#: The room enchantments of levels 1 and 2 and the way each moves the room's light.
CASTABLE = {"light": 1, "darkness": -1}
#: Every room enchantment the server runs.
ROOM_ENCHANTMENTS = set(CASTABLE)


@pytest.fixture
def scene(imported: tuple[Path, ImportReport], world: WorldDefinition, kod_tree: KodTree, tmp_path: Path) -> Iterator[Scene]:
    made = make_scene(imported[0], world, kod_tree, tmp_path, "jasper")
    try:
        yield made
        assert not made.alice.closed_by_server and not made.bob.closed_by_server
    finally:
        made.server.stop()


def test_the_import_reads_the_room_enchantments(world: WorldDefinition) -> None:
    assert {k for k, s in world.spells.items() if s.effect == "room_enchantment"} == ROOM_ENCHANTMENTS
    assert not world.spells["martyrsbattleground"].effect  # its revenants are other code's
    for key, sign in CASTABLE.items():
        spell = world.spells[key]
        assert spell.effect == "room_enchantment" and spell.targets == 0 and not spell.harmful
        for purpose in ("room_started", "room_ended", "room_entered", "room_already"):
            assert spell.text_id(purpose), (key, purpose)
        # the original's figures: a whole time and a light that are straight lines of the power
        assert spell.figure("light_base") == 25 * sign and spell.figure("light_per") == sign
    assert (world.spells["light"].figure("duration_base"), world.spells["light"].figure("duration_per")) == (45_000, 3_000)
    assert (world.spells["darkness"].figure("duration_base"), world.spells["darkness"].figure("duration_per")) == (30_000, 2_000)


def _words(scene: Scene, key: str, purpose: str) -> tuple[int, list[int]]:
    spell = scene.world.spells[key]
    text = spell.text(purpose)
    assert text and spell.text_id(purpose)
    return scene.server.hub.context.resources.id(text), []


def _lights(messages: list[Message]) -> list[int]:
    return [m["light"] for m in messages if m.name == "BP_LIGHT_AMBIENT"]


def _room_icons(messages: list[Message], name: str) -> list[int]:
    return [(m["object"]["id"] if name == "BP_ADD_ENCHANTMENT" else m["id"]) for m in messages
            if m.name == name and m["type"] == 2]


def _arrive(scene: Scene, kod_tree: KodTree, world: WorldDefinition) -> tuple[MemoryClient, list[Message]]:
    """Carl enters the world in the enchanted room: his client and what it was sent."""
    server = scene.server
    room = scene.caster.room
    at = (world.rooms[room].spawns[0].row, world.rooms[room].spawns[0].col)
    square = _beside(ROOM_FILES / world.rooms[room].roo_file, *at, taken=set())
    server.create_account("carl", "pw-carl")
    server.create_character("carl", "Carlo")
    place(server, "Carlo", room, square, health=40, mana=10, vigor=100, max_health=40, base_max_health=40)
    client = server.connect()
    for resource_id, text in _client_texts(kod_tree).items():
        client.codec.resources.add(resource_id, text)
    client.login_to_game("carl", "pw-carl")
    client.enter_world("Carlo")
    return client, list(client.received)


@pytest.mark.parametrize("key", sorted(CASTABLE))
def test_a_room_enchantment_changes_the_light_and_wears_off(
    scene: Scene, key: str, kod_tree: KodTree, world: WorldDefinition,
) -> None:
    caster, live = scene.caster, scene.server.hub.world
    spell = world.spells[key]
    base = world.rooms[caster.room].ambient_light
    caster.spells[key] = 40
    caster.stats.karma = -30 if spell.school == "qor" else 0
    reagents = {r.kind: scene.give(r.kind, r.count + 1) for r in spell.reagents}
    caster.stats.mana = 40
    reply = scene.cast_until_it_works(key)
    spell_power = power(scene, key)
    assert bars(reply, 2)[-1] == caster.stats.mana == 40 - rules.mana_cost(spell.mana or 0, spell_power)
    held = inventory(scene.alice)
    for reagent in spell.reagents:
        assert held[reagents[reagent.kind]] == 1
    lit = rooms.room_light(base, CASTABLE[key] * (25 + spell_power))
    assert lit != base
    onlooker = scene.bob.read()
    for seen in (reply, onlooker):  # both in the room: the words, the icon, the new light
        assert _words(scene, key, "room_started") in texts_of(seen)
        assert _room_icons(seen, "BP_ADD_ENCHANTMENT") == [spell_object_id(spell.number)]
        assert _lights(seen) == [lit]
    room = live.room_enchantment_target(caster.room)
    (enchantment,) = live.enchantments_of(room)
    assert live.enchantment_modifier(room, "light") == CASTABLE[key] * (25 + spell_power)

    # again while it lasts: refused in its own words, nothing paid
    mana = caster.stats.mana
    again = scene.cast(key)
    assert texts_of(again) == [_words(scene, key, "room_already")] and caster.stats.mana == mana
    assert len(live.enchantments_of(room)) == 1

    # one arriving sees the room's light, reads the words, gets the icon
    carl, burst = _arrive(scene, kod_tree, world)
    (player,) = [m for m in burst if m.name == "BP_PLAYER"]
    assert player["ambient_light"] == lit
    assert _words(scene, key, "room_entered") in texts_of(burst)
    assert _room_icons(burst, "BP_ADD_ENCHANTMENT") == [spell_object_id(spell.number)]

    # it lasts between half and all of its whole time at that power
    whole = rooms.line(spell.figure("duration_base"), spell.figure("duration_per"), spell_power)
    assert enchantment.due_ms is not None
    left = enchantment.due_ms - round(live.game_time * 1000)
    assert whole // 2 - 5000 <= left <= whole
    scene.server.advance(left / 1000 - 1.0)
    quiet = scene.alice.read() + scene.bob.read() + carl.read()
    assert not _room_icons(quiet, "BP_REMOVE_ENCHANTMENT") and not _lights(quiet)
    scene.server.advance(2.0)
    for client in (scene.alice, scene.bob, carl):
        ended = client.read()
        assert _words(scene, key, "room_ended") in texts_of(ended)
        assert _lights(ended) == [base]
        assert _room_icons(ended, "BP_REMOVE_ENCHANTMENT") == [spell_object_id(spell.number)]
    assert not live.enchantments_of(room) and live.enchantment_modifier(room, "light") == 0
    assert not carl.closed_by_server


def test_a_room_enchantment_lights_its_own_room_alone(
    scene: Scene, world: WorldDefinition,
) -> None:
    """Cast in the street, the light is the street's alone: the inn next door keeps its own."""
    live = scene.server.hub.world
    caster = scene.caster
    caster.spells["light"] = 40
    scene.give("elderberry", 2)
    caster.stats.mana = 40
    scene.cast_until_it_works("light")
    from emulator.world.spells.rooms import room_light

    assert room_light(live, "jasperinn") == world.rooms["jasperinn"].ambient_light
    assert room_light(live, caster.room) > world.rooms[caster.room].ambient_light
