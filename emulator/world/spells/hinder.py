"""Spells that hold, blind and turn, and the others of the family (flash, holy symbol, bait,
Kara'hol's curse, hold, gaze of the basilisk, blind, dazzle, umbrella, final rites,
illusionary wounds): what each cast does, with the chances and times of
``emulator.rules.spells.hinder``; holding, blinding and turning themselves, and what they
forbid, are ``emulator.world.holding``."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from emulator.content.model import SpellDefinition
from emulator.rules.combat import monster_damage_taken
from emulator.rules.dice import Roll, bound, roll_with
from emulator.rules.feedback import blow_type
from emulator.rules.spells import personal
from emulator.rules.spells import hinder as rules
from emulator.world import holding
from emulator.world.enchantments import Effect
from emulator.world.events import (
    AttackResolved, MonsterKilled, PlayerAttacked, PlayerOutlawed, ScreenEffect, SpellCast, SpellTold, WorldEvent,
)
from emulator.world.monsters import Monster
from emulator.world.objects import Player, Thing
from protocol_specs.server_messages import EFFECT_WHITEOUT

if TYPE_CHECKING:
    from emulator.world.world import World

__all__ = ["EFFECTS"]


def _rng(world: World, name: str, caster: Player, spell: SpellDefinition) -> random.Random:
    return random.Random(f"{world.seed}:{name}:{world.tick_count}:{caster.object_id}:{spell.number}")


def _room_monsters(world: World, room: str) -> list[Monster]:
    """The room's monsters that spells of this family reach (never a town's NPCs, AI_NPC)."""
    found = []
    for monster in sorted(world._monsters.in_room(room), key=lambda m: m.object_id):
        kind = world.definition.kinds.get(monster.kind or "")
        behaviour = kind.monster.behaviour if kind is not None and kind.monster is not None else ()
        if "npc" not in behaviour:
            found.append(monster)
    return found


def _behaviour(world: World, monster: Monster) -> tuple[str, ...]:
    """The kind's behaviour names, the undead and faction troops marked among them."""
    kind = world.definition.kinds.get(monster.kind or "")
    return kind.monster.behaviour if kind is not None and kind.monster is not None else ()


class _NoTarget:
    """Spells cast on the room around the caster: no target of their own to check."""

    def refusal(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing]) -> tuple[str, int] | None:
        return None


class _Flash(_NoTarget):
    """flash.kod: a white flash for the caster; each one in the room it catches (by the
    power) loses its trance and sees white a moment, a monster stands still a second."""

    def apply(
        self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int, events: list[WorldEvent],
    ) -> None:
        rng = _rng(world, "flash", caster, spell)
        chance = rules.flash_chance(power)
        events.append(ScreenEffect(caster.object_id, EFFECT_WHITEOUT, rules.FLASH_WHITEOUT_MS))
        everyone: list[Player | Monster] = [*sorted(world.players_here(caster.room), key=lambda p: p.object_id),
                                            *_room_monsters(world, caster.room)]
        for battler in everyone:
            if rng.randint(1, 100) > chance:
                continue
            if isinstance(battler, Player):
                from emulator.world.casting import break_trance  # casting finds this module's effects

                break_trance(battler, events)
                events.append(ScreenEffect(battler.object_id, EFFECT_WHITEOUT, rules.FLASH_WHITEOUT_MS))
            else:
                holding.hold(world, battler.object_id, rules.FLASH_HOLD_MS, events, free_action=False)


class _HolySymbol(_NoTarget):
    """holysymb.kod: each undead monster of the room may be turned (it runs from the
    caster for a while); one that misses it badly hates the caster instead."""

    def apply(
        self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int, events: list[WorldEvent],
    ) -> None:
        events.append(SpellTold(caster.object_id, spell.key, "caster"))
        rng = _rng(world, "holysymbol", caster, spell)
        margin = spell.figure("hate_margin", rules.HATE_MARGIN)
        for monster in _room_monsters(world, caster.room):
            if "undead" not in _behaviour(world, monster):
                continue
            chance = rules.turn_chance(power, caster.stats.base_max_health, monster.level, caster.stats.karma,
                                       monster.karma or 0, monster.target is not None)
            roll = rng.randint(1, 100)
            if roll < chance:  # TurnedBy, and it faces the caster to run from it
                events += world.disenchant(monster.object_id, spell.key, report=False)
                started = world.enchant(monster.object_id, spell.key, rules.turned_ms(monster.difficulty),
                                        Effect(flags={holding.TURNED}, shown=False), state=caster.object_id)
                events += started.events
                monster.target = caster.object_id
            elif roll > chance + margin:  # it now hates the caster and comes for it
                monster.target = caster.object_id


class _Bait(_NoTarget):
    """bait.kod: each monster of the room may fall for it and come for the caster."""

    def apply(
        self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int, events: list[WorldEvent],
    ) -> None:
        events.append(SpellTold(caster.object_id, spell.key, "caster"))
        rng = _rng(world, "bait", caster, spell)
        for monster in _room_monsters(world, caster.room):
            troop = "faction_troop" in _behaviour(world, monster)
            if rng.randint(1, 100) < rules.bait_chance(power, monster.target is not None, troop):
                monster.target = caster.object_id


class _OnCaster:
    """An enchantment on its caster only, refused while it lasts; its power is its state."""

    def refusal(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing]) -> tuple[str, int] | None:
        if world.is_enchanted(caster.object_id, spell.key):
            return "already_self", 0
        return None

    def apply(
        self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int, events: list[WorldEvent],
    ) -> None:
        events.append(SpellTold(caster.object_id, spell.key, "target"))
        duration = self.duration_ms(world, caster, spell, power)
        started = world.enchant(caster.object_id, spell.key, duration, self.effect(spell, power), state=power,
                                caster_id=caster.object_id)
        events += started.events

    def duration_ms(self, world: World, caster: Player, spell: SpellDefinition, power: int) -> int:
        raise NotImplementedError

    def effect(self, spell: SpellDefinition, power: int) -> Effect:
        raise NotImplementedError


class _KaraholsCurse(_OnCaster):
    """karahol.kod: a much better hit roll and a little more damage for its time; when it
    ends, its bearer is held (``holding.enchantment_ended``)."""

    def duration_ms(self, world: World, caster: Player, spell: SpellDefinition, power: int) -> int:
        return rules.karahol_duration_ms(power)

    def effect(self, spell: SpellDefinition, power: int) -> Effect:
        return Effect({"offense": rules.karahol_offense(power)})


class _Umbrella(_OnCaster):
    """umbrella.kod: a dome that adds to its bearer's defence and takes part of the undead's
    blows (``holding.defended``), for between half and all of its whole time."""

    def duration_ms(self, world: World, caster: Player, spell: SpellDefinition, power: int) -> int:
        roll = roll_with(_rng(world, "umbrella", caster, spell))
        return personal.duration_ms(roll, spell.key, spell.duration, power) or 1

    def effect(self, spell: SpellDefinition, power: int) -> Effect:
        return Effect({"defense": spell.figure("defense", rules.UMBRELLA_DEFENSE)})


class _Gaze(_OnCaster):
    """gaze.kod: for a second a point of power, whoever swings at its caster meets its gaze
    and is held (``holding.gazed``); cast again on oneself it starts over."""

    def refusal(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing]) -> tuple[str, int] | None:
        return None

    def duration_ms(self, world: World, caster: Player, spell: SpellDefinition, power: int) -> int:
        return max(1, power) * 1000

    def effect(self, spell: SpellDefinition, power: int) -> Effect:
        return Effect()


class _FinalRites(_NoTarget):
    """finlrite.kod: the room reads the rites; each undead monster of the room is hurt by
    holy dust, by the power and how much better the caster's soul is (it may die of it)."""

    def apply(
        self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int, events: list[WorldEvent],
    ) -> None:
        events.append(SpellTold(caster.object_id, spell.key, "caster"))
        for player in sorted(world.players_here(caster.room), key=lambda p: p.object_id):
            events.append(SpellTold(player.object_id, spell.key, "seen", caster.object_id))
        roll = roll_with(_rng(world, "finalrites", caster, spell))
        for monster in _room_monsters(world, caster.room):
            if "undead" in _behaviour(world, monster):
                damage = rules.final_rites_damage(roll, power, caster.stats.karma, monster.karma or 0)
                _hurt(world, caster, monster, spell, max(0, damage), roll, events)


def _hurt(world: World, caster: Player, monster: Monster, spell: SpellDefinition, damage: int, roll: Roll,
          events: list[WorldEvent], shown_as: SpellDefinition | None = None) -> None:
    """A spell's damage to a monster through the path of a blow (its death, body, treasure,
    the killer's karma), told with the spell's name (or ``shown_as``'s) and type."""
    named = shown_as or spell
    if caster.kill_target != monster.object_id:  # SetKillTarget: a new fight
        caster.reset_gain_flags()
        caster.kill_target = monster.object_id
    taken = monster_damage_taken(damage, absolute=True)
    caster.did_damage = caster.did_damage or taken > 0
    monster.hit_points -= taken
    kind = monster.kind or ""
    events.append(AttackResolved(
        caster.room, caster.object_id, monster.object_id, kind, True, taken, monster.hit_points,
        damage_type=blow_type(0, named.damage_spell), spell=named.key,
    ))
    if monster.hit_points <= 0:
        world._monsters.remove(monster)
        world._end_all_enchantments(monster.object_id, events)
        corpse = world._leave_remains(monster, world.game_time, events)
        events.append(MonsterKilled(
            monster.room, monster.object_id, kind, caster.object_id, world._karma_for_kill(caster, monster), corpse_id=corpse,
        ))
        world._advance_after_kill(caster, monster, roll, events)


class _OneBattler:
    """A spell at one player or monster, never the caster, not one it is on already."""

    def refusal(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing]) -> tuple[str, int] | None:
        target = targets[0] if targets else None
        if target is None or not (isinstance(target, Player) or target.object_id in world._monsters.by_id):
            return "spell_bad_target", 0 if target is None else target.object_id
        if target is caster:
            return "not_on_self", 0
        if world.is_enchanted(target.object_id, self.already(spell)):
            return "already_on", target.object_id
        return None

    def already(self, spell: SpellDefinition) -> str:
        return spell.key


class _Hold(_OneBattler):
    """hold.kod: one battler, not the caster, not one held already, is held a few seconds."""

    def already(self, spell: SpellDefinition) -> str:
        return holding.HOLD_SPELL

    def apply(
        self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int, events: list[WorldEvent],
    ) -> None:
        target = targets[0]
        duration = rules.hold_duration_ms(roll_with(_rng(world, "hold", caster, spell)), power)
        if world.enchantment_flag(target.object_id, holding.FREE_ACTION):
            return  # resisted completely (free action's own reckoning is not modelled)
        events.append(SpellTold(caster.object_id, spell.key, "done_to", target.object_id))
        holding.hold(world, target.object_id, duration, events, free_action=False)


class _Blinding(_OneBattler):
    """blind.kod and Dazzle.kod: one battler loses its sight for a few seconds (eagle eyes
    may repel it or shorten it); a player cannot fight or cast meanwhile, a monster loses
    its target and wanders."""

    def __init__(self, dazzle: bool) -> None:
        self.dazzle = dazzle

    def apply(
        self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int, events: list[WorldEvent],
    ) -> None:
        target = targets[0]
        rng = _rng(world, spell.key, caster, spell)
        if self.dazzle:
            monster = world._monsters.by_id.get(target.object_id)
            target_karma = target.stats.karma if isinstance(target, Player) else (monster.karma or 0) if monster else 0
            seconds = rules.dazzle_seconds(power, caster.stats.karma, target_karma)
        else:
            seconds = rules.blind_seconds(roll_with(rng), power)
        found = holding.eagle_eyes(world, caster, target.object_id, spell, seconds, 2 if self.dazzle else 1, rng, events)
        if found is None:
            return  # repelled outright
        low, high = rules.DAZZLE_SECONDS if self.dazzle else rules.BLIND_SECONDS
        holding.blind(world, caster, target.object_id, spell, bound(found, low, high) * 1000, self.dazzle, events)


class _IllusionaryWounds:
    """illwound.kod: one monster or player sees wounds that are not there, shown as one of
    the attack spells (each cast picks which): it loses health by the power, never to death;
    when the illusion fades (its own time), the health comes back."""

    def refusal(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing]) -> tuple[str, int] | None:
        from emulator.world.spells.damage import DAMAGE

        return DAMAGE.refusal(world, caster, spell, targets)

    def apply(
        self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int, events: list[WorldEvent],
    ) -> None:
        target = targets[0]
        rng = _rng(world, "illusion", caster, spell)
        roll = roll_with(rng)
        shown = [world.definition.spells[k] for k in _illusions(world, spell)]
        if not shown or target.room != caster.room:
            return
        illusion = shown[rng.randrange(len(shown))]
        events.append(SpellCast(caster.object_id, illusion.key, caster.room))  # the room hears the illusion's sound
        events.append(SpellTold(caster.object_id, spell.key, "illusion", other_spell=illusion.key))
        monster = world._monsters.by_id.get(target.object_id)
        if isinstance(target, Player):
            stats = target.stats
            loss = rules.illusionary_loss(power, stats.health, stats.max_health, rules.illusionary_base(stats.intellect))
            taken = _hurt_player(world, caster, target, illusion, loss, events)
        elif monster is not None:
            loss = rules.illusionary_loss(power, monster.hit_points, monster.max_hit_points,
                                          rules.illusionary_base(None, monster.difficulty))
            before = monster.hit_points
            _hurt(world, caster, monster, spell, loss, roll, events, shown_as=illusion)
            taken = before - monster.hit_points if monster.hit_points > 0 else None
        else:
            return
        if taken is None:
            return  # it died of them after all
        found = next((e for e in world.enchantments.of(target.object_id) if e.spell == spell.key), None)
        if found is not None:  # the wounds of another illusion heal with those
            found.state = int(found.state or 0) + taken
            return
        events += world.enchant(target.object_id, spell.key, rules.illusionary_ms(power), Effect(shown=False), state=taken).events


def _illusions(world: World, spell: SpellDefinition) -> list[str]:
    """The spells an illusion may show (the ``illusion_<n>`` figures: their numbers)."""
    by_number = {s.number: s.key for s in world.definition.spells.values()}
    found = []
    for index in range(1, 9):
        number = spell.figure(f"illusion_{index}", -1)
        if number in by_number:
            found.append(by_number[number])
    return found


def _hurt_player(world: World, caster: Player, victim: Player, shown_as: SpellDefinition, loss: int,
                 events: list[WorldEvent]) -> int | None:
    """A spell's damage to a player through the player-killing path of an attack spell
    (the outlaw brand for attacking an innocent), told with ``shown_as``'s name and type;
    the health taken, None when it died of it."""
    from emulator.rules.pvp import attack_makes_outlaw
    from emulator.world.world import _pk_status

    attacker_status, victim_status = _pk_status(caster), _pk_status(victim)
    if attack_makes_outlaw(attacker_status, victim_status):
        caster.outlaw = True
        events.append(PlayerOutlawed(caster.object_id))
    stats = victim.stats
    taken = min(loss, stats.health)
    stats.health -= taken
    events.append(PlayerAttacked(caster.room, caster.object_id, victim.object_id, True, taken, stats.health,
                                 damage_type=blow_type(0, shown_as.damage_spell), spell=shown_as.key))
    if stats.health <= 0:
        world._player_killed_player(caster, victim, attacker_status, victim_status, events)
        return None
    return taken


#: The effects of this family by their ``spells.toml`` name.
EFFECTS = {
    "flash": _Flash(), "holy_symbol": _HolySymbol(), "bait": _Bait(), "karahols_curse": _KaraholsCurse(), "hold": _Hold(),
    "blind": _Blinding(dazzle=False), "dazzle": _Blinding(dazzle=True), "umbrella": _Umbrella(), "final_rites": _FinalRites(),
    "illusionary_wounds": _IllusionaryWounds(), "gaze": _Gaze(),
}
