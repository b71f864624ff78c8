"""Shop keepers: a player asks one for what it sells (BP_REQ_BUY, answered with
BP_BUY_LIST) and buys from that list (BP_REQ_BUY_ITEMS); a teacher's list holds the
spells and skills the player may learn from it, bought the same way. The world decides everything
(``emulator/world/shopping.py``); the bought items and the money paid reach the client
as inventory changes, refusals as the keeper's words.
"""

from __future__ import annotations

from emulator.game import room_view, views
from emulator.game.context import GameContext
from emulator.game.render import render
from emulator.game.requests import Fields, System
from emulator.game.session import Avatar, GameSession
from emulator.game.systems.inventory import _reference
from emulator.game.systems.presence import character_state
from emulator.world.events import AbilityLearned, WorldEvent
from emulator.world.items import Item
from emulator.world.shopping import line_id, ware_id

MAX_LINES = 100  # lines of one BP_REQ_BUY_ITEMS; the rest of a longer list is ignored


def buy_list(ctx: GameContext, session: GameSession, avatar: Avatar, fields: Fields) -> None:
    keeper_id, _ = _reference(fields["seller"])
    events: list[WorldEvent] = []
    listed = ctx.world.buy_list(avatar.player_id, keeper_id, events)
    render(ctx, events)
    if listed is None:
        return
    icon, name, flags = room_view.appearance(ctx, listed.keeper)
    offers = []
    for index, line in enumerate(listed.lines):
        if line.ware.lesson_level is not None:  # a spell or skill it teaches, shown as that
            taught = (ctx.definition.skills if line.ware.skill else ctx.definition.spells)[line.ware.kind]
            block = views.object_block(line_id(ctx.definition, index, line.ware), ctx.resources.id(taught.icon),
                                       ctx.resources.id(taught.name), 0)
            offers.append({"object": block, "price": line.price})
            continue
        # the ware as an item the client can show (a number ware with its template's number)
        number = (line.ware.number or 1) if line.ware.stacks else None
        ware = Item(ware_id(index), line.ware.kind, "", 0, 0, 0, number=number)
        offers.append({"object": room_view.inventory_object(ctx, ware), "price": line.price})
    session.send("BP_BUY_LIST", seller=views.object_block(listed.keeper.object_id, icon, name, flags), offers=offers)


def buy_items(ctx: GameContext, session: GameSession, avatar: Avatar, fields: Fields) -> None:
    keeper_id, _ = _reference(fields["seller"])
    wanted = [_reference(ref) for ref in list(fields.get("objects", ()))[:MAX_LINES]]
    if any(amount is not None and amount < 1 for _, amount in wanted):
        return  # user.kod UserBuyItems: a quantity below one drops the whole request
    events = ctx.world.buy(avatar.player_id, keeper_id, wanted)
    render(ctx, events)
    if any(isinstance(event, AbilityLearned) for event in events):
        # the lesson is paid within moments (item_saver): keep what it taught as soon
        ctx.save_characters([character_state(ctx, avatar)], "learning")


SYSTEM = System("shops", in_world={
    "BP_REQ_BUY": buy_list,
    "BP_REQ_BUY_ITEMS": buy_items,
})
