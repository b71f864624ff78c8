"""End to end on the imported original world: a player killed by another drops what it
carries on its death square (its wielded mace taken off first, a wedding ring kept, as the
original's DropOnDeath says), the killer picks the loot up, the ledger does not move, and
the places of everything survive a restart; every frame decodes whole."""

from __future__ import annotations

import datetime
from pathlib import Path
from emulator.content.model import WorldDefinition, square_centre, square_of
from emulator.importer.blakod import KodTree
from emulator.importer.original import ImportReport
from emulator.store import characters
from emulator.testing.memory_server import MemoryClient, MemoryServer
from emulator.wire.codec import Message
from emulator.world.events import CarriedLost, WorldEvent
from emulator.world.ledger import check_ledger
from protocol_specs.opcodes import UC

from .test_e2e_giant_rat import ROOM_FILES, _beside
from .test_fight_messages import _client_texts

NUMBER_TAG = 1 << 28
ID_MASK = NUMBER_TAG - 1
ROOM = "jasperab10"  # a disused shop in Jasper: no flags, no monsters
MONEY = 300


def inventory(client: MemoryClient) -> dict[int, int | None]:
    (listed,) = [m for m in client.request("BP_REQ_INVENTORY") if m.name == "BP_INVENTORY"]
    return {o["id"] & ID_MASK: o["amount"] for o in listed["objects"]}


def veteran(server: MemoryServer, name: str, square: tuple[int, int], health: int) -> None:
    """A player past the tutorial (it may fight players, and its deaths are not cheap)."""
    record = server.store.run(characters.find_character, name)
    assert record is not None
    state = characters.CharacterState(record.id, ROOM, *square_centre(*square), 0, health=health, mana=10, vigor=200,
                                      max_health=40, base_max_health=40, past_tutorial=True)
    assert server.store.run(characters.save_characters, [state], datetime.datetime.now(datetime.UTC)) == []


def enter(server: MemoryServer, account: str, name: str, kod_tree: KodTree) -> tuple[MemoryClient, int]:
    client = server.connect()
    for resource_id, text in _client_texts(kod_tree).items():
        client.codec.resources.add(resource_id, text)
    client.login_to_game(account, "pw")
    return client, client.enter_world(name)["id"]


def test_a_player_killed_by_a_player_drops_its_things_for_the_killer(
    imported: tuple[Path, ImportReport], world: WorldDefinition, kod_tree: KodTree, tmp_path: Path
) -> None:
    assert world.rooms[ROOM].flags == () and not world.rooms[ROOM].monsters
    ring = world.kinds["ringwedding"].item
    assert ring is not None and ring.kept_on_death  # its DropOnDeath answers FALSE
    config = f'room_files = "{ROOM_FILES}"\n[server]\ndata = "{imported[0]}"\n'
    server = MemoryServer(tmp_path, config)
    servers = [server]
    try:
        spawn = world.rooms[ROOM].spawns[0]
        here = (spawn.row, spawn.col)
        there = _beside(ROOM_FILES / world.rooms[ROOM].roo_file, *here, taken=set())
        for account, name in (("alice", "Alanna"), ("bob", "Bors")):
            server.create_account(account, "pw")
            server.create_character(account, name)
        veteran(server, "Alanna", here, health=1)
        veteran(server, "Bors", there, health=40)
        bob, bors = enter(server, "bob", "Bors", kod_tree)
        alice, alanna = enter(server, "alice", "Alanna", kod_tree)
        live = server.hub.world
        victim = live.player(alanna)

        # she carries a wielded mace, shillings, a flask and a wedding ring
        given = {}
        for kind, number in (("mace", None), ("money", MONEY), ("flask", None), ("ringwedding", None)):
            item = live.items.create_on_ground(kind, number, ROOM, victim.y, victim.x, 0, "test", [])
            tag = NUMBER_TAG if number is not None else 0
            alice.request("BP_REQ_GET", object={"id": item.object_id | tag, "amount": number})
            given[kind] = item.object_id
        alice.request("BP_REQ_USE", object={"id": given["mace"], "amount": None})
        assert live.used_items(alanna) == [given["mace"]]
        totals = dict(live.items.ledger.totals)
        bob.read()

        bob.request("BP_USERCOMMAND", command=UC.UC_SAFETY, args={"on": 0})
        seen: list[Message] = []
        for _ in range(60):
            seen += bob.request("BP_REQ_ATTACK", attack_type=1, target={"id": alanna, "amount": None}, trailing=0)
            if victim.room != ROOM:
                break
            server.advance(1.1)
            seen += bob.read()
        assert victim.room != ROOM, "Bors never landed a blow"
        died = alice.read()

        # her client: the mace comes off, then everything but the ring leaves the inventory
        names = [(m.name, m["id"] & ID_MASK) for m in died if m.name in ("BP_UNUSE", "BP_INVENTORY_REMOVE")]
        assert names == [("BP_UNUSE", given["mace"]), ("BP_INVENTORY_REMOVE", given["mace"]),
                         ("BP_INVENTORY_REMOVE", given["money"]), ("BP_INVENTORY_REMOVE", given["flask"])]
        assert [i.kind for i in live.carried(alanna)] == ["ringwedding"]
        # the room sees them fall on her square, each its own pile
        created = {m["id"] & ID_MASK for m in seen if m.name == "BP_CREATE"}
        assert {given["mace"], given["money"], given["flask"]} <= created
        on_ground = {i.object_id: i for i in live.items.on_ground(ROOM)}
        for kind in ("mace", "money", "flask"):
            item = on_ground[given[kind]]
            assert (item.y, item.x) == square_centre(*here) and not item.used
        assert on_ground[given["money"]].number == MONEY
        assert live.items.ledger.totals == totals  # moved, neither made nor destroyed

        # the killer picks up the mace and the money
        bob.request("BP_REQ_GET", object={"id": given["mace"], "amount": None})
        bob.request("BP_REQ_GET", object={"id": given["money"] | NUMBER_TAG, "amount": MONEY})
        assert inventory(bob) == {given["mace"]: None, given["money"]: MONEY}
        assert check_ledger(live.items.ledger.totals, live.items.existing_units()).ok
        assert not alice.closed_by_server and not bob.closed_by_server

        # a restart keeps every place: her ring, his loot, the flask on the floor
        for client in (alice, bob):
            client.request("BP_LOGOFF")
        server.stop()
        again = MemoryServer(tmp_path, config)
        servers.append(again)
        alice, alanna = enter(again, "alice", "Alanna", kod_tree)
        bob, bors = enter(again, "bob", "Bors", kod_tree)
        assert inventory(alice) == {given["ringwedding"]: None}
        assert inventory(bob) == {given["mace"]: None, given["money"]: MONEY}
        floor = again.hub.world.items.on_ground(ROOM)
        assert [(i.object_id, square_of(i.y, i.x)) for i in floor] == [(given["flask"], here)]
        items = again.hub.world.items
        assert check_ledger(items.ledger.totals, items.existing_units()).ok
    finally:
        servers[-1].stop()


def test_a_newbie_keeps_its_things_when_it_dies(
    imported: tuple[Path, ImportReport], world: WorldDefinition, tmp_path: Path
) -> None:
    """A cheap death (a player not yet past the tutorial) drops nothing (player.kod Killed)."""
    config = f'room_files = "{ROOM_FILES}"\n[server]\ndata = "{imported[0]}"\n'
    server = MemoryServer(tmp_path, config)
    try:
        server.create_account("alice", "pw")
        server.create_character("alice", "Alanna")
        client = server.connect()
        client.login_to_game("alice", "pw")
        me = client.enter_world("Alanna")["id"]
        live = server.hub.world
        player = live.player(me)
        apple = live.items.create_on_ground("apple", 2, player.room, player.y, player.x, 0, "test", [])
        client.request("BP_REQ_GET", object={"id": apple.object_id | NUMBER_TAG, "amount": 2})
        events: list[WorldEvent] = []
        live._player_died(player, "", events)  # a death without a fight
        assert not player.past_tutorial and [i.kind for i in live.carried(me)] == ["apple"]
        assert not [event for event in events if isinstance(event, CarriedLost)] and not live.items.on_ground(player.room)
    finally:
        server.stop()
