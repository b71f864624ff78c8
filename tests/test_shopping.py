"""Buying from a shop keeper in the world (monster.kod Buy, user.kod UserBuy): the list at
the rules' prices, the money paid and the wares made in one item operation, the refusals
line by line, and the ledger balanced after."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given, settings, strategies as st

from emulator.content.model import (
    ItemInfo, MonsterInfo, ObjectKind, PlacedObject, Placement, ShopEntry, ShopInfo, WorldDefinition,
)
from emulator.rules import shops
from emulator.world import events as ev
from emulator.world.items import row_of
from emulator.world.shopping import KeeperSpeech, ware_id
from emulator.world.world import World

from .test_items import balanced, definition, put, replayed

MACE_VALUE = 300  # a normal keeper asks 160 % of it: 480
MACE_PRICE = shops.unit_price(MACE_VALUE)


def shop_definition(lawful: bool = False, no_combat: bool = False) -> WorldDefinition:
    base = definition()
    if no_combat:  # shops stand in such rooms; the players there still count as watching
        base = attrs.evolve(base, rooms={**base.rooms, "hall": attrs.evolve(base.rooms["hall"], flags=("no_combat",))})
    kinds = dict(base.kinds)
    kinds["mace"] = ObjectKind("mace", "mace", "mace.bgf", "", 0x10, item=ItemInfo((("value", MACE_VALUE), ("weight", 100))))
    kinds["arrows"] = ObjectKind("arrows", "arrow", "arrow.bgf", "", 0x10,
                                 item=ItemInfo((("value", 2), ("weight", 1), ("bulk", 1)), True, "arrows"))
    kinds["smith"] = ObjectKind(
        "smith", "smith", "smith.bgf", "", 0,
        monster=MonsterInfo(npc_flags=("lawful",) if lawful else ()),
        shop=ShopInfo(sells=(ShopEntry("mace"), ShopEntry("arrows", 10), ShopEntry("unknown_kind"))),
    )
    keeper = PlacedObject("smith1", "smith", Placement("hall", 10, 10))
    return attrs.evolve(base, kinds=kinds, objects=(keeper,))


def shop_world(money: int, might: int = 25, lawful: bool = False, no_combat: bool = False) -> tuple[World, int, int]:
    world = World(shop_definition(lawful, no_combat), seed=1)
    player_id, _ = world.add_player(1, "P1")
    world.player(player_id).stats.might = might
    if money:
        coins = put(world, "shillings", money)
        assert world.pick_up(player_id, coins.object_id, None, 1.0)
    (keeper,) = [t for t in world.room_objects("hall") if t.kind == "smith"]
    return world, player_id, keeper.object_id


def money(world: World, player_id: int) -> int:
    return sum(item.units for item in world.carried(player_id) if item.kind == "shillings")


def ids_of(world: World, player_id: int, keeper_id: int) -> dict[str, int]:
    listed = world.buy_list(player_id, keeper_id, [])
    assert listed is not None
    return {line.ware.kind: ware_id(i) for i, line in enumerate(listed.lines)}


def test_the_buy_list_has_the_rules_prices_for_the_kinds_the_world_has() -> None:
    world, player, keeper = shop_world(0)
    listed = world.buy_list(player, keeper, [])
    assert listed is not None and listed.keeper.object_id == keeper
    # reversed, as the original prepends; the unknown kind is left out
    assert [(line.ware.kind, line.price) for line in listed.lines] == [("arrows", shops.unit_price(2)), ("mace", MACE_PRICE)]


def test_buying_pays_from_the_carried_money_and_makes_the_ware() -> None:
    world, player, keeper = shop_world(1000)
    wares = ids_of(world, player, keeper)
    (pile,) = world.carried(player)
    events = world.buy(player, keeper, [(wares["mace"], None)])
    assert money(world, player) == 1000 - MACE_PRICE
    (mace,) = [item for item in world.carried(player) if item.kind == "mace"]
    assert events == [ev.CarriedChanged(player, pile.object_id), ev.CarriedGained(player, mace.object_id)]
    assert balanced(world)
    # one operation for the store: the pile's row, the mace's, and both ledger entries
    last = world.items.pending[-1]
    assert {row_id for row_id, _ in last.rows} == {pile.object_id, mace.object_id}
    assert [(e.kind, e.created, e.destroyed) for e in last.ledger] == [("shillings", 0, MACE_PRICE), ("mace", 1, 0)]


def test_paying_with_all_the_money_removes_the_pile_and_number_wares_come_in_the_amount_asked() -> None:
    price = shops.purchase_price(shops.unit_price(2), 25)
    world, player, keeper = shop_world(price)
    (pile,) = world.carried(player)
    events = world.buy(player, keeper, [(ids_of(world, player, keeper)["arrows"], 25)])
    (arrows,) = world.carried(player)
    assert arrows.kind == "arrows" and arrows.number == 25
    assert events == [ev.CarriedLost(player, pile.object_id), ev.CarriedGained(player, arrows.object_id)]
    assert balanced(world)


def test_not_enough_money_is_refused_and_nothing_changes() -> None:
    world, player, keeper = shop_world(MACE_PRICE - 1)
    before = len(world.items.pending)
    events = world.buy(player, keeper, [(ids_of(world, player, keeper)["mace"], None)])
    assert events == [ev.KeeperSaid(player, keeper, KeeperSpeech.TOO_COSTLY.value, "mace")]
    assert money(world, player) == MACE_PRICE - 1 and len(world.items.pending) == before
    assert balanced(world)


def test_the_lines_are_paid_in_order_until_the_money_runs_out() -> None:
    world, player, keeper = shop_world(MACE_PRICE + 10)
    mace = ids_of(world, player, keeper)["mace"]
    events = world.buy(player, keeper, [(mace, None), (mace, None)])
    assert [item.kind for item in world.carried(player)] == ["shillings", "mace"]
    assert events[-1] == ev.KeeperSaid(player, keeper, KeeperSpeech.TOO_COSTLY.value, "mace")
    assert money(world, player) == 10 and balanced(world)


def test_too_heavy_is_refused_and_not_charged() -> None:
    # might 0: 1700 weight; each mace weighs 100, so 17 fit and the 18th does not
    world, player, keeper = shop_world(MACE_PRICE * 18, might=0)
    mace = ids_of(world, player, keeper)["mace"]
    events = world.buy(player, keeper, [(mace, None)] * 18)
    assert len([item for item in world.carried(player) if item.kind == "mace"]) == 17
    assert events[-1] == ev.KeeperSaid(player, keeper, KeeperSpeech.CANT_CARRY.value, "mace")
    assert money(world, player) == MACE_PRICE and balanced(world)


def test_a_keeper_in_another_room_sells_nothing() -> None:
    world, player, keeper = shop_world(1000)
    wares = ids_of(world, player, keeper)
    world.player(player).room = "yard"
    assert world.buy_list(player, keeper, []) is None
    assert world.buy(player, keeper, [(wares["mace"], None)]) == []
    assert money(world, player) == 1000 and balanced(world)


def test_unknown_ware_ids_and_non_keepers_are_ignored() -> None:
    world, player, keeper = shop_world(1000)
    assert world.buy(player, keeper, [(ware_id(99), None), (12345, 1)]) == []
    assert world.buy(player, player, [(ware_id(0), None)]) == []
    assert world.buy_list(player, player, []) is None
    assert money(world, player) == 1000


@pytest.mark.parametrize("no_combat", [False, True])
def test_a_lawful_keeper_refuses_a_murderer_with_others_about(no_combat: bool) -> None:
    world, player, keeper = shop_world(1000, lawful=True, no_combat=no_combat)
    mace = ids_of(world, player, keeper)["mace"]
    world.player(player).murderer = True
    world.add_player(2, "P2")
    events: list[ev.WorldEvent] = []
    assert world.buy_list(player, keeper, events) is None
    assert events == [ev.KeeperSaid(player, keeper, KeeperSpeech.REFUSED_SERVICE.value)]
    assert world.buy(player, keeper, [(mace, None)]) == [ev.KeeperSaid(player, keeper, KeeperSpeech.REFUSED_SERVICE.value)]
    assert money(world, player) == 1000


def test_a_lawful_keeper_alone_with_a_murderer_whispers_and_serves() -> None:
    world, player, keeper = shop_world(1000, lawful=True)
    world.player(player).murderer = True
    events = world.buy(player, keeper, [(ids_of(world, player, keeper)["mace"], None)])
    assert events[0] == ev.KeeperSaid(player, keeper, KeeperSpeech.ILLICIT_SERVICE.value)
    assert money(world, player) == 1000 - MACE_PRICE


@settings(max_examples=40, deadline=None)
@given(
    money_held=st.integers(0, 3000),
    might=st.integers(0, 5),
    lines=st.lists(st.tuples(st.integers(0, 2), st.one_of(st.none(), st.integers(1, 600))), max_size=8),
)
def test_random_purchases_keep_the_money_the_ledger_and_the_store_whole(
    money_held: int, might: int, lines: list[tuple[int, int | None]]
) -> None:
    world, player, keeper = shop_world(money_held, might=might)
    listed = world.buy_list(player, keeper, [])
    assert listed is not None
    world.buy(player, keeper, [(ware_id(i), amount) for i, amount in lines])
    sold = [item for item in world.carried(player) if item.kind != "shillings"]
    spent = money_held - money(world, player)
    prices = {line.ware.kind: line.price for line in listed.lines}
    assert spent == sum(prices[i.kind] * (i.number or 1) for i in sold)  # paid for exactly what came
    weight, bulk = world.items.load_of(1)
    assert weight <= world.items.capacity(might) and bulk <= world.items.capacity(might)
    assert balanced(world)
    stored = {row.id: row for row in replayed(world.items).values()}
    assert stored == {item.object_id: row_of(item) for item in world.items}
