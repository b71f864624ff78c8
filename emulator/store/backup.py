"""Backups of the store and their restore: the mechanics, with no reactor (``emulator.admin.backups``
schedules them; ``m59emu backup`` and ``m59emu restore`` call them directly).

SQLite: SQLite's online backup API from a connection of our own, in steps, inside one read
transaction, so the copy is one consistent moment while the server keeps writing (WAL); the copy
is checked with ``PRAGMA integrity_check`` before it is given its final name.

MariaDB/MySQL: a logical dump read by the server itself inside one ``START TRANSACTION WITH
CONSISTENT SNAPSHOT`` (InnoDB: the server keeps writing), written as gzip'd JSON lines: a header
with the schema version, then each table's columns and rows, then a trailer with the row counts.
It needs no client tool, and it restores into either backend.

Restore rebuilds the schema at the backup's version, copies the rows in, then migrates to the
current version. Files are named ``m59emu-YYYYmmddTHHMMSSZ[-N].sqlite3`` or ``.jsonl.gz`` (UTC);
rotation deletes only files with such names.
"""

from __future__ import annotations

import datetime
import decimal
import gzip
import json
import os
import re
import sqlite3
import time
import zlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

import attrs
import peewee
import pymysql  # type: ignore[import-untyped]
import pymysql.cursors  # type: ignore[import-untyped]
from playhouse import db_url

from emulator.store.database import connect, redact
from emulator.store.migrations import LATEST_VERSION, migrate, schema_version
from emulator.store.models import ALL_MODELS

#: The store's tables, parents before children (restore inserts in this order).
TABLES: tuple[str, ...] = tuple(model._meta.table_name for model in ALL_MODELS)
SCHEMA_TABLE = "schema_version"
#: Tables whose rows make a database "not empty" for restore.
DATA_TABLES = tuple(table for table in TABLES if table != SCHEMA_TABLE)

SQLITE_SUFFIX = ".sqlite3"
DUMP_SUFFIX = ".jsonl.gz"
DUMP_FORMAT = "m59emu-backup"
DUMP_FORMAT_VERSION = 1
NAME_PATTERN = re.compile(r"^m59emu-(\d{8}T\d{6}Z)(?:-(\d+))?(\.sqlite3|\.jsonl\.gz)$")
STAMP_FORMAT = "%Y%m%dT%H%M%SZ"
SQLITE_MAGIC = b"SQLite format 3\x00"
GZIP_MAGIC = b"\x1f\x8b"

PAGES_PER_STEP = 256  # SQLite pages copied per step of the backup API (1 MiB at 4 KiB pages)
ROWS_PER_BATCH = 500  # rows read or inserted at once
#: The dump sleeps a moment this often: a thread busy in Python otherwise holds up the reactor
#: thread, which waits for the GIL after each of its system calls (up to 5 ms each).
PAUSE_EVERY_ROWS = 200


class BackupError(Exception):
    """A backup or restore that cannot be done; the text is for the operator."""


class BackupCancelled(BackupError):
    pass


class NotEmpty(BackupError):
    """The restore target holds data and ``force`` was not given."""


@attrs.frozen
class BackupFile:
    path: Path
    size: int  # bytes


def never() -> bool:
    return False


# ---------------------------------------------------------------------- names and rotation


def backup_path(directory: Path, now: datetime.datetime, suffix: str) -> Path:
    """A new file name in ``directory`` for a backup taken at ``now`` (UTC), not yet taken."""
    stamp = now.astimezone(datetime.UTC).strftime(STAMP_FORMAT)
    path = directory / f"m59emu-{stamp}{suffix}"
    for number in range(2, 1000):
        if not path.exists():
            return path
        path = directory / f"m59emu-{stamp}-{number}{suffix}"
    raise BackupError(f"{directory}: too many backups named for {stamp}")


def _sort_key(path: Path) -> tuple[str, int]:
    match = NAME_PATTERN.match(path.name)
    assert match is not None
    return match.group(1), int(match.group(2) or 1)


def list_backups(directory: Path) -> list[Path]:
    """The backups this code made in ``directory``, oldest first."""
    try:
        names = [path for path in directory.iterdir() if NAME_PATTERN.match(path.name) and path.is_file()]
    except FileNotFoundError:
        return []
    return sorted(names, key=_sort_key)


def backup_time(path: Path) -> datetime.datetime | None:
    """When a backup was taken, from its name (UTC)."""
    match = NAME_PATTERN.match(path.name)
    if match is None:
        return None
    return datetime.datetime.strptime(match.group(1), STAMP_FORMAT).replace(tzinfo=datetime.UTC)


def rotate(directory: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` backups; the deleted files."""
    backups = list_backups(directory)
    doomed = backups[: max(0, len(backups) - max(1, keep))]
    for path in doomed:
        path.unlink(missing_ok=True)
    return doomed


# ---------------------------------------------------------------------- taking a backup


def make_backup(
    url: str, directory: Path, now: datetime.datetime, cancelled: Callable[[], bool] = never, *, dump: bool = False
) -> BackupFile:
    """Back up the database at ``url`` into a new file in ``directory``, named for ``now``.

    Runs on the caller's thread with connections of its own; ``cancelled`` is asked between steps.
    The file appears under its final name only once it is complete and checked. SQLite gives a
    database file unless ``dump`` (the portable dump, e.g. to move to MariaDB).
    """
    scheme = urlsplit(url).scheme
    directory.mkdir(parents=True, exist_ok=True)
    as_file = scheme == "sqlite" and not dump
    suffix = SQLITE_SUFFIX if as_file else DUMP_SUFFIX
    final = backup_path(directory, now, suffix)
    partial = final.with_name(f".{final.name}.{os.getpid()}.partial")
    try:
        if as_file:
            _sqlite_backup(_sqlite_path(url), partial, cancelled)
        else:
            _dump(url, partial, now, cancelled)
            read_dump_header(partial, verify=True, paced=True)
        os.replace(partial, final)
    finally:
        for leftover in (partial, partial.with_name(partial.name + "-journal")):
            leftover.unlink(missing_ok=True)
    return BackupFile(final, final.stat().st_size)


def _sqlite_path(url: str) -> Path:
    path = db_url.parse(url)["database"]
    if not path or path == ":memory:":
        raise BackupError(f"{redact(url)}: not a database file")
    return Path(path)


def _sqlite_backup(source: Path, target: Path, cancelled: Callable[[], bool]) -> None:
    if not source.is_file():
        raise BackupError(f"no database at {source}")
    # Not mode=ro: a read-only connection cannot open a WAL database whose -shm file is gone.
    reader = sqlite3.connect(source, isolation_level=None, timeout=5.0)
    try:
        # One read transaction over every step: the copy is one moment of the database, and a
        # write by the server does not restart it (it would, step after step, without one).
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM sqlite_master").fetchone()
        writer = sqlite3.connect(target, isolation_level=None)
        try:

            def progress(status: int, remaining: int, total: int) -> None:
                if cancelled():
                    raise BackupCancelled("backup cancelled")

            reader.backup(writer, pages=PAGES_PER_STEP, progress=progress)
            # The copy carries the source's WAL mode; one self-contained file is what is kept.
            writer.execute("PRAGMA journal_mode=DELETE")
            problems = [row[0] for row in writer.execute("PRAGMA integrity_check").fetchall()]
            if problems != ["ok"]:
                raise BackupError(f"the copy failed its integrity check: {'; '.join(problems[:5])}")
        finally:
            writer.close()
        reader.execute("COMMIT")
    except sqlite3.Error as error:
        raise BackupError(f"{source}: {error}") from None
    finally:
        reader.close()


def _dump(url: str, target: Path, now: datetime.datetime, cancelled: Callable[[], bool]) -> None:
    database = connect(url)
    try:
        if isinstance(database, peewee.SqliteDatabase) and not _sqlite_path(url).is_file():
            raise BackupError(f"no database at {_sqlite_path(url)}")
        database.connect()
        if isinstance(database, peewee.MySQLDatabase):
            database.execute_sql("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            database.execute_sql("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY")
            source = "mysql"
        else:  # one read transaction: the same moment of every table (WAL keeps the writer going)
            database.execute_sql("BEGIN DEFERRED")
            database.execute_sql("SELECT count(*) FROM sqlite_master")
            source = "sqlite"
        present = set(database.get_tables())
        if SCHEMA_TABLE not in present:
            raise BackupError(f"{redact(url)} has no m59emu store (no {SCHEMA_TABLE} table)")
        version = schema_version(database)
        tables = [table for table in TABLES if table in present]
        counts: dict[str, int] = {}
        rows_since_pause = 0
        with gzip.open(target, "wt", encoding="utf-8", compresslevel=6) as stream:
            _write_line(stream, {"format": DUMP_FORMAT, "format_version": DUMP_FORMAT_VERSION,
                                 "schema_version": version, "created_at": now.astimezone(datetime.UTC).isoformat(),
                                 "source": source, "tables": tables})
            for table in tables:
                cursor = (database.connection().cursor(_unbuffered_cursor())
                          if source == "mysql" else database.connection().cursor())
                try:
                    cursor.execute(f"SELECT * FROM {_quoted(database, table)}")
                    columns = [description[0] for description in cursor.description]
                    _write_line(stream, {"table": table, "columns": columns})
                    count = 0
                    while batch := cursor.fetchmany(ROWS_PER_BATCH):
                        if cancelled():
                            raise BackupCancelled("backup cancelled")
                        for row in batch:
                            stream.write(json.dumps([_plain(value) for value in row], ensure_ascii=False,
                                                    separators=(",", ":")))
                            stream.write("\n")
                        count += len(batch)
                        rows_since_pause += len(batch)
                        if rows_since_pause >= PAUSE_EVERY_ROWS:
                            rows_since_pause = 0
                            time.sleep(0.001)
                finally:
                    cursor.close()
                counts[table] = count
                _write_line(stream, {"end_of_table": table, "rows": count})
            _write_line(stream, {"end": True, "rows": counts})
        database.execute_sql("COMMIT")
    except (peewee.PeeweeException, pymysql.err.Error, sqlite3.Error, OSError) as error:
        raise BackupError(f"{redact(url)}: {error}") from None
    finally:
        database.close()


def _quoted(database: peewee.Database, name: str) -> str:
    quote: str = database.quote  # the opening and closing marks: '""', or '``' for MySQL
    return f"{quote[0]}{name}{quote[1]}"


def _unbuffered_cursor() -> Any:
    return pymysql.cursors.SSCursor  # rows stream from the server instead of a whole table in memory


def _write_line(stream: TextIO, record: dict[str, Any]) -> None:
    stream.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
    stream.write("\n")


def _plain(value: Any) -> Any:
    """A column value as JSON can hold it, in a form both backends read back as the same."""
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else str(value)
    if isinstance(value, (bytes, bytearray)):
        raise BackupError("a binary column value: this store has none, so the database is not m59emu's")
    return value


# ---------------------------------------------------------------------- reading a backup


@attrs.frozen
class BackupSummary:
    """What a backup holds, read (and checked) before anything is restored."""

    kind: str  # "sqlite" or "dump"
    schema_version: int
    rows: dict[str, int]  # table -> rows


def inspect_backup(path: Path) -> BackupSummary:
    """Read a backup whole and check it; :class:`BackupError` says why one is unusable."""
    kind = _kind_of(path)
    if kind == "sqlite":
        return _inspect_sqlite(path)
    return read_dump_header(path, verify=True)


def _kind_of(path: Path) -> str:
    try:
        with path.open("rb") as stream:
            head = stream.read(len(SQLITE_MAGIC))
    except FileNotFoundError:
        raise BackupError(f"{path}: no such file") from None
    except OSError as error:
        raise BackupError(f"{path}: cannot read: {error.strerror or error}") from None
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(GZIP_MAGIC):
        return "dump"
    if not head:
        raise BackupError(f"{path}: the file is empty")
    raise BackupError(f"{path}: not an m59emu backup (neither an SQLite database nor a gzip'd dump)")


def _open_sqlite_backup(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)


def _inspect_sqlite(path: Path) -> BackupSummary:
    try:
        source = _open_sqlite_backup(path)
    except sqlite3.Error as error:
        raise BackupError(f"{path}: cannot open: {error}") from None
    try:
        problems = [row[0] for row in source.execute("PRAGMA quick_check").fetchall()]
        if problems != ["ok"]:
            raise BackupError(f"{path}: damaged (truncated or corrupt): {'; '.join(problems[:3])}")
        present = {row[0] for row in source.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if SCHEMA_TABLE not in present or "account" not in present:
            raise BackupError(f"{path}: an SQLite database, but not an m59emu store (no {SCHEMA_TABLE} or account table)")
        version = source.execute(f"SELECT MAX(version) FROM {SCHEMA_TABLE}").fetchone()[0] or 0
        rows = {table: source.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
                for table in TABLES if table in present}
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path}: damaged (truncated or corrupt): {error}") from None
    finally:
        source.close()
    return BackupSummary("sqlite", int(version), rows)


def read_dump_header(path: Path, *, verify: bool, paced: bool = False) -> BackupSummary:
    """A dump's header; with ``verify``, every line is read and the trailer's counts checked
    (``paced``: with short sleeps, as beside the server's reactor thread)."""
    header: dict[str, Any] | None = None
    counts: dict[str, int] = {}
    for record in _dump_records(path, paced=paced):
        if isinstance(record, _Header):
            header = record.fields
            if not verify:
                break
        elif isinstance(record, _TableRows):
            counts[record.table] = sum(len(batch) for batch in record.batches)
    assert header is not None  # _dump_records raises without one
    return BackupSummary("dump", int(header["schema_version"]), counts)


@attrs.frozen
class _Header:
    fields: dict[str, Any]


@attrs.frozen
class _TableRows:
    table: str
    columns: list[str]
    batches: Iterator[list[list[Any]]]


def _dump_records(path: Path, *, paced: bool = False) -> Iterator[_Header | _TableRows]:
    """The header, then each table with its rows in batches (consume them in order), checking
    the structure on the way; any damage is a :class:`BackupError` naming the line."""
    try:
        stream = gzip.open(path, "rt", encoding="utf-8")
    except OSError as error:
        raise BackupError(f"{path}: cannot read: {error}") from None
    line_number = 0

    def lines() -> Iterator[str]:
        nonlocal line_number
        try:
            for line in stream:
                line_number += 1
                if paced and line_number % PAUSE_EVERY_ROWS == 0:
                    time.sleep(0.001)
                yield line
        except EOFError:
            raise BackupError(f"{path}: truncated (the compressed data ends early, after line {line_number})") from None
        except (OSError, zlib.error, UnicodeDecodeError) as error:
            raise BackupError(f"{path}: damaged after line {line_number}: {error}") from None

    def parse(line: str) -> Any:
        try:
            return json.loads(line)
        except json.JSONDecodeError as error:
            raise BackupError(f"{path}:{line_number}: not JSON: {error.msg}") from None

    def bad(reason: str) -> BackupError:
        return BackupError(f"{path}:{line_number}: {reason}")

    with stream:
        source = lines()
        first = next(source, None)
        if first is None:
            raise BackupError(f"{path}: empty dump")
        header = parse(first)
        if not isinstance(header, dict) or header.get("format") != DUMP_FORMAT:
            raise BackupError(f"{path}: not an m59emu backup (a gzip'd file without the {DUMP_FORMAT} header)")
        if header.get("format_version") != DUMP_FORMAT_VERSION:
            raise bad(f"dump format {header.get('format_version')!r}; this m59emu reads {DUMP_FORMAT_VERSION}")
        version = header.get("schema_version")
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise bad("the header has no schema version")
        yield _Header(header)
        counts: dict[str, int] = {}
        while True:
            line = next(source, None)
            if line is None:
                raise BackupError(f"{path}: truncated (no end record after line {line_number})")
            record = parse(line)
            if not isinstance(record, dict):
                raise bad("expected a table or the end record")
            if record.get("end") is True:
                if record.get("rows") != counts:
                    raise bad(f"the end record counts {record.get('rows')!r}, the file holds {counts!r}")
                if next(source, None) is not None:
                    raise bad("lines after the end record")
                return
            table, columns = record.get("table"), record.get("columns")
            if table not in TABLES or table in counts:
                raise bad(f"unexpected table {table!r}")
            if not isinstance(columns, list) or not columns or not all(isinstance(c, str) for c in columns):
                raise bad(f"table {table}: no column names")
            width = len(columns)
            finished: list[int] = []

            def batches(table: str = table, width: int = width, finished: list[int] = finished) -> Iterator[list[list[Any]]]:
                batch: list[list[Any]] = []
                total = 0
                while True:
                    line = next(source, None)
                    if line is None:
                        raise BackupError(f"{path}: truncated (inside table {table}, after line {line_number})")
                    row = parse(line)
                    if isinstance(row, dict):
                        if row.get("end_of_table") != table or row.get("rows") != total + len(batch):
                            raise bad(f"table {table}: a bad end record {row!r}")
                        if batch:
                            yield batch
                        finished.append(total + len(batch))
                        return
                    if not isinstance(row, list) or len(row) != width:
                        raise bad(f"table {table}: a row of {len(row) if isinstance(row, list) else '?'} values, "
                                  f"expected {width}")
                    batch.append(row)
                    if len(batch) >= ROWS_PER_BATCH:
                        total += len(batch)
                        yield batch
                        batch = []

            yield _TableRows(table, list(columns), batches())
            if not finished:  # the consumer stopped early (verification reads everything)
                for _ in batches():
                    pass
            counts[table] = finished[-1] if finished else 0


def _source_tables(path: Path, kind: str) -> Iterator[tuple[str, list[str], Iterator[list[Sequence[Any]]]]]:
    """Each table of a backup with its columns and rows in batches, parents first."""
    if kind == "dump":
        for record in _dump_records(path):
            if isinstance(record, _TableRows):
                yield record.table, record.columns, record.batches  # type: ignore[misc]
        return
    source = _open_sqlite_backup(path)
    try:
        present = {row[0] for row in source.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        for table in TABLES:
            if table not in present:
                continue
            cursor = source.execute(f'SELECT * FROM "{table}"')
            columns = [description[0] for description in cursor.description]

            def batches(cursor: sqlite3.Cursor = cursor) -> Iterator[list[Sequence[Any]]]:
                while batch := cursor.fetchmany(ROWS_PER_BATCH):
                    yield batch

            yield table, columns, batches()
    finally:
        source.close()


# ---------------------------------------------------------------------- restoring


@attrs.frozen
class Restored:
    schema_version: int  # the backup's
    migrated_to: int
    rows: dict[str, int]
    replaced: dict[str, int]  # rows the target held before (with ``force``)


def database_contents(database: peewee.Database) -> dict[str, int]:
    """Rows in each store table of ``database`` that has any."""
    present = set(database.get_tables())
    counts = {}
    for table in DATA_TABLES:
        if table in present:
            count = database.execute_sql(f"SELECT count(*) FROM {_quoted(database, table)}").fetchone()[0]
            if count:
                counts[table] = int(count)
    return counts


def describe_rows(rows: dict[str, int]) -> str:
    return ", ".join(f"{count} {table}" for table, count in rows.items()) or "nothing"


def sqlite_in_use(path: Path) -> bool:
    """Whether another connection (the server, ``m59emu account``...) holds the SQLite file open."""
    if not path.exists():
        return False
    probe = sqlite3.connect(path, isolation_level=None, timeout=0)
    try:
        probe.execute("PRAGMA locking_mode=EXCLUSIVE")
        probe.execute("BEGIN EXCLUSIVE")
        probe.execute("ROLLBACK")
    except sqlite3.OperationalError as error:
        return "locked" in str(error) or "busy" in str(error)
    except sqlite3.DatabaseError:  # not a database at all: nobody uses it as one
        return False
    finally:
        probe.close()
    return False


def mysql_connections(database: peewee.Database) -> int:
    """Other connections to the same database that this account can see (a running server
    usually logs in with the same account)."""
    row = database.execute_sql(
        "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND ID <> CONNECTION_ID()"
    ).fetchone()
    return int(row[0])


def restore(path: Path, url: str, *, force: bool = False) -> Restored:
    """Restore the backup at ``path`` into the database at ``url`` (stopped: nothing else may use it).

    The target must hold no data unless ``force``, which replaces everything in it. The backup is
    read and checked whole first; an SQLite target is built in a new file that replaces the old
    one only when complete, so a failed restore leaves it as it was.
    """
    summary = inspect_backup(path)
    if summary.schema_version > LATEST_VERSION:
        raise BackupError(f"{path}: made by a newer m59emu (schema {summary.schema_version}; "
                          f"this one knows up to {LATEST_VERSION})")
    if urlsplit(url).scheme == "sqlite":
        return _restore_sqlite(path, summary, _sqlite_path(url), force)
    database = connect(url)
    try:
        database.connect()
    except peewee.PeeweeException as error:
        raise BackupError(f"cannot connect to {redact(url)}: {error}") from None
    try:
        try:
            others = mysql_connections(database)
            if others:
                raise BackupError(f"{redact(url)} is in use ({others} other connections: a running server?): "
                                  f"stop it first")
            replaced = _check_empty(database, redact(url), force)
            _drop_store_tables(database)
        except peewee.PeeweeException as error:
            raise BackupError(f"{redact(url)}: {error}") from None
        try:
            return _fill(database, path, summary, replaced)
        except (peewee.PeeweeException, pymysql.err.Error, BackupError) as error:
            reason = str(error) if isinstance(error, BackupError) else f"{redact(url)}: {error}"
            raise BackupError(f"{reason}; {_undo_fill(database, bool(replaced))}") from None
    finally:
        database.close()


def _undo_fill(database: peewee.Database, replaced: bool) -> str:
    """Drop what a failed restore made (MariaDB commits each CREATE TABLE at once), so a
    second try needs no --force; what to tell the operator."""
    try:
        _drop_store_tables(database)
    except (peewee.PeeweeException, pymysql.err.Error) as error:
        return f"the database may be left half restored ({error}): restore again with --force"
    return "what it held was replaced, and it is left empty" if replaced else "it is left empty, as it was"


def _check_empty(database: peewee.Database, where: str, force: bool) -> dict[str, int]:
    contents = database_contents(database)
    if contents and not force:
        raise NotEmpty(f"{where} is not empty ({describe_rows(contents)}); "
                       f"restore into an empty database, or give --force to replace all of it")
    return contents


def _drop_store_tables(database: peewee.Database) -> None:
    present = set(database.get_tables())
    for table in reversed(TABLES):  # children first, for the foreign keys
        if table in present:
            database.execute_sql(f"DROP TABLE {_quoted(database, table)}")


def _restore_sqlite(path: Path, summary: BackupSummary, target: Path, force: bool) -> Restored:
    if sqlite_in_use(target):
        raise BackupError(f"{target} is in use (a running server or another m59emu command): stop it first")
    replaced: dict[str, int] = {}
    if target.exists():
        existing = peewee.SqliteDatabase(str(target))
        try:
            existing.connect()
            replaced = _check_empty(existing, str(target), force)
        except peewee.DatabaseError as error:
            if not force:
                raise BackupError(f"{target}: not a readable database ({error}); give --force to replace it") from None
        finally:
            existing.close()
    target.parent.mkdir(parents=True, exist_ok=True)
    fresh = target.with_name(f".{target.name}.{os.getpid()}.restoring")
    for leftover in _sqlite_files(fresh):
        leftover.unlink(missing_ok=True)
    database = connect(f"sqlite:///{fresh}")
    try:
        database.connect()
        result = _fill(database, path, summary, replaced)
        database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        database.close()
        for old in _sqlite_files(target)[1:]:  # an old WAL would be read into the new file
            old.unlink(missing_ok=True)
        os.replace(fresh, target)
    except peewee.PeeweeException as error:
        raise BackupError(f"{target}: {error}; it is left as it was") from None
    except BackupError as error:
        raise BackupError(f"{error}; {target} is left as it was") from None
    finally:
        database.close()
        for leftover in _sqlite_files(fresh):
            leftover.unlink(missing_ok=True)
    return result


def _sqlite_files(path: Path) -> list[Path]:
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm"),
            path.with_name(path.name + "-journal")]


def _fill(database: peewee.Database, path: Path, summary: BackupSummary, replaced: dict[str, int]) -> Restored:
    """Build the backup's schema in an empty ``database``, copy the rows in, migrate to the latest."""
    migrate(database, up_to=summary.schema_version)
    present = set(database.get_tables())
    rows: dict[str, int] = {}
    marker = database.param
    with database.atomic():
        for table, columns, batches in _source_tables(path, summary.kind):
            if table == SCHEMA_TABLE:
                continue  # rebuilt by the migrations above, step by step
            if table not in present:
                raise BackupError(f"{path}: table {table} does not belong to schema version {summary.schema_version}")
            known = {column.name for column in database.get_columns(table)}
            unknown = [column for column in columns if column not in known]
            if unknown:
                raise BackupError(f"{path}: table {table} has columns {unknown} unknown to schema version "
                                  f"{summary.schema_version}")
            statement = (f"INSERT INTO {_quoted(database, table)} ({', '.join(_quoted(database, c) for c in columns)}) "
                         f"VALUES ({', '.join([marker] * len(columns))})")
            count = 0
            for batch in batches:
                cursor = database.cursor()
                try:
                    cursor.executemany(statement, [tuple(row) for row in batch])
                except (sqlite3.Error, pymysql.err.Error) as error:  # the driver's own: peewee is bypassed here
                    raise BackupError(f"{path}: table {table}: the database refused rows "
                                      f"{count + 1}-{count + len(batch)}: {error}") from None
                count += len(batch)
            rows[table] = count
    migrated_to = migrate(database)
    return Restored(summary.schema_version, migrated_to, rows, replaced)
