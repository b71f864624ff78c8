"""The game systems, one module each; :data:`ALL_SYSTEMS` is what the hub serves."""

from __future__ import annotations

from emulator.game.requests import System
from emulator.game.systems import (
    admin, bank, casting, character_sheet, combat, enchantments, inventory, looking, movement, posture, presence, selection, shops,
    speech, trade,
)

ALL_SYSTEMS: tuple[System, ...] = (
    selection.SYSTEM,
    presence.SYSTEM,
    movement.SYSTEM,
    speech.SYSTEM,
    looking.SYSTEM,
    character_sheet.SYSTEM,
    inventory.SYSTEM,
    combat.SYSTEM,
    posture.SYSTEM,
    shops.SYSTEM,
    trade.SYSTEM,
    bank.SYSTEM,
    enchantments.SYSTEM,
    casting.SYSTEM,
    admin.SYSTEM,
)
