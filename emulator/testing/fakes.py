"""In-memory stand-ins for the account store, with the ``verify_login`` signature."""

from __future__ import annotations

import attrs
from twisted.internet import defer

from emulator.testing.client import password_digest


@attrs.frozen
class FakeVerdict:
    """Same fields as ``emulator.store.accounts.LoginVerdict``."""

    outcome: str
    account_id: int | None = None
    account_name: str | None = None
    admin_level: int = 0
    banned_until: object = None


@attrs.define
class FakeAccount:
    account_id: int
    name: str
    digest: bytes
    admin_level: int = 0
    banned: bool = False


class FakeAccountStore:
    """``verify_login`` answers at once, or later when ``hold`` is set (see :meth:`release`)."""

    def __init__(self) -> None:
        self.accounts: dict[str, FakeAccount] = {}
        self.calls: list[tuple[str, bytes, str]] = []
        self.hold = False
        self.fail = False
        self.pending: list[tuple[defer.Deferred, FakeVerdict]] = []

    def add(self, name: str, password: str, admin_level: int = 0, banned: bool = False) -> FakeAccount:
        account = FakeAccount(len(self.accounts) + 1, name, password_digest(password), admin_level, banned)
        self.accounts[name.lower()] = account
        return account

    def verdict(self, name: str, digest: bytes) -> FakeVerdict:
        account = self.accounts.get(name.lower())
        if account is None or account.digest != digest:
            return FakeVerdict("bad_credentials")
        outcome = "banned" if account.banned else "ok"
        return FakeVerdict(outcome, account.account_id, account.name, account.admin_level)

    def verify_login(self, name: str, digest: bytes, address: str) -> defer.Deferred:
        self.calls.append((name, digest, address))
        if self.fail:
            return defer.fail(RuntimeError("store is down"))
        verdict = self.verdict(name, digest)
        if self.hold:
            deferred: defer.Deferred = defer.Deferred()
            self.pending.append((deferred, verdict))
            return deferred
        return defer.succeed(verdict)

    def release(self) -> None:
        pending, self.pending = self.pending, []
        for deferred, verdict in pending:
            deferred.callback(verdict)
