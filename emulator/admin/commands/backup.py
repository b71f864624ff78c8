"""``backup``: take a backup of the store now; ``backups``: the recent ones and the schedule."""

from __future__ import annotations

import datetime

from twisted.internet import defer

from emulator.admin.backups import BackupRecord, Backups
from emulator.admin.registry import Call, Command, CommandError, Rights


def _backups(call: Call) -> Backups:
    backups = call.control.backups
    if not isinstance(backups, Backups):
        raise CommandError("backups are not set up here; use `m59emu backup` on the server's machine")
    return backups


def _utc(wall: float) -> str:
    return datetime.datetime.fromtimestamp(wall, datetime.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def size_text(size: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} bytes"


def describe(record: BackupRecord) -> str:
    if record.error is not None:
        return f"backup failed after {record.seconds:.1f} s: {record.error}"
    assert record.path is not None and record.size is not None
    return f"backup written: {record.path} ({size_text(record.size)}) in {record.seconds:.1f} s"


def _backup(call: Call) -> defer.Deferred[str] | str:
    backups = _backups(call)
    started = backups.start()
    if started is None:
        since = backups.in_progress_since
        return f"a backup is already running (started {_utc(since) if since is not None else '?'}); try again later"
    return started.addCallback(describe)


def _list(call: Call) -> str:
    backups = _backups(call)
    lines = []
    for record in reversed(backups.history):
        when = _utc(record.started_at)
        how = "scheduled" if record.scheduled else "asked for"
        if record.error is None:
            lines.append(f"{when}  {how:9}  {record.seconds:6.1f} s  {size_text(record.size or 0):>10}  {record.path}")
        else:
            lines.append(f"{when}  {how:9}  {record.seconds:6.1f} s  FAILED: {record.error}")
    if not lines:
        lines.append("no backup since the server started")
    if backups.in_progress_since is not None:
        lines.append(f"running now, since {_utc(backups.in_progress_since)}")
    if backups.next_due is not None:
        lines.append(f"next scheduled backup: {_utc(backups.next_due)} (every {backups.config.every_hours:g} h, "
                     f"keeping {backups.config.keep} in {backups.directory})")
    else:
        lines.append(f"no scheduled backups ([backup] every_hours = 0); kept: {backups.config.keep} "
                     f"in {backups.directory}")
    if backups.skipped:
        lines.append(f"{backups.skipped} scheduled backups skipped while one was still running")
    return "\n".join(lines)


COMMANDS = (
    Command("backup", "back up the store now (online: players stay); answers with the file and its size",
            _backup, examples=("",)),
    Command("backups", "the backups taken since the server started, and the schedule", _list, examples=("",)),
)
