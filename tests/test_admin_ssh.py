"""The SSH console on the real server (twistd on loopback), driven by a real SSH client (paramiko).

alice is an admin, dave a DM, bob a player; their characters Alanna, Davos and Bobbin are in
the world, logged in over the game protocol, while the console runs every command's examples.
"""

from __future__ import annotations

import os
import select
import shutil
import socket
import stat
import time
from pathlib import Path

import paramiko
import pytest
from twisted.conch.ssh.keys import FingerprintFormats

from emulator.admin.commands import build_registry
from emulator.testing.admin import world_data
from tests.live_server import LiveServer, free_port, run_cli

PLAYERS = (("alice", "Alanna", 1), ("dave", "Davos", 2), ("bob", "Bobbin", 0))
OPERATOR_KEY_COMMENT = "ops-laptop"
#: A second admin, with a tight failed-login brake of its own.
GUARDED = ("gwen", "pw-gwen")
LIMITS = "[limits]\nfailed_logins_per_account_address = 2\nfailed_login_account_address_refill_seconds = 600.0\n"


class Console:
    """The live server, its SSH port and host key, and the players in its world."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.ssh_dir = workdir / "ssh"
        self.ssh_port = free_port()
        self.database = workdir / "world.db"
        self.url = f"sqlite:///{self.database}"
        self.key_path = workdir / "operator_key"
        self._make_operator_key()
        for account, character, level in PLAYERS:
            run_cli("account", "create", account, "--level", str(level), "--database", self.url,
                    stdin=f"pw-{account}\n")
            run_cli("character", "create", account, character, "--database", self.url)
        run_cli("account", "create", GUARDED[0], "--level", "1", "--database", self.url, stdin=GUARDED[1] + "\n")
        # As on the in-memory AdminWorld the examples are written for: carol is offline, and
        # the world has a monster kind to create.
        run_cli("account", "create", "carol", "--database", self.url, stdin="pw-carol\n")
        run_cli("character", "create", "carol", "Carolus", "--database", self.url)
        # The world as the tests start it: restored when a command leaves it unusable
        # (the server stopped, a player banned or logins locked).
        self.baseline = workdir / "baseline.db"
        shutil.copyfile(self.database, self.baseline)
        self.config = (
            f'[server]\ndata = "{world_data(workdir)}"\n'
            f'[admin]\nssh_listen = "tcp:{self.ssh_port}:interface=127.0.0.1"\n'
            f'ssh_host_key = "{self.ssh_dir / "host_key"}"\n'
            f'ssh_authorized_keys = "{self.ssh_dir / "authorized_keys"}"\n'
            f'ssh_passwords = true\n'
            f'[web]\nlisten = ""\n'
            f'[backup]\ndir = "{workdir / "backups"}"\nevery_hours = 0.0\n' + LIMITS
        )
        self.server: LiveServer | None = None
        self.clients: dict[str, object] = {}
        self.start()

    def _make_operator_key(self) -> None:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        private = Ed25519PrivateKey.generate()
        self.key_path.write_bytes(private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH, serialization.NoEncryption()))
        self.key_path.chmod(0o600)
        public = private.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
        self.operator_key = paramiko.Ed25519Key.from_private_key_file(str(self.key_path))
        self.ssh_dir.mkdir(exist_ok=True)
        (self.ssh_dir / "authorized_keys").write_text(
            "# the operator's keys\n" + "not a key line\n" + f"{public.decode()} {OPERATOR_KEY_COMMENT}\n")

    def start(self) -> None:
        self.server = LiveServer(self.workdir, self.url, self.config)
        self._wait_for_ssh()
        self.clients = {}
        for account, character, _ in PLAYERS:
            self.clients[account] = self.enter(account, character)

    def _wait_for_ssh(self) -> None:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.ssh_port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.1)
        raise AssertionError(f"the SSH console did not listen:\n{self.log()}")

    def enter(self, account: str, character: str):
        assert self.server is not None
        client = self.server.connect(resources=self.server.client_resources())
        client.login_to_game(account, f"pw-{account}")
        client.request("BP_SEND_CHARACTERS")
        listing = client.expect("BP_CHARACTERS")[-1]
        (entry,) = [c for c in listing["characters"] if c["name"] == character]
        client.request("BP_USE_CHARACTER", character_id=entry["id"])
        client.expect("BP_PLAYER", "BP_ROOM_CONTENTS")
        return client

    def log(self) -> str:
        return self.server.log() if self.server is not None else ""

    def stop(self) -> int:
        assert self.server is not None
        for client in self.clients.values():
            client.socket.close()  # type: ignore[attr-defined]
        return self.server.stop()

    def restore(self) -> None:
        """Bring the world back to the start: players who were logged off log in again; when that
        is refused or the server stopped, a fresh server on the starting database."""
        assert self.server is not None
        if self.server.process.poll() is None:
            try:
                for account, character, _ in PLAYERS:
                    if not _connected(self.clients[account]):
                        self.clients[account] = self.enter(account, character)
                return
            except (AssertionError, OSError):
                pass
            self.stop()
        shutil.copyfile(self.baseline, self.database)
        for suffix in ("-wal", "-shm"):
            Path(f"{self.database}{suffix}").unlink(missing_ok=True)
        self.start()

    # ---------------------------------------------------------- SSH

    def ssh(self, username: str = "whoever", *, key: bool = True, password: str | None = None) -> paramiko.SSHClient:
        client = paramiko.SSHClient()
        host_key = paramiko.Ed25519Key.from_private_key_file(str(self.ssh_dir / "host_key"))
        client.get_host_keys().add(f"[127.0.0.1]:{self.ssh_port}", host_key.get_name(), host_key)
        client.set_missing_host_key_policy(paramiko.RejectPolicy())  # the server must show its own key
        try:
            client.connect(
                "127.0.0.1", port=self.ssh_port, username=username,
                pkey=self.operator_key if key else None, password=password,
                look_for_keys=False, allow_agent=False, timeout=10, banner_timeout=10, auth_timeout=10,
            )
        except BaseException:
            # A refused login leaves the connection open until closed here: left to the garbage
            # collector, refused logins would fill the console's 16 connections for the next tests.
            client.close()
            raise
        return client

    def exec(self, line: str, **login) -> tuple[int, str]:
        client = self.ssh(**login)
        try:
            _, stdout, _ = client.exec_command(line, timeout=30)
            text = stdout.read().decode("utf-8")
            return stdout.channel.recv_exit_status(), text
        finally:
            client.close()


def _connected(client) -> bool:
    """Whether the server still holds the player's connection (without waiting)."""
    try:
        readable, _, _ = select.select([client.socket], [], [], 0)
        return not readable or client.socket.recv(1, socket.MSG_PEEK) != b""
    except (OSError, ValueError):  # reset, or closed here
        return False


@pytest.fixture(scope="module")
def console(tmp_path_factory):
    live = Console(tmp_path_factory.mktemp("ssh"))
    yield live
    log = live.log()
    assert live.stop() in (0, -15), log
    assert "Traceback" not in log, log


def test_the_host_key_is_made_private_on_first_start(console):
    host_key = console.ssh_dir / "host_key"
    assert stat.S_IMODE(os.stat(host_key).st_mode) == 0o600
    assert host_key.read_text().startswith("-----BEGIN OPENSSH PRIVATE KEY-----")


def test_a_listed_key_runs_a_command_logged_under_the_keys_comment(console):
    status, text = console.exec("who", username="anyone")
    assert status == 0, text
    for _, character, _ in PLAYERS:
        assert character in text
    assert "\r\n" not in text  # no pty: plain line ends
    assert f"admin command by {OPERATOR_KEY_COMMENT} (ssh): who" in _wait_for_log(console, "(ssh): who")


def test_an_error_answer_exits_1(console):
    status, text = console.exec("frobnicate")
    assert status == 1 and "unknown command" in text
    status, text = console.exec("who --loud")
    assert status == 1 and "unrecognized arguments" in text


def test_an_admin_accounts_game_password_logs_in(console):
    status, text = console.exec("help", username="alice", key=False, password="pw-alice")
    assert status == 0 and "who" in text
    assert "admin command by alice (ssh): help" in _wait_for_log(console, "alice (ssh): help")


@pytest.mark.parametrize(
    "username, password",
    [("alice", "wrong"), ("bob", "pw-bob"), ("dave", "pw-dave"), ("nobody", "pw-nobody")],
    ids=["wrong password", "a player's right password", "a DM's right password", "unknown account"],
)
def test_refused_passwords(console, username, password):
    with pytest.raises(paramiko.AuthenticationException):
        console.ssh(username, key=False, password=password)


def test_an_unlisted_key_is_refused(console):
    with pytest.raises(paramiko.AuthenticationException):
        _connect_with(console, _another_key(console.workdir), username="alice").close()


def test_a_keys_options_are_applied_as_openssh_would(console):
    """from=, expiry-time=, command= and restrict on the real console; a key with an option
    the console cannot honour is not taken at all."""
    listed = console.ssh_dir / "authorized_keys"
    kept = listed.read_text()
    made = {name: _another_key(console.workdir, name) for name in ("far", "near", "old", "watcher", "env")}
    public = {name: _public_of(path) for name, path in made.items()}
    listed.write_text(kept + "".join([
        f'from="10.9.9.9" {public["far"]} far\n',
        f'from="10.0.0.0/8,127.0.0.0/8,!10.1.1.1" {public["near"]} near\n',
        f'expiry-time="20200101" {public["old"]} old\n',
        f'restrict,command="who" {public["watcher"]} watcher\n',
        f'environment="LANG=C" {public["env"]} env\n',
    ]))
    try:
        for refused in ("far", "old", "env"):
            with pytest.raises(paramiko.AuthenticationException):
                _connect_with(console, made[refused]).close()
        assert "option 'environment' is not one the console can honour" in console.log()

        client = _connect_with(console, made["near"])
        try:
            _, stdout, _ = client.exec_command("who", timeout=30)
            assert stdout.channel.recv_exit_status() == 0 and "Bobbin" in stdout.read().decode()
        finally:
            client.close()

        client = _connect_with(console, made["watcher"])
        try:
            # whatever is asked, the key runs its command; no terminal is given
            _, stdout, _ = client.exec_command("lock --message nope", timeout=30)
            assert stdout.channel.recv_exit_status() == 0 and "Bobbin" in stdout.read().decode()
            channel = client.get_transport().open_session()
            with pytest.raises(paramiko.SSHException):
                channel.get_pty()
            channel.close()
        finally:
            client.close()
        log = _wait_for_log(console, "admin command by watcher (ssh): who")
        assert "admin command by watcher (ssh): who" in log and "watcher (ssh): lock" not in log
        assert "admin command by near (ssh): who" in log
    finally:
        listed.write_text(kept)


def _connect_with(console, key_path: Path, username: str = "whoever") -> paramiko.SSHClient:
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    try:
        client.connect("127.0.0.1", port=console.ssh_port, username=username,
                       pkey=paramiko.Ed25519Key.from_private_key_file(str(key_path)),
                       look_for_keys=False, allow_agent=False, timeout=10, banner_timeout=10, auth_timeout=10)
    except BaseException:
        client.close()
        raise
    return client


def _public_of(key_path: Path) -> str:
    key = paramiko.Ed25519Key.from_private_key_file(str(key_path))
    return f"{key.get_name()} {key.get_base64()}"


def test_failed_passwords_are_throttled(console):
    name, password = GUARDED
    for _ in range(2):
        with pytest.raises(paramiko.AuthenticationException):
            console.ssh(name, key=False, password="guess")
    with pytest.raises(paramiko.AuthenticationException):  # the brake is on: even the right one is refused
        console.ssh(name, key=False, password=password)
    assert "SSH password throttle" in console.log()


def test_every_commands_examples_through_exec_requests(console):
    ran = []
    for command in build_registry():
        for example in command.examples:
            console.restore()
            line = f"{command.name} {example}".strip()
            status, text = console.exec(line)
            assert status == 0, f"{line!r} answered:\n{text}\n{console.log()[-3000:]}"
            ran.append(line)
    console.restore()
    assert "who" in ran and "help help" in ran
    log = console.log()
    for line in ran:
        assert f"admin command by {OPERATOR_KEY_COMMENT} (ssh): {line}" in log, line


def test_the_interactive_shell(console):
    client = console.ssh("alice", key=False, password="pw-alice")
    try:
        shell = client.invoke_shell(term="xterm", width=100, height=30)
        shell.settimeout(10)
        seen = _read_until(shell, b"m59> ")
        assert b"'help' lists the commands" in seen
        shell.send(b"who\r")
        answer = _read_until(shell, b"m59> ")
        assert b"Alanna" in answer and b"\r\n" in answer and b"\r\r" not in answer
        assert b"\n" not in answer.replace(b"\r\n", b"")  # every line ends in CRLF on a pty
        shell.send(b"help who\r")
        assert b"usage: who" in _read_until(shell, b"m59> ")
        shell.send(b"exit\r")
        assert _exit_status(shell) == 0
    finally:
        client.close()
    assert "admin command by alice (ssh): help who" in _wait_for_log(console, "alice (ssh): help who")


def test_control_d_leaves_the_shell(console):
    client = console.ssh()
    try:
        shell = client.invoke_shell()
        shell.settimeout(10)
        _read_until(shell, b"m59> ")
        shell.send(b"\x04")
        assert _exit_status(shell) == 0
    finally:
        client.close()


def test_a_shell_without_a_pty_reads_lines(console):
    client = console.ssh()
    try:
        channel = client.get_transport().open_session()
        channel.settimeout(10)
        channel.invoke_shell()
        channel.sendall(b"who\nquit\n")
        output = b""
        while True:
            chunk = channel.recv(4096)
            if not chunk:
                break
            output += chunk
        assert channel.recv_exit_status() == 0
    finally:
        client.close()
    assert output.startswith(b"m59> ") and b"Bobbin" in output and b"\r\n" not in output


def _read_until(channel, marker: bytes) -> bytes:
    data = b""
    deadline = time.monotonic() + 10
    while marker not in data and time.monotonic() < deadline:
        data += channel.recv(4096)
    assert marker in data, data
    return data


def _exit_status(channel) -> int:
    """The shell's exit status, waiting at most 10 s for it to end."""
    deadline = time.monotonic() + 10
    while not channel.exit_status_ready() and time.monotonic() < deadline:
        time.sleep(0.05)
    return channel.recv_exit_status()


def _wait_for_log(console, fragment: str) -> str:
    deadline = time.monotonic() + 15
    while fragment not in console.log() and time.monotonic() < deadline:
        time.sleep(0.05)
    return console.log()


def _another_key(workdir: Path, name: str = "stranger") -> Path:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = workdir / f"{name}_key"
    path.write_bytes(Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH, serialization.NoEncryption()))
    return path


# ------------------------------------------------------------------ without a server


def test_authorized_keys_lines_with_options_comments_and_junk(tmp_path):
    from emulator.admin.ssh.keys import parse_authorized_keys, read_authorized_keys

    first = _public_line()
    second = _public_line()
    text = (f"# comment\n\n{first} alice at home\n"
            f'from="127.0.0.1",no-pty {second}\n'
            "ssh-ed25519 not-base64 broken\nssh-rsa\n")
    keys = parse_authorized_keys(text)
    assert len(keys) == 2 and keys[0].operator == "alice at home"
    assert keys[1].operator == keys[1].key.fingerprint(FingerprintFormats.SHA256_BASE64)  # no comment
    assert list(read_authorized_keys(tmp_path / "missing")) == []


def test_authorized_keys_options_are_read_as_openssh_writes_them():
    import datetime

    from emulator.admin.ssh.keys import address_matches, parse_authorized_keys

    public = [_public_line() for _ in range(7)]
    text = "".join([
        f'FROM="192.168.1.*,2001:db8::/32,!192.168.1.13",No-Agent-Forwarding {public[0]} home\n',
        f'command="broadcast \\"hello, all\\"",restrict,pty {public[1]} greeter\n',
        f'expiry-time="202701021530Z",no-pty {public[2]}\n',
        f'cert-authority {public[3]} ca\n',  # not honoured: the whole line is skipped
        f'from=127.0.0.1 {public[4]} unquoted\n',
        f'command="who {public[5]} unclosed\n',
        f'expiry-time="2027" {public[6]} short\n',
    ])
    keys = parse_authorized_keys(text)
    assert [k.operator for k in keys][:2] == ["home", "greeter"] and len(keys) == 3
    home, greeter, dated = keys
    assert home.sources == ("192.168.1.*", "2001:db8::/32", "!192.168.1.13") and home.pty and home.command is None
    assert greeter.command == 'broadcast "hello, all"' and greeter.pty  # restrict, then pty gives it back
    assert not dated.pty and dated.expires == datetime.datetime(2027, 1, 2, 15, 30, tzinfo=datetime.UTC)
    now = datetime.datetime(2026, 12, 2, tzinfo=datetime.UTC)
    assert dated.admits("203.0.113.9", now) and not dated.admits("203.0.113.9", dated.expires)
    assert home.admits("192.168.1.20", now) and home.admits("::ffff:192.168.1.20", now)
    assert not home.admits("192.168.1.13", now) and not home.admits("192.168.2.20", now)
    assert home.admits("2001:db8::5", now) and not home.admits("not an address", now)
    assert address_matches("10.0.0.1", ("10.0.0.?",)) and not address_matches("10.0.0.10", ("10.0.0.?",))
    assert not address_matches("10.0.0.1", ("10.0.0.[1]",))  # no [...] sets in OpenSSH's patterns


def test_the_host_key_is_made_once_in_a_new_folder(tmp_path):
    from emulator.admin.ssh.keys import load_or_make_host_key

    path = tmp_path / "deep" / "er" / "host_key"
    made = load_or_make_host_key(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600 and made.type() == "Ed25519"
    assert load_or_make_host_key(path) == made  # kept, not remade


def test_the_console_listens_only_when_configured(tmp_path):
    from emulator.testing.memory_server import MemoryServer

    (tmp_path / "off").mkdir()
    off = MemoryServer(tmp_path / "off")  # the test servers leave the console off unless asked
    try:
        assert "ssh" not in [service.name for service in off.service]
    finally:
        off.stop()
    port = free_port()
    (tmp_path / "on").mkdir()
    config = (f'[admin]\nssh_listen = "tcp:{port}:interface=127.0.0.1"\n'
              f'ssh_host_key = "{tmp_path / "key" / "host_key"}"\n')
    on = MemoryServer(tmp_path / "on", config)
    try:
        (listening,) = [p for p in on.reactor.tcpServers if p[0] == port]
        assert listening[3] == "127.0.0.1"
        assert (tmp_path / "key" / "host_key").exists()
    finally:
        on.stop()


def _public_line() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.generate().public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode()


def test_password_logins_can_be_turned_off(tmp_path):
    from twisted.cred import credentials
    from twisted.internet.task import Clock

    from emulator.admin.control import ServerControl
    from emulator.admin.ssh import ConsoleFactory
    from emulator.admin.ssh.keys import load_or_make_host_key
    from emulator.config import AdminConfig, Config

    host_key = load_or_make_host_key(tmp_path / "host_key")

    def offered(passwords: bool) -> set:
        config = Config(admin=AdminConfig(ssh_passwords=passwords, ssh_authorized_keys=str(tmp_path / "keys")))
        control = ServerControl(Clock(), config, store=None, registry=build_registry())  # type: ignore[arg-type]
        return set(ConsoleFactory(control, host_key).portal.listCredentialsInterfaces())

    assert offered(True) == {credentials.ISSHPrivateKey, credentials.IUsernamePassword}
    assert offered(False) == {credentials.ISSHPrivateKey}


def test_restore_brings_back_a_player_the_server_logged_off(console):
    """The examples test relies on this to undo a kick or a ban between commands."""
    bob = console.clients["bob"]
    bob.socket.close()
    assert not _connected(bob)
    console.restore()
    assert console.clients["bob"] is not bob and _connected(console.clients["bob"])
    status, text = console.exec("who")
    assert status == 0 and "3 in the world" in text, text


def test_an_unusable_host_key_stops_the_server_with_the_reason(tmp_path, capsys):
    from emulator.testing.memory_server import MemoryServer

    key = tmp_path / "host_key"
    key.write_text("not a key\n")
    (tmp_path / "server").mkdir()
    config = f'[admin]\nssh_listen = "tcp:{free_port()}:interface=127.0.0.1"\nssh_host_key = "{key}"\n'
    with pytest.raises(SystemExit):
        MemoryServer(tmp_path / "server", config)
    assert f"SSH host key {key}: not a private key" in capsys.readouterr().err


def test_connections_are_capped_and_must_log_in_in_time(tmp_path):
    from twisted.internet.address import IPv4Address
    from twisted.internet.task import Clock
    from twisted.internet.testing import StringTransport

    from emulator.admin import ssh
    from emulator.admin.control import ServerControl
    from emulator.admin.ssh.keys import load_or_make_host_key
    from emulator.config import AdminConfig, Config

    clock = Clock()
    config = Config(admin=AdminConfig(ssh_authorized_keys=str(tmp_path / "keys")))
    control = ServerControl(clock, config, store=None, registry=build_registry())  # type: ignore[arg-type]
    factory = ssh.ConsoleFactory(control, load_or_make_host_key(tmp_path / "host_key"))
    factory.startFactory()
    peer = IPv4Address("TCP", "127.0.0.1", 40000)
    opened = []
    for _ in range(ssh.MAX_CONNECTIONS):
        connection = factory.buildProtocol(peer)
        line = StringTransport(peerAddress=peer)
        connection.makeConnection(line)
        opened.append((connection, line))
    assert factory.buildProtocol(peer) is None  # one too many

    first, first_line = opened[0]
    assert first_line.value().startswith(b"SSH-2.0-")
    logged_in, logged_in_line = opened[1]
    logged_in.avatar = object()  # what conch sets once a login succeeds
    clock.advance(ssh.LOGIN_SECONDS - 1)
    assert not first_line.disconnecting
    clock.advance(1)
    assert first_line.disconnecting  # never logged in: closed
    assert not logged_in_line.disconnecting
    first.connectionLost(None)
    assert factory.buildProtocol(peer) is not None  # its place is free again
