"""How the import recognises the families of spells whose effect is code of their own
(room enchantments, songs, walls...): one module per family, each with a function

``recognise(importer: SpellImport, cls: KodClass, table: dict) -> str | None``

which, for a spell class of its family, writes what the server needs into the spell's
``table`` (its ``figures``, its own words by purpose) and returns the ``effect`` name; None
for a class not of its family. They are asked in module-name order, after the effects
recognised by what a cast sends, the personal enchantments and the touch spells."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from emulator.importer.blakod import KodClass
    from emulator.importer.original.spells import SpellImport

__all__ = ["recognise"]

Recogniser = Callable[["SpellImport", "KodClass", dict[str, Any]], "str | None"]


def _recognisers() -> list[Recogniser]:
    found = []
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        family = importlib.import_module(f"{__name__}.{module.name}")
        if hasattr(family, "recognise"):
            found.append(family.recognise)
    return found


def recognise(importer: SpellImport, cls: KodClass, table: dict[str, Any]) -> str | None:
    """The effect of the first family that claims the class, or None."""
    for family in _recognisers():
        effect = family(importer, cls, table)
        if effect is not None:
            return effect
    return None
