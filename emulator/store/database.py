"""Opening a database from a URL: ``sqlite:///path`` or ``mysql://user:pw@host:port/db``."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import peewee
from playhouse import db_url

from emulator.store.migrations import migrate
from emulator.store.models import database_proxy

DEFAULT_DATABASE_URL = "sqlite:///var/m59emu.db"  # relative to the working directory

SQLITE_PRAGMAS = {
    # WAL lets the operator's `m59emu account` process read and write while the server runs.
    "journal_mode": "wal",
    "foreign_keys": 1,
    # FULL, not NORMAL: in WAL mode NORMAL may lose the last commits on power loss, and those are
    # password changes and bans. Account writes are rare, so FULL's ~0.3 ms per commit is nothing.
    "synchronous": "full",
    "busy_timeout": 5000,  # ms; another process's short write transaction waits instead of failing
}


class DatabaseURLError(ValueError):
    pass


def open_database(url: str) -> peewee.Database:
    """Connect, bring the schema up to date, and return the database.

    Peewee keeps connection state per thread: use the result on the thread that opened it.
    """
    database = connect(url)
    database.connect(reuse_if_open=True)
    try:
        migrate(database)
    except BaseException:
        database.close()
        raise
    database_proxy.initialize(database)
    return database


def connect(url: str) -> peewee.Database:
    """The database object for ``url``, not yet connected nor migrated."""
    scheme = urlsplit(url).scheme
    if scheme == "sqlite":
        path = db_url.parse(url)["database"]
        if not path:
            raise DatabaseURLError(f"no file in database URL {redact(url)!r}")
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # IMMEDIATE: a write transaction takes the lock at BEGIN and waits for it (busy_timeout);
        # a deferred one that reads first can fail with "database is locked" when it upgrades.
        return peewee.SqliteDatabase(path, pragmas=SQLITE_PRAGMAS, lock_type="IMMEDIATE")
    if scheme == "mysql":
        try:
            settings = db_url.parse(url)
        except ValueError as error:
            raise DatabaseURLError(f"bad database URL {redact(url)!r}: {error}") from None
        if "passwd" in settings:  # PyMySQL deprecated the old keyword that playhouse.db_url still uses
            settings["password"] = settings.pop("passwd")
        name = settings.pop("database")
        if not name:
            raise DatabaseURLError(f"no database name in {redact(url)!r}")
        return peewee.MySQLDatabase(name, charset="utf8mb4", **settings)
    raise DatabaseURLError(f"unsupported database URL {redact(url)!r}: use sqlite:///PATH or mysql://USER:PW@HOST:PORT/DB")


def redact(url: str) -> str:
    """``url`` without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()
