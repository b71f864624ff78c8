"""Minor heal and the gifts of health, mana and vigor (rules: ``emulator.rules.spells.vitals``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from emulator.content.model import SpellDefinition
from emulator.rules.kills import karma_change_from_act
from emulator.rules.spells import vitals as rules
from emulator.rules.vitals import health_after_gain, health_after_heal
from emulator.world.events import SpellTold, VitalsChanged, WorldEvent
from emulator.world.objects import Player, Thing

if TYPE_CHECKING:
    from emulator.world.world import World

__all__ = ["EFFECTS", "GIFT", "HEAL"]


def _vitals(world: World, player: Player | None) -> rules.Vitals | None:
    if player is None:
        return None
    from emulator.world.world import _pk_status

    stats = player.stats
    return rules.Vitals(
        stats.health, stats.max_health, stats.mana, stats.max_mana, stats.vigor, stats.karma,
        pkill_enabled=_pk_status(player).pkill_enabled,
    )


def _told(refusal: rules.Refusal, target: Thing) -> tuple[str, int]:
    if refusal is rules.Refusal.BAD_TARGET:
        return "spell_bad_target", target.object_id
    return refusal.value, target.object_id if refusal is rules.Refusal.UNNECESSARY else 0


class _Heal:
    def refusal(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing]) -> tuple[str, int] | None:
        target = targets[0]
        refusal = rules.heal_refusal(_vitals(world, target if isinstance(target, Player) else None))
        return None if refusal is None else _told(refusal, target)

    def apply(
        self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int, events: list[WorldEvent],
    ) -> None:
        target = targets[0]
        vitals = _vitals(world, target if isinstance(target, Player) else None)
        if vitals is None or not isinstance(target, Player):
            return
        roll = world.roll_for("heal", caster.object_id, target.object_id)
        amount = rules.heal_amount(roll, power, vitals)
        if target is not caster:
            events.append(SpellTold(caster.object_id, spell.key, "caster", target.object_id))
            # healing a better soul earns a little karma (heal.kod, CalculateKarmaChangeFromAct)
            if caster.stats.karma < target.stats.karma:
                world._add_karma(caster, karma_change_from_act(caster.stats.karma, target.stats.karma, 1))
        events.append(SpellTold(target.object_id, spell.key, "target"))
        stats = target.stats
        stats.health = health_after_heal(stats.health, stats.max_health, amount)
        events.append(VitalsChanged(target.object_id))


class _Gift:
    """The caster gives of its own health, mana or vigor to another player."""

    def refusal(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing]) -> tuple[str, int] | None:
        target = targets[0]
        given = _vitals(world, caster)
        assert given is not None
        refusal = rules.gift_refusal(
            spell.effect, spell.mana or 0, given, _vitals(world, target if isinstance(target, Player) else None), target is caster,
        )
        return None if refusal is None else _told(refusal, target)

    def apply(
        self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int, events: list[WorldEvent],
    ) -> None:
        target = targets[0]
        giver, taker = _vitals(world, caster), _vitals(world, target if isinstance(target, Player) else None)
        if giver is None or taker is None or not isinstance(target, Player):
            return
        events.append(SpellTold(caster.object_id, spell.key, "caster", target.object_id))
        events.append(SpellTold(target.object_id, spell.key, "target"))
        mine, theirs = caster.stats, target.stats
        if spell.effect == "give_mana":
            amount = rules.give_mana(power, spell.mana or 0, giver, taker)
            mine.mana = max(0, mine.mana - amount)
            theirs.mana += amount
        elif spell.effect == "give_health":
            lost, gained = rules.give_health(power, giver, taker)
            mine.health -= lost
            theirs.health = health_after_gain(theirs.health, theirs.max_health, gained)
        else:
            taken, shed = rules.give_vigor(power, giver, taker)
            world._exert(caster, taken)
            world._exert(target, -shed)
        events += [VitalsChanged(caster.object_id), VitalsChanged(target.object_id)]


HEAL = _Heal()
GIFT = _Gift()

#: The effects of this family by their ``spells.toml`` name.
EFFECTS = {"heal": HEAL, "give_mana": GIFT, "give_health": GIFT, "give_vigor": GIFT}
