"""Connection caps and failed-login throttles; time is passed in (the reactor's clock).

Written here because ``twisted.protocols.policies.LimitConnectionsByPeer`` is broken on
Twisted 26.10 and ``protocols.htb`` reads the wall clock.
"""

from __future__ import annotations

import attrs

from emulator.config import LimitsConfig


@attrs.define
class TokenBucket:
    """``capacity`` tokens; one comes back every ``refill_seconds``."""

    capacity: int
    refill_seconds: float
    tokens: float = attrs.field(default=None)
    updated: float = 0.0

    def __attrs_post_init__(self) -> None:
        if self.tokens is None:
            self.tokens = float(self.capacity)

    def _refill(self, now: float) -> None:
        if now > self.updated:
            self.tokens = min(float(self.capacity), self.tokens + (now - self.updated) / self.refill_seconds)
        self.updated = max(self.updated, now)

    def available(self, now: float) -> bool:
        self._refill(now)
        return self.tokens >= 1.0

    def take(self, now: float) -> None:
        self._refill(now)
        self.tokens = max(0.0, self.tokens - 1.0)

    def full(self, now: float) -> bool:
        self._refill(now)
        return self.tokens >= self.capacity


class KeyedThrottle:
    """One bucket per key (an account name, an address). Full buckets are forgotten."""

    def __init__(self, capacity: int, refill_seconds: float) -> None:
        self.capacity = capacity
        self.refill_seconds = refill_seconds
        self._buckets: dict[str, TokenBucket] = {}

    def allows(self, key: str, now: float) -> bool:
        bucket = self._buckets.get(key)
        return bucket is None or bucket.available(now)

    def charge(self, key: str, now: float) -> None:
        """Record one failure for ``key``."""
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = TokenBucket(self.capacity, self.refill_seconds, updated=now)
        bucket.take(now)
        self._prune(now)

    def take(self, key: str, now: float) -> bool:
        """Charge ``key`` if it has a token left; False (and nothing charged) if not."""
        if not self.allows(key, now):
            return False
        self.charge(key, now)
        return True

    def refund(self, key: str, now: float) -> None:
        """Give back a token taken for an attempt that turned out not to be a failure."""
        bucket = self._buckets.get(key)
        if bucket is not None:
            bucket.tokens = min(float(bucket.capacity), bucket.tokens + 1.0)

    def _prune(self, now: float) -> None:
        # Cheap amortised clean-up: only when the table has grown.
        if len(self._buckets) > 1024:
            for key in [key for key, bucket in self._buckets.items() if bucket.full(now)]:
                del self._buckets[key]

    def __len__(self) -> int:
        return len(self._buckets)


class ConnectionLimiter:
    """Counts open connections per address and in total."""

    def __init__(self, max_per_address: int, max_total: int) -> None:
        self.max_per_address = max_per_address
        self.max_total = max_total
        self.total = 0
        self._per_address: dict[str, int] = {}

    def refusal(self, address: str) -> str | None:
        """Why a new connection from ``address`` must be refused, or None."""
        if self.total >= self.max_total:
            return "max_connections_total"
        if self._per_address.get(address, 0) >= self.max_per_address:
            return "max_connections_per_address"
        return None

    def acquire(self, address: str) -> None:
        self.total += 1
        self._per_address[address] = self._per_address.get(address, 0) + 1

    def release(self, address: str) -> None:
        self.total = max(0, self.total - 1)
        count = self._per_address.get(address, 0) - 1
        if count > 0:
            self._per_address[address] = count
        else:
            self._per_address.pop(address, None)

    def count(self, address: str) -> int:
        return self._per_address.get(address, 0)


class KnownAddresses:
    """Addresses each account has logged in from, so an attack on the account from
    elsewhere does not lock its owner out. Bounded: the most recent few per account."""

    PER_ACCOUNT = 8

    def __init__(self, max_accounts: int = 100_000) -> None:
        self.max_accounts = max_accounts
        self._by_account: dict[str, list[str]] = {}

    def add(self, account: str, address: str) -> None:
        addresses = self._by_account.pop(account, [])  # re-inserted: most recent last
        if address in addresses:
            addresses.remove(address)
        addresses.append(address)
        self._by_account[account] = addresses[-self.PER_ACCOUNT:]
        if len(self._by_account) > self.max_accounts:
            del self._by_account[next(iter(self._by_account))]  # the least recently seen account

    def knows(self, account: str, address: str) -> bool:
        return address in self._by_account.get(account, ())


@attrs.frozen
class LoginAdmission:
    """The tokens an attempt took, given back if it succeeds."""

    account: str
    address: str
    pair: str
    braked: bool  # the account-wide brake was charged


class LoginThrottle:
    """Failed-login brakes, taken before the password is checked (so parallel guesses
    cannot all pass a check made before any of them failed) and given back on success.

    In order: per account and address (the tight one), per address, and account-wide
    (a looser brake that addresses the account has logged in from before skip).
    """

    def __init__(self, limits: LimitsConfig, known: KnownAddresses | None = None) -> None:
        self.pairs = KeyedThrottle(limits.failed_logins_per_account_address, limits.failed_login_account_address_refill_seconds)
        self.addresses = KeyedThrottle(limits.failed_logins_per_address, limits.failed_login_address_refill_seconds)
        self.accounts = KeyedThrottle(limits.failed_logins_per_account, limits.failed_login_account_refill_seconds)
        self.known = known or KnownAddresses()

    def admit(self, account: str, address: str, now: float) -> LoginAdmission | str:
        """Take the tokens for one attempt, or say which brake refuses it."""
        account = account.casefold()
        pair = f"{account}\0{address}"
        braked = not self.known.knows(account, address)
        if not self.pairs.allows(pair, now):
            return "account and address"
        if not self.addresses.allows(address, now):
            return "address"
        if braked and not self.accounts.allows(account, now):
            return "account"
        self.pairs.charge(pair, now)
        self.addresses.charge(address, now)
        if braked:
            self.accounts.charge(account, now)
        return LoginAdmission(account, address, pair, braked)

    def succeeded(self, admission: LoginAdmission, now: float) -> None:
        """The password was right: give the tokens back and remember the address."""
        self.void(admission, now)
        self.known.add(admission.account, admission.address)

    def void(self, admission: LoginAdmission, now: float) -> None:
        """The attempt was no guess at all (the store failed, a banned account): give back."""
        self.pairs.refund(admission.pair, now)
        self.addresses.refund(admission.address, now)
        if admission.braked:
            self.accounts.refund(admission.account, now)
