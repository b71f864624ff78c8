"""contrib/: the systemd unit, the container files, logrotate and the production configuration
are checked with the tools that read them (systemd-analyze, logrotate, twistd's own option
parser, load_config), and the sandbox's memory rule is tried on the real server.

Tools missing here skip the test locally and fail it under CI (``CI`` set); Docker is
optional everywhere: the image is built only where a Docker daemon answers.
"""

from __future__ import annotations

import grp
import json
import os
import pwd
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from twisted.scripts.twistd import ServerOptions

from emulator.config import Config, load_config
from tests.live_server import LiveClient, free_port, run_cli
from tests.store_backends import sqlite_url

REPO = Path(__file__).resolve().parents[1]
CONTRIB = REPO / "contrib"
UNIT = CONTRIB / "m59emu.service"
EXAMPLE_CONFIG = CONTRIB / "m59emu.toml.example"
LOGROTATE = CONTRIB / "logrotate" / "m59emu"
DOCKER = CONTRIB / "docker"
TWISTD = Path(sys.executable).with_name("twistd")
SECURITY_BOUND = 2.0  # systemd-analyze security's exposure, 0 (tight) to 10; "OK" is below 4


def need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        message = f"{tool} is not installed (Debian packages for it: .ci/apt/*.txt)"
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but {message}")
        pytest.skip(message)
    return path


def unit_settings(text: str) -> dict[str, list[str]]:
    """``Section.Key`` -> every value given (systemd allows a key more than once)."""
    settings: dict[str, list[str]] = {}
    section = ""
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        key, _, value = line.partition("=")
        settings.setdefault(f"{section}.{key.strip()}", []).append(value.strip())
    return settings


def one(settings: dict[str, list[str]], key: str) -> str:
    assert key in settings, f"{UNIT.name} has no {key}"
    return settings[key][-1]


def twistd_command(args: list[str], config: Path) -> ServerOptions:
    """Parse a twistd command line as twistd would, its --config pointed at ``config``."""
    args = list(args)
    args[args.index("--config") + 1] = str(config)
    options = ServerOptions()
    options.parseOptions(args)
    return options


# ------------------------------------------------------------------ systemd


def local_unit(tmp_path: Path) -> Path:
    """The unit with ExecStart on this machine's twistd (systemd-analyze checks it exists)."""
    text = UNIT.read_text()
    assert "/opt/m59emu/bin/twistd " in text
    copy = tmp_path / "m59emu.service"
    copy.write_text(text.replace("/opt/m59emu/bin/twistd ", f"{TWISTD} "))
    return copy


def test_systemd_analyze_verify_accepts_the_unit(tmp_path):
    analyze = need("systemd-analyze")
    unit = local_unit(tmp_path)
    result = subprocess.run([analyze, "verify", str(unit)], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    # verify exits 0 on unknown keys and bad values too: any word about the unit is a fault.
    complaints = [line for line in (result.stdout + result.stderr).splitlines() if "m59emu" in line]
    assert result.returncode == 0 and complaints == [], result.stdout + result.stderr


def test_a_unit_with_a_fault_is_caught(tmp_path):
    analyze = need("systemd-analyze")
    unit = local_unit(tmp_path)
    unit.write_text(unit.read_text().replace("Restart=on-failure", "Restart=on-falure"))
    result = subprocess.run([analyze, "verify", str(unit)], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert "m59emu.service" in result.stderr and "restart" in result.stderr.lower()


def test_systemd_analyze_security_rates_the_sandbox(tmp_path):
    analyze = need("systemd-analyze")
    unit = local_unit(tmp_path)
    result = subprocess.run(
        [analyze, "security", "--offline=yes", "--no-pager", str(unit)],
        capture_output=True, text=True, timeout=60, cwd=tmp_path,
    )
    if "--offline" in result.stderr and "unrecognized" in result.stderr:
        pytest.skip("this systemd-analyze has no offline security review")
    found = re.search(r"Overall exposure level for m59emu\.service: ([0-9.]+) (\w+)", result.stdout)
    assert found, result.stdout + result.stderr
    print(f"systemd-analyze security: exposure {found.group(1)} {found.group(2)}")
    assert float(found.group(1)) < SECURITY_BOUND, result.stdout


def test_the_unit_runs_twistd_in_the_foreground_as_its_own_user_and_stops_gently():
    settings = unit_settings(UNIT.read_text())
    command = shlex.split(one(settings, "Service.ExecStart"))
    assert command[0] == "/opt/m59emu/bin/twistd"
    options = twistd_command(command[1:], EXAMPLE_CONFIG)
    assert options.subCommand == "m59emu" and options["nodaemon"] and options["pidfile"] == ""
    assert command[command.index("--config") + 1] == "/etc/m59emu/m59emu.toml"
    assert one(settings, "Service.User") == "m59emu" and one(settings, "Service.Group") == "m59emu"
    assert one(settings, "Service.WorkingDirectory") == "/var/lib/" + one(settings, "Service.StateDirectory")
    assert one(settings, "Service.Restart") == "on-failure"
    assert one(settings, "Service.KillSignal") == "SIGTERM"
    assert int(one(settings, "Service.TimeoutStopSec")) >= 60
    assert one(settings, "Install.WantedBy") == "multi-user.target"


def test_the_unit_is_sandboxed():
    settings = unit_settings(UNIT.read_text())
    for key in (
        "NoNewPrivileges", "ProtectHome", "PrivateTmp", "PrivateDevices", "ProtectKernelTunables",
        "ProtectKernelModules", "ProtectKernelLogs", "ProtectControlGroups", "RestrictNamespaces",
        "LockPersonality", "MemoryDenyWriteExecute",
    ):
        assert one(settings, f"Service.{key}") == "yes", key
    assert one(settings, "Service.ProtectSystem") == "strict"
    assert one(settings, "Service.RestrictAddressFamilies").split() == ["AF_INET", "AF_INET6", "AF_UNIX"]
    assert one(settings, "Service.SystemCallFilter") == "@system-service"
    assert one(settings, "Service.CapabilityBoundingSet") == ""


# MemoryDenyWriteExecute=yes in the unit: systemd refuses the process memory that is both
# writable and executable. Linux 6.3+ offers the same rule to any process (PR_SET_MDWE,
# kept across exec), so the real server can be tried under it here.
PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN = 65, 1
NO_WX_LAUNCHER = (
    "import ctypes, os, sys\n"
    "libc = ctypes.CDLL(None, use_errno=True)\n"
    f"if libc.prctl({PR_SET_MDWE}, {PR_MDWE_REFUSE_EXEC_GAIN}, 0, 0, 0) != 0:\n"
    "    sys.exit('no PR_SET_MDWE: errno %d' % ctypes.get_errno())\n"
    "os.execv(sys.argv[1], sys.argv[1:])\n"
)


def without_writable_executable_memory(*command: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", NO_WX_LAUNCHER, *command], **kwargs)


def need_mdwe() -> None:
    probe = without_writable_executable_memory(sys.executable, "-c", "pass", stderr=subprocess.PIPE)
    _, err = probe.communicate(timeout=30)
    if probe.returncode != 0:
        message = f"this kernel cannot refuse writable executable memory: {err.decode().strip()}"
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but {message}")
        pytest.skip(message)


def test_the_rule_is_in_force_after_exec():
    need_mdwe()
    probe = without_writable_executable_memory(
        sys.executable, "-c",
        "import mmap; mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)",
        stderr=subprocess.PIPE,
    )
    _, err = probe.communicate(timeout=30)
    assert probe.returncode != 0 and b"Permission denied" in err


def test_cryptography_and_the_server_work_without_writable_executable_memory(tmp_path):
    need_mdwe()
    crypto = without_writable_executable_memory(
        sys.executable, "-c",
        "from cryptography.hazmat.primitives.asymmetric import ed25519, rsa\n"
        "from cryptography.hazmat.primitives import serialization\n"
        "from twisted.conch.ssh import keys\n"
        "from emulator import auth\n"
        "key = rsa.generate_private_key(public_exponent=65537, key_size=2048)\n"
        "keys.Key(ed25519.Ed25519PrivateKey.generate()).toString('OPENSSH')\n"
        "digest = auth.client_digest('secret')\n"
        "assert auth.verify_digest(auth.hash_digest(digest), digest)\n"
        "print('ok')\n",
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    out, err = crypto.communicate(timeout=120)
    assert crypto.returncode == 0 and out.strip() == b"ok", err.decode()

    url = sqlite_url(tmp_path)
    run_cli("account", "create", "sandboxed", "--database", url, stdin="secret1\n")
    (tmp_path / "m59emu.toml").write_text('[admin]\nssh_listen = ""\n[web]\nlisten = ""\n[backup]\nevery_hours = 0.0\n')
    port = free_port()
    log = tmp_path / "twistd.log"
    server = without_writable_executable_memory(
        str(TWISTD), "--nodaemon", "--pidfile=", f"--logfile={log}", "m59emu", "--config", "m59emu.toml",
        "--listen", f"tcp:{port}:interface=127.0.0.1", "--database", url,
        cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            assert server.poll() is None, log.read_text(errors="replace") if log.exists() else "no log"
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "the server did not listen"
                time.sleep(0.1)
        player = LiveClient(port)
        player.login_to_game("sandboxed", "secret1")  # a password hash checked, the world entered
        player.close()
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=5)
    text = log.read_text(errors="replace")
    assert server.returncode in (0, -15) and "Traceback" not in text and "Server Shut Down." in text, text


# ------------------------------------------------------------------ configuration


def test_the_production_example_is_a_valid_configuration():
    config = load_config(EXAMPLE_CONFIG)
    assert config.database.startswith("mysql://") and config.log_format == "json"
    assert config.admin.ssh_listen.endswith("interface=127.0.0.1")
    assert config.web.listen.endswith("interface=127.0.0.1")
    assert config.backup.every_hours > 0 and config.backup.keep >= 7
    assert config.data_dir == Config().data_dir  # the bundled world wherever pip put it


# ------------------------------------------------------------------ containers


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = (DOCKER / "Dockerfile").read_text().replace("\\\n", " ")
    instructions = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            instructions.append((word.upper(), rest.strip()))
    return instructions


def test_the_dockerfile_installs_the_package_and_runs_the_plugin_unprivileged():
    instructions = dockerfile_instructions()
    assert instructions[0] == ("FROM", "python:3.11-slim")
    copies = [rest.split() for word, rest in instructions if word == "COPY"]
    ignored = (DOCKER / "Dockerfile.dockerignore").read_text().split()
    for *sources, _ in copies:
        for source in sources:
            assert not source.startswith("--")
            assert (REPO / source).exists(), f"COPY {source}: not in the repository (the build context)"
            assert source not in ignored
    # Everything pip needs to build the package is copied.
    copied = {source for *sources, _ in copies for source in sources}
    assert {"setup.cfg", "pyproject.toml", "README.md", "LICENSE", "emulator", "protocol_specs", "twisted", "data"} <= copied
    assert any(word == "RUN" and "pip install . " in rest + " " for word, rest in instructions)
    users = [rest for word, rest in instructions if word == "USER"]
    assert users and users[-1] not in ("root", "0")
    assert ("VOLUME", "/var/lib/m59emu/var") in instructions
    assert ("WORKDIR", "/var/lib/m59emu") in instructions
    exposed = {port for word, rest in instructions if word == "EXPOSE" for port in rest.split()}
    assert exposed == {"5959", "5960", "9159"}

    (cmd,) = [json.loads(rest) for word, rest in instructions if word == "CMD"]
    assert cmd[0] == "twistd"
    config_in_image = cmd[cmd.index("--config") + 1]
    assert any(sources == ["contrib/docker/m59emu.toml"] and dest == config_in_image for *sources, dest in copies)
    options = twistd_command(cmd[1:], DOCKER / "m59emu.toml")
    assert options.subCommand == "m59emu" and options["nodaemon"] and options["pidfile"] == ""


def test_the_container_configuration_listens_where_docker_can_forward():
    config = load_config(DOCKER / "m59emu.toml")
    assert config.log_format == "json"
    # Inside the container every interface; compose.yaml publishes these on the host's loopback.
    assert (config.listen, config.admin.ssh_listen, config.web.listen) == ("tcp:5959", "tcp:5960", "tcp:9159")
    url = urlsplit(config.database)
    assert (url.scheme, url.hostname, url.port, url.path) == ("mysql", "db", 3306, "/m59emu")


def compose() -> dict:
    document = yaml.safe_load((DOCKER / "compose.yaml").read_text())
    assert isinstance(document, dict)
    return document


def test_compose_runs_the_server_beside_mariadb_with_the_admin_ports_on_loopback():
    document = compose()
    services = document["services"]
    assert set(services) == {"server", "db"}
    server, db = services["server"], services["db"]

    build = server["build"]
    assert (DOCKER / build["context"]).resolve() == REPO
    assert (REPO / build["dockerfile"]) == DOCKER / "Dockerfile"
    assert server["depends_on"]["db"]["condition"] == "service_healthy"
    assert "test" in server["healthcheck"] and "5959" in " ".join(server["healthcheck"]["test"])
    # Game port to the world, the SSH console and the status page to the host's loopback only.
    assert sorted(server["ports"]) == ["127.0.0.1:5960:5960", "127.0.0.1:9159:9159", "5959:5959"]
    mounts = [volume.split(":") for volume in server["volumes"]]
    assert ["server-state", "/var/lib/m59emu/var"] in mounts
    (config_mount,) = [mount for mount in mounts if mount[1] == "/etc/m59emu/m59emu.toml"]
    assert (DOCKER / config_mount[0]).resolve() == DOCKER / "m59emu.toml" and config_mount[2] == "ro"
    assert int(server["stop_grace_period"].rstrip("m")) >= 1

    assert db["image"].startswith("mariadb:")
    assert db["healthcheck"]["test"][:2] == ["CMD", "healthcheck.sh"]
    assert "ports" not in db  # only the server reaches it
    assert ["db-data", "/var/lib/mysql"] in [volume.split(":") for volume in db["volumes"]]
    assert set(document["volumes"]) == {"server-state", "db-data"}

    # The server's database URL names the user and database MariaDB is told to create;
    # the password comes from .env, never from this file.
    environment = db["environment"]
    url = urlsplit(load_config(DOCKER / "m59emu.toml").database)
    assert (url.username, url.path) == (environment["MARIADB_USER"], "/" + environment["MARIADB_DATABASE"])
    assert environment["MARIADB_PASSWORD"].startswith("${M59EMU_DB_PASSWORD")


def docker_answers() -> bool:
    if shutil.which("docker") is None:
        return False
    return subprocess.run(["docker", "info"], capture_output=True, timeout=30).returncode == 0


@pytest.mark.skipif(shutil.which("docker") is None, reason="docker is not installed")
def test_docker_compose_reads_the_file(tmp_path):
    version = subprocess.run(["docker", "compose", "version"], capture_output=True, timeout=30)
    if version.returncode != 0:
        pytest.skip("the docker compose plugin is not installed")
    result = subprocess.run(
        ["docker", "compose", "-f", str(DOCKER / "compose.yaml"), "config", "--quiet"],
        capture_output=True, text=True, timeout=60, env={**os.environ, "M59EMU_DB_PASSWORD": "test"},
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.skipif(not docker_answers(), reason="no Docker daemon answers here")
def test_the_image_builds_and_finds_the_plugin():
    tag = "m59emu-contrib-test"
    build = subprocess.run(
        ["docker", "build", "-f", str(DOCKER / "Dockerfile"), "-t", tag, str(REPO)],
        capture_output=True, text=True, timeout=1800,
    )
    assert build.returncode == 0, build.stdout[-4000:] + build.stderr[-4000:]
    try:
        plugin = subprocess.run(
            ["docker", "run", "--rm", tag, "twistd", "m59emu", "--help"], capture_output=True, text=True, timeout=120
        )
        assert plugin.returncode == 0 and "--log-format" in plugin.stdout, plugin.stdout + plugin.stderr
        user = subprocess.run(["docker", "run", "--rm", tag, "id", "-un"], capture_output=True, text=True, timeout=60)
        assert user.stdout.strip() == "m59emu"
    finally:
        subprocess.run(["docker", "image", "rm", "-f", tag], capture_output=True, timeout=120)


# ------------------------------------------------------------------ logrotate


def local_logrotate(tmp_path: Path) -> tuple[Path, Path]:
    """The snippet with its log folder in ``tmp_path`` and this user in place of m59emu."""
    text = LOGROTATE.read_text()
    assert "/var/log/m59emu/m59emu.log {" in text and "su m59emu m59emu" in text
    logs = tmp_path / "log"
    logs.mkdir(mode=0o750)
    user, group = pwd.getpwuid(os.getuid()).pw_name, grp.getgrgid(os.getgid()).gr_name
    config = tmp_path / "m59emu.logrotate"
    config.write_text(text.replace("/var/log/m59emu", str(logs)).replace("su m59emu m59emu", f"su {user} {group}"))
    config.chmod(0o644)
    return config, logs / "m59emu.log"


def test_logrotate_debug_run_reads_the_snippet(tmp_path):
    logrotate = need("logrotate")
    config, log = local_logrotate(tmp_path)
    log.write_text("a line\n")
    result = subprocess.run(
        [logrotate, "--debug", "--force", "--state", str(tmp_path / "state"), str(config)],
        capture_output=True, text=True, timeout=60,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "error" not in output.lower(), output
    assert f"copying {log} to {log}.1" in output and f"truncating {log}" in output
    assert log.read_text() == "a line\n"  # debug: nothing changed


def test_logrotate_keeps_an_appending_writer_writing_to_the_live_file(tmp_path):
    """What systemd's StandardOutput=append: does, rotated for real in a temporary folder."""
    logrotate = need("logrotate")
    config, log = local_logrotate(tmp_path)
    with log.open("a") as writer:  # O_APPEND, as systemd opens it
        writer.write("before the rotation\n" * 100)
        writer.flush()
        result = subprocess.run(
            [logrotate, "--force", "--state", str(tmp_path / "state"), str(config)],
            capture_output=True, text=True, timeout=60,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        writer.write("after the rotation\n")
        writer.flush()
    assert log.read_bytes() == b"after the rotation\n"  # at the start of the emptied file: no hole
    assert Path(f"{log}.1").read_text() == "before the rotation\n" * 100
