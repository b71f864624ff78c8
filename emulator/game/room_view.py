"""How a room and what is in it look to a player: the fields of BP_PLAYER,
BP_ROOM_CONTENTS, object blocks and the players list."""

from __future__ import annotations

from typing import Any

from emulator.content.model import ObjectKind
from emulator.game import item_attribute_messages, light_messages, looks, room_enchantment_messages, song_messages, views, wall_view
from emulator.game.enchantment_messages import send_room_enchantments
from emulator.game.context import GameContext
from emulator.game.session import Avatar, GameSession
from emulator.world.items import Item
from emulator.world.objects import Thing
from emulator.world.remains import Corpse
from emulator.world.spells import rooms
from emulator.world.spells.walls import WallElement
from emulator.world.trading import is_buyer
from protocol_specs.opcodes import CLIENT_TAG_NUMBER, Animate

SUN_X = 2860  # BP_LIGHT_SHADING's fixed sun direction
SUN_Y = 0
OF_NOEXAMINE = 0x00000040  # LOOK_NO: the client offers no look


def appearance(ctx: GameContext, thing: Thing, sees_invisible: bool = False) -> tuple[int, int, int]:
    """Icon, name and flags resources of anything in a room (a player as its spells of
    looks show it to a viewer who sees the invisible or not)."""
    session = ctx.in_world.get(thing.object_id)
    if session is not None and session.avatar is not None:
        # players take offers (user.kod GetObjectFlags: OFFER_YES)
        return looks.player_appearance(ctx, session.avatar, sees_invisible)
    if isinstance(thing, WallElement):
        return wall_view.appearance(ctx, thing)
    kind = ctx.definition.kinds[thing.kind or ""]
    if kind.monster is not None and not isinstance(thing, Corpse):
        mirrored = looks.mirrored_appearance(ctx, thing, sees_invisible)  # an evil twin
        if mirrored is not None:
            return mirrored
    if isinstance(thing, Corpse) and kind.monster is not None:
        # a monster's body cannot be looked at (body.kod GetObjectFlags) and keeps its drawing effect
        body = kind.monster
        return ctx.resources.id(body.dead_icon), ctx.resources.id(body.dead_name or kind.name), OF_NOEXAMINE | body.dead_drawfx
    if isinstance(thing, Item) and thing.number is not None and thing.number != 1 and kind.item is not None and kind.item.plural:
        return ctx.resources.id(kind.icon), ctx.resources.id(kind.item.plural), kind.flags  # numbitem.kod GetName
    return ctx.resources.id(kind.icon), ctx.resources.id(kind.name), kind.flags | _shop_flags(kind)


def _shop_flags(kind: ObjectKind) -> int:
    """A keeper that sells can be bought from, one that buys offered to (monster.kod
    GetObjectFlags: BUY_YES, OFFER_YES), whatever the kind's own flags say."""
    shop = kind.shop
    if shop is None:
        return 0
    flags = views.OF_BUYABLE if shop.sells or shop.teaches_spells or shop.teaches_skills else 0
    return flags | (views.OF_OFFERABLE if is_buyer(kind) else 0)


def room_object(
    ctx: GameContext, thing: Thing, animation: dict[str, Any] | None = None, sees_invisible: bool = False
) -> dict[str, Any]:
    icon, name, flags = appearance(ctx, thing, sees_invisible)
    if isinstance(thing, WallElement) and animation is None:
        animation = wall_view.animation(ctx, thing)
    dance = song_messages.dance_animation(ctx, thing)  # a jig's dancer dances still or moving
    block = views.room_object_block(thing.object_id, icon, name, flags, thing.y, thing.x, thing.angle, animation or dance)
    if dance is not None:
        block["motion_animation"] = dance
    if isinstance(thing, Item):
        _ground_item(ctx, thing, block)
    item_attribute_messages.flicker(ctx, thing, block)  # a glowing weapon's wielder
    return block


def inventory_object(ctx: GameContext, item: Item) -> dict[str, Any]:
    """An OBJECT block of a carried item (BP_INVENTORY, BP_INVENTORY_ADD), a number item's
    with its count."""
    icon, name, flags = appearance(ctx, item)
    return with_count(item, views.object_block(item.object_id, icon, name, flags))


def changed_inventory_object(ctx: GameContext, item: Item) -> dict[str, Any]:
    """The fields of a BP_CHANGE of a carried item (user.kod SomethingChanged shows an
    item in the inventory): its block, still."""
    block = inventory_object(ctx, item)
    block.update(motion_translation=None, motion_animation=block["animation"], motion_overlays=block["overlays"])
    return block


def seen_object(ctx: GameContext, thing: Thing, sees_invisible: bool) -> dict[str, Any]:
    """The fields of a BP_CREATE for a viewer who sees the invisible or not."""
    return room_object(ctx, thing, sees_invisible=sees_invisible)


def changed_object(ctx: GameContext, thing: Thing, sees_invisible: bool = False) -> dict[str, Any]:
    """The fields of a BP_CHANGE: the object block and its motion look, without a place."""
    block = room_object(ctx, thing, sees_invisible=sees_invisible)
    for field in ("y", "x", "angle"):
        del block[field]
    return block


def with_count(thing: Thing, block: dict[str, Any]) -> dict[str, Any]:
    """A number item's block goes with its count: a tagged id, then the amount (user.kod
    ToCliObject); any other block as it is."""
    if isinstance(thing, Item) and thing.number is not None:
        block["id"] = thing.object_id | CLIENT_TAG_NUMBER << 28
        block["amount"] = thing.number
    return block


def _ground_item(ctx: GameContext, item: Item, block: dict[str, Any]) -> None:
    """A number item goes with its count; an item on the ground shows its ground bitmap
    group (item.kod SendAnimation)."""
    with_count(item, block)
    info = ctx.definition.kinds[item.kind or ""].item
    group = info.get("ground_group") if info is not None else None
    if group is not None:
        block["animation"] = block["motion_animation"] = {"type": Animate.ANIMATE_NONE, "params": {"group": group}}


def player_entry(avatar: Avatar) -> dict[str, Any]:
    """One line of the players list (BP_PLAYERS, BP_PLAYER_ADD)."""
    return {"id": avatar.player_id, "name_res": avatar.name_resource, "name": avatar.name, "flags": views.OF_PLAYER}


def send_players(ctx: GameContext, session: GameSession) -> None:
    avatars = [other.avatar for other in ctx.in_world.values() if other.avatar is not None]
    session.send("BP_PLAYERS", players=[player_entry(avatar) for avatar in avatars])


def send_room_contents(ctx: GameContext, session: GameSession, avatar: Avatar) -> None:
    room = ctx.world.player(avatar.player_id).room
    seeing = looks.sees_invisible(ctx, avatar.player_id)
    objects = [room_object(ctx, thing, sees_invisible=seeing) for thing in ctx.world.room_objects(room)]
    session.send("BP_ROOM_CONTENTS", room_id=ctx.world.room_id(room), objects=objects)
    # the client clears the room's enchantment icons with its contents: they follow
    send_room_enchantments(ctx, session, room)


def send_room(ctx: GameContext, session: GameSession, avatar: Avatar) -> None:
    """BP_PLAYER, lighting, BP_ROOM_CONTENTS and music: a fresh room for the player."""
    player = ctx.world.player(avatar.player_id)
    room = ctx.definition.rooms[player.room]
    resources = ctx.resources
    session.send(
        "BP_PLAYER",
        id=player.object_id,
        icon=resources.id(ctx.definition.player_icon),
        name=avatar.name_resource,
        room_id=ctx.world.room_id(player.room),
        room_file=resources.id(room.roo_file),
        room_name=resources.id(room.name),
        room_security=ctx.security_of(player.room),
        ambient_light=rooms.room_light(ctx.world, player.room),  # with its enchantments'
        player_light=light_messages.player_light(ctx, player.object_id, player.room),  # a glowing weapon's, night vision's
        background=resources.id(room.background),
        wading_sound=0,
        room_flags=0,
        depth1=0,
        depth2=0,
        depth3=0,
    )
    session.send("BP_LIGHT_SHADING", intensity=0, sun_x=SUN_X, sun_y=SUN_Y)
    send_room_contents(ctx, session, avatar)
    session.send("BP_PLAY_MUSIC", music=resources.id(room.music))
    room_enchantment_messages.entered(ctx, session, player.room)
