"""End to end on the imported original world: a tired, wounded player in the Yonder Inn
buys bowls of stew from Jasper's innkeeper and eats them (BP_REQ_USE, as the stock client
sends for food), drinks a flask it was given, is told when it is too full, cannot use a
wand or a spell potion yet, and tries to work the innkeeper; what it ate and drank is gone from the
inventory and the store, the ledger balanced, every frame decoding whole."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from emulator.content.model import WorldDefinition, square_centre
from emulator.importer.blakod import KodTree
from emulator.importer.original import ImportReport
from emulator.rules import shops
from emulator.rules.vitals import EXERTION_PER_VIGOR
from emulator.store import characters
from emulator.testing.memory_server import MemoryClient, MemoryServer
from emulator.wire.codec import Message
from emulator.world.ledger import check_ledger

from .test_e2e_giant_rat import ROOM_FILES, _beside
from .test_fight_messages import _client_texts

NUMBER_TAG = 1 << 28
ID_MASK = NUMBER_TAG - 1
MONEY = 1000


def bars(messages: list[Message], slot: int) -> list[int]:
    """The values of one condition bar (1 health, 2 mana, 3 vigor) the client was sent."""
    return [m["stat"]["data"]["value"]["value"] for m in messages
            if m.name == "BP_STAT" and m["group"] == 1 and m["stat"]["slot"] == slot]


def inventory(client: MemoryClient) -> dict[int, int | None]:
    (listed,) = [m for m in client.request("BP_REQ_INVENTORY") if m.name == "BP_INVENTORY"]
    return {o["id"] & ID_MASK: o["amount"] for o in listed["objects"]}


def texts_of(messages: list[Message]) -> list[tuple[int, list[Any]]]:
    return [(m["format"], list(m["params"])) for m in messages if m.name == "BP_MESSAGE"]


def place(server: MemoryServer, name: str, room: str, square: tuple[int, int], **figures: Any) -> None:
    record = server.store.run(characters.find_character, name)
    assert record is not None
    state = characters.CharacterState(record.id, room, *square_centre(*square), 0, **figures)
    assert server.store.run(characters.save_characters, [state], datetime.datetime.now(datetime.UTC)) == []


def test_eating_stew_bought_from_the_innkeeper_and_drinking_a_flask(
    imported: tuple[Path, ImportReport], world: WorldDefinition, kod_tree: KodTree, tmp_path: Path
) -> None:
    # a player digesting for minutes sends no pings here: the idle limit waits longer
    config = f'room_files = "{ROOM_FILES}"\n[server]\ndata = "{imported[0]}"\n[timeouts]\ngame_idle = 600.0\n'
    stew, flask = world.kinds["stew"].item, world.kinds["flask"].item
    assert stew is not None and stew.use == "eat" and flask is not None and flask.use == "heal"
    nutrition, filling = stew.get("nutrition"), stew.get("filling")
    assert nutrition and filling and 100 // filling == 4  # four bowls fill an empty stomach past the brim
    server = MemoryServer(tmp_path, config)
    servers = [server]
    try:
        (placed,) = [p for p in world.objects if p.kind == "jasperinnkeeper"]
        square = _beside(ROOM_FILES / world.rooms[placed.at.room].roo_file, placed.at.row, placed.at.col, taken=set())
        server.create_account("alice", "pw-alice")
        server.create_character("alice", "Alanna")
        place(server, "Alanna", placed.at.room, square, health=5, mana=10, vigor=40, max_health=40, base_max_health=40)
        alice = server.connect()
        for resource_id, text in _client_texts(kod_tree).items():
            alice.codec.resources.add(resource_id, text)
        alice.login_to_game("alice", "pw-alice")
        me = alice.enter_world("Alanna")["id"]
        live = server.hub.world
        player = live.player(me)
        (keeper,) = [t for t in live.room_objects(placed.at.room) if t.kind == "jasperinnkeeper"]
        seller = {"id": keeper.object_id, "amount": None}

        # money and a flask given on her square, then bought stew: four bowls to a pile
        coins = live.items.create_on_ground("money", MONEY, player.room, player.y, player.x, 0, "test", [])
        given = live.items.create_on_ground("flask", None, player.room, player.y, player.x, 0, "test", [])
        alice.request("BP_REQ_GET", object={"id": coins.object_id | NUMBER_TAG, "amount": MONEY})
        alice.request("BP_REQ_GET", object={"id": given.object_id, "amount": None})
        (listed,) = [m for m in alice.request("BP_REQ_BUY", seller=seller) if m.name == "BP_BUY_LIST"]
        # the stew, and the spell she teaches (Sweep, as the original's capture lists it too)
        (offer,) = [o for o in listed["offers"] if o["object"]["amount"] is not None]
        assert len(listed["offers"]) == 2 and offer["object"]["amount"] == 4
        bought = alice.request("BP_REQ_BUY_ITEMS", seller=seller, objects=[{"id": offer["object"]["id"], "amount": 4}])
        (added,) = [m for m in bought if m.name == "BP_INVENTORY_ADD"]
        bowls = added["id"] & ID_MASK
        price = 4 * shops.unit_price(stew.get("value") or 0, world.kinds["jasperinnkeeper"].shop.markup)  # type: ignore[union-attr]
        assert inventory(alice) == {coins.object_id: MONEY - price, given.object_id: None, bowls: 4}

        # the flask first (a draught: it heals 5 to 10, and fills the stomach by 15)
        drunk = alice.request("BP_REQ_USE", object={"id": given.object_id, "amount": None})
        healed = bars(drunk, 1)
        assert len(healed) == 1 and 5 + 5 <= healed[0] <= 5 + 10 and player.stats.health == healed[0]
        assert (dict(flask.resource_ids)["use_message"], []) in texts_of(drunk)
        assert [(m["wave"], m["source"]) for m in drunk if m.name == "BP_PLAY_WAVE"] == [(dict(flask.resource_ids)["use_sound"], 0)]
        assert [m["id"] for m in drunk if m.name == "BP_INVENTORY_REMOVE"] == [given.object_id]
        assert player.stomach == 1 + (flask.get("filling") or 0)  # an empty stomach counts 1, as UpdateStomach bounds it

        # bowls of stew: each brings vigor back by its nutrition; the pile shrinks by one
        eaten: list[Message] = []
        for left in (3, 2, 1):
            reply = alice.request("BP_REQ_USE", object={"id": bowls | NUMBER_TAG, "amount": 1})
            eaten += reply
            (changed,) = [m for m in reply if m.name == "BP_CHANGE"]
            assert changed["id"] & ID_MASK == bowls and changed["amount"] == left
            assert (dict(stew.resource_ids)["use_message"], []) in texts_of(reply)
        assert bars(eaten, 3) == [40 + nutrition, 40 + 2 * nutrition, 40 + 3 * nutrition]
        assert player.exertion == 0 and nutrition * EXERTION_PER_VIGOR > 20_000  # whole points at once

        # the last bowl does not fit (16 + 3 x 25 + 25 > 100): the original's words, nothing eaten
        full = alice.request("BP_REQ_USE", object={"id": bowls | NUMBER_TAG, "amount": 1})
        assert texts_of(full) == [(world.messages.id("too_full"), [])]  # type: ignore[union-attr]
        assert [m.name for m in full] == ["BP_MESSAGE"]
        # a stomach empties by 12 a hundred seconds (player.kod FOOD_USE_RATE): later it fits
        server.advance(200.0)
        alice.read()
        later = alice.request("BP_REQ_USE", object={"id": bowls | NUMBER_TAG, "amount": 1})
        assert bars(later, 3) == [40 + 4 * nutrition]
        assert [m["id"] for m in later if m.name == "BP_INVENTORY_REMOVE"] == [bowls]  # the last of the pile

        # spell items are refused for now, in the original's words: a wand applied to herself
        # (BP_REQ_APPLY, as the client sends for an applyable item), a potion used (BP_REQ_USE)
        cant_use = world.messages.id("cant_use")  # type: ignore[union-attr]
        wand = live.items.create_on_ground("firewand", None, player.room, player.y, player.x, 0, "test", [])
        potion = live.items.create_on_ground("hastepotion", None, player.room, player.y, player.x, 0, "test", [])
        for item in (wand, potion):
            alice.request("BP_REQ_GET", object={"id": item.object_id, "amount": None})
        refused = alice.request("BP_REQ_APPLY", item={"id": wand.object_id, "amount": None}, target={"id": me, "amount": None})
        assert texts_of(refused) == [(cant_use, [])]
        assert texts_of(alice.request("BP_REQ_USE", object={"id": potion.object_id, "amount": None})) == [(cant_use, [])]
        # nor is anything applied to what is not a player
        on_keeper = alice.request("BP_REQ_APPLY", item={"id": wand.object_id, "amount": None},
                                target={"id": keeper.object_id, "amount": None})
        assert texts_of(on_keeper) == [(cant_use, [])]
        # working the innkeeper does nothing, as the original says
        worked = alice.request("BP_REQ_ACTIVATE", object={"id": keeper.object_id, "amount": None})
        article = world.messages.id(f"article_{world.messages.kind('jasperinnkeeper').article}")  # type: ignore[union-attr]
        name = dict(world.kinds["jasperinnkeeper"].resource_ids)["name"]
        assert texts_of(worked) == [(world.messages.id("activate_failed"), [article, name])]  # type: ignore[union-attr]
        assert alice.request("BP_REQ_ACTIVATE", object={"id": 0x0FFF_FFF0, "amount": None}) == []

        held = {coins.object_id: MONEY - price, wand.object_id: None, potion.object_id: None}
        assert inventory(alice) == held
        assert check_ledger(live.items.ledger.totals, live.items.existing_units()).ok
        assert live.items.ledger.totals["stew"] == (4, 4) and live.items.ledger.totals["flask"] == (1, 1)
        assert not alice.closed_by_server

        # what was eaten stays eaten after a restart
        alice.request("BP_LOGOFF")
        server.stop()
        again = MemoryServer(tmp_path, config)
        servers.append(again)
        alice = again.connect()
        alice.login_to_game("alice", "pw-alice")
        alice.enter_world("Alanna")
        assert inventory(alice) == held
        items = again.hub.world.items
        assert check_ledger(items.ledger.totals, items.existing_units()).ok
    finally:
        servers[-1].stop()
