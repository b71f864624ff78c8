"""The operator's SSH console: the command registry behind an SSH server (twisted.conch).

Who gets in:

* a public key listed in ``config.admin.ssh_authorized_keys``, whatever the SSH user
  name; the commands are logged under the key's comment (the operator's name);
* when ``config.admin.ssh_passwords`` is on, the user name and game password of an
  account with the admin level. A wrong password, an unknown name and a right password
  of a lesser account are refused alike, and failures are throttled as game logins are.

What they get: an interactive console (``m59> `` prompt, line editing and history on a
pty) or one command per exec request (``ssh -p 5960 host who``), whose exit status is 0
when the command ran and 1 when it answered with an error. Never a Python prompt.
"""

from __future__ import annotations

import datetime
import sys
from pathlib import Path
from typing import Any, cast

import attrs
from twisted.application import strports
from twisted.application.service import IService, Service
from twisted.conch import avatar, error as conch_error, interfaces as conch_interfaces
from twisted.conch.insults import insults
from twisted.conch.recvline import HistoricRecvLine
from twisted.conch.ssh import connection, factory, keys, session, transport, userauth
from twisted.conch.ssh.common import getNS
from twisted.cred import credentials, error as cred_error, portal
from twisted.cred.checkers import ICredentialsChecker
from twisted.internet import defer
from twisted.internet.interfaces import IDelayedCall
from twisted.internet.error import ProcessDone, ProcessTerminated
from twisted.python import components
from twisted.python.failure import Failure
from zope.interface import implementer

from emulator import auth
from emulator.admin.control import ServerControl
from emulator.admin.registry import Caller, Outcome
from emulator.admin.ssh_keys import HostKeyError, load_host_key, load_or_make_host_key, read_authorized_keys
from emulator.logs import logger
from emulator.net.limits import LoginThrottle
from emulator.store import accounts

log = logger("m59emu.admin.ssh")

PROMPT = b"m59> "
DOOR = "ssh"
#: Words that end the interactive console (besides Ctrl-D).
LEAVE_WORDS = frozenset({"exit", "quit", "logout"})
#: Longest command line taken from a client; longer ones are refused, not run.
MAX_LINE_BYTES = 4096


@attrs.frozen
class Operator:
    """Who logged in: the name commands are logged under, and how they proved it."""

    name: str
    method: str  # "key SHA256:..." or "password"


# --------------------------------------------------------------------- who may log in


class PeerPassword(credentials.UsernamePassword):
    """A password attempt and where it came from (for the failed-login throttle)."""

    def __init__(self, username: bytes, password: bytes, address: str) -> None:
        super().__init__(username, password)
        self.address = address


class ConsoleUserAuth(userauth.SSHUserAuthServer):
    """conch's user authentication, with the peer's address on password attempts and
    the server's reactor for the delay after a wrong one."""

    def serviceStarted(self) -> None:
        super().serviceStarted()
        server: Any = self.transport
        self.clock = server.factory.control.reactor

    def auth_password(self, packet: bytes) -> defer.Deferred[Any]:
        password = getNS(packet[1:])[0]
        server: Any = self.transport
        peer = server.transport.getPeer()
        attempt = PeerPassword(self.user or b"", password, getattr(peer, "host", str(peer)))
        return self.portal.login(attempt, None, conch_interfaces.IConchUser).addErrback(self._ebPassword)


@implementer(ICredentialsChecker)
class AuthorizedKeyChecker:
    """Keys listed in the authorized_keys file (read at each attempt: edits apply at once)."""

    credentialInterfaces = (credentials.ISSHPrivateKey,)

    def __init__(self, path: Path) -> None:
        self.path = path

    # The avatar id is an Operator (conch passes it through to the realm untouched).
    def requestAvatarId(self, offered: Any) -> defer.Deferred[Any]:
        try:
            key = keys.Key.fromString(offered.blob)
        except (keys.BadKeyError, ValueError):
            return defer.fail(cred_error.UnauthorizedLogin("not a key"))
        listed = next((k for k in read_authorized_keys(self.path) if k.key == key), None)
        if listed is None:
            return defer.fail(cred_error.UnauthorizedLogin("key not authorized"))
        if not offered.signature:
            return defer.fail(conch_error.ValidPublicKey())  # the client is asked to sign with it
        if not key.verify(offered.signature, offered.sigData):
            return defer.fail(cred_error.UnauthorizedLogin("bad signature"))
        fingerprint = key.fingerprint(keys.FingerprintFormats.SHA256_BASE64)
        return defer.succeed(Operator(listed.operator, f"key {fingerprint}"))


@implementer(ICredentialsChecker)
class AdminPasswordChecker:
    """The game password of an account with the admin level, checked by the store."""

    credentialInterfaces = (credentials.IUsernamePassword,)

    def __init__(self, control: ServerControl) -> None:
        self.control = control
        self.throttle = LoginThrottle(control.config.limits)

    def requestAvatarId(self, attempt: Any) -> defer.Deferred[Any]:
        name = attempt.username.decode("utf-8", "replace")
        address = f"ssh:{getattr(attempt, 'address', '?')}"
        now = self.control.reactor.seconds()
        admission = self.throttle.admit(name, address, now)
        if isinstance(admission, str):
            log.warn("SSH password throttle ({brake}): account {account!r} from {address}",
                     brake=admission, account=name, address=address)
            return defer.fail(cred_error.UnauthorizedLogin("refused"))
        try:
            digest = auth.client_digest(attempt.password.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            digest = bytes(auth.DIGEST_LENGTH)  # cannot match a stored hash; still costs one check
        verified = self._verify(name, digest, address)

        def judged(verdict: accounts.LoginVerdict) -> Operator:
            later = self.control.reactor.seconds()
            if verdict.outcome == "ok" and verdict.admin_level == accounts.ADMIN and verdict.account_name:
                self.throttle.succeeded(admission, later)
                return Operator(verdict.account_name, "password")
            if verdict.outcome == "ok":
                self.throttle.void(admission, later)  # the right password of a lesser account: no guess
            log.info("SSH password login refused for {account!r} from {address}", account=name, address=address)
            raise cred_error.UnauthorizedLogin("refused")

        def store_failed(failure: Failure) -> Failure:
            if not failure.check(cred_error.UnauthorizedLogin):
                self.throttle.void(admission, self.control.reactor.seconds())
                log.failure("SSH password check failed in the store", failure)
                return Failure(cred_error.UnauthorizedLogin("refused"))
            return failure

        return verified.addCallback(judged).addErrback(store_failed)

    def _verify(self, name: str, digest: bytes, address: str) -> defer.Deferred[accounts.LoginVerdict]:
        store: Any = self.control.store
        if hasattr(store, "verify_login"):  # the server's store: the slow hash off the database thread
            return cast(defer.Deferred[accounts.LoginVerdict],
                        defer.maybeDeferred(store.verify_login, name, digest, address))
        now = datetime.datetime.fromtimestamp(self.control.reactor.seconds(), datetime.UTC)
        return self.control.store.call(accounts.verify_login, name, digest, address, now)


# --------------------------------------------------------------------- what they get


class ConsoleAvatar(avatar.ConchUser):
    def __init__(self, control: ServerControl, operator: Operator) -> None:
        super().__init__()
        self.control = control
        self.operator = operator
        self.caller = Caller(operator.name, DOOR, accounts.ADMIN)
        self.channelLookup[b"session"] = session.SSHSession

    def run(self, line: str) -> defer.Deferred[Outcome]:
        return self.control.registry.execute_with_outcome(self.control, self.caller, line)


@implementer(portal.IRealm)
class ConsoleRealm:
    def __init__(self, control: ServerControl) -> None:
        self.control = control

    def requestAvatar(self, avatar_id: Any, mind: Any, *interfaces: Any) -> tuple[Any, ConsoleAvatar, Any]:
        if conch_interfaces.IConchUser not in interfaces:
            raise NotImplementedError("the SSH console offers SSH sessions only")
        operator = cast(Operator, avatar_id)
        log.info("SSH console login: {operator} ({method})", operator=operator.name, method=operator.method)
        return conch_interfaces.IConchUser, ConsoleAvatar(self.control, operator), lambda: None


def _text_for_terminal(text: str, newline: bytes) -> bytes:
    if not text:
        return b""
    return newline.join(text.encode("utf-8", "replace").splitlines()) + newline


@implementer(session.ISession)
class ConsoleSession:
    """One SSH session channel: an exec request or a shell, with or without a pty."""

    def __init__(self, console: ConsoleAvatar) -> None:
        self.console = console
        self.pty_size: tuple[int, int] | None = None  # (columns, rows) once a pty is asked for
        self.shell: _Console | None = None
        self.open = True

    @property
    def newline(self) -> bytes:
        return b"\r\n" if self.pty_size is not None else b"\n"

    def getPty(self, term: bytes, window_size: tuple[int, int, int, int], modes: Any) -> None:
        rows, columns = window_size[0], window_size[1]
        self.pty_size = (columns or 80, rows or 24)

    def windowChanged(self, window_size: tuple[int, int, int, int]) -> None:
        self.pty_size = (window_size[1] or 80, window_size[0] or 24)

    def execCommand(self, process: session.SSHSessionProcessProtocol, command: bytes) -> None:
        process.makeConnection(_Pipe(lambda data: None))  # input to a one-off command is ignored
        # Answered on the next turn of the reactor: the exec request's reply goes first.
        self.console.control.reactor.callLater(0, self._exec, process, command)

    def _exec(self, process: session.SSHSessionProcessProtocol, command: bytes) -> None:
        line = command.decode("utf-8", "replace")
        if len(command) > MAX_LINE_BYTES:
            done: defer.Deferred[Outcome] = defer.succeed(Outcome(f"the command is longer than {MAX_LINE_BYTES} bytes", False))
        else:
            done = self.console.run(line)

        def answer(outcome: Outcome) -> None:
            if not self.open:
                return
            process.write(_text_for_terminal(outcome.text, self.newline))
            ended = ProcessDone(0) if outcome.ok else ProcessTerminated(exitCode=1)
            process.processEnded(Failure(ended))

        done.addCallback(answer).addErrback(lambda failure: log.failure("SSH exec answer failed", failure))

    def openShell(self, process: session.SSHSessionProcessProtocol) -> None:
        # Input is held until the shell starts on the next turn of the reactor (after the
        # shell request's reply).
        held = _HeldInput()
        process.makeConnection(_Pipe(held.write))
        self.console.control.reactor.callLater(0, self._start_shell, process, held)

    def _start_shell(self, process: session.SSHSessionProcessProtocol, held: _HeldInput) -> None:
        if not self.open:
            return
        if self.pty_size is None:
            shell = LineShell(self.console, process)
            self.shell = shell
            shell.start()
            held.release_to(shell.dataReceived)
            return
        terminal = insults.ServerProtocol(ConsoleTerminal, self.console, process)
        terminal.makeConnection(_Pipe(process.write, process.loseConnection))
        self.shell = cast(_Console, terminal.terminalProtocol)
        held.release_to(terminal.dataReceived)

    def eofReceived(self) -> None:
        if isinstance(self.shell, LineShell):  # a pty's input ends with Ctrl-D instead
            self.shell.leave()

    def closed(self) -> None:
        self.open = False
        if self.shell is not None:
            self.shell.left = True  # answers still coming are dropped


class _HeldInput:
    """A session's input, kept until its reader is there."""

    def __init__(self) -> None:
        self._held: list[bytes] = []
        self._reader: Any = None

    def write(self, data: bytes) -> None:
        if self._reader is None:
            self._held.append(data)
        else:
            self._reader(data)

    def release_to(self, reader: Any) -> None:
        self._reader = reader
        held, self._held = self._held, []
        for data in held:
            reader(data)


class _Pipe:
    """Enough of a transport to join the session to a protocol."""

    def __init__(self, write: Any, lose: Any = None) -> None:
        self._write = write
        self._lose = lose

    def write(self, data: bytes) -> None:
        self._write(data)

    def writeSequence(self, data: Any) -> None:
        self._write(b"".join(data))

    def loseConnection(self) -> None:
        if self._lose is not None:
            self._lose()

    def getPeer(self) -> Any:
        return None

    def getHost(self) -> Any:
        return None


class _Console:
    """What both shells share: lines run one after the other, answers, leaving."""

    console: ConsoleAvatar
    process: session.SSHSessionProcessProtocol
    newline: bytes

    def _init_console(self) -> None:
        self._queue: defer.Deferred[None] = defer.succeed(None)
        self.left = False

    def submit(self, raw: bytes) -> None:
        self._queue.addCallback(lambda _: self._run(raw))

    def _run(self, raw: bytes) -> defer.Deferred[None] | None:
        if self.left:
            return None
        line = raw.decode("utf-8", "replace").strip()
        if line.lower() in LEAVE_WORDS:
            self.leave()
            return None
        if not line:
            self.prompt()
            return None
        if len(raw) > MAX_LINE_BYTES:
            done: defer.Deferred[Outcome] = defer.succeed(Outcome(f"the line is longer than {MAX_LINE_BYTES} bytes", False))
        else:
            done = self.console.run(line)

        def answer(outcome: Outcome) -> None:
            if not self.left:
                self.show(_text_for_terminal(outcome.text, self.newline))
                self.prompt()

        return done.addCallback(answer).addErrback(lambda failure: log.failure("SSH console answer failed", failure))

    def leave(self) -> None:
        if self.left:
            return
        self.left = True
        self.process.processEnded(Failure(ProcessDone(0)))

    def show(self, data: bytes) -> None:
        raise NotImplementedError

    def prompt(self) -> None:
        self.show(PROMPT)


class LineShell(_Console):
    """The console without a pty (``ssh host < commands.txt``): plain lines in and out."""

    newline = b"\n"

    def __init__(self, console: ConsoleAvatar, process: session.SSHSessionProcessProtocol) -> None:
        self.console = console
        self.process = process
        self._buffer = b""
        self._init_console()

    def start(self) -> None:
        self.prompt()

    def dataReceived(self, data: bytes) -> None:
        self._buffer += data
        *lines, self._buffer = self._buffer.split(b"\n")
        for line in lines:
            self.submit(line.rstrip(b"\r"))
        if len(self._buffer) > MAX_LINE_BYTES:
            self._buffer = b""
            self.show(b"line too long; dropped\n")

    def show(self, data: bytes) -> None:
        self.process.write(data)


class ConsoleTerminal(_Console, HistoricRecvLine):
    """The console on a pty: line editing and history (conch's recvline), CRLF line ends."""

    ps = (PROMPT, b"... ")
    newline = b"\n"  # the terminal (insults) writes every "\n" as CRLF

    def __init__(self, console: ConsoleAvatar, process: session.SSHSessionProcessProtocol) -> None:
        self.console = console
        self.process = process
        self._init_console()

    def connectionMade(self) -> None:
        super().connectionMade()
        self.keyHandlers[b"\x04"] = self._control_d
        self.keyHandlers[b"\x03"] = self._control_c

    def initializeScreen(self) -> None:
        # No screen reset: the operator's scrollback stays.
        self.terminal.write(b"Meridian 59 server console; 'help' lists the commands, 'exit' leaves." + self.newline)
        self.terminal.write(self.ps[self.pn])
        self.setInsertMode()

    def terminalSize(self, width: int, height: int) -> None:
        self.width, self.height = width, height

    def lineReceived(self, line: bytes) -> None:
        self.submit(line)

    def _control_d(self) -> None:
        if not self.lineBuffer:
            self.terminal.write(self.newline)
            self.leave()

    def _control_c(self) -> None:
        self.lineBuffer, self.lineBufferIndex = [], 0
        self.terminal.write(self.newline)
        self.prompt()

    def show(self, data: bytes) -> None:
        self.terminal.write(data)


# --------------------------------------------------------------------- the server


#: At most this many SSH connections at once; more are closed as they arrive.
MAX_CONNECTIONS = 16
#: A connection that has not logged in by then is closed.
LOGIN_SECONDS = 60.0


class ConsoleTransport(transport.SSHServerTransport):
    """conch's server side of a connection, closed if it does not log in in time."""

    factory: ConsoleFactory
    _login_deadline: IDelayedCall | None = None

    def connectionMade(self) -> None:
        super().connectionMade()
        self._login_deadline = self.factory.control.reactor.callLater(
            LOGIN_SECONDS, self._too_slow)

    def _too_slow(self) -> None:
        self._login_deadline = None
        if getattr(self, "avatar", None) is None:  # conch sets it once a login succeeds
            log.info("SSH console: closing a connection that did not log in within {seconds:.0f} s",
                     seconds=LOGIN_SECONDS)
            self.sendDisconnect(transport.DISCONNECT_NO_MORE_AUTH_METHODS_AVAILABLE, b"login took too long")

    def connectionLost(self, reason: Any = None) -> None:
        if self._login_deadline is not None and self._login_deadline.active():
            self._login_deadline.cancel()
        self.factory.open_connections.discard(self)
        super().connectionLost(reason)


class ConsoleFactory(factory.SSHFactory):
    protocol = ConsoleTransport
    services = {b"ssh-userauth": ConsoleUserAuth, b"ssh-connection": connection.SSHConnection}

    def __init__(self, control: ServerControl, host_key: keys.Key) -> None:
        self.control = control
        self.privateKeys = {host_key.sshType(): host_key}
        self.publicKeys = {host_key.sshType(): host_key.public()}
        self.primes = None
        access = portal.Portal(ConsoleRealm(control))
        access.registerChecker(AuthorizedKeyChecker(Path(control.config.admin.ssh_authorized_keys)))
        if control.config.admin.ssh_passwords:
            access.registerChecker(AdminPasswordChecker(control))
        self.portal = access
        self.open_connections: set[ConsoleTransport] = set()

    def buildProtocol(self, addr: Any) -> Any:
        if len(self.open_connections) >= MAX_CONNECTIONS:
            log.warn("SSH console: {count} connections open; refused one from {peer}",
                     count=len(self.open_connections), peer=str(addr))
            return None  # Twisted closes the connection
        built = cast(ConsoleTransport, super().buildProtocol(addr))
        self.open_connections.add(built)
        return built


components.registerAdapter(ConsoleSession, ConsoleAvatar, session.ISession)


class ConsoleService(Service):
    """Listens on ``ssh_listen`` once started; the host key is read (or made) then, so building
    the server writes nothing, and a bad key stops the server as it starts."""

    name = "ssh"

    def __init__(self, control: ServerControl) -> None:
        self.control = control
        self._listener: IService | None = None

    def startService(self) -> None:
        settings = self.control.config.admin
        host_key = load_or_make_host_key(Path(settings.ssh_host_key))
        self._listener = strports.service(settings.ssh_listen, ConsoleFactory(self.control, host_key),
                                          reactor=cast(Any, self.control.reactor))
        self._listener.startService()
        super().startService()

    def stopService(self) -> defer.Deferred[None] | None:
        super().stopService()
        listener, self._listener = self._listener, None
        return None if listener is None else listener.stopService()


def console_service(control: ServerControl) -> ConsoleService | None:
    """The SSH console, or None when ``ssh_listen`` is empty. A host key that is there but
    unusable stops the server now, with the reason."""
    settings = control.config.admin
    if not settings.ssh_listen:
        return None
    key_path = Path(settings.ssh_host_key)
    if key_path.exists():
        try:
            load_host_key(key_path)
        except HostKeyError as error:
            print(f"m59emu: cannot start:\n{error}", file=sys.stderr)
            raise SystemExit(1) from None
    return ConsoleService(control)


__all__ = ["ConsoleFactory", "Operator", "console_service"]
