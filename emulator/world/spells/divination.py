"""Spells that see (rules: ``emulator.rules.spells.divination``).

Seance (seance.kod) names the room where the world's last murderer of an innocent is
(``World.last_murderer``, remembered by the player-killing code), when that player is
in the world. It is right with the caster's strength of it; when it fails, or the
murderer's cloak holds, it names a room drawn at random among those a seance may name
(the spell's figures: ``unseen_<room number>`` for those it may not, ``fallback_room``)
and the caster keeps seeing that room a while: an enchantment without an icon whose
state is the room. The murderer is told it was found, or that its cloak turned the
seance away.

Cloak (cloak.kod) is a personal enchantment whose state is its chance to turn a seance
away. Foresight (forsight.kod) names some of a player's spells and skills with how well
it knows each, in one message built of the spell's words."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from emulator.content.model import SpellDefinition
from emulator.rules.dice import Roll
from emulator.rules.spells import divination as rules
from emulator.rules.spells import personal
from emulator.world.enchantments import Effect
from emulator.world.events import SpellReported, SpellTold, WorldEvent
from emulator.world.objects import Player, Thing
from emulator.world.spells.enchanting import PERSONAL

if TYPE_CHECKING:
    from emulator.world.world import World

__all__ = ["CLOAK", "EFFECTS", "FORESIGHT", "SEANCE", "hunted"]

#: The spell whose enchantment turns a seance away (its effect).
CLOAK_EFFECT = "cloak"


def hunted(world: World) -> Player | None:
    """The last murderer of an innocent, if that player is in the world (system.kod
    GetLastMurderer; seance.kod asks that it be logged on)."""
    if world.last_murderer is None:
        return None
    return world.player_by_character(world.last_murderer)


def _cloak_of(world: World, player: Player) -> int | None:
    """The factor of the cloak on a player, None without one."""
    for enchantment in world.enchantments_of(player.object_id):
        spell = world.definition.spells.get(enchantment.spell)
        if spell is not None and spell.effect == CLOAK_EFFECT:
            return int(enchantment.state or 0)
    return None


def _wrong_room(world: World, spell: SpellDefinition, roll: Roll) -> str:
    """A room for a misled seance: drawn among the world's rooms, never one the original
    keeps out of seances; Tos' inn (the spell's fallback figure) after too many draws."""
    rooms = sorted(world.definition.rooms)
    shown = {key: not spell.figure(f"unseen_{world.definition.rooms[key].number}") for key in rooms}
    fallback = world._rooms_by_number.get(spell.figure("fallback_room"), rooms[0])
    return rules.wrong_room(roll, rooms, shown, fallback)


class _Seance:
    def refusal(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing]) -> SpellReported | None:
        if hunted(world) is None:
            return SpellReported(caster.object_id, spell.key, "no_murderer")
        return None

    def apply(
        self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int, events: list[WorldEvent],
    ) -> None:
        killer = hunted(world)
        if killer is None:  # gone during the trance
            events.append(SpellReported(caster.object_id, spell.key, "no_murderer"))
            return
        roll = world.roll_for("seance", caster.object_id, killer.object_id)
        room = killer.room
        remembered = world.enchantments.find(caster.object_id, spell.key)
        if remembered is not None:  # a misled caster keeps seeing the same wrong room
            room = str(remembered.state)
        else:
            strength = rules.seance_strength(power, caster.stats.karma, caster.stats.max_health)
            cloak = _cloak_of(world, killer)
            if rules.seance_misled(roll, strength, cloak):
                room = _wrong_room(world, spell, roll)
                duration = rules.seance_duration_ms(roll, power, caster.stats.karma)
                started = world.enchant(caster.object_id, spell.key, duration, Effect(shown=False), state=room,
                                        caster_id=caster.object_id)
                events += started.events
                if cloak is not None:
                    events.append(SpellReported(killer.object_id, spell.key, "cloaked"))
            else:
                events.append(SpellReported(killer.object_id, spell.key, "found"))
        named = (("object", killer.object_id),)
        events.append(SpellReported(caster.object_id, spell.key, "casting", named))
        events.append(SpellReported(caster.object_id, spell.key, "location", (*named, ("room", room))))


class _Cloak:
    """A personal enchantment (persench.kod's checks and words) whose state is its
    chance to turn a seance away."""

    def refusal(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing]) -> tuple[str, int] | None:
        return PERSONAL.refusal(world, caster, spell, targets)

    def apply(
        self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int, events: list[WorldEvent],
    ) -> None:
        target = targets[0] if targets else caster
        if not isinstance(target, Player):
            return
        roll = world.roll_for("enchant", caster.object_id, spell.number)
        duration = personal.duration_ms(roll, spell.key, spell.duration, power)
        started = world.enchant(target.object_id, spell.key, duration, Effect(), state=rules.cloak_factor(power),
                                caster_id=caster.object_id)
        if started.enchantment is None:
            events.append(SpellTold(caster.object_id, spell.key, "already_on", target.object_id))
            return
        events.append(SpellTold(target.object_id, spell.key, "target"))
        events += started.events
        if target is not caster:
            events.append(SpellTold(caster.object_id, spell.key, "caster", target.object_id))


class _Foresight:
    def refusal(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing]) -> SpellReported | None:
        target = targets[0]
        if not isinstance(target, Player):
            return SpellReported(caster.object_id, spell.key, "not_player", (("object", target.object_id),))
        return None

    def apply(
        self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int, events: list[WorldEvent],
    ) -> None:
        target = targets[0]
        if not isinstance(target, Player):
            return
        definition = world.definition
        # skills first, then spells, each in the order learnt (the cast conses both lists)
        known: list[tuple[str, str, int]] = [("skill", k, a) for k, a in target.skills.items() if k in definition.skills]
        known += [("spell", k, a) for k, a in target.spells.items() if k in (definition.spells or {})]
        abilities = rules.foresight_order(known)
        count = rules.foresight_count(power, len(abilities))
        named = ("object", target.object_id)
        if count == 0:
            events.append(SpellReported(caster.object_id, spell.key, "nothing", (named,)))
            return
        roll = world.roll_for("foresight", caster.object_id, target.object_id)
        limits = [spell.figure(purpose) for purpose in rules.ABILITY_WORDS]
        parts: list[tuple[str, int | str]] = [named]
        for listed, place in enumerate(rules.foresight_picks(roll, count, len(abilities)), start=1):
            kind, key, ability = abilities[place]
            joint = "one" if count == 1 else "last_ability" if listed == count else "ability"
            parts += [("words", joint), ("words", rules.ability_words(ability, limits)), (kind, key)]
        events.append(SpellReported(caster.object_id, spell.key, "info", tuple(parts)))


SEANCE = _Seance()
CLOAK = _Cloak()
FORESIGHT = _Foresight()

#: The effects of this family by their ``spells.toml`` name.
EFFECTS = {"seance": SEANCE, CLOAK_EFFECT: CLOAK, "foresight": FORESIGHT}
