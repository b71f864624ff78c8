"""Through the whole server in memory: a rat's treasure picked up (in part and whole),
shown in the inventory, dropped, reordered, and still carried after a restart over the
same store, with the ledger balanced."""

from __future__ import annotations

import shutil
from pathlib import Path

from emulator.store.items import check_stored_ledger, load_items
from emulator.testing.memory_server import MemoryClient, MemoryServer
from emulator.wire.codec import Message
from emulator.world.items import FIRST_ITEM_ID, Item

REPO = Path(__file__).resolve().parent.parent
NUMBER_TAG = 1 << 28


def world_data(tmp_path: Path) -> Path:
    """The bundled data with a still rat beside the start square of the inn that drops a
    pile of shillings and a stick."""
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    with (data / "objects" / "kinds.toml").open("a") as kinds:
        kinds.write(
            '\n[cellar_rat]\nname = "cellar rat"\nicon = "rat.bgf"\ndescription = "A rat."\n'
            'flags = ["attackable"]\n\n[cellar_rat.monster]\nlevel = 55\nbehaviour = ["nomove"]\n'
            'treasure = "cellar"\ndead_name = "dead cellar rat"\ndead_icon = "ratX.bgf"\n'
            '\n[shillings]\nname = "shilling"\nicon = "coin.bgf"\ndescription = "Coins."\nflags = ["gettable"]\n'
            '\n[shillings.item]\nstacks = true\nnumber = 1\nplural = "shillings"\nitem_type = 8192\nweight = 0\nbulk = 0\n'
            '\n[stick]\nname = "stick"\nicon = "stick.bgf"\ndescription = "A stick."\nflags = ["gettable"]\n'
            '\n[stick.item]\nweight = 30\nbulk = 20\n'
        )
    (data / "treasure.toml").write_text(
        '[cellar]\nnumber = 1\n\n[[cellar.items]]\nkind = "shillings"\nweight = 1\n'
    )
    inn = data / "rooms" / "jasper_inn.toml"
    inn.write_text(
        "monster_limit = 1\ninitial_min = 1\ninitial_max = 1\nspawn_milliseconds = 1000000\nspawn_percent = 0\n"
        + inn.read_text()
        + '\n[[monsters]]\nkind = "cellar_rat"\npercent = 100\n'
        + "\n[[monster_spawns]]\nrow = 5\ncol = 10\n"  # the start is (4, 10)
    )
    return data


def enter(server: MemoryServer, account: str, character: str, create: bool = True) -> MemoryClient:
    if create:
        server.create_account(account, f"pw-{account}")
        server.create_character(account, character)
    client = server.connect()
    client.login_to_game(account, f"pw-{account}")
    client.enter_world(character)
    return client


def inventory(client: MemoryClient) -> list[tuple[int, int | None]]:
    (listed,) = [m for m in client.request("BP_REQ_INVENTORY") if m.name == "BP_INVENTORY"]
    return [(o["id"], o["amount"]) for o in listed["objects"]]


def named(messages: list[Message], name: str) -> list[Message]:
    return [m for m in messages if m.name == name]


def test_treasure_picked_up_is_still_carried_after_a_restart(tmp_path: Path) -> None:
    data = world_data(tmp_path)
    config = f'[server]\ndata = "{data}"\n'
    server = MemoryServer(tmp_path, config)
    try:
        alice = enter(server, "alice", "Alanna")
        bob = enter(server, "bob", "Bertram")
        world = server.hub.world
        assert inventory(alice) == []
        (rat,) = world.monsters()
        rat.hit_points = 1
        for _ in range(30):
            alice.request("BP_REQ_ATTACK", attack_type=1, target={"id": rat.object_id, "amount": None}, trailing=0)
            if world.object(rat.object_id) is None:
                break
            server.advance(1.0)
        (pile,) = [r for r in world.remains() if isinstance(r, Item)]
        assert pile.object_id >= FIRST_ITEM_ID and pile.number is not None and pile.number > 10
        total = pile.number
        alice.read(), bob.read()

        # part of the pile: alice gets a new item of 4, bob sees the pile shrink
        got = alice.request("BP_REQ_GET", object={"id": pile.object_id | NUMBER_TAG, "amount": 4})
        (added,) = named(got, "BP_INVENTORY_ADD")
        carried = added["id"] & 0x0FFF_FFFF
        assert carried != pile.object_id and added["amount"] == 4 and added["id"] & NUMBER_TAG
        (changed,) = named(bob.read(), "BP_CHANGE")
        assert (changed["id"], changed["amount"]) == (pile.object_id | NUMBER_TAG, total - 4)
        # the rest, untagged: it joins what she carries (a change, not a second item)
        got = alice.request("BP_REQ_GET", object={"id": pile.object_id, "amount": None})
        assert named(got, "BP_INVENTORY_ADD") == []
        assert [(m["id"], m["amount"]) for m in named(got, "BP_CHANGE")] == [(carried | NUMBER_TAG, total)]
        assert [m["id"] for m in named(bob.read(), "BP_REMOVE")] == [pile.object_id]
        assert inventory(alice) == [(carried | NUMBER_TAG, total)]
        # her coins can be looked at in her inventory, bob cannot look into it
        (looked,) = named(alice.request("BP_REQ_LOOK", object={"id": carried | NUMBER_TAG, "amount": total}), "BP_LOOK")
        assert (looked["object"]["id"], looked["object"]["amount"]) == (carried | NUMBER_TAG, total)
        assert named(bob.request("BP_REQ_LOOK", object={"id": carried | NUMBER_TAG, "amount": total}), "BP_LOOK") == []
        # too far, gone, nonsense: told, nothing changes
        refused = alice.request("BP_REQ_GET", object={"id": pile.object_id, "amount": None})
        assert [m.name for m in refused] == ["BP_MESSAGE"]
        assert alice.request("BP_REQ_DROP", form="single", object={"id": 0x0FFF_FFFF, "amount": None})[0].name == "BP_MESSAGE"

        # a stick, for the order: dropped 3 coins join nothing, so bob sees a new pile
        stick = world.items.create_on_ground("stick", None, *_alice_square(world), 0, "test", [])
        alice.request("BP_REQ_GET", object={"id": stick.object_id, "amount": None})
        dropped = alice.request("BP_REQ_DROP", form="list", objects=[{"id": carried | NUMBER_TAG, "amount": 3}])
        assert [(m["id"], m["amount"]) for m in named(dropped, "BP_CHANGE")] == [(carried | NUMBER_TAG, total - 3)]
        (created,) = named(bob.read(), "BP_CREATE")
        assert created["amount"] == 3
        assert inventory(alice) == [(carried | NUMBER_TAG, total - 3), (stick.object_id, None)]
        assert alice.request("BP_REQ_INVENTORY_MOVE", form="ids", item={"id": stick.object_id, "amount": None},
                             place_of={"id": carried | NUMBER_TAG, "amount": total - 3}) == []
        assert inventory(alice) == [(stick.object_id, None), (carried | NUMBER_TAG, total - 3)]
        server.advance(3.0)  # BP_REQ_INVENTORY is budgeted (five at once, then two a second)
        # the other layout, positions from 1: the stick goes last, and back first
        assert alice.request("BP_REQ_INVENTORY_MOVE", form="indices", from_index=1, to_index=3) == []
        assert inventory(alice) == [(carried | NUMBER_TAG, total - 3), (stick.object_id, None)]
        alice.request("BP_REQ_INVENTORY_MOVE", form="indices", from_index=2, to_index=1)
        assert inventory(alice) == [(stick.object_id, None), (carried | NUMBER_TAG, total - 3)]
        server.advance(0.5)  # the item writes leave within a quarter of a second
        stored = server.store.run(load_items)
        assert {r.id: r.carrier for r in stored.rows}[stick.object_id] is not None
        assert server.store.run(check_stored_ledger).ok
        bob.request("BP_REQ_GET", object={"id": created["id"], "amount": 2})
        server.advance(0.5)
    finally:
        server.stop()
    again = MemoryServer(tmp_path, config)
    try:
        alice = enter(again, "alice", "Alanna", create=False)
        assert inventory(alice) == [(stick.object_id, None), (carried | NUMBER_TAG, total - 3)]
        bob = enter(again, "bob", "Bertram", create=False)
        assert [amount for _, amount in inventory(bob)] == [2]
        verdict = again.store.run(check_stored_ledger)
        assert verdict.ok and [(line.kind, line.created, line.existing) for line in verdict.lines] == [
            ("shillings", total, total), ("stick", 1, 1),
        ]
        # the pile bob left on the ground is there, one coin
        ground = [i for i in again.hub.world.items if i.carrier is None]
        assert [(i.kind, i.number) for i in ground] == [("shillings", 1)]
        # bob deletes his character from the selection screen: his coins go, recorded
        bob.close()
        bob = again.connect()
        bob.login_to_game("bob", "pw-bob")
        (listed,) = named(bob.request("BP_SEND_CHARACTERS"), "BP_CHARACTERS")
        (bertram,) = [c for c in listed["characters"] if c["name"] == "Bertram"]
        bob.request("BP_DELETE_CHARACTER", character_id=bertram["id"])
        again.advance(1.5)
        verdict = again.store.run(check_stored_ledger)
        assert verdict.ok and [(line.kind, line.destroyed) for line in verdict.lines] == [("shillings", 2), ("stick", 0)]
    finally:
        again.stop()


def _alice_square(world) -> tuple[str, int, int]:  # type: ignore[no-untyped-def]
    (player,) = [p for p in world.all_players() if p.name == "Alanna"]
    return player.room, player.y, player.x


def test_item_refusals_are_told_in_the_original_words_in_an_imported_world(imported, kod_tree, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from protocol_specs.format_string import render

    from .test_fight_messages import _client_texts, _ids, _original

    data = tmp_path / "data"
    shutil.copytree(imported[0], data)
    server = MemoryServer(tmp_path, f'[server]\ndata = "{data}"\n')
    texts = _client_texts(kod_tree)
    try:
        alice = enter(server, "alice", "Alanna")
        for resource_id, known in texts.items():
            alice.codec.resources.add(resource_id, known)
        world = server.hub.world
        (me,) = world.all_players()
        far = world.items.create_on_ground("money", 10, me.room, me.y + 64 * 8, me.x, 0, "test", [])
        alice.read()

        def told(*request: object, **fields: object) -> tuple[int, list[int], str]:
            (message,) = named(alice.request(*request, **fields), "BP_MESSAGE")  # type: ignore[arg-type]
            return message["format"], message["params"], render(message["format"], message["params"], texts)

        too_far = told("BP_REQ_GET", object={"id": far.object_id | NUMBER_TAG, "amount": 5})
        assert too_far[:2] == (*_ids(kod_tree, "user_err_get_dist"), _ids(kod_tree, "object_article_the_rsc", "money_name_one_rsc"))
        assert too_far[2] == _original(kod_tree, "user_err_get_dist") % ("the ", "shilling")
        me.y = far.y
        too_many = told("BP_REQ_GET", object={"id": far.object_id | NUMBER_TAG, "amount": 11})
        assert too_many[:2] == (*_ids(kod_tree, "user_pickup_too_many"), _ids(kod_tree, "money_name_many_rsc"))
        assert too_many[2] == _original(kod_tree, "user_pickup_too_many") % "shillings"
        not_held = told("BP_REQ_DROP", form="single", object={"id": far.object_id | NUMBER_TAG, "amount": 1})
        assert not_held == (*_ids(kod_tree, "user_err_drop"), [], _original(kod_tree, "user_err_drop"))
        got = alice.request("BP_REQ_GET", object={"id": far.object_id | NUMBER_TAG, "amount": 10})
        # the plural by an original id (the lowest of that text, which the client shows the same)
        assert [(m["amount"], texts.text(m["name"])) for m in named(got, "BP_INVENTORY_ADD")] == [(10, "shillings")]
    finally:
        server.stop()


def test_the_real_server_killed_with_sigkill_keeps_what_was_picked_up(tmp_path: Path) -> None:
    """The real server process, its store thread and SQLite: coins picked up half a
    second before a kill -9 are still carried after the restart, and the ledger balances."""
    import datetime

    from emulator.content.model import square_centre
    from emulator.store.database import open_database
    from emulator.store.items import apply_item_batch
    from emulator.world.items import ItemRow, Operation
    from emulator.world.ledger import LedgerEntry
    from tests.live_server import LiveServer, run_cli
    from tests.test_e2e_game import enter as enter_live

    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    with (data / "objects" / "kinds.toml").open("a") as kinds:
        kinds.write('\n[shillings]\nname = "shilling"\nicon = "coin.bgf"\ndescription = "Coins."\nflags = ["gettable"]\n'
                    '\n[shillings.item]\nstacks = true\nplural = "shillings"\nitem_type = 8192\nweight = 0\nbulk = 0\n')
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
        bob.request("BP_REQ_GET", object={"id": FIRST_ITEM_ID | NUMBER_TAG, "amount": 20})
        (added,) = [m for m in bob.expect("BP_INVENTORY_ADD") if m.name == "BP_INVENTORY_ADD"]
        assert added["amount"] == 20
        bob.quiet_for(0.6)  # the write leaves within a quarter of a second
        server.process.kill()  # no shutdown, no logoff save
        server.process.wait(timeout=10)
    finally:
        server.stop()
    assert run_cli("ledger", "--database", url).returncode == 0
    restarted = LiveServer(tmp_path, url, config)
    try:
        again = enter_live(restarted, "bob", "pw-bob")
        again.request("BP_REQ_INVENTORY")
        listed = [m for m in again.expect("BP_INVENTORY") if m.name == "BP_INVENTORY"][-1]
        assert [o["amount"] for o in listed["objects"]] == [20]
        again.close()
    finally:
        restarted.stop()
    done = run_cli("ledger", "--database", url)
    assert done.returncode == 0 and "shillings  50       0          50" in done.stdout
