"""Twisted adapters: bytes in and out of :class:`~emulator.connection.machine.ConnectionMachine`.

:class:`M59Factory` owns what spans connections: connection caps, failed-login
throttles, the registry of logged-in accounts (for "account in use") and the store.
:class:`M59Protocol` feeds one connection's machine and performs its outputs; in game
mode it hands requests to the game through :class:`~emulator.game.ports.GameGateway`
and gives the game a :class:`GameLink`. Nothing here decides protocol behaviour.

Outputs are performed from one queue, in order, and what is written leaves in one
``transport.write`` when the protocol's current call ends: a call that arrives while
one is running (a store answer given at once, the game answering a request) only
queues, so nothing re-enters the protocol.
"""

from __future__ import annotations

import collections
import socket
from pathlib import Path
from typing import Generic, TypeVar
from typing import Protocol as TypingProtocol

from twisted.internet import defer
from twisted.internet.interfaces import IAddress, IDelayedCall, IReactorTime, ITCPTransport
from twisted.internet.protocol import Factory, Protocol
from twisted.logger import LogLevel
from twisted.python.failure import Failure

from emulator import logs
from emulator.config import Config
from emulator.connection.events import (
    Disconnect,
    EnterGame,
    GameRequest,
    LeaveGame,
    Log,
    LoggedIn,
    Output,
    Refusal,
    Send,
    Verdict,
    VerifyLogin,
)
from emulator.connection.machine import (
    ConnectionMachine,
    EpochSource,
    SeedSource,
    State,
    random_seed,
)
from emulator.counters import ServerCounters
from emulator.game.ports import Account, GameGateway
from emulator.logs import logger
from emulator.net.game_link import GameLink
from emulator.net.limits import ConnectionLimiter, LoginAdmission, LoginThrottle
from emulator.net.recording import SessionRecorder

log = logger("m59emu.net")

VerdictT = TypeVar("VerdictT", bound=Verdict)


class LoginGate(TypingProtocol):
    """Whether logins are let in now (``emulator.admin.maintenance.LoginLock`` fits)."""

    def refusal(self, admin_level: int) -> str | None:
        """The text refusing a login of an account at this level; None lets it in."""


class LoginVerifier(TypingProtocol[VerdictT]):
    """The slice of ``emulator.store.thread.StoreService`` the login needs."""

    def verify_login(self, name: str, digest: bytes, address: str) -> defer.Deferred[VerdictT]: ...


def _address_host(address: IAddress | None) -> str:
    return str(getattr(address, "host", address))


REPEAT_WINDOW = 10.0  # seconds in which a connection's repeated log event is only counted


class M59Protocol(Protocol):
    def __init__(self, factory: M59Factory, host: str) -> None:
        self.factory = factory
        self.host = host
        self.machine = ConnectionMachine(
            factory.config, factory.seed_source, factory.epoch, debug=logs.enabled("debug"), counters=factory.counters
        )
        self.link: GameLink | None = None  # while in game mode
        self.connected_at = factory.reactor.seconds()
        self.recorder: SessionRecorder | None = None
        self._todo: collections.deque[Output] = collections.deque()
        self._busy = False  # inside one of our own calls: others only queue
        self._outgoing: list[bytes] = []
        self._closing = False
        self._paused = False
        self._lost = False
        self._timer: IDelayedCall | None = None
        self._timer_at = 0.0
        self._log_windows: dict[str, tuple[float, int]] = {}  # event -> (first logged at, repeats since)

    # -------------------------------------------------------------- Twisted callbacks

    def connectionMade(self) -> None:
        self.recorder = self.factory.open_recording(self.host)
        self._tune_socket()
        # The transport pauses us when its buffer fills (a client not reading).
        self.transport.registerProducer(self, True)  # type: ignore[union-attr]
        self.perform(self.machine.start(self.factory.reactor.seconds()))

    def _tune_socket(self) -> None:
        """No Nagle delay (output already leaves in one write per turn), and a bounded
        kernel send buffer. Transports without a socket (tests) are left alone."""
        if ITCPTransport.providedBy(self.transport):
            self.transport.setTcpNoDelay(True)
        handle = getattr(self.transport, "getHandle", lambda: None)()
        size = self.factory.config.limits.socket_send_buffer
        if size and isinstance(handle, socket.socket):
            handle.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, size)

    # IPushProducer: game output for a client that does not keep up waits in the link.

    def pauseProducing(self) -> None:
        self._paused = True
        if self.link is not None:
            self.link.hold()

    def resumeProducing(self) -> None:
        self._paused = False
        if self.link is not None:
            self.link.release()
        self.perform([])

    def stopProducing(self) -> None:
        self._paused = True

    def dataReceived(self, data: bytes) -> None:
        if self._lost:
            return
        now = self.factory.reactor.seconds()
        secrets: list[bytes] = []
        self._busy = True
        try:
            self.machine.receive_data(data, now)
            # One frame at a time, each answered (the game's reply included) before the next.
            while not self._closing and (outputs := self.machine.next_event(now)) is not None:
                secrets += [output.digest for output in outputs if isinstance(output, VerifyLogin)]
                self._todo.extend(outputs)
                self._work()
        finally:
            self._busy = False
        if self.recorder is not None:
            self.recorder.received(now, data, secrets)
        self._finish()

    def connectionLost(self, reason: Failure | None = None) -> None:
        now = self.factory.reactor.seconds()
        for event, (since, repeats) in self._log_windows.items():
            self._log_repeats(event, since, repeats, now)
        self._log_windows.clear()
        self._lost = True
        self._cancel_timer()
        if self.recorder is not None:
            self.recorder.close(self.factory.reactor.seconds())
        self.machine.close("connection lost")
        self._leave_game()
        self.factory.connection_closed(self)

    # -------------------------------------------------------------- outputs

    def perform(self, outputs: list[Output], *, rearm_timer: bool = True) -> None:
        """Carry out a machine's outputs (now, or after the call in progress)."""
        self._todo.extend(outputs)
        if not self._busy:
            self._busy = True
            try:
                self._work()
            finally:
                self._busy = False
            self._finish(rearm_timer)

    def kick(self, reason: str) -> None:
        """Close from the server's side without sending anything."""
        self.perform(self.machine.close(reason))

    def _wake(self) -> None:
        """The game link has something: carry it out unless a call of ours is running.
        Sending moves no deadline, so the timer is left as it is."""
        self.perform([], rearm_timer=False)

    def _work(self) -> None:
        """Perform queued outputs and what the game link asked for, in order."""
        while True:
            while self._todo:
                self._perform_one(self._todo.popleft())
            if not self._take_from_link():
                return

    def _take_from_link(self) -> bool:
        link = self.link
        if link is None:
            return False
        outputs: list[Output] = []
        if link.entered:
            link.entered = False
            self.machine.character_selected(self.factory.reactor.seconds())
        if link.overflowing:
            self._overflow(link)
            return False
        if link.messages and not link.held:
            outputs += self.machine.send_game(link.take_messages())
        if link.close_reason is not None:
            outputs += self.machine.close(link.close_reason)
            link.close_reason = None
        self._todo.extend(outputs)
        return bool(outputs)

    def _perform_one(self, output: Output) -> None:
        if isinstance(output, Send):
            if not self._lost and not self._closing:
                self._outgoing.append(output.data)
        elif isinstance(output, Log):
            self._log(output)
        elif isinstance(output, VerifyLogin):
            self.factory.verify(self, output)
        elif isinstance(output, LoggedIn):
            self.factory.logged_in(self, output)
        elif isinstance(output, EnterGame):
            self._enter_game(output)
        elif isinstance(output, GameRequest):
            game = self.factory.game
            if game is not None and self.link is not None:
                game.request(self.link, output.message)
        elif isinstance(output, LeaveGame):
            self._leave_game()
        elif isinstance(output, Disconnect):
            self._closing = True
            self._cancel_timer()

    def _overflow(self, link: GameLink) -> None:
        """A client that reads nothing while its game output piles up: drop it at once."""
        log.warn("closing a connection that is not reading: {held} bytes of game output held peer={peer!r}",
                 held=link.held_bytes, peer=self.host)  # noqa: G010
        link.messages.clear()
        link.overflowing = False
        self._todo.clear()
        self._outgoing.clear()
        self._lost = True  # nothing more is written; connectionLost follows the abort
        self.machine.close("output over its limit")
        self._leave_game()
        self._cancel_timer()
        if self.transport is not None:
            self.transport.abortConnection()  # type: ignore[attr-defined]  # ITCPTransport; the buffer is not flushed

    def _finish(self, rearm_timer: bool = True) -> None:
        """Write what the call produced in one go; hang up after it if asked; re-arm the timer."""
        assert self.transport is not None  # set by makeConnection before any call
        if self._outgoing and not self._lost:
            data = b"".join(self._outgoing)
            self.transport.write(data)
            if self.recorder is not None:
                self.recorder.sent(self.factory.reactor.seconds(), data)
        self._outgoing.clear()
        if self._lost:
            return
        if self._closing:
            self.transport.loseConnection()  # after writing what was sent
        elif rearm_timer and not self.machine.closed:
            self._schedule_timer()

    def _enter_game(self, event: EnterGame) -> None:
        game = self.factory.game
        if game is None:
            return  # login only (tests): game requests are logged by the machine
        self.link = GameLink(self._wake, self.factory.config.limits.max_output_bytes)
        if self._paused:
            self.link.hold()
        game.enter_game(self.link, Account(event.account_id, event.account_name, event.admin_level))

    def _leave_game(self) -> None:
        link, self.link = self.link, None
        game = self.factory.game
        if link is not None and game is not None:
            # The world must let go of the character whether or not the player quit first.
            game.leave_game(link)

    def _log(self, record: Log) -> None:
        """Log a machine's record; the same event again within ``REPEAT_WINDOW`` seconds is
        only counted, and said once as a summary, so one client cannot flood the log."""
        now = self.factory.reactor.seconds()
        window = self._log_windows.get(record.event)
        if window is not None and now - window[0] < REPEAT_WINDOW:
            self._log_windows[record.event] = (window[0], window[1] + 1)
            return
        if window is not None:
            self._log_repeats(record.event, *window, now)
        self._log_windows[record.event] = (now, 0)
        self._emit(record)

    def _log_repeats(self, event: str, since: float, repeats: int, now: float) -> None:
        if repeats:
            log.info("{session_event} repeated {repeats} more times in {seconds:.0f} s peer={peer!r}",
                     session_event=event, repeats=repeats, seconds=now - since, peer=self.host)

    def _emit(self, record: Log) -> None:
        # The format names only our own field keys; peer-chosen text stays in the values.
        keys = " ".join(f"{key}={{{key}!r}}" for key in record.fields)
        log.emit(
            logs.LEVELS.get(record.level, LogLevel.info),
            "{session_event} peer={peer!r} " + keys,
            session_event=record.event,
            peer=self.host,
            **record.fields,
        )

    # -------------------------------------------------------------- timer

    def _schedule_timer(self) -> None:
        deadline = self.machine.next_deadline()
        if deadline is None:
            self._cancel_timer()
            return
        if self._timer is not None and self._timer.active() and self._timer_at <= deadline:
            return  # it fires no later than needed and re-checks then; saves a callLater per message
        self._cancel_timer()
        reactor = self.factory.reactor
        self._timer_at = deadline
        self._timer = reactor.callLater(max(0.0, deadline - reactor.seconds()), self._on_timer)

    def _cancel_timer(self) -> None:
        if self._timer is not None and self._timer.active():
            self._timer.cancel()
        self._timer = None

    def _on_timer(self) -> None:
        self._timer = None
        self.perform(self.machine.tick(self.factory.reactor.seconds()))


class M59Factory(Factory, Generic[VerdictT]):
    protocol = M59Protocol  # for introspection; buildProtocol constructs it

    def __init__(
        self,
        config: Config,
        store: LoginVerifier[VerdictT],
        reactor: IReactorTime,
        seed_source: SeedSource = random_seed,
        epoch: EpochSource = lambda: 1,
        game: GameGateway | None = None,
    ) -> None:
        self.config = config
        self.store = store
        self.reactor = reactor
        self.seed_source = seed_source
        self.epoch = epoch
        self.game = game
        limits = config.limits
        self.limiter = ConnectionLimiter(limits.max_connections_per_address, limits.max_connections_total)
        self.login_throttle = LoginThrottle(limits)
        self.connections: set[M59Protocol] = set()
        self.online: dict[int, M59Protocol] = {}  # account id -> its connection
        self.login_gate: LoginGate | None = None  # the operator's login lock, when the server has one
        self.counters = ServerCounters()  # read by the metrics

    # -------------------------------------------------------------- connections

    def buildProtocol(self, addr: IAddress | None) -> M59Protocol | None:
        host = _address_host(addr)
        if self.limiter.total >= self.limiter.max_total and self.limiter.count(host) < self.limiter.max_per_address:
            self._shed_one()
        refusal = self.limiter.refusal(host)
        if refusal is not None:
            log.warn("connection refused: {limit} peer={peer!r}", limit=refusal, peer=host)  # noqa: G010 - twisted.logger.Logger has warn, not warning
            self.counters.connections_refused[refusal] += 1
            return None  # Twisted closes the socket
        self.counters.connections_accepted += 1
        self.limiter.acquire(host)
        protocol = M59Protocol(self, host)
        self.connections.add(protocol)
        return protocol

    def _shed_one(self) -> None:
        """Full: close the connection that has waited longest without logging in
        (preferring those that never sent a whole frame) to make room."""
        waiting = [p for p in self.connections if p.machine.state is State.AWAITING_LOGIN]
        if not waiting:
            return
        shed = min(waiting, key=lambda p: (p.machine.framed, p.connected_at))
        log.info("full: closing connection idle before login to make room peer={peer!r}", peer=shed.host)
        self.connections.discard(shed)
        self.limiter.release(shed.host)
        shed.kick("shed to make room")

    def open_recording(self, host: str) -> SessionRecorder | None:
        """A capture file for a new connection, when the config asks for recording."""
        world = self.config.world
        if not world.record_sessions:
            return None
        try:
            return SessionRecorder(Path(world.recordings_dir), host, self.reactor.seconds())
        except OSError as error:
            log.warn("cannot record session: {error}", error=str(error))  # noqa: G010
            return None

    def connection_closed(self, protocol: M59Protocol) -> None:
        if protocol in self.connections:
            self.connections.discard(protocol)
            self.limiter.release(protocol.host)
        account_id = protocol.machine.account_id
        if account_id is not None and self.online.get(account_id) is protocol:
            del self.online[account_id]

    def close_all(self, reason: str) -> None:
        """Server shutdown: close every connection without sending anything."""
        for protocol in list(self.connections):
            protocol.kick(reason)

    # -------------------------------------------------------------- login

    def verify(self, protocol: M59Protocol, request: VerifyLogin) -> None:
        now = self.reactor.seconds()
        admission = self.login_throttle.admit(request.name, protocol.host, now)
        if isinstance(admission, str):
            log.warn(  # noqa: G010 - twisted.logger.Logger has warn, not warning
                "failed-login throttle ({brake}): account {account!r} peer={peer!r}",
                brake=admission, account=request.name, peer=protocol.host,
            )
            protocol.perform(protocol.machine.login_refused(Refusal.THROTTLED, now))
            return
        try:
            deferred = self.store.verify_login(request.name, request.digest, protocol.host)
        except Exception:  # noqa: BLE001 - a synchronous store error is handled like an errback
            deferred = defer.fail()
        deferred.addCallbacks(
            self._verdict, self._store_failed, callbackArgs=(protocol, admission), errbackArgs=(protocol, admission)
        )
        deferred.addErrback(lambda failure: log.failure("login verdict handling failed", failure))

    def _verdict(self, verdict: VerdictT, protocol: M59Protocol, admission: LoginAdmission) -> None:
        now = self.reactor.seconds()
        if verdict.outcome == "ok":
            self.login_throttle.succeeded(admission, now)
        elif verdict.outcome != "bad_credentials":
            self.login_throttle.void(admission, now)  # banned: the password was right
        locked = self.login_gate.refusal(verdict.admin_level) if self.login_gate and verdict.outcome == "ok" else None
        if locked is not None:
            log.info("login refused while logins are locked: account {account!r} peer={peer!r}",
                     account=verdict.account_name, peer=protocol.host)
            protocol.perform(protocol.machine.login_refused(Refusal.LOCKED, now, locked))
            return
        in_use = False
        if verdict.outcome == "ok" and not protocol.machine.closed:
            account_id = verdict.account_id
            other = self.online.get(account_id) if account_id is not None else None
            if account_id is not None and other is not None and other is not protocol:
                if self.config.login.account_in_use == "override":
                    log.info(
                        "account {account!r} logged in again: closing the old connection", account=verdict.account_name
                    )
                    del self.online[account_id]
                    other.kick("account logged in elsewhere")
                else:
                    in_use = True
        protocol.perform(protocol.machine.login_verified(verdict, now, account_in_use=in_use))

    def _store_failed(self, failure: Failure, protocol: M59Protocol, admission: LoginAdmission) -> None:
        self.login_throttle.void(admission, self.reactor.seconds())
        log.failure("account store failed during login peer={peer!r}", failure, peer=protocol.host)
        protocol.perform(protocol.machine.login_refused(Refusal.UNAVAILABLE, self.reactor.seconds()))

    def logged_in(self, protocol: M59Protocol, event: LoggedIn) -> None:
        self.online[event.account_id] = protocol

    def __repr__(self) -> str:  # shown by Twisted when listening
        return "M59Factory"
