"""Summoned creatures that fight monsters as well as players (apparitn.kod).

* summon apparition: an illusory creature rises beside the target (a monster or a
  player) and goes for it at once. It takes the kind of one of the room's own monsters,
  or outside such rooms one drawn by the power; it has a fifth of its kind's hit points,
  so a few blows banish it; it leaves no body and no treasure. It goes up in smoke once
  the one it was set on is dead or gone from its room, or its caster has left that room.

* summon reflection: a creature drawn as its caster (its icon, name and flags, marked a
  false player) rises on the caster's square with a fifth of the power in hit points; it
  fights with its caster's own offence, damage and defence, turns on the monsters that go
  for its caster, and its caster answers for it (its blows at an innocent and its kills
  brand the caster, its monster kills move the caster's karma). It takes a point of its
  caster's mana every few seconds and goes up in smoke when there is none left, or its
  caster dies or logs off.

* seduce: on a monster of fewer hit points than the caster's will reaches (its max
  health, intellect and the power), it follows its caster about the room and turns on the
  monsters that go for its caster, not noticing players; every two seconds the spell is
  renewed for a tenth of the monster's level in the caster's mana while both are in the
  same room, else it ends and the monster goes for its caster. A failure leaves a monster
  much stronger than the will hating its caster. The kinds the original refuses (its
  bosses, spirits and brambles) are the ``refuse_<kind>`` figures. On a player it is only
  words for the caster and the target (the others of the room are not told: not modelled).

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
from emulator.world.events import (
    MonsterKilled, ObjectEntered, ObjectLeft, SpellTold, SummonVanished, VitalsChanged, WorldEvent,
)
from emulator.world.objects import Player, Thing

if TYPE_CHECKING:
    from emulator.world.monsters import Monster
    from emulator.world.world import World

__all__ = ["EFFECTS", "monster_slain", "run_tick"]

#: Rooms where no apparition may be called (apparitn.kod CanPayCosts).
_FORBIDDING_FLAGS = frozenset({"no_combat", "no_pk", "guild_pk_only"})
#: The flag of the enchantment that binds a summoned creature to its caster and victim.
SUMMON = "summon"
#: The flag of a reflection's enchantment (with ``mirror``: drawn and fighting as its caster).
REFLECTION = "reflection"
#: The creature summon reflection makes (summrefl.kod CastSpell: &Reflection; the import checks it).
REFLECTION_KIND = "reflection"


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


class _Reflection:
    def refusal(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing]) -> tuple[str, int] | None:
        from emulator.world.world import _pk_status

        if not _pk_status(caster).pkill_enabled:
            return "guardian", 0  # under a guardian angel's care, no reflection
        here = world._monsters.in_room(caster.room)
        mirrors = [m for m in here if m.kind == REFLECTION_KIND and m.summoned]
        if len(here) > rules.REFLECTION_ROOM_MONSTERS or len(mirrors) > rules.REFLECTION_ROOM_REFLECTIONS:
            return "crowded", 0
        if REFLECTION_KIND not in world.definition.kinds:
            return "spell_cast_here", 0
        return None

    def apply(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int,
              events: list[WorldEvent]) -> None:
        creature = world._monsters.summon(REFLECTION_KIND, caster.room, caster.y, caster.x, world.tick_count, None)
        creature.aggressive = creature.karma_aggressive = False  # it fights for its caster, never at it
        creature.max_hit_points = creature.hit_points = max(1, power // rules.REFLECTION_HEALTH_DIVISOR)
        now_ms = round(world.game_time * 1000)
        world.enchant(creature.object_id, spell.key, None, Effect({}, {"mirror", REFLECTION}, shown=False),
                      state={"mirror": caster.object_id, "caster": caster.object_id,
                             "next_ms": now_ms + rules.REFLECTION_DRAIN_MS},
                      caster_id=caster.object_id)
        events += [ObjectEntered(caster.room, creature.object_id), SpellTold(caster.object_id, spell.key, "caster")]


SEDUCED = "seduced"


class _Seduce:
    def refusal(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing]) -> tuple[str, int] | None:
        from emulator.world.monsters import Monster

        target = targets[0] if targets else None
        if target is None or not isinstance(target, (Player, Monster)) or spell.figure(f"refuse_{target.kind}"):
            return "spell_bad_target", 0 if target is None else target.object_id
        if target is caster:
            return "not_on_self", 0
        if world.is_enchanted(target.object_id, spell.key):
            return "already_on", target.object_id
        if isinstance(target, Monster) and target.summoned:
            return "spell_bad_target", target.object_id  # it has a master already
        return None

    def apply(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int,
              events: list[WorldEvent]) -> None:
        from emulator.world.monsters import Monster

        target = targets[0] if targets else None
        if isinstance(target, Player):  # only words between the two
            events += [SpellTold(caster.object_id, spell.key, "player_first", target.object_id),
                       SpellTold(target.object_id, spell.key, "player_second", caster.object_id)]
            return
        if not isinstance(target, Monster) or world._monsters.by_id.get(target.object_id) is not target:
            return
        rng = random.Random(f"{world.seed}:seduce:{world.tick_count}:{caster.object_id}:{target.object_id}")
        stats = world.effective_stats(caster.object_id)
        will = rules.seduce_roll(stats.max_health, stats.intellect, power, roll_with(rng))
        if will <= target.max_hit_points:
            events.append(SpellTold(caster.object_id, spell.key, "failed", target.object_id))
            if will < target.max_hit_points // 4:  # now it really hates its caster
                target.foe, target.target = None, caster.object_id
            return
        state = {"caster": caster.object_id, "next_ms": round(world.game_time * 1000) + rules.SEDUCE_PERIOD_MS,
                 "aggressive": target.aggressive, "karma_aggressive": target.karma_aggressive}
        world.enchant(target.object_id, spell.key, None, Effect({}, {SEDUCED}, shown=False), state=state,
                      caster_id=caster.object_id)
        target.aggressive = target.karma_aggressive = False
        target.target, target.foe, target.leader = None, None, caster.object_id
        events.append(SpellTold(caster.object_id, spell.key, "seduced", target.object_id))


def _seduced_turn(world: World, enchantment: Enchantment, events: list[WorldEvent]) -> None:
    """Each period the seduction is paid for again or ends; between, the monster watches
    for those going for its caster."""
    monster = world._monsters.by_id.get(enchantment.target_id)
    if monster is None:
        return
    state = dict(enchantment.state)
    caster = world._players.get(state.get("caster", 0))
    now_ms = round(world.game_time * 1000)
    if caster is not None and caster.room == monster.room and monster.foe is None:
        _defend(world, monster, caster)
    if state.get("next_ms", now_ms) > now_ms:
        return
    cost = monster.level // rules.SEDUCE_MANA_LEVEL_DIVISOR
    if caster is not None and caster.room == monster.room and caster.stats.mana >= cost:
        caster.stats.mana -= cost
        state["next_ms"] = now_ms + rules.SEDUCE_PERIOD_MS
        enchantment.state = state
        if cost:
            events.append(VitalsChanged(caster.object_id))
        return
    events += world.disenchant(monster.object_id, enchantment.spell, report=False)
    monster.aggressive, monster.karma_aggressive = bool(state.get("aggressive")), bool(state.get("karma_aggressive"))
    monster.leader = None
    if caster is not None and caster.room == monster.room:
        monster.target = caster.object_id  # the honeymoon is over: it goes for its caster


def _defend(world: World, creature: Monster, caster: Player) -> None:
    """The creature turns on the first monster (by id) going for its caster."""
    attackers = sorted(m.object_id for m in world._monsters.in_room(creature.room)
                       if m is not creature and (m.target == caster.object_id or m.foe == caster.object_id))
    if attackers:
        creature.foe = attackers[0]


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
    summoner = _reflection_caster(world, killer)
    if summoner is not None:  # a reflection's kill is its caster's (reflectn.kod KilledSomething)
        world._karma_for_kill(summoner, victim)
    world._end_all_enchantments(victim.object_id, events)
    corpse = world._leave_remains(victim, world.game_time, events)
    events.append(MonsterKilled(victim.room, victim.object_id, victim.kind or "", killer.object_id, corpse_id=corpse))


def _reflection_caster(world: World, creature: Monster) -> Player | None:
    for enchantment in world.enchantments.by_target.get(creature.object_id, ()):
        state = enchantment.state
        if REFLECTION in enchantment.effect.flags and isinstance(state, dict):
            return world._players.get(state.get("caster", 0))
    return None


def _gone(world: World, object_id: int, room: str) -> bool:
    thing = world._players.get(object_id) or world._monsters.by_id.get(object_id)
    return thing is None or thing.room != room


def run_tick(world: World, events: list[WorldEvent]) -> None:
    """Apparitions whose victim is dead or gone, or whose caster left, go up in smoke.
    Only enchanted targets are looked at."""
    bound: list[Enchantment] = [
        enchantment for found in world.enchantments.by_target.values() for enchantment in found
        if enchantment.effect.flags & {SUMMON, REFLECTION, SEDUCED} and isinstance(enchantment.state, dict)
    ]
    for enchantment in [e for e in bound if SEDUCED in e.effect.flags]:
        _seduced_turn(world, enchantment, events)
    bound = [e for e in bound if SEDUCED not in e.effect.flags]
    for enchantment in [e for e in bound if REFLECTION in e.effect.flags]:
        _reflection_turn(world, enchantment, events)
    for enchantment in [e for e in bound if REFLECTION not in e.effect.flags]:
        creature = world._monsters.by_id.get(enchantment.target_id)
        if creature is None:
            continue
        victim, caster = enchantment.state.get("victim"), enchantment.state.get("caster")
        if not isinstance(victim, int) or not isinstance(caster, int) or _gone(world, victim, creature.room) \
                or _gone(world, caster, creature.room):
            world._monsters.remove(creature)
            world._end_all_enchantments(creature.object_id, events)
            events.append(ObjectLeft(creature.room, creature.object_id))


def _reflection_turn(world: World, enchantment: Enchantment, events: list[WorldEvent]) -> None:
    """A reflection's upkeep and watch: it goes when its caster is offline or dead, or
    short of mana when the drain is due; else it turns on a monster going for its caster."""
    creature = world._monsters.by_id.get(enchantment.target_id)
    state = dict(enchantment.state)
    caster = world._players.get(state.get("caster", 0))
    if creature is None:
        return
    now_ms = round(world.game_time * 1000)
    due = state.get("next_ms", now_ms) <= now_ms
    if caster is None or world._is_underworld(caster.room) or due and caster.stats.mana < rules.REFLECTION_DRAIN_MANA:
        room = creature.room
        world._monsters.remove(creature)
        world._end_all_enchantments(creature.object_id, events)
        events.append(ObjectLeft(room, creature.object_id))
        if caster is not None:  # the room reads it go, naming the one it mirrored
            hearers = tuple(p.object_id for p in world.players_here(room))
            events.append(SummonVanished(room, enchantment.spell, caster.object_id, hearers))
        return
    if due:
        caster.stats.mana -= rules.REFLECTION_DRAIN_MANA
        state["next_ms"] = now_ms + rules.REFLECTION_DRAIN_MS
        enchantment.state = state
        events.append(VitalsChanged(caster.object_id))
    if creature.foe is None and caster.room == creature.room:
        _defend(world, creature, caster)


APPARITION, REFLECTION_SPELL, SEDUCE = _Apparition(), _Reflection(), _Seduce()

#: The effects of this family by their ``spells.toml`` name.
EFFECTS = {"summon_apparition": APPARITION, "summon_reflection": REFLECTION_SPELL, "seduce": SEDUCE}
