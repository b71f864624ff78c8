"""Holding, blinding and turning, wherever they come from (hold, flash, Kara'hol's curse,
holy symbol): the enchantment flags others set and this module enforces.

``"held"`` (hold.kod's PFLAG_NO_MOVE, NO_FIGHT, NO_MAGIC; AI_NOMOVE, AI_NOFIGHT): a held
player's moves are put back where the server has it, and it cannot go, attack or cast; a
held monster does nothing on its turns. ``"free_action"`` keeps a hold from taking.
``"blinded"``: a blinded player cannot go, attack or cast (blind.kod's NO_FIGHT and
NO_MAGIC, user.kod UserGo); a blinded monster loses its target and wanders at random
(AI_MOVE_RANDOM, AI_NOFIGHT). ``"turned"``: an undead monster turned by holy symbol runs
from the one who turned it while that one is near (monster.kod IsFrightenedOf, brain.kod's
AI_MOVE_FLEE_FRIGHTENERS).

The family's other lasting effects run here too, where fights and enchantments call: the
basilisk's gaze holding one who swings at its bearer, umbrella taking part of an undead's
blow, Kara'hol's curse adding to its bearer's blows, illusionary wounds healing when they
fade. The world calls in here from its move, turn, go, attack and cast requests, from the
end of an enchantment, from each monster's turn and swing, and when a player comes back
into the world; the spells themselves are in ``emulator/world/spells/hinder.py``.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import TYPE_CHECKING

from emulator.content.model import SpellDefinition, square_of
from emulator.rules.combat import AttackKind, monster_chase_delay_ms, monster_move_delay_ms
from emulator.rules.dice import Roll, roll_with
from emulator.rules.spells import hinder as rules
from emulator.world.enchantments import Effect, Enchantment
from emulator.world.events import MoveRefusal, MoveRefused, ObjectTurned, PlayerHindered, ScreenEffect, SpellTold, VitalsChanged, WorldEvent
from emulator.world.monsters import STEPS, Monster, flee_step, within
from emulator.world.objects import Player, Thing
from protocol_specs.server_messages import (
    EFFECT_BLIND, EFFECT_PAIN, EFFECT_PARALYZE, EFFECT_RELEASE, EFFECT_SEE, EFFECT_WHITEOUT, EFFECT_XLATOVERRIDE,
)

if TYPE_CHECKING:
    from emulator.world.world import World

__all__ = [
    "HELD", "BLINDED", "TURNED", "HOLD_SPELL", "blow_bonus", "cast_refusal", "enchantment_ended", "fight_refusal",
    "go_refusal", "hold", "monster_turn", "move_refusal",
]

HELD, BLINDED, TURNED, FREE_ACTION, EAGLE_EYES = "held", "blinded", "turned", "free_action", "eagle_eyes"
#: The spell whose enchantment every hold is (flash and Kara'hol's curse use hold.kod's DoHold).
HOLD_SPELL = "hold"
ANGLES = 4096  # a full turn in the protocol's angle units
#: monster.kod GetClosestFrightener: how far, in vision distances, a turned undead sees its turner.
FRIGHT_VISION_FACTOR = 3


def _held(world: World, object_id: int) -> bool:
    return world.enchantment_flag(object_id, HELD)


def _blinded(world: World, object_id: int) -> bool:
    return world.enchantment_flag(object_id, BLINDED)


def move_refusal(world: World, player: Player) -> MoveRefused | None:
    """user.kod UserMove: a held player is put back on its square."""
    if not _held(world, player.object_id):
        return None
    return MoveRefused(player.object_id, MoveRefusal.HELD.value, player.y, player.x)


def go_refusal(world: World, player: Player) -> PlayerHindered | None:
    """user.kod UserGo: neither a held nor a blinded player goes anywhere."""
    if _held(world, player.object_id) or _blinded(world, player.object_id):
        return PlayerHindered(player.object_id, "held_no_go")
    return None


def fight_refusal(world: World, player: Player) -> PlayerHindered | None:
    """user.kod UserAttack (PFLAG_NO_FIGHT): held or blinded, it cannot swing."""
    if _held(world, player.object_id) or _blinded(world, player.object_id):
        return PlayerHindered(player.object_id, "held_no_fight")
    return None


def cast_refusal(world: World, player: Player) -> PlayerHindered | None:
    """user.kod UserCast (PFLAG_NO_MAGIC): held or blinded, it cannot cast."""
    if _held(world, player.object_id) or _blinded(world, player.object_id):
        return PlayerHindered(player.object_id, "held_no_cast")
    return None


def hold(world: World, target_id: int, duration_ms: int, events: list[WorldEvent], *, report: bool = True,
         free_action: bool = True) -> bool:
    """hold.kod DoHold: ``target_id`` (a player or a monster) is held for ``duration_ms``
    unless it is held already (or has free action, when that may help); a player reads
    its words when ``report`` (kept as the enchantment's state for its end) and its client
    freezes. Whether the hold took."""
    if world.is_enchanted(target_id, HOLD_SPELL) or HOLD_SPELL not in world.definition.spells:
        return False
    if free_action and world.enchantment_flag(target_id, FREE_ACTION):
        return False  # resisted: the hold does not take on one with free action
    started = world.enchant(target_id, HOLD_SPELL, max(1, duration_ms), Effect(flags={HELD}), state=report)
    if started.enchantment is None:
        return False
    events += started.events
    if target_id in world._players:
        if report:
            events.append(SpellTold(target_id, HOLD_SPELL, "target"))
        events.append(ScreenEffect(target_id, EFFECT_PARALYZE))
    return True


def stumble(world: World, player: Player, events: list[WorldEvent]) -> None:
    """user.kod UserMove: a player blinded by blind (not dazzle) may turn aside as it
    walks, and everyone in the room, itself too, sees it turn."""
    if not _blinded(world, player.object_id):
        return
    if not any(world.definition.spells.get(e.spell) is not None and world.definition.spells[e.spell].effect == "blind"
               for e in world.enchantments.of(player.object_id)):
        return
    rng = random.Random(f"{world.seed}:stumble:{world.tick_count}:{player.object_id}:{player.y}:{player.x}")
    angle = (player.angle + rng.randint(-rules.STUMBLE_ANGLE, rules.STUMBLE_ANGLE)) % ANGLES
    if rng.randint(1, 100) < rules.STUMBLE_CHANCE:
        player.angle = angle
        events.append(ObjectTurned(player.room, player.object_id, angle))


def eagle_eyes(world: World, caster: Thing, target_id: int, spell: SpellDefinition, seconds: int, factor: int,
               rng: random.Random, events: list[WorldEvent]) -> int | None:
    """Eagleyes.kod DoEagleEyes on a blinding spell at ``target_id``: None when it repels
    it (both are told), else the seconds it lasts, shortened by its strength."""
    strength = next((int(e.state or 0) for e in world.enchantments.of(target_id) if EAGLE_EYES in e.effect.flags), None)
    if strength is None:
        return seconds
    if rng.randint(0, 100) <= rules.eagle_eyes_evade_chance(strength, factor, spell.figure("resist_percent", rules.EAGLE_EYES_RESIST_PERCENT)):
        events += [SpellTold(target_id, spell.key, "evaded"), SpellTold(caster.object_id, spell.key, "evaded_caster")]
        return None
    events += [SpellTold(target_id, spell.key, "resisted"), SpellTold(caster.object_id, spell.key, "resisted_caster")]
    return rules.eagle_eyes_shortened(seconds, strength)


def blind(world: World, caster: Thing, target_id: int, spell: SpellDefinition, duration_ms: int, dazzle: bool,
          events: list[WorldEvent]) -> None:
    """blind.kod DoBlind, Dazzle.kod DoDazzle: a player reads it and its screen goes dark
    (white, dazzled); a monster loses whom it chased; the caster reads it took."""
    if target_id in world._players:
        events.append(SpellTold(target_id, spell.key, "target"))
        events.append(ScreenEffect(target_id, EFFECT_WHITEOUT, duration_ms) if dazzle else ScreenEffect(target_id, EFFECT_BLIND))
    else:
        monster = world._monsters.by_id.get(target_id)
        if monster is not None:
            monster.target = None
    events.append(SpellTold(caster.object_id, spell.key, "done_to", target_id))
    events += world.enchant(target_id, spell.key, duration_ms, Effect(flags={BLINDED})).events


def restarted(world: World, player_id: int) -> list[WorldEvent]:
    """A player back in the world with a hold or a blindness it logged off with: told again
    and its client frozen or darkened again (their RestartEnchantmentEffect)."""
    events: list[WorldEvent] = []
    for enchantment in reversed(world.enchantments.of(player_id)):  # oldest first, as they were put back
        spell = world.definition.spells.get(enchantment.spell)
        if spell is None:
            continue
        if enchantment.spell == HOLD_SPELL:
            events += [SpellTold(player_id, HOLD_SPELL, "target"), ScreenEffect(player_id, EFFECT_PARALYZE)]
        elif spell.effect == "blind":
            events += [SpellTold(player_id, spell.key, "target"), ScreenEffect(player_id, EFFECT_BLIND)]
        elif spell.effect == "dazzle":
            events.append(SpellTold(player_id, spell.key, "target"))
    return events


def enchantment_ended(world: World, enchantment: Enchantment, report: bool, events: list[WorldEvent]) -> None:
    """What the end of one of this family's enchantments does (their EndEnchantment)."""
    spell = world.definition.spells.get(enchantment.spell)
    if spell is not None and spell.effect == "illusionary_wounds" and report:
        _wounds_fade(world, enchantment, events)
    if spell is None or enchantment.target_id not in world._players:
        return
    player_id = enchantment.target_id
    if enchantment.spell == HOLD_SPELL:  # the client moves again; the words when the hold had its own
        events.append(ScreenEffect(player_id, EFFECT_RELEASE))
        if enchantment.state:
            events.append(SpellTold(player_id, HOLD_SPELL, "ended"))
    elif spell.effect in ("umbrella", "gaze") and report:
        events.append(SpellTold(player_id, spell.key, "ended"))
    elif spell.effect == "blind":  # sight comes back
        events.append(ScreenEffect(player_id, EFFECT_SEE))
        if report:
            events.append(SpellTold(player_id, spell.key, "ended"))
    elif spell.effect == "dazzle":  # the eyes hurt a while after, the colours come back
        if report:
            events.append(SpellTold(player_id, spell.key, "ended"))
        events += [ScreenEffect(player_id, EFFECT_PAIN, rules.DAZZLE_PAIN_MS), ScreenEffect(player_id, EFFECT_XLATOVERRIDE)]
    elif spell.effect == "karahols_curse" and report:
        # the spirit leaves and its bearer stands frozen a sixth of its time (not after a death)
        events.append(SpellTold(player_id, spell.key, "ended"))
        events += world.disenchant(player_id, HOLD_SPELL, report=False)
        hold(world, player_id, rules.karahol_hold_ms(int(enchantment.state or 0)), events, free_action=False)


def _wounds_fade(world: World, enchantment: Enchantment, events: list[WorldEvent]) -> None:
    """illwound.kod EndEnchantmentEffects: the illusion's wounds heal, on one still alive
    (not after a death, which ends it without report); a player reads it."""
    amount = int(enchantment.state or 0)
    player = world._players.get(enchantment.target_id)
    if player is not None and player.stats.health > 0:
        player.stats.health = min(player.stats.max_health, player.stats.health + amount)
        events += [SpellTold(player.object_id, enchantment.spell, "ended"), VitalsChanged(player.object_id)]
        return
    monster = world._monsters.by_id.get(enchantment.target_id)
    if monster is not None and monster.hit_points > 0:
        monster.hit_points = min(monster.max_hit_points, monster.hit_points + amount)


def gazed(world: World, attacker: Thing, bearer: Player, events: list[WorldEvent]) -> None:
    """gaze.kod ModifyDefensePower: one who swings at the bearer of the basilisk's gaze
    meets it and is held (both are told), a wielder of a ranged weapon half the time."""
    if not world.is_enchanted(bearer.object_id):
        return
    for enchantment in world.enchantments.of(bearer.object_id):
        spell = world.definition.spells.get(enchantment.spell)
        if spell is None or spell.effect != "gaze":
            continue
        rng = random.Random(f"{world.seed}:gaze:{world.tick_count}:{attacker.object_id}:{bearer.object_id}")
        if isinstance(attacker, Player):
            weapon = world.wielded_weapon(attacker.object_id)
            if weapon is not None and weapon.kind is AttackKind.RANGED and rng.randint(1, 100) < rules.GAZE_RANGED_SPARED:
                return
            events.append(SpellTold(attacker.object_id, spell.key, "gazed", bearer.object_id))
        events.append(SpellTold(bearer.object_id, spell.key, "done_to", attacker.object_id))
        hold(world, attacker.object_id, rules.gaze_hold_ms(roll_with(rng), int(enchantment.state or 0)), events)
        return


def defended(world: World, monster: Monster, player: Player, damage: int, events: list[WorldEvent]) -> int:
    """A monster's swing at a player, through the player's enchantments of this family:
    the basilisk's gaze holds the monster (:func:`gazed`); umbrella takes part of an
    undead's blow (umbrella.kod ModifyDefenseDamage)."""
    if not world.is_enchanted(player.object_id):
        return damage
    gazed(world, monster, player, events)
    if damage <= 0:
        return damage
    kind = world.definition.kinds.get(monster.kind or "")
    undead = kind is not None and kind.monster is not None and "undead" in kind.monster.behaviour
    for enchantment in world.enchantments.of(player.object_id):
        spell = world.definition.spells.get(enchantment.spell)
        if spell is not None and spell.effect == "umbrella" and undead:
            damage = rules.umbrella_warded(damage, int(enchantment.state or 0), spell.figure("reduction_factor", rules.UMBRELLA_FACTOR))
    return damage


def blow_bonus(world: World, player_id: int, roll: Roll) -> int:
    """What the attack modifiers of this family add to a landed blow (karahol.kod ModifyDamage)."""
    bonus = 0
    for enchantment in world.enchantments.of(player_id):
        spell = world.definition.spells.get(enchantment.spell)
        if spell is not None and spell.effect == "karahols_curse":
            bonus += rules.karahol_damage_bonus(roll, int(enchantment.state or 0))
    return bonus


def monster_turn(
    world: World, monster: Monster, rng: random.Random, players: Mapping[int, Player], events: list[WorldEvent],
) -> float | None:
    """A monster's turn when something hinders it (brain.kod with AI_NOMOVE, AI_MOVE_RANDOM,
    AI_NOFIGHT, AI_MOVE_FLEE_FRIGHTENERS): the milliseconds to its next turn, or None to
    act as usual."""
    monsters = world._monsters
    if not world.is_enchanted(monster.object_id):
        return None
    roll = roll_with(rng)
    if _held(world, monster.object_id):
        return monster_move_delay_ms(monster.speed, roll)  # neither moves nor fights; keeps its target
    row, col = square_of(monster.y, monster.x)
    if _blinded(world, monster.object_id):
        monster.target = None  # it no longer sees whom it chased
        if monster.moves:
            d_row, d_col, _ = STEPS[rng.randrange(len(STEPS))]
            if monsters._graph(monster.room).can_walk(row, col, row + d_row, col + d_col):
                monsters._step(monster, row, col, (d_row, d_col), events)
        return monster_move_delay_ms(monster.speed, roll)
    turner = _turner(world, monster, players)
    if turner is not None and monster.moves:
        t_row, t_col = square_of(turner.y, turner.x)
        if within(row, col, t_row, t_col, monster.vision * FRIGHT_VISION_FACTOR):
            step = flee_step(monsters.geometry.get(monster.room), monsters._room_size(monster.room), row, col, t_row, t_col)
            if step is not None:
                monsters._step(monster, row, col, step, events)
                return monster_chase_delay_ms(monster.difficulty, monster.speed, roll, step[0] != 0 and step[1] != 0)
    return None


def _turner(world: World, monster: Monster, players: Mapping[int, Player]) -> Player | None:
    """The player in the monster's room it is frightened of (turned by, and it flees such)."""
    kind = world.definition.kinds.get(monster.kind or "")
    if kind is None or kind.monster is None or "move_flee_frighteners" not in kind.monster.behaviour:
        return None
    for enchantment in world.enchantments.of(monster.object_id):
        if TURNED in enchantment.effect.flags and isinstance(enchantment.state, int):
            return players.get(enchantment.state)
    return None
