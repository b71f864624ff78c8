"""What a banker tells a player (``BankerSaid``), what a player is told where no
banker takes a money command (``BankUnanswered``), and what a vault keeper tells a player
(``VaultKeeperSaid``, naming the item or the fee where its words do).

As the original, a banker tells the one player (monster.kod SayToOne: a message naming
the banker with its article, then its words), never the room. In an imported world the
words are the original's by resource id (messages.toml ``bank_*``, optional), the number
filled in by the client; in a hand-made world, and for a purpose messages.toml lacks, the
server's own sentences.
"""

from __future__ import annotations

from emulator.game import item_messages, views
from emulator.game.context import GameContext
from emulator.rules.bank import BankSay, VaultSay
from emulator.world.banking import BankCommand
from emulator.world.events import BankerSaid, BankUnanswered, VaultKeeperSaid

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
    BankCommand.DEPOSIT_ITEMS: "Nobody keeps things for you there.",
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


#: say -> what fills the original's words: "def_name" (article and name), "name", "fee" or ""
_VAULT_FILLS = {
    VaultSay.NO_GOLD: "def_name",
    VaultSay.CURSED: "def_name",
    VaultSay.CANT_STORE: "name",
    VaultSay.NO_DEPOSIT_CASH: "fee",
    VaultSay.THANKS_FOR: "fee",
    VaultSay.NOT_ENOUGH: "name",
    VaultSay.DONT_HAVE: "def_name",  # the original's indefinite article: the definite one here
}

_OWN_VAULT = {
    VaultSay.NO_GOLD: "I don't keep {name}; a bank does.",
    VaultSay.CURSED: "You can't let go of the {name}.",
    VaultSay.CANT_STORE: "The {name} is not something I can keep.",
    VaultSay.NO_DEPOSIT_CASH: "Keeping that costs {n} shillings, more than you carry.",
    VaultSay.FULL: "Your box can't take that much; store less at a time.",
    VaultSay.THANKS_FOR: "Done, for {n} shillings.",
    VaultSay.STORED: "It's in your box now.",
    VaultSay.NO_ACCOUNT: "You keep nothing with me.",
    VaultSay.NOT_ENOUGH: "Your box holds fewer {name} than that.",
    VaultSay.DONT_HAVE: "That is not in your box.",
    VaultSay.NO_WITHDRAW_CASH: "You can't pay the fee to take that out.",
    VaultSay.NO_ROOM: "You can't carry all of that; take less at a time.",
    VaultSay.RETURNED: "There you are, all of it.",
}


def vault_keeper_said(ctx: GameContext, event: VaultKeeperSaid) -> None:
    session = ctx.in_world.get(event.player_id)
    keeper = ctx.world.object(event.keeper_id)
    if session is None or keeper is None:
        return
    what = VaultSay(event.what)
    kinds = ctx.definition.kinds
    keeper_kind = kinds[keeper.kind or ""]
    item = kinds.get(event.kind)
    fill = _VAULT_FILLS.get(what, "")
    messages = ctx.definition.messages
    purpose = f"vault_{what.value}"
    usable = fill not in ("def_name", "name") or item is not None
    if messages is not None and purpose in messages.texts and "bank_told" in messages.texts and usable:
        article = messages.id(f"cap_article_{messages.kind(keeper.kind or '').article}")
        params: list[int] = [article, item_messages.name_id(ctx, keeper_kind, plural=False), messages.id(purpose)]
        if fill == "fee" and event.number is not None:
            params.append(event.number)
        elif fill == "def_name" and item is not None:
            params += [messages.id(f"article_{messages.kind(event.kind).article}"), item_messages.name_id(ctx, item, plural=False)]
        elif fill == "name" and item is not None:
            params.append(item_messages.name_id(ctx, item, plural=item.item is not None and item.item.stacks))
        session.send("BP_MESSAGE", format=messages.id("bank_told"), params=params)
        return
    name = "that" if item is None else (item.item.plural if item.item is not None and item.item.stacks and item.item.plural else item.name)
    text = _OWN_VAULT[what].format(n=event.number, name=name)
    session.send("BP_MESSAGE", **views.text_message(ctx.resources, f"{keeper_kind.name} tells you, \"{text}\""))
