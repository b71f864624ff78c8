"""Decode both directions of one recorded connection, as an observer on the wire.

Tracks what each end knows: the mode (login until ``AP_GAME``, game until ``BP_QUIT``),
the c2s security seeds (from each ``AP_GETCHOICE``), the epoch byte, and the s2c opcode
scrambling keyed by ``BP_ECHO_PING``. Every frame becomes a :class:`DecodedFrame` with
either a message or the error that stopped it; nothing raises out of :meth:`feed`.
"""

from __future__ import annotations

from collections.abc import Iterator

import attrs

from emulator.wire.codec import Message, ResourceLookup, table
from emulator.wire.crc import crc16
from emulator.wire.errors import BadChecksum, FrameError, ProtocolError
from emulator.wire.framing import MAX_SERVER_PAYLOAD, Frame, FrameDecoder
from emulator.wire.security import FALLBACK_REDBOOK, OpcodeScrambler, SecurityStream
from protocol_specs.opcodes import AP, BP
from protocol_specs.registry import C2S, GAME, LOGIN, S2C, Direction, Mode


@attrs.frozen
class DecodedFrame:
    time: float
    direction: Direction
    mode: Mode
    frame: Frame
    message: Message | None
    error: ProtocolError | None = None


class LearnedResources:
    """A resource table plus the texts the server pushed during the conversation
    (``BP_CHANGE_RESOURCE``, player names in ``BP_PLAYERS``), as the client keeps them."""

    def __init__(self, base: ResourceLookup | None) -> None:
        self.base = base
        self.learned: dict[int, str] = {}

    def text(self, resource_id: int) -> str | None:
        found = self.learned.get(resource_id)
        if found is None and self.base is not None:
            found = self.base.text(resource_id)
        return found


class ConversationDecoder:
    """Feed it each read of a connection, in the order they happened."""

    def __init__(self, resources: ResourceLookup | None = None) -> None:
        self.resources = LearnedResources(resources)
        # The largest frame either end accepts; a capture may show either.
        self._decoders = {C2S: FrameDecoder(MAX_SERVER_PAYLOAD), S2C: FrameDecoder(MAX_SERVER_PAYLOAD)}
        self.mode = {C2S: LOGIN, S2C: LOGIN}
        self._security: SecurityStream | None = None
        self._descrambler = OpcodeScrambler()
        self.epoch = 0

    def feed(self, direction: Direction, data: bytes, time: float = 0.0) -> Iterator[DecodedFrame]:
        decoder = self._decoders[direction]
        try:
            decoder.feed(data)
            for frame in decoder.frames():
                yield self._decode(direction, frame, time)
        except FrameError as error:
            yield DecodedFrame(time, direction, self.mode[direction], Frame(0, 0, decoder.take_unframed()), None, error)

    def leftover(self, direction: Direction) -> int:
        """Bytes of an unfinished frame at the end of the stream."""
        return self._decoders[direction].buffered

    def _decode(self, direction: Direction, frame: Frame, time: float) -> DecodedFrame:
        mode = self.mode[direction]
        payload = frame.payload
        error: ProtocolError | None = None
        if direction is S2C:
            if frame.check != crc16(payload):
                error = BadChecksum(f"s2c CRC {frame.check:#06x} != {crc16(payload):#06x}")
            payload = self._descrambler.apply(payload)
        elif mode is GAME:
            if self._security is None:
                error = BadChecksum("game-mode frame before any AP_GETCHOICE seeds")
            else:
                expected = self._security.next_check(payload)
                if frame.check != expected:
                    error = BadChecksum(f"c2s security value {frame.check:#06x} != {expected:#06x}")
        message = None
        try:
            message = table(mode, direction).decode(payload, self.resources)
        except ProtocolError as decode_error:
            error = error or decode_error
        if message is not None:
            self._track(direction, mode, frame, message)
        return DecodedFrame(time, direction, mode, Frame(frame.check, frame.seq, payload), message, error)

    def _track(self, direction: Direction, mode: Mode, frame: Frame, message: Message) -> None:
        name = message.name
        if direction is S2C:
            if mode is GAME:
                self.epoch = frame.seq
            if mode is LOGIN and name == AP.AP_GETCHOICE.name:
                self._security = SecurityStream(message["seeds"])
            elif mode is LOGIN and name == AP.AP_GAME.name:
                self.mode[C2S] = self.mode[S2C] = GAME
            elif mode is GAME and name == BP.BP_QUIT.name:
                self.mode[C2S] = self.mode[S2C] = LOGIN
            elif mode is GAME and name == BP.BP_CHANGE_RESOURCE.name:
                self.resources.learned[message["resource"]] = message["text"]
            elif mode is GAME and name in (BP.BP_PLAYERS.name, BP.BP_PLAYER_ADD.name):
                for player in message["players"] if name == BP.BP_PLAYERS.name else [message.fields]:
                    self.resources.learned[player["name_res"]] = player["name"]
            elif mode is GAME and name == BP.BP_ECHO_PING.name and message.fields.get("security"):
                rekey = message["security"]
                redbook = self._redbook_text(rekey["redbook"])
                self._descrambler.rekey(rekey["token"] ^ 0xED, redbook)

    def _redbook_text(self, resource_id: int) -> bytes:
        text = self.resources.text(resource_id) if resource_id else None
        return text.encode("latin-1") if text else FALLBACK_REDBOOK
