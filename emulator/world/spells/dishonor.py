"""Mark of dishonor (dishonor.kod): on a player, its health cut to its natural maximum
and, if it is evil, twenty points of its vigor spent and its rest threshold lowered the more the
more evil (:func:`rest_threshold`, asked by resting) while it lasts; on a monster, the
monster turns on the caster."""

from __future__ import annotations

from typing import TYPE_CHECKING

from emulator.content.model import SpellDefinition
from emulator.rules.spells import sickness as rules
from emulator.rules.vitals import DEFAULT_VIGOR_REST_THRESHOLD
from emulator.world.enchantments import Effect
from emulator.world.events import SpellTold, VitalsChanged, WorldEvent
from emulator.world.objects import Player, Thing

if TYPE_CHECKING:
    from emulator.world.world import World

__all__ = ["DISHONOR", "EFFECTS", "rest_threshold"]


def rest_threshold(world: World, player: Player) -> int:
    """The vigor resting brings the player back to: the default, less its marks' drops."""
    found = world.enchantments.by_target.get(player.object_id)
    if not found:
        return DEFAULT_VIGOR_REST_THRESHOLD
    spells = world.definition.spells or {}
    drop = sum(e.state for e in found if isinstance(e.state, int) and getattr(spells.get(e.spell), "effect", "") == "dishonor")
    low, high = rules.REST_THRESHOLD_BOUNDS
    return max(low, min(high, DEFAULT_VIGOR_REST_THRESHOLD - drop))


class _Dishonor:
    def refusal(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing]) -> tuple[str, int] | None:
        target = targets[0]
        if target is caster:
            return "not_on_self", 0
        if not isinstance(target, Player) and world._monsters.by_id.get(target.object_id) is None:
            return "spell_bad_target", target.object_id
        if world.is_enchanted(target.object_id, spell.key):
            return "already_on", target.object_id
        return None

    def apply(
        self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int, events: list[WorldEvent],
    ) -> None:
        target = targets[0]
        base, per = spell.figure("base_ms", 120_000), spell.figure("per_power_ms", 4000)
        if isinstance(target, Player):
            stats = target.stats
            drop = rules.dishonor_threshold_drop(stats.karma, rest_threshold(world, target), spell.figure("lowest_threshold", 10),
                                                 spell.figure("max_evil", -100))
            if stats.karma < 0:
                world._exert(target, rules.DISHONOR_EXERTION)
                events.append(SpellTold(caster.object_id, spell.key, "vigor_affected", target.object_id))
            stats.health = min(stats.health, stats.base_max_health)  # NewHealth: no more than its natural maximum
            started = world.enchant(target.object_id, spell.key, base + per * power, Effect(), state=drop, caster_id=caster.object_id)
            events.append(SpellTold(target.object_id, spell.key, "target"))
            events += started.events
            events.append(VitalsChanged(target.object_id))
        else:
            monster = world._monsters.by_id.get(target.object_id)
            if monster is None:
                return
            monster.target = caster.object_id  # TargetSwitch and EnterStateAttack: it comes for the caster
            events += world.enchant(monster.object_id, spell.key, base, Effect(shown=False), caster_id=caster.object_id).events
        events.append(SpellTold(caster.object_id, spell.key, "caster", target.object_id))


DISHONOR = _Dishonor()

#: The effects of this family by their ``spells.toml`` name.
EFFECTS = {"dishonor": DISHONOR}
