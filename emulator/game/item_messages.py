"""What a player reads when an item request does nothing or less than asked, when it eats
or drinks something, and when something it works does nothing.

In an imported world, the original's format strings by resource id (user.kod UserGet,
UserDrop: ``user_err_get_unk``, ``user_err_get_dist``, ``user_disallow_get``,
``user_got_some``, ``user_pickup_too_many``, ``user_err_drop``, ``user_not_have_number``),
filled as the original fills them: the item's definite article and name, or the name
alone (a number item's plural). Elsewhere, and for a purpose the world's messages.toml
does not have, the server's own sentences.
"""

from __future__ import annotations

from typing import Any

from emulator.content.model import ObjectKind
from emulator.game import views
from emulator.game.context import GameContext
from emulator.world.events import ActivateFailed, ItemConsumed, ItemRefused
from emulator.world.items import ItemRefusal

#: refusal -> (purpose in messages.toml, what fills it: "def_name", "name" or "")
_ORIGINAL = {
    ItemRefusal.GONE: ("get_gone", "def_name"),
    ItemRefusal.TOO_FAR: ("get_too_far", "def_name"),
    ItemRefusal.TOO_HEAVY: ("get_refused", "def_name"),
    ItemRefusal.BAD_NUMBER: ("get_refused", "def_name"),
    ItemRefusal.PARTLY: ("got_some", "name"),
    ItemRefusal.TOO_MANY: ("get_too_many", "name"),
    ItemRefusal.NOT_CARRIED: ("drop_not_held", ""),
    ItemRefusal.NOT_ENOUGH: ("drop_not_enough", "name"),
    ItemRefusal.TOO_FULL: ("too_full", ""),
    ItemRefusal.TOO_FULL_DRINK: ("too_full_drink", ""),
    ItemRefusal.CANNOT_USE: ("cant_use", ""),
    ItemRefusal.CANNOT_APPLY: ("cant_use", ""),
    ItemRefusal.NOT_YET: ("cant_use", ""),
}

_OWN = {
    ItemRefusal.GONE: "The {name} is gone.",
    ItemRefusal.TOO_FAR: "The {name} is out of your reach.",
    ItemRefusal.TOO_HEAVY: "The {name} is more than you can carry now.",
    ItemRefusal.BAD_NUMBER: "You can't pick up that number of {name}.",
    ItemRefusal.PARTLY: "You can't carry all the {name}.",
    ItemRefusal.TOO_MANY: "There are not that many {name} to pick up.",
    ItemRefusal.NOT_CARRIED: "You hold no such thing.",
    ItemRefusal.NOT_ENOUGH: "You carry fewer {name} than that.",
    ItemRefusal.BAD_DROP_NUMBER: "You can't drop that number of {name}.",
    ItemRefusal.CANNOT_USE: "You can't wield or wear the {name}.",
    ItemRefusal.CANNOT_APPLY: "You can't use the {name} on that.",
    ItemRefusal.NOT_YET: "The magic of the {name} is beyond you for now.",
    ItemRefusal.TOO_FULL: "Your stomach is full: the {name} will have to wait.",
    ItemRefusal.TOO_FULL_DRINK: "You are too full to drink the {name} now.",
}


def item_refused(ctx: GameContext, event: ItemRefused) -> None:
    session = ctx.in_world.get(event.player_id)
    if session is None:
        return
    refusal = ItemRefusal(event.reason)
    kind = ctx.definition.kinds.get(event.kind)
    messages = ctx.definition.messages
    original = _ORIGINAL.get(refusal)
    if messages is not None and original is not None and original[0] in messages.texts and (kind is not None or not original[1]):
        purpose, fill = original
        params: list[Any] = []
        if kind is not None and fill == "def_name":
            params = [messages.id(f"article_{messages.kind(event.kind).article}"), _name_id(ctx, kind, plural=False)]
        elif kind is not None and fill == "name":
            params = [_name_id(ctx, kind, plural=True)]
        session.send("BP_MESSAGE", format=messages.id(purpose), params=params)
        return
    plural = refusal in (ItemRefusal.PARTLY, ItemRefusal.TOO_MANY, ItemRefusal.NOT_ENOUGH, ItemRefusal.BAD_NUMBER,
                         ItemRefusal.BAD_DROP_NUMBER)
    name = "item" if kind is None else _name_text(kind, plural)
    session.send("BP_MESSAGE", **views.text_message(ctx.resources, _OWN[refusal].format(name=name)))


def item_consumed(ctx: GameContext, event: ItemConsumed) -> None:
    """The target reads what it tastes like (the kind's ``use_message``: the original's
    words by their id in an imported world; else a sentence of ours) and the user hears
    the kind's ``use_sound`` (Food's NewApplied: SendTaste to the eater, WaveSendUser to
    the user)."""
    kind = ctx.definition.kinds.get(event.kind)
    info = kind.item if kind is not None else None
    if kind is None or info is None:
        return
    target = ctx.in_world.get(event.target_id)
    if target is not None:
        if info.use_message:
            target.send("BP_MESSAGE", **views.description_message(ctx.resources, info.use_message))
        else:
            verb = "drink" if info.beverage or info.use == "heal" else "eat"
            target.send("BP_MESSAGE", **views.text_message(ctx.resources, f"You {verb} the {kind.name}."))
    user = ctx.in_world.get(event.player_id)
    if user is not None and info.use_sound:
        user.send("BP_PLAY_WAVE", wave=ctx.resources.id(info.use_sound), source=0, flags=0, row=0, col=0, radius=0,
                  max_volume=0)


def activate_failed(ctx: GameContext, event: ActivateFailed) -> None:
    """user.kod UserTryActivate's answer for an object that does nothing when worked: the
    original's words naming it (its definite article and name) in an imported world."""
    session = ctx.in_world.get(event.player_id)
    kind = ctx.definition.kinds.get(event.kind)
    if session is None or kind is None:
        return
    messages = ctx.definition.messages
    if messages is not None and "activate_failed" in messages.texts:
        params = [messages.id(f"article_{messages.kind(event.kind).article}"), _name_id(ctx, kind, plural=False)]
        session.send("BP_MESSAGE", format=messages.id("activate_failed"), params=params)
        return
    session.send("BP_MESSAGE", **views.text_message(ctx.resources, f"Working the {kind.name} does nothing."))


def _name_text(kind: ObjectKind, plural: bool) -> str:
    if plural and kind.item is not None and kind.item.plural:
        return kind.item.plural
    return kind.name


def _name_id(ctx: GameContext, kind: ObjectKind, plural: bool) -> int:
    """GetName: a number item's plural, else its name, by the original's id when it has one."""
    if plural and kind.item is not None and kind.item.plural:
        own = dict(kind.item.resource_ids).get("plural")
        return own if own is not None else ctx.resources.id(kind.item.plural)
    own = dict(kind.resource_ids).get("name")
    return own if own is not None else ctx.resources.id(kind.name)


#: What other messages name an item with (shop_messages).
name_id = _name_id
