"""Item attributes in the world (itematt.kod and its weapon attributes): what an item's
attributes do while it is carried and used, and their end on the world clock.

An attribute is data on the item (``items.ItemAttribute``, stored with the item's row);
the ones the spells of this family give:

* ``made`` (iamade.kod): a conjured weapon; when its time is up the item is destroyed
  (one item operation, in the ledger) and its carrier told;
* ``glowing`` (waglow.kod): while the weapon is wielded its wielder gives off light, the
  attribute's ``amount`` more (BP_LIGHT_PLAYER);
* ``enchanted`` (waench.kod): the weapon's blows are magic (ATCK_WEAP_MAGIC instead of
  _NONMAGIC);
* ``spell_type`` (waspellt.kod): the weapon's blows carry a spell type (``amount``:
  ATCK_SPELL_* bits, holy or unholy), told with that type's words;
* ``cursed`` (wacursed.kod): a wielded cursed weapon cannot be put away or dropped (the
  wielder is told it clings), until a remove curse strips it off; its blows are worse by
  twice its power in hit roll and damage;
* ``shrouded`` (iashroud.kod): the item takes no enchantment (no curse, no dedication, no
  second shroud);
* ``hit_bonus`` (spirhamm.kod's piHitBonus): the weapon's blows aim better by ``amount``.

Each tells the carrier when it wears off, in the words of the spell that gave it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from emulator.rules.combat import WeaponDamage
from emulator.rules.spells import itemspells as rules
from emulator.world.events import ObjectChanged, PlayerLightChanged, SpellTold, WorldEvent
from emulator.world.items import Item, ItemAttribute

if TYPE_CHECKING:
    from emulator.world.objects import Player
    from emulator.world.world import World

__all__ = [
    "CURSED", "ENCHANTED", "GLOWING", "MADE", "SPELL_TYPE", "blow_penalties", "can_enchant", "clinging", "cursed_in_use", "glow_light",
    "light_changed", "light_news", "run", "weapon_attack_type", "weapon_spell_type",
]

MADE = "made"
GLOWING = "glowing"
ENCHANTED = "enchanted"
SPELL_TYPE = "spell_type"
CURSED = "cursed"
SHROUDED = "shrouded"
HIT_BONUS = "hit_bonus"

#: The words an attribute's end is told with (the spell's ``item_ended``).
ENDED = "item_ended"
#: The words a cursed weapon that will not leave the hand is told with.
CLINGS = "item_clings"


def _used_weapons(world: World, player: Player) -> list[Item]:
    found = []
    for item in world.items.used(player.character_id):
        usage = world.items.usage(item.kind or "")
        if usage is not None and usage.weapon:
            found.append(item)
    return found


def glow_light(world: World, player: Player) -> int:
    """The light a player's wielded glowing weapons add (waglow.kod ItemUsed: GainLight)."""
    return sum(found.amount for item in _used_weapons(world, player) if (found := item.attribute(GLOWING)) is not None)


def weapon_spell_type(world: World, player: Player) -> int:
    """The spell type of the wielded weapon's blows (weapon.kod GetAttackSpell); 0: none."""
    for item in _used_weapons(world, player):
        found = item.attribute(SPELL_TYPE)
        if found is not None:
            return found.amount
    return 0


def weapon_attack_type(world: World, player: Player, attack_type: int) -> int:
    """The wielded weapon's attack type with its enchantment: magic, not nonmagic."""
    if any(item.attribute(ENCHANTED) is not None for item in _used_weapons(world, player)):
        return (attack_type | WeaponDamage.MAGIC) & ~WeaponDamage.NONMAGIC
    return attack_type


def blow_penalties(world: World, player: Player) -> tuple[int, int]:
    """What the wielded weapon's attributes take off a blow: (hit roll, damage); a curse's
    (wacursed.kod ModifyHitRoll, ModifyDamage) less a hit bonus; (0, 0) without either."""
    hit = damage = 0
    for item in _used_weapons(world, player):
        curse = item.attribute(CURSED)
        if curse is not None:
            hit, damage = rules.curse_penalties(curse.amount)
        bonus = item.attribute(HIT_BONUS)
        if bonus is not None:
            hit -= bonus.amount
        break  # one weapon in hand
    return hit, damage


def can_enchant(item: Item) -> bool:
    """Whether an item takes an enchantment (item.kod CanEnchant: a shroud refuses it; a
    spiritual hammer never does)."""
    return item.attribute(SHROUDED) is None and (item.kind or "") not in rules.NEVER_ENCHANTED


def clinging(world: World, player: Player, item_id: int, using: bool) -> list[WorldEvent]:
    """A cursed weapon in use stays on its user: putting it away or dropping it (``using``
    False), or using another that would take its place, is refused with the curse's words
    (wacursed.kod ItemReqUnuse, ItemReqLeaveOwner). Nothing when nothing clings."""
    item = world.items.by_id.get(item_id)
    if item is None or item.carrier != player.character_id:
        return []
    held = [item] if not using else []
    if using and not item.used:
        usage = world.items.usage(item.kind or "")
        for other in world.items.used(player.character_id):
            other_usage = world.items.usage(other.kind or "")
            if usage is not None and (other_usage is None or usage.conflicts(other_usage)):
                held.append(other)
    for found in held:
        curse = cursed_in_use(found)
        if curse is not None:
            return [SpellTold(player.object_id, curse.spell, CLINGS, kind=found.kind or "")]
    return []


def cursed_in_use(item: Item) -> ItemAttribute | None:
    """The curse that keeps a used item on its user (wacursed.kod ItemReqUnuse,
    ItemReqLeaveOwner), if any."""
    return item.attribute(CURSED) if item.used else None


def light_news(world: World, player_id: int, events: list[WorldEvent]) -> None:
    """After wielding or putting away: the player's light changes if a glowing weapon came
    on or off (waglow.kod ItemUsed, ItemUnused)."""
    from emulator.world.events import ItemUnused, ItemUsed

    for event in events:
        if isinstance(event, ItemUsed | ItemUnused) and event.player_id == player_id:
            item = world.items.by_id.get(event.item_id)
            if item is not None and item.attribute(GLOWING) is not None:
                events += light_changed(world, player_id)
                return


def light_changed(world: World, player_id: int) -> list[WorldEvent]:
    """The player's own light and, for the others in its room, its flicker (the room's
    SomethingChanged of the wielder)."""
    player = world._players.get(player_id)
    if player is None:
        return []
    return [PlayerLightChanged(player_id), ObjectChanged(player.room, player_id)]


def owner_of(world: World, item: Item) -> Player | None:
    """The player in the world carrying the item (not one storing it in a vault)."""
    if item.carrier is None or item.vault is not None:
        return None
    return world.player_by_character(item.carrier)


def run(world: World, events: list[WorldEvent]) -> None:
    """The attributes whose time is up end (each attribute's TimerExpired)."""
    now_ms = round(world.game_time * 1000)
    for item, attribute in world.items.attributes_due(now_ms):
        end(world, item, attribute, events)


def end(world: World, item: Item, attribute: ItemAttribute, events: list[WorldEvent]) -> None:
    """An attribute ends: a made item vanishes; any other comes off (a glow's light with
    it). The carrier is told, by the words of the spell that gave it."""
    owner = owner_of(world, item)
    glowed = attribute.name == GLOWING and item.used
    if owner is not None and attribute.spell:
        events.append(SpellTold(owner.object_id, attribute.spell, ENDED, kind=item.kind or ""))
    if attribute.name == MADE:
        world.items.destroy(item.object_id, f"spell {attribute.spell}"[:32], events,
                            player_id=owner.object_id if owner is not None else None)
    else:
        world.items.remove_attribute(item.object_id, attribute.name)
    if glowed and owner is not None:
        events += light_changed(world, owner.object_id)
