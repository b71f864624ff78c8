"""Room enchantments (roomench.kod and its spells): a spell cast on the caster's room that
lasts on it through the enchantment engine (``World.enchant`` on the room's id), one of a
kind at a time. What each adds to the room is data: the spell's figures (``spells.toml``
``[key.figures]``), read by the import from the original's handlers:

``duration_base``, ``duration_per``
    its whole time in ms at power p, ``base + per * p``; it lasts between half and all of it.
``<modifier>_base``, ``<modifier>_per``
    a room modifier while it lasts, ``base + per * p`` (``light``: added to the room's
    light, negative for darkness; the client is told the room's light at once, and whoever
    enters sees it).

The words (its own, by the original's resource ids) are rendered by
``emulator/game/room_enchantment_messages.py``: said to the room when it starts and ends,
to whoever enters while it lasts, and to a caster whose room already has it.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from emulator.content.model import SpellDefinition
from emulator.rules.dice import roll_with
from emulator.rules.spells import rooms as rules
from emulator.world.enchantments import Effect
from emulator.world.events import SpellTold, WorldEvent
from emulator.world.objects import Player, Thing

if TYPE_CHECKING:
    from emulator.world.world import World

__all__ = ["EFFECTS", "ROOM_ENCHANTMENT", "modifiers", "room_light"]

_DURATION = "duration"


def modifiers(spell: SpellDefinition, power: int) -> dict[str, int]:
    """The room modifiers the spell adds at ``power``: each ``<name>_base`` figure with its
    ``<name>_per`` (the duration is not one)."""
    found = {}
    for name, base in spell.figures:
        if name.endswith("_base") and name != f"{_DURATION}_base":
            modifier = name.removesuffix("_base")
            found[modifier] = rules.line(base, spell.figure(f"{modifier}_per"), power)
    return found


def changes_light(spell: SpellDefinition) -> bool:
    return any(name in ("light_base", "light_per") for name, _ in spell.figures)


def room_light(world: World, room: str) -> int:
    """The light the client is told a room has: its own, moved by its enchantments."""
    added = world.enchantment_modifier(world.room_enchantment_target(room), "light")
    return rules.room_light(world.definition.rooms[room].ambient_light, added)


class _RoomEnchantment:
    def refusal(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing]) -> tuple[str, int] | None:
        if world.is_enchanted(world.room_enchantment_target(caster.room), spell.key):
            return "room_already", 0  # its CanPayCosts: nothing paid
        return None

    def apply(
        self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int, events: list[WorldEvent],
    ) -> None:
        room = world.room_enchantment_target(caster.room)
        if world.is_enchanted(room, spell.key):  # cast by another during a trance
            events.append(SpellTold(caster.object_id, spell.key, "room_already"))
            return
        roll = roll_with(random.Random(f"{world.seed}:room:{world.tick_count}:{caster.object_id}:{spell.number}"))
        duration = rules.duration_ms(roll, spell.figure(f"{_DURATION}_base"), spell.figure(f"{_DURATION}_per"), power)
        started = world.enchant(room, spell.key, duration, Effect(modifiers(spell, power)), state=power,
                                caster_id=caster.object_id)
        events += started.events


ROOM_ENCHANTMENT = _RoomEnchantment()

#: The effects of this family by their ``spells.toml`` name.
EFFECTS = {"room_enchantment": ROOM_ENCHANTMENT}
