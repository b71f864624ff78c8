"""Spells that gather items: sweep (sweep.kod) takes items lying in the caster's room,
chosen at random, into its inventory: as many as the power allows (``rules.spells.
gathering``) and it can carry, each whole, in one item operation. The caster reads
whether it took anything; the other players in the room read that it did.

Bodies are never taken: they are not items here. Not modelled: the rewards some
non-player characters give for a swept shop, the Marion elder's outbursts, an
immortal's sweep of everything (the world has no immortals), and the original's sparing
of the quest totems (their rules are not modelled: they are items like any other)."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from emulator.content.model import SpellDefinition
from emulator.rules.spells.gathering import sweep_count
from emulator.world.events import SpellTold, WorldEvent
from emulator.world.objects import Player, Thing

if TYPE_CHECKING:
    from emulator.world.world import World

__all__ = ["EFFECTS", "GATHER_ITEMS"]


class _GatherItems:
    def refusal(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing]) -> tuple[str, int] | None:
        return None

    def apply(
        self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int, events: list[WorldEvent],
    ) -> None:
        order = [item.object_id for item in world.items.on_ground(caster.room)]
        random.Random(f"{world.seed}:sweep:{world.tick_count}:{caster.object_id}:{spell.number}").shuffle(order)
        taken = world.items.gather(
            caster.character_id, caster.object_id, order, caster.room, caster.stats.might, sweep_count(power), events,
        )
        if not taken:
            events.append(SpellTold(caster.object_id, spell.key, "nothing"))
            return
        events.append(SpellTold(caster.object_id, spell.key, "something"))
        for other in world.players_here(caster.room):
            if other is not caster:
                events.append(SpellTold(other.object_id, spell.key, "room", caster.object_id))


GATHER_ITEMS = _GatherItems()

#: The effects of this family by their ``spells.toml`` name.
EFFECTS = {"gather_items": GATHER_ITEMS}
