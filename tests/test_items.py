"""Items with identities: picking up, dropping, splitting, joining, ordering, the carrying
limits and the reach of the original (user.kod UserGet/UserDrop, holder.kod, numbitem.kod,
player.kod GetWeightMax/GetBulkMax), and the ledger that accounts for every unit."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from emulator.content.model import (
    ItemInfo,
    ObjectKind,
    Placement,
    RoomDefinition,
    WorldDefinition,
    square_centre,
    square_of,
)
from emulator.world import events as ev
from emulator.world.items import FIRST_ITEM_ID, Item, ItemRefusal, ItemRow, Items, row_of
from emulator.world.ledger import check_ledger
from emulator.world.world import FIRST_PLAYER_ID, World

START = (5, 5)


def definition() -> WorldDefinition:
    rooms = {
        "hall": RoomDefinition("hall", "Hall", "hall.roo", 20, 20),
        "yard": RoomDefinition("yard", "Yard", "yard.roo", 10, 10),
    }
    kinds = {
        # money weighs nothing (money.kod), so any amount fits
        "shillings": ObjectKind("shillings", "shilling", "coin.bgf", "", 0x10,
                                item=ItemInfo((("item_type", 0x2000), ("weight", 0), ("bulk", 0)), True, "shillings")),
        # 2 weight and 3 bulk a unit (dflyeye.kod's figures)
        "eyes": ObjectKind("eyes", "eye", "eye.bgf", "", 0x10, item=ItemInfo((("weight", 2), ("bulk", 3)), True, "eyes")),
        # a negative figure is per hundred units
        "sand": ObjectKind("sand", "grain", "sand.bgf", "", 0x10, item=ItemInfo((("weight", -50), ("bulk", -50)), True, "grains")),
        "stick": ObjectKind("stick", "stick", "stick.bgf", "", 0x10, item=ItemInfo()),  # 10 and 10 by default
        "anvil": ObjectKind("anvil", "anvil", "anvil.bgf", "", 0x10, item=ItemInfo((("weight", 2000), ("bulk", 50)))),
        # eaten one at a time (apple.kod's figures)
        "apple": ObjectKind("apple", "apple", "apple.bgf", "", 0x10, item=ItemInfo(
            (("weight", 6), ("bulk", 6), ("nutrition", 10), ("filling", 24)), True, "apples", use="eat")),
        # wielded in one hand (a mace's kind of figures)
        "club": ObjectKind("club", "club", "club.bgf", "", 0x10, item=ItemInfo(
            (("use_type", 0x8), ("item_type", 0x1), ("weapon_type", 0), ("weight", 100), ("bulk", 60)))),
        # drunk whole (flask.kod's figures)
        "draught": ObjectKind("draught", "flask", "flask.bgf", "", 0x10, item=ItemInfo(
            (("weight", 20), ("bulk", 25), ("heal_min", 5), ("heal_max", 10), ("filling", 15)), use="heal", beverage=True)),
    }
    return WorldDefinition(rooms, kinds, (), start=Placement("hall", *START))


def world_with_player(character_id: int = 1, might: int = 25) -> tuple[World, int]:
    world = World(definition(), seed=1)
    player_id, _ = world.add_player(character_id, f"P{character_id}")
    world.player(player_id).stats.might = might
    return world, player_id


def put(world: World, kind: str, number: int | None = None, square: tuple[int, int] = START, room: str = "hall") -> Item:
    return world.items.create_on_ground(kind, number, room, *square_centre(*square), 0, "test", [])


def balanced(world: World) -> bool:
    return check_ledger(world.items.ledger.totals, world.items.existing_units()).ok


def replayed(items: Items) -> dict[int, ItemRow]:
    """The store's rows after every pending operation, applied in order."""
    rows: dict[int, ItemRow] = {}
    for operation in items.pending:
        for item_id, row in operation.rows:
            if row is None:
                rows.pop(item_id, None)
            else:
                rows[item_id] = row
    return rows


# ---------------------------------------------------------------------------- picking up


def test_picking_up_a_single_item() -> None:
    world, player = world_with_player()
    stick = put(world, "stick", square=(5, 9))
    events = world.pick_up(player, stick.object_id, None, 1.0)
    assert events == [ev.ObjectLeft("hall", stick.object_id), ev.CarriedGained(player, stick.object_id)]
    assert world.carried(player) == [stick] and world.object(stick.object_id) is None
    assert stick.object_id >= FIRST_ITEM_ID and stick.carrier == 1
    assert balanced(world)
    # it is carried: picking it up again finds nothing on the ground
    assert world.pick_up(player, stick.object_id, None, 1.0) == [ev.ItemRefused(player, "gone", "stick")]


def test_reach_is_seven_squares_of_rows_and_columns_in_the_same_room() -> None:
    world, player = world_with_player()
    near = put(world, "stick", square=(9, 8))  # 4 + 3
    far = put(world, "stick", square=(9, 9))  # 4 + 4
    elsewhere = put(world, "stick", room="yard")
    assert world.pick_up(player, far.object_id, None, 1.0) == [ev.ItemRefused(player, "too_far", "stick")]
    assert world.pick_up(player, elsewhere.object_id, None, 1.0) == [ev.ItemRefused(player, "gone", "stick")]
    assert world.pick_up(player, 0x0FFF_FFFF, None, 1.0) == [ev.ItemRefused(player, "gone", "")]
    assert world.pick_up(player, player, None, 1.0) == [ev.ItemRefused(player, "gone", "")]  # not an item
    assert world.pick_up(player, near.object_id, None, 1.0)[-1] == ev.CarriedGained(player, near.object_id)
    assert world.carried(player) == [near]


def test_carrying_limits_follow_might() -> None:
    # capacity: 1700 + 20 x might, weight and bulk alike
    world, player = world_with_player(might=10)  # 1900
    anvil = put(world, "anvil")
    assert world.pick_up(player, anvil.object_id, None, 1.0) == [ev.ItemRefused(player, "too_heavy", "anvil")]
    world.player(player).stats.might = 15  # 2000
    assert world.pick_up(player, anvil.object_id, None, 1.0)[-1] == ev.CarriedGained(player, anvil.object_id)
    assert world.items.load_of(1) == (2000, 50)
    stick = put(world, "stick")  # 10 more weight: too much
    assert world.pick_up(player, stick.object_id, None, 1.0) == [ev.ItemRefused(player, "too_heavy", "stick")]
    # weightless money always fits
    coins = put(world, "shillings", 100_000)
    assert world.pick_up(player, coins.object_id, None, 1.0)[-1] == ev.CarriedGained(player, coins.object_id)


def test_a_pile_is_taken_whole_in_part_and_joins_what_is_carried() -> None:
    world, player = world_with_player()
    pile = put(world, "shillings", 50)
    events = world.pick_up(player, pile.object_id, 20, 1.0)
    (taken,) = world.carried(player)
    assert events == [ev.ObjectChanged("hall", pile.object_id), ev.CarriedGained(player, taken.object_id)]
    assert (pile.number, taken.number) == (30, 20) and taken.object_id != pile.object_id
    # the rest joins the carried coins; the pile is gone
    events = world.pick_up(player, pile.object_id, None, 1.0)
    assert events == [ev.ObjectLeft("hall", pile.object_id), ev.CarriedChanged(player, taken.object_id)]
    assert world.carried(player) == [taken] and taken.number == 50 and pile.object_id not in world.items.by_id
    assert world.items.existing_units() == {"shillings": 50} and balanced(world)


def test_asking_for_too_many_or_none_is_refused() -> None:
    world, player = world_with_player()
    pile = put(world, "shillings", 5)
    assert world.pick_up(player, pile.object_id, 6, 1.0) == [ev.ItemRefused(player, "too_many", "shillings")]
    assert world.pick_up(player, pile.object_id, 0, 1.0) == [ev.ItemRefused(player, "bad_number", "shillings")]
    assert world.pick_up(player, pile.object_id, -3, 1.0) == [ev.ItemRefused(player, "bad_number", "shillings")]
    assert pile.number == 5 and world.carried(player) == []


def test_only_what_fits_of_a_pile_is_taken() -> None:
    world, player = world_with_player(might=0)  # 1700: 566 eyes by bulk (3 each)
    eyes = put(world, "eyes", 1000)
    events = world.pick_up(player, eyes.object_id, None, 1.0)
    (carried,) = world.carried(player)
    assert carried.number == 566 and eyes.number == 434
    assert events[-1] == ev.ItemRefused(player, ItemRefusal.PARTLY.value, "eyes")
    assert world.items.load_of(1) == (1132, 1698)
    # per-hundred figures: 50 per hundred grains; 2 bulk left fits 4 grains
    sand = put(world, "sand", 100)
    world.pick_up(player, sand.object_id, None, 1.0)
    assert [i.number for i in world.carried(player)] == [566, 4] and balanced(world)


# ---------------------------------------------------------------------------- gathering (a sweep)


def test_gathering_takes_whole_items_that_fit_in_one_operation() -> None:
    world, player = world_with_player(might=15)  # 2000 weight and bulk
    items = world.items
    anvil = put(world, "anvil", square=(18, 18))  # anywhere in the room: 2000 weight
    sticks = [put(world, "stick", square=(1, 1 + i)) for i in range(3)]
    eyes = put(world, "eyes", 1000)  # 2000 weight, 3000 bulk: never fits whole, never split
    coins = put(world, "shillings", 40)
    carried = put(world, "shillings", 10, square=(5, 6))
    world.pick_up(player, carried.object_id, None, 1.0)
    elsewhere = put(world, "stick", room="yard")
    ledger, pending = dict(items.ledger.totals), len(items.pending)
    order = [eyes.object_id, elsewhere.object_id, sticks[0].object_id, anvil.object_id, coins.object_id,
             sticks[1].object_id, sticks[2].object_id]
    events: list[ev.WorldEvent] = []
    # of those it could carry to begin with (the anvil alone would fit), the first four are
    # tried: the anvil no longer fits after a stick
    taken = items.gather(1, player, order, "hall", 15, 4, events)
    assert taken == [sticks[0].object_id, coins.object_id, sticks[1].object_id]
    assert len(items.pending) == pending + 1 and items.ledger.totals == ledger  # one operation, nothing made
    assert ev.CarriedChanged(player, carried.object_id) in events and carried.number == 50  # the coins joined
    assert {i.object_id for i in items.on_ground("hall")} == {anvil.object_id, eyes.object_id, sticks[2].object_id}
    assert eyes.number == 1000 and elsewhere.room == "yard"
    assert replayed(items) == {i.object_id: row_of(i) for i in items} and balanced(world)
    # nothing left it can carry: no operation at all
    assert items.gather(1, player, [anvil.object_id, eyes.object_id], "hall", 15, None, []) == []
    assert len(items.pending) == pending + 1
    # no limit (an immortal's): everything
    assert set(items.gather(1, player, [anvil.object_id, eyes.object_id, sticks[2].object_id], "hall", None, None, [])) == {
        anvil.object_id, eyes.object_id, sticks[2].object_id}
    assert items.on_ground("hall") == [] and balanced(world)


# ---------------------------------------------------------------------------- dropping


def test_dropping_puts_the_item_on_the_players_square() -> None:
    world, player = world_with_player()
    stick = put(world, "stick", square=(6, 6))
    world.pick_up(player, stick.object_id, None, 1.0)
    events = world.drop(player, stick.object_id, None, 2.0)
    assert events == [ev.CarriedLost(player, stick.object_id), ev.ObjectEntered("hall", stick.object_id)]
    me = world.player(player)
    assert (stick.room, stick.y, stick.x, stick.carrier) == ("hall", me.y, me.x, None)
    assert world.drop(player, stick.object_id, None, 2.0) == [ev.ItemRefused(player, "not_carried", "stick")]


def test_dropping_part_of_a_pile_and_the_refusals() -> None:
    world, player = world_with_player()
    coins = put(world, "shillings", 10)
    world.pick_up(player, coins.object_id, None, 1.0)
    assert world.drop(player, coins.object_id, 11, 1.0) == [ev.ItemRefused(player, "not_enough", "shillings")]
    assert world.drop(player, coins.object_id, 0, 1.0) == [ev.ItemRefused(player, "bad_drop_number", "shillings")]
    events = world.drop(player, coins.object_id, 4, 1.0)
    (ground,) = world.items.on_ground("hall")
    assert events == [ev.CarriedChanged(player, coins.object_id), ev.ObjectEntered("hall", ground.object_id)]
    assert (coins.number, ground.number) == (6, 4)
    # the rest joins the pile on the same square
    events = world.drop(player, coins.object_id, None, 1.0)
    assert events == [ev.CarriedLost(player, coins.object_id), ev.ObjectChanged("hall", ground.object_id)]
    assert world.items.on_ground("hall") == [ground] and ground.number == 10 and world.carried(player) == []
    assert len(world.items) == 1 and balanced(world)


def test_another_players_items_cannot_be_dropped() -> None:
    world, alice = world_with_player(1)
    bob, _ = world.add_player(2, "Bob")
    stick = put(world, "stick")
    world.pick_up(alice, stick.object_id, None, 1.0)
    assert world.drop(bob, stick.object_id, None, 1.0) == [ev.ItemRefused(bob, "not_carried", "stick")]
    assert world.pick_up(bob, stick.object_id, None, 1.0) == [ev.ItemRefused(bob, "gone", "stick")]


# ---------------------------------------------------------------------------- ordering and the store's view


def test_the_inventory_keeps_the_players_order() -> None:
    world, player = world_with_player()
    a, b, c = (put(world, "stick") for _ in range(3))
    for item in (a, b, c):
        world.pick_up(player, item.object_id, None, 1.0)
    assert world.reorder_inventory(player, c.object_id, a.object_id)
    assert world.carried(player) == [c, a, b]
    # by positions as the original counts them (from 1): c goes just before b, then last
    assert world.reorder_inventory_by_index(player, 1, 3)
    assert world.carried(player) == [a, c, b]
    assert world.reorder_inventory_by_index(player, 2, 4)
    assert world.carried(player) == [a, b, c]
    assert not world.reorder_inventory(player, a.object_id, a.object_id)
    assert not world.reorder_inventory(player, a.object_id, 12345)
    assert not world.reorder_inventory_by_index(player, 0, 2)
    assert not world.reorder_inventory_by_index(player, 4, 1)
    assert not world.reorder_inventory_by_index(player, 1, 5)
    assert not world.reorder_inventory_by_index(player, 2, 2)
    # the order is what the store keeps
    rows = replayed(world.items)
    assert sorted((rows[i.object_id].slot, i.object_id) for i in (a, b, c)) == [
        (rows[i.object_id].slot, i.object_id) for i in (a, b, c)
    ]


def test_every_operation_is_recorded_whole_for_the_store() -> None:
    world, player = world_with_player()
    coins = put(world, "shillings", 10)
    world.pick_up(player, coins.object_id, 3, 1.0)
    world.drop(player, world.carried(player)[0].object_id, 1, 1.0)
    assert replayed(world.items) == {item.object_id: row_of(item) for item in world.items}
    # one creation in the ledger; splits and joins record none
    entries = [entry for operation in world.items.pending for entry in operation.ledger]
    assert [(e.kind, e.created, e.destroyed) for e in entries] == [("shillings", 10, 0)]


def test_loading_drops_items_whose_kind_or_place_is_gone_and_records_it() -> None:
    rows = [
        ItemRow(FIRST_ITEM_ID, "stick", None, "hall", 352, 352, 0, None, 0, 0),
        ItemRow(FIRST_ITEM_ID + 1, "dragon", None, "hall", 352, 352, 0, None, 0, 0),  # kind gone
        ItemRow(FIRST_ITEM_ID + 2, "shillings", 7, "moon", 352, 352, 0, None, 0, 0),  # room gone
        ItemRow(FIRST_ITEM_ID + 3, "stick", 2, None, 0, 0, 0, 9, 0, 0),  # counted, but sticks are not
        ItemRow(FIRST_ITEM_ID + 4, "eyes", 3, None, 0, 0, 0, 9, 1, 0),
    ]
    world = World(definition(), seed=1)
    world.load_items(rows, {"stick": (3, 0), "dragon": (1, 0), "shillings": (7, 0), "eyes": (3, 0)})
    assert sorted(world.items.by_id) == [FIRST_ITEM_ID, FIRST_ITEM_ID + 4]
    assert balanced(world)
    assert world.items.ledger.totals["dragon"] == (1, 1)
    assert world.items.next_id == FIRST_ITEM_ID + 5
    assert [item.object_id for item in world.items.carried(9)] == [FIRST_ITEM_ID + 4]


def test_the_ledger_check_finds_a_mismatch() -> None:
    verdict = check_ledger({"shillings": (100, 30), "stick": (2, 1)}, {"shillings": 70, "stick": 2})
    assert not verdict.ok
    assert [(line.kind, line.balanced) for line in verdict.lines] == [("shillings", True), ("stick", False)]
    assert "MISMATCH" in verdict.report()
    assert check_ledger({"stick": (2, 1)}, {"stick": 1}).ok
    assert not check_ledger({}, {"stick": 1}).ok  # an item nobody created


# ---------------------------------------------------------------------------- random sequences


ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(["get", "drop", "move", "walk", "get", "drop", "make", "tidy", "use", "unuse", "eat", "die",
                         "offer", "counter", "accept", "cancel", "offer", "counter", "accept", "offer", "accept"]),
        st.integers(0, 1),  # which player
        st.integers(0, 14),  # which item (an index into everything that exists; 14: no such item)
        st.one_of(st.none(), st.integers(-2, 10), st.integers(-2, 600)),  # the number asked
    ),
    max_size=60,
)


@settings(max_examples=500, deadline=None)
@given(ACTIONS)
def test_random_sequences_keep_every_invariant(actions: list[tuple[str, int, int, int | None]]) -> None:
    world = World(definition(), seed=1)
    players = [world.add_player(n, f"P{n}")[0] for n in (1, 2)]
    world.player(players[1]).stats.might = 0
    # either pile of eyes fits a player alone (1500 bulk), never both
    world.player(players[0]).past_tutorial = True  # its deaths drop what it carries; the other's are cheap
    for n, (kind, number) in enumerate([("shillings", 50), ("eyes", 500), ("sand", 300), ("stick", None),
                                        ("anvil", None), ("stick", None), ("eyes", 500), ("apple", 5), ("club", None),
                                        ("draught", None), ("club", None)]):
        put(world, kind, number, square=(4 + n % 3, 4 + n % 4))
    first, second, third = sorted(world.items.by_id)[:3]  # shillings, eyes, sand: carried from the start
    world.pick_up(players[0], first, None, 1.0)
    world.pick_up(players[0], second, None, 1.0)
    world.pick_up(players[1], third, None, 1.0)
    apples, club, draught = sorted(world.items.by_id)[7:10]  # and something to eat, wield and drink
    world.pick_up(players[0], apples, None, 1.0)
    world.pick_up(players[0], draught, None, 1.0)
    world.pick_up(players[1], club, None, 1.0)
    world.use_item(players[1], club)
    units = world.items.existing_units()
    for action, who, which, number in actions:
        player = players[who]
        everything = sorted(world.items.by_id)
        item_id = everything[which % len(everything)] if which < 14 and everything else FIRST_ITEM_ID - 1
        if action == "make":  # a new item where the player stands (treasure, later a shop's)
            me = world.player(player)
            kind, made = [("shillings", 1 + which), ("eyes", 2), ("stick", None)][which % 3]
            world.items.create_on_ground(kind, made, me.room, me.y, me.x, 0, "treasure", [])
            units[kind] = units.get(kind, 0) + (made or 1)
        elif action == "tidy":  # an item gone, wherever it is
            item = world.items.by_id.get(item_id)
            if world.items.destroy(item_id, "tidied", []):
                assert item is not None
                units[item.kind or ""] -= item.units
                if not units[item.kind or ""]:
                    del units[item.kind or ""]
        elif action == "use":  # wield, or eat or drink what is eaten or drunk
            world.player(player).stomach = 0
            item = world.items.by_id.get(item_id)
            done = world.use_item(player, item_id)
            if any(isinstance(event, ev.ItemConsumed) for event in done):
                assert item is not None
                units[item.kind or ""] -= 1
                if not units[item.kind or ""]:
                    del units[item.kind or ""]
        elif action == "unuse":
            world.unuse_item(player, item_id)
        elif action == "eat":  # applied to the other player (fed), when in reach of the rules
            world.player(players[1 - who]).stomach = 0
            item = world.items.by_id.get(item_id)
            done = world.apply_item(player, item_id, players[1 - who])
            if any(isinstance(event, ev.ItemConsumed) for event in done):
                assert item is not None
                units[item.kind or ""] -= 1
                if not units[item.kind or ""]:
                    del units[item.kind or ""]
        elif action == "die":  # what it carries falls where it stood, but a newbie's
            me = world.player(player)
            held = [i.object_id for i in world.carried(player)]
            room, square = me.room, square_of(me.y, me.x)
            world._player_died(me, "", [])
            if who == 0:
                assert world.carried(player) == []
                fallen = [world.items.by_id[i] for i in held]
                assert all(i.carrier is None and i.room == room and square_of(i.y, i.x) == square and not i.used for i in fallen)
            else:
                assert [i.object_id for i in world.carried(player)] == held
        elif action == "get":
            world.pick_up(player, item_id, number, 1.0)
        elif action == "drop":
            world.drop(player, item_id, number, 1.0)
        elif action == "move":
            carried = world.carried(player)
            if carried:
                world.reorder_inventory(player, item_id, carried[which % len(carried)].object_id)
        elif action in ("offer", "counter"):  # trades between the two (rules.trade, world.trading)
            trade = world.trades.trade_of(player)
            if action == "counter" and trade is not None and which != 7:  # mostly the one who may answer
                player = trade.partner
            carried = world.carried(player)
            chosen = [(carried[(which + k) % len(carried)].object_id, number) for k in range(1 + which % 2)] if carried else []
            if which % 5:  # an item twice only now and then: it cancels an answer
                chosen = list(dict(chosen).items())
            if action == "offer":
                world.offer(player, players[1 - players.index(player)], chosen)
            else:
                world.counter_offer(player, chosen)
        elif action == "accept":
            trade = world.trades.trade_of(player)
            world.accept_offer(trade.offerer if trade is not None and which != 7 else player)
        elif action == "cancel":
            world.cancel_offer(player)
        else:  # step to another square, so drops land apart
            me = world.player(player)
            me.y, me.x = square_centre(1 + (which * 3 + (number or 0)) % 20, 1 + (which * 7) % 20)
        # nothing is created or destroyed but by making and tidying (trading only moves)
        assert world.items.existing_units() == units
        # what is on a trade's table is still its owner's
        owners = {players[0]: 1, players[1]: 2}
        for trade in world.trades.trades.values():
            for side, puts in ((trade.offerer, trade.offered), (trade.partner, trade.answer or ())):
                assert all(world.items.by_id[p.item].carrier == owners[side] for p in puts)
        assert balanced(world)
        for character, player_id in ((1, players[0]), (2, players[1])):
            weight, bulk = world.items.load_of(character)
            capacity = Items.capacity(world.player(player_id).stats.might)
            assert weight <= capacity and bulk <= capacity
        # every item in exactly one place, under one id
        placed = [i.object_id for room in ("hall", "yard") for i in world.items.on_ground(room)]
        placed += [i.object_id for c in (1, 2) for i in world.items.carried(c)]
        assert sorted(placed) == sorted(world.items.by_id) and len(set(placed)) == len(placed)
        assert all(item.number is None or item.number > 0 for item in world.items)
        # used items are carried, one weapon a player at most
        assert all(item.carrier is not None for item in world.items if item.used)
        for character in (1, 2):
            assert sum(1 for i in world.items.used(character) if i.kind == "club") <= 1
        # the store, replaying every operation, would hold exactly this
        assert replayed(world.items) == {item.object_id: row_of(item) for item in world.items}
    assert FIRST_PLAYER_ID + 1 == players[0]


def test_an_item_is_made_with_a_number_only_when_its_kind_counts() -> None:
    import pytest

    world, _ = world_with_player()
    for kind, number in (("stick", 2), ("shillings", None), ("shillings", 0)):
        with pytest.raises(ValueError):
            put(world, kind, number)
    assert len(world.items) == 0 and world.items.pending == []


def test_a_deleted_characters_items_are_destroyed_and_recorded() -> None:
    world, player = world_with_player(1)
    coins, stick = put(world, "shillings", 9), put(world, "stick")
    world.pick_up(player, coins.object_id, None, 1.0)
    world.pick_up(player, stick.object_id, None, 1.0)
    world.character_deleted(1)  # still in the world: nothing happens
    assert len(world.items) == 2
    world.remove_player(player, 2.0)
    rows = [row_of(item) for item in world.items]
    world.character_deleted(1)
    assert len(world.items) == 0 and balanced(world)
    assert world.items.ledger.totals == {"shillings": (9, 9), "stick": (1, 1)}
    assert replayed(world.items) == {}
    # on loading, the items of characters that no longer exist go the same way
    again = World(definition(), seed=1)
    again.load_items(rows, {"shillings": (9, 0), "stick": (1, 0)}, characters={2, 3})
    assert len(again.items) == 0 and balanced(again)
    assert {e.reason for op in again.items.pending for e in op.ledger} == {"owner gone"}
    kept = World(definition(), seed=1)
    kept.load_items(rows, {"shillings": (9, 0), "stick": (1, 0)}, characters={1})
    assert [i.kind for i in kept.items.carried(1)] == ["shillings", "stick"] and kept.items.pending == []


def test_eating_uses_up_one_of_a_pile_in_one_operation() -> None:
    world, player = world_with_player()
    apples = put(world, "apple", 2)
    world.pick_up(player, apples.object_id, None, 1.0)
    world.player(player).stats.vigor = 50
    before = len(world.items.pending)
    events = world.use_item(player, apples.object_id)
    assert events == [ev.ItemConsumed(player, player, "apple"), ev.VitalsChanged(player),
                      ev.CarriedChanged(player, apples.object_id)]
    assert apples.number == 1 and world.player(player).stats.vigor == 60
    (operation,) = world.items.pending[before:]
    assert [(e.kind, e.created, e.destroyed) for e in operation.ledger] == [("apple", 0, 1)]
    world.player(player).stomach = 0
    assert world.use_item(player, apples.object_id)[-1] == ev.CarriedLost(player, apples.object_id)
    assert world.carried(player) == [] and balanced(world)


def test_a_full_stomach_refuses_and_a_draught_heals_up_to_max_health() -> None:
    world, player = world_with_player()
    draught = put(world, "draught")
    world.pick_up(player, draught.object_id, None, 1.0)
    me = world.player(player)
    me.stomach, me.stomach_at = 90, 0
    assert world.use_item(player, draught.object_id) == [ev.ItemRefused(player, ItemRefusal.TOO_FULL_DRINK.value, "draught")]
    me.stomach, me.stats.health, me.stats.max_health = 0, 18, 20
    world.use_item(player, draught.object_id)
    assert me.stats.health == 20 and me.stomach == 1 + 15 and world.carried(player) == []


def test_a_death_drops_everything_on_the_square_in_one_operation_without_the_ledger() -> None:
    world, player = world_with_player()
    me = world.player(player)
    me.past_tutorial = True
    made = [put(world, "club"), put(world, "shillings", 7), put(world, "stick")]
    put(world, "shillings", 3, square=(5, 6))  # a pile beside: nothing joins it
    for item in made:
        world.pick_up(player, item.object_id, None, 1.0)
    world.use_item(player, made[0].object_id)
    me.y, me.x = square_centre(6, 6)
    totals, before = dict(world.items.ledger.totals), len(world.items.pending)
    events: list[ev.WorldEvent] = []
    world._player_died(me, "", events)
    assert events[:3] == [ev.ItemUnused(player, made[0].object_id), ev.CarriedLost(player, made[0].object_id),
                          ev.ObjectEntered("hall", made[0].object_id)]
    assert world.carried(player) == [] and len(world.items.pending) == before + 1
    assert world.items.ledger.totals == totals and world.items.pending[-1].ledger == ()
    assert sorted((i.kind, i.number, square_of(i.y, i.x)) for i in world.items.on_ground("hall")) == [
        ("club", None, (6, 6)), ("shillings", 3, (5, 6)), ("shillings", 7, (6, 6)), ("stick", None, (6, 6)),
    ]
