"""The table of client requests: which game system answers each, before and after a
character is in the world.

Each system module declares a :class:`System` naming its handlers; :class:`RequestTable`
joins them and refuses two handlers for one request, or a request the protocol does not
have, when the server starts. BP_USERCOMMAND carries many requests in one (the UC_*
sub-commands): systems name their sub-commands and the table answers BP_USERCOMMAND by
them, with the same checks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

import attrs

from emulator.game.context import GameContext
from emulator.game.session import Avatar, GameSession
from emulator.logs import logger
import protocol_specs
from emulator.wire.codec import Message
from protocol_specs.client_requests import USER_COMMAND_ARGS
from protocol_specs.opcodes import UC
from protocol_specs.registry import C2S, GAME

log = logger("m59emu.game")
USER_COMMAND = "BP_USERCOMMAND"

Fields = Mapping[str, Any]
#: Answers a request at the character selection screen.
SelectionHandler = Callable[[GameContext, GameSession, Fields], None]
#: Answers a request from a player whose character is in the world.
WorldHandler = Callable[[GameContext, GameSession, Avatar, Fields], None]
H = TypeVar("H", SelectionHandler, WorldHandler)


@attrs.frozen
class System:
    """One game system's share of the requests."""

    name: str
    selection: Mapping[str, SelectionHandler] = attrs.field(factory=dict)
    in_world: Mapping[str, WorldHandler] = attrs.field(factory=dict)
    #: BP_USERCOMMAND sub-commands (UC_*) answered in the world; the handler gets the
    #: whole request's fields (``command`` and ``args``).
    user_commands: Mapping[int, WorldHandler] = attrs.field(factory=dict)


class RequestTable:
    def __init__(self, systems: Iterable[System]) -> None:
        self._known = {spec.name for spec in protocol_specs.all_specs() if spec.mode is GAME and spec.direction is C2S}
        self._owners: dict[tuple[str, str], str] = {}
        self.selection: dict[str, SelectionHandler] = {}
        self.in_world: dict[str, WorldHandler] = {}
        self.user_commands: dict[int, WorldHandler] = {}
        command_owners: dict[int, str] = {}
        for system in systems:
            self._join(system.name, "selection", system.selection, self.selection)
            self._join(system.name, "in the world", system.in_world, self.in_world)
            for command, handler in system.user_commands.items():
                if command not in USER_COMMAND_ARGS:
                    raise ValueError(f"system {system.name}: {command} is not a user command a client sends")
                owner = command_owners.setdefault(command, system.name)
                if owner != system.name:
                    raise ValueError(f"{USER_COMMAND} {_uc_name(command)} is handled by both {owner} and {system.name}")
                self.user_commands[command] = handler
        if self.user_commands:
            self._join("user commands", "in the world", {USER_COMMAND: self._user_command}, self.in_world)

    def _user_command(self, ctx: GameContext, session: GameSession, avatar: Avatar, fields: Fields) -> None:
        handler = self.user_commands.get(fields["command"])
        if handler is None:
            log.debug("user command {command} not handled", command=_uc_name(fields["command"]))
            return
        handler(ctx, session, avatar, fields)

    def _join(self, system: str, phase: str, handlers: Mapping[str, H], joined: dict[str, H]) -> None:
        for request, handler in handlers.items():
            if request not in self._known:
                raise ValueError(f"system {system}: {request} is not a game-mode client request")
            owner = self._owners.setdefault((phase, request), system)
            if owner != system:
                raise ValueError(f"{request} ({phase}) is handled by both {owner} and {system}")
            joined[request] = handler

    def dispatch(self, ctx: GameContext, session: GameSession, message: Message) -> bool:
        """Run the handler for the session's phase; False when there is none."""
        avatar = session.avatar
        if avatar is None:
            selection = self.selection.get(message.name)
            if selection is None:
                return False
            selection(ctx, session, message.fields)
            return True
        world = self.in_world.get(message.name)
        if world is None:
            return False
        world(ctx, session, avatar, message.fields)
        return True


def _uc_name(command: int) -> str:
    try:
        return UC(command).name
    except ValueError:
        return str(command)
