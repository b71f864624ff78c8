"""End to end on the imported original world, two (and three) protocol clients in Jasper's
smithy: a mace traded for shillings (both windows, both inventories, the ledger, a
restart), an axe sold to the blacksmith for the money he offers, and trades called off
by leaving the room and by logging off; every frame decodes whole, every text is the
original's by resource id."""

from __future__ import annotations

from pathlib import Path

from emulator.content.model import WorldDefinition, square_centre
from emulator.importer.blakod import KodTree
from emulator.importer.original import ImportReport
from emulator.rules import shops
from emulator.store.items import check_stored_ledger
from emulator.testing.memory_server import MemoryClient, MemoryServer
from emulator.wire.codec import Message
from emulator.world.ledger import check_ledger
from protocol_specs.format_string import render

from .test_e2e_giant_rat import ROOM_FILES, _beside, _save_in_place
from .test_fight_messages import _client_texts, _ids, _original

NUMBER_TAG = 1 << 28
ID_MASK = NUMBER_TAG - 1
OFFERABLE = 0x200


def named(messages: list[Message], name: str) -> list[Message]:
    return [m for m in messages if m.name == name]


def held(client: MemoryClient) -> dict[int, int | None]:
    (listed,) = named(client.request("BP_REQ_INVENTORY"), "BP_INVENTORY")
    return {o["id"] & ID_MASK: o["amount"] for o in listed["objects"]}


def listed(message: Message) -> list[tuple[int, int | None]]:
    return [(o["id"] & ID_MASK, o["amount"]) for o in message["objects"]]


class Smithy:
    """The imported world's server with players placed around Jasper's blacksmith."""

    def __init__(self, world: WorldDefinition, kod_tree: KodTree, tmp_path: Path, data: Path) -> None:
        self.config = f'room_files = "{ROOM_FILES}"\n[server]\ndata = "{data}"\n'
        self.tmp_path = tmp_path
        self.texts = _client_texts(kod_tree)
        (placed,) = [p for p in world.objects if p.kind == "jasperblacksmith"]
        self.room = placed.at.room
        self.keeper_square = (placed.at.row, placed.at.col)
        self.server = MemoryServer(tmp_path, self.config)
        self.taken: set[tuple[int, int]] = set()

    def restart(self) -> None:
        self.server.stop()
        self.server = MemoryServer(self.tmp_path, self.config)

    def player(self, account: str, name: str, square: tuple[int, int] | None = None, create: bool = True) -> MemoryClient:
        if create:
            self.server.create_account(account, f"pw-{account}")
            self.server.create_character(account, name)
            room_file = ROOM_FILES / self.server.hub.world.definition.rooms[self.room].roo_file
            square = square or _beside(room_file, *self.keeper_square, taken=self.taken)
            self.taken.add(square)
            _save_in_place(self.server, name, self.room, *square)
        client = self.server.connect()
        for resource_id, text in self.texts.items():  # a stock client has the original's strings
            client.codec.resources.add(resource_id, text)
        client.login_to_game(account, f"pw-{account}")
        client.enter_world(name)
        return client

    @staticmethod
    def said(client: MemoryClient, message: Message) -> str:
        """The text as the client shows it (its table has the original's strings and the names)."""
        return render(message["format"], message["params"], client.codec.resources)


def _give(server: MemoryServer, client: MemoryClient, name: str, kind: str, number: int | None = None) -> int:
    """An item made at the player's feet through the item layer, picked up: its id."""
    world = server.hub.world
    (me,) = [p for p in world.all_players() if p.name == name]
    item = world.items.create_on_ground(kind, number, me.room, me.y, me.x, 0, "test", [])
    reference = item.object_id | (NUMBER_TAG if number is not None else 0)
    client.request("BP_REQ_GET", object={"id": reference, "amount": number})
    (carried,) = [i for i in world.carried(me.object_id) if i.kind == kind]
    return carried.object_id


def test_two_players_trade_a_mace_for_shillings_and_keep_it_after_a_restart(
    imported: tuple[Path, ImportReport], world: WorldDefinition, kod_tree: KodTree, tmp_path: Path
) -> None:
    smithy = Smithy(world, kod_tree, tmp_path, imported[0])
    try:
        server = smithy.server
        alice, bob = smithy.player("alice", "Alanna"), smithy.player("bob", "Bertram")
        live = server.hub.world
        mace = _give(server, alice, "Alanna", "mace")
        coins = _give(server, bob, "Bertram", "money", 500)
        alice.request("BP_REQ_USE", object={"id": mace, "amount": None})  # wielded: it comes off when traded
        alice.read(), bob.read()
        bob_id = next(p.object_id for p in live.all_players() if p.name == "Bertram")
        alice_id = next(p.object_id for p in live.all_players() if p.name == "Alanna")
        # the stock client offers only to what is offerable: players are
        (contents,) = named(alice.request("BP_SEND_ROOM_CONTENTS"), "BP_ROOM_CONTENTS")
        assert [o["flags"] & OFFERABLE for o in contents["objects"] if o["id"] == bob_id] == [OFFERABLE]

        # alice offers her mace: her window lists it, bob is told (a system message) and sees it
        offered = alice.request("BP_REQ_OFFER", partner={"id": bob_id, "amount": None}, objects=[{"id": mace, "amount": None}])
        assert [m.name for m in offered] == ["BP_OFFERED"] and listed(offered[0]) == [(mace, None)]
        got = bob.read()
        assert [m.name for m in got] == ["BP_SYS_MESSAGE", "BP_OFFER"]
        assert got[0]["format"] == _ids(kod_tree, "user_got_offer")[0] and smithy.said(bob, got[0]) == _original(kod_tree, "user_got_offer") % ("", "Alanna")
        assert got[1]["offerer"]["id"] == alice_id and listed(got[1]) == [(mace, None)]
        assert got[1]["objects"][0]["name"] == dict(world.kinds["mace"].resource_ids)["name"]

        # bob answers with 120 of his shillings; alice accepts
        answered = bob.request("BP_REQ_COUNTEROFFER", objects=[{"id": coins | NUMBER_TAG, "amount": 120}])
        assert [m.name for m in answered] == ["BP_COUNTEROFFERED"] and listed(answered[0]) == [(coins, 120)]
        (counter,) = alice.read()
        assert counter.name == "BP_COUNTEROFFER" and listed(counter) == [(coins, 120)]
        accepted = alice.request("BP_ACCEPT_OFFER")
        assert [m.name for m in accepted] == ["BP_UNUSE", "BP_INVENTORY_REMOVE", "BP_INVENTORY_ADD"]
        assert accepted[1]["id"] == mace and accepted[2]["amount"] == 120
        paid = accepted[2]["id"] & ID_MASK
        bobs = bob.read()
        assert [m.name for m in bobs] == ["BP_CHANGE", "BP_INVENTORY_ADD", "BP_OFFER_CANCELED"]  # his window closes
        assert (bobs[0]["id"] & ID_MASK, bobs[0]["amount"]) == (coins, 380) and bobs[1]["id"] == mace
        assert held(alice) == {paid: 120} and held(bob) == {coins: 380, mace: None}
        assert not live.trades.trades
        assert check_ledger(live.items.ledger.totals, live.items.existing_units()).ok
        server.advance(0.5)  # the item writes leave within a quarter of a second
        assert server.store.run(check_stored_ledger).ok
        assert not alice.closed_by_server and not bob.closed_by_server

        smithy.restart()
        alice = smithy.player("alice", "Alanna", create=False)
        bob = smithy.player("bob", "Bertram", create=False)
        assert held(alice) == {paid: 120} and held(bob) == {coins: 380, mace: None}
        assert smithy.server.store.run(check_stored_ledger).ok
    finally:
        smithy.server.stop()


def test_an_axe_sold_to_the_jasper_blacksmith_for_his_money(
    imported: tuple[Path, ImportReport], world: WorldDefinition, kod_tree: KodTree, tmp_path: Path
) -> None:
    smithy = Smithy(world, kod_tree, tmp_path, imported[0])
    try:
        server = smithy.server
        alice = smithy.player("alice", "Alanna")
        live = server.hub.world
        axe = _give(server, alice, "Alanna", "axe")
        (keeper,) = [t for t in live.room_objects(smithy.room) if t.kind == "jasperblacksmith"]
        seller = {"id": keeper.object_id, "amount": None}
        (contents,) = named(alice.request("BP_SEND_ROOM_CONTENTS"), "BP_ROOM_CONTENTS")
        assert [o["flags"] & OFFERABLE for o in contents["objects"] if o["id"] == keeper.object_id] == [OFFERABLE]
        shop = world.kinds["jasperblacksmith"].shop
        assert shop is not None and shop.markup is not None and "axe" in shop.buys
        money = shops.keeper_offer([world.kinds["axe"].item.get("value") or 0], shop.markup)  # type: ignore[union-attr]

        # the keeper answers at once with his money
        offered = alice.request("BP_REQ_OFFER", partner=seller, objects=[{"id": axe, "amount": None}])
        assert [m.name for m in offered] == ["BP_OFFERED", "BP_COUNTEROFFER"]
        (coins,) = offered[1]["objects"]
        assert coins["amount"] == money and coins["id"] & NUMBER_TAG
        assert alice.codec.resources.text(coins["name"]) == "shillings"
        accepted = alice.request("BP_ACCEPT_OFFER")
        assert [m.name for m in accepted] == ["BP_INVENTORY_REMOVE", "BP_INVENTORY_ADD"]
        assert accepted[0]["id"] == axe and accepted[1]["amount"] == money
        assert held(alice) == {accepted[1]["id"] & ID_MASK: money}
        assert [i.kind for i in live.items] == ["money"]
        assert check_ledger(live.items.ledger.totals, live.items.existing_units()).ok
        assert live.items.ledger.totals["axe"] == (1, 1)

        # a shilling is money: he wants none of it, and says so to her alone
        refused = alice.request("BP_REQ_OFFER", partner=seller, objects=[{"id": accepted[1]["id"], "amount": 5}])
        assert [m.name for m in refused] == ["BP_MESSAGE"]
        assert refused[0]["format"] == _ids(kod_tree, "monster_say_to_one")[0]
        assert "tells you" in smithy.said(alice, refused[0]) and "not interested" in smithy.said(alice, refused[0])

        # another offer, left standing: he withdraws it after its time
        mace = _give(server, alice, "Alanna", "mace")
        standing = alice.request("BP_REQ_OFFER", partner=seller, objects=[{"id": mace, "amount": None}])
        assert [m.name for m in standing] == ["BP_OFFERED", "BP_COUNTEROFFER"], [(m.name, m.fields) for m in standing]
        withdrawn: list[Message] = []
        for _ in range(shops.KEEPER_OFFER_MS // 5000 + 1):
            server.advance(5.0)
            withdrawn += alice.request("BP_PING")  # the stock client's keep-alive, or it is hung up on
        withdrawn = [m for m in withdrawn if m.name != "BP_ECHO_PING"]
        assert [m.name for m in withdrawn] == ["BP_MESSAGE", "BP_MESSAGE", "BP_OFFER_CANCELED"]
        assert withdrawn[0]["params"][2] == _ids(kod_tree, "Lm_buyer_timeout")[0]
        assert withdrawn[1]["format"] == _ids(kod_tree, "user_canceled_offer")[0]
        assert live.items.by_id[mace].carrier is not None and not live.trades.trades
        server.advance(0.5)
        assert server.store.run(check_stored_ledger).ok
    finally:
        smithy.server.stop()


def test_trades_are_called_off_by_leaving_the_room_and_by_logging_off(
    imported: tuple[Path, ImportReport], world: WorldDefinition, kod_tree: KodTree, tmp_path: Path
) -> None:
    smithy = Smithy(world, kod_tree, tmp_path, imported[0])
    try:
        server = smithy.server
        (exit,) = [e for e in world.rooms[smithy.room].exits if e.row is not None]
        assert exit.row is not None and exit.col is not None
        alice = smithy.player("alice", "Alanna", square=(exit.row, exit.col))  # on the door's square
        bob = smithy.player("bob", "Bertram")
        carol = smithy.player("carol", "Cordelia")
        live = server.hub.world
        ids = {p.name: p.object_id for p in live.all_players()}
        mace = _give(server, alice, "Alanna", "mace")
        alice.read(), bob.read(), carol.read()

        alice.request("BP_REQ_OFFER", partner={"id": ids["Bertram"], "amount": None}, objects=[{"id": mace, "amount": None}])
        bob.read()
        left = alice.request("BP_REQ_GO")
        assert left[0].name == "BP_OFFER_CANCELED" and "BP_PLAYER" in [m.name for m in left]
        told = bob.read()
        assert [m.name for m in told][:2] == ["BP_MESSAGE", "BP_OFFER_CANCELED"]
        assert told[0]["format"] == _ids(kod_tree, "user_canceled_offer")[0] and smithy.said(bob, told[0]) == "Alanna canceled the offer."
        assert not live.trades.trades

        # bob offers his mace to carol, who logs off: he is told, his window closes
        bobs_mace = _give(server, bob, "Bertram", "mace")
        bob.read(), carol.read()
        bob.request("BP_REQ_OFFER", partner={"id": ids["Cordelia"], "amount": None}, objects=[{"id": bobs_mace, "amount": None}])
        assert [m.name for m in carol.read()] == ["BP_SYS_MESSAGE", "BP_OFFER"]
        carol.request("BP_LOGOFF")
        told = bob.read()
        assert [m.name for m in told][:2] == ["BP_MESSAGE", "BP_OFFER_CANCELED"]
        assert smithy.said(bob, told[0]) == "Cordelia canceled the offer."
        assert not live.trades.trades
        # nothing left on the table: cancelling now is told so
        (nothing,) = bob.request("BP_CANCEL_OFFER")
        assert nothing["format"] == _ids(kod_tree, "user_cant_cancel_offer")[0]
        assert held(bob) == {bobs_mace: None} and live.items.by_id[mace].carrier is not None
        assert check_ledger(live.items.ledger.totals, live.items.existing_units()).ok
    finally:
        smithy.server.stop()


def test_in_the_bundled_world_trades_are_told_in_the_servers_own_words(tmp_path: Path) -> None:
    import shutil

    data = tmp_path / "data"
    shutil.copytree(Path(__file__).resolve().parent.parent / "data", data)
    with (data / "objects" / "kinds.toml").open("a") as kinds:
        kinds.write('\n[stick]\nname = "stick"\nicon = "stick.bgf"\ndescription = "A stick."\nflags = ["gettable"]\n'
                    '\n[stick.item]\nvalue = 100\n')
    server = MemoryServer(tmp_path, f'[server]\ndata = "{data}"\n')
    try:
        clients = []
        for account, name in (("alice", "Alanna"), ("bob", "Bertram")):
            server.create_account(account, f"pw-{account}")
            server.create_character(account, name)
            client = server.connect()
            client.login_to_game(account, f"pw-{account}")
            client.enter_world(name)
            clients.append(client)
        alice, bob = clients
        ids = {p.name: p.object_id for p in server.hub.world.all_players()}
        stick = _give(server, alice, "Alanna", "stick")
        alice.read(), bob.read()
        alice.request("BP_REQ_OFFER", partner={"id": ids["Bertram"], "amount": None}, objects=[{"id": stick, "amount": None}])
        (told, shown) = bob.read()
        assert (told.name, shown.name) == ("BP_MESSAGE", "BP_OFFER")
        assert told["params"] == ["Alanna offers you a trade."]
        (nothing,) = bob.request("BP_ACCEPT_OFFER")  # only the offerer accepts: the trade is off
        assert nothing.name == "BP_OFFER_CANCELED"
        (called_off, closed) = alice.read()
        assert called_off["params"] == ["Bertram called off the trade."] and closed.name == "BP_OFFER_CANCELED"
        (no_trade,) = alice.request("BP_CANCEL_OFFER")
        assert no_trade["params"] == ["You have no trade to call off."]
        assert held(alice) == {stick: None}
    finally:
        server.stop()
