"""The two anti-tamper mechanisms of game mode.

:class:`SecurityStream` gives the check value of every client-to-server game frame:
five seeds (from the last ``AP_GETCHOICE``) stepped by a linear congruential generator
once per frame (upstream ``clientd3d/com.c`` RandomStreamsStep, ``blakserv/game.c``
GameRandomStreamsStep).

:class:`OpcodeScrambler` XORs the opcode of every server-to-client frame with a rolling
token once the client has pinged (``blakserv/commcli.c`` SecurePacketBufferList,
``clientd3d/server.c`` DesecureByServerToken). The server applies it before sending,
the client before dispatching; both run the same steps.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from emulator.wire.crc import crc16

SEED_COUNT = 5
_MULTIPLIER = 9301
_INCREMENT = 49297
_MODULUS = 233280

#: Redbook text both sides use when the server names resource id 0.
FALLBACK_REDBOOK = b"BLAKSTON: Greenwich Q Zjiria"


def security_value(pick: int, payload: bytes) -> int:
    """The check field of a c2s game frame, given this frame's stream value."""
    opcode = payload[0]
    signed_opcode = opcode - 256 if opcode >= 128 else opcode  # C's signed char
    return (pick ^ len(payload) ^ (signed_opcode << 4) ^ crc16(payload)) & 0xFFFF


class SecurityStream:
    """The per-connection seed stream; both ends step it once per c2s game frame."""

    __slots__ = ("_seeds",)

    def __init__(self, seeds: Sequence[int]) -> None:
        if len(seeds) != SEED_COUNT:
            raise ValueError(f"need {SEED_COUNT} seeds, got {len(seeds)}")
        self._seeds = [seed & 0xFFFFFFFF for seed in seeds]

    @property
    def seeds(self) -> tuple[int, ...]:
        return tuple(self._seeds)

    def step(self) -> int:
        """Advance every seed and return this frame's pick."""
        seeds = self._seeds
        for index in range(SEED_COUNT):
            seeds[index] = ((seeds[index] * _MULTIPLIER + _INCREMENT) & 0xFFFFFFFF) % _MODULUS
        return seeds[seeds[4] % 4]

    def next_check(self, payload: bytes) -> int:
        """Step the stream and return the check value ``payload`` must carry."""
        return security_value(self.step(), payload)


class OpcodeScrambler:
    """Rolling XOR of s2c opcodes, keyed by ``BP_ECHO_PING``.

    Until the first re-key the token is 0 and the redbook pointer is unset, so frames
    pass unchanged.
    """

    __slots__ = ("token", "_redbook", "_position")

    def __init__(self) -> None:
        self.token = 0
        self._redbook = b""
        self._position: int | None = None

    @property
    def active(self) -> bool:
        return self._position is not None or self.token != 0

    def apply(self, payload: bytes) -> bytes:
        """XOR the opcode with the current token, then advance the token."""
        out = bytes(((payload[0] ^ self.token) & 0xFF,)) + payload[1:] if self.token & 0xFF else payload
        if self._position is not None and self._redbook:
            self.token = (self.token + (self._redbook[self._position] & 0x7F)) & 0xFFFFFFFF
            self._position = (self._position + 1) % len(self._redbook)
        return out

    def apply_each(self, payloads: Iterable[bytes]) -> list[bytes]:
        """:meth:`apply` to each payload in turn (the broadcast hot path: one call per batch)."""
        position = self._position
        redbook = self._redbook
        if position is None or not redbook:  # not keyed: the token stays as it is
            token = self.token & 0xFF
            if not token:
                return list(payloads)
            return [bytes((payload[0] ^ token,)) + payload[1:] for payload in payloads]
        token = self.token
        length = len(redbook)
        out = []
        for payload in payloads:
            low = token & 0xFF
            out.append(bytes((payload[0] ^ low,)) + payload[1:] if low else payload)
            token = (token + (redbook[position] & 0x7F)) & 0xFFFFFFFF
            position += 1
            if position == length:
                position = 0
        self.token, self._position = token, position
        return out

    def rekey(self, token: int, redbook: bytes = FALLBACK_REDBOOK) -> None:
        """Start a new token walk (after ``BP_ECHO_PING`` carrying ``token ^ 0xED``)."""
        self.token = token & 0xFF
        self._redbook = redbook or FALLBACK_REDBOOK
        self._position = 0
