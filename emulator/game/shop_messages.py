"""What a shop keeper tells a customer (``KeeperSaid``): said by the keeper aloud, to
every player in its room, as the original's keepers do (monster.kod Buy, GetForSale,
IsCustomerOkay), but for the whisper that it serves a murderer, to that player alone. In an imported world the refusals of a purchase are the original's words by
resource id (monster.kod Buy: ``Lm_mrcnt_too_costly`` naming the item with its article,
``Lm_mrcnt_not_selling``, ``Lm_mrcnt_cant_give``), sent as the original sends a resource
said (SAY_RESOURCE); a keeper class's own words and the service refusals are the server's
own sentences, as is everything in a hand-made world.
"""

from __future__ import annotations

from typing import Any

from emulator.game import item_messages, texts
from emulator.game.context import GameContext
from emulator.world.events import KeeperSaid
from emulator.world.shopping import KeeperSpeech

SAY_NORMAL = 1  # texts.SAY's key of plain speech
SAY_RESOURCE = 5  # a said resource with its parameters (blakston.khd)

#: speech -> (purpose in messages.toml, whether it names the ware)
_ORIGINAL = {
    KeeperSpeech.TOO_COSTLY: ("shop_too_costly", True),
    KeeperSpeech.NOT_SOLD: ("shop_not_selling", False),
    KeeperSpeech.CANT_CARRY: ("shop_cant_give", True),
}

_OWN = {
    KeeperSpeech.NOTHING_FOR_SALE: "I have nothing to sell you.",
    KeeperSpeech.REFUSED_SERVICE: "I won't deal with a murderer while others are watching.",
    KeeperSpeech.ILLICIT_SERVICE: "Keep it quiet, and I'll deal with you.",
    KeeperSpeech.TOO_COSTLY: "You can't afford the {name}.",
    KeeperSpeech.NOT_SOLD: "I don't sell that.",
    KeeperSpeech.CANT_CARRY: "The {name} would weigh you down too much; your money stays with you.",
}


def keeper_said(ctx: GameContext, event: KeeperSaid) -> None:
    keeper = ctx.world.object(event.keeper_id)
    if keeper is None:
        return
    speech = KeeperSpeech(event.reason)
    if speech is KeeperSpeech.ILLICIT_SERVICE:
        audience = [event.player_id]
    else:
        audience = [player.object_id for player in ctx.world.players_in(keeper.room)]
    sessions = [s for s in (ctx.in_world.get(player_id) for player_id in audience) if s is not None]
    if not sessions:
        return
    kinds = ctx.definition.kinds
    keeper_name = ctx.resources.id(kinds[keeper.kind or ""].name)
    messages = ctx.definition.messages
    original = _ORIGINAL.get(speech)
    named: tuple[str, int] | None = None  # the ware's article purpose and name id
    ware_name = "that"
    if event.lesson:  # a spell or skill: named with no article (spell.kod viDefinite)
        taught = (ctx.definition.skills if event.lesson == "skill" else ctx.definition.spells).get(event.kind)
        if taught is not None:
            named, ware_name = ("article_none", ctx.resources.id(taught.name)), taught.name
    else:
        ware = kinds.get(event.kind)
        if ware is not None:
            ware_name = ware.name
            if messages is not None:
                named = (f"article_{messages.kind(event.kind).article}", item_messages.name_id(ctx, ware, plural=False))
    if messages is not None and original is not None and original[0] in messages.texts and (named is not None or not original[1]):
        purpose, names_ware = original
        params: list[Any] = []
        if named is not None and names_ware:
            params = [messages.id(named[0]), named[1]]
        fields = dict(sender=keeper.object_id, sender_name=keeper_name, say_type=SAY_RESOURCE,
                      text={"format": messages.id(purpose), "params": params})
    else:
        text = _OWN[speech].format(name=ware_name)
        fields = dict(sender=keeper.object_id, sender_name=keeper_name, say_type=SAY_NORMAL,
                      text={"format": ctx.resources.id(texts.SAY[SAY_NORMAL]), "params": [keeper_name, text]})
    message = ctx.encode("BP_SAID", **fields)
    for session in sessions:
        session.queue(message)
