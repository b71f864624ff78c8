"""``m59emu account``: passwords from a prompt or stdin only, clear errors, works beside the server."""

from __future__ import annotations

import getpass
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from twisted.internet import defer, threads
from twisted.trial import unittest

from emulator import auth
from emulator.cli.main import main
from emulator.store import accounts, open_database
from emulator.store.thread import StoreService
from tests.store_backends import database_url, temporary_folder  # noqa: F401  (fixture)

REPO = Path(__file__).resolve().parents[1]
PASSWORD = "s3cret pass"


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/m59.db"


def run(url: str, *argv: str, stdin: str = "") -> int:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sys, "stdin", io.StringIO(stdin))
        return main(["account", *argv, "--database", url])


def login(url: str, name: str, password: str = PASSWORD) -> accounts.LoginVerdict:
    db = open_database(url)
    try:
        return accounts.verify_login(db, name, auth.client_digest(password), "127.0.0.1")
    finally:
        db.close()


def test_create_reads_the_password_from_stdin(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(url, "create", "Bob", stdin=PASSWORD + "\r\nignored\n") == 0
    out, err = capsys.readouterr()
    assert out == "created account 'Bob' (user)\n" and err == ""
    assert PASSWORD not in out + err
    assert login(url, "bob").outcome == "ok"


def test_create_with_a_level(url: str) -> None:
    assert run(url, "create", "Gm", "--level", "2", stdin=PASSWORD + "\n") == 0
    assert login(url, "gm").admin_level == 2


def test_password_is_never_taken_from_argv(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        run(url, "create", "bob", PASSWORD)
    assert exit_info.value.code == 2
    assert "unrecognized arguments" in capsys.readouterr().err
    assert run(url, "list") == 0
    assert "bob" not in capsys.readouterr().out


def test_empty_password(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(url, "create", "bob", stdin="") == 1
    assert capsys.readouterr().err == "m59emu account: no password given\n"


@pytest.mark.parametrize(
    ("password", "reason"),
    [("   \t ", "the password is only spaces"), ("x" * 100_000, "the password is 100,000 characters long")],
)
def test_unusable_passwords_are_refused(url: str, capsys: pytest.CaptureFixture[str], password: str, reason: str) -> None:
    assert run(url, "create", "bob", stdin=password + "\n") == 1
    assert reason in capsys.readouterr().err
    assert run(url, "list") == 0
    assert "bob" not in capsys.readouterr().out  # nothing was created
    run(url, "create", "bob", stdin="good one\n")
    capsys.readouterr()
    assert run(url, "passwd", "bob", stdin=password + "\n") == 1
    assert reason in capsys.readouterr().err
    assert login(url, "bob", "good one").outcome == "ok"  # the old password still works


def test_terminal_prompt_asks_twice(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    answers = iter([PASSWORD, PASSWORD, "one", "two"])
    prompts: list[str] = []
    monkeypatch.setattr(getpass, "getpass", lambda prompt: prompts.append(prompt) or next(answers))
    terminal = io.StringIO()
    terminal.isatty = lambda: True  # type: ignore[method-assign]
    monkeypatch.setattr(sys, "stdin", terminal)
    assert main(["account", "create", "bob", "--database", url]) == 0
    assert prompts == ["New password: ", "Repeat password: "]
    assert main(["account", "passwd", "bob", "--database", url]) == 1  # "one" != "two"
    assert login(url, "bob").outcome == "ok"


def test_duplicate_name(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    run(url, "create", "Bob", stdin="pw\n")
    capsys.readouterr()
    assert run(url, "create", "BOB", stdin="pw\n") == 1
    assert capsys.readouterr().err == "m59emu account: account 'BOB' exists\n"


def test_invalid_name(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(url, "create", " bob", stdin="pw\n") == 1
    assert "starts or ends with a space" in capsys.readouterr().err


def test_passwd(url: str) -> None:
    run(url, "create", "bob", stdin="old\n")
    assert run(url, "passwd", "BOB", stdin=PASSWORD + "\n") == 0
    assert login(url, "bob").outcome == "ok"
    assert login(url, "bob", "old").outcome == "bad_credentials"


def test_ban_and_unban(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    run(url, "create", "bob", stdin=PASSWORD + "\n")
    assert run(url, "ban", "bob", "--until", "2999-01-31", "--reason", "spamming") == 0
    verdict = login(url, "bob")
    assert verdict.outcome == "banned" and verdict.ban_reason == "spamming"
    assert f"{verdict.banned_until:%Y-%m-%d %H:%M}" == "2999-01-31 00:00"
    assert "banned until 2999-01-31 00:00: spamming" in _listing(url, capsys)
    assert run(url, "unban", "bob") == 0
    assert login(url, "bob").outcome == "ok"
    assert run(url, "ban", "bob") == 0
    assert login(url, "bob").banned_until is None


def test_ban_dates(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    run(url, "create", "bob", stdin=PASSWORD + "\n")
    assert run(url, "ban", "bob", "--until", "2001-01-01") == 1
    assert "in the past" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        run(url, "ban", "bob", "--until", "tomorrow")
    assert exit_info.value.code == 2


def test_admin(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    run(url, "create", "bob", stdin=PASSWORD + "\n")
    assert run(url, "admin", "bob", "--level", "1") == 0
    assert login(url, "bob").admin_level == 1
    with pytest.raises(SystemExit) as exit_info:
        run(url, "admin", "bob", "--level", "3")
    assert exit_info.value.code == 2
    with pytest.raises(SystemExit):
        run(url, "admin", "bob")  # --level is required


def test_delete_and_unknown_accounts(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    run(url, "create", "bob", stdin=PASSWORD + "\n")
    assert run(url, "delete", "Bob") == 0
    capsys.readouterr()
    for argv in (["delete", "bob"], ["unban", "bob"], ["admin", "bob", "--level", "1"], ["passwd", "bob"]):
        assert run(url, *argv, stdin="pw\n") == 1
        assert capsys.readouterr().err == "m59emu account: no account 'bob'\n"


def test_list(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("carol", "Alice", "bob"):
        run(url, "create", name, stdin=PASSWORD + "\n")
    login(url, "bob")
    lines = _listing(url, capsys).splitlines()
    assert lines[0].split() == ["NAME", "LEVEL", "CREATED", "LAST", "LOGIN", "FROM", "BAN"]
    assert [line.split()[0] for line in lines[1:]] == ["Alice", "bob", "carol"]
    assert "127.0.0.1" in lines[2]


def test_bad_database_url(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["account", "list", "--database", "postgres://h/db"]) == 1
    assert capsys.readouterr().err.startswith("m59emu account: unsupported database URL")


def test_no_subcommand_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["account"]) == 2


def test_every_backend(database_url: str, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    assert run(database_url, "create", "Bob", stdin=PASSWORD + "\n") == 0
    assert run(database_url, "ban", "bob", "--reason", "x") == 0
    assert login(database_url, "BOB").outcome == "banned"
    assert run(database_url, "delete", "bob") == 0


def test_piped_process_with_the_default_database(tmp_path: Path) -> None:
    # `printf 'pw\n' | m59emu account create bob` from the server's working directory.
    result = _m59emu(["account", "create", "bob"], cwd=tmp_path, stdin=PASSWORD + "\n")
    assert result.returncode == 0, result.stderr
    assert PASSWORD not in result.stdout + result.stderr
    assert (tmp_path / "var" / "m59emu.db").exists()
    assert login(f"sqlite:///{tmp_path}/var/m59emu.db", "bob").outcome == "ok"


def _listing(url: str, capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    assert run(url, "list") == 0
    return capsys.readouterr().out


def _m59emu(argv: list[str], cwd: Path, stdin: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "emulator.cli", *argv], check=False, cwd=cwd, input=stdin, capture_output=True, text=True, env=env,
        timeout=60,
    )


class BesideTheServerTests(unittest.TestCase):
    """The operator command changes accounts while the server's store thread holds the database."""

    @defer.inlineCallbacks
    def test_create_and_ban_while_the_server_runs(self):
        from twisted.internet import reactor

        folder = temporary_folder(self)
        url = f"sqlite:///{folder}/m59.db"
        service = StoreService(url, reactor, hash_cost=auth.TEST_COST)
        service.startService()
        self.addCleanup(service.stopService)
        yield service.ready
        yield service.verify_login("nobody", auth.client_digest("x"), "10.0.0.1")  # the server has written

        def operator(*argv: str, stdin: str = "") -> None:
            result = _m59emu(["account", *argv, "--database", url], cwd=folder, stdin=stdin)
            self.assertEqual(result.returncode, 0, result.stderr)

        yield threads.deferToThread(operator, "create", "alice", stdin=PASSWORD + "\n")
        verdict = yield service.verify_login("Alice", auth.client_digest(PASSWORD), "10.0.0.1")
        self.assertEqual(verdict.outcome, "ok")
        yield threads.deferToThread(operator, "ban", "alice")
        verdict = yield service.verify_login("alice", auth.client_digest(PASSWORD), "10.0.0.1")
        self.assertEqual(verdict.outcome, "banned")
