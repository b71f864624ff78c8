"""The operator commands, one module per subject; each module exports ``COMMANDS``.

Modules are found here at import: a new subject is a new module, and two commands of one
name stop the server at start.
"""

from __future__ import annotations

import importlib
import pkgutil

from emulator.admin.registry import Command, CommandRegistry


def all_commands() -> list[Command]:
    found: list[Command] = []
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        found.extend(getattr(module, "COMMANDS", ()))
    return found


def build_registry() -> CommandRegistry:
    return CommandRegistry(all_commands())
