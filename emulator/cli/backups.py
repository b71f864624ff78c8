"""``m59emu backup`` and ``m59emu restore``: a backup of the store beside a running server, and
the restore of one into a stopped server's database."""

from __future__ import annotations

import argparse
import datetime
import sys
from pathlib import Path
from typing import Any

from emulator.config import BackupConfig, Config, ConfigError, load_config
from emulator.store.backup import BackupError, describe_rows, make_backup, restore, rotate
from emulator.store.database import DEFAULT_DATABASE_URL, DatabaseURLError, redact
from emulator.store.migrations import LATEST_VERSION

RESTORE_HELP = """\
Restore a backup (a .sqlite3 file or a .jsonl.gz dump that m59emu made; either kind restores
into SQLite or MariaDB/MySQL) into the database. STOP THE SERVER FIRST: a restore replaces the
database under it. The database must be empty (new, or with no rows) unless --force is given,
which replaces everything in it. A backup from an older m59emu is migrated to this version's
schema after the restore. An SQLite database is built in a new file that takes the old one's
place only when complete; on MariaDB/MySQL a failed restore may leave it half filled (run it
again with --force)."""


def add_backup_commands(subparsers: Any) -> None:
    backup = subparsers.add_parser(
        "backup", help="back up the store now (works beside a running server)",
        description="Back up the store into a new file named for the time (UTC): SQLite's online backup "
                    "API, or for MariaDB/MySQL a consistent dump as gzip'd JSON lines. The server may keep "
                    "running; the file appears only once it is complete and checked.")
    _add_source_options(backup)
    backup.add_argument("--to", type=Path, metavar="DIR",
                        help=f"folder for the file (default: [backup] dir of --config, else {BackupConfig().dir})")
    backup.add_argument("--keep", type=int, metavar="N",
                        help="then delete all but the newest N backups in that folder (default: [backup] keep "
                             "of --config, else keep all)")
    backup.add_argument("--dump", action="store_true",
                        help="SQLite: write the portable dump (.jsonl.gz) instead of a database file, "
                             "e.g. to move to MariaDB (MariaDB/MySQL always gives the dump)")
    backup.set_defaults(run=_backup)

    restoring = subparsers.add_parser("restore", help="restore a backup into a stopped server's database",
                                      description=RESTORE_HELP,
                                      formatter_class=argparse.RawDescriptionHelpFormatter)
    restoring.add_argument("file", type=Path, metavar="BACKUP", help="the backup file")
    _add_source_options(restoring)
    restoring.add_argument("--force", action="store_true",
                           help="replace a database that is not empty (everything in it is lost)")
    restoring.set_defaults(run=_restore)


def _add_source_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, metavar="FILE",
                        help="the server's TOML file: its database and [backup] dir and keep")
    parser.add_argument("--database", metavar="URL",
                        help=f"sqlite:///PATH or mysql://USER:PW@HOST:PORT/DB (default: the config's, "
                             f"else {DEFAULT_DATABASE_URL})")


def _config(args: argparse.Namespace) -> Config:
    return load_config(args.config) if args.config else Config()


def _backup(args: argparse.Namespace) -> int:
    try:
        config = _config(args)
        url = args.database or config.database
        directory = args.to or Path(config.backup.dir)
        made = make_backup(url, directory, datetime.datetime.now(datetime.UTC), dump=args.dump)
        print(f"backup written: {made.path} ({made.size} bytes)")
        keep = args.keep if args.keep is not None else config.backup.keep if args.config else None
        if keep is not None:
            for deleted in rotate(directory, keep):
                print(f"deleted the older backup {deleted}")
    except (BackupError, ConfigError, DatabaseURLError, OSError) as error:
        print(f"m59emu backup: {error}", file=sys.stderr)
        return 1
    return 0


def _restore(args: argparse.Namespace) -> int:
    try:
        url = args.database or _config(args).database
        done = restore(args.file, url, force=args.force)
    except (BackupError, ConfigError, DatabaseURLError, OSError) as error:
        print(f"m59emu restore: {error}", file=sys.stderr)
        return 1
    if done.replaced:
        print(f"replaced what {redact(url)} held: {describe_rows(done.replaced)}")
    print(f"restored {args.file} into {redact(url)}: {describe_rows(done.rows)}")
    if done.schema_version < LATEST_VERSION:
        print(f"migrated from schema {done.schema_version} to {done.migrated_to}")
    return 0
