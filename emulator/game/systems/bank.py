"""Banks: the stock client's "deposit N", "withdraw N" and "balance" commands, sent as the
user commands UC_DEPOSIT, UC_WITHDRAW and UC_BALANCE (BP_USERCOMMAND). They name no
banker: the world finds the one in the player's room (``emulator/world/banking.py``); the
money moved reaches the client as inventory changes, the banker's answer as its words.
"""

from __future__ import annotations

from emulator.game.context import GameContext
from emulator.game.render import render
from emulator.game.requests import Fields, System
from emulator.game.session import Avatar, GameSession
from emulator.world.banking import BankCommand
from protocol_specs.opcodes import UC

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


SYSTEM = System("bank", user_commands={UC.UC_DEPOSIT: deposit, UC.UC_WITHDRAW: withdraw, UC.UC_BALANCE: balance})
