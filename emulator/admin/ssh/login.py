"""Who may log in to the SSH console: listed public keys, or the game password of an admin account."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any, cast

import attrs
from twisted.conch import error as conch_error, interfaces as conch_interfaces
from twisted.conch.ssh import keys, userauth
from twisted.conch.ssh.common import getNS
from twisted.cred import credentials, error as cred_error
from twisted.cred.checkers import ICredentialsChecker
from twisted.internet import defer
from twisted.python.failure import Failure
from zope.interface import implementer

from emulator import auth
from emulator.admin.control import ServerControl
from emulator.admin.ssh.keys import read_authorized_keys
from emulator.logs import logger
from emulator.net.limits import LoginThrottle
from emulator.store import accounts

log = logger("m59emu.admin.ssh")


@attrs.frozen
class Operator:
    """Who logged in: the name commands are logged under, and how they proved it."""

    name: str
    method: str  # "key SHA256:..." or "password"
    #: a terminal may be asked for (a key's ``no-pty`` or ``restrict`` says not)
    pty: bool = True
    #: a key's ``command="..."``: the one command line this login runs
    command: str | None = None


class PeerPassword(credentials.UsernamePassword):
    """A password attempt and where it came from (for the failed-login throttle)."""

    def __init__(self, username: bytes, password: bytes, address: str) -> None:
        super().__init__(username, password)
        self.address = address


class _PeerPortal:
    """The console's portal, handing the checkers the peer's address on every attempt
    (conch's key credentials carry none; a key's ``from=`` needs it)."""

    def __init__(self, portal: Any, address: str) -> None:
        self.portal = portal
        self.address = address

    def listCredentialsInterfaces(self) -> Any:
        return self.portal.listCredentialsInterfaces()

    def login(self, attempt: Any, mind: Any, *interfaces: Any) -> defer.Deferred[Any]:
        if not hasattr(attempt, "address"):
            attempt.address = self.address
        return cast(defer.Deferred[Any], self.portal.login(attempt, mind, *interfaces))


class ConsoleUserAuth(userauth.SSHUserAuthServer):
    """conch's user authentication, with the peer's address on every attempt and
    the server's reactor for the delay after a wrong one."""

    def serviceStarted(self) -> None:
        super().serviceStarted()
        server: Any = self.transport
        self.clock = server.factory.control.reactor
        peer = server.transport.getPeer()
        self.portal = _PeerPortal(self.portal, getattr(peer, "host", str(peer)))

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
        address = getattr(offered, "address", "")
        now = datetime.datetime.now(datetime.UTC)
        # as OpenSSH: the first line of this key whose options let this peer in, now
        listed = next((k for k in read_authorized_keys(self.path) if k.key == key and k.admits(address, now)), None)
        if listed is None:
            return defer.fail(cred_error.UnauthorizedLogin("key not authorized"))
        if not offered.signature:
            return defer.fail(conch_error.ValidPublicKey())  # the client is asked to sign with it
        if not key.verify(offered.signature, offered.sigData):
            return defer.fail(cred_error.UnauthorizedLogin("bad signature"))
        fingerprint = key.fingerprint(keys.FingerprintFormats.SHA256_BASE64)
        return defer.succeed(Operator(listed.operator, f"key {fingerprint}", listed.pty, listed.command))


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
