"""One player's game-mode conversation: character selection, then life in the world.

Sans-IO: :class:`GameSession` gets decoded requests and returns the messages to send
(``(name, fields)`` pairs) and the world commands to run; the hub does both.
"""

from __future__ import annotations

import enum
from typing import Any

import attrs


class Phase(enum.Enum):
    CHOOSING = "choosing"  # at the character list; only selection requests count
    ENTERING = "entering"  # a character was chosen; waiting for the store
    IN_WORLD = "in_world"
    GONE = "gone"


#: Requests that mean something before a character is in the world.
SELECTION_REQUESTS = frozenset({"BP_SEND_CHARACTERS", "BP_USE_CHARACTER", "BP_DELETE_CHARACTER", "BP_SYSTEM", "BP_AD_SELECTED"})


@attrs.define
class GameSession:
    """What the hub knows about one connection in game mode."""

    key: int  # the hub's handle for the connection
    account_id: int
    account_name: str
    admin_level: int
    phase: Phase = Phase.CHOOSING
    character_id: int | None = None
    player_id: int | None = None  # the world's object id for the character
    name_resource: int = 0
    name: str = ""
    outbox: list[tuple[str, dict[str, Any]]] = attrs.field(factory=list)

    def send(self, message: str, /, **fields: Any) -> None:
        self.outbox.append((message, fields))

    def take_outbox(self) -> list[tuple[str, dict[str, Any]]]:
        messages, self.outbox = self.outbox, []
        return messages
