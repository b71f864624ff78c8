"""Banks and vaults. The stock client's "deposit N", "withdraw N" and "balance" commands,
sent as the user commands UC_DEPOSIT, UC_WITHDRAW and UC_BALANCE (BP_USERCOMMAND), name no
banker: the world finds the one in the player's room (``emulator/world/banking.py``).
Its "deposit" and "withdraw" without a number name a vault keeper: BP_REQ_DEPOSIT stores
items, BP_REQ_WITHDRAWAL asks what is stored (answered with BP_WITHDRAWAL_LIST, each
item at its fee), BP_REQ_WITHDRAWAL_ITEMS takes items back (``emulator/world/vaults.py``).
What moves reaches the client as inventory changes, the keeper's answer as its words.
"""

from __future__ import annotations

from emulator.game import room_view, views
from emulator.game.context import GameContext
from emulator.game.render import render
from emulator.game.requests import Fields, System
from emulator.game.session import Avatar, GameSession
from emulator.game.systems.inventory import _reference
from emulator.world.banking import BankCommand
from emulator.world.events import WorldEvent
from protocol_specs.opcodes import UC

MAX_LINES = 100  # lines of one deposit or withdrawal; the rest of a longer list is ignored

INT_BITS = 28  # the original's integers: what blakserv makes of a 4-byte request field


def amount_of(fields: Fields) -> int:
    """The amount of a UC_DEPOSIT or UC_WITHDRAW, as the original's 28-bit signed integer
    (the client sends the number typed, above 0)."""
    value = int(fields["args"]["amount"]["id"]) & ((1 << INT_BITS) - 1)
    return value - (1 << INT_BITS) if value >= 1 << (INT_BITS - 1) else value


def deposit(ctx: GameContext, session: GameSession, avatar: Avatar, fields: Fields) -> None:
    render(ctx, ctx.world.bank(avatar.player_id, BankCommand.DEPOSIT, amount_of(fields)))


def withdraw(ctx: GameContext, session: GameSession, avatar: Avatar, fields: Fields) -> None:
    render(ctx, ctx.world.bank(avatar.player_id, BankCommand.WITHDRAW, amount_of(fields)))


def balance(ctx: GameContext, session: GameSession, avatar: Avatar, fields: Fields) -> None:
    render(ctx, ctx.world.bank(avatar.player_id, BankCommand.BALANCE))


def _lines(fields: Fields) -> list[tuple[int, int | None]] | None:
    """The (item id, number) lines of a vault request; None when a number is below one
    (user.kod UserDeposit, UserWithdrawalItems: such a request does nothing)."""
    lines = [_reference(ref) for ref in list(fields.get("objects", ()))[:MAX_LINES]]
    return None if any(number is not None and number < 1 for _, number in lines) else lines


def store_items(ctx: GameContext, session: GameSession, avatar: Avatar, fields: Fields) -> None:
    keeper_id, _ = _reference(fields["keeper"])
    lines = _lines(fields)
    if lines:
        render(ctx, ctx.world.vault_deposit(avatar.player_id, keeper_id, lines))


def withdrawal_list(ctx: GameContext, session: GameSession, avatar: Avatar, fields: Fields) -> None:
    keeper_id, _ = _reference(fields["keeper"])
    events: list[WorldEvent] = []
    listed = ctx.world.withdrawal_list(avatar.player_id, keeper_id, events)
    render(ctx, events)
    if listed is None:
        return
    icon, name, flags = room_view.appearance(ctx, listed.keeper)
    offers = [{"object": room_view.inventory_object(ctx, item), "price": listed.fee} for item in listed.stored]
    session.send("BP_WITHDRAWAL_LIST", seller=views.object_block(listed.keeper.object_id, icon, name, flags), offers=offers)


def take_items(ctx: GameContext, session: GameSession, avatar: Avatar, fields: Fields) -> None:
    keeper_id, _ = _reference(fields["keeper"])
    lines = _lines(fields)
    if lines:
        render(ctx, ctx.world.vault_withdraw(avatar.player_id, keeper_id, lines))


SYSTEM = System(
    "bank",
    in_world={"BP_REQ_DEPOSIT": store_items, "BP_REQ_WITHDRAWAL": withdrawal_list, "BP_REQ_WITHDRAWAL_ITEMS": take_items},
    user_commands={UC.UC_DEPOSIT: deposit, UC.UC_WITHDRAW: withdraw, UC.UC_BALANCE: balance},
)
