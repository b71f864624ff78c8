"""``lock``, ``unlock``, ``save``, ``shutdown``: keeping the server while people play."""

from __future__ import annotations

import argparse
import time

from twisted.internet import defer

from emulator.admin import targets
from emulator.admin.maintenance import DEFAULT_LOCK_MESSAGE, maintenance_of, parse_duration, spoken
from emulator.admin.registry import Call, Command, CommandError


def _lock_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("message", nargs="*", help="what a refused player reads (a default if not given)")


def _lock(call: Call) -> str:
    lock = maintenance_of(call.control).lock
    lock.lock(" ".join(call.args.message).strip() or DEFAULT_LOCK_MESSAGE)
    return f"logins locked (admins still get in); players already in stay. Refused players read: {lock.message}"


def _unlock(call: Call) -> str:
    maintenance = maintenance_of(call.control)
    countdown = maintenance.countdown
    if countdown is not None and countdown.running:
        raise CommandError("unlock: a shutdown is counting down; 'shutdown cancel' stops it and its lock")
    if not maintenance.lock.locked:
        return "logins were not locked"
    maintenance.lock.unlock()
    return "logins open"


def _save(call: Call) -> str | defer.Deferred[str]:
    hub = targets.hub_of(call)
    started = time.perf_counter()
    saving = hub.autosave()
    if saving is None:
        return "a save is already running; it was not doubled"

    def done(_: object) -> str:
        return f"saved every character in the world and the world's state in {(time.perf_counter() - started) * 1000:.0f} ms"

    return saving.addCallback(done)


def _shutdown_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", nargs="?", choices=["cancel"], help="'cancel' stops a countdown")
    parser.add_argument("--in", dest="delay", metavar="DURATION", help="time to the shutdown: 90, 30s, 5m, 1h")
    parser.add_argument("--message", default="", help="what players read with each warning and at the end")


def _shutdown(call: Call) -> str:
    args = call.args
    countdown = maintenance_of(call.control).countdown
    if countdown is None:
        raise CommandError("shutdown: this server has no game to shut down")
    if args.action == "cancel":
        if args.delay is not None:
            raise CommandError("shutdown: 'cancel' takes no --in")
        return "shutdown cancelled; logins open again" if countdown.cancel() else "no shutdown was counting down"
    if args.delay is None:
        raise CommandError("shutdown: give --in DURATION (90, 30s, 5m, 1h), or 'cancel'")
    try:
        seconds = parse_duration(args.delay)
    except ValueError as error:
        raise CommandError(f"shutdown: {error}") from None
    if countdown.running:
        left = countdown.seconds_left() or 0.0
        raise CommandError(f"shutdown: one is already counting down ({spoken(left)} left); 'shutdown cancel' first")
    countdown.start(seconds, args.message.strip())
    return (f"shutdown in {spoken(seconds)}: players are warned, new logins are refused (admins excepted); "
            f"'shutdown cancel' stops it")


COMMANDS = (
    Command("lock", "refuse new logins of non-admin accounts, with a message", _lock, _lock_arguments,
            examples=("'Back in ten minutes.'",)),
    Command("unlock", "let logins in again", _unlock),
    Command("save", "save every character in the world and the world's state now", _save),
    Command("shutdown", "shut down after a countdown (warnings, logins locked, everyone saved and logged off)",
            _shutdown, _shutdown_arguments,
            examples=("--in 10m --message 'Back soon after the update.'", "cancel")),
)
