"""Vaults: items a player stores with a vault keeper, the item layer's side of the vault
rules of ``emulator.rules.bank``.

The stock client's deposit of items (BP_REQ_DEPOSIT: the keeper and the items, a number
for a pile) and its withdrawal (BP_REQ_WITHDRAWAL, answered with the list of what the
player has stored and the fee of each, then BP_REQ_WITHDRAWAL_ITEMS) name the keeper. As in
the original (user.kod UserDeposit, UserWithdrawal, UserWithdrawalItems; monster.kod
VaultDeposit, VaultWithdraw) the keeper must be in the player's room and deal with it (a
lawful keeper refuses a murderer before others); a deposit names carried items only.
Each player has one box per vault number (``shop.vault``); the vault's capacity and fees
are the rules'. What is stored or taken back, and the fee, move in ONE item operation.

Not modelled: items a vault does not take (the original's tokens and the like: the
content has no such flag), cursed items (none yet), the keeper's moods.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from emulator.content.model import WorldDefinition
from emulator.rules import bank
from emulator.world import banking
from emulator.world.events import BankUnanswered, VaultKeeperSaid, WorldEvent
from emulator.world.items import Item, Items
from emulator.world.objects import Player, Thing
from emulator.world.shopping import serves, shop_of

FEE_REASON = "vault fee"


@attrs.frozen
class WithdrawalList:
    keeper: Thing
    stored: tuple[Item, ...]
    fee: int  # per item (monster.kod GetVaultRetrievalFee)


def _vault_of(definition: WorldDefinition, keeper: Thing | None, player: Player) -> int | None:
    shop = shop_of(definition, keeper)
    if keeper is None or shop is None or shop.vault is None or keeper.room != player.room:
        return None
    return shop.vault


def withdrawal_list(
    definition: WorldDefinition, items: Items, keeper: Thing | None, player: Player, players_in_room: int,
    events: list[WorldEvent],
) -> WithdrawalList | None:
    """BP_REQ_WITHDRAWAL: what the player has stored with this keeper; None (nothing is
    shown, as the original shows nothing) without a box here."""
    vault = _vault_of(definition, keeper, player)
    if keeper is None or vault is None or not serves(definition, keeper, player, players_in_room, events):
        return None
    stored = items.box(vault, player.character_id)
    if not stored:
        return None
    return WithdrawalList(keeper, tuple(stored), bank.retrieval_fee(bank.vault_rules(vault)))


def _said(player: Player, keeper: Thing, outcome: bank.VaultOutcome, kinds: dict[int, str]) -> VaultKeeperSaid:
    return VaultKeeperSaid(player.object_id, keeper.object_id, outcome.says.value, outcome.number,
                           kinds.get(outcome.item, "") if outcome.item is not None else "")


def deposit(
    definition: WorldDefinition, items: Items, keeper: Thing | None, player: Player, players_in_room: int,
    wanted: Sequence[tuple[int, int | None]], money: frozenset[str], events: list[WorldEvent],
) -> None:
    """BP_REQ_DEPOSIT: the (item id, number) lines stored with the keeper, if the rules
    allow all of them, in one item operation with the fee; the keeper says how it went.
    One pile of money handed to a banker is deposited instead; to anyone else in the
    room, the player is told it cannot deposit items there (user.kod UserDeposit)."""
    if keeper is None or keeper.kind is None or keeper.room != player.room or not wanted:
        return  # only to a keeper of one's room (a player is not one)
    character = player.character_id
    held = {item.object_id: item for item in items.carried(character)}
    if any(item_id not in held for item_id, _ in wanted) or len({i for i, _ in wanted}) != len(wanted):
        return  # user.kod UserDeposit: only what one holds, each once
    vault = _vault_of(definition, keeper, player)
    if vault is None:
        shop = shop_of(definition, keeper)
        (first_id, number), first = wanted[0], held[wanted[0][0]]
        if shop is not None and shop.bank is not None and len(wanted) == 1 and first.kind in money:
            amount = first.units if number is None else min(number, first.units)
            banking.deposit_handed(definition, items, keeper, player, players_in_room, amount, money, events)
        else:
            events.append(BankUnanswered(player.object_id, banking.BankCommand.DEPOSIT_ITEMS.value))
        return
    if not serves(definition, keeper, player, players_in_room, events):
        return
    lines: list[tuple[int, int | None]] = []
    to_store: list[bank.ToStore] = []
    for item_id, number in wanted:
        item = held[item_id]
        part = None if item.number is None else min(item.number, number if number is not None else item.number)
        lines.append((item_id, part))
        to_store.append(bank.ToStore(item_id, items.weight_and_bulk(item.kind or "", part)[1]))
    rules = bank.vault_rules(vault)
    outcome = bank.vault_deposit(rules, items.stored_bulk(vault, character), to_store, items.money_of(character, money))
    if outcome.done:
        done = items.store(character, player.object_id, vault, lines, outcome.fee, money, FEE_REASON, events)
        if not done:  # storing its own money left too little for the fee
            outcome = bank.VaultOutcome(False, says=bank.VaultSay.NO_DEPOSIT_CASH, number=outcome.fee)
    events.append(_said(player, keeper, outcome, {i: held[i].kind or "" for i, _ in wanted}))


def withdraw(
    definition: WorldDefinition, items: Items, keeper: Thing | None, player: Player, players_in_room: int,
    wanted: Sequence[tuple[int, int | None]], money: frozenset[str], events: list[WorldEvent],
) -> None:
    """BP_REQ_WITHDRAWAL_ITEMS: the (stored item id, number) lines taken back, if the rules
    allow all of them (what the box holds, the fees, the player's room for their bulk),
    in one item operation with the fees; the keeper says how it went."""
    vault = _vault_of(definition, keeper, player)
    if keeper is None or vault is None or not wanted:
        return
    if not serves(definition, keeper, player, players_in_room, events):
        return
    character = player.character_id
    stored = {item.object_id: item for item in items.box(vault, character)}
    box = [bank.Stored(item.object_id, items.weight_and_bulk(item.kind or "", item.number)[1], item.number)
           for item in stored.values()] or None
    lines = [(item_id, number if item_id in stored and stored[item_id].number is not None else None)
             for item_id, number in wanted]
    free_bulk = items.capacity(player.stats.might) - items.load_of(character)[1]
    outcome = bank.vault_withdraw(bank.vault_rules(vault), box, [bank.ToRetrieve(i, n) for i, n in lines],
                                  items.money_of(character, money), free_bulk)
    if outcome.done:
        done = items.take_back(character, player.object_id, vault, lines, outcome.fee, money, FEE_REASON, events)
        assert done, "the rules allowed what the box and the purse cannot give"
    kinds = {item_id: item.kind or "" for item_id, item in stored.items()}
    events.append(_said(player, keeper, outcome, kinds))
