"""Vaults in the world: items stored with a vault keeper of the player's room and taken
back (monster.kod VaultDeposit, VaultWithdraw; storage.kod), by the vault rules of
``emulator.rules.bank``; each deposit or withdrawal ONE item operation with its fee, the
stored items counted by the ledger, kept over a restart and destroyed with their owner."""

from __future__ import annotations

import attrs

from emulator.content.model import ObjectKind, Placement, PlacedObject, ShopInfo
from emulator.rules.bank import VaultSay
from emulator.world import events as ev
from emulator.world.items import row_of
from emulator.world.world import World

from .test_bank import definition, with_player
from .test_items import balanced, put, replayed


def keeper_of(world: World, room: str = "hall", kind: str = "vault_keeper") -> int:
    (keeper,) = [t for t in world.room_objects(room) if t.kind == kind]
    return keeper.object_id


def carry(world: World, player: int, kind: str, number: int | None = None) -> int:
    item = put(world, kind, number)
    world.pick_up(player, item.object_id, None, 1.0)
    held = [i for i in world.carried(player) if i.kind == kind]
    return held[-1].object_id


def vault_said(events: list[ev.WorldEvent]) -> list[tuple[str, int | None, str]]:
    return [(e.what, e.number, e.kind) for e in events if isinstance(e, ev.VaultKeeperSaid)]


def money(world: World, player: int) -> int:
    return sum(i.units for i in world.carried(player) if i.kind == "shillings")


def test_storing_items_pays_the_fee_in_one_operation() -> None:
    world, player = with_player(100)
    keeper = keeper_of(world)
    stick = carry(world, player, "stick")  # bulk 10
    eyes = carry(world, player, "eyes", 20)  # bulk 3 each
    world.items.pending.clear()
    events = world.vault_deposit(player, keeper, [(stick, None), (eyes, 5)])
    fee = 10 + 5 * 3  # a shilling a unit of bulk at vault 1
    assert vault_said(events) == [(VaultSay.THANKS_FOR.value, fee, "")]
    assert ev.CarriedLost(player, stick) in events and ev.CarriedChanged(player, eyes) in events
    assert money(world, player) == 100 - fee
    box = world.items.box(1, 1)
    assert [(i.kind, i.number, i.vault, i.carrier) for i in box] == [("stick", None, 1, 1), ("eyes", 5, 1, 1)]
    assert world.object(stick) is None and stick not in world.items.by_id  # out of the world
    (operation,) = world.items.pending
    assert [(e.kind, e.destroyed, e.reason) for e in operation.ledger] == [("shillings", fee, "vault fee")]
    assert dict(operation.rows)[stick] == row_of(box[0]) and row_of(box[0]).vault == 1
    assert balanced(world) and world.items.existing_units() == {"shillings": 100 - fee, "stick": 1, "eyes": 20}
    # more eyes join the stored ones
    world.vault_deposit(player, keeper, [(eyes, 5)])
    assert [(i.kind, i.number) for i in world.items.box(1, 1)] == [("stick", None), ("eyes", 10)]
    assert balanced(world)


def test_what_a_vault_refuses_changes_nothing() -> None:
    world, player = with_player(5)
    keeper = keeper_of(world)
    (coins,) = world.carried(player)
    stick = carry(world, player, "stick")
    world.items.pending.clear()
    # money has no bulk: a vault does not keep it
    assert vault_said(world.vault_deposit(player, keeper, [(coins.object_id, 5)])) == [(VaultSay.NO_GOLD.value, None, "shillings")]
    # the fee is 10, she has 5
    assert vault_said(world.vault_deposit(player, keeper, [(stick, None)])) == [(VaultSay.NO_DEPOSIT_CASH.value, 10, "")]
    # not carried, or twice: nothing at all
    assert world.vault_deposit(player, keeper, [(0x0FFF_0000, None)]) == []
    assert world.vault_deposit(player, keeper, [(stick, None), (stick, None)]) == []
    # not a vault keeper (she is told), or not in her room (nothing)
    assert world.vault_deposit(player, keeper_of(world, kind="banker"), [(stick, None)]) == [
        ev.BankUnanswered(player, "deposit_items")]
    assert world.vault_deposit(player, keeper_of(world, "yard", "banker"), [(stick, None)]) == []
    assert world.items.pending == [] and world.items.box(1, 1) == [] and money(world, player) == 5
    # nothing stored: nothing to list, nothing to take back
    assert world.withdrawal_list(player, keeper, []) is None
    assert vault_said(world.vault_withdraw(player, keeper, [(stick, None)])) == [(VaultSay.NO_ACCOUNT.value, None, "")]


def test_a_full_vault() -> None:
    world, player = with_player(20000)
    keeper = keeper_of(world)
    for round in range(6):  # 700 eyes: 2100 bulk; the vault holds 12000
        eyes = carry(world, player, "eyes", 700)
        said = vault_said(world.vault_deposit(player, keeper, [(eyes, None)]))
        assert said == ([(VaultSay.THANKS_FOR.value, 2100, "")] if round < 5 else [(VaultSay.FULL.value, None, "")])
    assert world.items.stored_bulk(1, 1) == 10500 and balanced(world)


def test_taking_items_back() -> None:
    world, player = with_player(100)
    keeper = keeper_of(world)
    stick = carry(world, player, "stick")
    eyes = carry(world, player, "eyes", 20)
    world.vault_deposit(player, keeper, [(stick, None), (eyes, 8)])
    stored_eyes = world.items.box(1, 1)[1].object_id
    listed = world.withdrawal_list(player, keeper, [])
    assert listed is not None and [i.object_id for i in listed.stored] == [stick, stored_eyes] and listed.fee == 0
    world.items.pending.clear()
    events = world.vault_withdraw(player, keeper, [(stick, None), (stored_eyes, 3)])
    assert vault_said(events) == [(VaultSay.RETURNED.value, None, "")]
    assert ev.CarriedGained(player, stick) in events and ev.CarriedChanged(player, eyes) in events
    assert sorted((i.kind, i.number) for i in world.carried(player)) == [("eyes", 15), ("shillings", 100 - 34), ("stick", None)]
    assert [(i.kind, i.number) for i in world.items.box(1, 1)] == [("eyes", 5)]
    (operation,) = world.items.pending
    assert operation.ledger == () and balanced(world)
    # more than stored; an id not in the box: refused, nothing moves
    assert vault_said(world.vault_withdraw(player, keeper, [(stored_eyes, 6)])) == [(VaultSay.NOT_ENOUGH.value, None, "eyes")]
    assert vault_said(world.vault_withdraw(player, keeper, [(stick, None)])) == [(VaultSay.DONT_HAVE.value, None, "")]
    # the rest: the box is gone
    world.vault_withdraw(player, keeper, [(stored_eyes, None)])
    assert world.items.box(1, 1) == [] and world.withdrawal_list(player, keeper, []) is None
    assert [i.number for i in world.carried(player) if i.kind == "eyes"] == [20] and balanced(world)


def test_no_room_to_carry_what_is_taken_back() -> None:
    world, player = with_player(3000)
    keeper = keeper_of(world)
    eyes = carry(world, player, "eyes", 700)
    world.vault_deposit(player, keeper, [(eyes, None)])
    carry(world, player, "eyes", 700)  # 2100 of the 2200 bulk she can carry
    (stored,) = world.items.box(1, 1)
    assert vault_said(world.vault_withdraw(player, keeper, [(stored.object_id, 100)])) == [(VaultSay.NO_ROOM.value, None, "")]
    assert vault_said(world.vault_withdraw(player, keeper, [(stored.object_id, 30)])) == [(VaultSay.RETURNED.value, None, "")]
    assert balanced(world)


def test_a_dearer_vault_charges_to_take_back() -> None:
    """Vault 2 (Kocatan's): two shillings a unit of bulk to store, one an item to take back."""
    base = definition()
    kinds = dict(base.kinds)
    kinds["dear_keeper"] = ObjectKind("dear_keeper", "Dear keeper", "vault.bgf", "", 0, shop=ShopInfo(vault=2))
    world = World(attrs.evolve(base, kinds=kinds, objects=(PlacedObject("yard-9", "dear_keeper", Placement("yard", 4, 4)),)), seed=1)
    player, _ = world.add_player(1, "P1", Placement("yard", 5, 5))
    keeper = keeper_of(world, "yard", "dear_keeper")
    coins = put(world, "shillings", 20, square=(5, 5), room="yard")
    world.pick_up(player, coins.object_id, None, 1.0)
    stick = put(world, "stick", square=(5, 5), room="yard")
    world.pick_up(player, stick.object_id, None, 1.0)
    assert vault_said(world.vault_deposit(player, keeper, [(stick.object_id, None)])) == [(VaultSay.THANKS_FOR.value, 20, "")]
    assert world.carried(player) == []
    listed = world.withdrawal_list(player, keeper, [])
    assert listed is not None and listed.fee == 1
    assert vault_said(world.vault_withdraw(player, keeper, [(stick.object_id, None)])) == [
        (VaultSay.NO_WITHDRAW_CASH.value, None, "")]
    coin = put(world, "shillings", 1, square=(5, 5), room="yard")
    world.pick_up(player, coin.object_id, None, 1.0)
    assert vault_said(world.vault_withdraw(player, keeper, [(stick.object_id, None)])) == [(VaultSay.THANKS_FOR.value, 1, "")]
    assert [i.kind for i in world.carried(player)] == ["stick"] and balanced(world)


def test_stored_items_are_kept_over_a_restart_and_go_with_their_owner() -> None:
    world, player = with_player(100)
    keeper = keeper_of(world)
    stick = carry(world, player, "stick")
    world.vault_deposit(player, keeper, [(stick, None)])
    rows = list(replayed(world.items).values())
    assert {r.id: r.vault for r in rows}[stick] == 1
    again = World(definition(), seed=1)
    again.load_items(rows, world.items.ledger.totals, characters={1})
    assert [i.object_id for i in again.items.box(1, 1)] == [stick] and again.items.pending == [] and balanced(again)
    assert again.object(stick) is None
    gone = World(definition(), seed=1)
    gone.load_items(rows, world.items.ledger.totals, characters={2})
    assert gone.items.box(1, 1) == [] and balanced(gone)
    again.character_deleted(1)
    assert again.items.box(1, 1) == [] and again.items.existing_units() == {} and balanced(again)


def test_money_handed_to_a_banker_is_deposited_and_items_are_refused() -> None:
    world, player = with_player(60)
    banker = keeper_of(world, kind="banker")
    (coins,) = world.carried(player)
    stick = carry(world, player, "stick")
    events = world.vault_deposit(player, banker, [(coins.object_id, 25)])
    assert [(e.what, e.number) for e in events if isinstance(e, ev.BankerSaid)] == [("deposited", 25)]
    assert world.items.balance_of(1, 1) == 25 and money(world, player) == 35
    assert world.vault_deposit(player, banker, [(stick, None)]) == [ev.BankUnanswered(player, "deposit_items")]
    assert world.vault_deposit(player, banker, [(coins.object_id, None), (stick, None)]) == [
        ev.BankUnanswered(player, "deposit_items")]
    assert world.vault_deposit(player, player, [(stick, None)]) == []  # to a player: nothing
    assert balanced(world) and world.items.box(1, 1) == []
