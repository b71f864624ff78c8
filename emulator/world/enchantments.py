"""Enchantments: spells that last on a player, a monster or a room, as the original keeps
them (player.kod, monster.kod and room.kod ``plEnchantments``: the spell, its timer, its
state data).

Casting code starts and ends them through the world; everything runs on the world's game
clock (milliseconds of ``World.game_time``) and ends on the tick that reaches its time:

``World.enchant(target_id, spell_key, duration_ms, effect=Effect(...), state=None, caster_id=None)``
    Start ``spell_key`` (a key of ``spells.toml``) on a player, a monster (by object id)
    or a room (by room id). ``duration_ms`` None or 0 lasts until removed (the original's
    SPELL_INDEFINITE_DURATION). The same spell already on the target is refused, except
    when the caster enchants itself: then the old one ends silently and the new one
    starts (persench.kod with the default setting that allows recasting on oneself;
    room enchantments are always refused, roomench.kod). Returns an :class:`Enchanting`:
    the enchantment or the refusal, and the events to render.
``World.disenchant(target_id, spell_key, report=True)``
    End it early (RemoveEnchantment); the end effect runs; events to render.
``World.enchantments_of(target_id)``
    What is on a target, newest first (the original conses new ones on the front).
``World.is_enchanted(target_id, spell_key=None)``, ``World.enchantment_modifier(target_id, name)``,
``World.enchantment_flag(target_id, flag)``
    What other code queries: whether a spell is on, the sum of a modifier (an attribute
    such as ``"might"``, or ``"defense"``, ``"offense"``), whether a flag is set
    (``"see_invisible"``...).

An :class:`Effect` is data: ``modifiers`` (name → amount, e.g. ``{"might": 5}``: the
original's attribute mods, held apart from the base attribute as player.kod's
piMightMod is), ``flags``, and ``shown`` (whether the client gets its icon, the
original's addicon). Code that needs more registers hooks by spell key in
``World.enchantments.hooks`` (:class:`Hooks`): ``start`` when one starts, ``end`` when it
ends (expired or removed; ``report`` False when removed silently), ``restart`` when a
saved one is put back, as the spells' StartEnchantment, EndEnchantment and
RestartEnchantmentEffect do.

What survives: a player logging off keeps its enchantments with the time they had left,
which does not run while it is away; a harmful one gets 3 seconds more (player.kod
FreezeAllEnchantments, ReactivateAllEnchantments at logon). A death ends them all.
Monsters' and rooms' enchantments are in the world snapshot, players' in the store with
the character (``character_enchantment``).
"""

from __future__ import annotations

import enum
import heapq
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import attrs

from emulator.world import spellbook

__all__ = [
    "LOGOFF_HARMFUL_EXTRA_MS", "Effect", "EnchantRefusal", "Enchanting",
    "Enchantment", "EnchantmentBook", "Hooks", "Target", "spell_object_id",
]

#: Added at logoff to a harmful enchantment's time left, against waiting one out offline.
LOGOFF_HARMFUL_EXTRA_MS = 3000


def spell_object_id(number: int) -> int:
    """The object id of the spell with the original's number ``number`` (BP_ADD_ENCHANTMENT
    sends the spell object, as the original does): the one its spell list names it by."""
    return spellbook.SPELL_ID_BASE + number % spellbook.ID_SPAN


class Target(enum.IntEnum):
    """What an enchantment is on; 1 and 2 are BP_ADD_ENCHANTMENT's types."""

    PLAYER = 1
    ROOM = 2
    MONSTER = 3


class EnchantRefusal(str, enum.Enum):
    NO_TARGET = "no such target"
    NO_SPELL = "no such spell"
    ALREADY = "already enchanted"  # the caster is told (vrAlreadyEnchanted, spell_already_in_effect)


def _modifiers(modifiers: Mapping[str, int]) -> dict[str, int]:
    return {name: amount for name, amount in sorted(dict(modifiers).items()) if amount}


def _flags(flags: Iterable[str]) -> frozenset[str]:
    return frozenset(flags)


@attrs.frozen(hash=False)
class Effect:
    """What an enchantment does while it lasts, as data (see the module docstring)."""

    modifiers: dict[str, int] = attrs.field(factory=dict, converter=_modifiers)
    flags: frozenset[str] = attrs.field(factory=frozenset, converter=_flags)
    shown: bool = True

    def to_json(self) -> dict[str, Any]:
        return {"modifiers": dict(self.modifiers), "flags": sorted(self.flags), "shown": self.shown}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Effect:
        return cls(
            {str(k): int(v) for k, v in dict(data.get("modifiers", {})).items()},
            frozenset(str(f) for f in data.get("flags", ())),
            bool(data.get("shown", True)),
        )


@attrs.define(eq=False)
class Enchantment:
    target_id: int
    target: Target
    spell: str
    effect: Effect
    state: Any = None  # the spell's state data (JSON), e.g. the might it added
    due_ms: int | None = None  # game time it ends; None: until removed
    harmful: bool = False
    serial: int = 0  # start order

    def remaining_ms(self, now_ms: int) -> int | None:
        return None if self.due_ms is None else max(0, self.due_ms - now_ms)


@attrs.frozen
class Enchanting:
    """What :meth:`World.enchant` did: the enchantment started, or why not; the events."""

    enchantment: Enchantment | None
    refusal: EnchantRefusal | None
    events: list[Any]


Hook = Callable[[Enchantment, bool], None]  # (the enchantment, report)


@attrs.frozen
class Hooks:
    start: Hook | None = None
    end: Hook | None = None
    #: A saved one put back (a player logging on, a restart): for effects the client
    #: must be told again (spell.kod RestartEnchantmentEffect).
    restart: Hook | None = None


@attrs.define
class EnchantmentBook:
    """Every active enchantment by target, and their timers (a heap of due times; an
    entry whose enchantment is gone is skipped when it comes up)."""

    by_target: dict[int, list[Enchantment]] = attrs.field(factory=dict)  # newest first
    hooks: dict[str, Hooks] = attrs.field(factory=dict)
    _due: list[tuple[int, int, Enchantment]] = attrs.field(factory=list)
    _serial: int = 0

    def of(self, target_id: int) -> list[Enchantment]:
        return list(self.by_target.get(target_id, ()))

    def find(self, target_id: int, spell: str) -> Enchantment | None:
        for enchantment in self.by_target.get(target_id, ()):
            if enchantment.spell == spell:
                return enchantment
        return None

    def add(self, enchantment: Enchantment) -> None:
        self._serial += 1
        enchantment.serial = self._serial
        self.by_target.setdefault(enchantment.target_id, []).insert(0, enchantment)
        if enchantment.due_ms is not None:
            heapq.heappush(self._due, (enchantment.due_ms, enchantment.serial, enchantment))

    def discard(self, enchantment: Enchantment) -> bool:
        """Take it off its target (its timer entry is skipped later); False if it was not on."""
        found = self.by_target.get(enchantment.target_id)
        if not found or enchantment not in found:
            return False
        found.remove(enchantment)
        if not found:
            del self.by_target[enchantment.target_id]
        return True

    def take_target(self, target_id: int) -> list[Enchantment]:
        """Take everything off a target at once (newest first), e.g. one logging off."""
        return self.by_target.pop(target_id, [])

    def due(self, now_ms: int) -> Iterator[Enchantment]:
        """The enchantments whose time has come, in order of due time then start."""
        while self._due and self._due[0][0] <= now_ms:
            _, _, enchantment = heapq.heappop(self._due)
            if enchantment in self.by_target.get(enchantment.target_id, ()):
                yield enchantment

    # Asked many times a blow, mostly of targets with nothing on: those answer at once.

    def modifier(self, target_id: int, name: str) -> int:
        found = self.by_target.get(target_id)
        return sum(e.effect.modifiers.get(name, 0) for e in found) if found else 0

    def flag(self, target_id: int, flag: str) -> bool:
        found = self.by_target.get(target_id)
        return any(flag in e.effect.flags for e in found) if found else False

    def hook(self, spell: str) -> Hooks:
        return self.hooks.get(spell, Hooks())


def to_json(enchantment: Enchantment, now_ms: int, extra_ms: int = 0) -> dict[str, Any]:
    """A saved enchantment: what it is and the time it has left (None: until removed)."""
    left = enchantment.remaining_ms(now_ms)
    return {
        "spell": enchantment.spell,
        "remaining_ms": None if left is None else left + extra_ms,
        "state": enchantment.state,
        "effect": enchantment.effect.to_json(),
        "harmful": enchantment.harmful,
    }


def from_json(target_id: int, target: Target, data: Mapping[str, Any], now_ms: int) -> Enchantment:
    left = data.get("remaining_ms")
    return Enchantment(
        target_id, target, str(data["spell"]), Effect.from_json(dict(data.get("effect", {}))), data.get("state"),
        None if left is None else now_ms + max(0, int(left)), bool(data.get("harmful", False)),
    )
