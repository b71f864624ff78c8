"""Looking at things and asking again for the room, its contents and the players list."""

from __future__ import annotations

from emulator.game import item_attribute_messages, looks, room_view, views
from emulator.game.context import GameContext
from emulator.game.requests import Fields, System
from emulator.game.session import Avatar, GameSession
from emulator.world.items import Item
from emulator.world.remains import Corpse
from emulator.world.spells.walls import WallElement
from protocol_specs.opcodes import CLIENT_TAG_NUMBER, UC


def look(ctx: GameContext, session: GameSession, avatar: Avatar, fields: Fields) -> None:
    target_id = fields["object"]["id"] & ~(CLIENT_TAG_NUMBER << 28)  # a number item's id comes tagged
    thing = ctx.world.object(target_id)
    if thing is None:  # one of the player's own items
        thing = next((item for item in ctx.world.carried(avatar.player_id) if item.object_id == target_id), None)
    if thing is None or isinstance(thing, (Corpse, WallElement)):
        return  # a monster's body is not to be looked at (the client offers no look)
    icon, name, flags = room_view.appearance(ctx, thing)
    block = room_view.with_count(thing, views.object_block(thing.object_id, icon, name, flags))
    looked_at = ctx.in_world.get(target_id)
    if looked_at is not None and looked_at.avatar is not None and looks.look_as_illusion(ctx, session, looked_at.avatar, block):
        return  # a morphed player is looked at as its monster, one feigning death as a body
    if looked_at is not None and looked_at.avatar is not None:
        text = looks.player_look_text(ctx, looked_at.avatar)
        session.send("BP_USERCOMMAND", command=UC.UC_LOOK_PLAYER, args={
            "object": block, "flags": 0, "description": views.text_message(ctx.resources, text), "extra": "", "url": "",
        })
    else:
        text = ctx.definition.kinds[thing.kind or ""].description
        if isinstance(thing, Item):  # with what its attributes say
            text = item_attribute_messages.description(ctx, thing, text)
        description = views.description_message(ctx.resources, text)
        session.send("BP_LOOK", object=block, flags=0, description=description, inscription=None)


def room_contents(ctx: GameContext, session: GameSession, avatar: Avatar, fields: Fields) -> None:
    room_view.send_room_contents(ctx, session, avatar)


def player(ctx: GameContext, session: GameSession, avatar: Avatar, fields: Fields) -> None:
    room_view.send_room(ctx, session, avatar)


def players(ctx: GameContext, session: GameSession, avatar: Avatar, fields: Fields) -> None:
    room_view.send_players(ctx, session)


SYSTEM = System("looking", in_world={
    "BP_REQ_LOOK": look,
    "BP_SEND_ROOM_CONTENTS": room_contents,
    "BP_SEND_PLAYER": player,
    "BP_SEND_PLAYERS": players,
})
