"""``reload``: swap a changed data folder into the running world, players staying on."""

from __future__ import annotations

import argparse
from pathlib import Path

from twisted.internet import defer
from twisted.python.failure import Failure

from emulator.admin.registry import Call, Command, CommandError
from emulator.admin.reload import Reloader, ReloadError, ReloadOutcome


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", help="the data folder (default: the one the world runs on now)")
    parser.add_argument("--check", action="store_true", help="only validate the folder against the running world")


def _reload(call: Call) -> defer.Deferred[str]:
    reloader = call.control.reloader
    if not isinstance(reloader, Reloader):
        raise CommandError("reload: this server has no reloader")
    data_dir = Path(call.args.path) if call.args.path else None

    def refused(failure: Failure) -> str:
        failure.trap(ReloadError)
        raise CommandError(str(failure.value))

    def told(outcome: ReloadOutcome) -> str:
        return outcome.text

    result = reloader.reload(data_dir, check_only=call.args.check)
    return result.addCallbacks(told, refused)


COMMANDS = (
    Command("reload", "validate the data folder and swap it in, players staying connected", _reload, _arguments,
            examples=("", "--check")),
)
