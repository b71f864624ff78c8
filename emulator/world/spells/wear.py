"""Spells on a weapon's wear (``emulator.world.wear``): mend (mend.kod) gives an item the
caster carries back most of its hits, its most shrinking a little each time; brittle
(brittle.kod) ages the weapon another player wields, taking hits off it (never breaking
it at once), an outlaw spell."""

from __future__ import annotations

from typing import TYPE_CHECKING

from emulator.content.model import SpellDefinition
from emulator.rules import wear as rules
from emulator.world import item_attributes, wear
from emulator.world.events import SpellTold, WorldEvent
from emulator.world.items import Item
from emulator.world.objects import Player, Thing
from emulator.world.spells.itemspells import _brand, _cannot, held_by

if TYPE_CHECKING:
    from emulator.world.world import World

__all__ = ["EFFECTS"]


def _mendable(world: World, item: Item) -> bool:
    """weapon.kod, defmod.kod CanMend: weapons and armour, unless shrouded."""
    return wear.wears(world, item) and item.attribute(item_attributes.SHROUDED) is None


class _Mend:
    def refusal(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing]) -> SpellTold | None:
        if not targets:
            return None
        target = targets[0]
        if not isinstance(target, Item) or not held_by(target, caster) or not _mendable(world, target):
            return _cannot(caster, spell, target)
        hits, most = wear.hits_of(world, target)
        if hits <= 0:
            return SpellTold(caster.object_id, spell.key, "beyond_salvage", kind=target.kind or "")
        if hits == most:
            return SpellTold(caster.object_id, spell.key, "perfect", kind=target.kind or "")
        return None

    def apply(
        self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int, events: list[WorldEvent],
    ) -> None:
        target = targets[0] if targets else None
        if not isinstance(target, Item) or not wear.wears(world, target):
            return
        _, most = wear.hits_of(world, target)
        mended = rules.mended_hits(most, power)
        wear.set_hits(world, target, mended, mended)
        events.append(SpellTold(caster.object_id, spell.key, "mended", kind=target.kind or ""))


class _Brittle:
    def _weapon(self, world: World, player: Player) -> Item | None:
        for item in world.items.used(player.character_id):
            usage = world.items.usage(item.kind or "")
            if usage is not None and usage.weapon:
                return item
        return None

    def refusal(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing]) -> SpellTold | tuple[str, int] | None:
        target = targets[0] if targets else None
        if target is None:
            return None
        if not isinstance(target, Player):
            return "spell_bad_target", target.object_id
        if target is caster:
            return "not_on_self", 0
        weapon = self._weapon(world, target)
        # brittle.kod CanPayCosts, item.kod CanWeaken: a shrouded weapon is spared
        if weapon is None or not wear.wears(world, weapon) or weapon.attribute(item_attributes.SHROUDED) is not None:
            return SpellTold(caster.object_id, spell.key, "nothing")
        return None

    def apply(
        self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int, events: list[WorldEvent],
    ) -> None:
        victim = targets[0] if targets else None
        if not isinstance(victim, Player):
            return
        if spell.outlaw:
            _brand(world, caster, victim, events)
        weapon = self._weapon(world, victim)
        if weapon is None or not wear.wears(world, weapon):
            return
        roll = world.roll_for("brittle", caster.object_id, victim.object_id)
        hits, most = wear.hits_of(world, weapon)
        wear.set_hits(world, weapon, rules.brittle_hits(roll, hits, power), most)
        events.append(SpellTold(victim.object_id, spell.key, "weapon_dulled", caster.object_id, kind=weapon.kind or ""))
        events.append(SpellTold(caster.object_id, spell.key, "dulled", victim.object_id, kind=weapon.kind or ""))


#: The effects of this family by their ``spells.toml`` name.
EFFECTS = {"mend_item": _Mend(), "brittle_weapon": _Brittle()}
