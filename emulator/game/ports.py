"""The one interface between the network side and the game side.

The network side imports this module and calls :class:`GameGateway`; the game side
never imports the network side. It holds a :class:`ClientLink` per connection, which the
network side implements so that no call re-enters the connection's own code: messages
given to ``deliver`` are queued and written when the connection is next free.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import attrs

from emulator.wire.codec import Message
from emulator.wire.outgoing import Encoded


@attrs.frozen
class Account:
    """Who logged in on a connection that entered game mode."""

    id: int
    name: str
    admin_level: int


class ClientLink(Protocol):
    """What the game may do to one connection in game mode."""

    def deliver(self, messages: Sequence[Encoded]) -> None:
        """Queue game messages for the client, in order; the network side frames them."""

    def character_entered(self) -> None:
        """A character is in the world: the character-selection timeout no longer applies."""

    def close(self, reason: str) -> None:
        """Hang up after what was delivered before (logoff, a kick)."""


class GameGateway(Protocol):
    """What the network side tells the game about a connection in game mode."""

    def enter_game(self, link: ClientLink, account: Account) -> None:
        """The connection switched to game mode: character selection starts."""

    def request(self, link: ClientLink, message: Message) -> None:
        """A decoded game-mode request from the client."""

    def leave_game(self, link: ClientLink) -> None:
        """The connection quit to the login menu or closed."""
