"""Field dictionaries for the messages a player sees, built from plain values.

Each function returns the fields of one message or block exactly as the schemas in
``protocol_specs`` name them; the session sends them through the codec.
"""

from __future__ import annotations

from typing import Any

from emulator.game import texts
from emulator.game.resources import ServerResources
from protocol_specs.opcodes import Animate
from protocol_specs.server_messages import STAT_INT, STATS_LIST, STATS_NUMERIC

_STILL = {"type": Animate.ANIMATE_NONE, "params": {"group": 1}}  # the first bitmap group
_NO_LIGHT = {"flags": 0, "light": None}

#: A player's punch as others see it: bitmap groups 3 to 4 once, 600 ms each, then group 1
#: (player.kod SendAnimation, PANM_FIST_ATTACK).
FIST_ATTACK = (600, 3, 4, 1)

OF_PLAYER = 0x00000004
OF_ATTACKABLE = 0x00000008
OF_OFFERABLE = 0x00000200  # the client lists it to offer items to (blakston.khd OFFER_YES)
OF_BUYABLE = 0x00000400  # ... to buy from (BUY_YES)


def object_block(object_id: int, icon: int, name: int, flags: int) -> dict[str, Any]:
    """An OBJECT block for a plain, unlit, unanimated object."""
    return {
        "id": object_id,
        "amount": None,
        "icon": icon,
        "name": name,
        "flags": flags,
        "rarity": 0,
        "lighting": _NO_LIGHT,
        "translation": None,
        "animation": _STILL,
        "overlays": [],
    }


def play_once(period: int, first: int, last: int, after: int) -> dict[str, Any]:
    """An animation played once (ANIMATE_ONCE): groups first..last, then resting on after."""
    return {
        "type": Animate.ANIMATE_ONCE,
        "params": {"period": period, "group_low": first, "group_high": last, "group_final": after},
    }


def room_object_block(
    object_id: int, icon: int, name: int, flags: int, y: int, x: int, angle: int, animation: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A ROOMOBJ block: the object, where it stands, and how it looks while moving
    (``animation``: what it plays now, e.g. a swing in a BP_CHANGE; still by default)."""
    block = object_block(object_id, icon, name, flags)
    if animation is not None:
        block["animation"] = animation
    block.update(
        y=y,
        x=x,
        angle=angle,
        motion_translation=None,
        motion_animation=_STILL,
        motion_overlays=block["overlays"],
    )
    return block


def numeric_stat(slot: int, name: int, value: int, low: int, high: int, current_max: int) -> dict[str, Any]:
    return {
        "slot": slot,
        "name": name,
        "type": STATS_NUMERIC,
        "data": {"tag": STAT_INT, "value": {"value": value, "min": low, "max": high, "current_max": current_max}},
    }


def list_stat(slot: int, name: int, object_id: int, value: int, icon: int) -> dict[str, Any]:
    """A spell or skill line of the character sheet: its name, the object the client
    asks about, the ability in percent and the icon."""
    return {"slot": slot, "name": name, "type": STATS_LIST, "data": {"id": object_id, "value": value, "icon": icon}}


def condition_stats(resources: ServerResources, health: int, max_health: int, mana: int, max_mana: int, vigor: int) -> list[dict[str, Any]]:
    """Group 1: the health, mana and vigor bars (slot 3 is vigor; the client reddens it when low)."""
    health_icon, mana_icon, vigor_icon = (resources.id(icon) for icon in texts.CONDITION_ICONS)
    return [
        numeric_stat(1, health_icon, health, 0, 100, max_health),
        numeric_stat(2, mana_icon, mana, 0, 100, max_mana),
        numeric_stat(3, vigor_icon, vigor, 0, 200, 80),
    ]


def attribute_stats(resources: ServerResources, attributes: tuple[int, ...], karma: int) -> list[dict[str, Any]]:
    """Group 2: the six attributes (0..50) and karma (-100..100)."""
    stats = [
        numeric_stat(slot, resources.id(name), value, 0, 50, value)
        for slot, (name, value) in enumerate(zip(texts.ATTRIBUTE_NAMES[:6], attributes), 1)
    ]
    stats.append(numeric_stat(7, resources.id(texts.ATTRIBUTE_NAMES[6]), karma, -100, 100, karma))
    return stats


def text_message(resources: ServerResources, text: str) -> dict[str, Any]:
    """Fields of a BP_MESSAGE that shows ``text`` as it is."""
    return {"format": resources.id(texts.TEXT), "params": [text]}


def description_message(resources: ServerResources, text: str) -> dict[str, Any]:
    """Fields of a text the client may already have: by its original id when it has
    one (the stock client shows it from its own files), else as plain text."""
    original = resources.original_id(text)
    if original is not None and "%" not in text:  # a bare id: the text must need no parameters
        return {"format": original, "params": []}
    return text_message(resources, text)
