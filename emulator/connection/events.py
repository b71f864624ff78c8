"""What a :class:`~emulator.connection.machine.ConnectionMachine` asks its host to do.

Every method of the machine returns a list of these, in order. They are plain data:
the network adapter performs them, a test inspects them.
"""

from __future__ import annotations

import enum
from typing import Any, Protocol

import attrs

from emulator.wire.codec import Message


@attrs.frozen
class Send:
    """Bytes for the socket (one or more whole frames)."""

    data: bytes


@attrs.frozen
class VerifyLogin:
    """Ask the account store; answer with ``login_verified`` or ``login_refused``."""

    name: str
    digest: bytes = attrs.field(repr=False)
    client_version: int


@attrs.frozen
class LoggedIn:
    """The account is now online on this connection (register it)."""

    account_id: int
    account_name: str
    admin_level: int


@attrs.frozen
class EnterGame:
    """The connection switched to game mode (character selection starts)."""

    account_id: int
    account_name: str
    admin_level: int


@attrs.frozen
class LeaveGame:
    """The connection went back from game mode to the login menu."""

    account_id: int


@attrs.frozen
class GameRequest:
    """A decoded game-mode request for the game; answer it before pulling the next event."""

    message: Message


@attrs.frozen
class Disconnect:
    """Close the socket after writing what was sent before. The session is closed."""

    reason: str


@attrs.frozen
class Log:
    """A log record. ``event`` is a fixed identifier; anything a peer chose goes in ``fields``."""

    level: str  # "debug", "info", "warn", "error"
    event: str
    fields: dict[str, Any] = attrs.field(factory=dict)


Output = Send | VerifyLogin | LoggedIn | EnterGame | LeaveGame | GameRequest | Disconnect | Log


class Refusal(enum.Enum):
    """Why the host refused to verify a login (see ``ConnectionMachine.login_refused``)."""

    THROTTLED = "throttled"  # too many failed logins for this account or address
    UNAVAILABLE = "unavailable"  # the store failed
    LOCKED = "locked"  # logins are locked (maintenance, a shutdown coming): the lock's text is sent


class Verdict(Protocol):
    """What the account store answers (``emulator.store.accounts.LoginVerdict`` fits)."""

    @property
    def outcome(self) -> str: ...  # "ok", "bad_credentials", "banned"

    @property
    def account_id(self) -> int | None: ...

    @property
    def account_name(self) -> str | None: ...

    @property
    def admin_level(self) -> int: ...
