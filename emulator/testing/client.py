"""A sans-IO Meridian 59 client, written from the protocol brief, for tests and bots.

It mirrors what the stock client does on the wire: login-mode frames carry seq 0 (and,
optionally, a garbage check value as the stock client does); after ``AP_GAME`` every
frame carries the security value of the seed stream from the last ``AP_GETCHOICE``
and the ``seq`` of the last frame received; every received opcode is de-scrambled
with the token keyed by ``BP_ECHO_PING``.
"""

from __future__ import annotations

import hashlib
from typing import Any

from emulator.auth import client_digest
from emulator.resources import ResourceTable
from emulator.wire.codec import Message, table
from emulator.wire.crc import crc16
from emulator.wire.framing import MAX_SERVER_PAYLOAD, Frame, FrameDecoder, encode_frame
from emulator.wire.security import FALLBACK_REDBOOK, OpcodeScrambler, SecurityStream
from protocol_specs.registry import C2S, GAME, LOGIN, S2C, Mode

#: What m59-harness (and the Steam client) report.
DEFAULT_VERSION = (7, 37)


def password_digest(password: str | bytes) -> bytes:
    """MD5 of the password with every zero byte replaced by 1 (clientd3d/login.c)."""
    if isinstance(password, str):
        return client_digest(password)
    return bytes(byte or 1 for byte in hashlib.md5(password).digest())


def encoded_version(major: int, minor: int) -> int:
    return (major * 100 + minor) * 3 + 3


class TestClient:
    """Frames requests and decodes replies; holds no socket."""

    __test__ = False  # not a pytest test class

    def __init__(
        self,
        version: tuple[int, int] = DEFAULT_VERSION,
        garbage_login_check: int | None = None,
        resources: ResourceTable | None = None,
    ) -> None:
        self.version = version
        # The client's resource table: format-string messages cannot be read without it.
        # Names the server pushes (BP_CHANGE_RESOURCE, BP_PLAYERS) are added as they come.
        self.resources = resources if resources is not None else ResourceTable()
        self.mode: Mode = LOGIN
        self.last_seq = 0
        self.seeds: tuple[int, ...] | None = None
        self.account_type: int | None = None
        self._garbage_check = garbage_login_check
        self._decoder = FrameDecoder(MAX_SERVER_PAYLOAD)
        self._security: SecurityStream | None = None
        self._descrambler = OpcodeScrambler()
        self.frames: list[Frame] = []  # every received frame, payload de-scrambled

    # ------------------------------------------------------------------ sending

    def frame(self, name: str, **fields: Any) -> bytes:
        """One framed request in the current mode."""
        return self.frame_payload(table(self.mode, C2S).encode(name, fields))

    def frame_payload(self, payload: bytes) -> bytes:
        if self.mode is GAME:
            if self._security is None:
                raise RuntimeError("game mode without AP_GETCHOICE seeds")
            return encode_frame(payload, self._security.next_check(payload), self.last_seq)
        check = self._garbage_check if self._garbage_check is not None else crc16(payload)
        return encode_frame(payload, check, 0)

    def login(self, account: str, password: str | bytes, digest: bytes | None = None, **overrides: Any) -> bytes:
        """AP_LOGIN with the real digest of ``password`` (or ``digest`` as given)."""
        major, minor = self.version
        fields: dict[str, Any] = {
            "major_version": major,
            "minor_version": minor,
            "os_platform": 2,
            "os_major": 10,
            "os_minor": 0,
            "memory": 0,
            "cpu": 0,
            "screen_width": 1024,
            "screen_height": 768,
            "display_modes": 0,
            "bandwidth": 0,
            "reserved": 0,
            "account": account,
            "password": password_digest(password) if digest is None else digest,
        }
        fields.update(overrides)
        return self.frame("AP_LOGIN", **fields)

    def request_game(self, hostname: str = "127.0.0.1") -> bytes:
        return self.frame(
            "AP_REQ_GAME", last_download_time=0, encoded_version=encoded_version(*self.version), hostname=hostname
        )

    # ------------------------------------------------------------------ receiving

    def receive(self, data: bytes) -> list[Message]:
        """Decode every complete s2c frame in ``data``; raises on anything malformed."""
        messages = []
        for frame in self._decoder.frames(data):
            if frame.check != crc16(frame.payload):
                raise AssertionError(f"bad s2c CRC {frame.check:#06x}")
            payload = self._descrambler.apply(frame.payload)
            self.last_seq = frame.seq
            message = table(self.mode, S2C).decode(payload, self.resources)
            self.frames.append(Frame(frame.check, frame.seq, payload))
            self._track(message)
            messages.append(message)
        return messages

    def _track(self, message: Message) -> None:
        name = message.name
        if self.mode is LOGIN:
            if name == "AP_GETCHOICE":
                self.seeds = tuple(message["seeds"])
                self._security = SecurityStream(self.seeds)
            elif name == "AP_LOGINOK":
                self.account_type = message["account_type"]
            elif name == "AP_GAME":
                self.mode = GAME
        elif name == "BP_QUIT":
            self.mode = LOGIN
        elif name == "BP_CHANGE_RESOURCE":
            self.resources.add(message["resource"], message["text"])
        elif name in ("BP_PLAYERS", "BP_PLAYER_ADD"):
            for player in message["players"] if name == "BP_PLAYERS" else [message.fields]:
                self.resources.add(player["name_res"], player["name"])
        elif name == "BP_ECHO_PING" and message.fields.get("security"):
            # Redbook id 0 (or one we do not have) means the built-in string.
            self._descrambler.rekey(message["security"]["token"] ^ 0xED, FALLBACK_REDBOOK)


def names(messages: list[Message]) -> list[str]:
    return [message.name for message in messages]
