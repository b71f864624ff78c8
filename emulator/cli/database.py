"""What the operator subcommands (``m59emu account``, ``m59emu character``) share:
open the database, run one command in it, and turn every expected failure into one
line on stderr with exit code 1."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

import peewee

from emulator.store import accounts
from emulator.store.database import DEFAULT_DATABASE_URL, DatabaseURLError, open_database, redact
from emulator.store.migrations import SchemaTooNew


class CommandError(Exception):
    """A refusal worth one line to the operator (bad input, mismatched passwords...)."""


DatabaseCommand = Callable[[peewee.Database, argparse.Namespace], "str | None"]


def run_on_database(prog: str, command: DatabaseCommand, args: argparse.Namespace) -> int:
    database = None
    try:
        database = open_database(args.database)
        message = command(database, args)
    except (CommandError, accounts.StoreError, DatabaseURLError, SchemaTooNew) as error:
        print(f"{prog}: {error}", file=sys.stderr)
        return 1
    except (peewee.DatabaseError, OSError) as error:
        print(f"{prog}: database {redact(args.database)}: {error}", file=sys.stderr)
        return 1
    finally:
        if database is not None:
            database.close()
    if message:
        print(message)
    return 0


def add_database_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database",
        default=DEFAULT_DATABASE_URL,
        metavar="URL",
        help=f"sqlite:///PATH or mysql://USER:PW@HOST:PORT/DB (default: {DEFAULT_DATABASE_URL})",
    )


def print_usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2
