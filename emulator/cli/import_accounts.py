"""``m59emu import-accounts FILE``: the original server's accounts, with their old passwords.

Each account is stored under this server's salted slow hash of the digest the original kept,
so its players log in with the passwords they had. Accounts that exist here already are left
as they are; every line that is not imported is reported as ``FILE:LINE: reason``.
"""

from __future__ import annotations

import argparse
import datetime
import sys
from pathlib import Path
from typing import Any

import attrs
import peewee

from emulator import auth
from emulator.cli.database import CommandError, add_database_option, run_on_database
from emulator.importer.accounts_file import GUEST, OriginalAccount, Problem, parse_accounts_file
from emulator.store import accounts

PROG = "m59emu import-accounts"
SUSPENSION_REASON = "suspended on the original server"
_COSTS = {"default": auth.DEFAULT_COST, "test": auth.TEST_COST}


def add_import_accounts_command(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "import-accounts",
        help="import the original server's accounts file (old passwords keep working)",
        description=(
            "Reads the original server's saved accounts file and creates its accounts here, with "
            "their passwords, admin levels (a guest becomes a player) and suspensions still to run "
            "(as bans). Existing accounts are skipped, never overwritten. Every line not imported "
            "is reported as FILE:LINE: reason; the others are imported unless --strict."
        ),
    )
    parser.add_argument("file", type=Path, help="the original's accounts file")
    add_database_option(parser)
    parser.add_argument("--strict", action="store_true",
                        help="import nothing if any line would be reported")
    # Tests only: a trivial password hash, so the import does not take seconds per account.
    parser.add_argument("--hash-cost", choices=sorted(_COSTS), default="default", help=argparse.SUPPRESS)
    parser.set_defaults(run=lambda args: run_on_database(PROG, _import, args))
    return parser


@attrs.define
class _Tally:
    imported: list[OriginalAccount] = attrs.field(factory=list)
    problems: list[Problem] = attrs.field(factory=list)


def _import(db: peewee.Database, args: argparse.Namespace) -> str:
    path: Path = args.file
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise CommandError(f"{path}: cannot read: {error.strerror or error}") from None
    try:
        text = raw.decode("cp1252")  # the original ran on Windows
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    parsed = parse_accounts_file(text)
    tally = _Tally(problems=list(parsed.problems))
    now = datetime.datetime.now(datetime.UTC)
    candidates = _candidates(db, parsed.accounts, tally)
    if args.strict and tally.problems:
        _report(path, tally.problems)
        raise CommandError(f"{len(tally.problems)} problem(s); --strict: nothing imported")
    cost = _COSTS[args.hash_cost]
    for record in candidates:
        assert record.digest is not None  # _candidates kept only accounts with a password
        try:
            accounts.create_account_from_digest(
                db, record.name, record.digest, admin_level=record.admin_level, now=now,
                last_login_at=record.last_login, cost=cost,
            )
        except accounts.StoreError as error:  # created by someone else meanwhile
            tally.problems.append(Problem(record.line, f"{error}; skipped"))
            continue
        if record.suspended_until is not None and record.suspended_until > now:
            accounts.ban(db, record.name, record.suspended_until, SUSPENSION_REASON)
        tally.imported.append(record)
    _report(path, tally.problems)
    if tally.problems:
        # The summary goes to stdout; the status says not everything came in.
        print(_summary(tally, now))
        raise _Incomplete()
    return _summary(tally, now)


class _Incomplete(CommandError):
    def __str__(self) -> str:
        return "some lines were not imported (listed above)"


def _candidates(db: peewee.Database, records: list[OriginalAccount], tally: _Tally) -> list[OriginalAccount]:
    """The records that can be imported; a problem for each other one."""
    seen: dict[str, int] = {}
    kept = []
    for record in records:
        try:
            accounts.validate_name(record.name)
        except accounts.InvalidAccountName as error:
            tally.problems.append(Problem(record.line, f"{error}; skipped"))
            continue
        key = accounts.name_key(record.name)
        if key in seen:
            tally.problems.append(Problem(record.line, f"account {record.name!r} is also on line {seen[key]}; skipped"))
            continue
        seen[key] = record.line
        if record.digest is None:
            tally.problems.append(Problem(record.line, f"account {record.name!r} has no password (nobody could "
                                                       "log in to it); skipped"))
            continue
        if _exists(db, record.name):
            tally.problems.append(Problem(record.line, f"account {record.name!r} exists here; skipped, not overwritten"))
            continue
        kept.append(record)
    return kept


def _exists(db: peewee.Database, name: str) -> bool:
    try:
        accounts.get_account(db, name)
    except accounts.NoSuchAccount:
        return False
    return True


def _report(path: Path, problems: list[Problem]) -> None:
    for problem in sorted(problems, key=lambda p: p.line):
        print(f"{path}:{problem.line}: {problem.reason}", file=sys.stderr)


def _summary(tally: _Tally, now: datetime.datetime) -> str:
    levels = [record.admin_level for record in tally.imported]
    guests = sum(record.account_type == GUEST for record in tally.imported)
    banned = sum(record.suspended_until is not None and record.suspended_until > now for record in tally.imported)
    return (
        f"imported {len(tally.imported)} account(s): {levels.count(accounts.ADMIN)} admin, "
        f"{levels.count(accounts.DM)} DM, {levels.count(accounts.USER)} player ({guests} of them guests); "
        f"{banned} banned until their suspension ends; {len(tally.problems)} line(s) not imported"
    )
