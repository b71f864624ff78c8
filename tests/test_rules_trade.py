"""The trade state machine (emulator.rules.trade): offers, answers, acceptance and every
way a trade ends."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from emulator.rules import shops
from emulator.rules.trade import (
    Canceled,
    Exchange,
    Holding,
    Move,
    Put,
    ShowCounteroffer,
    ShowCounteroffered,
    ShowOffer,
    ShowOffered,
    Tell,
    TradeBook,
    TradeText,
)

from .conftest import UPSTREAM

A, B, C, KEEPER = 1, 2, 3, 9
SWORD, SHIELD, COINS_A, COINS_B, HERB = 101, 102, 103, 104, 105
HOLDINGS = {
    SWORD: Holding(A),
    SHIELD: Holding(B),
    COINS_A: Holding(A, 50),
    COINS_B: Holding(B, 300),
    HERB: Holding(C),
}


def test_a_whole_trade() -> None:
    book = TradeBook()
    step = book.offer(A, B, [Put(SWORD), Put(COINS_A, 20)], HOLDINGS)
    offered = (Put(SWORD), Put(COINS_A, 20))
    assert step.notices == (ShowOffered(A, offered), Tell(B, TradeText.GOT_OFFER, A), ShowOffer(B, A, offered))
    step = step.book.counter(B, [Put(SHIELD), Put(COINS_B, 100)], HOLDINGS)
    answer = (Put(SHIELD), Put(COINS_B, 100))
    assert step.notices == (ShowCounteroffered(B, answer), ShowCounteroffer(A, answer))
    step = step.book.accept(A, HOLDINGS)
    assert step.notices == (
        Exchange(
            (
                Move(Put(SWORD), A, B),
                Move(Put(COINS_A, 20), A, B),
                Move(Put(SHIELD), B, A),
                Move(Put(COINS_B, 100), B, A),
            )
        ),
    )
    assert not step.book.trades


def test_offers_refused_without_a_word() -> None:
    book = TradeBook()
    for wanted in ([Put(SHIELD)], [Put(SWORD), Put(SWORD)], [Put(COINS_A, 0)], [Put(999)]):
        assert book.offer(A, B, wanted, HOLDINGS).notices == ()
    assert book.offer(A, A, [Put(SWORD)], HOLDINGS).notices == ()
    # more coins than held: offers what it has
    step = book.offer(A, B, [Put(COINS_A, 80)], HOLDINGS)
    assert step.book.trades[A].offered == (Put(COINS_A, 50),)


def test_busy_absent_and_offline_partners() -> None:
    book = TradeBook().offer(A, B, [Put(SWORD)], HOLDINGS).book
    assert book.offer(C, B, [Put(HERB)], HOLDINGS).notices == (
        Tell(C, TradeText.BUSY, B),
        Tell(C, TradeText.CANT_OFFER, B),
    )
    assert book.offer(A, C, [Put(SWORD)], HOLDINGS).notices == (Tell(A, TradeText.CANT_OFFER, C),)
    fresh = TradeBook()
    assert fresh.offer(C, A, [Put(HERB)], HOLDINGS, same_room=False).notices == (Tell(C, TradeText.NOT_HERE, A),)
    assert fresh.offer(C, A, [Put(HERB)], HOLDINGS, partner_online=False).notices == (Tell(C, TradeText.NOT_ONLINE, A),)


def test_answers_and_who_may_accept() -> None:
    book = TradeBook().offer(A, B, [Put(SWORD)], HOLDINGS).book
    # the offerer cannot answer its own offer, nor accept before an answer
    assert book.counter(A, [], HOLDINGS).notices == (Tell(A, TradeText.NOTHING_TO_COUNTER),)
    assert book.accept(A, HOLDINGS).notices == (Canceled(A), Tell(B, TradeText.CANCELED, A), Canceled(B))
    answered = book.counter(B, [], HOLDINGS).book
    # the one who answered cannot accept: that cancels, as the original
    step = answered.accept(B, HOLDINGS)
    assert step.exchange is None and not step.book.trades
    # an empty answer is a gift
    assert answered.accept(A, HOLDINGS).exchange == Exchange((Move(Put(SWORD), A, B),))
    # the last answer stands
    again = answered.counter(B, [Put(SHIELD)], HOLDINGS).book
    assert again.accept(A, HOLDINGS).exchange == Exchange((Move(Put(SWORD), A, B), Move(Put(SHIELD), B, A)))
    assert TradeBook().accept(A, HOLDINGS).notices == (Tell(A, TradeText.NOTHING_TO_ACCEPT),)
    assert TradeBook().counter(B, [], HOLDINGS).notices == (Tell(B, TradeText.NOTHING_TO_COUNTER),)


def test_bad_answers_cancel() -> None:
    book = TradeBook().offer(A, B, [Put(SWORD)], HOLDINGS).book
    step = book.counter(B, [Put(SHIELD), Put(SHIELD)], HOLDINGS)
    assert step.notices == (Canceled(B), Tell(A, TradeText.CANCELED, B), Canceled(A))
    step = book.counter(B, [Put(COINS_B, 301)], HOLDINGS)
    assert step.notices[0] == Tell(B, TradeText.BAD_NUMBER, number=301)
    assert not step.book.trades
    # an item not its own is ignored and the trade stays
    assert book.counter(B, [Put(SWORD)], HOLDINGS).book == book


def test_cancel_leave_and_items_leaving() -> None:
    book = TradeBook().offer(A, B, [Put(SWORD)], HOLDINGS).book
    assert book.cancel(B).notices == (Tell(A, TradeText.CANCELED, B), Canceled(A))
    assert book.cancel(C).notices == (Tell(C, TradeText.NOTHING_TO_CANCEL),)
    assert book.leave(A).notices == (Canceled(A), Tell(B, TradeText.CANCELED, A), Canceled(B))
    assert book.leave(C).notices == ()
    step = book.item_left(SWORD)
    assert not step.book.trades and Canceled(B) in step.notices
    assert book.item_left(SHIELD).book == book  # not on the table yet
    answered = book.counter(B, [Put(SHIELD)], HOLDINGS).book
    assert not answered.item_left(SHIELD).book.trades


def test_acceptance_checks_what_is_still_held_and_carried() -> None:
    book = TradeBook().offer(A, B, [Put(COINS_A, 40)], HOLDINGS).book.counter(B, [Put(SHIELD)], HOLDINGS).book
    spent = {**HOLDINGS, COINS_A: Holding(A, 10)}
    step = book.accept(A, spent)
    assert step.notices[:2] == (Tell(A, TradeText.DONT_HAVE_NUMBER), Tell(B, TradeText.DIDNT_HAVE, A))
    assert step.exchange is None and not step.book.trades
    given_away = {**HOLDINGS, SHIELD: Holding(C)}
    step = book.accept(A, given_away)
    assert step.notices[:2] == (Tell(B, TradeText.DONT_HAVE), Tell(A, TradeText.DIDNT_HAVE, B))
    step = book.accept(A, HOLDINGS, can_carry=lambda receiver, puts: receiver != A)
    assert step.notices[:2] == (Tell(B, TradeText.COULDNT_CARRY, A), Tell(A, TradeText.CANT_CARRY, B))


def test_selling_to_a_keeper() -> None:
    book = TradeBook()
    step = book.offer_to_keeper(A, KEEPER, [Put(SWORD)], HOLDINGS, money=70, now_ms=1_000)
    assert step.notices == (ShowOffered(A, (Put(SWORD),)), ShowCounteroffer(A, (), 70))
    dealing = step.book
    assert dealing.offer_to_keeper(C, KEEPER, [Put(HERB)], HOLDINGS, 5, 1_000).notices == (Tell(C, TradeText.CANT_OFFER, KEEPER),)
    assert dealing.accept(A, HOLDINGS).exchange == Exchange((Move(Put(SWORD), A, KEEPER),), money=70, paid_to=A)
    assert dealing.cancel(A).notices == ()  # the keeper has no window to close
    assert dealing.tick(1_000 + shops.KEEPER_OFFER_MS - 1).book == dealing
    step = dealing.tick(1_000 + shops.KEEPER_OFFER_MS)
    assert step.notices == (Tell(A, TradeText.KEEPER_TIMEOUT, KEEPER), Tell(A, TradeText.CANCELED, KEEPER), Canceled(A))
    assert not step.book.trades


def test_the_texts_are_the_originals() -> None:
    user = (UPSTREAM / "kod" / "object" / "active" / "holder" / "nomoveon" / "battler" / "player" / "user.kod").read_text(
        encoding="latin-1"
    )
    names = {
        "got_offer": "user_got_offer",
        "cant_offer": "user_cant_offer",
        "busy": "user_offer_busy",
        "not_online": "user_offer_not_online",
        "not_here": "user_offer_not_here",
        "canceled": "user_canceled_offer",
        "nothing_to_cancel": "user_cant_cancel_offer",
        "nothing_to_counter": "user_cant_counteroffer",
        "nothing_to_accept": "user_cant_acceptoffer",
        "bad_number": "user_cant_deal_number",
        "dont_have": "user_dont_have_offer",
        "dont_have_number": "user_dont_have_number_offer",
        "didnt_have": "user_didnt_have_offer",
        "couldnt_carry": "user_couldnt_carry_offer",
        "cant_carry": "user_cant_carry_offer",
    }
    for text in TradeText:
        if text is not TradeText.KEEPER_TIMEOUT:
            assert re.search(rf"^\s*{names[text.value]}\s*=", user, re.M), text


# -- properties over random sequences of requests -------------------------------------

# mostly two players, so that offers, answers and acceptances meet often
PLAYERS = st.sampled_from((A, B, A, B, C))
ITEMS = st.sampled_from((SWORD, SHIELD, COINS_A, COINS_B, HERB))
# what a player puts on the table: indices into what it holds (4: someone else's item)
PICKS = st.lists(st.integers(0, 4), max_size=3)
# whether a counter or an acceptance comes from the side that may make it
RIGHT_SIDE = st.booleans()
offer_op = st.tuples(st.just("offer"), PLAYERS, PLAYERS, PICKS)
counter_op = st.tuples(st.just("counter"), PLAYERS, PICKS, RIGHT_SIDE)
accept_op = st.tuples(st.just("accept"), PLAYERS, RIGHT_SIDE)
operations = st.lists(
    st.one_of(
        # the steps of a trade come up more often than the ways it ends
        offer_op, offer_op, counter_op, counter_op, accept_op, accept_op,
        st.tuples(st.just("cancel"), PLAYERS),
        st.tuples(st.just("leave"), PLAYERS),
        st.tuples(st.just("give"), ITEMS, PLAYERS),
        st.tuples(st.just("keeper"), PLAYERS, PICKS),
        # a whole trade in a row, which the ops above seldom make by chance
        st.tuples(st.just("deal"), PLAYERS, PLAYERS, PICKS, PICKS),
        st.tuples(st.just("wait"), st.sampled_from((1, shops.KEEPER_OFFER_MS - 1, shops.KEEPER_OFFER_MS))),
    ),
    min_size=5,
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(ops=operations)
def test_an_exchange_only_for_what_both_agreed(ops: list[tuple]) -> None:  # type: ignore[type-arg]
    holdings = dict(HOLDINGS)
    book = TradeBook()
    offered: dict[int, tuple[Put, ...]] = {}  # offerer -> its offer, as shown
    answered: dict[int, tuple[Put, ...]] = {}  # offerer -> the last answer shown to it
    keeper_deadline: dict[int, int] = {}  # customer -> when the keeper's money offer ends
    now = 0
    steps: list[tuple] = []  # type: ignore[type-arg]
    for op in ops:
        if op[0] == "deal":
            steps += [("offer", op[1], op[2], op[3]), ("counter", op[2], op[4], False), ("accept", op[1], False)]
        else:
            steps.append(op)
    for op in steps:
        if op[0] == "keeper":
            step = book.offer_to_keeper(op[1], KEEPER, _picked(op[1], op[2], holdings), holdings, 7, now)
            if any(isinstance(n, ShowOffered) for n in step.notices):
                keeper_deadline[op[1]] = now + shops.KEEPER_OFFER_MS
        elif op[0] == "wait":
            now += op[1]
            step = book.tick(now)
        elif op[0] == "offer":
            step = book.offer(op[1], op[2], _picked(op[1], op[3], holdings), holdings)
        elif op[0] == "counter":
            who = _side(book, op[1], op[3], offerer=False)
            step = book.counter(who, _picked(who, op[2], holdings), holdings)
        elif op[0] == "accept":
            who = _side(book, op[1], op[2], offerer=True)
            step = book.accept(who, holdings)
        elif op[0] == "cancel":
            step = book.cancel(op[1])
        elif op[0] == "leave":
            step = book.leave(op[1])
        else:
            item, to = op[1], op[2]
            holdings[item] = attrs_evolve_owner(holdings[item], to)
            step = book.item_left(item)
        for notice in step.notices:
            if isinstance(notice, ShowOffered):
                offered[notice.to] = notice.items
                answered.pop(notice.to, None)
            elif isinstance(notice, ShowCounteroffer):
                answered[notice.to] = notice.items
            elif isinstance(notice, Exchange):
                assert op[0] == "accept"
                offerer = who
                trade = book.trade_of(offerer)
                assert trade is not None and trade.offerer == offerer
                gives = tuple(m.put for m in notice.moves if m.giver == offerer)
                gets = tuple(m.put for m in notice.moves if m.receiver == offerer)
                assert gives == offered[offerer]
                assert gets == answered[offerer]
                if trade.keeper:  # paid by the keeper, in time
                    assert notice.money == 7 and notice.paid_to == offerer and not gets
                    assert now < keeper_deadline[offerer]
                else:
                    assert notice.money == 0 and notice.paid_to is None
                for move in notice.moves:  # everything moved is its giver's, at that moment
                    assert holdings[move.put.item].owner == move.giver
                    holdings[move.put.item] = attrs_evolve_owner(holdings[move.put.item], move.receiver)
        book = step.book
        # the book stays consistent: each trade under both its sides, nobody in two
        for who, trade in book.trades.items():
            assert who in (trade.offerer, trade.partner)
            assert book.trades[trade.other(who)] is trade


def _picked(who: int, picks: list[int], holdings: dict[int, Holding]) -> list[Put]:
    own = sorted(item for item, holding in holdings.items() if holding.owner == who)
    others = sorted(item for item, holding in holdings.items() if holding.owner != who)
    # k >= 4 (or nothing of one's own) picks an item that is not one's own: another's, or
    # one nobody holds when one player holds everything
    stranger = others[0] if others else max(holdings, default=0) + 1
    return [Put(own[k % len(own)]) if k < 4 and own else Put(stranger) for k in picks]


def _side(book: TradeBook, who: int, right: bool, offerer: bool) -> int:
    trade = book.trade_of(who)
    if not right or trade is None:
        return who
    return trade.offerer if offerer else trade.partner


def attrs_evolve_owner(holding: Holding, owner: int) -> Holding:
    return Holding(owner, holding.number)
