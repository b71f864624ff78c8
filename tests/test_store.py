"""The account store on every backend, and the store thread."""

from __future__ import annotations

import datetime
import threading
from collections.abc import Iterator

import peewee
import pytest
from twisted.internet import defer
from twisted.trial import unittest

from emulator import auth
from emulator.store import accounts, migrations, models
from emulator.store.database import connect, open_database
from emulator.store.thread import StoreNotRunning, StoreService
from tests.store_backends import database_url, mysql_url, sqlite_url, temporary_folder  # noqa: F401  (fixture)

COST = auth.TEST_COST
NOW = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)
PASSWORD = "correct horse"
DIGEST = auth.client_digest(PASSWORD)


@pytest.fixture
def db(database_url: str) -> Iterator[peewee.Database]:  # noqa: F811
    database = open_database(database_url)
    yield database
    database.close()


def create(db: peewee.Database, name: str = "Bob", **kwargs) -> accounts.AccountInfo:
    return accounts.create_account(db, name, PASSWORD, now=NOW, cost=COST, **kwargs)


def login(db: peewee.Database, name: str = "bob", digest: bytes = DIGEST, now: datetime.datetime = NOW):
    return accounts.verify_login(db, name, digest, "10.0.0.7", now, cost=COST)


def test_create_keeps_the_name_as_typed(db) -> None:
    info = create(db, "Bob")
    assert info.name == "Bob" and info.admin_level == accounts.USER and info.created_at == NOW
    assert accounts.get_account(db, "BOB") == info
    assert [a.name for a in accounts.list_accounts(db)] == ["Bob"]


@pytest.mark.parametrize("other", ["bob", "BOB", "Bob"])
def test_names_are_unique_ignoring_case(db, other: str) -> None:
    create(db, "Bob")
    with pytest.raises(accounts.AccountExists):
        create(db, other)


def test_accented_names_are_distinct(db) -> None:
    create(db, "José")
    create(db, "Jose")
    with pytest.raises(accounts.AccountExists):
        create(db, "JOSÉ")
    assert {a.name for a in accounts.list_accounts(db)} == {"José", "Jose"}


@pytest.mark.parametrize("name", ["", " bob", "bob ", "a" * 51, "é" * 51, "tab\there", "Ω", "nul\0"])
def test_invalid_names(db, name: str) -> None:
    with pytest.raises(accounts.InvalidAccountName):
        create(db, name)
    assert accounts.list_accounts(db) == []


def test_a_name_whose_folded_key_outgrows_the_column_is_refused(db) -> None:
    """50 × "ß" is a valid 50-byte name whose case-folded key is 100 characters: MariaDB
    would refuse or cut it, so it is refused first, with the reason."""
    with pytest.raises(accounts.InvalidAccountName, match="too long once letter case is folded"):
        create(db, "ß" * 50)
    longest = "ß" * 32  # folds to 64 characters: exactly the column
    create(db, longest)
    assert accounts.get_account(db, longest.upper()).name == longest
    assert login(db, "SS" * 32).outcome == "ok"


def test_longest_name(db) -> None:
    assert create(db, "é" * 50).name == "é" * 50


def test_empty_password_refused(db) -> None:
    with pytest.raises(accounts.InvalidPassword):
        accounts.create_account(db, "bob", "", cost=COST)


def test_login_ok_records_history(db) -> None:
    info = create(db, "Bob", admin_level=accounts.DM)
    verdict = login(db, "bOB")
    assert verdict == accounts.LoginVerdict("ok", account_id=info.id, account_name="Bob", admin_level=2)
    after = accounts.get_account(db, "bob")
    assert after.last_login_at == NOW and after.last_login_address == "10.0.0.7"
    [attempt] = accounts.recent_logins(db, "Bob")
    assert (attempt.account_id, attempt.name_tried, attempt.success, attempt.outcome) == (info.id, "bOB", True, "ok")
    assert attempt.time == NOW and attempt.address == "10.0.0.7"


def test_bad_password(db) -> None:
    create(db)
    verdict = login(db, digest=auth.client_digest("wrong"))
    assert verdict == accounts.LoginVerdict("bad_credentials")
    assert accounts.get_account(db, "bob").last_login_at is None
    [attempt] = accounts.recent_logins(db, "bob")
    assert not attempt.success and attempt.outcome == "bad_credentials"


def test_unknown_name(db) -> None:
    assert login(db, "nobody") == accounts.LoginVerdict("bad_credentials")
    [attempt] = accounts.recent_logins(db, "nobody")
    assert attempt.account_id is None and attempt.name_tried == "nobody"


@pytest.mark.parametrize("name", ["bob", "nobody", "", "x" * 200])
def test_one_hash_verification_whatever_the_name(db, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    create(db)
    calls = []
    real = auth.verify_digest
    monkeypatch.setattr(auth, "verify_digest", lambda stored, digest: calls.append(stored) or real(stored, digest))
    login(db, name)
    assert len(calls) == 1
    if name != "bob":
        assert calls == [auth.dummy_hash(COST)]


def test_banned_with_no_end(db) -> None:
    create(db)
    accounts.ban(db, "BOB", None, "griefing")
    verdict = login(db)
    assert verdict.outcome == "banned" and verdict.banned_until is None and verdict.ban_reason == "griefing"
    assert accounts.get_account(db, "bob").last_login_at is None
    assert accounts.recent_logins(db, "bob")[0].outcome == "banned"


def test_ban_not_disclosed_without_the_password(db) -> None:
    create(db)
    accounts.ban(db, "bob", None)
    assert login(db, digest=auth.client_digest("guess")).outcome == "bad_credentials"


def test_ban_expires(db) -> None:
    create(db)
    until = NOW + datetime.timedelta(days=1)
    accounts.ban(db, "bob", until, "cool off")
    verdict = login(db, now=NOW)
    assert verdict.outcome == "banned" and verdict.banned_until == until
    assert login(db, now=until - datetime.timedelta(seconds=1)).outcome == "banned"
    assert login(db, now=until).outcome == "ok"


def test_unban(db) -> None:
    create(db)
    accounts.ban(db, "bob", None)
    accounts.unban(db, "bob")
    info = accounts.get_account(db, "bob")
    assert not info.banned and info.banned_until is None and info.ban_reason is None
    assert login(db).outcome == "ok"


def test_set_password(db) -> None:
    create(db)
    accounts.set_password(db, "BOB", "new one", cost=COST)
    assert login(db).outcome == "bad_credentials"
    assert login(db, digest=auth.client_digest("new one")).outcome == "ok"


def test_admin_level(db) -> None:
    create(db)
    accounts.set_admin(db, "bob", accounts.ADMIN)
    assert login(db).admin_level == 1
    with pytest.raises(accounts.InvalidAdminLevel):
        accounts.set_admin(db, "bob", 3)
    assert accounts.get_account(db, "bob").admin_level == 1


def test_delete_keeps_history(db) -> None:
    create(db)
    login(db)
    accounts.delete_account(db, "BOB")
    assert accounts.list_accounts(db) == []
    assert login(db).outcome == "bad_credentials"
    assert [a.account_id for a in accounts.recent_logins(db)] == [None, None]
    create(db)  # the name is free again


@pytest.mark.parametrize(
    "operation",
    [
        lambda db: accounts.delete_account(db, "ghost"),
        lambda db: accounts.set_password(db, "ghost", "pw", cost=COST),
        lambda db: accounts.ban(db, "ghost", None),
        lambda db: accounts.unban(db, "ghost"),
        lambda db: accounts.set_admin(db, "ghost", 1),
        lambda db: accounts.get_account(db, "ghost"),
    ],
)
def test_unknown_account(db, operation) -> None:
    with pytest.raises(accounts.NoSuchAccount):
        operation(db)


def test_setting_the_same_value_twice_is_not_an_error(db) -> None:
    create(db)
    accounts.unban(db, "bob")
    accounts.unban(db, "bob")  # MySQL reports 0 changed rows here
    accounts.set_admin(db, "bob", 0)


def test_migrations_are_idempotent(database_url: str) -> None:  # noqa: F811
    first = open_database(database_url)
    create(first)
    first.close()
    second = open_database(database_url)
    assert migrations.migrate(second) == migrations.LATEST_VERSION
    assert migrations.schema_version(second) == migrations.LATEST_VERSION == 10
    assert [a.name for a in accounts.list_accounts(second)] == ["Bob"]
    second.close()


def test_models_match_the_migrated_schema(db) -> None:
    for model in models.ALL_MODELS:
        table = model._meta.table_name
        columns = {column.name: column for column in db.get_columns(table)}
        fields = {field.column_name: field for field in model._meta.sorted_fields}
        assert set(columns) == set(fields), table
        for name, field in fields.items():
            assert columns[name].null == field.null, (table, name)


def test_newer_schema_is_refused(database_url: str) -> None:  # noqa: F811
    database = open_database(database_url)
    database.execute_sql("INSERT INTO schema_version (version, applied_at) VALUES (99, '2030-01-01 00:00:00')")
    database.close()
    with pytest.raises(migrations.SchemaTooNew):
        open_database(database_url)


def test_sqlite_settings(tmp_path) -> None:
    database = open_database(f"sqlite:///{tmp_path}/deep/er/m59.db")
    assert (tmp_path / "deep" / "er" / "m59.db").exists()
    pragma = lambda name: database.execute_sql(f"PRAGMA {name}").fetchone()[0]
    assert pragma("journal_mode") == "wal"
    assert pragma("foreign_keys") == 1
    assert pragma("synchronous") == 2  # FULL
    assert pragma("busy_timeout") == 5000
    database.close()


def test_sqlite_second_connection_sees_writes(tmp_path) -> None:
    # The operator command is a second process on the same file while the server holds it open.
    url = f"sqlite:///{tmp_path}/m59.db"
    server = open_database(url)
    operator = open_database(url)
    create(operator)
    assert login(server).outcome == "ok"
    operator.close()
    server.close()


def test_unsupported_url() -> None:
    with pytest.raises(ValueError):
        connect("postgres://h/db")


class StoreServiceMixin:
    """StoreService on the real reactor; subclasses choose the backend."""

    def database_url(self) -> str:
        raise NotImplementedError

    def setUp(self) -> None:
        from twisted.internet import reactor

        self.service = StoreService(self.database_url(), reactor, hash_cost=COST)
        self.service.startService()
        self.addCleanup(self._stop)
        return self.service.ready

    def _stop(self):
        return self.service.stopService() if self.service.running else None

    @defer.inlineCallbacks
    def test_calls_run_on_one_worker_thread(self):
        idents = []
        for _ in range(3):
            idents.append((yield self.service.call(lambda db: threading.get_ident())))
        self.assertEqual(len(set(idents)), 1)
        self.assertNotEqual(idents[0], threading.get_ident())

    @defer.inlineCallbacks
    def test_calls_waiting_counts_calls_until_they_are_answered(self):
        gate = threading.Event()
        held = self.service.call(lambda db: gate.wait(10))  # the one worker is busy with this
        queued = [self.service.call(lambda db: None) for _ in range(3)]
        failing = self.service.call(lambda db: 1 / 0)
        self.assertEqual(self.service.calls_waiting, 5)
        gate.set()
        yield defer.DeferredList([held, *queued, failing], consumeErrors=True)
        self.assertEqual(self.service.calls_waiting, 0)  # answered, failed ones too

    @defer.inlineCallbacks
    def test_verify_login(self):
        created = self.service.call(accounts.create_account, "Bob", PASSWORD, cost=COST)
        self.assertIsInstance(created, defer.Deferred)
        yield created
        verdict = yield self.service.verify_login("BOB", DIGEST, "10.0.0.9")
        self.assertEqual(verdict.outcome, "ok")
        self.assertEqual(verdict.account_name, "Bob")
        bad = yield self.service.verify_login("bob", auth.client_digest("x"), "10.0.0.9")
        self.assertEqual(bad.outcome, "bad_credentials")

    @defer.inlineCallbacks
    def test_errors_come_back_as_failures(self):
        with self.assertRaises(accounts.NoSuchAccount):
            yield self.service.call(accounts.get_account, "ghost")

    @defer.inlineCallbacks
    def test_stop_drains_queued_calls(self):
        results = [self.service.call(lambda db, i: i, i) for i in range(20)]
        yield self.service.stopService()
        self.assertEqual([r.result for r in results], list(range(20)))  # all fired before the close
        with self.assertRaises(StoreNotRunning):
            self.service.call(lambda db: None)


class StoreServiceSQLiteTests(StoreServiceMixin, unittest.TestCase):
    def database_url(self) -> str:
        return sqlite_url(temporary_folder(self))


class StoreServiceMySQLTests(StoreServiceMixin, unittest.TestCase):
    def database_url(self) -> str:
        return mysql_url()


class StoreServiceOpenFailureTests(unittest.TestCase):
    @defer.inlineCallbacks
    def test_calls_fail_when_the_database_does_not_open(self):
        from twisted.internet import reactor

        service = StoreService("postgres://nowhere/db", reactor)
        service.startService()
        with self.assertRaises(ValueError):
            yield service.ready
        with self.assertRaises(StoreNotRunning):
            yield service.call(lambda db: None)
        yield service.stopService()
        self.flushLoggedErrors(ValueError)


