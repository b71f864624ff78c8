"""``m59emu account ...``: operator commands on the account store.

Each command opens the database, runs one short transaction and exits, so it works beside a running
server (SQLite in WAL mode, or MySQL). Passwords are read from the terminal without echo, or as one
line from stdin when stdin is not a terminal; never from the command line, where `ps` would show them.
"""

from __future__ import annotations

import argparse
import datetime
import getpass
import sys
from typing import Any, TextIO

import peewee

from emulator.cli.database import add_database_option, CommandError, DatabaseCommand, print_usage, run_on_database
from emulator.store import accounts

PROG = "m59emu account"


def add_account_commands(subparsers: Any) -> argparse.ArgumentParser:
    account = subparsers.add_parser("account", help="create, list, ban and delete accounts")
    commands = account.add_subparsers(title="account commands")

    def command(name: str, help_text: str, run: DatabaseCommand, *, needs_name: bool = True) -> argparse.ArgumentParser:
        parser = commands.add_parser(name, help=help_text)
        if needs_name:
            parser.add_argument("name", help="account name (case-insensitive)")
        add_database_option(parser)
        parser.set_defaults(run=lambda args: _run(run, args))
        return parser

    create = command("create", "create an account; the password is prompted for, or read from stdin", _create)
    create.add_argument("--level", type=int, choices=sorted(accounts.ADMIN_LEVELS), default=accounts.USER,
                        help="0 user, 1 admin, 2 DM (default 0)")
    command("list", "list accounts", _list, needs_name=False)
    command("passwd", "set a new password (prompted for, or read from stdin)", _passwd)
    ban = command("ban", "ban an account", _ban)
    ban.add_argument("--until", type=_parse_until, metavar="YYYY-MM-DD",
                     help="the ban lifts at 00:00 UTC that day (or give an ISO date-time); default: no end")
    ban.add_argument("--reason", metavar="TEXT")
    command("unban", "lift a ban", _unban)
    command("delete", "delete an account (its login history stays)", _delete)
    admin = command("admin", "set the admin level", _admin)
    admin.add_argument("--level", type=int, choices=sorted(accounts.ADMIN_LEVELS), required=True,
                       help="0 user, 1 admin, 2 DM")
    account.set_defaults(run=lambda args: print_usage(account))
    return account


def _run(command: DatabaseCommand, args: argparse.Namespace) -> int:
    return run_on_database(PROG, command, args)


def _create(db: peewee.Database, args: argparse.Namespace) -> str:
    accounts.validate_name(args.name)  # before asking for a password
    if _account_exists(db, args.name):
        raise accounts.AccountExists(f"account {args.name!r} exists")
    info = accounts.create_account(db, args.name, read_new_password(), admin_level=args.level)
    return f"created account {info.name!r} ({accounts.ADMIN_LEVELS[info.admin_level]})"


def _account_exists(db: peewee.Database, name: str) -> bool:
    try:
        accounts.get_account(db, name)
    except accounts.NoSuchAccount:
        return False
    return True


def _list(db: peewee.Database, args: argparse.Namespace) -> str:
    now = datetime.datetime.now(datetime.UTC)
    rows = [("NAME", "LEVEL", "CREATED", "LAST LOGIN", "FROM", "BAN")]
    for info in accounts.list_accounts(db):
        rows.append((
            info.name,
            accounts.ADMIN_LEVELS.get(info.admin_level, str(info.admin_level)),
            _when(info.created_at),
            _when(info.last_login_at),
            info.last_login_address or "-",
            _ban_text(info, now),
        ))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[-1] for row in rows
    )


def _passwd(db: peewee.Database, args: argparse.Namespace) -> str:
    accounts.get_account(db, args.name)  # fail before asking for a password
    accounts.set_password(db, args.name, read_new_password())
    return f"password changed for {args.name!r}"


def _ban(db: peewee.Database, args: argparse.Namespace) -> str:
    if args.until is not None and args.until <= datetime.datetime.now(datetime.UTC):
        raise CommandError(f"--until {args.until:%Y-%m-%d %H:%M} UTC is in the past")
    accounts.ban(db, args.name, args.until, args.reason)
    return f"banned {args.name!r} " + ("with no end" if args.until is None else f"until {_when(args.until)} UTC")


def _unban(db: peewee.Database, args: argparse.Namespace) -> str:
    accounts.unban(db, args.name)
    return f"unbanned {args.name!r}"


def _delete(db: peewee.Database, args: argparse.Namespace) -> str:
    accounts.delete_account(db, args.name)
    return f"deleted account {args.name!r}"


def _admin(db: peewee.Database, args: argparse.Namespace) -> str:
    accounts.set_admin(db, args.name, args.level)
    return f"{args.name!r} is now {accounts.ADMIN_LEVELS[args.level]} (level {args.level})"


def read_new_password(stdin: TextIO | None = None) -> str:
    """Ask twice on a terminal; otherwise take one line from stdin."""
    stdin = stdin or sys.stdin
    if stdin.isatty():
        first = getpass.getpass("New password: ")
        if getpass.getpass("Repeat password: ") != first:
            raise CommandError("the passwords do not match")
        password = first
    else:
        password = stdin.readline().rstrip("\r\n")
    if not password:
        raise CommandError("no password given")
    return password


def _parse_until(text: str) -> datetime.datetime:
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None
    return moment.replace(tzinfo=datetime.UTC) if moment.tzinfo is None else moment.astimezone(datetime.UTC)


def _when(moment: datetime.datetime | None) -> str:
    return "-" if moment is None else f"{moment:%Y-%m-%d %H:%M}"


def _ban_text(info: accounts.AccountInfo, now: datetime.datetime) -> str:
    if not info.is_banned(now):
        return "-"
    until = "no end" if info.banned_until is None else f"until {_when(info.banned_until)}"
    return f"banned {until}" + (f": {info.ban_reason}" if info.ban_reason else "")


