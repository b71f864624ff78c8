"""``m59emu character``: create and list, clear one-line errors, exit codes 0/1/2."""

from __future__ import annotations

import pytest

from emulator import auth
from emulator.cli.main import main
from emulator.store import accounts, characters, open_database
from tests.store_backends import database_url  # noqa: F401  (fixture)


@pytest.fixture
def url(database_url: str) -> str:  # noqa: F811
    db = open_database(database_url)
    try:
        accounts.create_account(db, "Bob", "pw", cost=auth.TEST_COST)
        accounts.create_account(db, "Ann", "pw", cost=auth.TEST_COST)
    finally:
        db.close()
    return database_url


def run(url: str, *argv: str) -> int:
    return main(["character", *argv, "--database", url])


def stored(url: str, account_name: str) -> list[characters.CharacterRecord]:
    db = open_database(url)
    try:
        return characters.list_characters(db, accounts.get_account(db, account_name).id)
    finally:
        db.close()


def test_create_ready(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(url, "create", "bob", "Sir Bob") == 0
    assert capsys.readouterr() == ("created character 'Sir Bob' on account 'Bob' (ready to play)\n", "")
    [record] = stored(url, "bob")
    assert record.name == "Sir Bob" and not record.first_time and record.gender == characters.MALE


def test_create_first_time(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(url, "create", "BOB", "Newbie", "--first-time", "--gender", "female") == 0
    assert "first-time" in capsys.readouterr().out
    [record] = stored(url, "bob")
    assert record.first_time and record.gender == characters.FEMALE


def test_list(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(url, "list", "bob") == 0
    assert capsys.readouterr().out == "account 'Bob' has no characters\n"
    run(url, "create", "bob", "Zeta")
    run(url, "create", "bob", "Alpha", "--first-time")
    run(url, "create", "ann", "Hers")
    capsys.readouterr()
    assert run(url, "list", "Bob") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["NAME", "STATE", "ROOM", "HEALTH", "CREATED", "LAST", "PLAYED"]
    assert [line.split()[:4] for line in lines[1:]] == [["Zeta", "ready", "-", "20/20"], ["Alpha", "first-time", "-", "20/20"]]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("create", "nobody", "Fine"), "m59emu character: no account 'nobody'\n"),
        (("create", "bob", "ab"), "m59emu character: character name must be 3 to 30 bytes, not 2\n"),
        (("create", "bob", "Admin"), "m59emu character: character name 'Admin' is reserved\n"),
        (("list", "nobody"), "m59emu character: no account 'nobody'\n"),
    ],
)
def test_refusals(url: str, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], message: str) -> None:
    assert run(url, *argv) == 1
    assert capsys.readouterr() == ("", message)


def test_duplicate_name_on_any_account(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(url, "create", "bob", "Zed") == 0
    capsys.readouterr()
    assert run(url, "create", "ann", "ZED") == 1
    assert capsys.readouterr().err == "m59emu character: character 'ZED' exists\n"
    assert stored(url, "ann") == []


@pytest.mark.parametrize("argv", [["character"], ["character", "create", "bob"], ["character", "list"]])
def test_usage_errors_exit_2(tmp_path, capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    try:
        status = main(argv)
    except SystemExit as exit_info:
        status = exit_info.code
    assert status == 2
    assert capsys.readouterr().err


def test_bad_database_url(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["character", "list", "bob", "--database", "postgres://x/y"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("m59emu character: unsupported database URL") and err.count("\n") == 1
