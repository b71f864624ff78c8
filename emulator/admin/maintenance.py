"""Maintenance of a running server: the login lock and the shutdown countdown.

Both keep their state here, set on ``ServerControl.maintenance``. The lock is consulted
by the network side for every login (``M59Factory.login_gate``); the countdown runs on
the injected reactor's clock and reaches the game and the reactor only through the
callables it is given, so a test drives it with a deterministic clock.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import attrs
from twisted.internet.interfaces import IDelayedCall, IReactorTime

from emulator.game import operator
from emulator.logs import logger
from emulator.store.accounts import ADMIN

if TYPE_CHECKING:
    from emulator.admin.control import ServerControl

log = logger("m59emu.admin")

DEFAULT_LOCK_MESSAGE = "The server is closed to new logins for maintenance. Please try again later."


@attrs.define
class LoginLock:
    """While locked, logins of accounts below admin level are refused with ``message``;
    players already in stay."""

    message: str | None = None  # None: open
    #: Who locked it: "operator" (lock/unlock) or "shutdown" (a countdown, which unlocks
    #: only what it locked when cancelled).
    owner: str = ""

    @property
    def locked(self) -> bool:
        return self.message is not None

    def lock(self, message: str, owner: str = "operator") -> None:
        self.message = message or DEFAULT_LOCK_MESSAGE
        self.owner = owner

    def unlock(self) -> None:
        self.message = None
        self.owner = ""

    def refusal(self, admin_level: int) -> str | None:
        """The text that refuses a login of an account at this level; None lets it in."""
        if self.message is None or admin_level == ADMIN:
            return None
        return self.message


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smh]?)\s*$", re.IGNORECASE)
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600}
MAX_COUNTDOWN_SECONDS = 24 * 3600


def parse_duration(text: str) -> float:
    """Seconds in "90", "30s", "5m", "1h" (ValueError otherwise, or beyond a day)."""
    match = _DURATION.match(text)
    if match is None:
        raise ValueError(f"{text!r} is not a duration (like 90, 30s, 5m or 1h)")
    seconds = float(match.group(1)) * _UNIT_SECONDS[match.group(2).lower()]
    if not 0 < seconds <= MAX_COUNTDOWN_SECONDS:
        raise ValueError(f"a countdown runs more than 0 s and at most {MAX_COUNTDOWN_SECONDS // 3600} h")
    return seconds


def spoken(seconds: float) -> str:
    """A time left as players read it: "5 minutes", "1 minute 30 seconds", "10 seconds"."""
    whole = max(0, round(seconds))
    minutes, rest = divmod(whole, 60)
    parts = []
    if minutes:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    if rest or not minutes:
        parts.append(f"{rest} second{'s' if rest != 1 else ''}")
    return " ".join(parts)


def warning_times(total: float) -> list[float]:
    """Seconds left at which players are warned: at the start, every whole minute, then 30
    and 10 seconds before the end (those within the countdown), latest first."""
    left = {float(total)}
    left.update(float(minute * 60) for minute in range(1, int(total // 60) + 1) if minute * 60 < total)
    left.update(seconds for seconds in (30.0, 10.0) if seconds < total)
    return sorted(left, reverse=True)


@attrs.define(eq=False)
class ShutdownCountdown:
    """A shutdown at a time to come: warnings on the way, logins locked at once (admins
    excepted), then ``finish`` (log everyone off with the message, save, stop)."""

    clock: IReactorTime
    warn: Callable[[str], object]  # tells every player in the world
    finish: Callable[[str], object]  # the end: log everyone off with the text, save, stop
    lock: LoginLock
    message: str = ""
    ends_at: float | None = None
    _calls: list[IDelayedCall] = attrs.field(factory=list)

    @property
    def running(self) -> bool:
        return self.ends_at is not None

    def seconds_left(self) -> float | None:
        return None if self.ends_at is None else max(0.0, self.ends_at - self.clock.seconds())

    def start(self, seconds: float, message: str) -> None:
        if self.running:
            raise RuntimeError("a shutdown countdown is already running")
        self.message = message
        now = self.clock.seconds()
        self.ends_at = now + seconds
        self.lock.lock(self._notice(f"in {spoken(seconds)}") + " New logins are closed until then.", owner="shutdown")
        log.info("shutdown in {seconds} s: {message}", seconds=seconds, message=message)
        first, *later = warning_times(seconds)
        for left in later:
            self._calls.append(self.clock.callLater(seconds - left, self._warn, left))
        self._calls.append(self.clock.callLater(seconds, self._end))
        self._warn(first)  # the first warning at once

    def cancel(self) -> bool:
        """Stop the countdown (and the lock it set); False if none was running."""
        if not self.running:
            return False
        for call in self._calls:
            if call.active():
                call.cancel()
        self._calls.clear()
        self.ends_at = None
        if self.lock.owner == "shutdown":
            self.lock.unlock()
        log.info("shutdown cancelled")
        return True

    def _notice(self, when: str) -> str:
        text = f"The server shuts down {when}."
        return f"{text} {self.message}" if self.message else text

    def _warn(self, left: float) -> None:
        self.warn(self._notice(f"in {spoken(left)}"))

    def _end(self) -> None:
        self._calls.clear()
        log.info("shutdown now: {message}", message=self.message)
        self.lock.lock(self._notice("now"), owner="shutdown")
        self.finish(self._notice("now"))


@attrs.define(eq=False)
class Maintenance:
    """What ``control.maintenance`` holds: the login lock and, once asked for, the countdown."""

    lock: LoginLock = attrs.field(factory=LoginLock)
    countdown: ShutdownCountdown | None = None


def install(control: ServerControl) -> Maintenance:
    """Give a running server its maintenance state: the lock the network side consults,
    and the countdown bound to the game and the reactor."""
    maintenance = Maintenance()
    control.maintenance = maintenance
    if control.factory is not None:
        control.factory.login_gate = maintenance.lock
    if control.hub is not None:
        hub = control.hub
        maintenance.countdown = ShutdownCountdown(
            control.reactor,
            warn=lambda text: operator.tell_everyone(hub.context, text),
            finish=lambda text: shut_down_now(control, text),
            lock=maintenance.lock,
        )
    return maintenance


def maintenance_of(control: ServerControl) -> Maintenance:
    """The server's maintenance state, set up on first use where the server did not."""
    if isinstance(control.maintenance, Maintenance):
        return control.maintenance
    return install(control)


def shut_down_now(control: ServerControl, text: str) -> None:
    """The end of a countdown: every player reads ``text`` and is logged off (saved as on
    a logoff), then the reactor stops; stopping runs the server's own stop path, which
    saves the world's state and the last item operations and exits with status 0."""
    hub = control.hub
    if hub is not None:
        ctx = hub.context
        for session in list(ctx.sessions.values()):
            operator.log_off(ctx, session, text, "shutdown")
    stop = getattr(control.reactor, "stop", None)
    if stop is not None:
        control.reactor.callLater(0, stop)  # after this turn: the messages and hang-ups leave first
