"""Buying from shop keepers: the item layer's side of ``emulator.rules.shops``.

A keeper is a placed object whose kind has a ``shop`` with wares. Its buy list names each
ware by an id of its own (:func:`ware_id`): the wares are the keeper's templates in the
original, not items of the world, so their ids are only good for answering that list.

As in the original (monster.kod Buy) the buyer must be in the keeper's room, nothing
nearer; a lawful keeper may refuse a murderer (``customer_service``). The lines are then
decided by ``shops.purchase`` and everything sold is paid and made in one item operation.

A keeper that teaches lists, after its items, the skills and spells the player may
learn from it now (monster.kod GetForSale); buying one pays its price with the items in
the same operation and adds it to the player's spellbook (``spellbook.learn``).

Not modelled here: the faction discount and keepers' own moods; the quests some
teachers ask first; selling to keepers.
"""

from __future__ import annotations

import enum
import random
from collections.abc import Mapping, Sequence

import attrs

from emulator.content.model import ShopInfo, WorldDefinition
from emulator.rules import shops
from emulator.world import spellbook
from emulator.world.events import KeeperSaid, WorldEvent
from emulator.world.items import Items
from emulator.world.objects import Player, Thing
from emulator.world.remains import is_money

#: Ware ids of a buy list: this base plus the line's index (the top of the 28 bits on the
#: wire; item ids count up from far below and never get here in practice).
WARE_ID_BASE = 0x0FFF_F000
BUY_REASON = "bought"


class KeeperSpeech(enum.Enum):
    """What a keeper tells a customer (``KeeperSaid.reason``)."""

    NOTHING_FOR_SALE = "nothing_for_sale"
    REFUSED_SERVICE = "refused_service"  # a lawful keeper, a murderer, others watching
    ILLICIT_SERVICE = "illicit_service"  # ... alone with it: whispered, then served
    TOO_COSTLY = shops.BuyRefusal.TOO_COSTLY.value
    NOT_SOLD = shops.BuyRefusal.NOT_SOLD.value
    CANT_CARRY = shops.BuyRefusal.CANT_CARRY.value


@attrs.frozen
class BuyList:
    keeper: Thing
    lines: tuple[shops.PriceLine, ...]


def ware_id(index: int) -> int:
    return WARE_ID_BASE + index


def line_id(definition: WorldDefinition, index: int, ware: shops.Ware) -> int:
    """The id a buy list gives its ``index``-th line: a lesson is named by its spell's or
    skill's own id, as the original lists the spell object itself (so a list that changed
    since cannot name another lesson), an item ware by its place in the list."""
    if ware.lesson_level is None:
        return ware_id(index)
    if ware.skill:
        return spellbook.skill_object_id(definition.skills[ware.kind])
    return spellbook.spell_object_id(definition.spells[ware.kind])


def shop_of(definition: WorldDefinition, keeper: Thing | None) -> ShopInfo | None:
    if keeper is None or keeper.kind is None:
        return None
    kind = definition.kinds.get(keeper.kind)
    return None if kind is None else kind.shop


def money_kinds(definition: WorldDefinition) -> frozenset[str]:
    return frozenset(key for key, kind in definition.kinds.items() if is_money(kind))


def wares(definition: WorldDefinition, shop: ShopInfo) -> tuple[shops.Ware, ...]:
    """The keeper's item wares whose kinds the world has (others cannot be made)."""
    values: dict[str, tuple[int, bool]] = {}
    entries = []
    for entry in shop.sells:
        kind = definition.kinds.get(entry.kind)
        if kind is None or kind.item is None:
            continue
        value = kind.item.get("value")
        values[entry.kind] = (shops.DEFAULT_VALUE if value is None else value, kind.item.stacks)
        entries.append((entry.kind, entry.number))
    return shops.wares_of(entries, values)


def lessons(definition: WorldDefinition, shop: ShopInfo, player: Player) -> tuple[tuple[shops.Ware, ...], tuple[shops.Ware, ...]]:
    """The skills and the spells the keeper teaches that this player may learn now."""
    skills = tuple(
        shops.Ware(key, lesson_level=definition.skills[key].level or 1, skill=True)
        for key in spellbook.teachable(definition, player, shop.teaches_skills, spell=False)
    )
    spells = tuple(
        shops.Ware(key, lesson_level=definition.spells[key].level or 1)
        for key in spellbook.teachable(definition, player, shop.teaches_spells, spell=True)
    )
    return skills, spells


def _lines(definition: WorldDefinition, shop: ShopInfo, player: Player) -> tuple[shops.PriceLine, ...]:
    skills, spells = lessons(definition, shop, player)
    return shops.buy_list(wares(definition, shop), _markup(shop), skills=skills, spells=spells)


def _markup(shop: ShopInfo) -> int:
    return shops.DEFAULT_MARKUP if shop.markup is None else shop.markup


def _service(definition: WorldDefinition, keeper: Thing, player: Player, players_in_room: int) -> shops.Service:
    monster = definition.kinds[keeper.kind or ""].monster
    lawful = monster is not None and "lawful" in monster.npc_flags
    return shops.customer_service(lawful, player.murderer, players_in_room)


#: A keeper's answer to a customer (rules.shops.customer_service), for selling to it too.
service = _service


def serves(
    definition: WorldDefinition, keeper: Thing, player: Player, players_in_room: int, events: list[WorldEvent],
) -> bool:
    service = _service(definition, keeper, player, players_in_room)
    if service is shops.Service.REFUSED:
        events.append(KeeperSaid(player.object_id, keeper.object_id, KeeperSpeech.REFUSED_SERVICE.value))
        return False
    if service is shops.Service.SERVED_SECRETLY:
        events.append(KeeperSaid(player.object_id, keeper.object_id, KeeperSpeech.ILLICIT_SERVICE.value))
    return True


def buy_list(
    definition: WorldDefinition, keeper: Thing | None, player: Player, players_in_room: int,
    events: list[WorldEvent],
) -> BuyList | None:
    """What a keeper in the player's room shows (user.kod UserBuy); None (and perhaps a
    word from the keeper in ``events``) when there is no list to show."""
    shop = shop_of(definition, keeper)
    if keeper is None or shop is None or keeper.room != player.room:
        return None
    if not serves(definition, keeper, player, players_in_room, events):
        return None
    lines = _lines(definition, shop, player)
    if not lines:
        events.append(KeeperSaid(player.object_id, keeper.object_id, KeeperSpeech.NOTHING_FOR_SALE.value))
        return None
    return BuyList(keeper, lines)


def buy(
    definition: WorldDefinition, items: Items, keeper: Thing | None, player: Player, players_in_room: int,
    wanted: Sequence[tuple[int, int | None]], money: frozenset[str], events: list[WorldEvent],
    rng: random.Random | None = None,
) -> None:
    """BP_REQ_BUY_ITEMS: the wanted (ware id, amount) lines bought from the keeper, all
    paid and made in one item operation; each refused line told by the keeper. Ids that
    name no line of the keeper's list are ignored (a stale or forged list)."""
    shop = shop_of(definition, keeper)
    if keeper is None or shop is None or keeper.room != player.room:
        return
    if not serves(definition, keeper, player, players_in_room, events):
        return
    lines = _lines(definition, shop, player)
    by_id: Mapping[int, shops.Ware] = {line_id(definition, i, line.ware): line.ware for i, line in enumerate(lines)}
    asked: list[shops.Wanted] = []
    for i, amount in wanted:
        ware = by_id.get(i)
        if ware is None:
            continue
        if ware.lesson_level is not None and any(line.ware == ware for line in asked):
            # learnt by the first line: the keeper no longer offers it (GetForSale per line)
            lesson = "skill" if ware.skill else "spell"
            events.append(KeeperSaid(player.object_id, keeper.object_id, KeeperSpeech.NOT_SOLD.value, ware.kind, lesson))
            continue
        asked.append(shops.Wanted(ware, amount))
    character = player.character_id
    capacity = items.capacity(player.stats.might)
    weight, bulk = items.load_of(character)
    money_before = items.money_of(character, money)
    taken: list[shops.Sold] = []
    held_money = next((item.kind for item in items.carried(character) if item.kind in money), None)

    def can_take(sold: shops.Sold) -> bool:
        """Whether the line fits with what is already bought, less the money paid so far
        (the original pays each line before weighing the next)."""
        paid = sum(s.price for s in taken)
        w, b = weight, bulk
        if held_money is not None and paid:
            before = items.weight_and_bulk(held_money, money_before)
            after = items.weight_and_bulk(held_money, money_before - paid) if money_before > paid else (0, 0)
            w, b = w - before[0] + after[0], b - before[1] + after[1]
        for s in [*taken, sold]:
            dw, db = items.weight_and_bulk(s.ware.kind, s.number)
            w, b = w + dw, b + db
        dw, db = items.weight_and_bulk(sold.ware.kind, sold.number)
        if (dw and w > capacity) or (db and b > capacity):
            return False
        taken.append(sold)
        return True

    results = shops.purchase(asked, lines_wares(lines), money_before, _markup(shop), can_take=can_take)
    sold = [r for r in results if isinstance(r, shops.Sold)]
    if sold:
        price = sum(s.price for s in sold)
        made = [(s.ware.kind, s.number) for s in sold if s.ware.lesson_level is None]
        ok = items.buy(character, player.object_id, made, price, money, BUY_REASON, events)
        assert ok, "the rules sold more than the money held"
        for s in sold:
            if s.ware.lesson_level is not None:
                learning_rng = rng or random.Random(f"learn:{player.object_id}")
                spellbook.learn(definition, player, s.ware.kind, not s.ware.skill, learning_rng, events)
    for result in results:
        if isinstance(result, shops.NotSold):
            lesson = "" if result.ware.lesson_level is None else ("skill" if result.ware.skill else "spell")
            events.append(KeeperSaid(player.object_id, keeper.object_id, result.why.value, result.ware.kind, lesson))


def lines_wares(lines: Sequence[shops.PriceLine]) -> tuple[shops.Ware, ...]:
    return tuple(line.ware for line in lines)
