"""End to end on the imported original world: a player in Jasper's smithy picks up some
shillings, asks the blacksmith what he sells, buys a mace at the rules' price and sees it
in the inventory with the money reduced, then wields it and fights a giant rat with it;
every frame decodes whole and the ledger stays balanced."""

from __future__ import annotations

import shutil
from pathlib import Path

from emulator.content.model import WorldDefinition, square_centre, square_of
from emulator.importer.blakod import KodTree
from emulator.importer.original import ImportReport
from emulator.rules import shops
from emulator.testing.memory_server import MemoryClient, MemoryServer
from emulator.wire.codec import Message
from emulator.world.ledger import check_ledger

from .test_e2e_giant_rat import ROOM_FILES, _beside, _save_in_place, _the_rat
from .test_fight_messages import _client_texts

REPO = Path(__file__).resolve().parent.parent
NUMBER_TAG = 1 << 28
ID_MASK = NUMBER_TAG - 1
MONEY = 500


def _inventory(messages: list[Message]) -> dict[int, int | None]:
    (listed,) = [m for m in messages if m.name == "BP_INVENTORY"]
    return {o["id"] & ID_MASK: o["amount"] for o in listed["objects"]}


def test_buying_a_mace_from_the_jasper_blacksmith(
    imported: tuple[Path, ImportReport], world: WorldDefinition, kod_tree: KodTree, tmp_path: Path
) -> None:
    config = f'room_files = "{ROOM_FILES}"\n[server]\ndata = "{imported[0]}"\n'
    server = MemoryServer(tmp_path, config)
    try:
        live = server.hub.world
        (placed,) = [p for p in world.objects if p.kind == "jasperblacksmith"]
        room = world.rooms[placed.at.room]
        square = _beside(ROOM_FILES / room.roo_file, placed.at.row, placed.at.col, taken=set())
        server.create_account("alice", "pw-alice")
        server.create_character("alice", "Alanna")
        _save_in_place(server, "Alanna", placed.at.room, *square)
        alice = server.connect()
        for resource_id, text in _client_texts(kod_tree).items():  # a stock client has the original's strings
            alice.codec.resources.add(resource_id, text)
        alice.login_to_game("alice", "pw-alice")
        alice.enter_world("Alanna")
        (keeper,) = [t for t in live.room_objects(placed.at.room) if t.kind == "jasperblacksmith"]

        # shillings on her square, made through the items layer so the ledger has them
        coins = live.items.create_on_ground("money", MONEY, placed.at.room, *square_centre(*square), 0, "test", [])
        alice.request("BP_REQ_GET", object={"id": coins.object_id | NUMBER_TAG, "amount": MONEY})
        assert _inventory(alice.request("BP_REQ_INVENTORY")) == {coins.object_id: MONEY}

        listed = [m for m in alice.request("BP_REQ_BUY", seller={"id": keeper.object_id, "amount": None}) if m.name == "BP_BUY_LIST"]
        (buy_list,) = listed
        assert buy_list["seller"]["id"] == keeper.object_id
        shop = world.kinds["jasperblacksmith"].shop
        assert shop is not None and shop.markup is not None
        mace_info = world.kinds["mace"].item
        assert mace_info is not None and mace_info.get("value") is not None
        price = shops.unit_price(mace_info.get("value") or 0, shop.markup)
        names = {o["object"]["name"]: (o["object"]["id"], o["price"]) for o in buy_list["offers"]}
        mace_id, shown = names[server.hub.context.resources.id(world.kinds["mace"].name)]
        assert shown == price and 0 < price < MONEY
        assert len(buy_list["offers"]) == len(shop.sells)

        bought = alice.request("BP_REQ_BUY_ITEMS", seller={"id": keeper.object_id, "amount": None},
                               objects=[{"id": mace_id, "amount": None}])
        (added,) = [m for m in bought if m.name == "BP_INVENTORY_ADD"]
        (changed,) = [m for m in bought if m.name == "BP_CHANGE"]
        assert changed["id"] & ID_MASK == coins.object_id and changed["amount"] == MONEY - price
        held = _inventory(alice.request("BP_REQ_INVENTORY"))
        assert held == {coins.object_id: MONEY - price, added["id"]: None}
        (mace,) = [i for i in live.items if i.kind == "mace"]
        assert mace.object_id == added["id"]

        # more maces until the money runs short: then the keeper says so, and nothing changes
        left = MONEY - price
        for _ in range(left // price):
            alice.request("BP_REQ_BUY_ITEMS", seller={"id": keeper.object_id, "amount": None},
                          objects=[{"id": mace_id, "amount": None}])
        refused = alice.request("BP_REQ_BUY_ITEMS", seller={"id": keeper.object_id, "amount": None},
                                objects=[{"id": mace_id, "amount": None}])
        assert [m.name for m in refused] == ["BP_SAID"] and refused[0]["sender"] == keeper.object_id
        # the original's words by their resource id, naming the mace (monster.kod Buy)
        too_costly = kod_tree.resources["lm_mrcnt_too_costly"]
        assert refused[0]["say_type"] == 5 and refused[0]["text"]["format"] == too_costly.id
        assert refused[0]["text"]["params"][1] == dict(world.kinds["mace"].resource_ids)["name"]
        assert _inventory(alice.request("BP_REQ_INVENTORY"))[coins.object_id] == left % price
        assert not alice.closed_by_server
        assert check_ledger(live.items.ledger.totals, live.items.existing_units()).ok
    finally:
        server.stop()


def test_a_hand_made_keeper_sells_number_wares_and_refuses_in_the_servers_own_words(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    with (data / "objects" / "kinds.toml").open("a") as kinds:
        kinds.write(
            '\n[pedlar]\nname = "pedlar"\nicon = "pedlar.bgf"\ndescription = "A pedlar."\n'
            '\n[pedlar.shop]\nmarkup = 0\n\n[[pedlar.shop.sells]]\nkind = "arrows"\nnumber = 20\n'
            '\n[[pedlar.shop.sells]]\nkind = "stick"\n'
            '\n[shillings]\nname = "shilling"\nicon = "coin.bgf"\ndescription = "Coins."\nflags = ["gettable"]\n'
            '\n[shillings.item]\nstacks = true\nplural = "shillings"\nitem_type = 8192\nweight = 0\nbulk = 0\nvalue = 1\n'
            '\n[arrows]\nname = "arrow"\nicon = "arrow.bgf"\ndescription = "Arrows."\nflags = ["gettable"]\n'
            '\n[arrows.item]\nstacks = true\nplural = "arrows"\nvalue = 2\nweight = 1\nbulk = 1\n'
            '\n[stick]\nname = "stick"\nicon = "stick.bgf"\ndescription = "A stick."\nflags = ["gettable"]\n'
            '\n[stick.item]\nvalue = 100\n'
        )
    with (data / "objects" / "placed.toml").open("a") as placed:
        placed.write('\n[[object]]\nkey = "inn_pedlar"\nkind = "pedlar"\nroom = "jasper_inn"\nrow = 5\ncol = 12\n')
    server = MemoryServer(tmp_path, f'[server]\ndata = "{data}"\n')
    try:
        server.create_account("alice", "pw-alice")
        server.create_character("alice", "Alanna")
        alice = server.connect()
        alice.login_to_game("alice", "pw-alice")
        entered = alice.enter_world("Alanna")
        live = server.hub.world
        me = live.player(entered["id"])
        coins = live.items.create_on_ground("shillings", 110, me.room, me.y, me.x, 0, "test", [])
        alice.request("BP_REQ_GET", object={"id": coins.object_id | NUMBER_TAG, "amount": 110})
        (keeper,) = [t for t in live.room_objects(me.room) if t.kind == "pedlar"]
        seller = {"id": keeper.object_id, "amount": None}

        (listed,) = [m for m in alice.request("BP_REQ_BUY", seller=seller) if m.name == "BP_BUY_LIST"]
        # a flat keeper asks the value; the number ware shows its template's number
        offers = [(o["object"]["id"] & NUMBER_TAG, o["object"]["amount"], o["price"]) for o in listed["offers"]]
        assert offers == [(0, None, 100), (NUMBER_TAG, 20, 2)]
        stick_id, arrows_id = (o["object"]["id"] & ID_MASK for o in listed["offers"])

        # 5 arrows (10), then the stick (100): 110 shillings pays both exactly
        bought = alice.request("BP_REQ_BUY_ITEMS", seller=seller, objects=[
            {"id": arrows_id | NUMBER_TAG, "amount": 5}, {"id": stick_id, "amount": None},
        ])
        assert [m.name for m in bought].count("BP_INVENTORY_ADD") == 2
        assert [m["id"] & ID_MASK for m in bought if m.name == "BP_INVENTORY_REMOVE"] == [coins.object_id]
        assert sorted((i.kind, i.number) for i in live.carried(me.object_id)) == [("arrows", 5), ("stick", None)]

        # a keeper speaks aloud: another player in the room hears the refusal too
        server.create_account("bob", "pw-bob")
        server.create_character("bob", "Bertram")
        bob = server.connect()
        bob.login_to_game("bob", "pw-bob")
        bob.enter_world("Bertram")
        bob.read()
        alice.read()
        refused = alice.request("BP_REQ_BUY_ITEMS", seller=seller, objects=[{"id": stick_id, "amount": None}])
        assert [m.name for m in refused] == ["BP_SAID"]
        assert [(m.name, m["sender"]) for m in bob.read()] == [("BP_SAID", keeper.object_id)]
        assert refused[0]["say_type"] == 1 and refused[0]["text"]["params"][1] == "You can't afford the stick."
        assert check_ledger(live.items.ledger.totals, live.items.existing_units()).ok
    finally:
        server.stop()


def test_a_mace_bought_from_the_jasper_smith_is_wielded_and_fights(
    imported: tuple[Path, ImportReport], world: WorldDefinition, kod_tree: KodTree, tmp_path: Path
) -> None:
    """The whole of it through the protocol: Alanna buys a mace from the Jasper smith,
    wields it, logs off in the smithy and comes back by the sewer's giant rats (as if she
    had walked there) still wielding it; her blows are the mace's, in the original's
    words, and they wound the rat."""
    config = f'room_files = "{ROOM_FILES}"\n[server]\ndata = "{imported[0]}"\n'
    server = MemoryServer(tmp_path, config)
    stock_texts = list(_client_texts(kod_tree).items())

    def come_in() -> MemoryClient:
        client = server.connect()
        for resource_id, text in stock_texts:  # a stock client has the original's strings
            client.codec.resources.add(resource_id, text)
        client.login_to_game("alice", "pw-alice")
        client.enter_world("Alanna")
        return client

    try:
        live = server.hub.world
        (placed,) = [p for p in world.objects if p.kind == "jasperblacksmith"]
        square = _beside(ROOM_FILES / world.rooms[placed.at.room].roo_file, placed.at.row, placed.at.col, taken=set())
        server.create_account("alice", "pw-alice")
        server.create_character("alice", "Alanna")
        _save_in_place(server, "Alanna", placed.at.room, *square)
        alice = come_in()
        (keeper,) = [t for t in live.room_objects(placed.at.room) if t.kind == "jasperblacksmith"]
        coins = live.items.create_on_ground("money", MONEY, placed.at.room, *square_centre(*square), 0, "test", [])
        alice.request("BP_REQ_GET", object={"id": coins.object_id | NUMBER_TAG, "amount": MONEY})
        seller = {"id": keeper.object_id, "amount": None}
        (buy_list,) = [m for m in alice.request("BP_REQ_BUY", seller=seller) if m.name == "BP_BUY_LIST"]
        mace_name = server.hub.context.resources.id(world.kinds["mace"].name)
        (ware,) = [o["object"]["id"] for o in buy_list["offers"] if o["object"]["name"] == mace_name]
        bought = alice.request("BP_REQ_BUY_ITEMS", seller=seller, objects=[{"id": ware, "amount": None}])
        (added,) = [m for m in bought if m.name == "BP_INVENTORY_ADD"]
        mace_id = added["id"]
        used = alice.request("BP_REQ_USE", object={"id": mace_id, "amount": None})
        assert [m["id"] for m in used if m.name == "BP_USE"] == [mace_id]
        alice.request("BP_LOGOFF")
        alice.close()
        server.advance(0.5)  # the item writes leave within a quarter of a second

        # back in the world beside a giant rat, the mace still in her hand
        rat = _the_rat(live, world)
        rat_square = square_of(rat.y, rat.x)
        _save_in_place(server, "Alanna", rat.room, *_beside(ROOM_FILES / world.rooms[rat.room].roo_file, *rat_square, taken=set()))
        alice = come_in()
        (use_list,) = [m for m in alice.request("BP_REQ_INVENTORY") if m.name == "BP_USE_LIST"]
        assert use_list["ids"] == [mace_id]
        (me,) = live.all_players()
        me.stats.health = 500  # the rats bite back: she outlasts them on every run
        rat.hit_points = 10_000  # and this one outlasts her blows until one lands
        attacker_hit = kod_tree.resources["battler_attacker_hit"].id
        mace_rsc = dict(world.kinds["mace"].resource_ids)["name"]
        hits: list[Message] = []
        for _ in range(120):
            replies = alice.request("BP_REQ_ATTACK", attack_type=1, target={"id": rat.object_id, "amount": None}, trailing=0)
            hits += [m for m in replies if m.name == "BP_MESSAGE" and m["format"] == attacker_hit]
            if hits:
                break
            server.advance(1.0)
            alice.read()
        assert hits, "the mace never hit the rat"
        assert hits[0]["params"][1] == mace_rsc  # "Your mace <bludgeon word> the giant rat"
        assert rat.hit_points < 10_000
        assert not alice.closed_by_server
        assert check_ledger(live.items.ledger.totals, live.items.existing_units()).ok
    finally:
        server.stop()
