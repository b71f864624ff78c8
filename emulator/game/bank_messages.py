"""What a banker tells a player (``BankerSaid``), and what a player is told where no
banker takes a money command (``BankUnanswered``).

As the original, a banker tells the one player (monster.kod SayToOne: a message naming
the banker with its article, then its words), never the room. In an imported world the
words are the original's by resource id (messages.toml ``bank_*``, optional), the number
filled in by the client; in a hand-made world, and for a purpose messages.toml lacks, the
server's own sentences.
"""

from __future__ import annotations

from emulator.game import item_messages, views
from emulator.game.context import GameContext
from emulator.rules.bank import BankSay
from emulator.world.banking import BankCommand
from emulator.world.events import BankerSaid, BankUnanswered

_OWN = {
    BankSay.BALANCE: "Your account holds {n} shillings.",
    BankSay.DEPOSITED: "Deposited. Your account now holds {n} shillings.",
    BankSay.NOT_ENOUGH_TO_DEPOSIT: "You only carry {n} shillings.",
    BankSay.NO_ACCOUNT: "Your account here is empty.",
    BankSay.NOT_ENOUGH_TO_WITHDRAW: "Your account only holds {n} shillings.",
    BankSay.PURSE_FULL: "You can carry no more than {n} shillings; take those.",
    BankSay.PURSE_ALL_FULL: "Your purse is full.",
    BankSay.WITHDREW: "{n} shillings, counted out for you.",
}

_OWN_UNANSWERED = {
    BankCommand.DEPOSIT: "There is nobody here to deposit money with.",
    BankCommand.WITHDRAW: "There is nobody here to withdraw money from.",
    BankCommand.BALANCE: "There is nobody here to tell you a balance.",
}


def banker_said(ctx: GameContext, event: BankerSaid) -> None:
    session = ctx.in_world.get(event.player_id)
    banker = ctx.world.object(event.banker_id)
    if session is None or banker is None:
        return
    what = BankSay(event.what)
    kind = ctx.definition.kinds[banker.kind or ""]
    messages = ctx.definition.messages
    purpose = f"bank_{what.value}"
    if messages is not None and purpose in messages.texts and "bank_told" in messages.texts:
        article = messages.id(f"cap_article_{messages.kind(banker.kind or '').article}")
        params: list[int] = [article, item_messages.name_id(ctx, kind, plural=False), messages.id(purpose)]
        if event.number is not None:
            params.append(event.number)
        session.send("BP_MESSAGE", format=messages.id("bank_told"), params=params)
        return
    text = _OWN[what].format(n=event.number)
    session.send("BP_MESSAGE", **views.text_message(ctx.resources, f"{kind.name} tells you, \"{text}\""))


def bank_unanswered(ctx: GameContext, event: BankUnanswered) -> None:
    session = ctx.in_world.get(event.player_id)
    if session is None:
        return
    command = BankCommand(event.command)
    messages = ctx.definition.messages
    purpose = f"bank_cant_{command.value}"
    if messages is not None and purpose in messages.texts:
        session.send("BP_MESSAGE", format=messages.id(purpose), params=[])
        return
    session.send("BP_MESSAGE", **views.text_message(ctx.resources, _OWN_UNANSWERED[command]))
