"""Trading: a player offers items to another player or to a keeper that buys
(BP_REQ_OFFER), the other player answers (BP_REQ_COUNTEROFFER), the offerer accepts
(BP_ACCEPT_OFFER), either may call it off (BP_CANCEL_OFFER). The world decides everything
(``emulator/world/trading.py``); the windows' lists, their closing and the texts come back
as its events, the items that changed hands as inventory changes for both sides.
"""

from __future__ import annotations

from emulator.game.context import GameContext
from emulator.game.render import render
from emulator.game.requests import Fields, System
from emulator.game.session import Avatar, GameSession
from emulator.game.systems.inventory import _reference

MAX_ITEMS = 100  # items of one offer; the rest of a longer list is ignored


def _items(fields: Fields) -> list[tuple[int, int | None]]:
    return [_reference(ref) for ref in list(fields.get("objects", ()))[:MAX_ITEMS]]


def offer(ctx: GameContext, session: GameSession, avatar: Avatar, fields: Fields) -> None:
    partner_id, _ = _reference(fields["partner"])
    render(ctx, ctx.world.offer(avatar.player_id, partner_id, _items(fields)))


def counter_offer(ctx: GameContext, session: GameSession, avatar: Avatar, fields: Fields) -> None:
    render(ctx, ctx.world.counter_offer(avatar.player_id, _items(fields)))


def accept_offer(ctx: GameContext, session: GameSession, avatar: Avatar, fields: Fields) -> None:
    render(ctx, ctx.world.accept_offer(avatar.player_id))


def cancel_offer(ctx: GameContext, session: GameSession, avatar: Avatar, fields: Fields) -> None:
    render(ctx, ctx.world.cancel_offer(avatar.player_id))


SYSTEM = System("trade", in_world={
    "BP_REQ_OFFER": offer,
    "BP_REQ_COUNTEROFFER": counter_offer,
    "BP_ACCEPT_OFFER": accept_offer,
    "BP_CANCEL_OFFER": cancel_offer,
})
