"""Attack spells (atakspel.kod and its bolts): damage to one monster or player, drawn
between the spell's two figures and scaled by the power, through the same path as a blow:
a monster's hit points, its death, body, treasure and the killer's karma and gain; on a
player, the player-killing rules first (``rules.pvp``: refusals told as for a blow, the
outlaw brand), then the victim's damage-taken rule and, at 0 health, the death of a
player killed by a player.

The target's resistances to the spell's type count (``emulator/world/resistances.py``).
Not yet: side effects (vampiric drain's
health, the client's flashes), mana focus."""

from __future__ import annotations

from typing import TYPE_CHECKING

from emulator.content.model import SpellDefinition, square_of
from emulator.rules.casting import SPELLPOWER_MAXIMUM
from emulator.rules.combat import monster_damage_taken, player_damage_taken
from emulator.rules.pvp import attack_makes_outlaw
from emulator.rules.dice import div
from emulator.rules.feedback import blow_type
from emulator.world.events import AttackResolved, MonsterKilled, PlayerAttacked, PlayerOutlawed, WorldEvent
from emulator.world.objects import Player, Thing
from emulator.world.resistances import resistance_against
from emulator.world.spells.wards import ward_damage

if TYPE_CHECKING:
    from emulator.world.world import World

__all__ = ["DAMAGE", "EFFECTS", "spell_damage"]


def spell_damage(rolled: int, power: int) -> int:
    """An attack spell's damage for a player caster: the roll scaled by (50 + power/2) / 99."""
    return div(rolled * (50 + div(power, 2)), SPELLPOWER_MAXIMUM)


class _Damage:
    def refusal(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing]) -> tuple[str, int] | None:
        target = targets[0]
        if target is caster:
            return "not_on_self", 0
        if world._monsters.by_id.get(target.object_id) is None and not isinstance(target, Player):
            return "spell_bad_target", target.object_id
        if spell.range is not None:
            row, col = square_of(caster.y, caster.x)
            t_row, t_col = square_of(target.y, target.x)
            if (row - t_row) ** 2 + (col - t_col) ** 2 > spell.range ** 2:
                return "out_of_range", target.object_id
        return None

    def apply(
        self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int, events: list[WorldEvent],
    ) -> None:
        if isinstance(targets[0], Player):
            self._hurt_player(world, caster, targets[0], spell, power, events)
            return
        monster = world._monsters.by_id.get(targets[0].object_id)
        if monster is None or monster.room != caster.room:
            return
        roll = world.roll_for("spell", caster.object_id, monster.object_id)
        if caster.kill_target != monster.object_id:  # SetKillTarget: a new fight
            caster.reset_gain_flags()
            caster.kill_target = monster.object_id
        caster.did_damage = True
        resisted = resistance_against(world, monster.object_id, 0, spell.damage_spell)
        taken = monster_damage_taken(spell_damage(roll(spell.damage_min, spell.damage_max), power), resisted)
        monster.hit_points -= taken
        kind = monster.kind or ""
        # the room heard the spell's own sound as it went off: no blow sound (atakspel.kod)
        events.append(AttackResolved(
            caster.room, caster.object_id, monster.object_id, kind, True, taken, monster.hit_points,
            damage_type=blow_type(0, spell.damage_spell), spell=spell.key,
        ))
        if monster.hit_points <= 0:
            world._monsters.remove(monster)
            now = world.game_time
            corpse = world._leave_remains(monster, now, events)
            events.append(MonsterKilled(
                monster.room, monster.object_id, kind, caster.object_id, world._karma_for_kill(caster, monster),
                corpse_id=corpse,
            ))
            world._advance_after_kill(caster, monster, roll, events)


    @staticmethod
    def _hurt_player(world: World, caster: Player, victim: Player, spell: SpellDefinition, power: int,
                     events: list[WorldEvent]) -> None:
        from emulator.world.world import _pk_status

        if victim.room != caster.room:
            return
        attacker_status, victim_status = _pk_status(caster), _pk_status(victim, world)
        if victim is not caster and attack_makes_outlaw(attacker_status, victim_status):  # not one's own spell deflected
            caster.outlaw = True
            events.append(PlayerOutlawed(caster.object_id))
        roll = world.roll_for("spell", caster.object_id, victim.object_id)
        target = victim.stats
        rolled = ward_damage(world, victim.object_id, spell_damage(roll(spell.damage_min, spell.damage_max), power), roll, spell=True,
                             typed=False)  # armor of Gort
        resisted = resistance_against(world, victim.object_id, 0, spell.damage_spell)
        taken = player_damage_taken(rolled, target.health, target.max_health, resisted,
                                    outlaw_or_murderer=not victim_status.innocent)
        target.health = max(0, target.health - taken)
        events.append(PlayerAttacked(
            caster.room, caster.object_id, victim.object_id, True, taken, target.health,
            damage_type=blow_type(0, spell.damage_spell), spell=spell.key,
        ))
        if target.health <= 0 and victim is caster:  # its own spell, deflected back
            world._player_died(victim, "", events)
        elif target.health <= 0:
            world._player_killed_player(caster, victim, attacker_status, victim_status, events)


DAMAGE = _Damage()

#: The effects of this family by their ``spells.toml`` name.
EFFECTS = {"damage": DAMAGE}
