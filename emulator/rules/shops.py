"""Shop keepers: what they sell and for how much, what they buy from players and what
they offer for it, and when they refuse (monster.kod GetForSale, GetPrice, Buy, ReqOffer,
Offer, IsCustomerOkay; item.kod GetValue; numbitem.kod GetValue; parlia.kod
GetFactionPriceBonus).

Pure functions of the facts they are given; the item layer looks the facts up (an item's
kind and value, the player's money, who stands in the room) and applies the outcome.

Not modelled (the callers have none of it yet): item attributes that change a price
(item.kod GetValue asks each attribute to AdjustPrice), made items a keeper refuses
(CanBeGivenToNPC), quest items, conditional wares (the fourth list of plFor_sale) and
keepers that sell out of their own inventory (vbSellFromInventory).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Protocol

import attrs

from .dice import bound, div


class Markup(enum.IntEnum):
    """How dear a keeper is (blakston.khd MERCHANT_*); a keeper's viMerchant_markup."""

    FLAT = 0
    BARGAIN = 1
    DISCOUNT = 2
    NORMAL = 3
    EXPENSIVE = 4
    RIPOFF = 5


#: A keeper without its own markup has this one (monster.kod classvar viMerchant_markup).
DEFAULT_MARKUP = Markup.NORMAL
#: At most this many of a number item in one purchase (blakston.khd MAX_BUY_AMOUNT).
MAX_BUY_AMOUNT = 500
#: A keeper's money offer for a player's items stands this long (monster.kod viCancel_offer_time).
KEEPER_OFFER_MS = 30_000
#: Members of the Princess's faction pay this many percent less (parlia.kod
#: GetFactionPriceBonus).
FACTION_PRICE_BONUS = 5
#: The lowest worth a worn item keeps (item.kod GetValue).
WORN_VALUE_FLOOR = 10
#: An item kind's value when it sets none (item.kod classvar viValue_average).
DEFAULT_VALUE = 10


def selling_percent(markup: int) -> int:
    """What a keeper asks, in percent of an item's value: ``100 + 20 * markup``
    (monster.kod GetPrice): 100 for a flat keeper, 160 for a normal one, 200 for a rip-off."""
    return 100 + 20 * markup


def buying_percent(markup: int) -> int:
    """What a keeper pays, in percent of an item's value: ``100 - 10 * markup``
    (monster.kod Offer): 70 for a normal keeper, 50 for a rip-off."""
    return 100 - 10 * markup


def faction_price_percent(princess_faction: bool, buying: bool) -> int:
    """The faction adjustment of a keeper's asking price, in percent (parlia.kod
    GetFactionPriceBonus): 100 for everyone but the Princess's faction, whose members
    pay :data:`FACTION_PRICE_BONUS` percent less when buying (more when ``buying`` is
    False, a case the keepers no longer use: they pay every seller the same)."""
    if not princess_faction:
        return 100
    return 100 - FACTION_PRICE_BONUS if buying else 100 + FACTION_PRICE_BONUS


def item_value(
    value: int,
    *,
    number: int | None = None,
    hits: int | None = None,
    hits_init: int | None = None,
    hits_init_max: int | None = None,
) -> int:
    """What one item is worth now (item.kod GetValue, numbitem.kod GetValue).

    ``value`` is the kind's average value (viValue_average). A number item is worth
    ``number * value``. Another item loses worth with wear: ``value * 100 * hits_init *
    hits / hits_init_max**2 / 100``, kept within ``[10, value]``; without hit figures
    (the item layer has none yet) it is worth its full value.
    """
    if number is not None:
        return number * value
    if hits is None or hits_init is None or not hits_init_max:
        return value
    percent = div(100 * hits_init * hits, hits_init_max * hits_init_max)
    return bound(div(value * percent, 100), WORN_VALUE_FLOOR, value)


def unit_price(value: int, markup: int = DEFAULT_MARKUP, faction_percent: int = 100) -> int:
    """A keeper's price for one of an item kind (monster.kod GetPrice): the kind's value
    (not its worn value) times :func:`selling_percent`, then the faction percent; at
    least 1. A number item's price is per piece."""
    marked = div(value * selling_percent(markup), 100)
    return bound(div(marked * faction_percent, 100), 1, None)


def purchase_amount(requested: int | None) -> int:
    """How many of a number item one purchase line buys (monster.kod Buy): the amount
    asked for (1 when none), kept within ``[1, MAX_BUY_AMOUNT]``."""
    return bound(1 if requested is None else requested, 1, MAX_BUY_AMOUNT)


def purchase_price(price_each: int, amount: int) -> int:
    """The price of ``amount`` pieces of a number item: each piece's price times the
    amount, at least 1 (monster.kod Buy)."""
    return bound(price_each * amount, 1, None)


def keeper_offer(values: Iterable[int], markup: int = DEFAULT_MARKUP) -> int:
    """The shillings a buying keeper offers for the items a player offers it (monster.kod
    Offer): for each item its current worth (:func:`item_value`) times
    :func:`buying_percent`, at least 1 per item, added up."""
    return sum(bound(div(value * buying_percent(markup), 100), 1, None) for value in values)


class Service(enum.Enum):
    """Whether a keeper deals with a customer (monster.kod IsCustomerOkay)."""

    SERVED = "served"
    #: A lawful keeper serves a murderer alone with it, and whispers so (monster_illicit_service).
    SERVED_SECRETLY = "served_secretly"
    #: ... but not with other players watching: it says so aloud (monster_refuse_service) and
    #: tells the murderer to come back alone (monster_secret_service).
    REFUSED = "refused"


def customer_service(lawful: bool, murderer: bool, players_in_room: int) -> Service:
    """Whether a keeper serves a customer (monster.kod IsCustomerOkay). Only lawful keepers
    (MOB_LAWFUL, "lawful" in the imported npc_flags) care, and only about murderers:
    with another player in the room (``players_in_room`` counts the customer, not DMs)
    they refuse. Factions that let a keeper serve murderers are not modelled."""
    if not (lawful and murderer):
        return Service.SERVED
    return Service.REFUSED if players_in_room > 1 else Service.SERVED_SECRETLY


def teaching_price(level: int) -> int:
    """What a teacher charges for a spell or skill of ``level`` (spell.kod, skill.kod
    GetValue): ``250 * 2**level`` (500 for level 1), with no markup (monster.kod GetPrice)."""
    return 250 * 2 ** max(level, 1)


@attrs.frozen
class Ware:
    """One line of what a keeper sells: an item kind, its value, whether it is a number
    item, and how many the keeper's template holds (shown in the buy list). A spell or
    skill it teaches is a ware with a ``lesson_level``: ``kind`` is then the spell's or
    skill's key and the price is :func:`teaching_price`."""

    kind: str
    value: int = 0
    stacks: bool = False
    number: int | None = None
    lesson_level: int | None = None
    skill: bool = False  # a lesson of a skill (else of a spell)


def price_each(ware: Ware, markup: int = DEFAULT_MARKUP, faction_percent: int = 100) -> int:
    """The price a buy list shows for a ware: :func:`unit_price` of an item,
    :func:`teaching_price` of a lesson."""
    if ware.lesson_level is not None:
        return teaching_price(ware.lesson_level)
    return unit_price(ware.value, markup, faction_percent)


@attrs.frozen
class PriceLine:
    """One entry of BP_BUY_LIST: the ware and the price the client shows (per piece for
    number items)."""

    ware: Ware
    price: int


def buy_list(
    wares: Sequence[Ware],
    markup: int = DEFAULT_MARKUP,
    faction_percent: int = 100,
    skills: Sequence[Ware] = (),
    spells: Sequence[Ware] = (),
) -> tuple[PriceLine, ...]:
    """What a keeper shows when asked what it sells (user.kod UserBuy, monster.kod
    GetForSale): its items, then the skills, then the spells it would teach this player
    (the caller leaves out what the player knows or may not learn), each group in the
    reverse of its plFor_sale order, as the original builds the list by prepending; each
    with :func:`price_each`. Empty when it sells nothing (the keeper then says
    vrNothing_for_sale and no list is sent)."""
    lines = [*reversed(wares), *reversed(skills), *reversed(spells)]
    return tuple(PriceLine(ware, price_each(ware, markup, faction_percent)) for ware in lines)


@attrs.frozen
class Wanted:
    """One line of BP_REQ_BUY_ITEMS: which ware, and for number items how many."""

    ware: Ware
    amount: int | None = None


class BuyRefusal(enum.Enum):
    """Why one line of a purchase was not sold (each is said by the keeper)."""

    TOO_COSTLY = "too_costly"  # vrMrcnt_too_costly, naming the item
    NOT_SOLD = "not_sold"  # Lm_mrcnt_not_selling: not on the keeper's list
    CANT_CARRY = "cant_carry"  # Lm_mrcnt_cant_give: the buyer cannot take it; no money taken


@attrs.frozen
class Sold:
    """A line the keeper sells: the item layer makes the item (``number`` of a number
    item, else one), or teaches the lesson, and takes ``price`` shillings."""

    ware: Ware
    number: int | None
    price: int


@attrs.frozen
class NotSold:
    ware: Ware
    why: BuyRefusal


def purchase(
    wanted: Sequence[Wanted],
    sells: Collection[Ware],
    money: int,
    markup: int = DEFAULT_MARKUP,
    faction_percent: int = 100,
    can_take: Callable[[Sold], bool] | None = None,
) -> tuple[Sold | NotSold, ...]:
    """A player buying from a keeper (monster.kod Buy), line by line in the order asked:
    the price first, refused if the money left does not cover it, then refused if the
    keeper does not sell it, then refused (and not charged) if the buyer cannot take the
    item (``can_take``, the item layer's answer for each line in turn; lessons are always
    taken). What is sold is paid from the money left for the lines after. The caller
    checks first that buyer and keeper share a room and that the keeper serves the buyer
    (:func:`customer_service`), as the original does before any line."""
    results: list[Sold | NotSold] = []
    for line in wanted:
        price = price_each(line.ware, markup, faction_percent)
        number = None
        if line.ware.stacks and line.ware.lesson_level is None:
            number = purchase_amount(line.amount)
            price = purchase_price(price, number)
        if money < price:
            results.append(NotSold(line.ware, BuyRefusal.TOO_COSTLY))
        elif line.ware not in sells:
            results.append(NotSold(line.ware, BuyRefusal.NOT_SOLD))
        else:
            sold = Sold(line.ware, number, price)
            if line.ware.lesson_level is None and can_take is not None and not can_take(sold):
                results.append(NotSold(line.ware, BuyRefusal.CANT_CARRY))
                continue
            money -= price
            results.append(sold)
    return tuple(results)


@attrs.frozen
class BuyingRule:
    """What a buying keeper takes: any item but those in ``refuses`` when ``anything``;
    otherwise exactly the kinds in ``kinds`` (the imported ``[kind.shop] buys``)."""

    anything: bool = False
    kinds: frozenset[str] = frozenset()
    refuses: frozenset[str] = frozenset()
    #: More than this many of a number item at once is refused (bqmerch.kod, kctailor.kod).
    at_most: int | None = None

    def wants(self, kind: str, number: int | None = None) -> bool:
        """Whether the keeper takes an item of ``kind`` (its ObjectDesired), ``number``
        pieces of it for a number item."""
        if kind in self.refuses or (number is not None and self.at_most is not None and number > self.at_most):
            return False
        return self.anything or kind in self.kinds


class OfferRefusal(enum.Enum):
    """Why a keeper will not make an offer for a player's items (monster.kod ReqOffer)."""

    NOT_BUYER = "not_buyer"  # CanAcceptOffer false: the player is told user_cant_offer
    ELSEWHERE = "elsewhere"  # not in the keeper's room: nothing said
    BUSY = "busy"  # dealing with another customer: Lm_buyer_offer_busy
    UNWANTED = "unwanted"  # an item it does not want: vrBuyer_unwanted
    NO_VALUE = "no_value"  # all together worth nothing: Lm_buyer_no_value
    NOT_SERVED = "not_served"  # a lawful keeper and a murderer with others about (IsCustomerOkay)


@attrs.frozen
class OfferedGood:
    """An item a player offers a keeper: its kind, its current worth (:func:`item_value`),
    for a number item how many, and whether it is money (the money bit of its item type),
    which no keeper buys back (izzio.kod, kcshopk.kod ObjectDesired)."""

    kind: str
    value: int
    number: int | None = None
    money: bool = False


@attrs.frozen
class KeeperCounter:
    """A keeper's answer to a player's offer (monster.kod Offer): ``money`` shillings for
    the items, standing for :data:`KEEPER_OFFER_MS` (then Lm_buyer_timeout and the offer
    is cancelled). ``service`` says whether the keeper whispered it serves a murderer."""

    money: int
    service: Service = Service.SERVED


def review_offer(
    goods: Sequence[OfferedGood],
    *,
    buyer: bool,
    rule: BuyingRule,
    markup: int = DEFAULT_MARKUP,
    same_room: bool = True,
    busy: bool = False,
    service: Service = Service.SERVED,
) -> KeeperCounter | OfferRefusal:
    """A player offers items to a keeper (monster.kod ReqOffer, then Offer), in the
    original's order of checks: a keeper that buys nothing (no MOB_BUYER) refuses at
    once; one in another room ignores it; one busy with another customer refuses; each
    item must be wanted (money never is); the items must be worth something together;
    the customer must be served (:func:`customer_service`). Then the keeper offers
    :func:`keeper_offer` shillings."""
    if not buyer:
        return OfferRefusal.NOT_BUYER
    if not same_room:
        return OfferRefusal.ELSEWHERE
    if busy:
        return OfferRefusal.BUSY
    for good in goods:
        if good.money or not rule.wants(good.kind, good.number):
            return OfferRefusal.UNWANTED
    if sum(good.value for good in goods) == 0:
        return OfferRefusal.NO_VALUE
    if service is Service.REFUSED:
        return OfferRefusal.NOT_SERVED
    return KeeperCounter(keeper_offer((good.value for good in goods), markup), service)


def buying_rule(
    buys: Iterable[str] = (), anything: bool = False, refuses: Iterable[str] = (), at_most: int | None = None
) -> BuyingRule:
    """A :class:`BuyingRule` from the content's lists (``[kind.shop]`` buys,
    buys_anything, refuses, buys_at_most)."""
    return BuyingRule(anything=anything, kinds=frozenset(buys), refuses=frozenset(refuses), at_most=at_most)


class BuyingFacts(Protocol):
    """What a keeper's shop says of its buying (emulator.content.model.ShopInfo has it)."""

    @property
    def buys(self) -> tuple[str, ...]: ...
    @property
    def buys_anything(self) -> bool: ...
    @property
    def refuses(self) -> tuple[str, ...]: ...
    @property
    def buys_at_most(self) -> int | None: ...


def buying_rule_of(shop: BuyingFacts) -> BuyingRule:
    """The :class:`BuyingRule` of a keeper's shop content."""
    return buying_rule(shop.buys, shop.buys_anything, shop.refuses, shop.buys_at_most)


def wares_of(sells: Iterable[tuple[str, int | None]], values: Mapping[str, tuple[int, bool]]) -> tuple[Ware, ...]:
    """A keeper's :class:`Ware` lines from its shop entries (kind, number) and each kind's
    (value, stacks); a kind missing from ``values`` is worth :data:`DEFAULT_VALUE`."""
    wares = []
    for kind, number in sells:
        value, stacks = values.get(kind, (DEFAULT_VALUE, False))
        wares.append(Ware(kind, value, stacks, number))
    return tuple(wares)
