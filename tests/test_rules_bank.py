"""Banks and vaults (emulator.rules.bank), with the numbers checked against the
original's sources."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from emulator.rules import bank
from emulator.rules.bank import BankOutcome, BankSay, Said, Stored, ToRetrieve, ToStore, VaultOutcome, VaultSay

from .conftest import UPSTREAM

KOD = UPSTREAM / "kod"
TOWNS = KOD / "object" / "active" / "holder" / "nomoveon" / "battler" / "monster" / "towns"


def _kod(path: str) -> str:
    return (KOD / path).read_text(encoding="latin-1")


def test_bank_and_vault_numbers_are_the_originals() -> None:
    khd = _kod("include/blakston.khd")
    for name in ("BID_TOS", "BID_KOCATAN", "VID_BARLOQUE", "VID_KOCATAN"):
        assert re.search(rf"^\s*{name}\s*=\s*{getattr(bank, name)}\b", khd, re.M), name
    # Jasper's and Tos's bankers share a bank, Kocatan's has its own
    assert re.search(r"viBank\s*=\s*BID_TOS", (TOWNS / "jasprtwn" / "jsbanker.kod").read_text(encoding="latin-1"))
    assert re.search(r"viBank\s*=\s*BID_TOS", (TOWNS / "tostwn" / "TsBanker.kod").read_text(encoding="latin-1"))
    assert re.search(r"viBank\s*=\s*BID_KOCATAN", (TOWNS / "kocatwn" / "kcbanker.kod").read_text(encoding="latin-1"))


def test_vault_figures_are_the_originals() -> None:
    system = _kod("util/system.kod")
    for name, number in (("VID_BARLOQUE", bank.VID_BARLOQUE), ("VID_KOCATAN", bank.VID_KOCATAN)):
        found = re.search(rf"#num={name},#class=&Storage,\s*#capacity=(\d+)", system)
        assert found and int(found.group(1)) == bank.VAULTS[number].capacity
    assert re.search(rf"piCapacity\s*=\s*{bank.DEFAULT_VAULT.capacity}\b", _kod("object/passive/storage.kod"))
    kocatan = (TOWNS / "kocatwn" / "kcvaultm.kod").read_text(encoding="latin-1")
    assert "return 2*send(what,@getbulk);" in kocatan
    assert re.search(r"GetVaultRetrievalFee\(what=\$\)[^}]*return 1;", kocatan)
    assert bank.VAULTS[bank.VID_KOCATAN].deposit_fee_per_bulk == 2
    assert bank.VAULTS[bank.VID_KOCATAN].retrieval_fee_per_item == 1


def test_deposit() -> None:
    assert bank.deposit(100, 50, 80) == BankOutcome(150, -50, (Said(BankSay.DEPOSITED, 150),))
    assert bank.deposit(100, 90, 80) == BankOutcome(100, 0, (Said(BankSay.NOT_ENOUGH_TO_DEPOSIT, 80),))
    assert bank.deposit(100, 0, 80) == BankOutcome(100)
    assert bank.deposit(100, -5, 80) == BankOutcome(100)


def test_withdraw() -> None:
    assert bank.withdraw(100, 40) == BankOutcome(60, 40, (Said(BankSay.WITHDREW, 40),))
    assert bank.withdraw(0, 40) == BankOutcome(0, 0, (Said(BankSay.NO_ACCOUNT),))
    assert bank.withdraw(30, 40) == BankOutcome(30, 0, (Said(BankSay.NOT_ENOUGH_TO_WITHDRAW, 30),))
    assert bank.withdraw(100, -1) == BankOutcome(100)
    # a purse that takes only part: that part, and the banker says so
    assert bank.withdraw(100, 40, can_hold=25) == BankOutcome(
        75, 25, (Said(BankSay.PURSE_FULL, 25), Said(BankSay.WITHDREW, 25))
    )
    assert bank.withdraw(100, 40, can_hold=0) == BankOutcome(100, 0, (Said(BankSay.PURSE_ALL_FULL),))
    assert bank.balance(75).says == (Said(BankSay.BALANCE, 75),)


def test_number_can_hold() -> None:
    assert bank.number_can_hold(0, 0, 100, 100) is None  # shillings weigh nothing
    assert bank.number_can_hold(2, 0, 9, 100) == 4
    assert bank.number_can_hold(2, 3, 100, 10) == 3
    assert bank.number_can_hold(-5, 0, 2, None) == 40  # 5 per hundred pieces
    assert bank.number_can_hold(2, 3, None, None) is None


@given(
    balance=st.integers(0, 10**9),
    purse=st.integers(0, 10**9),
    amount=st.integers(-10, 10**9),
    can_hold=st.none() | st.integers(0, 10**9),
    depositing=st.booleans(),
)
def test_money_is_conserved(balance: int, purse: int, amount: int, can_hold: int | None, depositing: bool) -> None:
    outcome = bank.deposit(balance, amount, purse) if depositing else bank.withdraw(balance, amount, can_hold)
    assert outcome.balance + (purse + outcome.purse_change) == balance + purse
    assert outcome.balance >= 0 and purse + outcome.purse_change >= 0
    if not depositing and can_hold is not None:
        assert outcome.purse_change <= can_hold


def test_vault_deposit() -> None:
    kocatan = bank.VAULTS[bank.VID_KOCATAN]
    sword, armour = ToStore(1, 50), ToStore(2, 300)
    assert bank.vault_deposit(kocatan, 0, [sword, armour], 1_000) == VaultOutcome(True, 700, VaultSay.THANKS_FOR, 700)
    assert bank.vault_deposit(kocatan, 0, [sword], 99) == VaultOutcome(False, says=VaultSay.NO_DEPOSIT_CASH, number=100)
    assert bank.vault_deposit(kocatan, 14_701, [armour], 10_000).says is VaultSay.FULL
    assert bank.vault_deposit(kocatan, 14_700, [ToStore(3, 300)], 10_000) == VaultOutcome(True, 600, VaultSay.THANKS_FOR, 600)
    assert bank.vault_deposit(kocatan, 0, [ToStore(4, 0)], 10).says is VaultSay.NO_GOLD
    assert bank.vault_deposit(kocatan, 0, [ToStore(5, 3, can_let_go=False)], 10).says is VaultSay.CURSED
    assert bank.vault_deposit(kocatan, 0, [ToStore(6, 3, storable=False)], 10).says is VaultSay.CANT_STORE
    free = bank.VaultRules(capacity=100, deposit_fee_per_bulk=0)
    assert bank.vault_deposit(free, 0, [sword], 0) == VaultOutcome(True)


def test_vault_withdraw() -> None:
    kocatan = bank.VAULTS[bank.VID_KOCATAN]
    box = [Stored(1, 50), Stored(2, 40, number=20)]
    assert bank.vault_withdraw(kocatan, None, [ToRetrieve(1)], 10, None).says is VaultSay.NO_ACCOUNT
    assert bank.vault_withdraw(kocatan, box, [ToRetrieve(9)], 10, None) == VaultOutcome(False, says=VaultSay.DONT_HAVE, item=9)
    assert bank.vault_withdraw(kocatan, box, [ToRetrieve(2, 21)], 10, None).says is VaultSay.NOT_ENOUGH
    assert bank.vault_withdraw(kocatan, box, [ToRetrieve(1), ToRetrieve(2, 5)], 1, None).says is VaultSay.NO_WITHDRAW_CASH
    # 5 of 20 pieces weigh a quarter of the stack's 40
    assert bank.vault_withdraw(kocatan, box, [ToRetrieve(1), ToRetrieve(2, 5)], 2, 59).says is VaultSay.NO_ROOM
    assert bank.vault_withdraw(kocatan, box, [ToRetrieve(1), ToRetrieve(2, 5)], 2, 60) == VaultOutcome(
        True, 2, VaultSay.THANKS_FOR, 2
    )
    barloque = bank.vault_rules(bank.VID_BARLOQUE)
    assert bank.vault_withdraw(barloque, box, [ToRetrieve(1)], 0, None) == VaultOutcome(True, says=VaultSay.RETURNED)
    assert bank.retrieval_fee(barloque) == 0 and bank.retrieval_fee(kocatan) == 1
    assert bank.vault_rules(None) == bank.vault_rules(77) == bank.DEFAULT_VAULT
