"""What the import says keepers buy, which banks and vaults they keep, and how the loader
checks it; prices against a real buy list of the original server."""

from __future__ import annotations

import textwrap
from pathlib import Path

from emulator.capture import decode_capture, read_capture
from emulator.content.model import WorldDefinition
from emulator.rules import bank, shops

from .test_content import assert_problem, data, line_of, problems_of  # noqa: F401 (data: the fixture)


def _shop(world: WorldDefinition, key: str):  # type: ignore[no-untyped-def]
    shop = world.kinds[key].shop
    assert shop is not None, key
    return shop


def test_what_keepers_buy(world: WorldDefinition) -> None:
    smith = _shop(world, "jasperblacksmith")
    # weapons and things to wear, but not the island's nerudite
    assert {"longsword", "leatherarmor", "helm"} <= set(smith.buys)
    assert "neruditesword" not in smith.buys and "herbs" not in smith.buys
    assert "neruditesword" in _shop(world, "kocatanblacksmith").buys
    merchant = _shop(world, "jaspermerchant")  # reagents
    assert {"herbs", "mushroom", "ruby"} <= set(merchant.buys) and "longsword" not in merchant.buys
    # Kocatan's apothecary takes reagents but not gems
    apothecary = _shop(world, "kocatanapothecary")
    assert "herbs" in apothecary.buys and "ruby" not in apothecary.buys
    assert _shop(world, "kocatanbartender").buys == ("shortsword",)
    # Barloque's merchant refuses more than 25 pieces at once
    assert _shop(world, "barloquemerchant").buys_at_most == 25
    # the junk dealers take nearly anything
    junk = _shop(world, "kocatanshopkeeper")
    assert junk.buys_anything and {"money", "token"} <= set(junk.refuses)
    assert _shop(world, "assassin").buys_anything and not _shop(world, "assassin").refuses
    rule = shops.buying_rule_of(junk)
    assert rule.wants("longsword") and not rule.wants("money")
    # a keeper that buys nothing has no list
    innkeeper = _shop(world, "jasperinnkeeper")
    assert not innkeeper.buys and not innkeeper.buys_anything


def test_banks_and_vaults(world: WorldDefinition) -> None:
    assert _shop(world, "jasperbanker").bank == _shop(world, "tosbanker").bank == bank.BID_TOS
    assert _shop(world, "kocatanbanker").bank == bank.BID_KOCATAN
    assert world.kinds["barloquebanker"].shop is None or world.kinds["barloquebanker"].shop.bank is None
    assert _shop(world, "barloquevaultman").vault == bank.VID_BARLOQUE
    assert _shop(world, "kocatanvaultman").vault == bank.VID_KOCATAN
    # the banks place their bankers with a bank number no constructor takes: they stand there
    placed = {(o.kind, o.at.room) for o in world.objects}
    assert {("jasperbanker", "jasbank"), ("tosbanker", "tosbank")} <= placed


def test_buy_list_prices_match_the_original_server(world: WorldDefinition, captures_dir: Path, capture_resources) -> None:  # type: ignore[no-untyped-def]
    """The capture asks Jasper's innkeeper what she sells: stew, 4 to a bowl, at 64 each,
    then the one spell she would teach, at 500."""
    lists = [
        item.message
        for item in decode_capture(read_capture(captures_dir / "shop_buy_list.jsonl"), capture_resources)
        if item.message is not None and item.message.name == "BP_BUY_LIST"
    ]
    assert len(lists) == 1
    stew_line = next(offer for offer in lists[0].fields.offers if offer.object.amount is not None)
    innkeeper = _shop(world, "jasperinnkeeper")
    stew = world.kinds["stew"]
    assert stew.item is not None and stew.resource_ids and dict(stew.resource_ids)["name"] == stew_line.object.name
    value = stew.item.get("value")
    assert value is not None and innkeeper.markup is not None
    assert shops.unit_price(value, innkeeper.markup) == stew_line.price == 64
    assert [entry.number for entry in innkeeper.sells if entry.kind == "stew"] == [stew_line.object.amount]
    spell_line = next(offer for offer in lists[0].fields.offers if offer.object.amount is None)
    spell = next(s for s in world.spells.values() if dict(s.resource_ids).get("name") == spell_line.object.name)
    assert spell.key in innkeeper.teaches_spells and spell.level is not None
    assert shops.teaching_price(spell.level) == spell_line.price == 500
    # items come first in the list, as buy_list orders them
    assert [offer.object.amount is not None for offer in lists[0].fields.offers] == [True, False]


def _world_with_keeper(data: Path, shop: str) -> Path:
    kinds = data / "objects" / "kinds.toml"
    kinds.write_text(
        kinds.read_text()
        + textwrap.dedent(
            """
            [keeper]
            name = "keeper"
            icon = "keeper.bgf"

            [keeper.shop]
            """
        )
        + textwrap.dedent(shop)
    )
    return kinds


def test_loader_checks_what_keepers_buy(data: Path) -> None:
    kinds = _world_with_keeper(
        data,
        """
        buys = ["cwo"]
        bank = 0
        buys_at_most = 0
        """,
    )
    problems = problems_of(data)
    assert_problem(problems, kinds, line_of(kinds, 'buys = ["cwo"]'), "cwo")
    assert_problem(problems, kinds, line_of(kinds, "bank = 0"), "bank")
    assert_problem(problems, kinds, line_of(kinds, "buys_at_most = 0"), "buys_at_most")


def test_loader_wants_one_way_of_saying_what_is_bought(data: Path) -> None:
    kinds = _world_with_keeper(
        data,
        """
        buys = ["cow"]
        buys_anything = true
        """,
    )
    assert_problem(problems_of(data), kinds, line_of(kinds, 'buys = ["cow"]'), "buys_anything")


def test_loader_refuses_only_with_anything(data: Path) -> None:
    kinds = _world_with_keeper(data, 'refuses = ["cow"]\n')
    assert_problem(problems_of(data), kinds, line_of(kinds, 'refuses = ["cow"]'), "buys_anything")
