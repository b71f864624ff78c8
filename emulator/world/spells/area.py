"""Spells that strike everyone around the caster (rules: ``emulator.rules.spells.area``).

Mana bomb burns all of its caster's mana and, of every other player within its reach,
half as much raised by the power. Like every harmful spell on the room it is refused when
one of the players there may not be attacked by the caster (spell.kod CheckPlayerAttack
without targets); an innocent struck makes its caster an outlaw. Monsters lose nothing:
the original marks them so they cast no spells for a while, and monsters' spells are not
modelled.

Earthquake shakes its caster's room: the caster is hurt by a draw times its severity (one
and one more per 25 of power), then every other player and monster there by the same,
whole near the caster and falling off to nothing farther away, each told in the spell's
words, a kill a kill by the caster (the players' brands, the monsters' rewards). Not yet:
its rumble and its own sound (the room hears the school's), the guild halls' foyer, the
bosses spared by quakes not of a player, monsters noticing it."""

from __future__ import annotations


from typing import TYPE_CHECKING

from emulator.content.model import SpellDefinition, square_of
from emulator.rules.combat import monster_damage_taken, player_damage_taken
from emulator.rules.feedback import blow_type
from emulator.rules.pvp import attack_refusal
from emulator.rules.spells import area as rules
from emulator.world.events import (
    AttackResolved, MonsterKilled, PlayerAttackRefused, SpellReported, SpellTold, VitalsChanged, WorldEvent,
)
from emulator.world.objects import Player, Thing

if TYPE_CHECKING:
    from emulator.world.world import World

__all__ = ["EARTHQUAKE", "EFFECTS", "MANA_BOMB", "room_attack_refusal"]


def room_attack_refusal(world: World, caster: Player) -> PlayerAttackRefused | None:
    """The first player in the caster's room it may not attack (CheckPlayerAttack for a
    spell on the whole room), told as a refused blow."""
    from emulator.world.world import _pk_status

    flags = world.definition.rooms[caster.room].flags
    for other in world.players_here(caster.room):
        if other is caster:
            continue
        refusal = attack_refusal(_pk_status(caster), _pk_status(other), caster.safety, flags, world.rules.player_killing)
        if refusal is not None:
            return PlayerAttackRefused(caster.object_id, other.object_id, refusal.value)
    return None


def _struck(world: World, caster: Player, events: list[WorldEvent], victim: Player) -> None:
    """A player struck: the time is recorded, and an innocent struck by an innocent
    brands the caster an outlaw (as a blow does)."""
    from emulator.world.world import brand_attacker

    caster.attacked_player_at = world.game_time
    brand_attacker(caster, victim, events)


class _ManaBomb:
    def refusal(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing]) -> tuple[str, int] | WorldEvent | None:
        if caster.stats.mana < spell.figure("mana_needed"):  # its own check: it costs no mana itself
            return SpellTold(caster.object_id, spell.key, "spell_no_mana", fail_sound=True)
        return room_attack_refusal(world, caster)

    def apply(
        self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int, events: list[WorldEvent],
    ) -> None:
        burnt = caster.stats.mana
        caster.stats.mana = 0
        events.append(VitalsChanged(caster.object_id))
        for hearer in world.players_in(caster.room):  # said to the room
            events.append(SpellReported(hearer.object_id, spell.key, "room", (("cap_object", caster.object_id),)))
        taken = rules.mana_bomb_burn(burnt, power)
        reach = rules.mana_bomb_reach(power, spell.figure("reach"), spell.figure("reach_per", 1))
        row, col = square_of(caster.y, caster.x)
        for victim in world.players_in(caster.room):
            v_row, v_col = square_of(victim.y, victim.x)
            if victim is caster or not rules.within_reach(row - v_row, col - v_col, reach):
                continue
            _struck(world, caster, events, victim)
            victim.stats.mana = max(0, victim.stats.mana - taken)
            events.append(SpellReported(victim.object_id, spell.key, "all_gone" if victim.stats.mana == 0 else "some_gone"))
            events.append(VitalsChanged(victim.object_id))


class _Earthquake:
    def refusal(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing]) -> WorldEvent | None:
        return room_attack_refusal(world, caster)

    def apply(
        self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int, events: list[WorldEvent],
    ) -> None:
        from emulator.world.world import _pk_status

        room = caster.room
        roll = world.roll_for("quake", caster.object_id)
        severity = rules.earthquake_severity(power, spell.figure("severity_per", 1))
        row, col = square_of(caster.y, caster.x)

        def damage(thing: Thing) -> int:
            t_row, t_col = square_of(thing.y, thing.x)
            return rules.earthquake_damage(roll, spell.damage_min, spell.damage_max, severity,
                                           (row - t_row) ** 2 + (col - t_col) ** 2,
                                           spell.figure("full_distance"), spell.figure("zero_distance"))

        victims = [p for p in world.players_in(room) if p is not caster]
        monsters = [m for m in world.monsters() if m.room == room]
        # the caster first, whole
        stats = caster.stats
        stats.health = max(0, stats.health - player_damage_taken(
            damage(caster), stats.health, stats.base_max_health, outlaw_or_murderer=not _pk_status(caster).innocent))
        events.append(VitalsChanged(caster.object_id))
        if stats.health <= 0:
            events.append(SpellReported(caster.object_id, spell.key, "killed_self"))
            world._player_died(caster, "", events)
        else:
            events.append(SpellReported(caster.object_id, spell.key, "shaken"))
            events.append(SpellReported(caster.object_id, spell.key, "first"))
        shaker = ("cap_object", caster.object_id)
        for victim in victims:
            events.append(SpellReported(victim.object_id, spell.key, "third", (shaker, ("his_her", caster.object_id))))
        for victim in victims:
            if victim.room != room:
                continue
            status, victim_status = _pk_status(caster), _pk_status(victim)
            _struck(world, caster, events, victim)
            health = victim.stats
            health.health = max(0, health.health - player_damage_taken(
                damage(victim), health.health, health.base_max_health, outlaw_or_murderer=not victim_status.innocent))
            events.append(VitalsChanged(victim.object_id))
            if health.health <= 0:
                named = (("object", victim.object_id), ("he_she", victim.object_id))
                world._player_killed_player(caster, victim, status, victim_status, events, spell.key)
                events.append(SpellReported(caster.object_id, spell.key, "killed_someone", named))
            else:
                events.append(SpellReported(victim.object_id, spell.key, "shaken"))
                events.append(SpellReported(caster.object_id, spell.key, "hit",
                                            (("cap_object", victim.object_id), ("his_her", victim.object_id))))
        for monster in monsters:
            if world._monsters.by_id.get(monster.object_id) is None:
                continue
            if caster.kill_target != monster.object_id:  # SetKillTarget: a new fight
                caster.reset_gain_flags()
                caster.kill_target = monster.object_id
            caster.did_damage = True
            taken = monster_damage_taken(damage(monster))
            monster.hit_points -= taken
            kind = monster.kind or ""
            events.append(AttackResolved(
                room, caster.object_id, monster.object_id, kind, True, taken, monster.hit_points,
                damage_type=blow_type(0, spell.damage_spell), spell=spell.key,
            ))
            if monster.hit_points <= 0:
                world._monsters.remove(monster)
                corpse = world._leave_remains(monster, world.game_time, events)
                events.append(MonsterKilled(
                    room, monster.object_id, kind, caster.object_id, world._karma_for_kill(caster, monster), corpse_id=corpse,
                ))
                world._advance_after_kill(caster, monster, roll, events)


MANA_BOMB = _ManaBomb()
EARTHQUAKE = _Earthquake()

#: The effects of this family by their ``spells.toml`` name.
EFFECTS = {"mana_bomb": MANA_BOMB, "earthquake": EARTHQUAKE}
