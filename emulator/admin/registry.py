"""The one registry of operator commands, and how a line of text becomes a call.

Every door (the SSH console, the in-game ``BP_REQ_ADMIN`` console, ``m59emu admin``)
hands a line and the :class:`Caller` to :meth:`CommandRegistry.execute` and shows the
text that comes back. A command declares its name (one or more words: "show status"),
who may run it, its arguments (an ``argparse`` parser that never exits the process),
and whether it needs the running world; the registry logs every call with who made it.
"""

from __future__ import annotations

import argparse
import enum
import shlex
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, NoReturn

import attrs
from twisted.internet import defer
from twisted.python.failure import Failure

from emulator.logs import logger

if TYPE_CHECKING:
    from emulator.admin.control import ServerControl

log = logger("m59emu.admin")


class Rights(enum.Enum):
    """Who may run a command: account levels as the original server has them."""

    ADMIN = "admin"  # admin accounts only
    DM = "dm"  # admin or DM accounts


#: Account levels (``emulator.store.accounts``): 0 user, 1 admin, 2 DM.
_LEVEL_RIGHTS: dict[int, frozenset[Rights]] = {1: frozenset(Rights), 2: frozenset({Rights.DM})}


def rights_of(admin_level: int) -> frozenset[Rights]:
    return _LEVEL_RIGHTS.get(admin_level, frozenset())


class CommandError(Exception):
    """A command that cannot run as asked: the text is shown to the caller as is."""


@attrs.frozen
class Caller:
    """Who runs a command, and through which door ("ssh", "game", "cli")."""

    name: str
    door: str
    admin_level: int
    #: The caller's character in the world, for commands that act on "me" (in-game door).
    player_id: int | None = None

    def may(self, rights: Rights) -> bool:
        return rights in rights_of(self.admin_level)

    def __str__(self) -> str:
        return f"{self.name} ({self.door})"


Result = str | defer.Deferred[str]


@attrs.frozen
class Call:
    """One command being run: what it acts on, who asked, and the parsed arguments."""

    control: ServerControl
    caller: Caller
    args: argparse.Namespace
    line: str


@attrs.frozen
class Command:
    name: str  # one or more words, lower case
    summary: str
    run: Callable[[Call], Result]
    #: Adds the command's arguments to its parser.
    arguments: Callable[[argparse.ArgumentParser], None] = lambda parser: None
    rights: Rights = Rights.ADMIN
    #: False: it works on the store alone, so ``m59emu admin`` can run it with no server.
    needs_world: bool = True
    #: Argument lines that run it successfully on a test server with an account "alice"
    #: and her character "Alanna" in the world; the door tests run every one.
    examples: tuple[str, ...] = ("",)

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(self.name.split())


@attrs.frozen
class Outcome:
    """What a command answered, and whether it ran (False: refused, bad arguments, failed)."""

    text: str
    ok: bool


class _ArgumentParser(argparse.ArgumentParser):
    """argparse that reports errors and help as :class:`CommandError`, never exiting."""

    def error(self, message: str) -> NoReturn:
        raise CommandError(f"{message}\n{self.format_usage().rstrip()}")

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        raise CommandError(message or "")

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
        try:
            return super().parse_known_args(args, namespace)
        except argparse.ArgumentError as error:  # exit_on_error=False raises these (a bad int, a bad choice)
            self.error(str(error))

    def print_help(self, file: Any = None) -> None:
        raise CommandError(self.format_help().rstrip())

    def print_usage(self, file: Any = None) -> None:
        raise CommandError(self.format_usage().rstrip())


class CommandRegistry:
    def __init__(self, commands: Iterable[Command] = ()) -> None:
        self._commands: dict[tuple[str, ...], Command] = {}
        self._parsers: dict[tuple[str, ...], _ArgumentParser] = {}
        for command in commands:
            self.add(command)

    def add(self, command: Command) -> None:
        if command.words in self._commands:
            raise ValueError(f"two admin commands are named {command.name!r}")
        parser = _ArgumentParser(prog=command.name, description=command.summary, add_help=True, exit_on_error=False)
        command.arguments(parser)
        self._commands[command.words] = command
        self._parsers[command.words] = parser

    def __iter__(self) -> Any:
        return iter(sorted(self._commands.values(), key=lambda c: c.name))

    def get(self, name: str) -> Command:
        return self._commands[tuple(name.split())]

    def usage(self, name: str) -> str:
        return self._parsers[tuple(name.split())].format_help().rstrip()

    def resolve(self, line: str) -> tuple[Command, list[str]]:
        """The command a line names (the longest match of its first words) and the rest."""
        try:
            words = shlex.split(line)
        except ValueError as error:  # an unclosed quote
            raise CommandError(f"cannot read the line: {error}") from None
        if not words:
            raise CommandError("type a command; 'help' lists them")
        lowered = [word.lower() for word in words]
        for length in range(min(len(words), 3), 0, -1):
            command = self._commands.get(tuple(lowered[:length]))
            if command is not None:
                return command, words[length:]
        raise CommandError(f"unknown command {words[0]!r}; 'help' lists them")

    def execute(self, control: ServerControl, caller: Caller, line: str) -> defer.Deferred[str]:
        """Run one line for a caller; always fires with the text to show, never fails."""
        return self.execute_with_outcome(control, caller, line).addCallback(lambda outcome: outcome.text)

    def execute_with_outcome(self, control: ServerControl, caller: Caller, line: str) -> defer.Deferred[Outcome]:
        """As :meth:`execute`, also telling whether the command ran (for the doors' exit status)."""
        try:
            command, rest = self.resolve(line)
            if not caller.may(command.rights):
                log.warn("admin command refused: {caller} may not run {command}", caller=str(caller),
                         command=command.name)
                raise CommandError(f"{command.name}: not allowed for this account")
            if command.needs_world and not control.online:
                raise CommandError(f"{command.name}: needs the running server (use the SSH console)")
            args = self._parsers[command.words].parse_args(rest)
        except CommandError as error:
            return defer.succeed(Outcome(str(error), ok=False))
        log.info("admin command by {caller}: {line}", caller=str(caller), line=line)
        result = defer.maybeDeferred(command.run, Call(control, caller, args, line))

        def failed(failure: Failure) -> Outcome:
            if failure.check(CommandError):
                return Outcome(str(failure.value), ok=False)
            log.failure("admin command {line!r} by {caller} failed", failure, line=line, caller=str(caller))
            return Outcome(f"{command.name}: failed ({failure.getErrorMessage()}); see the server log", ok=False)

        result.addCallbacks(lambda text: Outcome(text, ok=True), failed)
        return result  # type: ignore[return-value]  # maybeDeferred flattens a returned Deferred
