"""Personal enchantments (persench.kod): a spell that lasts on its caster or one player,
its modifier and flags as data (``spells.toml`` ``duration``, ``modifier``, ``flags``),
started through the enchantment engine (``World.enchant``); and the touch spells
(touchatk.kod), whose enchantment arms the caster's bare hands."""

from __future__ import annotations

from typing import TYPE_CHECKING

from emulator.content.model import SpellDefinition
from emulator.rules.spells import personal as rules
from emulator.rules.spells import touch
from emulator.world.enchantments import Effect
from emulator.world.events import SpellTold, WorldEvent
from emulator.world.objects import Player, Thing

if TYPE_CHECKING:
    from emulator.world.world import World

__all__ = ["EFFECTS", "PERSONAL", "TOUCH"]


class _Personal:
    def refusal(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing]) -> tuple[str, int] | None:
        target = targets[0] if targets else caster
        if not isinstance(target, Player):
            return "spell_bad_target", target.object_id
        if target is not caster and world.no_combat(caster.room):
            return "not_here", 0  # no enchanting others where fights are never allowed
        if target is not caster and world.is_enchanted(target.object_id, spell.key):
            return "already_on", target.object_id  # on oneself it is cast again, replacing it
        return None

    def apply(
        self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int, events: list[WorldEvent],
    ) -> None:
        target = targets[0] if targets else caster
        if not isinstance(target, Player):
            return
        roll = world.roll_for("enchant", caster.object_id, spell.number)
        duration = rules.duration_ms(roll, spell.key, spell.duration, power)
        amount = rules.modifier_amount(spell.modifier_amount, power) if spell.modifier else 0
        effect = Effect({spell.modifier: amount} if spell.modifier else {}, spell.flags)
        started = world.enchant(target.object_id, spell.key, duration, effect, state=amount, caster_id=caster.object_id)
        if started.enchantment is None:  # another took it in the meantime (a trance)
            events.append(SpellTold(caster.object_id, spell.key, "already_on", target.object_id))
            return
        events.append(SpellTold(target.object_id, spell.key, "target"))
        events += started.events
        if target is not caster:
            events.append(SpellTold(caster.object_id, spell.key, "caster", target.object_id))


PERSONAL = _Personal()


class _Touch:
    """A touch spell (touchatk.kod): on the caster only, replacing any other touch spell;
    its power is kept as the enchantment's state for the blows' damage (``World.attack``)."""

    def refusal(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing]) -> tuple[str, int] | None:
        return None  # it takes no target: the caster

    def apply(
        self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int, events: list[WorldEvent],
    ) -> None:
        for other in world.enchantments_of(caster.object_id):  # one touch spell at a time
            if other.spell != spell.key and world.definition.spells[other.spell].effect == "touch":
                events += world.disenchant(caster.object_id, other.spell, report=False)
        roll = world.roll_for("enchant", caster.object_id, spell.number)
        started = world.enchant(caster.object_id, spell.key, touch.duration_ms(roll, power), Effect(), state=power,
                                caster_id=caster.object_id)
        events.append(SpellTold(caster.object_id, spell.key, "target"))
        events += started.events


TOUCH = _Touch()

#: The effects of this family by their ``spells.toml`` name.
EFFECTS = {"personal_enchantment": PERSONAL, "touch": TOUCH}
