"""What an operator gets once logged in: an interactive console or one command per exec request."""

from __future__ import annotations

from typing import Any, cast

from twisted.conch import avatar, interfaces as conch_interfaces
from twisted.conch.insults import insults
from twisted.conch.recvline import HistoricRecvLine
from twisted.conch.ssh import session
from twisted.cred import portal
from twisted.internet import defer
from twisted.internet.error import ProcessDone, ProcessTerminated
from twisted.python import components
from twisted.python.failure import Failure
from zope.interface import implementer

from emulator.admin.control import ServerControl
from emulator.admin.registry import Caller, Outcome
from emulator.admin.ssh.login import Operator
from emulator.logs import logger
from emulator.store import accounts

log = logger("m59emu.admin.ssh")

PROMPT = b"m59> "
DOOR = "ssh"
#: Words that end the interactive console (besides Ctrl-D).
LEAVE_WORDS = frozenset({"exit", "quit", "logout"})
#: Longest command line taken from a client; longer ones are refused, not run.
MAX_LINE_BYTES = 4096


class ConsoleAvatar(avatar.ConchUser):
    def __init__(self, control: ServerControl, operator: Operator) -> None:
        super().__init__()
        self.control = control
        self.operator = operator
        self.caller = Caller(operator.name, DOOR, accounts.ADMIN)
        self.channelLookup[b"session"] = ConsoleChannel

    def run(self, line: str) -> defer.Deferred[Outcome]:
        return self.control.registry.execute_with_outcome(self.control, self.caller, line)


class ConsoleChannel(session.SSHSession):
    """conch's session channel, refusing a terminal to a key given none (``no-pty`` or
    ``restrict``): the request fails and a shell runs line by line."""

    def request_pty_req(self, data: bytes) -> int:
        if not cast(ConsoleAvatar, self.avatar).operator.pty:
            log.info("SSH console: no terminal for {operator} (its key says no-pty)",
                     operator=cast(ConsoleAvatar, self.avatar).operator.name)
            return 0
        return super().request_pty_req(data)


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
        forced = self.console.operator.command
        if forced is not None:  # a key's command="...": that, whatever was asked
            command = forced.encode("utf-8")
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
        if self.console.operator.command is not None:  # as OpenSSH: the forced command instead
            self.execCommand(process, b"")
            return
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


components.registerAdapter(ConsoleSession, ConsoleAvatar, session.ISession)
