"""What a look tells of a weapon's wear (item.kod AppendConditionDescription): after its
description and attributes, a blank line, the article and the weapon's name, then the
condition words by the share of hits left. The words are the weapons' own, imported with
mend's; a world without them says it in the server's own words."""

from __future__ import annotations

from emulator.game.context import GameContext
from emulator.rules import wear as rules
from emulator.world import wear
from emulator.world.items import Item

__all__ = ["condition"]

_BEFORE_CONDITION = "\n\n"
#: The server's own words, for a world without the original's.
_OWN = {
    rules.Condition.EXCELLENT: " is in perfect shape.", rules.Condition.MENDED: " is in fine shape, though mended before.",
    rules.Condition.GOOD: " shows a little wear.", rules.Condition.WORN: " is worn but serviceable.",
    rules.Condition.POOR: " is badly worn.", rules.Condition.BROKEN: " is broken.",
}


def condition(ctx: GameContext, item: Item) -> str:
    """The condition paragraph of a weapon that wears; "" for anything else (weapon.kod
    shows it, armour and most items do not)."""
    usage = ctx.world.items.usage(item.kind or "")
    if usage is None or not usage.weapon or not wear.wears(ctx.world, item):
        return ""
    hits, most = wear.hits_of(ctx.world, item)
    found = rules.condition(hits, most, wear.hits_range_min(ctx.world, item))
    spell = wear.wear_spell(ctx.world)
    words = (spell.text(found.value) if spell is not None else None) or _OWN[found]
    this = (spell.text("condition_this") if spell is not None else None) or "This "
    return _BEFORE_CONDITION + this + ctx.definition.kinds[item.kind or ""].name + words
