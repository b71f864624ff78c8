"""What a shop keeper tells a customer (``KeeperSaid``): said by the keeper to that
player alone (the original's SayToOne), in the server's own sentences. The original's
keepers have their own words per keeper class (vrMrcnt_too_costly and the like); an
imported world does not carry them yet.
"""

from __future__ import annotations

from emulator.game import texts
from emulator.game.context import GameContext
from emulator.world.events import KeeperSaid
from emulator.world.shopping import KeeperSpeech

SAY_NORMAL = 1  # texts.SAY's key of plain speech

_OWN = {
    KeeperSpeech.NOTHING_FOR_SALE: "I have nothing to sell you.",
    KeeperSpeech.REFUSED_SERVICE: "I won't deal with a murderer while others are watching.",
    KeeperSpeech.SECRET_SERVICE: "Keep it quiet, and I'll deal with you.",
    KeeperSpeech.TOO_COSTLY: "You can't afford the {name}.",
    KeeperSpeech.NOT_SOLD: "I don't sell that.",
    KeeperSpeech.CANT_CARRY: "You can't carry the {name}; keep your money.",
}


def keeper_said(ctx: GameContext, event: KeeperSaid) -> None:
    session = ctx.in_world.get(event.player_id)
    keeper = ctx.world.object(event.keeper_id)
    if session is None or keeper is None:
        return
    kinds = ctx.definition.kinds
    ware = kinds.get(event.kind)
    text = _OWN[KeeperSpeech(event.reason)].format(name=ware.name if ware is not None else "that")
    keeper_name = ctx.resources.id(kinds[keeper.kind or ""].name)
    session.send(
        "BP_SAID",
        sender=keeper.object_id,
        sender_name=keeper_name,
        say_type=SAY_NORMAL,
        text={"format": ctx.resources.id(texts.SAY[SAY_NORMAL]), "params": [keeper_name, text]},
    )
