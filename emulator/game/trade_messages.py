"""What trading shows and tells the players: the trade windows' lists (BP_OFFER,
BP_OFFERED, BP_COUNTEROFFER, BP_COUNTEROFFERED), their closing (BP_OFFER_CANCELED), and
the texts (``TradeTold``).

In an imported world the texts are the original's by resource id (user.kod's user_*offer*
strings, filled with the other side's definite article and name; a keeper's words as
monster.kod SayToOne sends them, "<keeper> tells you" around its own resource); the offer
that arrived goes as a system message, as user.kod Offer sends it. Elsewhere, for a
purpose messages.toml lacks, or about a player whose name has no resource left, the
server's own sentences.
"""

from __future__ import annotations

from typing import Any

from emulator.content.model import CombatMessages
from emulator.game import room_view, views
from emulator.game.context import GameContext
from emulator.game.item_messages import name_id
from emulator.rules.trade import TradeText
from emulator.world.events import TradeCanceled, TradeItem, TradeShown, TradeTold
from emulator.world.items import Item
from emulator.world.trading import KeeperWords

_SHOWN = {
    "offer": "BP_OFFER",
    "offered": "BP_OFFERED",
    "counteroffer": "BP_COUNTEROFFER",
    "counteroffered": "BP_COUNTEROFFERED",
}

#: text -> (purpose in messages.toml, what fills it: "def" the other side's definite
#: article and name, "cap" the same capitalised, "name" its name alone, "number", "" nothing)
_ORIGINAL: dict[str, tuple[str, str]] = {
    TradeText.GOT_OFFER.value: ("trade_got_offer", "def"),
    TradeText.CANT_OFFER.value: ("trade_cant_offer", "def"),
    TradeText.BUSY.value: ("trade_busy", "cap"),
    TradeText.NOT_ONLINE.value: ("trade_not_online", "cap"),
    TradeText.CANCELED.value: ("trade_canceled", "cap"),
    TradeText.NOTHING_TO_CANCEL.value: ("trade_nothing_to_cancel", ""),
    TradeText.NOTHING_TO_COUNTER.value: ("trade_nothing_to_counter", ""),
    TradeText.NOTHING_TO_ACCEPT.value: ("trade_nothing_to_accept", ""),
    TradeText.BAD_NUMBER.value: ("trade_bad_number", "number"),
    TradeText.DONT_HAVE.value: ("trade_dont_have", ""),
    TradeText.DONT_HAVE_NUMBER.value: ("trade_dont_have_number", ""),
    TradeText.DIDNT_HAVE.value: ("trade_didnt_have", "def"),
    TradeText.COULDNT_CARRY.value: ("trade_couldnt_carry", "def"),
    TradeText.CANT_CARRY.value: ("trade_cant_carry", "def"),
    KeeperWords.BUSY.value: ("buyer_busy", "name"),
}
#: What a keeper tells the one player (monster.kod SayToOne): purpose of its words.
_SAID_TO_ONE = {
    TradeText.KEEPER_TIMEOUT.value: "trade_keeper_timeout",
    KeeperWords.UNWANTED.value: "buyer_unwanted",
    KeeperWords.NO_VALUE.value: "buyer_no_value",
}

_OWN = {
    TradeText.GOT_OFFER.value: "{name} offers you a trade.",
    TradeText.CANT_OFFER.value: "You can't offer anything to {name} now.",
    TradeText.BUSY.value: "{name} is busy with another trade.",
    TradeText.NOT_ONLINE.value: "{name} is not online.",
    TradeText.NOT_HERE.value: "{name} is not here to trade with you.",
    TradeText.CANCELED.value: "{name} called off the trade.",
    TradeText.NOTHING_TO_CANCEL.value: "You have no trade to call off.",
    TradeText.NOTHING_TO_COUNTER.value: "You have no offer to answer.",
    TradeText.NOTHING_TO_ACCEPT.value: "You have no offer to accept.",
    TradeText.BAD_NUMBER.value: "You can't trade {number} of that.",
    TradeText.DONT_HAVE.value: "The trade is off: you no longer have everything you offered.",
    TradeText.DONT_HAVE_NUMBER.value: "The trade is off: you no longer have as many as you offered.",
    TradeText.DIDNT_HAVE.value: "The trade is off: {name} no longer has everything offered.",
    TradeText.COULDNT_CARRY.value: "The trade is off: {name} can't carry what you offered.",
    TradeText.CANT_CARRY.value: "The trade is off: you can't carry what {name} offered.",
    TradeText.KEEPER_TIMEOUT.value: "{name} says, \"I can't wait all day. Come back when you have decided.\"",
    KeeperWords.BUSY.value: "{name} is busy with another customer.",
    KeeperWords.UNWANTED.value: "{name} says, \"I don't want that.\"",
    KeeperWords.NO_VALUE.value: "{name} says, \"That isn't worth a single shilling to me.\"",
}


def trade_shown(ctx: GameContext, event: TradeShown) -> None:
    session = ctx.in_world.get(event.player_id)
    if session is None:
        return
    objects = [_item_block(ctx, shown) for shown in event.items]
    if event.what == "offer":
        offerer = ctx.world.object(event.offerer) if event.offerer is not None else None
        if offerer is None:
            return
        icon, name, flags = room_view.appearance(ctx, offerer)
        session.send("BP_OFFER", offerer=views.object_block(offerer.object_id, icon, name, flags), objects=objects)
    else:
        session.send(_SHOWN[event.what], objects=objects)


def trade_canceled(ctx: GameContext, event: TradeCanceled) -> None:
    session = ctx.in_world.get(event.player_id)
    if session is not None:
        session.send("BP_OFFER_CANCELED")


def trade_told(ctx: GameContext, event: TradeTold) -> None:
    session = ctx.in_world.get(event.player_id)
    if session is None:
        return
    messages = ctx.definition.messages
    if messages is not None:
        fields = _original(ctx, messages, event)
        if fields is not None:
            # the offer that arrived is a system message (user.kod Offer: SysMsgSendUser)
            session.send("BP_SYS_MESSAGE" if event.text == TradeText.GOT_OFFER.value else "BP_MESSAGE", **fields)
            return
    text = _OWN[event.text].format(name=event.about_name or "Someone", number=event.number)
    session.send("BP_MESSAGE", **views.text_message(ctx.resources, text))


def _original(ctx: GameContext, messages: CombatMessages, event: TradeTold) -> dict[str, Any] | None:
    """The original's format and parameters, or None where they cannot be given."""
    said = _SAID_TO_ONE.get(event.text)
    if said is not None:
        named = _named(ctx, messages, event, capital=True)
        if named is None or said not in messages.texts or "keeper_tells_you" not in messages.texts:
            return None
        return {"format": messages.id("keeper_tells_you"), "params": [*named, messages.id(said)]}
    original = _ORIGINAL.get(event.text)
    if original is None or original[0] not in messages.texts:
        return None
    purpose, fill = original
    params: list[Any] = []
    if fill in ("def", "cap", "name"):
        named = _named(ctx, messages, event, capital=fill == "cap")
        if named is None:
            return None
        params = named[1:] if fill == "name" else named
    elif fill == "number":
        params = [event.number or 0]
    return {"format": messages.id(purpose), "params": params}


def _named(ctx: GameContext, messages: CombatMessages, event: TradeTold, capital: bool) -> list[int] | None:
    """The other side's definite article and name by resource id: a keeper's kind's, a
    player's (no article, user.kod ARTICLE_NONE) while it is online."""
    prefix = "cap_article_" if capital else "article_"
    if event.about_kind is not None:
        kind = ctx.definition.kinds.get(event.about_kind)
        if kind is None:
            return None
        return [messages.id(f"{prefix}{messages.kind(event.about_kind).article}"), name_id(ctx, kind, plural=False)]
    other = ctx.in_world.get(event.about) if event.about is not None else None
    if other is not None and other.avatar is not None:
        name: int | None = other.avatar.name_resource
    else:  # logging off: its name is still held while the others hear of it
        name = ctx.resources.held_name(event.about_name) if event.about_name else None
    if name is None:
        return None
    return [messages.id(f"{prefix}none"), name]


def _item_block(ctx: GameContext, shown: TradeItem) -> dict[str, Any]:
    """An item on the table as the window lists it, a number item with the number offered."""
    return room_view.inventory_object(ctx, Item(shown.item_id, shown.kind, "", 0, 0, 0, number=shown.number))
