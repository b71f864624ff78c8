"""End to end: a player at the Jasper bank of the imported original world deposits
shillings picked up, asks the balance, withdraws, is refused in the original's words, and
finds the balance kept after a restart; another player where no banker stands is told so.
Every frame decodes whole; the ledger balances in the world and in the store. In a
hand-made world a banker speaks the server's own sentences."""

from __future__ import annotations

import shutil
from pathlib import Path

from emulator.content.model import WorldDefinition, square_centre
from emulator.importer.blakod import KodTree
from emulator.importer.original import ImportReport
from emulator.resources import ResourceTable
from emulator.store.items import check_stored_ledger, load_items
from emulator.testing.memory_server import MemoryClient, MemoryServer
from emulator.wire.codec import Message
from emulator.world.ledger import check_ledger
from protocol_specs.format_string import render
from protocol_specs.opcodes import UC

from .test_e2e_giant_rat import ROOM_FILES, _beside, _save_in_place
from .test_fight_messages import _client_texts, _ids

REPO = Path(__file__).resolve().parent.parent
NUMBER_TAG = 1 << 28
ID_MASK = NUMBER_TAG - 1


def bank(client: MemoryClient, command: UC, amount: int | None = None) -> list[Message]:
    args = {} if amount is None else {"amount": {"id": amount, "amount": None}}
    return client.request("BP_USERCOMMAND", command=command, args=args)


def told(messages: list[Message], texts: ResourceTable) -> list[str]:
    return [render(m["format"], m["params"], texts) for m in messages if m.name == "BP_MESSAGE"]


def inventory(client: MemoryClient) -> dict[int, int | None]:
    (listed,) = [m for m in client.request("BP_REQ_INVENTORY") if m.name == "BP_INVENTORY"]
    return {o["id"] & ID_MASK: o["amount"] for o in listed["objects"]}


def test_banking_at_the_jasper_bank_of_the_imported_world(
    imported: tuple[Path, ImportReport], world: WorldDefinition, kod_tree: KodTree, tmp_path: Path
) -> None:
    config = f'room_files = "{ROOM_FILES}"\n[server]\ndata = "{imported[0]}"\n'
    texts = _client_texts(kod_tree)  # a stock client has the original's strings
    (placed,) = [p for p in world.objects if p.kind == "jasperbanker"]
    assert world.kinds["jasperbanker"].shop is not None and world.kinds["jasperbanker"].shop.bank == 1
    room = world.rooms[placed.at.room]
    square = _beside(ROOM_FILES / room.roo_file, placed.at.row, placed.at.col, taken=set())
    server = MemoryServer(tmp_path, config)
    try:
        live = server.hub.world
        server.create_account("alice", "pw-alice")
        server.create_character("alice", "Alanna")
        _save_in_place(server, "Alanna", placed.at.room, *square)
        alice = server.connect()
        for resource_id, text in texts.items():
            alice.codec.resources.add(resource_id, text)
        alice.login_to_game("alice", "pw-alice")
        alice.enter_world("Alanna")
        told_by = _ids(kod_tree, "monster_say_to_one")[0]
        banker_name = dict(world.kinds["jasperbanker"].resource_ids)["name"]
        cap_article = _ids(kod_tree, f"object_article_cap_{world.messages.kind('jasperbanker').article}_rsc")[0]  # type: ignore[union-attr]

        def says(messages: list[Message], words: str, number: int | None = None) -> None:
            """The banker tells her alone, in the original's words by id (monster.kod
            SayToOne), and the stock client can show it: the words filled with the number."""
            (message,) = [m for m in messages if m.name == "BP_MESSAGE"]
            (words_id,) = _ids(kod_tree, words)
            assert message["format"] == told_by
            assert message["params"] == [cap_article, banker_name, words_id, *([] if number is None else [number])]
            shown = told([message], texts)[0]
            assert texts.text(banker_name) in shown and (texts.text(words_id) or "").replace("%i", str(number)) in shown

        # nothing carried, nothing in the account
        refused = bank(alice, UC.UC_DEPOSIT, 10)
        assert [m.name for m in refused] == ["BP_MESSAGE"]
        says(refused, "Lm_bnkr_not_enough_deposit", 0)
        says(bank(alice, UC.UC_WITHDRAW, 10), "Lm_bnkr_no_account")

        # shillings on her square, made through the items layer so the ledger has them
        coins = live.items.create_on_ground("money", 500, placed.at.room, *square_centre(*square), 0, "test", [])
        alice.request("BP_REQ_GET", object={"id": coins.object_id | NUMBER_TAG, "amount": 500})
        assert inventory(alice) == {coins.object_id: 500}

        deposited = bank(alice, UC.UC_DEPOSIT, 200)
        assert [(m["id"] & ID_MASK, m["amount"]) for m in deposited if m.name == "BP_CHANGE"] == [
            (coins.object_id, 300)]
        says(deposited, "Lm_bnkr_did_deposit", 200)
        says(bank(alice, UC.UC_BALANCE), "Lm_bnkr_balance", 200)
        # the rest: the pile leaves her inventory
        rest = bank(alice, UC.UC_DEPOSIT, 300)
        assert [m["id"] & ID_MASK for m in rest if m.name == "BP_INVENTORY_REMOVE"] == [coins.object_id]
        (me,) = [p for p in live.all_players() if p.name == "Alanna"]
        assert inventory(alice) == {} and live.items.balance_of(1, me.character_id) == 500
        # too much
        says(bank(alice, UC.UC_WITHDRAW, 501), "Lm_bnkr_not_enough_withdraw", 500)
        withdrawn = bank(alice, UC.UC_WITHDRAW, 120)
        (added,) = [m for m in withdrawn if m.name == "BP_INVENTORY_ADD"]
        assert added["amount"] == 120 and texts.text(added["name"]) == "shillings"
        says(withdrawn, "Lm_bnkr_did_withdraw", 120)
        assert inventory(alice) == {added["id"] & ID_MASK: 120}
        # the client's "deposit" without a number hands the banker money: deposited as well
        (banker,) = [t for t in live.room_objects(placed.at.room) if t.kind == "jasperbanker"]
        handed = alice.request("BP_REQ_DEPOSIT", keeper={"id": banker.object_id, "amount": None},
                               objects=[{"id": added["id"], "amount": 20}])
        says(handed, "Lm_bnkr_did_deposit", 400)
        assert inventory(alice) == {added["id"] & ID_MASK: 100}
        assert check_ledger(live.items.ledger.totals, live.items.existing_units()).ok
        assert live.items.existing_units() == {"money": 500}

        # a player where no banker stands is told so, in the original's words
        server.create_account("bob", "pw-bob")
        server.create_character("bob", "Bertram")
        bob = server.connect()
        for resource_id, text in texts.items():
            bob.codec.resources.add(resource_id, text)
        bob.login_to_game("bob", "pw-bob")
        bob.enter_world("Bertram")
        (bertram,) = [p for p in live.all_players() if p.name == "Bertram"]
        assert bertram.room != placed.at.room and not [
            t for t in live.room_objects(bertram.room)
            if (shop := world.kinds[t.kind].shop if t.kind in world.kinds else None) is not None
            and (shop.bank is not None or shop.vault is not None)
        ]
        for command, key in ((UC.UC_DEPOSIT, "user_cant_deposit"), (UC.UC_WITHDRAW, "user_cant_withdraw"),
                             (UC.UC_BALANCE, "user_cant_balance")):
            answer = bank(bob, command, 5) if command is not UC.UC_BALANCE else bank(bob, command)
            assert [(m.name, m["format"], m["params"]) for m in answer] == [("BP_MESSAGE", *_ids(kod_tree, key), [])]
        # items handed to a banker: it keeps none
        (bag,) = [i for i in live.carried(next(p.object_id for p in live.all_players() if p.name == "Alanna"))]
        mace = live.items.create_on_ground("mace", None, placed.at.room, *square_centre(*square), 0, "test", [])
        alice.request("BP_REQ_GET", object={"id": mace.object_id, "amount": None})
        no_items = alice.request("BP_REQ_DEPOSIT", keeper={"id": banker.object_id, "amount": None},
                                 objects=[{"id": mace.object_id, "amount": None}])
        assert [(m["format"], m["params"]) for m in no_items] == [(*_ids(kod_tree, "user_cant_deposit_items"), [])]
        assert bag.number == 100
        assert not alice.closed_by_server and not bob.closed_by_server
        server.advance(0.5)  # the item writes leave within a quarter of a second
        assert server.store.run(check_stored_ledger).ok
        (kept,) = server.store.run(load_items).balances
        assert (kept.bank, kept.kind, kept.amount) == (1, "money", 400)
    finally:
        server.stop()

    again = MemoryServer(tmp_path, config)
    try:
        alice = again.connect()
        for resource_id, text in texts.items():
            alice.codec.resources.add(resource_id, text)
        alice.login_to_game("alice", "pw-alice")
        alice.enter_world("Alanna")
        (balance,) = [m for m in bank(alice, UC.UC_BALANCE) if m.name == "BP_MESSAGE"]
        assert balance["params"][2:] == [*_ids(kod_tree, "Lm_bnkr_balance"), 400]
        assert "400" in told([balance], texts)[0]
        assert list(inventory(alice).values()) == [100, None]  # the shillings and the mace
        joined = bank(alice, UC.UC_WITHDRAW, 80)
        assert [m["amount"] for m in joined if m.name == "BP_CHANGE"] == [180]
        assert list(inventory(alice).values()) == [180, None]
        live = again.hub.world
        assert check_ledger(live.items.ledger.totals, live.items.existing_units()).ok
        again.advance(0.5)
        assert again.store.run(check_stored_ledger).ok
        assert [(b.amount) for b in again.store.run(load_items).balances] == [320]
    finally:
        again.stop()


def test_a_hand_made_banker_speaks_the_servers_own_sentences(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    with (data / "objects" / "kinds.toml").open("a") as kinds:
        kinds.write(
            '\n[banker]\nname = "Ledo"\nicon = "banker.bgf"\ndescription = "A banker."\n'
            '\n[banker.shop]\nbank = 3\n'
            '\n[shillings]\nname = "shilling"\nicon = "coin.bgf"\ndescription = "Coins."\nflags = ["gettable"]\n'
            '\n[shillings.item]\nstacks = true\nplural = "shillings"\nitem_type = 8192\nweight = 0\nbulk = 0\nvalue = 1\n'
        )
    with (data / "objects" / "placed.toml").open("a") as placed:
        placed.write('\n[[object]]\nkey = "inn_banker"\nkind = "banker"\nroom = "jasper_inn"\nrow = 5\ncol = 12\n')
    server = MemoryServer(tmp_path, f'[server]\ndata = "{data}"\n')
    try:
        server.create_account("alice", "pw-alice")
        server.create_character("alice", "Alanna")
        alice = server.connect()
        alice.login_to_game("alice", "pw-alice")
        entered = alice.enter_world("Alanna")
        live = server.hub.world
        me = live.player(entered["id"])
        coins = live.items.create_on_ground("shillings", 70, me.room, me.y, me.x, 0, "test", [])
        alice.request("BP_REQ_GET", object={"id": coins.object_id | NUMBER_TAG, "amount": 70})
        texts = alice.codec.resources
        assert told(bank(alice, UC.UC_DEPOSIT, 50), texts) == ['Ledo tells you, "Deposited. Your account now holds 50 shillings."']
        assert told(bank(alice, UC.UC_DEPOSIT, 50), texts) == ['Ledo tells you, "You only carry 20 shillings."']
        assert told(bank(alice, UC.UC_BALANCE), texts) == ['Ledo tells you, "Your account holds 50 shillings."']
        assert told(bank(alice, UC.UC_WITHDRAW, 60), texts) == ['Ledo tells you, "Your account only holds 50 shillings."']
        assert told(bank(alice, UC.UC_WITHDRAW, 50), texts) == ['Ledo tells you, "50 shillings, counted out for you."']
        assert told(bank(alice, UC.UC_WITHDRAW, 1), texts) == ['Ledo tells you, "Your account here is empty."']
        assert live.items.balances == {} and list(inventory(alice).values()) == [70]
        assert check_ledger(live.items.ledger.totals, live.items.existing_units()).ok
        server.advance(0.5)
        assert server.store.run(load_items).balances == ()
    finally:
        server.stop()


def test_no_banker_in_a_hand_made_room_is_told_in_the_servers_words(tmp_path: Path) -> None:
    server = MemoryServer(tmp_path, "")
    try:
        server.create_account("alice", "pw-alice")
        server.create_character("alice", "Alanna")
        alice = server.connect()
        alice.login_to_game("alice", "pw-alice")
        alice.enter_world("Alanna")
        texts = alice.codec.resources
        assert told(bank(alice, UC.UC_DEPOSIT, 5), texts) == ["There is nobody here to deposit money with."]
        assert told(bank(alice, UC.UC_BALANCE), texts) == ["There is nobody here to tell you a balance."]
        assert told(bank(alice, UC.UC_WITHDRAW, 5), texts) == ["There is nobody here to withdraw money from."]
    finally:
        server.stop()


def test_a_vault_at_barloque_in_the_imported_world(
    imported: tuple[Path, ImportReport], world: WorldDefinition, kod_tree: KodTree, tmp_path: Path
) -> None:
    """A mace stored with Barloque's vault keeper for a shilling a unit of its bulk, listed
    at no fee, taken back, stored again and still listed after a restart; money refused
    in the original's words; the ledger balanced in the world and in the store."""
    config = f'room_files = "{ROOM_FILES}"\n[server]\ndata = "{imported[0]}"\n'
    texts = _client_texts(kod_tree)
    (placed,) = [p for p in world.objects if p.kind == "barloquevaultman"]
    room = world.rooms[placed.at.room]
    square = _beside(ROOM_FILES / room.roo_file, placed.at.row, placed.at.col, taken=set())
    mace_info = world.kinds["mace"].item
    assert mace_info is not None
    fee = mace_info.get("bulk") or 10
    told_by = _ids(kod_tree, "monster_say_to_one")[0]

    def keeper_says(messages: list[Message], words: str) -> list[object]:
        (message,) = [m for m in messages if m.name == "BP_MESSAGE"]
        assert message["format"] == told_by and message["params"][2:3] == _ids(kod_tree, words)
        assert told([message], texts)  # the stock client can show it
        return list(message["params"][3:])

    server = MemoryServer(tmp_path, config)
    try:
        live = server.hub.world
        server.create_account("alice", "pw-alice")
        server.create_character("alice", "Alanna")
        _save_in_place(server, "Alanna", placed.at.room, *square)
        alice = server.connect()
        for resource_id, text in texts.items():
            alice.codec.resources.add(resource_id, text)
        alice.login_to_game("alice", "pw-alice")
        alice.enter_world("Alanna")
        (keeper,) = [t for t in live.room_objects(placed.at.room) if t.kind == "barloquevaultman"]
        vault_keeper = {"id": keeper.object_id, "amount": None}
        y, x = square_centre(*square)
        coins = live.items.create_on_ground("money", 3 * fee, placed.at.room, y, x, 0, "test", [])
        mace = live.items.create_on_ground("mace", None, placed.at.room, y, x, 0, "test", [])
        alice.request("BP_REQ_GET", object={"id": coins.object_id | NUMBER_TAG, "amount": 3 * fee})
        alice.request("BP_REQ_GET", object={"id": mace.object_id, "amount": None})
        assert alice.request("BP_REQ_WITHDRAWAL", keeper=vault_keeper) == []  # nothing stored: nothing shown

        stored = alice.request("BP_REQ_DEPOSIT", keeper=vault_keeper, objects=[{"id": mace.object_id, "amount": None}])
        assert [m["id"] & ID_MASK for m in stored if m.name == "BP_INVENTORY_REMOVE"] == [mace.object_id]
        assert [(m["id"] & ID_MASK, m["amount"]) for m in stored if m.name == "BP_CHANGE"] == [(coins.object_id, 2 * fee)]
        assert keeper_says(stored, "vaultman_thanks_amount") == [fee]
        assert inventory(alice) == {coins.object_id: 2 * fee}
        # money has no bulk: not for a vault
        refused = alice.request("BP_REQ_DEPOSIT", keeper=vault_keeper, objects=[{"id": coins.object_id | NUMBER_TAG, "amount": 5}])
        assert keeper_says(refused, "vaultman_nogold") == [
            *_ids(kod_tree, f"object_article_{world.messages.kind('money').article}_rsc"),  # type: ignore[union-attr]
            dict(world.kinds["money"].resource_ids)["name"]]

        (listed,) = [m for m in alice.request("BP_REQ_WITHDRAWAL", keeper=vault_keeper) if m.name == "BP_WITHDRAWAL_LIST"]
        assert listed["seller"]["id"] == keeper.object_id
        assert [(o["object"]["id"], o["price"]) for o in listed["offers"]] == [(mace.object_id, 0)]
        taken = alice.request("BP_REQ_WITHDRAWAL_ITEMS", keeper=vault_keeper, objects=[{"id": mace.object_id, "amount": None}])
        assert [m["id"] for m in taken if m.name == "BP_INVENTORY_ADD"] == [mace.object_id]
        assert keeper_says(taken, "vaultman_thanks") == []
        assert inventory(alice) == {coins.object_id: 2 * fee, mace.object_id: None}
        alice.request("BP_REQ_DEPOSIT", keeper=vault_keeper, objects=[{"id": mace.object_id, "amount": None}])
        # stored again, it leaves her a fee's worth; taken back, a shilling dropped: too little
        back = alice.request("BP_REQ_WITHDRAWAL_ITEMS", keeper=vault_keeper, objects=[{"id": mace.object_id, "amount": None}])
        assert [m["id"] for m in back if m.name == "BP_INVENTORY_ADD"] == [mace.object_id]
        alice.request("BP_REQ_DROP", form="single", object={"id": coins.object_id | NUMBER_TAG, "amount": 1})
        short = alice.request("BP_REQ_DEPOSIT", keeper=vault_keeper, objects=[{"id": mace.object_id, "amount": None}])
        assert keeper_says(short, "vaultman_nodeposit_cash") == [fee]
        assert inventory(alice) == {coins.object_id: fee - 1, mace.object_id: None}
        (dropped,) = [i for i in live.items.on_ground(placed.at.room) if i.kind == "money"]
        alice.request("BP_REQ_GET", object={"id": dropped.object_id | NUMBER_TAG, "amount": 1})
        alice.request("BP_REQ_DEPOSIT", keeper=vault_keeper, objects=[{"id": mace.object_id, "amount": None}])
        assert inventory(alice) == {}
        assert check_ledger(live.items.ledger.totals, live.items.existing_units()).ok
        assert live.items.existing_units() == {"mace": 1}  # the fees paid: 3 × its bulk
        assert not alice.closed_by_server
        server.advance(0.5)
        assert server.store.run(check_stored_ledger).ok
    finally:
        server.stop()

    again = MemoryServer(tmp_path, config)
    try:
        alice = again.connect()
        for resource_id, text in texts.items():
            alice.codec.resources.add(resource_id, text)
        alice.login_to_game("alice", "pw-alice")
        alice.enter_world("Alanna")
        (listed,) = [m for m in alice.request("BP_REQ_WITHDRAWAL", keeper=vault_keeper) if m.name == "BP_WITHDRAWAL_LIST"]
        assert [o["object"]["id"] for o in listed["offers"]] == [mace.object_id]
        assert inventory(alice) == {}
        assert again.store.run(check_stored_ledger).ok
    finally:
        again.stop()


def test_the_real_server_killed_with_sigkill_keeps_a_deposit(tmp_path: Path) -> None:
    """The real server process, its store thread and SQLite: shillings deposited half a
    second before a kill -9 are in the account after the restart, not in the purse, and
    the ledger balances."""
    import datetime

    from emulator.store.database import open_database
    from emulator.store.items import apply_item_batch
    from emulator.world.items import FIRST_ITEM_ID, ItemRow, Operation
    from emulator.world.ledger import LedgerEntry
    from tests.live_server import LiveServer, run_cli
    from tests.test_e2e_game import enter as enter_live

    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    with (data / "objects" / "kinds.toml").open("a") as kinds:
        kinds.write('\n[banker]\nname = "Ledo"\nicon = "banker.bgf"\ndescription = "A banker."\n\n[banker.shop]\nbank = 1\n'
                    '\n[shillings]\nname = "shilling"\nicon = "coin.bgf"\ndescription = "Coins."\nflags = ["gettable"]\n'
                    '\n[shillings.item]\nstacks = true\nplural = "shillings"\nitem_type = 8192\nweight = 0\nbulk = 0\n')
    with (data / "objects" / "placed.toml").open("a") as placed:
        placed.write('\n[[object]]\nkey = "inn_banker"\nkind = "banker"\nroom = "jasper_inn"\nrow = 5\ncol = 12\n')
    url = f"sqlite:///{tmp_path / 'world.db'}"
    run_cli("account", "create", "bob", "--database", url, stdin="pw-bob\n")
    run_cli("character", "create", "bob", "Bobbin", "--database", url)
    db = open_database(url)
    y, x = square_centre(4, 11)  # beside the start square of the inn
    pile = ItemRow(FIRST_ITEM_ID, "shillings", 50, "jasper_inn", y, x, 0, None, 0, 0)
    apply_item_batch(db, [Operation(1, ((pile.id, pile),), (LedgerEntry("shillings", created=50, reason="test"),))],
                     datetime.datetime.now(datetime.UTC))
    db.close()
    config = f'[server]\ndata = "{data}"\n'
    server = LiveServer(tmp_path, url, config)
    try:
        bob = enter_live(server, "bob", "pw-bob")
        bob.request("BP_REQ_GET", object={"id": FIRST_ITEM_ID | NUMBER_TAG, "amount": 50})
        bob.expect("BP_INVENTORY_ADD")
        bob.request("BP_USERCOMMAND", command=UC.UC_DEPOSIT, args={"amount": {"id": 30, "amount": None}})
        (changed,) = [m for m in bob.expect("BP_CHANGE") if m.name == "BP_CHANGE"]
        assert changed["amount"] == 20
        bob.quiet_for(0.6)  # the write leaves within a quarter of a second
        server.process.kill()  # no shutdown, no logoff save
        server.process.wait(timeout=10)
    finally:
        server.stop()
    done = run_cli("ledger", "--database", url)
    assert done.returncode == 0 and "shillings  50       0          50" in done.stdout
    restarted = LiveServer(tmp_path, url, config)
    try:
        again = enter_live(restarted, "bob", "pw-bob")
        again.request("BP_REQ_INVENTORY")
        listed = [m for m in again.expect("BP_INVENTORY") if m.name == "BP_INVENTORY"][-1]
        assert [o["amount"] for o in listed["objects"]] == [20]
        again.request("BP_USERCOMMAND", command=UC.UC_BALANCE, args={})
        (said,) = [m for m in again.expect("BP_MESSAGE") if m.name == "BP_MESSAGE"]
        assert said["params"] == ['Ledo tells you, "Your account holds 30 shillings."']
        again.close()
    finally:
        restarted.stop()
