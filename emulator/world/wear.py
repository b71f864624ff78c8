"""Wear of weapons in the world (item.kod's hits, weapon.kod WeaponHitTarget and
WeaponBroke): a weapon has hits, its most and its current, kept in its item attributes
(``max_hits`` and ``hits``, no spell: they show on a look as the condition words, not as
an attribute). A new weapon has none written: its most is drawn from its kind's
``hits_min``..``hits_max`` with a generator seeded by the item, so it stays the same until
the first blow or spell writes it down.

A player's blow that lands and does not kill wears the wielded weapon (75% of them, one
hit: battler.kod TryAttack sends DidDamage then, KilledSomething instead for a kill); at no
hits left it breaks: its other attributes come off (its curse lets go), its wielder is
told and it is put away; it stays in the pack, broken, and cannot be wielded again until
mended. Nothing is made or destroyed, so the ledger does not change (each change of the
hits is one item operation, the row rewritten). Armour does not wear yet."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from emulator.rules import wear as rules
from emulator.rules.dice import roll_with
from emulator.world.events import ItemRefused, SpellTold, WorldEvent
from emulator.world.items import Item, ItemAttribute, ItemRefusal

if TYPE_CHECKING:
    from emulator.content.model import SpellDefinition
    from emulator.world.objects import Player
    from emulator.world.world import World

__all__ = [
    "HITS", "MAX_HITS", "WEAR_WORDS_EFFECT", "break_weapon", "broken", "hits_of", "hits_range_min", "refuse_broken", "set_hits",
    "weapon_struck", "wear_spell", "wears",
]

HITS = "hits"
MAX_HITS = "max_hits"
#: Kept on a broken weapon (its end on the world clock still runs).
_KEPT = frozenset({HITS, MAX_HITS, "made"})
#: The spell whose words tell of wear (the import puts the weapons' condition words there).
WEAR_WORDS_EFFECT = "mend_item"


def _range(world: World, item: Item) -> tuple[int, int] | None:
    found = world.definition.kinds.get(item.kind or "")
    info = found.item if found is not None else None
    if info is None or info.stacks:
        return None
    least, most = info.get("hits_min") or 0, info.get("hits_max") or 0
    return (least, most) if most > 0 else None


def wears(world: World, item: Item) -> bool:
    """Whether the item has hits at all (a weapon or armour kind with a most)."""
    usage = world.items.usage(item.kind or "")
    return usage is not None and _range(world, item) is not None


def hits_range_min(world: World, item: Item) -> int:
    found = _range(world, item)
    return found[0] if found is not None else 0


def hits_of(world: World, item: Item) -> tuple[int, int]:
    """The item's (current, most) hits; (0, 0) for an item that does not wear."""
    found = _range(world, item)
    if found is None or world.items.usage(item.kind or "") is None:
        return 0, 0
    most_attr, hits_attr = item.attribute(MAX_HITS), item.attribute(HITS)
    if most_attr is not None and hits_attr is not None:
        return hits_attr.amount, most_attr.amount
    most = rules.new_hits(roll_with(random.Random(f"{world.seed}:hits:{item.object_id}")), *found)
    return most, most


def set_hits(world: World, item: Item, hits: int, max_hits: int | None = None) -> None:
    """Write the item's hits (and its most), each an item operation."""
    most = hits_of(world, item)[1] if max_hits is None else max_hits
    if item.attribute(MAX_HITS) != ItemAttribute(MAX_HITS, most):  # a blow writes only the hits
        world.items.set_attribute(item.object_id, ItemAttribute(MAX_HITS, most))
    world.items.set_attribute(item.object_id, ItemAttribute(HITS, max(0, hits)))


def broken(world: World, item: Item) -> bool:
    return wears(world, item) and hits_of(world, item)[0] <= 0


def wear_spell(world: World) -> SpellDefinition | None:
    return next((s for s in world.definition.spells.values() if s.effect == WEAR_WORDS_EFFECT), None)


def _tell(world: World, player: Player, purpose: str, item: Item, events: list[WorldEvent]) -> None:
    spell = wear_spell(world)
    if spell is not None:
        events.append(SpellTold(player.object_id, spell.key, purpose, kind=item.kind or ""))


def _wielded(world: World, player: Player) -> Item | None:
    for item in world.items.used(player.character_id):
        usage = world.items.usage(item.kind or "")
        if usage is not None and usage.weapon:
            return item
    return None


def weapon_struck(world: World, player: Player, seed: str, events: list[WorldEvent]) -> None:
    """A player's blow landed: the wielded weapon may lose a hit, and breaks at none
    left (player.kod DidDamage, weapon.kod WeaponHitTarget)."""
    weapon = _wielded(world, player)
    if weapon is None or not wears(world, weapon):
        return
    worn = rules.worn_by_blow(roll_with(random.Random(f"{world.seed}:wear:{seed}")))
    hits, most = hits_of(world, weapon)
    if not worn and weapon.attribute(HITS) is not None:
        return
    set_hits(world, weapon, hits - worn, most)
    if hits - worn <= 0:
        break_weapon(world, player, weapon, events)


def break_weapon(world: World, player: Player, weapon: Item, events: list[WorldEvent]) -> None:
    """weapon.kod WeaponBroke: its attributes come off, its wielder is told, it is put away."""
    from emulator.world import item_attributes

    glowed = weapon.attribute(item_attributes.GLOWING) is not None
    for attribute in weapon.attributes:
        if attribute.name not in _KEPT:
            world.items.remove_attribute(weapon.object_id, attribute.name)
    _tell(world, player, "weapon_broke", weapon, events)
    world.items.unuse(player.character_id, player.object_id, weapon.object_id, events)
    if glowed:
        events += item_attributes.light_changed(world, player.object_id)


def refuse_broken(world: World, player: Player, item_id: int, using: bool) -> list[WorldEvent]:
    """A broken weapon cannot be wielded (item.kod GetItemUseType: ITEM_BROKEN; weapon.kod
    ReqWeaponAttack's words)."""
    item = world.items.by_id.get(item_id)
    if not using or item is None or item.carrier != player.character_id or not broken(world, item):
        return []
    events: list[WorldEvent] = []
    _tell(world, player, "already_broken", item, events)
    # a world without the weapons' words refuses it as something that cannot be used
    return events or [ItemRefused(player.object_id, ItemRefusal.CANNOT_USE.value, item.kind or "")]
