"""The persistent store: accounts and login history, on SQLite or MySQL/MariaDB through peewee."""

from emulator.store.accounts import (
    AccountExists,
    AccountInfo,
    InvalidAccountName,
    InvalidAdminLevel,
    InvalidPassword,
    LoginVerdict,
    NoSuchAccount,
    StoreError,
)
from emulator.store.database import DEFAULT_DATABASE_URL, open_database
from emulator.store.migrations import SchemaTooNew, migrate
from emulator.store.models import database_proxy

__all__ = [
    "DEFAULT_DATABASE_URL",
    "AccountExists",
    "AccountInfo",
    "InvalidAccountName",
    "InvalidAdminLevel",
    "InvalidPassword",
    "LoginVerdict",
    "NoSuchAccount",
    "SchemaTooNew",
    "StoreError",
    "database_proxy",
    "migrate",
    "open_database",
]
