"""The personal family's wards (persench.kod spells whose handlers do more than data):
free action and eagle eyes (flags others' holding and blinding ask, ``free_action`` and
``eagle_eyes``; eagle eyes' better aim and a point more damage with a ranged weapon), magic
shield (a defence modifier counted by fights) and armor of Gort (a blow's damage capped:
:func:`ward_damage`). Cast, refused and told as the personal enchantments are; each keeps
its strength as its state (``rules.spells.wards``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from emulator.content.model import SpellDefinition
from emulator.rules.combat import AttackKind, Weapon
from emulator.rules.dice import Roll
from emulator.rules.spells import personal
from emulator.rules.spells import wards as rules
from emulator.world.enchantments import Effect
from emulator.world.events import SpellTold, WorldEvent
from emulator.world.objects import Player, Thing
from emulator.world.spells.enchanting import PERSONAL

if TYPE_CHECKING:
    from emulator.world.world import World

__all__ = ["EFFECTS", "deflection", "ranged_damage_bonus", "ranged_offense_bonus", "ward_damage"]


class _Ward:
    def __init__(self, name: str) -> None:
        self.name = name

    def refusal(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing]) -> tuple[str, int] | None:
        return PERSONAL.refusal(world, caster, spell, targets)

    def apply(
        self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int, events: list[WorldEvent],
    ) -> None:
        target = targets[0] if targets else caster
        if not isinstance(target, Player):
            return
        roll = world.roll_for("enchant", caster.object_id, spell.number)
        fixed = rules.FIXED_DURATIONS.get(self.name)
        duration = fixed(power) if fixed is not None else personal.duration_ms(roll, spell.key, spell.duration, power)
        state = rules.STATES[self.name](power)
        modifiers = ({"defense": rules.magic_shield_defense(state)} if self.name == "magic_shield"
                     else {"light": state} if self.name == "night_vision" else {})
        started = world.enchant(target.object_id, spell.key, duration, Effect(modifiers, rules.FLAGS.get(self.name, ())),
                                state=state, caster_id=caster.object_id)
        if started.enchantment is None:
            events.append(SpellTold(caster.object_id, spell.key, "already_on", target.object_id))
            return
        events.append(SpellTold(target.object_id, spell.key, "target"))
        events += started.events
        if target is not caster:
            events.append(SpellTold(caster.object_id, spell.key, "caster", target.object_id))


def _state_of(world: World, player_id: int, effect: str) -> int | None:
    for enchantment in world.enchantments_of(player_id):
        spell = (world.definition.spells or {}).get(enchantment.spell)
        if spell is not None and spell.effect == effect and isinstance(enchantment.state, int):
            return enchantment.state
    return None


def ward_damage(world: World, victim_id: int, damage: int, roll: Roll, *, spell: bool = False, typed: bool = True) -> int:
    """A blow's or an attack spell's damage to a player after its armor of Gort, if any
    (its AssessDamage's defence modifiers, before resistances and the damage-taken rule)."""
    state = _state_of(world, victim_id, "armor_of_gort") if world.enchantments.by_target.get(victim_id) else None
    return damage if state is None or damage <= 0 else rules.gort_damage(damage, state, roll, spell=spell, typed=typed)


def deflection(
    world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int, events: list[WorldEvent],
) -> tuple[list[Thing], int]:
    """An attack spell at one player with deflect (spell.kod's TryDeflect before the cast):
    by its chance, turned back on its caster at half the power (both told); otherwise the
    bearer is told its deflect was not strong enough. The targets and power it goes off with."""
    if not (spell.harmful and spell.targets == 1 and spell.effect == "damage" and len(targets) == 1):
        return targets, power
    victim = targets[0]
    if not isinstance(victim, Player) or victim is caster or not world.enchantments.by_target.get(victim.object_id):
        return targets, power
    found = next(((e.spell, e.state) for e in world.enchantments_of(victim.object_id)
                  if (world.definition.spells or {}).get(e.spell, spell).effect == "deflect"), None)
    if found is None or not isinstance(found[1], int):
        return targets, power
    key, chance = found
    roll = world.roll_for("deflect", caster.object_id, victim.object_id)
    if rules.deflects(roll, chance):
        events += [SpellTold(victim.object_id, key, "deflected", caster.object_id),
                   SpellTold(caster.object_id, key, "deflected_back", victim.object_id)]
        return [caster], power // 2
    events.append(SpellTold(victim.object_id, key, "deflect_failed", caster.object_id))
    return targets, power


def _ranged(weapon: Weapon | None) -> bool:
    return weapon is not None and weapon.kind is AttackKind.RANGED


def ranged_offense_bonus(world: World, player_id: int, weapon: Weapon | None) -> int:
    """Eagle eyes' hit roll with a ranged weapon (its ModifyHitRoll): its strength."""
    if not _ranged(weapon) or not world.enchantments.by_target.get(player_id):
        return 0
    return _state_of(world, player_id, "eagle_eyes") or 0


def ranged_damage_bonus(world: World, player_id: int, weapon: Weapon | None) -> int:
    """Eagle eyes' extra point of damage with a ranged weapon (its ModifyDamage)."""
    if not _ranged(weapon) or not world.enchantments.by_target.get(player_id):
        return 0
    return rules.EAGLE_EYES_RANGED_DAMAGE if _state_of(world, player_id, "eagle_eyes") is not None else 0


#: The effects of this family by their ``spells.toml`` name.
EFFECTS = {name: _Ward(name) for name in ("free_action", "eagle_eyes", "magic_shield", "armor_of_gort", "deflect",
                                              "night_vision")}
