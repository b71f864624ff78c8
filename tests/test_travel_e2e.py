"""End to end on the imported original world: elusion, cast with BP_REQ_CAST in Jasper's
streets. Its trance offers destinations drawn by the power (told in one message, the
list sent whole); saying one of them takes the caster to that room's teleport square;
a wrong name or silence ends the trance with the spell's words. Refused in a room it
does not lead from and soon after attacking a player. Words by the original's resource
ids; every frame decodes whole."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from emulator.content.model import WorldDefinition, square_of
from emulator.importer.blakod import KodTree
from emulator.importer.original import ImportReport
from emulator.rules.dice import roll_with
from emulator.rules.spells import travel as rules
from emulator.testing.memory_server import MemoryClient, MemoryServer
from emulator.world.casting import spell_object_id
from emulator.world.objects import Player

from .test_consumables_e2e import place, texts_of
from .test_e2e_giant_rat import ROOM_FILES
from .test_fight_messages import _client_texts


@pytest.fixture
def caster(imported: tuple[Path, ImportReport], world: WorldDefinition, kod_tree: KodTree,
           tmp_path: Path) -> Iterator[tuple[MemoryServer, MemoryClient, Player]]:
    config = f'room_files = "{ROOM_FILES}"\n[server]\ndata = "{imported[0]}"\n[timeouts]\ngame_idle = 7200.0\n'
    server = MemoryServer(tmp_path, config)
    try:
        spawn = world.rooms["jasper"].spawns[0]
        server.create_account("alice", "pw-alice")
        server.create_character("alice", "Alanna")
        place(server, "Alanna", "jasper", (spawn.row, spawn.col), health=60, mana=60, vigor=100, max_health=60,
              base_max_health=60)
        client = server.connect()
        for resource_id, text in _client_texts(kod_tree).items():
            client.codec.resources.add(resource_id, text)
        client.login_to_game("alice", "pw-alice")
        player = server.hub.world.player(client.enter_world("Alanna")["id"])
        player.spells["elusion"] = 99
        player.stats.intellect = player.stats.stamina = player.stats.mysticism = 60
        item = server.hub.world.items.create_on_ground("kriipaclaw", 40, "jasper", player.y, player.x, 0, "test", [])
        client.request("BP_REQ_GET", object={"id": item.object_id | (1 << 28), "amount": 40})
        yield server, client, player
        assert not client.closed_by_server
    finally:
        server.stop()


def own(server: MemoryServer, world: WorldDefinition, purpose: str) -> int:
    text = world.spells["elusion"].text(purpose)
    assert text
    return server.hub.context.resources.id(text)


def test_the_import_reads_elusion(world: WorldDefinition) -> None:
    elusion = world.spells["elusion"]
    assert elusion.effect == "elusion" and elusion.targets == 0
    towns = [elusion.figure(f"town_{i}") for i in range(1, 6)]
    assert sorted(towns) == sorted(world.rooms[k].number for k in ("tos", "marion", "barloquesouth", "cornoth", "jasper"))
    assert elusion.figure("refuge") == world.rooms["kocataninn"].number
    assert all(elusion.figure(f"from_{n}") for n in towns) and not elusion.figure(f"from_{world.rooms['jasperinn'].number}")
    assert (elusion.figure("per_power"), elusion.figure("most"), elusion.figure("trance_ms")) == (16, 6, 30_000)
    assert elusion.figure("attack_delay_s") == 600


def _cast(server: MemoryServer, client: MemoryClient, player: Player) -> tuple[list, list[str]]:
    """Cast until it does not fizzle: what the caster read, and the rooms offered."""
    world = server.hub.world
    elusion = world.definition.spells["elusion"]
    failed = world.definition.messages.id("spell_failed")  # type: ignore[union-attr]
    for _ in range(30):
        server.advance(1.5)
        client.read()
        player.stats.mana, player.stats.vigor = 60, 100
        from emulator.world.casting import _power

        power = _power(world, player, elusion)
        reply = client.request("BP_REQ_CAST", spell={"id": spell_object_id(elusion.number), "amount": None}, targets=[])
        if any(f == failed for f, _ in texts_of(reply)):
            continue
        roll = roll_with(random.Random(f"{world.seed}:elusion:{world.tick_count}:{player.object_id}"))
        towns = [world._rooms_by_number[elusion.figure(f"town_{i}")] for i in range(1, 6)]
        count = rules.elusion_count(power, 16, 6)
        offered = rules.elusion_destinations(roll, towns, "kocataninn", count, 6, False)
        return reply, offered
    raise AssertionError("elusion fizzled 30 times")


def test_elusion_takes_its_caster_to_the_place_it_names(caster: tuple[MemoryServer, MemoryClient, Player],
                                                        world: WorldDefinition) -> None:
    server, client, player = caster
    elusion = world.spells["elusion"]
    reply, offered = _cast(server, client, player)
    names = [world.rooms[room].name for room in offered]
    assert offered and player.trance is not None and player.trance[1] == tuple(server.hub.world.room_id(r) for r in offered)
    listed = rules.listed(names, elusion.text("and") or "")
    assert (own(server, world, "destinations"), [listed]) in texts_of(reply)
    # naming one aloud: there at once, at its teleport square
    goal = offered[-1]
    said = client.request("BP_SAY_TO", say_type=1, text=f"take me to {world.rooms[goal].name.upper()} now")
    told = texts_of(said + client.read())
    assert (own(server, world, "caster"), []) in told
    spawn = world.rooms[goal].spawns[0]
    assert player.room == goal and square_of(player.y, player.x) == (spawn.row, spawn.col) and player.trance is None


def test_a_wrong_name_or_silence_ends_the_trance(caster: tuple[MemoryServer, MemoryClient, Player],
                                                 world: WorldDefinition) -> None:
    server, client, player = caster
    _cast(server, client, player)
    said = client.request("BP_SAY_TO", say_type=1, text="somewhere nice")
    assert (own(server, world, "wrong_place"), []) in texts_of(said + client.read())
    assert player.room == "jasper" and player.trance is None
    _cast(server, client, player)
    server.advance(31.0)
    assert (own(server, world, "no_destination"), []) in texts_of(client.read())
    assert player.room == "jasper" and player.trance is None


def test_elusion_is_refused_where_it_does_not_lead_from_and_after_an_attack(
        caster: tuple[MemoryServer, MemoryClient, Player], world: WorldDefinition) -> None:
    server, client, player = caster
    elusion = world.spells["elusion"]
    live = server.hub.world
    player.attacked_player_at = live.game_time
    server.advance(1.5)
    client.read()
    reply = client.request("BP_REQ_CAST", spell={"id": spell_object_id(elusion.number), "amount": None}, targets=[])
    assert texts_of(reply) == [(own(server, world, "too_soon"), [])] and player.stats.mana == 60
    server.advance(600.0)
    client.read()
    player.stats.mana = 60
    # from the inn it leads nowhere
    spawn = world.rooms["jasperinn"].spawns[0]
    from emulator.content.model import Exit, Placement

    live._take_exit(player, Exit(Placement("jasperinn", spawn.row, spawn.col)))
    reply = client.request("BP_REQ_CAST", spell={"id": spell_object_id(elusion.number), "amount": None}, targets=[])
    assert texts_of(reply) == [(own(server, world, "not_from_here"), [])] and player.stats.mana == 60
