"""Shop keepers' prices, purchases and offers (emulator.rules.shops), with the numbers
checked against the original's sources."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulator.rules import shops
from emulator.rules.shops import (
    BuyRefusal,
    KeeperCounter,
    Markup,
    NotSold,
    OfferedGood,
    OfferRefusal,
    Service,
    Sold,
    Wanted,
    Ware,
)

from .conftest import UPSTREAM

KOD = UPSTREAM / "kod"
MONSTER_KOD = KOD / "object" / "active" / "holder" / "nomoveon" / "battler" / "monster.kod"


def _khd_constant(name: str) -> int:
    text = (KOD / "include" / "blakston.khd").read_text(encoding="latin-1")
    found = re.search(rf"^\s*{name}\s*=\s*(\d+)", text, re.M)
    assert found, name
    return int(found.group(1))


def test_markups_and_limits_are_the_originals() -> None:
    for markup in Markup:
        assert _khd_constant(f"MERCHANT_{markup.name}") == markup.value
    assert _khd_constant("MAX_BUY_AMOUNT") == shops.MAX_BUY_AMOUNT
    monster = MONSTER_KOD.read_text(encoding="latin-1")
    assert re.search(rf"viCancel_offer_time\s*=\s*{shops.KEEPER_OFFER_MS}\b", monster)
    assert re.search(rf"viMerchant_markup\s*=\s*MERCHANT_{shops.DEFAULT_MARKUP.name}\b", monster)
    # the two percentages, as GetPrice and Offer compute them
    assert "(100 + 20*viMerchant_markup) / 100" in monster
    assert "(100 - 10*viMerchant_markup) / 100" in monster
    assert shops.selling_percent(1) == 120 and shops.buying_percent(1) == 90


def test_unit_price_by_markup() -> None:
    # a 15-shilling item: flat 15, normal 24, rip-off 30
    assert [shops.unit_price(15, m) for m in Markup] == [15, 18, 21, 24, 27, 30]
    assert shops.unit_price(0, Markup.RIPOFF) == 1  # never free
    assert shops.unit_price(7, Markup.NORMAL) == 11  # 7 * 160 / 100 = 11.2, truncated
    # the Princess's faction pays 5 percent less, after the markup
    assert shops.unit_price(100, Markup.NORMAL, shops.faction_price_percent(True, buying=True)) == 152
    assert shops.faction_price_percent(False, buying=True) == 100


def test_item_value_with_number_and_wear() -> None:
    assert shops.item_value(3, number=20) == 60
    assert shops.item_value(200) == 200
    # 80% of the max hits and at full hits: 64% of the value
    assert shops.item_value(200, hits=80, hits_init=80, hits_init_max=100) == 128
    # badly worn: never below 10, never above the value
    assert shops.item_value(200, hits=1, hits_init=10, hits_init_max=100) == 10
    assert shops.item_value(5, hits=1, hits_init=10, hits_init_max=100) == 5


def test_keeper_offer_is_per_item_and_at_least_one_each() -> None:
    assert shops.keeper_offer([100, 50], Markup.NORMAL) == 70 + 35
    assert shops.keeper_offer([1, 1, 1], Markup.RIPOFF) == 3  # 0.5 each, bound to 1
    assert shops.keeper_offer([], Markup.NORMAL) == 0


@given(value=st.integers(0, 10_000), markup=st.sampled_from(list(Markup)))
def test_a_keeper_never_pays_more_than_it_asks(value: int, markup: Markup) -> None:
    assert shops.keeper_offer([value], markup) <= shops.unit_price(value, markup)


def test_purchase_line_by_line() -> None:
    sword = Ware("longsword", 100)
    arrows = Ware("arrow", 2, stacks=True, number=20)
    helm = Ware("helm", 50)
    sells = {sword, arrows}
    results = shops.purchase(
        [Wanted(arrows, 30), Wanted(sword), Wanted(helm), Wanted(arrows, 10_000)],
        sells,
        money=200,
        markup=Markup.NORMAL,
    )
    # 30 arrows at 3 each = 90; the sword (160) no longer fits in the 110 left;
    # the helm is not sold here (and costs 80, which is affordable); 500 arrows too dear
    assert results == (
        Sold(arrows, 30, 90),
        NotSold(sword, BuyRefusal.TOO_COSTLY),
        NotSold(helm, BuyRefusal.NOT_SOLD),
        NotSold(arrows, BuyRefusal.TOO_COSTLY),
    )
    assert shops.purchase_amount(None) == 1
    assert shops.purchase_amount(0) == 1
    assert shops.purchase_amount(10_000) == shops.MAX_BUY_AMOUNT


@given(
    money=st.integers(0, 5_000),
    lines=st.lists(st.tuples(st.integers(0, 300), st.booleans(), st.integers(-5, 600)), max_size=8),
    markup=st.sampled_from(list(Markup)),
)
def test_purchases_never_spend_more_than_the_money(money: int, lines: list[tuple[int, bool, int]], markup: Markup) -> None:
    wares = [Ware(f"k{i}", value, stacks) for i, (value, stacks, _) in enumerate(lines)]
    wanted = [Wanted(ware, amount) for ware, (_, _, amount) in zip(wares, lines)]
    results = shops.purchase(wanted, set(wares), money, markup)
    spent = sum(r.price for r in results if isinstance(r, Sold))
    assert 0 <= spent <= money
    for result in results:
        if isinstance(result, Sold):
            assert result.price >= 1
            assert (result.number is not None) == result.ware.stacks


def test_buy_list_is_reversed_and_priced() -> None:
    wares = (Ware("a", 10), Ware("b", 20))
    skills = (Ware("slash", lesson_level=2),)
    spells = (Ware("sweep", lesson_level=1), Ware("blind", lesson_level=3))
    lines = shops.buy_list(wares, Markup.FLAT, skills=skills, spells=spells)
    assert [(line.ware.kind, line.price) for line in lines] == [
        ("b", 20), ("a", 10), ("slash", 1000), ("blind", 2000), ("sweep", 500)
    ]


def test_teaching_price_is_the_originals() -> None:
    spell = (KOD / "object" / "passive" / "spell.kod").read_text(encoding="latin-1")
    assert "return 250 * j;" in spell
    assert [shops.teaching_price(level) for level in (0, 1, 2, 6)] == [500, 500, 1000, 16000]


def test_lessons_and_what_cannot_be_carried() -> None:
    sweep = Ware("sweep", lesson_level=1)
    anvil, cup = Ware("anvil", 10), Ware("cup", 10)
    results = shops.purchase(
        [Wanted(anvil), Wanted(sweep), Wanted(cup)], {anvil, sweep, cup}, 520, Markup.FLAT,
        can_take=lambda sold: sold.ware is not anvil,
    )
    # the anvil is not charged, so the cup is still affordable after the lesson
    assert results == (NotSold(anvil, BuyRefusal.CANT_CARRY), Sold(sweep, None, 500), Sold(cup, None, 10))


def test_customer_service() -> None:
    assert shops.customer_service(lawful=False, murderer=True, players_in_room=5) is Service.SERVED
    assert shops.customer_service(lawful=True, murderer=False, players_in_room=5) is Service.SERVED
    assert shops.customer_service(lawful=True, murderer=True, players_in_room=1) is Service.SERVED_SECRETLY
    assert shops.customer_service(lawful=True, murderer=True, players_in_room=2) is Service.REFUSED


def test_review_offer_refusals_in_the_originals_order() -> None:
    rule = shops.buying_rule(["ruby", "herb"])
    herbs = [OfferedGood("herb", 10), OfferedGood("ruby", 40)]
    assert shops.review_offer(herbs, buyer=False, rule=rule) is OfferRefusal.NOT_BUYER
    assert shops.review_offer(herbs, buyer=True, rule=rule, same_room=False) is OfferRefusal.ELSEWHERE
    assert shops.review_offer(herbs, buyer=True, rule=rule, busy=True) is OfferRefusal.BUSY
    assert shops.review_offer([*herbs, OfferedGood("axe", 5)], buyer=True, rule=rule) is OfferRefusal.UNWANTED
    assert shops.review_offer([OfferedGood("herb", 0)], buyer=True, rule=rule) is OfferRefusal.NO_VALUE
    assert shops.review_offer(herbs, buyer=True, rule=rule, service=Service.REFUSED) is OfferRefusal.NOT_SERVED
    assert shops.review_offer(herbs, buyer=True, rule=rule, markup=Markup.DISCOUNT) == KeeperCounter(8 + 32)
    anything = shops.buying_rule(anything=True, refuses=["token"])
    assert shops.review_offer([OfferedGood("axe", 5)], buyer=True, rule=anything) == KeeperCounter(3)
    assert shops.review_offer([OfferedGood("token", 5)], buyer=True, rule=anything) is OfferRefusal.UNWANTED
    assert shops.review_offer([OfferedGood("money", 5, 5, money=True)], buyer=True, rule=anything) is OfferRefusal.UNWANTED
    at_most = shops.buying_rule(["herb"], at_most=25)
    assert shops.review_offer([OfferedGood("herb", 50, 25)], buyer=True, rule=at_most) == KeeperCounter(35)
    assert shops.review_offer([OfferedGood("herb", 52, 26)], buyer=True, rule=at_most) is OfferRefusal.UNWANTED


def test_wares_of_uses_the_kinds_values() -> None:
    wares = shops.wares_of([("arrow", 20), ("unknown", None)], {"arrow": (2, True)})
    assert wares == (Ware("arrow", 2, True, 20), Ware("unknown", shops.DEFAULT_VALUE, False, None))
    item_kod = (KOD / "object" / "item.kod").read_text(encoding="latin-1")
    assert re.search(rf"viValue_average\s*=\s*{shops.DEFAULT_VALUE}\b", item_kod)


@pytest.mark.parametrize("markup", list(Markup))
def test_price_is_monotonic_in_value(markup: Markup) -> None:
    prices = [shops.unit_price(v, markup) for v in range(0, 200)]
    assert prices == sorted(prices)
