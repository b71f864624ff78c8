"""Trading in the world (user.kod UserOffer ... UserAcceptOffer; monster.kod ReqOffer,
Offer, AcceptOffer, CancelOfferTimer): the trade rules' book held by the world, every
exchange one item operation with the ledger untouched by what only changes hands, a
keeper's purchase destroying the items and making the shillings, and every way a trade
ends."""

from __future__ import annotations

import attrs
from hypothesis import given, settings, strategies as st

from emulator.content.model import (
    Exit, ItemInfo, MonsterInfo, ObjectKind, PlacedObject, Placement, ShopInfo, WorldDefinition,
)
from emulator.rules import shops
from emulator.rules.trade import TradeText
from emulator.world import events as ev
from emulator.world.items import row_of
from emulator.world.trading import KEEPER_MONEY_ID, KeeperWords
from emulator.world.world import World

from .test_items import balanced, definition, put, replayed

SWORD_VALUE = 300


def trade_definition() -> WorldDefinition:
    base = definition()
    kinds = dict(base.kinds)
    kinds["sword"] = ObjectKind("sword", "sword", "sword.bgf", "", 0x10, item=ItemInfo((
        ("value", SWORD_VALUE), ("weight", 100), ("use_type", 0x0008), ("item_type", 0x01), ("weapon_type", 1),
    )))
    kinds["fence"] = ObjectKind(
        "fence", "fence", "fence.bgf", "", 0, monster=MonsterInfo(npc_flags=("buyer",)),
        shop=ShopInfo(buys=("sword", "stick"), markup=int(shops.Markup.NORMAL)),
    )
    kinds["smith"] = ObjectKind("smith", "smith", "smith.bgf", "", 0, monster=MonsterInfo(), shop=ShopInfo())
    objects = (PlacedObject("fence1", "fence", Placement("hall", 10, 10)), PlacedObject("smith1", "smith", Placement("hall", 12, 12)))
    return attrs.evolve(base, kinds=kinds, objects=objects)


def two_players() -> tuple[World, int, int]:
    world = World(trade_definition(), seed=1)
    alice, _ = world.add_player(1, "Alice")
    bob, _ = world.add_player(2, "Bob")
    return world, alice, bob


def give(world: World, player: int, kind: str, number: int | None = None) -> int:
    item = put(world, kind, number)
    world.pick_up(player, item.object_id, None, 1.0)
    (held,) = [i for i in world.carried(player) if i.kind == kind]
    return held.object_id


def keeper(world: World, kind: str) -> int:
    (found,) = [t for t in world.room_objects("hall") if t.kind == kind]
    return found.object_id


def kinds_of(world: World, player: int) -> list[tuple[str | None, int | None]]:
    return sorted((i.kind, i.number) for i in world.carried(player))


def test_a_sword_for_shillings_changes_hands_in_one_operation() -> None:
    world, alice, bob = two_players()
    sword = give(world, alice, "sword")
    coins = give(world, bob, "shillings", 500)
    world.use_item(alice, sword)
    units = world.items.existing_units()
    events = world.offer(alice, bob, [(sword, None)])
    assert events == [
        ev.TradeShown(alice, "offered", (ev.TradeItem(sword, "sword"),)),
        ev.TradeTold(bob, TradeText.GOT_OFFER.value, alice, "Alice"),
        ev.TradeShown(bob, "offer", (ev.TradeItem(sword, "sword"),), alice),
    ]
    events = world.counter_offer(bob, [(coins, 120)])
    assert events == [
        ev.TradeShown(bob, "counteroffered", (ev.TradeItem(coins, "shillings", 120),)),
        ev.TradeShown(alice, "counteroffer", (ev.TradeItem(coins, "shillings", 120),)),
    ]
    before = len(world.items.pending)
    events = world.accept_offer(alice)
    (paid,) = [i for i in world.carried(alice) if i.kind == "shillings"]
    assert events == [
        ev.ItemUnused(alice, sword), ev.CarriedLost(alice, sword), ev.CarriedChanged(bob, coins),
        ev.CarriedGained(bob, sword), ev.CarriedGained(alice, paid.object_id), ev.TradeCanceled(bob),
    ]
    assert kinds_of(world, alice) == [("shillings", 120)] and kinds_of(world, bob) == [("shillings", 380), ("sword", None)]
    assert not world.items.by_id[sword].used and not world.trades.trades
    # one operation, and the ledger has nothing to count
    assert len(world.items.pending) == before + 1 and world.items.pending[-1].ledger == ()
    assert world.items.existing_units() == units and balanced(world)
    assert replayed(world.items) == {item.object_id: row_of(item) for item in world.items}


def test_a_whole_pile_handed_over_does_not_take_along_what_joins_it() -> None:
    world, alice, bob = two_players()
    mine, theirs = give(world, alice, "shillings", 50), give(world, bob, "shillings", 300)
    world.offer(alice, bob, [(mine, None)])
    world.counter_offer(bob, [(theirs, 300)])
    world.accept_offer(alice)
    assert kinds_of(world, alice) == [("shillings", 300)] and kinds_of(world, bob) == [("shillings", 50)]
    assert balanced(world)


def test_selling_to_a_keeper_destroys_the_items_and_makes_the_money() -> None:
    world, alice, _ = two_players()
    sword, stick = give(world, alice, "sword"), give(world, alice, "stick")
    fence = keeper(world, "fence")
    offered = shops.keeper_offer([SWORD_VALUE, shops.DEFAULT_VALUE])
    events = world.offer(alice, fence, [(sword, None), (stick, None)])
    assert events == [
        ev.TradeShown(alice, "offered", (ev.TradeItem(sword, "sword"), ev.TradeItem(stick, "stick"))),
        ev.TradeShown(alice, "counteroffer", (ev.TradeItem(KEEPER_MONEY_ID, "shillings", offered),)),
    ]
    world.accept_offer(alice)
    assert kinds_of(world, alice) == [("shillings", offered)] and not world.trades.trades
    entries = [(e.kind, e.created, e.destroyed, e.reason) for e in world.items.pending[-1].ledger]
    assert entries == [("sword", 0, 1, "sold"), ("stick", 0, 1, "sold"), ("shillings", offered, 0, "sold")]
    assert balanced(world)


def test_keepers_refuse_in_their_words_and_withdraw_in_time() -> None:
    world, alice, bob = two_players()
    sword, coins = give(world, alice, "sword"), give(world, alice, "shillings", 5)
    fence, smith = keeper(world, "fence"), keeper(world, "smith")
    assert world.offer(alice, smith, [(sword, None)]) == [ev.TradeTold(alice, TradeText.CANT_OFFER.value, smith, "smith", "smith")]
    assert world.offer(alice, fence, [(coins, 2)]) == [ev.TradeTold(alice, KeeperWords.UNWANTED.value, fence, "fence", "fence")]
    assert world.offer(alice, fence, [(sword, None), (sword, None)]) == []  # twice: nothing said
    world.offer(alice, fence, [(sword, None)])
    stick = give(world, bob, "stick")
    assert world.offer(bob, fence, [(stick, None)]) == [ev.TradeTold(bob, KeeperWords.BUSY.value, fence, "fence", "fence")]
    for _ in range(int(shops.KEEPER_OFFER_MS / 1000 / world.rules.tick_interval) + 2):
        events = world.tick(world.game_time + world.rules.tick_interval)
        if any(isinstance(e, ev.TradeCanceled) for e in events):
            break
    assert [e for e in events if isinstance(e, (ev.TradeTold, ev.TradeCanceled))] == [
        ev.TradeTold(alice, TradeText.KEEPER_TIMEOUT.value, fence, "fence", "fence"),
        ev.TradeTold(alice, TradeText.CANCELED.value, fence, "fence", "fence"),
        ev.TradeCanceled(alice),
    ]
    assert not world.trades.trades and world.items.by_id[sword].carrier == 1


def test_leaving_dropping_and_logging_off_cancel() -> None:
    world, alice, bob = two_players()
    sword = give(world, alice, "sword")
    world.offer(alice, bob, [(sword, None)])
    events = world.drop(alice, sword, None, 2.0)
    assert events[-3:] == [
        ev.TradeCanceled(alice), ev.TradeTold(bob, TradeText.CANCELED.value, alice, "Alice"), ev.TradeCanceled(bob),
    ]
    world.pick_up(alice, sword, None, 2.0)
    world.offer(alice, bob, [(sword, None)])
    dying: list[ev.WorldEvent] = []
    world._player_died(world.player(alice), "", dying)  # the dead leave the room: the trade ends first
    assert dying[:3] == [
        ev.TradeCanceled(alice), ev.TradeTold(bob, TradeText.CANCELED.value, alice, "Alice"), ev.TradeCanceled(bob),
    ]
    world.offer(bob, alice, [(give(world, bob, "stick"), None)])
    # back at the start (this world has no Underworld), she has bob's offer before her: one trade at a time
    assert world.offer(alice, bob, [(sword, None)]) == [ev.TradeTold(alice, TradeText.CANT_OFFER.value, bob, "Bob")]
    events = world.remove_player(bob, 3.0)
    assert events[:3] == [
        ev.TradeCanceled(bob), ev.TradeTold(alice, TradeText.CANCELED.value, bob, "Bob"), ev.TradeCanceled(alice),
    ]
    assert not world.trades.trades and world.items.by_id[sword].carrier == 1


#: Rounds of trading: who offers which of its items (and how many of a number item), what
#: the other answers (7: nothing yet), and how the round ends.
TRADE_ROUNDS = st.lists(
    st.tuples(
        st.integers(0, 1),
        st.integers(0, 7),
        st.one_of(st.none(), st.integers(-1, 60)),
        st.integers(0, 7),
        st.one_of(st.none(), st.integers(-1, 400)),
        st.sampled_from(["accept", "accept", "accept", "cancel", "wrong_accept", "drop", "away", "open", "counter_again"]),
    ),
    max_size=12,
)


@settings(max_examples=200, deadline=None)
@given(TRADE_ROUNDS)
def test_random_trades_keep_every_unit_every_limit_and_the_store_whole(
    rounds: list[tuple[int, int, int | None, int, int | None, str]],
) -> None:
    world, alice, bob = two_players()
    players = [alice, bob]
    world.player(bob).stats.might = 0
    for player, kind, number in ((alice, "shillings", 50), (alice, "stick", None), (alice, "eyes", 400),
                                 (alice, "sword", None), (bob, "shillings", 300), (bob, "sand", 300), (bob, "stick", None)):
        give(world, player, kind, number)
    world.use_item(alice, next(i.object_id for i in world.carried(alice) if i.kind == "sword"))
    units = world.items.existing_units()

    def pick(player: int, which: int, number: int | None) -> list[tuple[int, int | None]]:
        carried = world.carried(player)
        if not carried:
            return []
        return [(item_id, number) for item_id in dict.fromkeys(
            carried[(which + k) % len(carried)].object_id for k in range(1 + which % 2)
        )]

    for who, offer_pick, offer_number, answer_pick, answer_number, ending in rounds:
        offerer, partner = players[who], players[1 - who]
        world.offer(offerer, partner, pick(offerer, offer_pick, offer_number))
        if answer_pick != 7:
            world.counter_offer(partner, pick(partner, answer_pick, answer_number))
        if ending == "accept":
            world.accept_offer(offerer)
        elif ending == "wrong_accept":  # only the offerer accepts: the trade is off
            world.accept_offer(partner)
        elif ending == "cancel":
            world.cancel_offer(partner if answer_pick % 2 else offerer)
        elif ending == "drop":  # something on the table leaves its owner
            carried = world.carried(offerer)
            if carried:
                world.drop(offerer, carried[offer_pick % len(carried)].object_id, offer_number, 1.0)
            world.accept_offer(offerer)
        elif ending == "away":  # off to the yard: the trade ends; back for the next round
            me = world.player(partner)
            world._take_exit(me, Exit(Placement("yard", 5, 5)))
            world.accept_offer(offerer)
            world._take_exit(me, Exit(Placement("hall", 5, 5)))
        elif ending == "counter_again":  # the last answer stands
            world.counter_offer(partner, pick(partner, answer_pick + 1, answer_number))
            world.accept_offer(offerer)
        assert world.items.existing_units() == units and balanced(world)
        for index, player_id in enumerate(players):
            weight, bulk = world.items.load_of(index + 1)
            capacity = world.items.capacity(world.player(player_id).stats.might)
            assert weight <= capacity and bulk <= capacity
        placed = [i.object_id for room in ("hall", "yard") for i in world.items.on_ground(room)]
        placed += [i.object_id for c in (1, 2) for i in world.items.carried(c)]
        assert sorted(placed) == sorted(world.items.by_id) and len(set(placed)) == len(placed)
        assert all(item.number is None or item.number > 0 for item in world.items)
        assert all(not item.used or item.carrier is not None for item in world.items)
        assert replayed(world.items) == {item.object_id: row_of(item) for item in world.items}
        owners = {alice: 1, bob: 2}
        for trade in world.trades.trades.values():
            assert world.player(trade.offerer).room == world.player(trade.partner).room
            for side, puts in ((trade.offerer, trade.offered), (trade.partner, trade.answer or ())):
                assert all(world.items.by_id[p.item].carrier == owners[side] for p in puts)
        if ending != "open":  # a round left open carries over into the next (busy)
            world.cancel_offer(offerer)
