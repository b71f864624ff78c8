"""The personal family's sicknesses: enfeeble (palsy: a player loses might, super strength
ended first), dement (dementia: a player loses intellect) and vertigo (a player loses
agility, might and aim), each for a while on one player or monster. A palsied monster
(enfeeble, or vertigo on a monster) strikes and hits at three quarters (``palsied``,
asked by the monsters' fights); a demented monster carries the ``dementia`` flag, for the
monsters' spells the server does not run yet. The enchantment is kept under the spell that
gave the sickness."""

from __future__ import annotations

from typing import TYPE_CHECKING

from emulator.content.model import SpellDefinition
from emulator.rules.spells import personal
from emulator.rules.spells import sickness as rules
from emulator.world.enchantments import Effect
from emulator.world.events import SpellTold, WorldEvent
from emulator.world.objects import Player, Thing

if TYPE_CHECKING:
    from emulator.world.world import World

__all__ = ["EFFECTS", "palsied"]

#: The flag each sickness sets: what "already" is checked by (palsy from any spell).
_FLAGS = {"enfeeble": "palsy", "dement": "dementia", "vertigo": "palsy"}


def palsied(world: World, monster_id: int) -> bool:
    return bool(world.enchantments.by_target.get(monster_id)) and world.enchantment_flag(monster_id, "palsy")


class _Sickness:
    def __init__(self, name: str) -> None:
        self.name = name

    def refusal(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing]) -> tuple[str, int] | None:
        target = targets[0]
        monster = world._monsters.by_id.get(target.object_id)
        if not isinstance(target, Player) and monster is None:
            return "spell_bad_target", target.object_id
        if target is caster:
            return "not_on_self", 0
        if self.name == "vertigo":  # a player with vertigo, a monster with palsy
            if world.is_enchanted(target.object_id, spell.key) if isinstance(target, Player) else world.enchantment_flag(target.object_id, "palsy"):
                return "already_on", target.object_id
        elif world.enchantment_flag(target.object_id, _FLAGS[self.name]):
            return "already_sick", 0
        return None

    def apply(
        self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int, events: list[WorldEvent],
    ) -> None:
        target = targets[0]
        roll = world.roll_for("sickness", caster.object_id, target.object_id)
        if self.name == "vertigo":
            whole = rules.vertigo_whole_ms(power)
            duration = roll(whole // 2, whole)
        else:
            duration = personal.duration_ms(roll, spell.key, spell.duration, power) or 1
        player = isinstance(target, Player)
        if self.name == "vertigo":
            events.append(SpellTold(caster.object_id, spell.key, "dazed", target.object_id))
            if player:
                events.append(SpellTold(target.object_id, spell.key, "target"))
        else:  # the same words to both
            events.append(SpellTold(caster.object_id, spell.key, "sensed"))
            if player:
                events.append(SpellTold(target.object_id, spell.key, "sensed"))
        if self.name == "enfeeble":  # palsy ends super strength first
            dispelled = next((s.key for s in (world.definition.spells or {}).values() if s.number == spell.figure("dispels")), None)
            if dispelled is not None:
                events += world.disenchant(target.object_id, dispelled)
        if player:
            amount = rules.vertigo_amount(power) if self.name == "vertigo" else rules.sickness_amount(power)
            lost = {"enfeeble": ("might",), "dement": ("intellect",), "vertigo": ("agility", "might", "aim")}[self.name]
            effect = Effect({name: -amount for name in lost}, {_FLAGS[self.name]} if self.name != "vertigo" else ())
        else:
            effect = Effect(flags={_FLAGS[self.name]}, shown=False)
        started = world.enchant(target.object_id, spell.key, duration, effect, state=power, caster_id=caster.object_id)
        if player and self.name != "vertigo":
            events.append(SpellTold(target.object_id, spell.key, "sick"))
        events += started.events


#: The effects of this family by their ``spells.toml`` name.
EFFECTS = {name: _Sickness(name) for name in ("enfeeble", "dement", "vertigo")}
