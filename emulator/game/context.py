"""What every game system shares: the world, the content, resources, the store, the
clock, and the sessions with their queued output."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

import attrs
from twisted.internet import defer
from twisted.internet.interfaces import IDelayedCall, IReactorTime
from twisted.python.failure import Failure

from emulator.content.model import WorldDefinition
from emulator.game.ports import Account, ClientLink
from emulator.game.resources import ServerResources
from emulator.game.session import GameSession
from emulator.logs import logger
from emulator.store.characters import CharacterRecord, CharacterState
from emulator.resources import MIN_DYNAMIC_RSC
from emulator.wire.codec import table
from emulator.wire.outgoing import Encoded
from emulator.world.items import Operation
from emulator.world.world import World
from protocol_specs.registry import GAME, S2C

log = logger("m59emu.game")


class CharacterStore(Protocol):
    """The store calls the game makes; each returns a Deferred and runs off the reactor."""

    def list_characters(self, account_id: int) -> defer.Deferred[list[CharacterRecord]]: ...

    def get_character(self, character_id: int) -> defer.Deferred[CharacterRecord | None]: ...

    def customise_character(self, character_id: int, account_id: int, name: str, description: str, gender: int,
                            attributes: dict[str, int], reserved: tuple[str, ...], *, spells: dict[str, int],
                            skills: dict[str, int], karma: int) -> defer.Deferred[CharacterRecord]: ...

    def delete_character(self, character_id: int, account_id: int) -> defer.Deferred[bool]: ...

    def save_characters(self, states: list[CharacterState]) -> defer.Deferred[list[int]]:
        """Save in one transaction; the ids of characters deleted meanwhile (skipped)."""
        ...

    def save_world_state(self, snapshot: dict[str, Any]) -> defer.Deferred[None]: ...

    def save_items(self, operations: list[Operation]) -> defer.Deferred[Any]:
        """Write whole item operations in one transaction."""
        ...


#: (the account, its character's player id, the command line) -> the text to show.
OperatorConsole = Callable[[Account, int | None, str], defer.Deferred[str]]


@attrs.frozen
class GameConfig:
    tick_seconds: float = 1.0
    autosave_seconds: float = 60.0
    motd: str = ""
    ads: tuple[tuple[str, str], ...] = ()
    #: Output for players other than the one whose request is being answered leaves at
    #: most this often (0: at the end of the reactor turn), in one write per connection.
    broadcast_seconds: float = 0.03
    #: ... and at least this much per player in the world: writing to every connection
    #: costs per connection, so a bigger crowd is written to less often (its share of the
    #: CPU stays bounded; 300 players: 45 ms).
    broadcast_seconds_per_player: float = 0.00015


class GameContext:
    def __init__(
        self,
        world: World,
        definition: WorldDefinition,
        resources: ServerResources,
        store: CharacterStore,
        clock: IReactorTime,
        config: GameConfig,
        security_of: Callable[[str], int],
    ) -> None:
        self.world = world
        self.definition = definition
        self.resources = resources
        self.store = store
        self.clock = clock
        self.config = config
        self.security_of = security_of  # room key -> the value the client checks its .roo against
        self.sessions: dict[ClientLink, GameSession] = {}
        self.in_world: dict[int, GameSession] = {}  # by player id; each has an avatar
        # Names a player may not take: everything the world already names.
        self.reserved_names = tuple(kind.name for kind in definition.kinds.values())
        self._waiting: list[GameSession] = []  # sessions with output, in the order it came
        self._codec = table(GAME, S2C)
        # BP_MESSAGEs made only of static resource ids (a fight's words), encoded once:
        # static texts never change while the server runs, so neither do their bytes.
        self._static_messages: dict[tuple[int, tuple[int, ...]], Encoded] = {}
        self._flush_call: IDelayedCall | None = None
        self._flushed_at = float("-inf")
        #: Runs an operator's command line for an in-game console (BP_REQ_ADMIN, BP_REQ_DM)
        #: and gives its text; set by the server once its command registry is built.
        self.operator_console: OperatorConsole | None = None

    def now(self) -> float:
        return self.clock.seconds()

    def use_content(
        self, world: World, definition: WorldDefinition, resources: ServerResources, security_of: Callable[[str], int]
    ) -> None:
        """Run on a reloaded content's world from now on (``emulator.admin.reload``)."""
        self.world, self.definition, self.resources, self.security_of = world, definition, resources, security_of
        self.reserved_names = tuple(kind.name for kind in definition.kinds.values())
        self._static_messages.clear()  # texts may have changed under ids the content pins

    @property
    def motd(self) -> str:
        return self.config.motd or self.definition.motd

    # ------------------------------------------------------------------ sessions

    def encode(self, message: str, /, **fields: Any) -> Encoded:
        """A message encoded once, to be queued for any number of players."""
        return self.encode_fields(message, fields)

    def encode_fields(self, message: str, fields: Mapping[str, Any]) -> Encoded:
        if message == "BP_MESSAGE":
            key = _static_message_key(fields)
            if key is not None:
                cached = self._static_messages.get(key)
                if cached is None:
                    if len(self._static_messages) >= STATIC_MESSAGE_CACHE:
                        self._static_messages.clear()  # bounded: start over rather than grow
                    cached = Encoded(self._codec.encode(message, fields, resources=self.resources.table))
                    self._static_messages[key] = cached
                return cached
        payload = self._codec.encode(message, fields, resources=self.resources.table)
        if message == "BP_MOVE":  # a later step of the same object makes this one stale
            return Encoded(payload, (payload[0], fields["id"]))
        return Encoded(payload)

    def open_session(self, link: ClientLink, account: Account) -> GameSession:
        session = GameSession(link, account, encode=self.encode_fields, on_output=self._has_output)
        self.sessions[link] = session
        return session

    def is_current(self, session: GameSession) -> bool:
        """False once the connection left game mode (a store answer may come after)."""
        return self.sessions.get(session.link) is session

    def _has_output(self, session: GameSession) -> None:
        self._waiting.append(session)
        if self._flush_call is None:
            config = self.config
            interval = max(config.broadcast_seconds, config.broadcast_seconds_per_player * len(self.in_world))
            delay = max(0.0, self._flushed_at + interval - self.clock.seconds())
            self._flush_call = self.clock.callLater(delay, self._flush_due)

    def _flush_due(self) -> None:
        self._flush_call = None
        self._flushed_at = self.clock.seconds()
        self.flush()

    def hang_up(self, session: GameSession, reason: str) -> None:
        """Close the connection after the messages queued for it."""
        if session.outbox:
            session.link.deliver(session.take_outbox())
        session.link.close(reason)

    def flush_session(self, session: GameSession) -> None:
        """Hand one player's queued messages to its connection now (its own replies)."""
        if session.outbox:
            session.link.deliver(session.take_outbox())

    def cancel_flush(self) -> None:
        if self._flush_call is not None and self._flush_call.active():
            self._flush_call.cancel()
        self._flush_call = None

    def flush(self) -> None:
        """Hand every queued message to its connection."""
        waiting, self._waiting = self._waiting, []
        for session in waiting:
            if session.outbox:
                session.link.deliver(session.take_outbox())

    # ------------------------------------------------------------------ store

    def save_characters(self, states: list[CharacterState], why: str) -> None:
        def saved(gone: list[int] | None) -> None:
            if gone:
                log.warn("characters {ids} were deleted while in the world; not saved on {why}", ids=gone, why=why)

        def failed(failure: Failure) -> None:
            log.failure("saving characters on {why} failed", failure, why=why)

        self.store.save_characters(states).addCallbacks(saved, failed)


#: How many distinct static BP_MESSAGEs are kept encoded.
STATIC_MESSAGE_CACHE = 4096


def _static_message_key(fields: Mapping[str, Any]) -> tuple[int, tuple[int, ...]] | None:
    """The cache key of a BP_MESSAGE whose format and parameters are all static resource
    ids (below the dynamic range, where player names come and go), else None."""
    format_id, params = fields.get("format"), fields.get("params")
    if type(format_id) is not int or format_id >= MIN_DYNAMIC_RSC or not isinstance(params, (list, tuple)):
        return None
    for param in params:
        if type(param) is not int or param >= MIN_DYNAMIC_RSC:
            return None
    return format_id, tuple(params)
