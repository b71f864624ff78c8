"""The in-game consoles' way to the command registry: the game side calls
``ctx.operator_console`` (it never imports the operator's side); this sets it."""

from __future__ import annotations

from twisted.internet import defer

from emulator.admin.control import ServerControl
from emulator.admin.registry import Caller
from emulator.game.ports import Account

DOOR = "game"


def install(control: ServerControl) -> None:
    hub = control.hub
    if hub is None:
        return

    def console(account: Account, player_id: int | None, line: str) -> defer.Deferred[str]:
        caller = Caller(account.name, DOOR, account.admin_level, player_id)
        return control.registry.execute(control, caller, line)

    hub.context.operator_console = console
