"""What a player carries: the inventory, picking up, dropping, using (wielding, wearing,
eating, drinking) and ordering items, and working objects in the room (BP_REQ_ACTIVATE).

The world checks everything (``emulator/world/items.py``); a request about an item that
is not where the player could reach it is refused there and told. Object references
arrive with the number items' tag in their top nibble and, then, an amount: the id is
the low 28 bits, the amount the number asked for.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from emulator.game import room_view
from emulator.game.context import GameContext
from emulator.game.render import render
from emulator.game.requests import Fields, System
from emulator.game.session import Avatar, GameSession
from emulator.world.events import WorldEvent

ID_MASK = 0x0FFF_FFFF
MAX_DROPPED_AT_ONCE = 100  # items in one BP_REQ_DROP list; the rest of a longer list is ignored


def _reference(ref: Mapping[str, Any]) -> tuple[int, int | None]:
    """(object id, amount or None) of an object reference."""
    amount = ref.get("amount")
    return int(ref["id"]) & ID_MASK, None if amount is None else int(amount)


def inventory(ctx: GameContext, session: GameSession, avatar: Avatar, fields: Fields) -> None:
    objects = [room_view.inventory_object(ctx, item) for item in ctx.world.carried(avatar.player_id)]
    session.send("BP_INVENTORY", objects=objects)
    session.send("BP_USE_LIST", ids=ctx.world.used_items(avatar.player_id))


def get(ctx: GameContext, session: GameSession, avatar: Avatar, fields: Fields) -> None:
    item_id, amount = _reference(fields["object"])
    render(ctx, ctx.world.pick_up(avatar.player_id, item_id, amount, ctx.now()))


def drop(ctx: GameContext, session: GameSession, avatar: Avatar, fields: Fields) -> None:
    references = [fields["object"]] if fields.get("form") == "single" else list(fields.get("objects", ()))
    events: list[WorldEvent] = []
    for ref in references[:MAX_DROPPED_AT_ONCE]:
        item_id, amount = _reference(ref)
        events += ctx.world.drop(avatar.player_id, item_id, amount, ctx.now())
    render(ctx, events)


def use(ctx: GameContext, session: GameSession, avatar: Avatar, fields: Fields) -> None:
    item_id, _ = _reference(fields["object"])
    render(ctx, ctx.world.use_item(avatar.player_id, item_id))


def unuse(ctx: GameContext, session: GameSession, avatar: Avatar, fields: Fields) -> None:
    item_id, _ = _reference(fields["object"])
    render(ctx, ctx.world.unuse_item(avatar.player_id, item_id))


def apply(ctx: GameContext, session: GameSession, avatar: Avatar, fields: Fields) -> None:
    """Use an item on a target the client picked (an applyable item: the stock client asks
    for the target after a double click)."""
    item_id, _ = _reference(fields["item"])
    target_id, _ = _reference(fields["target"])
    render(ctx, ctx.world.apply_item(avatar.player_id, item_id, target_id))


def activate(ctx: GameContext, session: GameSession, avatar: Avatar, fields: Fields) -> None:
    object_id, _ = _reference(fields["object"])
    render(ctx, ctx.world.activate(avatar.player_id, object_id))


def inventory_move(ctx: GameContext, session: GameSession, avatar: Avatar, fields: Fields) -> None:
    """No reply: the client moved the item in its own list already."""
    if fields.get("form") == "indices":
        ctx.world.reorder_inventory_by_index(avatar.player_id, int(fields["from_index"]), int(fields["to_index"]))
    else:
        item_id, _ = _reference(fields["item"])
        before_id, _ = _reference(fields["place_of"])
        ctx.world.reorder_inventory(avatar.player_id, item_id, before_id)


SYSTEM = System("inventory", in_world={
    "BP_REQ_INVENTORY": inventory,
    "BP_REQ_GET": get,
    "BP_REQ_DROP": drop,
    "BP_REQ_INVENTORY_MOVE": inventory_move,
    "BP_REQ_USE": use,
    "BP_REQ_UNUSE": unuse,
    "BP_REQ_APPLY": apply,
    "BP_REQ_ACTIVATE": activate,
})
