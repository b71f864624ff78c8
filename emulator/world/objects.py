"""The things the world holds: placed objects and players, plus the limiter they share."""

from __future__ import annotations

import attrs


@attrs.define
class TokenBucket:
    """Refills at ``rate`` per second up to ``burst``; time only ever comes from callers."""

    rate: float
    burst: float
    tokens: float = 0.0
    checked_at: float | None = None

    def take(self, now: float, cost: float = 1.0) -> bool:
        """Spend ``cost`` if there is enough; a refused take spends nothing."""
        if self.checked_at is None:
            self.tokens = self.burst
        else:  # a clock that steps back refills nothing
            self.tokens = min(self.burst, self.tokens + max(0.0, now - self.checked_at) * self.rate)
        self.checked_at = max(now, self.checked_at) if self.checked_at is not None else now
        if cost > self.tokens:
            return False
        self.tokens -= cost
        return True


@attrs.define
class Stats:
    health: int = 20
    max_health: int = 20
    mana: int = 10
    max_mana: int = 10
    vigor: int = 200
    might: int = 25
    intellect: int = 25
    stamina: int = 25
    agility: int = 25
    mysticism: int = 25
    aim: int = 25
    karma: int = 0


@attrs.define(eq=False)
class Thing:
    """Anything with a place in a room. Read-only outside the world."""

    object_id: int
    kind: str | None  # content kind key; None for players
    room: str
    y: int  # fine units
    x: int
    angle: int = 0  # 0..4095
    key: str = ""  # the placed object's stable content key ("" for players)


WorldObject = Thing


@attrs.define(eq=False)
class Player(Thing):
    character_id: int = 0
    name: str = ""
    account_id: int | None = None
    stats: Stats = attrs.field(factory=Stats)
    speed: int = 0  # last accepted move's speed byte
    travel: TokenBucket | None = None  # squares of movement
    actions: TokenBucket | None = None  # move and turn requests, against floods
    speech: TokenBucket | None = None
