"""``m59emu admin COMMAND...``: one operator command with no server running, on the database.

The same commands as the SSH console (``help`` lists them); those that act on the world
answer that they need the running server. Exit status 0 when the command ran, 1 when it
answered with an error.
"""

from __future__ import annotations

import argparse
import getpass
import shlex
import sys
from typing import Any

from emulator.admin.registry import Caller
from emulator.cli.database import add_database_option, run_on_database
from emulator.config import Config, ConfigError, load_config
from emulator.store import accounts

PROG = "m59emu admin"


def add_admin_command(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "admin",
        help="run an operator command on the database, with no server running ('m59emu admin help')",
        description="Runs one operator command (as on the SSH console) against the database. "
                    "Options go before the command; everything after it is the command's own.",
    )
    add_database_option(parser)
    parser.add_argument("--config", metavar="FILE",
                        help="the server's configuration: its database (unless --database says) and settings")
    parser.set_defaults(database=None)
    parser.add_argument("words", nargs=argparse.REMAINDER, metavar="COMMAND...", help="the command and its arguments")
    parser.set_defaults(run=_run)
    return parser


def _run(args: argparse.Namespace) -> int:
    from emulator.admin.offline import offline_control, run_offline

    try:
        config = load_config(args.config) if args.config else Config()
    except ConfigError as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return 1
    if args.database is None:
        args.database = config.database
    line = shlex.join(args.words) if args.words else "help"
    caller = Caller(_operator_name(), "cli", accounts.ADMIN)
    status = 0

    def command(database: Any, _: argparse.Namespace) -> str:
        nonlocal status
        outcome = run_offline(offline_control(database, config), caller, line)
        if not outcome.ok:
            status = 1
            print(outcome.text, file=sys.stderr)
            return ""
        return outcome.text

    return run_on_database(PROG, command, args) or status


def _operator_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in the environment or the password database
        return "unknown"
