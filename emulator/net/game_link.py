"""The game's handle on one connection, and what waits in it for a slow reader."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import attrs

from emulator.wire.outgoing import Encoded

FRAME_OVERHEAD = 7  # header bytes per frame, for counting what a held queue holds


@attrs.define(eq=False)
class GameLink:
    """The game's handle on one connection (:class:`~emulator.game.ports.ClientLink`).

    It records what the game asked for and wakes the protocol, which carries it out when
    its current call (if any) has finished. While the client is not reading fast enough
    (the transport paused us), messages are held here: a newer position of an object
    replaces the held one, and past ``limit`` bytes the link is marked overflowing.
    """

    wake: Callable[[], None] = attrs.field(repr=False)
    limit: int  # bytes that may be held
    messages: list[Encoded | None] = attrs.field(factory=list)  # None: superseded while held
    held: bool = False
    held_bytes: int = 0
    overflowing: bool = False
    entered: bool = False
    close_reason: str | None = None
    _latest: dict[tuple[int, int], int] = attrs.field(factory=dict)  # superseding key -> index
    _gaps: bool = False  # some held message was superseded (a None in ``messages``)

    def deliver(self, messages: Sequence[Encoded]) -> None:
        if not self.held:
            self.messages.extend(messages)
        else:
            for message in messages:
                self._hold(message)
        self.wake()

    def _hold(self, message: Encoded) -> None:
        key = message.supersedes
        if key is not None:
            earlier = self._latest.get(key)
            if earlier is not None:
                stale = self.messages[earlier]
                if stale is not None:
                    self.held_bytes -= len(stale.payload) + FRAME_OVERHEAD
                self.messages[earlier] = None
                self._gaps = True
            self._latest[key] = len(self.messages)
        self.messages.append(message)
        self.held_bytes += len(message.payload) + FRAME_OVERHEAD
        if self.held_bytes > self.limit:
            self.overflowing = True

    def hold(self) -> None:
        """The client stopped reading: keep messages here, coalesced, until :meth:`release`."""
        if not self.held:
            self.held = True
            for message in self.messages:  # what came in this turn counts too
                if message is not None:
                    self.held_bytes += len(message.payload) + FRAME_OVERHEAD

    def release(self) -> None:
        self.held = False
        self.held_bytes = 0
        self._latest.clear()

    def take_messages(self) -> list[Encoded]:
        messages, self.messages = self.messages, []
        self._latest.clear()
        self.held_bytes = 0
        if not self._gaps:  # the usual case: nothing was superseded
            return messages  # type: ignore[return-value]  # no None in it
        self._gaps = False
        return [message for message in messages if message is not None]

    def character_entered(self) -> None:
        self.entered = True
        self.wake()

    def close(self, reason: str) -> None:
        if self.close_reason is None:
            self.close_reason = reason
        self.wake()
