"""The SSH console's server: connections, the host key, the listener."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, cast

from twisted.application import strports
from twisted.application.service import IService, Service
from twisted.conch.ssh import connection, factory, keys, transport
from twisted.cred import portal
from twisted.internet import defer
from twisted.internet.interfaces import IDelayedCall

from emulator.admin.control import ServerControl
from emulator.admin.ssh.keys import HostKeyError, load_host_key, load_or_make_host_key
from emulator.admin.ssh.login import AdminPasswordChecker, AuthorizedKeyChecker, ConsoleUserAuth
from emulator.admin.ssh.shell import ConsoleRealm
from emulator.logs import logger

log = logger("m59emu.admin.ssh")

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
