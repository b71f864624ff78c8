"""Trading: a player offers items to another player (or to a buying keeper), the other
answers with items of its own, and the first accepts (user.kod UserOffer, ReqOffer, Offer,
UserCounterOffer, CounterOffer, UserAcceptOffer, CheckOfferStuff, UserCancelOffer,
CancelIfOffer, OfferCanceled; monster.kod Offer, CancelOfferTimer, AcceptOffer).

A sans-IO state machine: :class:`TradeBook` is an immutable value, each operation returns
the next book and what to tell whom (:data:`Notice`: the BP_ messages and the texts). It
knows items only by id, with the owners and counts the caller gives it
(:class:`Holding`); when both sides have agreed it returns one :class:`Exchange`, which
the item layer applies in one operation.

The original's flow, which this follows:

- A offers B some items (BP_REQ_OFFER). Only items A holds, each once; of a number item
  a part (at most what A has). Neither may be trading already, and both must be in the
  same room, B logged on. A sees BP_OFFERED, B a text and BP_OFFER.
- B answers with its own items, possibly none (BP_REQ_COUNTEROFFER): that answer is B's
  acceptance. B sees BP_COUNTEROFFERED, A BP_COUNTEROFFER. B may answer again; the last
  answer stands.
- A accepts (BP_ACCEPT_OFFER). Only A, and only after B answered (the original cancels
  otherwise). Both sides must still hold what they put on the table, and each must be
  able to carry what it gets; otherwise both are told and the trade is cancelled.
- Either may cancel (BP_CANCEL_OFFER): the other is told and gets BP_OFFER_CANCELED.
  Leaving the room, logging off, dying cancel too, and the leaver also gets
  BP_OFFER_CANCELED. Beyond the original (which only notices at acceptance), an item on
  the table that leaves its owner cancels the trade at once (:meth:`TradeBook.item_left`).
- Money is offered as any number item (a number of shillings).
- A keeper that buys answers at once with money (:meth:`TradeBook.offer_to_keeper`);
  its answer stands :data:`~emulator.rules.shops.KEEPER_OFFER_MS`, then it withdraws it.

Not modelled: arenas (a room may forbid offers), item attributes that refuse a new owner.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from typing import Union

import attrs

from .shops import KEEPER_OFFER_MS


@attrs.frozen
class Holding:
    """What the caller knows of an item: who holds it, and for a number item how many."""

    owner: int
    number: int | None = None


@attrs.frozen
class Put:
    """An item on the table: the whole item, or ``number`` of a number item."""

    item: int
    number: int | None = None


class TradeText(enum.Enum):
    """The texts a trade tells a player (user.kod resources); ``about`` names whom."""

    GOT_OFFER = "got_offer"  # user_got_offer: about the offerer
    CANT_OFFER = "cant_offer"  # user_cant_offer: about the partner
    BUSY = "busy"  # user_offer_busy: about the partner, who is trading already
    NOT_ONLINE = "not_online"  # user_offer_not_online: about the partner
    NOT_HERE = "not_here"  # user_offer_not_here: about the partner, who is elsewhere
    CANCELED = "canceled"  # user_canceled_offer: about who cancelled
    NOTHING_TO_CANCEL = "nothing_to_cancel"  # user_cant_cancel_offer
    NOTHING_TO_COUNTER = "nothing_to_counter"  # user_cant_counteroffer
    NOTHING_TO_ACCEPT = "nothing_to_accept"  # user_cant_acceptoffer
    BAD_NUMBER = "bad_number"  # user_cant_deal_number: ``number`` is the amount asked
    DONT_HAVE = "dont_have"  # user_dont_have_offer
    DONT_HAVE_NUMBER = "dont_have_number"  # user_dont_have_number_offer
    DIDNT_HAVE = "didnt_have"  # user_didnt_have_offer: about the one who lacked it
    COULDNT_CARRY = "couldnt_carry"  # user_couldnt_carry_offer: about the receiver
    CANT_CARRY = "cant_carry"  # user_cant_carry_offer: about the giver
    KEEPER_TIMEOUT = "keeper_timeout"  # Lm_buyer_timeout: the keeper (``about``) says it


@attrs.frozen
class Tell:
    """A text for one player."""

    to: int
    text: TradeText
    about: int | None = None
    number: int | None = None


@attrs.frozen
class ShowOffer:
    """BP_OFFER to the one offered to: who offers, and what."""

    to: int
    offerer: int
    items: tuple[Put, ...]


@attrs.frozen
class ShowOffered:
    """BP_OFFERED to the offerer: what it put on the table."""

    to: int
    items: tuple[Put, ...]


@attrs.frozen
class ShowCounteroffer:
    """BP_COUNTEROFFER to the offerer: what the other side puts on the table. From a
    keeper, ``money`` shillings the item layer makes (``items`` is then empty)."""

    to: int
    items: tuple[Put, ...]
    money: int = 0


@attrs.frozen
class ShowCounteroffered:
    """BP_COUNTEROFFERED to the one who answered: its own answer."""

    to: int
    items: tuple[Put, ...]


@attrs.frozen
class Canceled:
    """BP_OFFER_CANCELED: close the trade window."""

    to: int


@attrs.frozen
class Move:
    """One item (or ``number`` of a number item) changing hands."""

    put: Put
    giver: int
    receiver: int


@attrs.frozen
class Exchange:
    """The agreed trade, to be applied at once: every move, plus ``money`` new shillings
    for ``paid_to`` when a keeper buys (it pays with money it makes, as the original).
    An item a receiver cannot hold after all falls to the floor at its feet (user.kod
    UserAcceptOffer, AcceptOffer)."""

    moves: tuple[Move, ...]
    money: int = 0
    paid_to: int | None = None


Notice = Union[Tell, ShowOffer, ShowOffered, ShowCounteroffer, ShowCounteroffered, Canceled, Exchange]


@attrs.frozen
class Trade:
    """One trade on the table. ``answer`` is None until the other side answered; a
    keeper's answer is money, standing until ``deadline_ms``."""

    offerer: int
    partner: int
    offered: tuple[Put, ...]
    answer: tuple[Put, ...] | None = None
    keeper: bool = False
    money: int = 0
    deadline_ms: int | None = None

    def other(self, who: int) -> int:
        return self.partner if who == self.offerer else self.offerer


#: Whether ``receiver`` can carry ``puts`` (weight and bulk; user.kod CheckOfferStuff
#: asks CanHoldWeightAndBulk). The item layer answers.
CanCarry = Callable[[int, Sequence[Put]], bool]


def _always(receiver: int, puts: Sequence[Put]) -> bool:
    return True


@attrs.frozen
class Step:
    """The book after an operation, and what to tell whom, in order."""

    book: TradeBook
    notices: tuple[Notice, ...] = ()

    @property
    def exchange(self) -> Exchange | None:
        return next((n for n in self.notices if isinstance(n, Exchange)), None)


@attrs.frozen
class TradeBook:
    """Every trade in progress, by each of its two sides (a keeper counts as a side: it
    deals with one customer at a time)."""

    trades: Mapping[int, Trade] = attrs.field(factory=dict)

    def trade_of(self, who: int) -> Trade | None:
        return self.trades.get(who)

    def trading(self, who: int) -> bool:
        return who in self.trades

    def _with(self, trade: Trade) -> TradeBook:
        trades = dict(self.trades)
        trades[trade.offerer] = trade
        trades[trade.partner] = trade
        return TradeBook(trades)

    def _without(self, trade: Trade) -> TradeBook:
        trades = {who: t for who, t in self.trades.items() if who not in (trade.offerer, trade.partner)}
        return TradeBook(trades)

    def _same(self, *notices: Notice) -> Step:
        return Step(self, notices)

    # -- offering -------------------------------------------------------------------

    def _table(self, who: int, wanted: Sequence[Put], holdings: Mapping[int, Holding]) -> tuple[Put, ...] | None:
        """What ``who`` puts on the table from a request (user.kod UserOffer): None when
        the request is refused without a word (an item not its own or twice, an amount
        below 1); number items keep at most what it holds."""
        seen: set[int] = set()
        puts = []
        for put in wanted:
            holding = holdings.get(put.item)
            if put.item in seen or holding is None or holding.owner != who:
                return None
            if put.number is not None and put.number < 1:
                return None
            seen.add(put.item)
            if holding.number is None:
                puts.append(Put(put.item))
            else:
                number = holding.number if put.number is None else min(put.number, holding.number)
                puts.append(Put(put.item, number))
        return tuple(puts)

    def offer(
        self,
        offerer: int,
        partner: int,
        wanted: Sequence[Put],
        holdings: Mapping[int, Holding],
        *,
        same_room: bool = True,
        partner_online: bool = True,
    ) -> Step:
        """``offerer`` offers ``wanted`` to the player ``partner`` (BP_REQ_OFFER).

        A partner elsewhere is told as the original's unused text intends
        (user_offer_not_here); the original itself refuses that silently."""
        puts = self._table(offerer, wanted, holdings)
        if puts is None or offerer == partner:
            return self._same()
        if self.trading(offerer):
            return self._same(Tell(offerer, TradeText.CANT_OFFER, partner))
        if self.trading(partner):
            return self._same(Tell(offerer, TradeText.BUSY, partner), Tell(offerer, TradeText.CANT_OFFER, partner))
        if not partner_online:
            return self._same(Tell(offerer, TradeText.NOT_ONLINE, partner))
        if not same_room:
            return self._same(Tell(offerer, TradeText.NOT_HERE, partner))
        trade = Trade(offerer, partner, puts)
        return Step(
            self._with(trade),
            (ShowOffered(offerer, puts), Tell(partner, TradeText.GOT_OFFER, offerer), ShowOffer(partner, offerer, puts)),
        )

    def offer_to_keeper(
        self,
        offerer: int,
        keeper: int,
        wanted: Sequence[Put],
        holdings: Mapping[int, Holding],
        money: int,
        now_ms: int,
    ) -> Step:
        """``offerer`` offers ``wanted`` to a buying keeper, which answers ``money``
        shillings at once (monster.kod Offer). The caller asked the keeper first
        (:func:`emulator.rules.shops.review_offer`, which also refuses a busy keeper) and
        tells the player a refusal; this records the deal and starts its timer."""
        puts = self._table(offerer, wanted, holdings)
        if puts is None:
            return self._same()
        if self.trading(offerer) or self.trading(keeper):
            return self._same(Tell(offerer, TradeText.CANT_OFFER, keeper))
        trade = Trade(offerer, keeper, puts, answer=(), keeper=True, money=money, deadline_ms=now_ms + KEEPER_OFFER_MS)
        return Step(self._with(trade), (ShowOffered(offerer, puts), ShowCounteroffer(offerer, (), money)))

    # -- answering ------------------------------------------------------------------

    def counter(self, who: int, wanted: Sequence[Put], holdings: Mapping[int, Holding]) -> Step:
        """The player offered to answers with ``wanted`` (BP_REQ_COUNTEROFFER), which may
        be empty. Only the one offered to answers (the original lets the offerer too, which
        its client never does). An item twice, or a number item asked beyond what it
        holds, cancels the trade (user.kod UserCounterOffer)."""
        trade = self.trade_of(who)
        if trade is None or trade.partner != who or trade.keeper:
            return self._same(Tell(who, TradeText.NOTHING_TO_COUNTER))
        seen: set[int] = set()
        puts = []
        for put in wanted:
            if put.number is not None and put.number < 1:
                return self._same()
            holding = holdings.get(put.item)
            if put.item in seen:
                return self._cancel_by(trade, who)
            if holding is None or holding.owner != who:
                return self._same()
            seen.add(put.item)
            if holding.number is None:
                puts.append(Put(put.item))
                continue
            number = holding.number if put.number is None else put.number
            if number > holding.number:
                step = self._cancel_by(trade, who)
                return Step(step.book, (Tell(who, TradeText.BAD_NUMBER, number=number), *step.notices))
            puts.append(Put(put.item, number))
        answer = tuple(puts)
        return Step(
            self._with(attrs.evolve(trade, answer=answer)),
            (ShowCounteroffered(who, answer), ShowCounteroffer(trade.offerer, answer)),
        )

    # -- accepting ------------------------------------------------------------------

    def accept(self, who: int, holdings: Mapping[int, Holding], can_carry: CanCarry = _always) -> Step:
        """The offerer accepts the answer on the table (BP_ACCEPT_OFFER): if each side
        still holds what it put there and can carry what it gets, one :class:`Exchange`
        (user.kod UserAcceptOffer, CheckOfferStuff). Accepting before an answer, or by the
        one who answered, cancels, as the original."""
        trade = self.trade_of(who)
        if trade is None:
            return self._same(Tell(who, TradeText.NOTHING_TO_ACCEPT))
        if trade.offerer != who or trade.answer is None:
            return self.leave(who)
        sides = [(trade.offerer, trade.partner, trade.offered)]
        if not trade.keeper:
            sides.append((trade.partner, trade.offerer, trade.answer))
        for giver, receiver, puts in sides:
            failed = _check_side(giver, receiver, puts, holdings, can_carry)
            if failed:
                step = self.leave(giver)
                return Step(step.book, (*failed, *step.notices))
        moves = [Move(put, trade.offerer, trade.partner) for put in trade.offered]
        moves += [Move(put, trade.partner, trade.offerer) for put in trade.answer]
        exchange = Exchange(tuple(moves), trade.money, trade.offerer if trade.keeper else None)
        return Step(self._without(trade), (exchange,))

    # -- cancelling -----------------------------------------------------------------

    def _cancel_by(self, trade: Trade, who: int, tell_self: bool = True) -> Step:
        """``who`` gives up the trade: the other side is told, and both windows close
        (the leaver's only when ``tell_self``; a keeper has none)."""
        other = trade.other(who)
        notices: list[Notice] = []
        if tell_self and not (trade.keeper and who == trade.partner):
            notices.append(Canceled(who))
        if not (trade.keeper and other == trade.partner):
            notices += [Tell(other, TradeText.CANCELED, who), Canceled(other)]
        return Step(self._without(trade), tuple(notices))

    def cancel(self, who: int) -> Step:
        """``who`` cancels (BP_CANCEL_OFFER, user.kod UserCancelOffer): the other side is
        told and its window closed; the canceller's client closes its own."""
        trade = self.trade_of(who)
        if trade is None:
            return self._same(Tell(who, TradeText.NOTHING_TO_CANCEL))
        return self._cancel_by(trade, who, tell_self=False)

    def leave(self, who: int, tell_self: bool = True) -> Step:
        """``who`` leaves the trade without asking: it moved to another room, logged off,
        died, or failed a check (user.kod CancelIfOffer). Both windows close; nothing
        happens when it was not trading."""
        trade = self.trade_of(who)
        if trade is None:
            return self._same()
        return self._cancel_by(trade, who, tell_self)

    def item_left(self, item: int) -> Step:
        """An item left its owner (dropped, used up, given away): a trade with it on the
        table is cancelled, as if its giver left the trade."""
        for who, trade in self.trades.items():
            if who == trade.offerer and any(put.item == item for put in trade.offered):
                return self.leave(trade.offerer)
            if who == trade.partner and trade.answer and any(put.item == item for put in trade.answer):
                return self.leave(trade.partner)
        return self._same()

    def tick(self, now_ms: int) -> Step:
        """Withdraws keepers' answers whose time is up (monster.kod CancelOfferTimer):
        the keeper says so, and the player's window closes."""
        book = self
        notices: list[Notice] = []
        for who, trade in sorted(self.trades.items()):
            if trade.keeper and who == trade.offerer and trade.deadline_ms is not None and now_ms >= trade.deadline_ms:
                notices.append(Tell(trade.offerer, TradeText.KEEPER_TIMEOUT, trade.partner))
                step = book._cancel_by(trade, trade.partner)
                book = step.book
                notices += step.notices
        return Step(book, tuple(notices))


def _check_side(
    giver: int, receiver: int, puts: Sequence[Put], holdings: Mapping[int, Holding], can_carry: CanCarry
) -> tuple[Tell, ...]:
    """The texts when ``giver`` no longer has what it put on the table, or ``receiver``
    cannot carry it (user.kod CheckOfferStuff); empty when all is well."""
    for put in puts:
        holding = holdings.get(put.item)
        if holding is None or holding.owner != giver:
            return Tell(giver, TradeText.DONT_HAVE), Tell(receiver, TradeText.DIDNT_HAVE, giver)
        if put.number is not None and (holding.number is None or holding.number < put.number):
            return Tell(giver, TradeText.DONT_HAVE_NUMBER), Tell(receiver, TradeText.DIDNT_HAVE, giver)
    if not can_carry(receiver, puts):
        return Tell(giver, TradeText.COULDNT_CARRY, receiver), Tell(receiver, TradeText.CANT_CARRY, giver)
    return ()
