"""``m59emu import-accounts``: the original server's accounts file, imported; its players log in
with their old passwords, its admins keep their level, its suspensions become bans."""

from __future__ import annotations

import datetime
import time
from pathlib import Path

import paramiko
import pytest

from emulator import auth
from emulator.cli.main import main
from emulator.importer.accounts_file import parse_accounts_file
from emulator.store import accounts, open_database
from emulator.store.models import Account
from tests.live_server import LiveServer, free_port
from tests.store_backends import database_url  # noqa: F401  (fixture)

NOW = int(time.time())
IN_A_MONTH = NOW + 30 * 86400


def digest_hex(password: str) -> str:
    return auth.client_digest(password).hex()


# (line in the file, what it is)
ORIGINAL_FILE = [
    "# saved by the original server",
    "",
    f"ACCOUNT 1:Grim:{digest_hex('grim-old')}:1:{NOW - 86400}:0:0",          # 3: an admin
    f"ACCOUNT 2:Mira Dunmoor:{digest_hex('mira-old')}:2:0:1200:0",            # 4: a DM (a name with a space)
    f"ACCOUNT 3:guest1:{digest_hex('guest-old')}:3:0:0:0",                     # 5: a guest
    f"ACCOUNT 4:Tomas:{digest_hex('tomas-old')}:0:{NOW}:0:{IN_A_MONTH}",      # 6: suspended for a month
    f"ACCOUNT 5:Pardoned:{digest_hex('pardoned-old')}:0:0:0:{NOW - 3600}",    # 7: a suspension that is over
    "ACCOUNT 6:broken:zz:0:0:0",                                              # 8: malformed password
    f"ACCOUNT 7:GRIM:{digest_hex('other')}:0:0:0:0",                          # 9: the same name again
    "ACCOUNT 8:nopass:None:0:0:0:0",                                          # 10: no password
    f"ACCOUNT 9:alice:{digest_hex('alice-old')}:1:0:0:0",                      # 11: exists here already
    f"ACCOUNT 10:{'x' * 60}:{digest_hex('long')}:0:0:0:0",                     # 12: a name too long here
    "WHATEVER 12",                                                             # 13: not a line type
    f"ACCOUNT 11:Quinn:{digest_hex('quinn-old')}:0:0:0",                       # 14: 6 fields (no suspension)
    "NEXT_ACCOUNT_ID 12",
]
REPORTED_LINES = {8, 9, 10, 11, 12, 13}


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'world.db'}"
    db = open_database(url)
    try:
        accounts.create_account(db, "alice", "alice-here", cost=auth.TEST_COST)
    finally:
        db.close()
    return url


@pytest.fixture
def accounts_file(tmp_path: Path) -> Path:
    path = tmp_path / "accounts.txt"
    path.write_text("\n".join(ORIGINAL_FILE) + "\n", encoding="cp1252")
    return path


def run_import(url: str, path: Path, *options: str) -> int:
    return main(["import-accounts", str(path), "--database", url, "--hash-cost", "test", *options])


def account(url: str, name: str) -> accounts.AccountInfo:
    db = open_database(url)
    try:
        return accounts.get_account(db, name)
    finally:
        db.close()


def login(url: str, name: str, password: str) -> accounts.LoginVerdict:
    db = open_database(url)
    try:
        return accounts.verify_login(db, name, auth.client_digest(password), "127.0.0.1")
    finally:
        db.close()


def test_the_file_is_read_as_the_original_writes_it():
    parsed = parse_accounts_file("\n".join(ORIGINAL_FILE))
    assert parsed.next_account_id == 12
    assert [a.name for a in parsed.accounts] == [
        "Grim", "Mira Dunmoor", "guest1", "Tomas", "Pardoned", "GRIM", "nopass", "alice", "x" * 60, "Quinn"]
    assert {p.line for p in parsed.problems} == {8, 13}
    grim = parsed.accounts[0]
    assert grim.digest == auth.client_digest("grim-old") and grim.admin_level == accounts.ADMIN
    assert parsed.accounts[3].suspended_until == datetime.datetime.fromtimestamp(IN_A_MONTH, datetime.UTC)
    assert parsed.accounts[-1].suspended_until is None


@pytest.mark.parametrize("line, reason", [
    ("ACCOUNT 1:a:" + "ab" * 15 + ":0:0:0:0", "15 bytes, not the 16"),
    ("ACCOUNT 1:a:" + "00" * 16 + ":0:0:0:0", "zero byte"),
    ("ACCOUNT x:a:None:0:0:0:0", "account id 'x'"),
    ("ACCOUNT 1:a:None:7:0:0:0", "account type 7"),
    ("ACCOUNT 1:a:None:0:0", "6 or 7 fields"),
    ("ACCOUNT 1::None:0:0:0:0", "name is empty"),
    ("NEXT_ACCOUNT_ID many", "not a whole number"),
])
def test_malformed_lines_say_why(line, reason):
    (problem,) = parse_accounts_file(line).problems
    assert problem.line == 1 and reason in problem.reason


def test_import_reports_each_skipped_line_and_imports_the_rest(url, accounts_file, capsys):
    assert run_import(url, accounts_file) == 1  # some lines were not imported
    out, err = capsys.readouterr()
    reported = {int(line.split(":")[1]) for line in err.splitlines() if line.startswith(str(accounts_file))}
    assert reported == REPORTED_LINES, err
    assert f"{accounts_file}:9: account 'GRIM' is also on line 3" in err
    assert f"{accounts_file}:11: account 'alice' exists here; skipped, not overwritten" in err
    assert f"{accounts_file}:10: account 'nopass' has no password" in err
    assert "imported 6 account(s): 1 admin, 1 DM, 4 player (1 of them guests); 1 banned" in out

    assert account(url, "grim").admin_level == accounts.ADMIN
    assert account(url, "mira dunmoor").admin_level == accounts.DM
    assert account(url, "guest1").admin_level == accounts.USER
    assert account(url, "grim").last_login_at == datetime.datetime.fromtimestamp(NOW - 86400, datetime.UTC)
    tomas = account(url, "tomas")
    assert tomas.banned and tomas.banned_until == datetime.datetime.fromtimestamp(IN_A_MONTH, datetime.UTC)
    assert not account(url, "pardoned").banned
    assert login(url, "alice", "alice-here").outcome == "ok"  # not overwritten
    assert login(url, "alice", "alice-old").outcome == "bad_credentials"
    for missing in ("broken", "nopass", "x" * 60):
        with pytest.raises(accounts.NoSuchAccount):
            account(url, missing)


def test_the_stored_hash_is_salted_and_slow_not_the_digest(url, accounts_file):
    run_import(url, accounts_file)
    db = open_database(url)
    try:
        stored = Account.get(Account.name_key == "grim").password_hash
    finally:
        db.close()
    digest = auth.client_digest("grim-old")
    assert digest.hex() not in stored.lower() and stored.startswith(("$argon2id$", "$scrypt$"))
    assert auth.verify_digest(stored, digest)


def test_importing_again_overwrites_nothing(url, accounts_file, capsys):
    run_import(url, accounts_file)
    capsys.readouterr()
    assert run_import(url, accounts_file) == 1
    out, err = capsys.readouterr()
    assert "imported 0 account(s)" in out and err.count("exists here") == 7  # six imported and alice


def test_strict_imports_nothing_on_any_problem(url, accounts_file, capsys):
    assert run_import(url, accounts_file, "--strict") == 1
    assert "--strict: nothing imported" in capsys.readouterr().err
    with pytest.raises(accounts.NoSuchAccount):
        account(url, "grim")


def test_a_clean_file_exits_0(url, tmp_path, capsys):
    clean = tmp_path / "clean.txt"
    clean.write_text(f"ACCOUNT 1:Solo:{digest_hex('solo-pw')}:0:0:0:0\nNEXT_ACCOUNT_ID 2\n")
    assert run_import(url, clean, "--strict") == 0
    assert "imported 1 account(s)" in capsys.readouterr().out
    assert login(url, "solo", "solo-pw").outcome == "ok"


def test_a_missing_file_is_one_line(url, tmp_path, capsys):
    assert run_import(url, tmp_path / "nope.txt") == 1
    assert "cannot read" in capsys.readouterr().err


def test_imported_players_log_in_to_the_real_server_with_their_old_passwords(url, accounts_file, tmp_path):
    run_import(url, accounts_file)
    ssh_port = free_port()
    config = (f'[admin]\nssh_listen = "tcp:{ssh_port}:interface=127.0.0.1"\n'
              f'ssh_host_key = "{tmp_path / "host_key"}"\nssh_authorized_keys = "{tmp_path / "none"}"\n'
              f'[web]\nlisten = ""\n[backup]\ndir = "{tmp_path / "backups"}"\nevery_hours = 0.0\n')
    server = LiveServer(tmp_path, url, config)
    try:
        for name, password in (("Grim", "grim-old"), ("mira dunmoor", "mira-old"), ("guest1", "guest-old"),
                               ("Pardoned", "pardoned-old"), ("Quinn", "quinn-old")):
            client = server.connect()
            client.expect("AP_GETLOGIN")
            client.send(client.codec.login(name, password))  # the digest the old client sends
            client.expect("AP_LOGINOK")
            client.socket.close()

        wrong = server.connect()
        wrong.expect("AP_GETLOGIN")
        wrong.send(wrong.codec.login("Grim", "not-it"))
        wrong.expect("AP_LOGINFAILED")

        suspended = server.connect()
        suspended.expect("AP_GETLOGIN")
        suspended.send(suspended.codec.login("Tomas", "tomas-old"))
        refusal = suspended.expect_close()
        assert [m.name for m in refusal] == ["AP_MESSAGE"]

        # The admin level holds: the imported admin's old password opens the SSH console; the DM's does not.
        _wait_for_port(ssh_port)
        ssh = paramiko.SSHClient()
        ssh.set_missing_host_key_policy(paramiko.AutoAddPolicy())
        ssh.connect("127.0.0.1", port=ssh_port, username="Grim", password="grim-old",
                    look_for_keys=False, allow_agent=False, timeout=10, banner_timeout=10, auth_timeout=10)
        _, stdout, _ = ssh.exec_command("help", timeout=30)
        assert "who" in stdout.read().decode() and stdout.channel.recv_exit_status() == 0
        ssh.close()
        refused = paramiko.SSHClient()
        refused.set_missing_host_key_policy(paramiko.AutoAddPolicy())
        with pytest.raises(paramiko.AuthenticationException):
            refused.connect("127.0.0.1", port=ssh_port, username="mira dunmoor", password="mira-old",
                            look_for_keys=False, allow_agent=False, timeout=10, banner_timeout=10, auth_timeout=10)
        refused.close()
    finally:
        assert server.stop() in (0, -15), server.log()
    assert "Traceback" not in server.log(), server.log()


def _wait_for_port(port: int) -> None:
    import socket

    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing listens on {port}")


def test_every_backend(database_url, accounts_file, capsys):  # noqa: F811
    assert run_import(database_url, accounts_file) == 1
    assert "imported 7 account(s)" in capsys.readouterr().out  # alice is not there beforehand
    assert login(database_url, "Grim", "grim-old").admin_level == accounts.ADMIN
    assert login(database_url, "Tomas", "tomas-old").outcome == "banned"
    assert account(database_url, "tomas").banned_until == datetime.datetime.fromtimestamp(IN_A_MONTH, datetime.UTC)
