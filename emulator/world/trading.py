"""Trading between players, and selling to keepers that buy: the item layer's side of
``emulator.rules.trade`` (the offer, counter-offer and acceptance state machine) and of
``emulator.rules.shops`` (what a keeper buys and offers for it).

The world holds one :class:`~emulator.rules.trade.TradeBook`; the functions here give it
what it knows of items (who holds what, who can carry what), turn its notices into world
events, and turn its one :class:`~emulator.rules.trade.Exchange` into one item operation
(``Items.exchange``): every item changes hands at once, or nothing does.

A keeper that buys (monster.kod ReqOffer, Offer, AcceptOffer) answers an offer at once
with money per ``shops.review_offer``; when the player accepts, the items are destroyed
(the ledger records them "sold") and the shillings made for the player in the same
operation. Its answer stands ``shops.KEEPER_OFFER_MS`` of game time (the world's tick
withdraws it).

Not modelled: keepers that take gifts for quests (MOB_RECEIVE), items that refuse a new
owner, arenas that forbid trading, a keeper class's own words for an unwanted item.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence

from emulator.content.model import ObjectKind, WorldDefinition
from emulator.rules import shops
from emulator.rules.trade import (
    CanCarry, Canceled, Exchange, Holding, Notice, Put, ShowCounteroffer, ShowCounteroffered, ShowOffer,
    ShowOffered, Tell,
)
from emulator.world.events import TradeCanceled, TradeItem, TradeShown, TradeTold, WorldEvent
from emulator.world.items import Delivery, Handover, Items
from emulator.world.objects import Player, Thing
from emulator.world.shopping import WARE_ID_BASE

#: The id a keeper's money shows under in the trade window: it is made only on acceptance.
KEEPER_MONEY_ID = WARE_ID_BASE - 1
#: The ledger's reason for what a keeper buys and the money it pays.
SOLD_REASON = "sold"


class KeeperWords(enum.Enum):
    """What a buying keeper tells a player who offers it something (``TradeTold.text``)."""

    BUSY = "buyer_busy"  # Lm_buyer_offer_busy: it deals with another customer
    UNWANTED = "buyer_unwanted"  # vrBuyer_unwanted: an item it does not take
    NO_VALUE = "buyer_no_value"  # Lm_buyer_no_value: all of it worth nothing


def is_buyer(kind: ObjectKind) -> bool:
    """Whether a kind buys from players: "buyer" in its NPC flags (the original's
    MOB_BUYER) and something it buys."""
    shop = kind.shop
    buyer = kind.monster is not None and "buyer" in kind.monster.npc_flags
    return buyer and shop is not None and bool(shop.buys or shop.buys_anything)


def buying_rule(definition: WorldDefinition, keeper: Thing | None) -> shops.BuyingRule | None:
    """What a keeper buys; None when it buys nothing (the player is told it cannot offer
    to it, monster.kod CanAcceptOffer)."""
    kind = definition.kinds.get(keeper.kind or "") if keeper is not None else None
    if kind is None or kind.shop is None or not is_buyer(kind):
        return None
    return shops.buying_rule_of(kind.shop)


def money_kind(money_kinds: Collection[str]) -> str | None:
    """The kind a keeper pays in (the original's Money class: ``money`` when the world has
    it, else the first money kind by key)."""
    if "money" in money_kinds:
        return "money"
    return min(money_kinds) if money_kinds else None


def holdings(items: Items, players: Iterable[Player]) -> dict[int, Holding]:
    """What the trade rules know of the players' items: each carried item's holder (by
    player id) and number."""
    held: dict[int, Holding] = {}
    for player in players:
        for item in items.carried(player.character_id):
            held[item.object_id] = Holding(player.object_id, item.number)
    return held


def table(wanted: Sequence[Put], held: Mapping[int, Holding], who: int) -> tuple[Put, ...] | None:
    """What ``who`` puts on the table, as ``TradeBook.offer`` takes it (user.kod
    UserOffer): None when the request is refused without a word (an item not its own or
    twice, an amount below 1); a number item's amount kept to what it holds."""
    seen: set[int] = set()
    puts = []
    for put in wanted:
        holding = held.get(put.item)
        if put.item in seen or holding is None or holding.owner != who or (put.number is not None and put.number < 1):
            return None
        seen.add(put.item)
        if holding.number is None:
            puts.append(Put(put.item))
        else:
            puts.append(Put(put.item, holding.number if put.number is None else min(put.number, holding.number)))
    return tuple(puts)


def carrying(items: Items, players: Mapping[int, Player]) -> CanCarry:
    """The trade rules' question whether a receiver can carry what it gets: the weight and
    bulk of all of it on top of its load (user.kod CheckOfferStuff, holder.kod
    CanHoldWeightAndBulk). A keeper carries anything."""

    def can_carry(receiver: int, puts: Sequence[Put]) -> bool:
        player = players.get(receiver)
        if player is None:
            return True
        weight = bulk = 0
        for put in puts:
            item = items.by_id.get(put.item)
            if item is None:
                continue
            w, b = items.weight_and_bulk(item.kind or "", put.number if item.number is not None else None)
            weight, bulk = weight + w, bulk + b
        held_weight, held_bulk = items.load_of(player.character_id)
        capacity = items.capacity(player.stats.might)
        return not (weight and held_weight + weight > capacity) and not (bulk and held_bulk + bulk > capacity)

    return can_carry


def offered_goods(
    definition: WorldDefinition, items: Items, puts: Sequence[Put], money_kinds: Collection[str],
) -> list[shops.OfferedGood]:
    """The items a player offers a keeper, as ``shops.review_offer`` weighs them: kind,
    current worth, number, whether money."""
    goods = []
    for put in puts:
        item = items.by_id[put.item]
        kind = item.kind or ""
        info = definition.kinds[kind].item
        value = info.get("value") if info is not None else None
        value = shops.DEFAULT_VALUE if value is None else value
        number = put.number if item.number is not None else None
        goods.append(shops.OfferedGood(kind, shops.item_value(value, number=number), number, kind in money_kinds))
    return goods


Name = Callable[[int], "tuple[str, str | None]"]


def events_of(notices: Iterable[Notice], items: Items, name: Name, paid_in: str | None) -> list[WorldEvent]:
    """The trade rules' notices as world events (an :class:`Exchange` is applied apart).
    ``name`` gives a side's name and, for a keeper, its kind; ``paid_in`` is the kind a
    keeper's money is shown as."""
    events: list[WorldEvent] = []
    for notice in notices:
        if isinstance(notice, Tell):
            about_name, about_kind = name(notice.about) if notice.about is not None else ("", None)
            events.append(TradeTold(notice.to, notice.text.value, notice.about, about_name, about_kind, notice.number))
        elif isinstance(notice, ShowOffer):
            events.append(TradeShown(notice.to, "offer", _shown(items, notice.items), notice.offerer))
        elif isinstance(notice, ShowOffered):
            events.append(TradeShown(notice.to, "offered", _shown(items, notice.items)))
        elif isinstance(notice, ShowCounteroffer):
            shown = _shown(items, notice.items)
            if notice.money and paid_in is not None:
                shown += (TradeItem(KEEPER_MONEY_ID, paid_in, notice.money),)
            events.append(TradeShown(notice.to, "counteroffer", shown))
        elif isinstance(notice, ShowCounteroffered):
            events.append(TradeShown(notice.to, "counteroffered", _shown(items, notice.items)))
        elif isinstance(notice, Canceled):
            events.append(TradeCanceled(notice.to))
    return events


def _shown(items: Items, puts: Iterable[Put]) -> tuple[TradeItem, ...]:
    shown = []
    for put in puts:
        item = items.by_id.get(put.item)
        if item is not None:
            shown.append(TradeItem(item.object_id, item.kind or "", put.number if item.number is not None else None))
    return tuple(shown)


def apply(
    items: Items, exchange: Exchange, players: Mapping[int, Player], paid_in: str | None, now_ms: int,
    events: list[WorldEvent],
) -> bool:
    """The agreed exchange as one item operation: each move to its receiver, to nobody
    (destroyed, "sold") when a keeper receives it; a keeper's money made for the player
    it pays, at its feet when it cannot carry it. False when it no longer applies."""
    handovers = []
    for move in exchange.moves:
        giver = players.get(move.giver)
        if giver is None:
            return False
        receiver = players.get(move.receiver)
        handovers.append(Handover(
            move.put.item, move.put.number, giver.character_id, giver.object_id,
            receiver.character_id if receiver is not None else None, receiver.object_id if receiver is not None else None,
        ))
    made = []
    payee = players.get(exchange.paid_to) if exchange.paid_to is not None else None
    if exchange.money > 0 and payee is not None and paid_in is not None:
        number = exchange.money if items.stacks(paid_in) else None
        given = {h.item_id for h in handovers if h.giver == payee.character_id and h.number is None}
        ground = None
        if not _fits_after(items, payee, given, paid_in, number):
            ground = (payee.room, payee.y, payee.x, now_ms)
        made.append(Delivery(paid_in, number, payee.character_id, payee.object_id, ground))
    return items.exchange(handovers, made, SOLD_REASON, events)


def _fits_after(items: Items, player: Player, given: Collection[int], kind: str, number: int | None) -> bool:
    """Whether the player can carry a new item once the items it gives whole are gone."""
    weight = bulk = 0
    for item in items.carried(player.character_id):
        if item.object_id not in given:
            w, b = items.weight_and_bulk(item.kind or "", item.number)
            weight, bulk = weight + w, bulk + b
    w, b = items.weight_and_bulk(kind, number)
    capacity = items.capacity(player.stats.might)
    return not (w and weight + w > capacity) and not (b and bulk + b > capacity)
