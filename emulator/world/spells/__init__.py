"""What each spell effect does to the world, one module per family: the effect names of
``SPELL_EFFECTS`` (``spells.toml`` ``effect``) to their code. Each module of the package
names its own in a module-level ``EFFECTS`` dict."""

from __future__ import annotations

import importlib
import pkgutil
from typing import TYPE_CHECKING, Protocol

from emulator.content.model import SpellDefinition
from emulator.world.events import WorldEvent
from emulator.world.objects import Player, Thing

if TYPE_CHECKING:
    from emulator.world.world import World

__all__ = ["EFFECTS", "Effect"]


class Effect(Protocol):
    def refusal(
        self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing],
    ) -> tuple[str, int] | WorldEvent | None:
        """The spell's own check of its targets (its CanPayCosts before the common one):
        (purpose of what the caster is told, the object it names or 0), or an event that
        tells it (a refused attack on a player), or None."""

    def apply(
        self, world: World, caster: Player, spell: SpellDefinition, targets: list[Thing], power: int, events: list[WorldEvent],
    ) -> bool | None:
        """The spell goes off (its CastSpell before the common part). False: it stopped
        short of the common part (no improvement, sound nor weight of casts), as a song
        drowned out by a louder one does."""


def _effects() -> dict[str, Effect]:
    """Every family module's ``EFFECTS`` (its effect names to their code), gathered so a
    new family is one new module; a name claimed twice is an error at import."""
    found: dict[str, Effect] = {}
    for module in pkgutil.iter_modules(__path__):
        family = importlib.import_module(f"{__name__}.{module.name}")
        for name, effect in getattr(family, "EFFECTS", {}).items():
            if name in found:
                raise RuntimeError(f"spell effect {name!r} is claimed by two families (one is {module.name})")
            found[name] = effect
    return found


EFFECTS: dict[str, Effect] = _effects()
