"""Twisted adapters: bytes in and out of :class:`~emulator.login.session.ServerConnection`.

:class:`M59Factory` owns what spans connections: connection caps, failed-login
throttles, the registry of logged-in accounts (for "account in use") and the store.
:class:`M59Protocol` feeds one session and performs its outputs. Nothing here decides
protocol behaviour; the session does.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol as TypingProtocol

from twisted.internet import defer
from twisted.internet.interfaces import IAddress, IDelayedCall, IReactorTime
from twisted.internet.protocol import Factory, Protocol
from twisted.logger import Logger, LogLevel
from twisted.python.failure import Failure

from emulator.config import Config
from emulator.login.events import (
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
from emulator.login.session import (
    EpochSource,
    SeedSource,
    ServerConnection,
    random_seed,
)
from emulator.net.limits import ConnectionLimiter, KeyedThrottle
from emulator.net.recording import SessionRecorder

log = Logger(namespace="m59emu.net")

_LEVELS = {"debug": LogLevel.debug, "info": LogLevel.info, "warn": LogLevel.warn, "error": LogLevel.error}


class LoginVerifier(TypingProtocol):
    """The slice of ``emulator.store.thread.StoreService`` the login needs."""

    def verify_login(self, name: str, digest: bytes, address: str) -> defer.Deferred[Verdict]: ...


#: Receives EnterGame / LeaveGame / GameRequest for the world (next issue).
GameSink = Callable[["M59Protocol", Output], None]


def _address_host(address: IAddress) -> str:
    return str(getattr(address, "host", address))


class M59Protocol(Protocol):
    def __init__(self, factory: M59Factory, host: str) -> None:
        self.factory = factory
        self.host = host
        self.session = ServerConnection(factory.config, factory.seed_source, factory.epoch)
        self._timer: IDelayedCall | None = None
        self._timer_at = 0.0
        self._lost = False
        self.recorder: SessionRecorder | None = None

    # -------------------------------------------------------------- Twisted callbacks

    def connectionMade(self) -> None:
        self.recorder = self.factory.open_recording(self.host)
        self.perform(self.session.start(self.factory.reactor.seconds()))

    def dataReceived(self, data: bytes) -> None:
        now = self.factory.reactor.seconds()
        outputs = self.session.receive(data, now)
        if self.recorder is not None:
            secrets = [output.digest for output in outputs if isinstance(output, VerifyLogin)]
            self.recorder.received(now, data, secrets)
        self.perform(outputs)
        # The session stops after each game request so its answer goes out first.
        while self.session.has_buffered_input and not self._lost:
            outputs = self.session.receive(b"", now)
            if not outputs:
                break  # only part of a frame is left
            self.perform(outputs)

    def connectionLost(self, reason: Failure | None = None) -> None:
        self._lost = True
        self._cancel_timer()
        if self.recorder is not None:
            self.recorder.close(self.factory.reactor.seconds())
        self.session.close("connection lost")
        self.factory.connection_closed(self)

    # -------------------------------------------------------------- outputs

    def perform(self, outputs: list[Output]) -> None:
        for output in outputs:
            if isinstance(output, Send):
                if not self._lost:
                    self.transport.write(output.data)
                    if self.recorder is not None:
                        self.recorder.sent(self.factory.reactor.seconds(), output.data)
            elif isinstance(output, Log):
                self._log(output)
            elif isinstance(output, VerifyLogin):
                self.factory.verify(self, output)
            elif isinstance(output, LoggedIn):
                self.factory.logged_in(self, output)
            elif isinstance(output, (EnterGame, LeaveGame, GameRequest)):
                self.factory.to_game(self, output)
            elif isinstance(output, Disconnect):
                self._cancel_timer()
                if not self._lost:
                    self.transport.loseConnection()  # after writing what was sent
        if not self.session.closed and not self._lost:
            self._schedule_timer()

    def kick(self, reason: str) -> None:
        """Close from the server's side without sending anything."""
        self.perform(self.session.close(reason))

    def _log(self, record: Log) -> None:
        # The format names only our own field keys; peer-chosen text stays in the values.
        keys = " ".join(f"{key}={{{key}!r}}" for key in record.fields)
        log.emit(
            _LEVELS.get(record.level, LogLevel.info),
            "{session_event} peer={peer!r} " + keys,
            session_event=record.event,
            peer=self.host,
            **record.fields,
        )

    # -------------------------------------------------------------- timer

    def _schedule_timer(self) -> None:
        deadline = self.session.next_deadline()
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
        self.perform(self.session.tick(self.factory.reactor.seconds()))


class M59Factory(Factory):
    protocol = M59Protocol  # for introspection; buildProtocol constructs it

    def __init__(
        self,
        config: Config,
        store: LoginVerifier,
        reactor: IReactorTime,
        seed_source: SeedSource = random_seed,
        epoch: EpochSource = lambda: 1,
        game_sink: GameSink | None = None,
    ) -> None:
        self.config = config
        self.store = store
        self.reactor = reactor
        self.seed_source = seed_source
        self.epoch = epoch
        self.game_sink = game_sink
        limits = config.limits
        self.limiter = ConnectionLimiter(limits.max_connections_per_address, limits.max_connections_total)
        self.account_failures = KeyedThrottle(
            limits.failed_logins_per_account, limits.failed_login_account_refill_seconds
        )
        self.address_failures = KeyedThrottle(
            limits.failed_logins_per_address, limits.failed_login_address_refill_seconds
        )
        self.connections: set[M59Protocol] = set()
        self.online: dict[int, M59Protocol] = {}  # account id -> its connection

    # -------------------------------------------------------------- connections

    def buildProtocol(self, addr: IAddress) -> M59Protocol | None:
        host = _address_host(addr)
        refusal = self.limiter.refusal(host)
        if refusal is not None:
            log.warn("connection refused: {limit} peer={peer!r}", limit=refusal, peer=host)  # noqa: G010 - twisted.logger.Logger has warn, not warning
            return None  # Twisted closes the socket
        self.limiter.acquire(host)
        protocol = M59Protocol(self, host)
        self.connections.add(protocol)
        return protocol

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
        account_id = protocol.session.account_id
        if account_id is not None and self.online.get(account_id) is protocol:
            del self.online[account_id]
        if account_id is not None and self.game_sink is not None:
            # The world must let go of the character whether or not the player quit first.
            self.game_sink(protocol, LeaveGame(account_id))

    def close_all(self, reason: str) -> None:
        """Server shutdown: close every connection without sending anything."""
        for protocol in list(self.connections):
            protocol.kick(reason)

    # -------------------------------------------------------------- login

    def verify(self, protocol: M59Protocol, request: VerifyLogin) -> None:
        now = self.reactor.seconds()
        account_key = request.name.lower()
        if not self.account_failures.allows(account_key, now):
            log.warn(  # noqa: G010 - twisted.logger.Logger has warn, not warning
                "failed-login throttle: account {account!r} peer={peer!r}", account=request.name, peer=protocol.host
            )
            protocol.perform(protocol.session.login_refused(Refusal.THROTTLED, now))
            return
        if not self.address_failures.allows(protocol.host, now):
            log.warn("failed-login throttle: address peer={peer!r}", peer=protocol.host)  # noqa: G010 - twisted.logger.Logger has warn, not warning
            protocol.perform(protocol.session.login_refused(Refusal.THROTTLED, now))
            return
        try:
            deferred = self.store.verify_login(request.name, request.digest, protocol.host)
        except Exception:  # noqa: BLE001 - a synchronous store error is handled like an errback
            deferred = defer.fail()
        deferred.addCallbacks(
            self._verdict, self._store_failed, callbackArgs=(protocol, account_key), errbackArgs=(protocol,)
        )
        deferred.addErrback(lambda failure: log.failure("login verdict handling failed", failure))

    def _verdict(self, verdict: Verdict, protocol: M59Protocol, account_key: str) -> None:
        now = self.reactor.seconds()
        if verdict.outcome == "bad_credentials":
            self.account_failures.charge(account_key, now)
            self.address_failures.charge(protocol.host, now)
        in_use = False
        if verdict.outcome == "ok" and not protocol.session.closed:
            other = self.online.get(verdict.account_id) if verdict.account_id is not None else None
            if other is not None and other is not protocol:
                if self.config.login.account_in_use == "override":
                    log.info(
                        "account {account!r} logged in again: closing the old connection", account=verdict.account_name
                    )
                    del self.online[verdict.account_id]
                    other.kick("account logged in elsewhere")
                else:
                    in_use = True
        protocol.perform(protocol.session.login_verified(verdict, now, account_in_use=in_use))

    def _store_failed(self, failure: Failure, protocol: M59Protocol) -> None:
        log.failure("account store failed during login peer={peer!r}", failure, peer=protocol.host)
        protocol.perform(protocol.session.login_refused(Refusal.UNAVAILABLE, self.reactor.seconds()))

    def logged_in(self, protocol: M59Protocol, event: LoggedIn) -> None:
        self.online[event.account_id] = protocol

    def to_game(self, protocol: M59Protocol, event: Output) -> None:
        if self.game_sink is not None:
            self.game_sink(protocol, event)
        # Until the world exists, game requests are only logged (by the session).

    def __repr__(self) -> str:  # shown by Twisted when listening
        return "M59Factory"
