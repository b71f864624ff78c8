"""The server's loggers, and the level below which nothing is logged.

Every module logs through :func:`logger`; events below the configured level
(``[server] log_level``, "info" by default) are dropped before any observer sees them,
so a client sending thousands of requests cannot fill the disk with debug lines.
"""

from __future__ import annotations

from twisted.logger import FilteringLogObserver, Logger, LogLevel, LogLevelFilterPredicate, globalLogPublisher

LEVELS = {"debug": LogLevel.debug, "info": LogLevel.info, "warn": LogLevel.warn, "error": LogLevel.error}
DEFAULT_LEVEL = "info"

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
