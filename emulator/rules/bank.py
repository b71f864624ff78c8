"""Banks and vaults: money kept with a banker, items kept with a vault keeper
(monster.kod BankDeposit, BankWithdraw, BankBalance, VaultDeposit, VaultWithdraw,
GetVaultDepositFee, GetVaultRetrievalFee; bank.kod; storage.kod CanDepositItems;
system.kod CreateAllBanksIfNew, CreateAllVaultsIfNew; numbitem.kod GetNumberCanHold).

Where accounts live, as the original: a bank holds one balance per player, and bankers
name their bank by number, so the bankers of Jasper and Tos share one bank (BID_TOS) and
Kocatan's has its own; a player's money in one bank is not in the other. Vaults likewise
hold one box per player, by vault number (Barloque's and Kocatan's). Banks charge no
fees; vaults charge by bulk to store and, at Kocatan, by item to take back.

Pure functions of a balance or a box and the facts around it; the item layer keeps the
balances (by bank number and player) and applies the outcomes. Every bank operation moves
money between purse and balance without making or losing any.

Not modelled: the Tos banker's trade of gems for money, a teacher banker's condition on a
balance, the investigator's balance reports.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence

import attrs

from .dice import div

#: Bank numbers (blakston.khd BID_*): the bankers of Jasper and Tos use Tos's bank.
BID_TOS = 1
BID_KOCATAN = 2
#: Vault numbers (blakston.khd VID_*).
VID_BARLOQUE = 1
VID_KOCATAN = 2
#: A number item with a weight or bulk of 0 fits without limit (blakston.khd INFINITE_COUNT).
NO_LIMIT = None


class BankSay(enum.Enum):
    """What a banker tells a player (monster.kod resources); ``number`` in :class:`Said`."""

    BALANCE = "balance"  # Lm_bnkr_balance: the balance
    DEPOSITED = "deposited"  # Lm_bnkr_did_deposit: the new balance
    NOT_ENOUGH_TO_DEPOSIT = "not_enough_to_deposit"  # Lm_bnkr_not_enough_deposit: the money held
    NO_ACCOUNT = "no_account"  # Lm_bnkr_no_account
    NOT_ENOUGH_TO_WITHDRAW = "not_enough_to_withdraw"  # Lm_bnkr_not_enough_withdraw: the balance
    PURSE_FULL = "purse_full"  # Lm_bnkr_player_full: how many it can take
    PURSE_ALL_FULL = "purse_all_full"  # Lm_bnkr_player_all_full
    WITHDREW = "withdrew"  # Lm_bnkr_did_withdraw: the amount


@attrs.frozen
class Said:
    what: BankSay
    number: int | None = None


@attrs.frozen
class BankOutcome:
    """A bank operation's result: the new balance, the change to the player's money
    (negative when deposited), and what the banker says, in order."""

    balance: int
    purse_change: int = 0
    says: tuple[Said, ...] = ()


def balance(current: int) -> BankOutcome:
    """A player asks its balance (monster.kod BankBalance)."""
    return BankOutcome(current, 0, (Said(BankSay.BALANCE, current),))


def deposit(current: int, amount: int, money_held: int) -> BankOutcome:
    """A player deposits ``amount`` shillings (monster.kod BankDeposit; by the deposit
    command or by giving the banker money). Nothing for an amount below 1; refused when
    the player holds less; otherwise the banker tells the new balance."""
    if amount <= 0:
        return BankOutcome(current)
    if money_held < amount:
        return BankOutcome(current, 0, (Said(BankSay.NOT_ENOUGH_TO_DEPOSIT, money_held),))
    new = current + amount
    return BankOutcome(new, -amount, (Said(BankSay.DEPOSITED, new),))


def number_can_hold(weight_each: int, bulk_each: int, free_weight: int | None, free_bulk: int | None) -> int | None:
    """How many more of a number item a holder can carry (numbitem.kod GetNumberCanHold,
    holder.kod GetNumberCanHold): by weight and by bulk, the smaller; a negative figure
    is per 100 pieces; a figure of 0, or a holder without a limit, limits nothing (None)."""

    def by(each: int, free: int | None) -> int | None:
        if each == 0 or free is None:
            return NO_LIMIT
        return div(free, each) if each > 0 else div(free * 100, -each)

    limits = [n for n in (by(bulk_each, free_bulk), by(weight_each, free_weight)) if n is not None]
    return min(limits) if limits else NO_LIMIT


def withdraw(current: int, amount: int, can_hold: int | None = NO_LIMIT) -> BankOutcome:
    """A player withdraws ``amount`` shillings (monster.kod BankWithdraw). Nothing for a
    negative amount; refused with an empty account, or when asking more than the
    balance (the banker names the balance); a player who can carry only part of it
    (``can_hold``, from :func:`number_can_hold`) gets that part, one who can carry none
    gets nothing."""
    if amount < 0:
        return BankOutcome(current)
    if current == 0:
        return BankOutcome(current, 0, (Said(BankSay.NO_ACCOUNT),))
    if amount > current:
        return BankOutcome(current, 0, (Said(BankSay.NOT_ENOUGH_TO_WITHDRAW, current),))
    says: list[Said] = []
    if can_hold is not None and can_hold <= 0:
        return BankOutcome(current, 0, (Said(BankSay.PURSE_ALL_FULL),))
    if can_hold is not None and can_hold < amount:
        says.append(Said(BankSay.PURSE_FULL, can_hold))
        amount = can_hold
    says.append(Said(BankSay.WITHDREW, amount))
    return BankOutcome(current - amount, amount, tuple(says))


# -- vaults ---------------------------------------------------------------------------


@attrs.frozen
class VaultRules:
    """A vault's figures: how much bulk one player's box holds, what storing costs per
    unit of bulk, what taking back costs per item."""

    capacity: int
    deposit_fee_per_bulk: int = 1  # monster.kod GetVaultDepositFee: one shilling a stone
    retrieval_fee_per_item: int = 0  # monster.kod GetVaultRetrievalFee: free


#: A vault without figures of its own (storage.kod piCapacity).
DEFAULT_VAULT = VaultRules(capacity=3000)
#: The original's vaults (system.kod CreateAllVaultsIfNew; kcvaultm.kod's fees).
VAULTS = {
    VID_BARLOQUE: VaultRules(capacity=12000),
    VID_KOCATAN: VaultRules(capacity=15000, deposit_fee_per_bulk=2, retrieval_fee_per_item=1),
}


def vault_rules(vault: int | None) -> VaultRules:
    return VAULTS.get(vault, DEFAULT_VAULT) if vault is not None else DEFAULT_VAULT


class VaultSay(enum.Enum):
    """What a vault keeper tells a player (monster.kod and the keepers' resources)."""

    NO_GOLD = "no_gold"  # vaultman_nogold: an item without bulk (money) is not stored
    CURSED = "cursed"  # vaultman_nocursed: the player cannot let go of it
    CANT_STORE = "cant_store"  # vaultman_cant_part: not an item for a vault
    NO_DEPOSIT_CASH = "no_deposit_cash"  # vaultman_nodeposit_cash: the fee
    FULL = "full"  # vaultman_fullvault
    THANKS_FOR = "thanks_for"  # vaultman_thanks_amount: stored or returned, for the fee paid
    STORED = "stored"  # vaultman_deposit_thanks: stored for free
    NO_ACCOUNT = "no_account"  # vaultman_noAccount: nothing stored here
    NOT_ENOUGH = "not_enough"  # vaultman_not_enough: fewer stored than asked
    DONT_HAVE = "dont_have"  # vaultman_dont_have: not in the player's box
    NO_WITHDRAW_CASH = "no_withdraw_cash"  # vaultman_nowithdraw_cash
    NO_ROOM = "no_room"  # vaultman_no_room: the player cannot carry it all
    RETURNED = "returned"  # vaultman_thanks: returned for free


@attrs.frozen
class ToStore:
    """An item a player hands a vault keeper: its bulk (of the whole stack for a number
    item), whether the player may let go of it, and whether a vault takes it (tokens and
    the like do not: item.kod CanBeStoredInVault)."""

    item: int
    bulk: int
    can_let_go: bool = True
    storable: bool = True


@attrs.frozen
class VaultOutcome:
    """What a vault keeper does: ``done`` when the items move (into the box, or back to
    the player), the ``fee`` the player pays then, and what the keeper says."""

    done: bool
    fee: int = 0
    says: VaultSay = VaultSay.STORED
    number: int | None = None  # the fee, in the texts that name it
    item: int | None = None  # the item a refusal names


def vault_deposit(rules: VaultRules, stored_bulk: int, items: Sequence[ToStore], money_held: int) -> VaultOutcome:
    """A player stores items (monster.kod VaultDeposit, storage.kod CanDepositItems): each
    item must have bulk, be let go and be storable; the fee (bulk times the vault's rate)
    must be covered; the player's box must hold the lot (``stored_bulk`` is what it holds)."""
    fee = 0
    for item in items:
        if item.bulk <= 0:
            return VaultOutcome(False, says=VaultSay.NO_GOLD, item=item.item)
        if not item.can_let_go:
            return VaultOutcome(False, says=VaultSay.CURSED, item=item.item)
        if not item.storable:
            return VaultOutcome(False, says=VaultSay.CANT_STORE, item=item.item)
        fee += rules.deposit_fee_per_bulk * item.bulk
    if money_held < fee and fee != 0:
        return VaultOutcome(False, says=VaultSay.NO_DEPOSIT_CASH, number=fee)
    if stored_bulk + sum(item.bulk for item in items) > rules.capacity:
        return VaultOutcome(False, says=VaultSay.FULL)
    if fee:
        return VaultOutcome(True, fee, VaultSay.THANKS_FOR, number=fee)
    return VaultOutcome(True)


@attrs.frozen
class Stored:
    """An item in a player's box: its bulk (the whole stack's), and how many for a number item."""

    item: int
    bulk: int
    number: int | None = None


@attrs.frozen
class ToRetrieve:
    """A line of BP_REQ_WITHDRAWAL_ITEMS: the stored item, and for a number item how many."""

    item: int
    number: int | None = None


def retrieval_fee(rules: VaultRules) -> int:
    """The price BP_WITHDRAWAL_LIST shows for each stored item (GetVaultRetrievalFee)."""
    return rules.retrieval_fee_per_item


def vault_withdraw(
    rules: VaultRules,
    box: Sequence[Stored] | None,
    wanted: Sequence[ToRetrieve],
    money_held: int,
    free_bulk: int | None,
) -> VaultOutcome:
    """A player takes items back (monster.kod VaultWithdraw): it needs a box here; each
    item must be in it, a number item in the number asked; the fees must be covered and
    the player must have room for the bulk (a part of a stack weighs its share)."""
    if box is None:
        return VaultOutcome(False, says=VaultSay.NO_ACCOUNT)
    stored = {entry.item: entry for entry in box}
    fee = 0
    bulk = 0
    for line in wanted:
        entry = stored.get(line.item)
        if entry is None:
            return VaultOutcome(False, says=VaultSay.DONT_HAVE, item=line.item)
        if entry.number is not None and line.number is not None and line.number > entry.number:
            return VaultOutcome(False, says=VaultSay.NOT_ENOUGH, item=line.item)
        fee += rules.retrieval_fee_per_item
        if entry.number and line.number is not None:
            bulk += div(entry.bulk * line.number, entry.number)
        else:
            bulk += entry.bulk
    if money_held < fee and fee != 0:
        return VaultOutcome(False, says=VaultSay.NO_WITHDRAW_CASH)
    if free_bulk is not None and bulk > free_bulk:
        return VaultOutcome(False, says=VaultSay.NO_ROOM)
    if fee:
        return VaultOutcome(True, fee, VaultSay.THANKS_FOR, number=fee)
    return VaultOutcome(True, says=VaultSay.RETURNED)
