"""Meridian's time of day (system.kod RecalcLightAndWeather): a game day is two real hours,
counted from the wall clock five hours behind UTC, so every server agrees on the hour."""

from __future__ import annotations

__all__ = ["GAME_DAY_SECONDS", "GAME_HOUR_SECONDS", "game_hour"]

#: A game day lasts two real hours; a game hour five real minutes.
GAME_DAY_SECONDS = 2 * 3600
GAME_HOUR_SECONDS = GAME_DAY_SECONDS // 24
#: The original counts its days from five hours behind UTC.
_OFFSET_SECONDS = 5 * 3600


def game_hour(unix_seconds: float) -> int:
    """The hour of the game day, 0 to 23, at ``unix_seconds``."""
    into_day = (int(unix_seconds) - _OFFSET_SECONDS) % GAME_DAY_SECONDS
    return into_day // GAME_HOUR_SECONDS
