"""``m59emu admin``: the operator commands offline, on the database, with no server."""

from __future__ import annotations

import getpass
import shlex
from pathlib import Path

import pytest

from emulator import auth
from emulator.admin.commands import build_registry
from emulator.cli.main import main
from emulator.store import accounts, characters, open_database
from tests.live_server import run_cli


def make_database(path: Path) -> str:
    """alice (admin) with Alanna, dave (DM) with Davos, bob and carol (players) with Bobbin and
    Carolus: the accounts the commands' examples name (as on ``AdminWorld``)."""
    url = f"sqlite:///{path}"
    db = open_database(url)
    try:
        for account, character, level in (("alice", "Alanna", accounts.ADMIN), ("dave", "Davos", accounts.DM),
                                          ("bob", "Bobbin", accounts.USER), ("carol", "Carolus", accounts.USER)):
            accounts.create_account(db, account, f"pw-{account}", admin_level=level, cost=auth.TEST_COST)
            characters.create_character(db, account, character)
    finally:
        db.close()
    return url


@pytest.fixture
def url(tmp_path: Path) -> str:
    return make_database(tmp_path / "world.db")


def admin(url: str, line: str) -> int:
    return main(["admin", "--database", url, *shlex.split(line)])


def test_every_commands_examples_run_offline_or_say_they_need_the_server(tmp_path, capsys):
    ran = 0
    for index, command in enumerate(build_registry()):
        for number, example in enumerate(command.examples):
            url = make_database(tmp_path / f"{index}-{number}.db")  # each example on the starting database
            line = f"{command.name} {example}".strip()
            status = admin(url, line)
            out, err = capsys.readouterr()
            if command.needs_world:
                assert status == 1 and "needs the running server" in err, (line, out, err)
            else:
                assert status == 0, (line, out, err)
                assert err == "", (line, err)
            ran += 1
    assert ran >= 3  # help, help help, who at least


def test_help_is_the_default_and_lists_commands(url, capsys):
    assert main(["admin", "--database", url]) == 0
    assert "who" in capsys.readouterr().out


def test_an_error_answer_goes_to_stderr_with_status_1(url, capsys):
    assert admin(url, "frobnicate") == 1
    out, err = capsys.readouterr()
    assert out == "" and "unknown command" in err
    assert admin(url, "help --loud") == 1
    assert "unrecognized arguments" in capsys.readouterr().err


def test_the_call_is_logged_under_the_os_user_through_the_cli_door(url):
    from twisted.logger import globalLogPublisher

    events: list[dict] = []
    globalLogPublisher.addObserver(events.append)
    try:
        assert admin(url, "help who") == 0
    finally:
        globalLogPublisher.removeObserver(events.append)
    assert any(e.get("caller") == f"{getpass.getuser()} (cli)" and e.get("line") == "help who" for e in events)


def test_the_database_can_come_from_the_config_file(url, tmp_path, capsys):
    config = tmp_path / "m59emu.toml"
    config.write_text(f'[server]\ndatabase = "{url}"\n')
    assert main(["admin", "--config", str(config), "help"]) == 0
    assert "who" in capsys.readouterr().out


def test_a_bad_database_url_is_one_line_and_status_1(capsys):
    assert main(["admin", "--database", "postgres://nowhere/db", "help"]) == 1
    assert "m59emu admin:" in capsys.readouterr().err


def test_as_an_operator_types_it(url):
    result = run_cli("admin", "--database", url, "help", "help", check=False)
    assert result.returncode == 0 and "usage: help" in result.stdout
    result = run_cli("admin", "--database", url, "who", check=False)
    assert result.returncode == 1 and "needs the running server" in result.stderr
