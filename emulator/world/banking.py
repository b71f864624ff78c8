"""Banking with the bankers: the item layer's side of ``emulator.rules.bank``.

The stock client's "deposit N", "withdraw N" and "balance" commands are the user
commands UC_DEPOSIT, UC_WITHDRAW and UC_BALANCE; they name no banker. As in the original
(user.kod, holder.kod and monster.kod SomeoneTryUserCommand) the objects of the player's
room are asked in turn, the newest first (so Kocatan's banker answers before the vault
keeper beside him, created before him): the first banker or vault keeper that will deal with the player
takes the command (a lawful one refuses a murderer before others, and the next is asked);
when none does, the player is told it cannot do that here. A vault keeper takes the money
commands and does nothing with them, as the original's.

A banker is a kind whose ``shop`` names a ``bank``; bankers with the same number share the
accounts. The money moves between the player's piles and its balance in one item
operation (``Items.deposit``, ``Items.withdraw``), the rules deciding how much.

Money handed to a banker (BP_REQ_DEPOSIT with one pile of money, the client's "deposit"
without a number) is deposited as the original's offer to a banker does
(:func:`deposit_handed`). Not modelled: the bank's investigator reports; a banker without a bank number of its own (the
Barloque banker's) is no banker here, where the original's takes the command silently.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Iterable

from emulator.content.model import WorldDefinition
from emulator.rules import bank
from emulator.world.events import BankerSaid, BankUnanswered, WorldEvent
from emulator.world.items import DEFAULT_BULK, DEFAULT_WEIGHT, Items
from emulator.world.objects import Player, Thing
from emulator.world.shopping import serves, shop_of

DEPOSIT_REASON = "deposited"


class BankCommand(enum.Enum):
    DEPOSIT = "deposit"  # UC_DEPOSIT
    WITHDRAW = "withdraw"  # UC_WITHDRAW
    BALANCE = "balance"  # UC_BALANCE
    DEPOSIT_ITEMS = "deposit_items"  # BP_REQ_DEPOSIT to someone who keeps no such thing


def bank_money_kind(definition: WorldDefinition, money_kinds: Collection[str]) -> str | None:
    """The money kind a new balance is kept in: the world's money kind (the first by key,
    should it have several); None when the world has no money."""
    return min(money_kinds) if money_kinds else None


def can_hold(items: Items, character_id: int, might: int, kind: str) -> int | None:
    """How many more units of a money kind a player can carry (numbitem.kod
    GetNumberCanHold through ``bank.number_can_hold``); None: without limit."""
    found = items.definition.kinds.get(kind)
    info = found.item if found is not None else None
    weight = info.get("weight") if info is not None else None
    bulk = info.get("bulk") if info is not None else None
    load_weight, load_bulk = items.load_of(character_id)
    capacity = items.capacity(might)
    return bank.number_can_hold(
        DEFAULT_WEIGHT if weight is None else weight, DEFAULT_BULK if bulk is None else bulk,
        capacity - load_weight, capacity - load_bulk,
    )


def command(
    definition: WorldDefinition, items: Items, room_objects: Iterable[Thing], player: Player, players_in_room: int,
    what: BankCommand, amount: int, money: frozenset[str], events: list[WorldEvent],
) -> None:
    """A money command, answered by the first banker or vault keeper of the room that
    deals with the player; ``events`` tell what happened."""
    for thing in room_objects:
        shop = shop_of(definition, thing)
        if shop is None or (shop.bank is None and shop.vault is None):
            continue
        if not serves(definition, thing, player, players_in_room, events):
            continue  # refused: the next may take it
        if shop.bank is not None:
            _banker(items, thing, shop.bank, player, what, amount, money, bank_money_kind(definition, money), events)
        return  # a vault keeper takes the money commands and does nothing
    events.append(BankUnanswered(player.object_id, what.value))


def deposit_handed(
    definition: WorldDefinition, items: Items, banker: Thing, player: Player, players_in_room: int, amount: int,
    money: frozenset[str], events: list[WorldEvent],
) -> None:
    """Money handed to a banker (user.kod UserDeposit, monster.kod GotWantedItem): the
    amount deposited, as by the deposit command, if the banker deals with the player."""
    shop = shop_of(definition, banker)
    if shop is None or shop.bank is None or not serves(definition, banker, player, players_in_room, events):
        return
    _banker(items, banker, shop.bank, player, BankCommand.DEPOSIT, amount, money, bank_money_kind(definition, money), events)


def _banker(
    items: Items, banker: Thing, number: int, player: Player, what: BankCommand, amount: int, money: frozenset[str],
    money_kind: str | None, events: list[WorldEvent],
) -> None:
    character = player.character_id
    current = items.balance_of(number, character)
    if what is BankCommand.BALANCE:
        outcome = bank.balance(current)
    elif what is BankCommand.DEPOSIT:
        outcome = bank.deposit(current, amount, items.money_of(character, money))
        if outcome.purse_change < 0:
            assert money_kind is not None, "money was held, so the world has a money kind"
            done = items.deposit(character, player.object_id, number, -outcome.purse_change, money, money_kind,
                                 DEPOSIT_REASON, events)
            assert done, "the rules deposited more than the money held"
    else:
        account = items.balances.get((number, character))
        kind = account.kind if account is not None else money_kind
        limit = can_hold(items, character, player.stats.might, kind) if kind is not None else bank.NO_LIMIT
        outcome = bank.withdraw(current, amount, limit)
        if outcome.purse_change > 0:
            done = items.withdraw(character, player.object_id, number, outcome.purse_change, events)
            assert done, "the rules withdrew more than the balance"
    for said in outcome.says:
        events.append(BankerSaid(player.object_id, banker.object_id, said.what.value, said.number))
