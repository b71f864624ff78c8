"""Spells on items: create weapon (creaweap.kod) conjures a weapon that vanishes later;
glow (glow.kod) makes a weapon shine like a torch for its wielder; enchant weapon,
holy weapon and unholy weapon (enchwp.kod, holywp.kod, unholywp.kod) dedicate a weapon
for hours (its blows magic, holy or unholy); curse weapon (cursewp.kod) curses one;
remove curse (remcurse.kod) strips a player's cursed weapons off; shroud (shroud.kod)
keeps enchantments off an item; spiritual hammer (creasphm.kod) conjures a holy hammer;
identify and reveal (identify.kod, reveal.kod) show an item whole; shatter (shatter.kod)
breaks a player's item and swap (swap.kod) trades one of the caster's for one of the
victim's. What the attributes do while they last and their end are in
``emulator.world.item_attributes``.

A spell on an item aims at one the caster carries or one on the ground of its room
(glow also at a player: at its wielded weapon)."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from emulator.content.model import SpellDefinition
from emulator.rules.dice import Roll
from emulator.rules.spells import itemspells as rules
from emulator.world import item_attributes as attributes
from emulator.world.events import ItemShown, ItemsSwapped, SpellTold, WorldEvent
from emulator.world.items import Handover, Item, ItemAttribute
from emulator.world.objects import Player, Thing

if TYPE_CHECKING:
    from emulator.world.world import World

__all__ = ["EFFECTS", "held_by", "held_target"]


def held_target(world: World, caster: Player, object_id: int) -> Item | None:
    """An item the caster carries, aimed at from its inventory (a number item's id comes
    tagged by the client)."""
    item = world.items.by_id.get(object_id & 0x0FFF_FFFF)
    return item if item is not None and held_by(item, caster) else None


def held_by(target: Thing, caster: Player) -> bool:
    """Whether ``target`` is an item the caster carries (in range of its spells)."""
    return isinstance(target, Item) and target.carrier == caster.character_id and target.vault is None


def _roll(world: World, caster: Player, spell: SpellDefinition) -> Roll:
    return world.roll_for("item spell", caster.object_id, spell.number)


def _now_ms(world: World) -> int:
    return round(world.game_time * 1000)


def _is_weapon(world: World, thing: Thing) -> bool:
    if not isinstance(thing, Item):
        return False
    usage = world.items.usage(thing.kind or "")
    return usage is not None and usage.weapon


def _wielded(world: World, player: Player) -> Item | None:
    for item in world.items.used(player.character_id):
        if _is_weapon(world, item):
            return item
    return None


def _cannot(caster: Player, spell: SpellDefinition, target: Thing) -> SpellTold:
    """The spell's words for a target it does not take: the item, or what else was aimed at."""
    if isinstance(target, Item):
        return SpellTold(caster.object_id, spell.key, "item_cannot", kind=target.kind or "")
    return SpellTold(caster.object_id, spell.key, "item_cannot", target.object_id)


def _wielder(world: World, item: Item) -> Player | None:
    owner = attributes.owner_of(world, item)
    return owner if owner is not None and item.used else None


class _CreateWeapon:
    def refusal(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing]) -> None:
        return None  # it takes no target

    def apply(
        self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int, events: list[WorldEvent],
    ) -> None:
        kind = rules.created_weapon(_roll(world, caster, spell), power)
        if kind not in world.definition.kinds:
            return  # a world without that weapon: nothing appears
        made = world.items.make(caster.character_id, caster.object_id, kind, None, caster.stats.might, f"spell {spell.key}", events)
        if made is None:
            events.append(SpellTold(caster.object_id, spell.key, "hands_full", kind=kind))
            return
        events.append(SpellTold(caster.object_id, spell.key, "made", kind=kind))
        due = _now_ms(world) + rules.created_weapon_duration_ms(power)
        world.items.set_attribute(made.object_id, ItemAttribute(attributes.MADE, due_ms=due, spell=spell.key))


class _GlowWeapon:
    """glow.kod: at a weapon, or at a player's wielded one; a weaker glow than one already
    on it is refused, a stronger one replaces it."""

    def _weapon(self, world: World, caster: Player, spell: SpellDefinition, target: Thing) -> Item | SpellTold:
        if isinstance(target, Player):
            wielded = _wielded(world, target)
            return wielded if wielded is not None else SpellTold(caster.object_id, spell.key, "no_weapon", target.object_id)
        if not _is_weapon(world, target):
            return _cannot(caster, spell, target)
        assert isinstance(target, Item)
        return target

    def _light(self, world: World, caster: Player, spell: SpellDefinition, power: int) -> int:
        return rules.glow_light(_roll(world, caster, spell), power)

    def refusal(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing]) -> SpellTold | None:
        if not targets:
            return None
        weapon = self._weapon(world, caster, spell, targets[0])
        if isinstance(weapon, SpellTold):
            return weapon
        from emulator.world.casting import _power

        current = weapon.attribute(attributes.GLOWING)
        if current is not None and current.amount >= self._light(world, caster, spell, _power(world, caster, spell)):
            return SpellTold(caster.object_id, spell.key, "already_stronger")
        return None

    def apply(
        self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int, events: list[WorldEvent],
    ) -> None:
        weapon = self._weapon(world, caster, spell, targets[0]) if targets else None
        if not isinstance(weapon, Item):
            return
        roll = _roll(world, caster, spell)
        light = self._light(world, caster, spell, power)
        due = _now_ms(world) + rules.glow_duration_ms(roll, power)
        world.items.set_attribute(weapon.object_id, ItemAttribute(attributes.GLOWING, light, due, spell.key))
        events.append(SpellTold(caster.object_id, spell.key, "item_done", kind=weapon.kind or ""))
        wielder = _wielder(world, weapon)
        if wielder is not None:
            if wielder is not caster:
                events.append(SpellTold(wielder.object_id, spell.key, "your", kind=weapon.kind or ""))
            events += attributes.light_changed(world, wielder.object_id)


class _DedicateWeapon:
    """enchwp.kod, holywp.kod, unholywp.kod: a weapon dedicated for hours, its blows magic
    (no spell type) or of the spell type (``figures.spell_type``)."""

    def _attribute(self, spell: SpellDefinition) -> str:
        return attributes.SPELL_TYPE if spell.figure("spell_type") else attributes.ENCHANTED

    def refusal(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing]) -> SpellTold | None:
        if not targets:
            return None
        target = targets[0]
        if not _is_weapon(world, target):
            return _cannot(caster, spell, target)
        assert isinstance(target, Item)
        spell_type = spell.figure("spell_type")
        current = target.attribute(self._attribute(spell))
        if current is not None and (not spell_type or current.amount & spell_type):
            return SpellTold(caster.object_id, spell.key, "item_already")
        return None

    def apply(
        self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int, events: list[WorldEvent],
    ) -> None:
        target = targets[0] if targets else None
        if target is None or not isinstance(target, Item) or not _is_weapon(world, target):
            return
        if not attributes.can_enchant(target):  # enchwp.kod CastSpell: a shrouded weapon resists (the costs are paid)
            events.append(SpellTold(caster.object_id, spell.key, "resists", kind=target.kind or ""))
            return
        name = self._attribute(spell)
        # itematt.kod AddToItem adds none of a kind already there: a weapon holy already
        # stays holy when made unholy, though the caster is told it took
        if target.attribute(name) is None:
            due = _now_ms(world) + rules.dedication_duration_ms(_roll(world, caster, spell), power)
            world.items.set_attribute(target.object_id, ItemAttribute(name, spell.figure("spell_type"), due, spell.key))
        events.append(SpellTold(caster.object_id, spell.key, "dedicated", kind=target.kind or ""))


class _CurseWeapon:
    """cursewp.kod: a weapon cursed for hours, unidentified; a cursed one resists."""

    def refusal(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing]) -> SpellTold | None:
        target = targets[0] if targets else None
        if target is not None and (not isinstance(target, Item) or not _is_weapon(world, target) or not attributes.can_enchant(target)):
            return _cannot(caster, spell, target)
        return None

    def apply(
        self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int, events: list[WorldEvent],
    ) -> None:
        target = targets[0] if targets else None
        if target is None or not isinstance(target, Item):
            return
        if target.attribute(attributes.CURSED) is not None or not attributes.can_enchant(target):
            events.append(SpellTold(caster.object_id, spell.key, "resists", kind=target.kind or ""))
            return
        roll = _roll(world, caster, spell)
        amount = rules.curse_power(roll, power)
        due = _now_ms(world) + rules.bound_curse_duration_ms(roll, power)
        # given unidentified (itematt.kod AddToItem with a random generation)
        world.items.set_attribute(target.object_id, ItemAttribute(attributes.CURSED, amount, due, spell.key, hidden=True))
        events.append(SpellTold(caster.object_id, spell.key, "item_done", kind=target.kind or ""))


class _ShroudItem:
    """shroud.kod: any item, for hours, takes no enchantment, swap or shatter while shrouded."""

    def refusal(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing]) -> SpellTold | None:
        if targets and (not isinstance(targets[0], Item) or not attributes.can_enchant(targets[0])):
            return _cannot(caster, spell, targets[0])
        return None

    def apply(
        self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int, events: list[WorldEvent],
    ) -> None:
        target = targets[0] if targets else None
        if not isinstance(target, Item):
            return
        if not attributes.can_enchant(target):  # shrouded in the meantime (a trance)
            events.append(SpellTold(caster.object_id, spell.key, "resists", kind=target.kind or ""))
            return
        roll = _roll(world, caster, spell)
        amount = rules.shroud_power(roll, power)
        due = _now_ms(world) + rules.shroud_duration_ms(roll, power)
        world.items.set_attribute(target.object_id, ItemAttribute(attributes.SHROUDED, amount, due, spell.key))
        events.append(SpellTold(caster.object_id, spell.key, "dedicated", kind=target.kind or ""))


class _CreateSpiritualHammer:
    """creasphm.kod: a spiritual hammer in the caster's hands, holy and aiming better by
    half again the power, for 10 minutes and a half minute a point of power."""

    def refusal(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing]) -> None:
        return None

    def apply(
        self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int, events: list[WorldEvent],
    ) -> None:
        kind = rules.SPIRITUAL_HAMMER
        if kind not in world.definition.kinds:
            return
        made = world.items.make(caster.character_id, caster.object_id, kind, None, caster.stats.might, f"spell {spell.key}", events)
        if made is None:
            events.append(SpellTold(caster.object_id, spell.key, "hands_full", kind=kind))
            return
        events.append(SpellTold(caster.object_id, spell.key, "made", kind=kind))
        minutes = spell.figure("minutes") + spell.figure("minutes_per_100_power") * power // 100
        due = _now_ms(world) + minutes * rules.MINUTE_MS
        for attribute in (ItemAttribute(attributes.MADE, due_ms=due, spell=spell.key),
                          ItemAttribute(attributes.SPELL_TYPE, rules.SPIRITUAL_HAMMER_SPELL_TYPE, spell=spell.key),
                          ItemAttribute(attributes.HIT_BONUS, rules.spiritual_hammer_hit_bonus(power), spell=spell.key)):
            world.items.set_attribute(made.object_id, attribute)


class _IdentifyItem:
    """identify.kod, reveal.kod: the caster looks at an item it carries or that lies in
    its room and sees all its attributes; the hidden ones are identified for good (the
    original's hiding them again after the look finds none left hidden)."""

    def refusal(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing]) -> SpellTold | None:
        if targets and not isinstance(targets[0], Item):
            return _cannot(caster, spell, targets[0])
        return None

    def apply(
        self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int, events: list[WorldEvent],
    ) -> None:
        target = targets[0] if targets else None
        if not isinstance(target, Item):
            return
        events.append(SpellTold(caster.object_id, spell.key, "looking", kind=target.kind or ""))
        world.items.reveal(target.object_id)
        events.append(ItemShown(caster.object_id, target.object_id, every_attribute=True))


def _value(world: World, item: Item) -> int:
    """What an item is worth, to pick the best of those drawn (item.kod GetValue: its kind's)."""
    info = world.definition.kinds[item.kind or ""].item
    return (info.get("value") or 0) if info is not None else 0


def _random_item(world: World, player: Player, roll: Roll) -> Item | None:
    """holder.kod GetRandomItem: any item the player carries, each as likely."""
    carried = world.items.carried(player.character_id)
    return carried[roll(1, len(carried)) - 1] if carried else None


def _can_leave(item: Item) -> bool:
    """item.kod ReqLeaveOwner, CanSwap, CanShatter: a cursed item in use stays, a
    shrouded one is spared."""
    return attributes.cursed_in_use(item) is None and item.attribute(attributes.SHROUDED) is None


def _pointed(caster: Player, spell: SpellDefinition, victim: Player, events: list[WorldEvent]) -> None:
    """Nothing happened: both are told the caster pointed in vain."""
    events.append(SpellTold(caster.object_id, spell.key, "point_failed", victim.object_id))
    events.append(SpellTold(victim.object_id, spell.key, "pointed_at", caster.object_id))


def _brand(world: World, caster: Player, victim: Player, events: list[WorldEvent]) -> None:
    """An outlaw spell at an innocent brands its caster an outlaw, as a blow does."""
    from emulator.world.world import brand_attacker

    brand_attacker(caster, victim, events)


def _light_after(world: World, events: list[WorldEvent], *players: Player) -> None:
    for player in players:
        attributes.light_news(world, player.object_id, events)


class _ShatterItems:
    """shatter.kod: of a few items drawn from a player's inventory, the most valuable
    shatters (a pile loses part of itself); one operation, in the ledger."""

    def refusal(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing]) -> tuple[str, int] | None:
        if targets and not isinstance(targets[0], Player):
            return "spell_bad_target", targets[0].object_id
        return None

    def apply(
        self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int, events: list[WorldEvent],
    ) -> None:
        victim = targets[0] if targets else None
        if not isinstance(victim, Player):
            return
        if spell.outlaw:
            _brand(world, caster, victim, events)
        roll = _roll(world, caster, spell)
        chosen: Item | None = None
        for _ in range(rules.shatter_draws(roll, power)):
            drawn = _random_item(world, victim, roll)
            if drawn is None:
                break
            if drawn.attribute(attributes.SHROUDED) is not None:
                continue
            if chosen is None or _value(world, drawn) > _value(world, chosen):
                chosen = drawn
        if chosen is None:
            _pointed(caster, spell, victim, events)
            return
        if attributes.cursed_in_use(chosen):  # it will not leave its owner's hand: nothing more said
            curse = attributes.cursed_in_use(chosen)
            assert curse is not None
            events.append(SpellTold(victim.object_id, curse.spell, attributes.CLINGS, kind=chosen.kind or ""))
            return
        kind = chosen.kind or ""
        plural = chosen.number is not None and chosen.number > 1
        number = rules.shattered_number(roll, power, chosen.number) if chosen.number is not None else None
        if number is not None and number >= (chosen.number or 0):
            number = None  # all of it
        events.append(SpellTold(victim.object_id, spell.key, "shattered_plural" if plural else "shattered", kind=kind))
        events.append(SpellTold(caster.object_id, spell.key, "shatter_done", victim.object_id, kind=kind))
        glowed = chosen.used and chosen.attribute(attributes.GLOWING) is not None
        world.items.exchange([Handover(chosen.object_id, number, victim.character_id, victim.object_id, None)], [],
                             f"spell {spell.key}", events)
        if glowed and number is None:  # its light went with it
            events += attributes.light_changed(world, victim.object_id)


class _SwapItems:
    """swap.kod: a random item of the caster's and one of the victim's (the best of a few
    draws by the power) change hands, in one item operation."""

    def refusal(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing]) -> tuple[str, int] | None:
        target = targets[0] if targets else None
        if target is not None and not isinstance(target, Player):
            return "spell_bad_target", target.object_id
        if target is caster:
            return "not_on_self", 0
        return None

    def apply(
        self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int, events: list[WorldEvent],
    ) -> None:
        victim = targets[0] if targets else None
        if not isinstance(victim, Player):
            return
        if spell.outlaw:
            _brand(world, caster, victim, events)
        roll = _roll(world, caster, spell)
        mine = _random_item(world, caster, roll)
        theirs = _random_item(world, victim, roll) if mine is not None else None
        if mine is None or theirs is None:
            _pointed(caster, spell, victim, events)
            return
        for _ in range(rules.swap_extra_draws(power)):
            drawn = _random_item(world, victim, roll)
            if drawn is not None and _value(world, drawn) > _value(world, theirs):
                theirs = drawn
        items = world.items
        caster_load, victim_load = items.load_of(caster.character_id), items.load_of(victim.character_id)
        mine_wb = items.weight_and_bulk(mine.kind or "", mine.number)
        theirs_wb = items.weight_and_bulk(theirs.kind or "", theirs.number)
        fits = (_fits_in(victim_load, mine_wb, items.capacity(victim.stats.might))
                and _fits_in(caster_load, theirs_wb, items.capacity(caster.stats.might)))
        if not (_can_leave(mine) and _can_leave(theirs) and fits):
            _pointed(caster, spell, victim, events)
            return
        events.append(ItemsSwapped(victim.object_id, spell.key, theirs.kind or "", (theirs.number or 1) > 1, mine.kind or ""))
        events.append(ItemsSwapped(caster.object_id, spell.key, mine.kind or "", (mine.number or 1) > 1, theirs.kind or ""))
        items.exchange([
            Handover(theirs.object_id, None, victim.character_id, victim.object_id, caster.character_id, caster.object_id),
            Handover(mine.object_id, None, caster.character_id, caster.object_id, victim.character_id, victim.object_id),
        ], [], f"spell {spell.key}", events)
        _light_after(world, events, caster, victim)


def _fits_in(load: tuple[int, int], adding: tuple[int, int], capacity: int) -> bool:
    """holder.kod CanHoldWeightAndBulk (what leaves in the same swap is not counted, as the
    original checks before anything moves)."""
    weight, bulk = load
    w, b = adding
    return not (w != 0 and weight + w > capacity) and not (b != 0 and bulk + b > capacity)


class _RemoveCurse:
    """remcurse.kod: a player using a cursed item has it taken off (the curse stays on
    the item; used again, it clings again)."""

    def refusal(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing]) -> tuple[str, int] | None:
        target = targets[0] if targets else caster
        if not isinstance(target, Player):
            return "spell_bad_target", target.object_id
        if not any(attributes.cursed_in_use(item) for item in world.items.used(target.character_id)):
            return "no_curse", 0
        return None

    def apply(
        self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int, events: list[WorldEvent],
    ) -> None:
        target = targets[0] if targets else caster
        if not isinstance(target, Player):
            return
        stripped = [item for item in world.items.used(target.character_id) if attributes.cursed_in_use(item)]
        if not stripped:
            return
        glowed = any(item.attribute(attributes.GLOWING) for item in stripped)
        for item in stripped:
            world.items.unuse(target.character_id, target.object_id, item.object_id, events)
        if glowed:
            events += attributes.light_changed(world, target.object_id)
        events.append(SpellTold(target.object_id, spell.key, "target"))
        if target is not caster:
            events.append(SpellTold(caster.object_id, spell.key, "cast_on", target.object_id))


#: The effects of this family by their ``spells.toml`` name.
EFFECTS = {
    "create_weapon": _CreateWeapon(), "glow_weapon": _GlowWeapon(), "dedicate_weapon": _DedicateWeapon(),
    "curse_weapon": _CurseWeapon(), "remove_curse": _RemoveCurse(), "shroud_item": _ShroudItem(),
    "create_spiritual_weapon": _CreateSpiritualHammer(), "identify_item": _IdentifyItem(),
    "shatter_items": _ShatterItems(), "swap_items": _SwapItems(),
}
