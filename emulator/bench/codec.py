"""Codec throughput: frames per second for a realistic message mix, on one core.

    python -m emulator.bench.codec [--seconds S]

* decode: a stream of small client requests (moves, turns, speech, pings, room-content
  requests) as the server receives them: frame splitting, security-value check and
  message decode.
* encode BP_MOVE: message build, CRC and frame header.
* encode BP_ROOM_CONTENTS with 50 objects (players with overlays, items, scenery).

Each figure is the best of several timed rounds; the schema-only rate (no fast path)
is printed beside it for comparison.
"""

from __future__ import annotations

import argparse
import platform
import time
from collections.abc import Callable
from typing import Any

from emulator.wire.codec import table
from emulator.wire.crc import crc16
from emulator.wire.framing import FrameDecoder, encode_frame
from emulator.wire.security import SecurityStream
from protocol_specs.registry import C2S, GAME, S2C

SEEDS = (3590959792, 183567039, 136117489, 827012402, 1168148590)
EPOCH = 4
REQUESTS = table(GAME, C2S)
UPDATES = table(GAME, S2C)


def client_stream(count: int) -> bytes:
    """``count`` c2s game frames of a walking, talking player, as one byte string."""
    mix: list[tuple[str, dict[str, Any]]] = [
        ("BP_REQ_MOVE", {"y": 416, "x": 864, "speed": 18, "room": {"id": 484, "amount": None}}),
        ("BP_REQ_MOVE", {"y": 480, "x": 800, "speed": 36, "room": {"id": 484, "amount": None}}),
        ("BP_REQ_TURN", {"object": {"id": 4325, "amount": None}, "angle": 1024}),
        ("BP_SAY_TO", {"say_type": 1, "text": "hello from the wire"}),
        ("BP_PING", {}),
        ("BP_REQ_MOVE", {"y": 352, "x": 864, "speed": 18, "room": {"id": 484, "amount": None}}),
        ("BP_SEND_ROOM_CONTENTS", {}),
        ("BP_REQ_LOOK", {"object": {"id": 486, "amount": None}}),
    ]
    security = SecurityStream(SEEDS)
    frames = []
    for index in range(count):
        name, fields = mix[index % len(mix)]
        payload = REQUESTS.encode(name, fields)
        frames.append(encode_frame(payload, security.next_check(payload), EPOCH))
    return b"".join(frames)


def room_object(index: int) -> dict[str, Any]:
    static = {"type": 1, "params": {"group": 1}}
    body: dict[str, Any] = {
        "id": 5000 + index,
        "amount": None,
        "icon": 23670,
        "name": 1_000_000 + index,
        "flags": 0x20D,
        "rarity": 0,
        "lighting": {"flags": 0, "light": None} if index % 5 else {"flags": 1, "light": {"intensity": 40, "color": 0x5294}},
        "translation": None,
        "animation": static,
        "overlays": [],
        "y": 64 * (index % 10 + 1) + 32,
        "x": 64 * (index % 14 + 1) + 32,
        "angle": (index * 512) % 4096,
        "motion_translation": None,
        "motion_animation": static,
        "motion_overlays": [],
    }
    if index % 3 == 0:  # a player: body parts as overlays, walking animation
        parts = [
            {"icon": 23678 + part, "hotspot": hotspot, "translation": {"kind": 9, "value": 3}, "animation": static}
            for part, hotspot in enumerate((1, 11, 12, 13, 14))
        ]
        body["overlays"] = parts
        body["motion_overlays"] = parts
        body["motion_animation"] = {"type": 2, "params": {"period": 100, "group_low": 2, "group_high": 5}}
    return body


ROOM = {"room_id": 484, "objects": [room_object(index) for index in range(50)]}
MOVE = {"id": 4325, "y": 416, "x": 864, "speed": 18}


def decode_all(stream: bytes) -> int:
    decoder = FrameDecoder()
    security = SecurityStream(SEEDS)
    decode = REQUESTS.decode
    count = 0
    for frame in decoder.frames(stream):
        if frame.check != security.next_check(frame.payload) or frame.seq != EPOCH:
            raise AssertionError("benchmark stream is inconsistent")
        decode(frame.payload)
        count += 1
    return count


def decode_all_with_schema(stream: bytes) -> int:
    decoder = FrameDecoder()
    security = SecurityStream(SEEDS)
    count = 0
    for frame in decoder.frames(stream):
        security.next_check(frame.payload)
        REQUESTS.decode_with_schema(frame.payload)
        count += 1
    return count


def encode_frames(name: str, fields: dict, count: int, schema: bool = False) -> int:
    encode = UPDATES.encode_with_schema if schema else UPDATES.encode
    for _ in range(count):
        payload = encode(name, fields)
        encode_frame(payload, crc16(payload), EPOCH)
    return count


def rate(work: Callable[[], int], seconds: float) -> float:
    """Best frames/second over rounds lasting about ``seconds`` in total."""
    best = 0.0
    deadline = time.perf_counter() + seconds
    rounds = 0
    while rounds < 3 or time.perf_counter() < deadline:
        start = time.perf_counter()
        done = work()
        elapsed = time.perf_counter() - start
        best = max(best, done / elapsed)
        rounds += 1
        if rounds >= 50:
            break
    return best


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="time spent per figure")
    args = parser.parse_args(argv)

    stream = client_stream(20_000)
    room_bytes = len(UPDATES.encode("BP_ROOM_CONTENTS", ROOM))
    results = [
        ("decode small c2s frames (frame+check+decode)", rate(lambda: decode_all(stream), args.seconds),
         rate(lambda: decode_all_with_schema(stream[: len(stream) // 20]), args.seconds), 100_000),
        ("encode BP_MOVE (build+CRC+header)", rate(lambda: encode_frames("BP_MOVE", MOVE, 20_000), args.seconds),
         rate(lambda: encode_frames("BP_MOVE", MOVE, 1_000, schema=True), args.seconds), 200_000),
        (f"encode BP_ROOM_CONTENTS, 50 objects ({room_bytes} B)",
         rate(lambda: encode_frames("BP_ROOM_CONTENTS", ROOM, 500), args.seconds),
         rate(lambda: encode_frames("BP_ROOM_CONTENTS", ROOM, 20, schema=True), args.seconds), 5_000),
    ]
    print(f"python {platform.python_version()} on {platform.machine()}, one core")
    print(f"{'measure':52} {'frames/s':>12} {'schema only':>12} {'target':>9}")
    for label, fast, slow, target in results:
        verdict = "ok" if fast >= target else "BELOW"
        print(f"{label:52} {fast:12,.0f} {slow:12,.0f} {target:9,} {verdict}")


if __name__ == "__main__":
    main()
