"""Database backends for the store tests: SQLite always, MariaDB/MySQL from ``M59_TEST_MYSQL_URL``.

Under CI (``CI`` set) a missing MySQL URL fails the MySQL cases: a backend that silently skips proves
nothing. Start one with ``eval "$(bash .ci/mariadb.sh)"``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from twisted.trial import unittest

from emulator.store.database import connect

MYSQL_ENV = "M59_TEST_MYSQL_URL"
BACKENDS = ["sqlite", "mysql"]
STORE_TABLES = (  # children first
    "character_enchantment",
    "spellbook",
    "bank_balance",
    "item",
    "item_ledger",
    "item_journal",
    "player_character",
    "world_state",
    "resource_name",
    "login_record",
    "account",
    "schema_version",
)


def mysql_url() -> str:
    """The test server's URL, with its tables dropped so each test starts empty."""
    url = os.environ.get(MYSQL_ENV)
    if not url:
        message = f"{MYSQL_ENV} is not set; start a server with: eval \"$(bash .ci/mariadb.sh)\""
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but {message}")
        pytest.skip(message)
    database = connect(url)
    with database:
        database.execute_sql("DROP TABLE IF EXISTS " + ", ".join(STORE_TABLES))
    return url


def sqlite_url(folder: Path) -> str:
    # A file, never :memory:, which would be a separate empty database in every thread.
    return f"sqlite:///{folder / 'store' / 'm59emu.db'}"


def backend_url(backend: str, folder: Path) -> str:
    return sqlite_url(folder) if backend == "sqlite" else mysql_url()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return backend_url(request.param, tmp_path)


def temporary_folder(test: unittest.TestCase) -> Path:
    """A folder removed after ``test``; trial's own ``mktemp`` would leave folders in the working directory."""
    folder = Path(tempfile.mkdtemp(prefix="m59-store-"))
    test.addCleanup(shutil.rmtree, folder, ignore_errors=True)
    return folder
