"""``m59emu character ...``: operator commands on characters.

Like ``m59emu account``, each command opens the database, runs one short transaction and exits, so
it works beside a running server. Exit status: 0 done, 1 refused or failed, 2 usage.
"""

from __future__ import annotations

import argparse
import datetime
from typing import Any

import peewee

from emulator.cli.database import add_database_option, DatabaseCommand, print_usage, run_on_database
from emulator.store import accounts, characters

PROG = "m59emu character"


def add_character_commands(subparsers: Any) -> argparse.ArgumentParser:
    character = subparsers.add_parser("character", help="create and list characters")
    commands = character.add_subparsers(title="character commands")

    def command(name: str, help_text: str, run: DatabaseCommand) -> argparse.ArgumentParser:
        parser = commands.add_parser(name, help=help_text)
        parser.add_argument("account", help="account name (case-insensitive)")
        add_database_option(parser)
        parser.set_defaults(run=lambda args: _run(run, args))
        return parser

    create = command("create", "create a character, ready to play unless --first-time", _create)
    create.add_argument("name", help="character name: 3 to 30 latin-1 bytes, unique ignoring case")
    create.add_argument("--first-time", action="store_true",
                        help="leave it for the player to finish through character creation")
    create.add_argument("--gender", choices=("male", "female"), default="male")
    command("list", "list an account's characters", _list)
    character.set_defaults(run=lambda args: print_usage(character))
    return character


def _run(command: DatabaseCommand, args: argparse.Namespace) -> int:
    return run_on_database(PROG, command, args)


def _create(db: peewee.Database, args: argparse.Namespace) -> str:
    gender = characters.MALE if args.gender == "male" else characters.FEMALE
    record = characters.create_character(db, args.account, args.name, ready=not args.first_time, gender=gender)
    state = "first-time: the player finishes it in character creation" if record.first_time else "ready to play"
    return f"created character {record.name!r} on account {record.account_name!r} ({state})"


def _list(db: peewee.Database, args: argparse.Namespace) -> str:
    account = accounts.get_account(db, args.account)
    records = characters.list_characters(db, account.id)
    if not records:
        return f"account {account.name!r} has no characters"
    rows = [("NAME", "STATE", "ROOM", "HEALTH", "CREATED", "LAST PLAYED")]
    for record in records:
        rows.append((
            record.name,
            "first-time" if record.first_time else "ready",
            record.room or "-",
            f"{record.health}/{record.max_health}",
            _when(record.created_at),
            _when(record.last_played_at),
        ))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[-1] for row in rows
    )


def _when(moment: datetime.datetime | None) -> str:
    return "-" if moment is None else f"{moment:%Y-%m-%d %H:%M}"


