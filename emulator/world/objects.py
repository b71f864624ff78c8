"""The things the world holds: placed objects and players."""

from __future__ import annotations

import attrs

from emulator.ratelimit import TokenBucket

__all__ = ["Player", "Stats", "Thing", "TokenBucket", "WorldObject"]


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
    last_attack_at: float | None = None  # when its last swing was resolved (the attack delay)
    #: Hundredths of a karma point beyond ``stats.karma`` (the original keeps karma in
    #: hundredths; whole points are shown and saved). In memory only for now.
    karma_fraction: int = 0
    #: Posture and vigor (issue 11, step 5), in memory only for now.
    resting: bool = False  # UC_REST until UC_STAND
    safety: bool = True  # UC_SAFETY: on by default, as the original; on, no attacks on players
    #: Brands of player killing (player.kod PFLAG_OUTLAW, PFLAG_MURDERER), in memory only for now.
    outlaw: bool = False  # attacked an innocent player
    murderer: bool = False  # killed an innocent player
    moved_since_entry: bool = False  # health regenerates only once the player has moved (player.kod)
    moves_counter: int = 0  # user.kod piMovesCounter: when moving costs vigor
    last_move_second: int | None = None  # whole game second of the last accepted move
    exertion: int = 0  # exertion not yet turned into vigor (rules.vitals.Vigor.exertion)
    #: Game time (milliseconds) when the next health, mana and rest timers fire; None: unarmed.
    health_due_ms: int | None = None
    mana_due_ms: int | None = None
    rest_due_ms: int | None = None
