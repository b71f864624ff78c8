"""``m59emu ledger``: the items' ledger against what the store holds.

Prints, per kind, the units ever created and destroyed and those that exist (money in
shillings), then the verdict. Exit status: 0 balanced, 1 a mismatch (or the database
failed), 2 usage. It only reads, so it works beside a running server.
"""

from __future__ import annotations

import argparse
from typing import Any

import peewee

from emulator.cli.database import CommandError, add_database_option, run_on_database
from emulator.store.items import check_stored_ledger

PROG = "m59emu ledger"


def add_ledger_command(subparsers: Any) -> argparse.ArgumentParser:
    ledger = subparsers.add_parser("ledger", help="check that the items' ledger accounts for every item")
    add_database_option(ledger)
    ledger.set_defaults(run=lambda args: run_on_database(PROG, _check, args))
    return ledger


def _check(db: peewee.Database, args: argparse.Namespace) -> str | None:
    verdict = check_stored_ledger(db)
    print(verdict.report())
    if not verdict.ok:
        raise CommandError("the ledger does not balance")
    return None
