"""Spells that strike everyone around the caster (rules: ``emulator.rules.spells.area``).

Mana bomb burns all of its caster's mana and, of every other player within its reach,
half as much raised by the power. Like every harmful spell on the room it is refused when
one of the players there may not be attacked by the caster (spell.kod CheckPlayerAttack
without targets); an innocent struck makes its caster an outlaw. Monsters lose nothing:
the original marks them so they cast no spells for a while, and monsters' spells are not
modelled."""

from __future__ import annotations

from typing import TYPE_CHECKING

from emulator.content.model import SpellDefinition, square_of
from emulator.rules.pvp import attack_makes_outlaw, attack_refusal
from emulator.rules.spells import area as rules
from emulator.world.events import PlayerAttackRefused, PlayerOutlawed, SpellReported, SpellTold, VitalsChanged, WorldEvent
from emulator.world.objects import Player, Thing

if TYPE_CHECKING:
    from emulator.world.world import World

__all__ = ["EFFECTS", "MANA_BOMB", "room_attack_refusal"]


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
    """An innocent struck by an innocent brands the caster an outlaw (as a blow does)."""
    from emulator.world.world import _pk_status

    if not caster.outlaw and attack_makes_outlaw(_pk_status(caster), _pk_status(victim)):
        caster.outlaw = True
        events.append(PlayerOutlawed(caster.object_id))


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


MANA_BOMB = _ManaBomb()

#: The effects of this family by their ``spells.toml`` name.
EFFECTS = {"mana_bomb": MANA_BOMB}
