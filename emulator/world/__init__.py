"""The world simulator: rooms, objects and players, advanced by ``tick(now)``.

No I/O and no clock of its own: every call takes the time, so a test drives it with
a fake clock and the same calls always give the same events.
"""
