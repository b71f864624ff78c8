"""The server's loggers, and the level below which nothing is logged.

Every module logs through :func:`logger`; events below the configured level
(``[server] log_level``, "info" by default) are dropped before any observer sees them,
so a client sending thousands of requests cannot fill the disk with debug lines.

Two output formats: twistd's readable text (the default), and JSON, one object per line
(``[server] log_format = "json"``, ``--log-format json``, or twistd's own
``--logger emulator.logs.json_observer``). The level filter sits before the global
publisher, so it holds for either format.
"""

from __future__ import annotations

import signal
import sys
from typing import IO, Any

from twisted.logger import (
    FilteringLogObserver,
    ILogObserver,
    Logger,
    LogLevel,
    LogLevelFilterPredicate,
    LogEvent,
    formatEvent,
    globalLogPublisher,
    jsonFileLogObserver,
)
from twisted.python.failure import Failure
from twisted.python.logfile import LogFile
from zope.interface import provider

LEVELS = {"debug": LogLevel.debug, "info": LogLevel.info, "warn": LogLevel.warn, "error": LogLevel.error}
DEFAULT_LEVEL = "info"
FORMATS = ("text", "json")
#: What twistd's ``--logger`` option names to get JSON lines.
JSON_OBSERVER_NAME = "emulator.logs.json_observer"

_levels = LogLevelFilterPredicate(defaultLogLevel=LEVELS[DEFAULT_LEVEL])
_observer = FilteringLogObserver(globalLogPublisher, [_levels])


def logger(namespace: str) -> Logger:
    return Logger(namespace=namespace, observer=_observer)


def set_level(name: str) -> None:
    """Log ``name`` ("debug", "info", "warn", "error") and above from now on."""
    _levels.setLogLevelForNamespace("", LEVELS[name])


def enabled(name: str) -> bool:
    """Whether events of this level are logged (to skip building debug records)."""
    return bool(LEVELS[name] >= _levels.logLevelForNamespace(""))


def json_lines_observer(stream: IO[Any]) -> ILogObserver:
    """Twisted's JSON log format, one object per line (no record separator before it).

    Each object also carries ``log_text``, the event's message as the text log shows it,
    and for a failure ``log_traceback``, so a reader needs no Twisted to see what happened.
    The values stay in their own keys: a player's name with braces or quotes is JSON text.
    """
    write = jsonFileLogObserver(stream, recordSeparator="")

    @provider(ILogObserver)
    def observe(event: LogEvent) -> None:
        extra: dict[str, Any] = {"log_text": formatEvent(event)}
        failure = event.get("log_failure")
        if isinstance(failure, Failure):
            extra["log_traceback"] = failure.getTraceback()
        write({**event, **extra})

    return observe


#: Where :func:`json_observer` writes: None for standard output, else a file twistd's way.
_json_file: str | None = None


def send_json_to(path: str | None) -> None:
    """Make :func:`json_observer` write to ``path`` (None: standard output)."""
    global _json_file
    _json_file = path


def json_observer() -> ILogObserver:
    """twistd's ``--logger`` factory: JSON lines on standard output, or in the file chosen
    with :func:`send_json_to` (twistd's ``--logfile``), which then behaves as twistd's own
    log file: it starts a new file at 1 MB (keeping the old ones as ``.1``, ``.2``, ...)
    and on SIGUSR1."""
    if _json_file is None:
        return json_lines_observer(sys.stdout)
    log_file = LogFile.fromFullPath(_json_file)
    if not signal.getsignal(signal.SIGUSR1):  # as twistd: unless someone handles it already

        def rotate(signum: int, frame: Any) -> None:
            from twisted.internet import reactor

            reactor.callFromThread(log_file.rotate)  # type: ignore[attr-defined]

        signal.signal(signal.SIGUSR1, rotate)
    return json_lines_observer(log_file)
