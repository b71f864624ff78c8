"""Summoned creatures that fight monsters as well as players (apparitn.kod).

* summon apparition: an illusory creature rises beside the target (a monster or a
  player) and goes for it at once. It takes the kind of one of the room's own monsters,
  or outside such rooms one drawn by the power; it has a fifth of its kind's hit points,
  so a few blows banish it; it leaves no body and no treasure. It goes up in smoke once
  the one it was set on is dead or gone from its room, or its caster has left that room.

Monsters fighting monsters (``MonsterPopulation._fight_foe``) swing by the monsters' rules;
a monster one of them kills leaves its body and treasure as when a player kills it
(:func:`monster_slain`), with no karma for anyone.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from emulator.content.model import SpellDefinition
from emulator.rules.dice import roll_with
from emulator.rules.spells import summons as rules
from emulator.world.enchantments import Effect, Enchantment
from emulator.world.events import MonsterKilled, ObjectEntered, ObjectLeft, SpellTold, WorldEvent
from emulator.world.objects import Player, Thing

if TYPE_CHECKING:
    from emulator.world.monsters import Monster
    from emulator.world.world import World

__all__ = ["EFFECTS", "monster_slain", "run_tick"]

#: Rooms where no apparition may be called (apparitn.kod CanPayCosts).
_FORBIDDING_FLAGS = frozenset({"no_combat", "no_pk", "guild_pk_only"})
#: The flag of the enchantment that binds a summoned creature to its caster and victim.
SUMMON = "summon"


class _Apparition:
    def refusal(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing]) -> tuple[str, int] | None:
        from emulator.world.monsters import Monster

        if _FORBIDDING_FLAGS.intersection(world.definition.rooms[caster.room].flags):
            return "spell_cast_here", 0
        if len(world._monsters.in_room(caster.room)) > rules.APPARITION_ROOM_MONSTERS:
            return "crowded", 0
        target = targets[0] if targets else None
        if target is None or target is caster or not isinstance(target, (Player, Monster)):
            return "wrong_target", 0 if target is None else target.object_id
        if _kind(world, caster, spell, 0) is None:
            return "spell_cast_here", 0
        return None

    def apply(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int,
              events: list[WorldEvent]) -> None:
        from emulator.world.monsters import Monster

        target = targets[0] if targets else None
        kind = _kind(world, caster, spell, power)
        if kind is None or not isinstance(target, (Player, Monster)) or target.room != caster.room:
            return
        victim_is_player = isinstance(target, Player)
        creature = world._monsters.summon(kind, target.room, target.y, target.x, world.tick_count,
                                          target.object_id if victim_is_player else None)
        if not victim_is_player:
            creature.foe = target.object_id
        creature.max_hit_points = max(1, creature.max_hit_points // rules.APPARITION_HEALTH_DIVISOR)
        creature.hit_points = creature.max_hit_points
        world.enchant(creature.object_id, spell.key, None, Effect({}, {SUMMON}, shown=False),
                      state={"caster": caster.object_id, "victim": target.object_id}, caster_id=caster.object_id)
        events += [ObjectEntered(target.room, creature.object_id),
                   SpellTold(caster.object_id, spell.key, "raised", target.object_id, kind=kind)]


def _kind(world: World, caster: Player, spell: SpellDefinition, power: int) -> str | None:
    """One of the room's own monster kinds at random, else one drawn by the power."""
    rng = random.Random(f"{world.seed}:apparition:{world.tick_count}:{caster.object_id}:{spell.number}")
    kinds = world.definition.kinds
    own = [chance.kind for chance in world.definition.rooms[caster.room].monsters if chance.kind in kinds]
    kind = own[rng.randrange(len(own))] if own else rules.apparition_kind(power, roll_with(rng))
    found = kinds.get(kind)
    return kind if found is not None and found.monster is not None else None


def monster_slain(world: World, victim: Monster, killer: Monster, events: list[WorldEvent]) -> None:
    """A monster another monster killed: its spells end, its body and treasure fall as
    when a player kills it (a summoned one leaves neither), the room sees it go."""
    world._end_all_enchantments(victim.object_id, events)
    corpse = world._leave_remains(victim, world.game_time, events)
    events.append(MonsterKilled(victim.room, victim.object_id, victim.kind or "", killer.object_id, corpse_id=corpse))


def _gone(world: World, object_id: int, room: str) -> bool:
    thing = world._players.get(object_id) or world._monsters.by_id.get(object_id)
    return thing is None or thing.room != room


def run_tick(world: World, events: list[WorldEvent]) -> None:
    """Apparitions whose victim is dead or gone, or whose caster left, go up in smoke.
    Only enchanted targets are looked at."""
    bound: list[Enchantment] = [
        enchantment for found in world.enchantments.by_target.values() for enchantment in found
        if SUMMON in enchantment.effect.flags and isinstance(enchantment.state, dict)
    ]
    for enchantment in bound:
        creature = world._monsters.by_id.get(enchantment.target_id)
        if creature is None:
            continue
        victim, caster = enchantment.state.get("victim"), enchantment.state.get("caster")
        if not isinstance(victim, int) or not isinstance(caster, int) or _gone(world, victim, creature.room) \
                or _gone(world, caster, creature.room):
            world._monsters.remove(creature)
            world._end_all_enchantments(creature.object_id, events)
            events.append(ObjectLeft(creature.room, creature.object_id))


APPARITION = _Apparition()

#: The effects of this family by their ``spells.toml`` name.
EFFECTS = {"summon_apparition": APPARITION}
