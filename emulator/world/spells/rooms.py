"""Room enchantments (roomench.kod and its spells): a spell cast on the caster's room that
lasts on it through the enchantment engine (``World.enchant`` on the room's id), one of a
kind at a time. What each does is data: the spell's figures (``spells.toml``
``[key.figures]``), read by the import from the original's handlers, each a line of the
power ``p * <name>_per / <name>_divisor + <name>_plus``:

``duration``
    its time in ``duration_unit`` ms (default 1); with ``duration_drawn`` a random count
    between half and all of it.
``light``
    added to the room's light while it lasts (negative for darkness): the client is told
    the room's light at once, and whoever enters sees it (:func:`room_light`).
``spell_power_loss``
    taken off the power of every spell cast in the room (:func:`spell_power`, asked by
    casting; anti-magic aura).
``blow_damage_min``, ``blow_damage_max`` (plain numbers)
    a random bonus between them to the damage of every blow a player strikes in the room
    (:func:`blow_bonus`, asked by fights; killing fields).

The banes (Shal'illebane, Qorbane: ``rules.BANES``) hurt whoever casts a spell of the
school they are against in the room, after it goes off (:func:`after_cast`, asked by
casting), by the bane's power and the spell's level; it may kill.

The words (its own, by the original's resource ids) are rendered by
``emulator/game/room_enchantment_messages.py``: said to the room when it starts and ends,
to whoever enters while it lasts, and to a caster whose room already has it.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from emulator.content.model import SpellDefinition
from emulator.rules.dice import Roll, roll_with
from emulator.rules.spells import rooms as rules
from emulator.world.enchantments import Effect
from emulator.rules.combat import player_damage_taken
from emulator.world.enchantments import Enchantment
from emulator.world.events import SpellTold, VitalsChanged, WorldEvent
from emulator.world.objects import Player, Thing

if TYPE_CHECKING:
    from emulator.world.world import World

__all__ = ["EFFECTS", "ROOM_ENCHANTMENT", "after_cast", "blow_bonus", "changes_light", "room_light", "spell_power"]

#: The figures that are room modifiers (lines of the power), kept on the enchantment.
MODIFIERS = ("light", "spell_power_loss")


def modifiers(spell: SpellDefinition, power: int) -> dict[str, int]:
    """The room modifiers the spell adds at ``power``."""
    names = {name for name, _ in spell.figures}
    return {m: rules.line(spell.figure, m, power) for m in MODIFIERS if f"{m}_plus" in names or f"{m}_per" in names}


def changes_light(spell: SpellDefinition) -> bool:
    return any(name in ("light_plus", "light_per") for name, _ in spell.figures)


def room_light(world: World, room: str) -> int:
    """The light the client is told a room has: its own, moved by its enchantments."""
    added = world.enchantment_modifier(world.room_enchantment_target(room), "light")
    return rules.room_light(world.definition.rooms[room].ambient_light, added)


def spell_power(world: World, room: str, spell: SpellDefinition, power: int) -> int:
    """The power of ``spell`` cast in ``room``: less what an anti-magic aura there takes."""
    loss = world.enchantment_modifier(world.room_enchantment_target(room), "spell_power_loss")
    if not loss or spell.key in rules.UNAFFECTED_BY_ANTIMAGIC:
        return power
    return rules.power_after_loss(power, loss)


def blow_bonus(world: World, room: str, roll: Roll) -> int:
    """What the room's enchantments add to a player's blow struck in it (the attack
    modifiers killing fields gives each player in the room); no die is rolled without."""
    bonus = 0
    for enchantment in world.enchantments_of(world.room_enchantment_target(room)):
        spell = world.definition.spells.get(enchantment.spell)
        if spell is not None and spell.effect == "room_enchantment" and spell.figure("blow_damage_max"):
            bonus += roll(spell.figure("blow_damage_min"), spell.figure("blow_damage_max"))
    return bonus


def after_cast(world: World, caster: Player, spell: SpellDefinition, events: list[WorldEvent]) -> None:
    """A spell went off (room.kod SpellCast): a bane in the room against its school hurts
    its caster."""
    for enchantment in world.enchantments_of(world.room_enchantment_target(caster.room)):
        if rules.BANES.get(enchantment.spell) == spell.school and caster.stats.health > 0:
            _hurt_by_bane(world, caster, enchantment, spell, events)


def _hurt_by_bane(world: World, caster: Player, bane: Enchantment, spell: SpellDefinition, events: list[WorldEvent]) -> None:
    """HurtCaster: only one who may fight players, or anyone in a kill zone; nobody where
    death is safe (the arenas' fighters, who would be, are not modelled). Told, then hurt
    as by a blow (AssessDamage), and told again if it dies of it."""
    from emulator.world.world import _pk_status

    flags = world.definition.rooms[caster.room].flags
    status = _pk_status(caster)
    if "safe_death" in flags or not (status.pkill_enabled or "kill_zone" in flags):
        return
    roll = roll_with(random.Random(f"{world.seed}:bane:{world.tick_count}:{caster.object_id}:{spell.number}"))
    stats = caster.stats
    damage = rules.bane_damage(roll, int(bane.state or 0), spell.level or 1)
    taken = player_damage_taken(damage, stats.health, stats.max_health, outlaw_or_murderer=not status.innocent)
    events.append(SpellTold(caster.object_id, bane.spell, "bane_hurt"))
    stats.health = max(0, stats.health - taken)
    events.append(VitalsChanged(caster.object_id))
    if stats.health <= 0:
        events.append(SpellTold(caster.object_id, bane.spell, "bane_killed"))
        world._player_died(caster, "", events)


class _RoomEnchantment:
    def refusal(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing]) -> tuple[str, int] | None:
        if world.is_enchanted(world.room_enchantment_target(caster.room), spell.key):
            return "room_already", 0  # its CanPayCosts: nothing paid
        return None

    def apply(
        self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int, events: list[WorldEvent],
    ) -> None:
        room = world.room_enchantment_target(caster.room)
        if world.is_enchanted(room, spell.key):  # cast by another during a trance (DoubleCheckAfterTrance)
            events.append(SpellTold(caster.object_id, spell.key, "room_already"))
            return
        roll = roll_with(random.Random(f"{world.seed}:room:{world.tick_count}:{caster.object_id}:{spell.number}"))
        duration = rules.duration_ms(roll, spell.figure, power)
        started = world.enchant(room, spell.key, duration, Effect(modifiers(spell, power)), state=power,
                                caster_id=caster.object_id)
        events += started.events


ROOM_ENCHANTMENT = _RoomEnchantment()

#: The effects of this family by their ``spells.toml`` name.
EFFECTS = {"room_enchantment": ROOM_ENCHANTMENT}
