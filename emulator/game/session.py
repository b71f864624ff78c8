"""One connection's life in game mode: character selection, then a character in the world."""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from emulator.game.ports import Account, ClientLink
from emulator.wire.outgoing import Encoded


class Phase(enum.Enum):
    CHOOSING = "choosing"  # at the character list; only selection requests count
    ENTERING = "entering"  # a character was chosen; waiting for the store
    IN_WORLD = "in_world"  # ``avatar`` is set
    GONE = "gone"


@attrs.frozen
class Avatar:
    """A character while it is in the world: every in-world handler gets one."""

    player_id: int  # the world's object id for the character
    character_id: int
    name: str
    name_resource: int  # the dynamic resource the clients show the name by
    gender: int = 0  # the character's (1 male, 2 female): which cry it gives when hit


@attrs.define(eq=False)
class GameSession:
    """What the game knows about one connection in game mode."""

    link: ClientLink
    account: Account
    encode: Callable[[str, Mapping[str, Any]], Encoded] = attrs.field(repr=False)
    phase: Phase = Phase.CHOOSING
    avatar: Avatar | None = None
    on_output: Callable[[GameSession], None] = attrs.field(default=lambda session: None, repr=False)
    outbox: list[Encoded] = attrs.field(factory=list)
    unhandled: set[str] = attrs.field(factory=set)  # request kinds already logged as unhandled

    def send(self, message: str, /, **fields: Any) -> None:
        """Encode a message for this player alone and queue it."""
        self.queue(self.encode(message, fields))

    def queue(self, message: Encoded) -> None:
        """Queue a message encoded once for everyone who sees it."""
        if not self.outbox:
            self.on_output(self)  # so only sessions with output are flushed
        self.outbox.append(message)

    def take_outbox(self) -> list[Encoded]:
        messages, self.outbox = self.outbox, []
        return messages
