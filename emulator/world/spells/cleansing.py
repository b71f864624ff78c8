"""Spells that end enchantments (rules: ``emulator.rules.spells.cleansing``): purify the
harmful ones on its caster, purge the helpful ones on a player, discordance those on the
caster's room, each with its power as the chance to end each one; dispel illusion the
illusions around its caster. What a player's
enchantment is, for them, is the original's: any spell lasting on it but those the
import marks as kept (``keep_<spell number>`` figures: the boons, the hunt), harmful by
the spell's ``harmful``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from emulator.content.model import SpellDefinition
from emulator.rules.spells import cleansing as rules
from emulator.world.enchantments import Enchantment
from emulator.world.events import SpellReported, SpellTold, WorldEvent
from emulator.world.objects import Player, Thing

if TYPE_CHECKING:
    from emulator.world.world import World

__all__ = ["DISCORDANCE", "DISPEL_ILLUSION", "EFFECTS", "PURGE", "PURIFY"]


def _figures(spell: SpellDefinition) -> rules.DispelFigures:
    all_at = spell.figure("all_at")
    return rules.DispelFigures(spell.figure("min_count", 2), spell.figure("min_chance", 60),
                               spell.figure("song_percent", 100), all_at or None)


def _removable(world: World, spell: SpellDefinition, player: Player, harmful: bool) -> list[Enchantment]:
    """The player's enchantments the spell may end, in the order it walks them (the
    oldest first: the cast conses them up from the newest)."""
    found = []
    for enchantment in reversed(world.enchantments_of(player.object_id)):
        lasting = world.definition.spells.get(enchantment.spell)
        if lasting is None or spell.figure(f"keep_{lasting.number}"):
            continue
        if lasting.harmful == harmful:
            found.append(enchantment)
    return found


def _end(world: World, spell: SpellDefinition, target_id: int, found: list[Enchantment], power: int,
         songs: list[bool], events: list[WorldEvent]) -> None:
    roll = world.roll_for("dispel", spell.key, target_id)
    for place in rules.dispelled(roll, _figures(spell), power, songs):
        events += world.disenchant(target_id, found[place].spell)


class _Cleanse:
    """Purify (on the caster alone, the harmful ones) and purge (on a player, the
    helpful ones), by the spell's ``harmful_ones`` figure."""

    def refusal(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing]) -> tuple[str, int] | SpellReported | None:
        target = targets[0] if targets else caster
        if not isinstance(target, Player):
            return "spell_bad_target", target.object_id
        if not _removable(world, spell, target, bool(spell.figure("harmful_ones"))):
            return SpellReported(caster.object_id, spell.key, "not_enchanted", (("object", target.object_id),))
        return None

    def apply(
        self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int, events: list[WorldEvent],
    ) -> None:
        target = targets[0] if targets else caster
        if not isinstance(target, Player):
            return
        if target is not caster:
            events.append(SpellReported(caster.object_id, spell.key, "caster", (("spell", spell.key), ("object", target.object_id))))
        events.append(SpellTold(target.object_id, spell.key, "target"))
        found = _removable(world, spell, target, bool(spell.figure("harmful_ones")))
        _end(world, spell, target.object_id, found, power, [False] * len(found), events)


class _Discordance:
    """The caster's room's enchantments, Jala's songs with less chance."""

    def refusal(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing]) -> SpellReported | None:
        if not world.enchantments_of(world.room_enchantment_target(caster.room)):
            return SpellReported(caster.object_id, spell.key, "bad_location", (("spell", spell.key),))
        return None

    def apply(
        self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int, events: list[WorldEvent],
    ) -> None:
        room_id = world.room_enchantment_target(caster.room)
        for player in world.players_in(caster.room):  # said to the room
            events.append(SpellReported(player.object_id, spell.key, "room"))
        found = world.enchantments_of(room_id)  # the room's list, newest first
        songs = [(world.definition.spells[e.spell].school == "jala") if e.spell in world.definition.spells else False
                 for e in found]
        _end(world, spell, room_id, found, power, songs, events)


class _DispelIllusion:
    """The illusions (the spells the import marks ``illusion_<number>``) on the caster's
    room and on every player and monster in it, each ended when a percent draw is within
    the power (10 to 99); only by a caster who may fight players (the original's
    PFLAG_PKILL_ENABLE). Illusory objects (phantasms, illusory walls) are not modelled."""

    def refusal(self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing]) -> None:
        return None

    def apply(
        self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int, events: list[WorldEvent],
    ) -> None:
        from emulator.world.world import _pk_status

        if _pk_status(caster).pkill_enabled:
            chance = rules.illusion_chance(power)
            roll = world.roll_for("illusions", caster.object_id)
            room = caster.room
            holders = [world.room_enchantment_target(room)]
            holders += [p.object_id for p in world.players_in(room)]
            holders += [m.object_id for m in world.monsters() if m.room == room]
            for holder in holders:
                for enchantment in world.enchantments_of(holder):  # the holder's list, newest first
                    lasting = world.definition.spells.get(enchantment.spell)
                    if lasting is not None and spell.figure(f"illusion_{lasting.number}") and roll(1, 100) <= chance:
                        events += world.disenchant(holder, enchantment.spell)
        events.append(SpellTold(caster.object_id, spell.key, "caster"))


PURIFY = PURGE = _Cleanse()
DISCORDANCE = _Discordance()
DISPEL_ILLUSION = _DispelIllusion()

#: The effects of this family by their ``spells.toml`` name.
EFFECTS = {"cleanse": PURIFY, "discord": DISCORDANCE, "dispel_illusion": DISPEL_ILLUSION}
