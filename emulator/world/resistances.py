"""What a battler resists (battler.kod ResistanceCheck): a monster kind's own list from the
data, and the resistance enchantments on a player or a monster (a ``resist_<spell type>``
modifier, e.g. withstand fire's ``resist_fire``: the original's AddResistance of a spell
type, summed per type). The strongest resistance and the worst weakness that match an
attack's weapon and spell types make the modifier the damage rules take."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import TYPE_CHECKING

from emulator.content.model import MonsterInfo
from emulator.rules.combat import RESISTANCE_TYPES, Resistance, resistance_entries, resistance_modifier

if TYPE_CHECKING:
    from emulator.world.world import World

__all__ = ["attack_types", "resistance_against"]

_ENCHANTMENT_PREFIX = "resist_"


def resistance_against(world: World, target_id: int, weapon_type: int = 0, spell_type: int = 0) -> int:
    """The resistance modifier (-100..100, percent) of a player or monster against a blow or
    spell of these types."""
    entries = _enchanted(world, target_id)
    monster = world._monsters.by_id.get(target_id)
    if monster is not None:
        info = _info(world, monster.kind)
        if info is not None and info.resistances:
            entries += _kind_entries(info.resistances)
    return resistance_modifier(entries, weapon_type, spell_type) if entries else 0


def attack_types(names: Iterable[str]) -> tuple[int, int]:
    """(weapon bits, spell bits) of a monster kind's attack names (``weap_bite``,
    ``spell_fire``: the original's ATCK_ names without the prefix)."""
    weapon = spell = 0
    for name in names:
        found = RESISTANCE_TYPES.get(name.replace("weap_", "weapon_", 1))
        if found is not None:
            is_spell, bit = found
            if is_spell:
                spell |= bit
            else:
                weapon |= bit
    return weapon, spell


@functools.lru_cache(maxsize=1024)
def _kind_entries(resistances: tuple[tuple[int, tuple[str, ...]], ...]) -> tuple[Resistance, ...]:
    """A monster kind's resistance list from its data, asked on every blow at it: worked out
    once per list (keyed by the immutable data itself, so a reloaded kind is its own key)."""
    return tuple(resistance_entries(resistances))


def _enchanted(world: World, target_id: int) -> list[Resistance]:
    summed: dict[str, int] = {}
    for enchantment in world.enchantments.by_target.get(target_id, ()):
        for name, amount in enchantment.effect.modifiers.items():
            if name.startswith(_ENCHANTMENT_PREFIX):
                summed[name] = summed.get(name, 0) + amount
    found = []
    for name, amount in summed.items():
        kind = RESISTANCE_TYPES.get("spell_" + name.removeprefix(_ENCHANTMENT_PREFIX))
        if kind is not None and amount:
            found.append(Resistance(amount, kind[1], spell=True))
    return found


def _info(world: World, kind: str | None) -> MonsterInfo | None:
    found = world.definition.kinds.get(kind or "")
    return found.monster if found is not None else None
