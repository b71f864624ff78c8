"""Banking in the world: deposits, withdrawals and balances with the bankers of the
player's room (monster.kod BankDeposit, BankWithdraw, BankBalance, SomeoneTryUserCommand,
IsCustomerOkay), each money move ONE item operation that makes and destroys nothing, the
ledger counting balances as existing; and random sequences keeping it so."""

from __future__ import annotations

import attrs
from hypothesis import given, settings, strategies as st

from emulator.content.model import ItemInfo, MonsterInfo, ObjectKind, Placement, PlacedObject, ShopInfo, WorldDefinition
from emulator.rules.bank import BankSay
from emulator.world import events as ev
from emulator.world.banking import BankCommand
from emulator.world.items import BalanceRow, Operation, row_of
from emulator.world.world import World

from .test_items import balanced, definition as item_definition, put, replayed

DEPOSIT, WITHDRAW, BALANCE = BankCommand.DEPOSIT, BankCommand.WITHDRAW, BankCommand.BALANCE


def definition(money_weight: int = 0, lawful: bool = False, vault_first: bool = False) -> WorldDefinition:
    """The items' test world with a banker of bank 1 in the hall, another of bank 1 and
    one of bank 2 in the yard, and a vault keeper in the hall (placed before the banker,
    or after it with ``vault_first``: the newest is asked first)."""
    base = item_definition()
    kinds = dict(base.kinds)
    money = kinds["shillings"]
    assert money.item is not None
    kinds["shillings"] = attrs.evolve(money, item=attrs.evolve(
        money.item, values=(("item_type", 0x2000), ("weight", money_weight), ("bulk", money_weight))))
    flags = ("banker", "lawful") if lawful else ("banker",)
    kinds["banker"] = ObjectKind("banker", "Banker", "banker.bgf", "", 0, monster=MonsterInfo(npc_flags=flags),
                                 shop=ShopInfo(bank=1))
    kinds["other_banker"] = ObjectKind("other_banker", "Other banker", "banker.bgf", "", 0, shop=ShopInfo(bank=2))
    kinds["vault_keeper"] = ObjectKind("vault_keeper", "Vault keeper", "vault.bgf", "", 0, shop=ShopInfo(vault=1))
    objects = (
        PlacedObject("hall-1" if not vault_first else "hall-2", "vault_keeper", Placement("hall", 2, 2)),
        PlacedObject("hall-2" if not vault_first else "hall-1", "banker", Placement("hall", 3, 3)),
        PlacedObject("yard-1", "banker", Placement("yard", 2, 2)),
        PlacedObject("yard-2", "other_banker", Placement("yard", 3, 3)),
    )
    return attrs.evolve(base, kinds=kinds, objects=objects)


def with_player(money: int = 0, **options: object) -> tuple[World, int]:
    world = World(definition(**options), seed=1)  # type: ignore[arg-type]
    player, _ = world.add_player(1, "P1")
    world.player(player).stats.might = 25
    if money:
        coins = put(world, "shillings", money)
        world.pick_up(player, coins.object_id, None, 1.0)
    world.items.pending.clear()
    return world, player


def said(events: list[ev.WorldEvent]) -> list[tuple[str, int | None]]:
    return [(e.what, e.number) for e in events if isinstance(e, ev.BankerSaid)]


def purse(world: World, player: int) -> int:
    return sum(item.units for item in world.carried(player) if item.kind == "shillings")


def test_a_deposit_moves_money_into_the_balance_in_one_operation_that_makes_nothing() -> None:
    world, player = with_player(100)
    (pile,) = world.carried(player)
    events = world.bank(player, DEPOSIT, 30)
    assert said(events) == [(BankSay.DEPOSITED.value, 30)]
    assert ev.CarriedChanged(player, pile.object_id) in events
    assert purse(world, player) == 70 and world.items.balance_of(1, 1) == 30
    (operation,) = world.items.pending
    assert operation.ledger == ()  # moved, neither made nor destroyed
    assert operation.rows == ((pile.object_id, row_of(pile)),)
    assert operation.balances == (((1, 1), BalanceRow(1, 1, "shillings", 30)),)
    assert balanced(world) and world.items.existing_units() == {"shillings": 100}
    # all of it: the pile goes, the balance grows
    events = world.bank(player, DEPOSIT, 70)
    assert said(events) == [(BankSay.DEPOSITED.value, 100)] and ev.CarriedLost(player, pile.object_id) in events
    assert world.carried(player) == [] and world.items.balance_of(1, 1) == 100 and balanced(world)
    assert world.bank(player, BALANCE) == [ev.BankerSaid(player, world.room_objects("hall")[1].object_id,
                                                         BankSay.BALANCE.value, 100)]


def test_a_withdrawal_makes_a_pile_or_joins_the_one_carried() -> None:
    world, player = with_player(100)
    world.bank(player, DEPOSIT, 100)
    events = world.bank(player, WITHDRAW, 40)
    (gained,) = [e for e in events if isinstance(e, ev.CarriedGained)]
    assert said(events) == [(BankSay.WITHDREW.value, 40)] and purse(world, player) == 40
    events = world.bank(player, WITHDRAW, 60)
    assert ev.CarriedChanged(player, gained.item_id) in events and purse(world, player) == 100
    assert world.items.balance_of(1, 1) == 0 and world.items.balances == {}  # an emptied account is none
    assert world.items.pending[-1].balances == (((1, 1), None),)
    assert balanced(world)


def test_refusals_change_nothing() -> None:
    world, player = with_player(50)
    banker = world.room_objects("hall")[1].object_id
    assert world.bank(player, WITHDRAW, 10) == [ev.BankerSaid(player, banker, BankSay.NO_ACCOUNT.value)]
    assert said(world.bank(player, DEPOSIT, 60)) == [(BankSay.NOT_ENOUGH_TO_DEPOSIT.value, 50)]
    assert world.bank(player, DEPOSIT, 0) == [] and world.bank(player, DEPOSIT, -5) == []
    world.bank(player, DEPOSIT, 20)
    world.items.pending.clear()
    assert said(world.bank(player, WITHDRAW, 21)) == [(BankSay.NOT_ENOUGH_TO_WITHDRAW.value, 20)]
    assert world.bank(player, WITHDRAW, -1) == []
    assert world.items.pending == [] and purse(world, player) == 30 and world.items.balance_of(1, 1) == 20
    # nothing carried at all
    empty, other = with_player(0)
    assert said(empty.bank(other, DEPOSIT, 1)) == [(BankSay.NOT_ENOUGH_TO_DEPOSIT.value, 0)]


def move_to(world: World, player: int, room: str) -> None:
    """Put a player in another room (no exits in this world)."""
    me = world.player(player)
    world._rooms[me.room].players.pop(player)  # type: ignore[attr-defined]
    me.room = room
    world._rooms[room].players[player] = me  # type: ignore[attr-defined]


def test_no_banker_in_the_room_and_a_vault_keeper_that_takes_the_command() -> None:
    # in a world with the vault keeper newest in the hall, it takes the money commands silently
    vaulted, someone = with_player(50, vault_first=True)
    assert vaulted.bank(someone, DEPOSIT, 10) == [] and vaulted.bank(someone, BALANCE) == []
    assert purse(vaulted, someone) == 50
    # a room without either
    bare = World(item_definition(), seed=1)
    alone, _ = bare.add_player(1, "P1")
    assert bare.bank(alone, WITHDRAW, 5) == [ev.BankUnanswered(alone, "withdraw")]


def test_banks_keep_separate_accounts_and_bankers_of_one_bank_share_them() -> None:
    world, player = with_player(90)
    world.bank(player, DEPOSIT, 90)
    hall_balance = world.items.balance_of(1, 1)
    move_to(world, player, "yard")
    # yard-2 (bank 2) is the newest there: no account at that bank
    assert said(world.bank(player, WITHDRAW, 5)) == [(BankSay.NO_ACCOUNT.value, None)]
    assert hall_balance == 90 and world.items.balance_of(2, 1) == 0


def test_a_lawful_banker_refuses_a_murderer_before_others() -> None:
    world, player = with_player(50, lawful=True)
    world.player(player).murderer = True
    world.add_player(2, "P2")
    events = world.bank(player, DEPOSIT, 10)
    # refused, the next is asked: the vault keeper beside him takes it, and does nothing
    assert [type(e) for e in events] == [ev.KeeperSaid]
    assert events[0].reason == "refused_service" and purse(world, player) == 50  # type: ignore[union-attr]
    world.remove_player(world.player_by_character(2).object_id, 1.0)  # type: ignore[union-attr]
    events = world.bank(player, DEPOSIT, 10)  # alone with him: a whisper, then served
    assert events[0].reason == "illicit_service" and said(events) == [(BankSay.DEPOSITED.value, 10)]  # type: ignore[union-attr]


def test_what_a_player_can_carry_limits_a_withdrawal() -> None:
    world, player = with_player(0, money_weight=1)  # a shilling weighs 1 and takes 1 of bulk
    coins = put(world, "shillings", 500)
    world.pick_up(player, coins.object_id, None, 1.0)
    world.bank(player, DEPOSIT, 500)
    anvil = put(world, "anvil")  # 2000 of the 2200 a might of 25 carries
    world.pick_up(player, anvil.object_id, None, 1.0)
    events = world.bank(player, WITHDRAW, 300)
    assert said(events) == [(BankSay.PURSE_FULL.value, 200), (BankSay.WITHDREW.value, 200)]
    assert purse(world, player) == 200 and world.items.balance_of(1, 1) == 300
    assert said(world.bank(player, WITHDRAW, 1)) == [(BankSay.PURSE_ALL_FULL.value, None)]
    assert world.items.balance_of(1, 1) == 300 and balanced(world)


def test_a_deleted_characters_balances_are_destroyed_and_recorded() -> None:
    world, player = with_player(80)
    world.bank(player, DEPOSIT, 30)
    rows = [row_of(item) for item in world.items]
    balances = list(world.items.balances.values())
    totals = dict(world.items.ledger.totals)
    again = World(definition(), seed=1)
    again.load_items(rows, totals, characters={1}, balances=balances)
    assert again.items.balance_of(1, 1) == 30 and balanced(again) and again.items.pending == []
    gone = World(definition(), seed=1)
    gone.load_items(rows, totals, characters={2}, balances=balances)
    assert gone.items.balances == {} and gone.items.by_id == {} and balanced(gone)
    assert {entry.reason for op in gone.items.pending for entry in op.ledger} == {"owner gone"}
    # deleted while the world runs: carried and kept, one operation
    again.character_deleted(1)
    (operation,) = again.items.pending
    assert operation.balances == (((1, 1), None),) and again.items.balances == {} and balanced(again)


def money_of(world: World, player: int) -> int:
    return sum(item.units for item in world.carried(player) if item.kind == "shillings")


def replayed_balances(operations: list[Operation]) -> dict[tuple[int, int], BalanceRow]:
    kept: dict[tuple[int, int], BalanceRow] = {}
    for operation in operations:
        for key, balance in operation.balances:
            if balance is None:
                kept.pop(key, None)
            else:
                kept[key] = balance
    return kept


STEPS = st.lists(
    st.tuples(st.sampled_from(["deposit", "withdraw", "balance", "earn", "earn", "find", "get", "drop", "destroy", "move",
                               "store", "take"]),
              st.integers(-5, 120), st.integers(0, 1)),
    min_size=10, max_size=60,
)


@settings(max_examples=150, deadline=None)
@given(STEPS)
def test_random_banking_keeps_the_ledger_and_the_money(steps: list[tuple[str, int, int]]) -> None:
    """Deposits, withdrawals, items stored in a vault and taken back, pick-ups, drops, new
    piles and tidied ones in any order, by two players: every operation keeps the ledger
    balanced, the store's replayed rows and balances are the world's (the stored items
    included), and a bank operation never changes what there is."""
    world = World(definition(money_weight=1), seed=1)
    players = [world.add_player(character, f"P{character}")[0] for character in (1, 2)]
    for player in players:
        world.player(player).stats.might = 0  # 1700: a full purse is reachable
    for what, number, who in steps:
        player = players[who]
        me = world.player(player)
        before = world.items.existing_units()
        if what in ("deposit", "withdraw", "balance"):
            # mostly amounts that can be served, now and then a few too many
            banked = world.items.balance_of(1 if me.room == "hall" else 2, me.character_id)
            most = money_of(world, player) if what == "deposit" else banked
            world.bank(player, BankCommand(what), number if number <= 0 else min(number, most + 3))
            assert world.items.existing_units() == before
        elif what in ("earn", "find"):  # something made on the player's square, picked up (what fits)
            if what == "earn":
                made = put(world, "shillings", max(1, number * 10), room=me.room)
            else:
                made = put(world, "stick" if number % 2 else "eyes", None if number % 2 else max(1, number), room=me.room)
            world.pick_up(player, made.object_id, None, 1.0)
        elif what in ("store", "take"):  # with the hall's vault keeper, whatever the room
            keeper = next(t.object_id for t in world.room_objects("hall") if t.kind == "vault_keeper")
            if me.room == "hall":
                source = world.carried(player) if what == "store" else world.items.box(1, me.character_id)
                if source:
                    item = source[number % len(source)]
                    line = (item.object_id, None if item.number is None or number <= 0 else number)
                    (world.vault_deposit if what == "store" else world.vault_withdraw)(player, keeper, [line])
        elif what == "get":
            ground = world.items.on_ground(me.room)
            if ground:
                world.pick_up(player, ground[0].object_id, number if number > 0 else None, 1.0)
        elif what == "drop":
            held = world.carried(player)
            if held:
                world.drop(player, held[0].object_id, number if number > 0 else None, 1.0)
        elif what == "destroy":
            ground = world.items.on_ground(me.room)
            if ground:
                world.items.destroy(ground[0].object_id, "tidied", [])
        else:  # the other room, where bank 2's banker answers
            move_to(world, player, "yard" if me.room == "hall" else "hall")
        assert balanced(world)
        assert all(balance.amount > 0 for balance in world.items.balances.values())
        for someone in players:
            load, _ = world.items.load_of(world.player(someone).character_id)
            assert load <= world.items.capacity(0)
    stored = [item for key in ((1, 1), (1, 2)) for item in world.items.box(*key)]
    assert replayed(world.items) == {item.object_id: row_of(item) for item in [*world.items, *stored]}
    assert replayed_balances(world.items.pending) == world.items.balances
