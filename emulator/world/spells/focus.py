"""Mana focus (focus.kod): its caster, concentrating, regenerates mana faster, the more
the higher its spell power now (its mana timer's delay shortened: ``rules.spells.hexes``).
It lasts until the trance is broken: the bearer moves, swings, casts a spell other than an
attack spell, or rests (checked each world tick, as eavesdrop's is), or logs off."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from emulator.content.model import SpellDefinition
from emulator.rules.spells import hexes as rules
from emulator.world.enchantments import Effect, Enchantment, Hooks
from emulator.world.events import SpellTold, WorldEvent
from emulator.world.objects import Player, Thing

if TYPE_CHECKING:
    from emulator.world.world import World

__all__ = ["EFFECTS", "FOCUS", "Focusers"]


@attrs.define
class _Focus:
    spell: str
    spot: tuple[str, int, int]
    last_attack_at: float | None
    attack_cast: bool = False  # an attack spell was cast since the last tick: its timer may move


@attrs.define(eq=False)
class Focusers:
    """Who is focusing its mana, for one world (kept by the spell's hooks)."""

    world: World
    bearers: dict[int, _Focus] = attrs.field(factory=dict)

    @classmethod
    def install(cls, world: World) -> Focusers:
        made = cls(world)
        for spell in (world.definition.spells or {}).values():
            if spell.effect == "mana_focus":
                world.enchantments.hooks[spell.key] = Hooks(start=made._started, end=made._ended, restart=made._started)
        return made

    def _started(self, enchantment: Enchantment, report: bool) -> None:
        player = self.world._players.get(enchantment.target_id)
        if player is not None:
            self.bearers[player.object_id] = _Focus(enchantment.spell, (player.room, player.y, player.x), player.last_attack_at)

    def _ended(self, enchantment: Enchantment, report: bool) -> None:
        self.bearers.pop(enchantment.target_id, None)

    def cast_begun(self, player: Player, spell: SpellDefinition) -> None:
        """A cast begins (focus.kod BreakTrance on EVENT_CAST): an attack spell is let be."""
        focus = self.bearers.get(player.object_id) if self.bearers else None
        if focus is not None and spell.effect == "damage":
            focus.attack_cast = True

    def mana_delay_ms(self, player: Player, delay_ms: int) -> int:
        """The mana timer's delay for the player, shorter while it focuses."""
        focus = self.bearers.get(player.object_id) if self.bearers else None
        if focus is None:
            return delay_ms
        from emulator.world.casting import _power

        spell = (self.world.definition.spells or {}).get(focus.spell)
        return delay_ms if spell is None else rules.focused_mana_delay_ms(delay_ms, _power(self.world, player, spell))

    def run(self, events: list[WorldEvent]) -> None:
        """One world tick: the trances broken end their focus (told)."""
        for bearer_id, focus in list(self.bearers.items()):
            player = self.world._players.get(bearer_id)
            if player is None:
                del self.bearers[bearer_id]
                continue
            if focus.attack_cast:  # the attack spell's cast moved the shared timer, not a swing
                focus.last_attack_at, focus.attack_cast = player.last_attack_at, False
            moved = (player.room, player.y, player.x) != focus.spot
            if moved or player.last_attack_at != focus.last_attack_at or player.resting:
                events += self.world.disenchant(bearer_id, focus.spell)


class _ManaFocus:
    def refusal(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing]) -> tuple[str, int] | None:
        if world.is_enchanted(caster.object_id, spell.key):
            return "already_focused", 0
        return None

    def apply(
        self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int, events: list[WorldEvent],
    ) -> None:
        if world.is_enchanted(caster.object_id, spell.key):
            return
        events.append(SpellTold(caster.object_id, spell.key, "target"))
        events += world.enchant(caster.object_id, spell.key, None, Effect(flags={"mana_focus"}), state=power,
                                caster_id=caster.object_id).events


FOCUS = _ManaFocus()

#: The effects of this family by their ``spells.toml`` name.
EFFECTS = {"mana_focus": FOCUS}
