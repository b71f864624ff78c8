"""Optional session recording: each connection to a capture file in the shared format
(``emulator/capture.py``), so a bug report can carry a replayable log.

Password digests are blanked before anything is written: the read that completed an
``AP_LOGIN`` has the digest's 16 bytes replaced by zeros (the login-mode CRC is not
checked by anyone, so the capture still decodes).
"""

from __future__ import annotations

import itertools
import time
from pathlib import Path
from typing import IO

from emulator.capture import CaptureWriter
from protocol_specs.registry import C2S, S2C

_numbers = itertools.count(1)
REDACTED_DIGEST = bytes(16)


class SessionRecorder:
    def __init__(self, folder: Path, peer: str, started: float) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
        self.path = folder / f"{stamp}-{next(_numbers)}.jsonl"
        self._stream: IO[str] = self.path.open("w", encoding="ascii")
        self._started = started
        self._writer = CaptureWriter(
            self._stream,
            server="m59emu",
            note="recorded by the server; password digests blanked",
            started=time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
            peer=peer,
        )

    def received(self, now: float, data: bytes, secrets: list[bytes]) -> None:
        for secret in secrets:
            data = data.replace(secret, REDACTED_DIGEST)
        self._writer.record(now - self._started, C2S, data)

    def sent(self, now: float, data: bytes) -> None:
        self._writer.record(now - self._started, S2C, data)

    def close(self, now: float) -> None:
        if not self._stream.closed:
            self._writer.record(now - self._started, C2S, b"", eof=True)
            self._stream.close()
