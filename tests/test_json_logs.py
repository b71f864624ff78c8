"""JSON logs: the real server writes one JSON object per line, and nothing else, whichever way
the operator asks for them; the level filter holds; the readable default is untouched."""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from twisted.logger import Logger, LogPublisher, eventsFromJSONLogFile
from twisted.python import usage
from twisted.scripts.twistd import ServerOptions

from emulator import logs
from tests.live_server import LiveServer, free_port, run_cli
from tests.store_backends import sqlite_url

# The operator's other doors stay shut: these tests are about the log.
QUIET_DOORS = '[admin]\nssh_listen = ""\n[web]\nlisten = ""\n[backup]\nevery_hours = 0.0\n'
# Player-chosen text with everything that could break a hand-made line.
ODD_ACCOUNT = 'Evil{x}"q\\'
ODD_UNKNOWN = "No{body}'s \"{0}\" %s"


def json_lines(text: str) -> list[dict]:
    """Every line parsed on its own; a line that is not one JSON object fails the test."""
    events = []
    for number, line in enumerate(text.splitlines(), 1):
        assert line.startswith("{"), f"line {number} is not a JSON object: {line!r}"
        event = json.loads(line)
        assert isinstance(event, dict)
        for key in ("log_namespace", "log_level", "log_time", "log_text"):
            assert key in event, f"line {number} has no {key}: {line}"
        events.append(event)
    assert events, "no log lines at all"
    return events


def session_events(events: list[dict], name: str) -> list[dict]:
    return [event for event in events if event.get("session_event") == name]


@pytest.fixture
def reset_json_target():
    yield
    logs.send_json_to(None)


def test_a_live_server_logs_json_lines_with_the_players_text_intact(tmp_path):
    url = sqlite_url(tmp_path)
    run_cli("account", "create", ODD_ACCOUNT, "--database", url, stdin="secret1\n")
    server = LiveServer(tmp_path, url, '[server]\nlog_format = "json"\n' + QUIET_DOORS)
    try:
        player = server.connect()
        player.login_to_game(ODD_ACCOUNT, "secret1")
        player.close()
        # As with twistd's text log file: SIGUSR1 starts a new file, the old one becomes .1.
        server.process.send_signal(signal.SIGUSR1)
        rotated = server.log_path.with_name(server.log_path.name + ".1")
        deadline = time.monotonic() + 10
        while not rotated.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert rotated.exists(), server.log()
        stranger = server.connect()
        stranger.expect("AP_GETLOGIN")
        stranger.send(stranger.codec.login(ODD_UNKNOWN, "guess"))
        stranger.expect("AP_LOGINFAILED")
        stranger.close()
    finally:
        status = server.stop()
    assert status in (0, -15), server.log()
    raw = rotated.read_bytes() + server.log_path.read_bytes()
    assert b"\x1e" not in raw  # no record separator: one object per line
    events = json_lines(raw.decode("utf-8"))

    assert session_events(json_lines(server.log()), "login_failed")  # the new file is in use
    (login,) = session_events(events, "login_ok")
    assert login["account"] == ODD_ACCOUNT
    assert login["log_namespace"] == "m59emu.net"
    assert login["log_level"]["name"] == "info"
    assert isinstance(login["log_time"], float) and isinstance(login["account_id"], int)
    assert f"account={ODD_ACCOUNT!r}" in login["log_text"]
    (failed,) = session_events(events, "login_failed")
    assert failed["account"] == ODD_UNKNOWN and failed["peer"] == "127.0.0.1"
    assert session_events(events, "enter_game")[0]["account"] == ODD_ACCOUNT
    # twistd's own lines are there, once each: its text observer was replaced, not doubled.
    texts = [event["log_text"] for event in events]
    assert sum(text.startswith("twistd ") and "starting up" in text for text in texts) == 1
    assert texts[-1] == "Server Shut Down."
    assert not any("Traceback" in text for text in texts)
    # Twisted reads its own format back.
    assert len(list(eventsFromJSONLogFile(io.StringIO(raw.decode()), recordSeparator=""))) == len(events)


def _start_twistd(tmp_path: Path, twistd_args: list[str], config: str) -> tuple[subprocess.Popen, int]:
    port = free_port()
    (tmp_path / "m59emu.toml").write_text(config)
    twistd = Path(sys.executable).with_name("twistd")
    process = subprocess.Popen(
        [str(twistd), *twistd_args, "--pidfile=", "m59emu", "--config", "m59emu.toml",
         "--listen", f"tcp:{port}:interface=127.0.0.1", "--database", sqlite_url(tmp_path)],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return process, port
        except OSError:
            time.sleep(0.1)
    process.kill()
    out, err = process.communicate(timeout=10)
    raise AssertionError(f"server did not start: {out.decode()}{err.decode()}")


def _stop(process: subprocess.Popen) -> tuple[str, str]:
    process.send_signal(signal.SIGTERM)
    try:
        out, err = process.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate(timeout=5)
    assert process.returncode in (0, -15), err.decode()
    return out.decode("utf-8"), err.decode("utf-8")


def test_twistd_logger_option_writes_json_to_stdout_and_the_level_filter_holds(tmp_path):
    # log_level warn: the emulator's info events are not built; its warnings are.
    config = '[server]\nlog_level = "warn"\n[limits]\nmax_connections_per_address = 1\n' + QUIET_DOORS
    process, port = _start_twistd(tmp_path, ["--logger", logs.JSON_OBSERVER_NAME, "-n"], config)
    try:
        kept = socket.create_connection(("127.0.0.1", port), timeout=5)
        refused = socket.create_connection(("127.0.0.1", port), timeout=5)  # over the cap: a warning
        refused.settimeout(5)
        assert refused.recv(100) == b""  # closed by the server
        refused.close()
        kept.close()
    finally:
        out, err = _stop(process)
    events = json_lines(out)
    ours = [event for event in events if event["log_namespace"].startswith("m59emu")]
    assert any("connection refused" in event["log_text"] and event["log_level"]["name"] == "warn" for event in ours)
    assert all(event["log_level"]["name"] in ("warn", "error", "critical") for event in ours), ours
    assert "\x1e" not in out and err == ""


def test_the_text_default_is_twistds_own_and_filters_by_level(tmp_path):
    url = sqlite_url(tmp_path)
    run_cli("account", "create", "plain", "--database", url, stdin="secret1\n")
    server = LiveServer(tmp_path, url, QUIET_DOORS)
    try:
        client = server.connect()
        client.login_to_game("plain", "secret1")
        client.close()
    finally:
        server.stop()
    lines = server.log().splitlines()
    assert any("login_ok" in line and "account='plain'" in line for line in lines)
    assert not any(line.startswith("{") for line in lines)
    assert any(line.endswith("Server Shut Down.") for line in lines)


def _parse_twistd(args: list[str]) -> ServerOptions:
    options = ServerOptions()
    options.parseOptions(args)
    return options


def test_log_format_json_puts_our_observer_in_twistds_place(tmp_path, reset_json_target):
    config = tmp_path / "m59emu.toml"
    config.write_text('[server]\nlog_format = "json"\n')
    options = _parse_twistd(["-n", "m59emu", "--config", str(config)])
    assert options["logger"] is logs.json_observer and logs._json_file is None  # stdout
    assert options.subOptions.config.log_format == "json"

    log_path = tmp_path / "m59emu.log"
    options = _parse_twistd(["-n", f"--logfile={log_path}", "m59emu", "--log-format", "json"])
    assert options["logger"] is logs.json_observer and logs._json_file == str(log_path)
    # The command line wins over the file, both ways.
    options = _parse_twistd(["-n", "m59emu", "--config", str(config), "--log-format", "text"])
    assert options["logger"] is None and options.subOptions.config.log_format == "text"
    # Naming our observer to twistd directly honours --logfile too.
    options = _parse_twistd(["-n", f"--logfile={log_path}", "--logger", logs.JSON_OBSERVER_NAME, "m59emu"])
    assert options["logger"] is logs.json_observer and logs._json_file == str(log_path)
    assert options.subOptions.config.log_format == "json"


def test_the_default_leaves_twistds_logging_alone():
    options = _parse_twistd(["-n", "m59emu"])
    assert options["logger"] is None and options.subOptions.config.log_format == "text"


@pytest.mark.parametrize(
    "args, complaint",
    [
        (["-n", "m59emu", "--log-format", "yaml"], "--log-format must be one of"),
        (["-n", "--logger", "twisted.logger.textFileLogObserver", "m59emu", "--log-format", "json"], "choose one"),
        (["-n", "--syslog", "m59emu", "--log-format", "json"], "choose one"),
        (["--logfile=-", "m59emu", "--log-format", "json"], "cannot log to standard output"),
    ],
)
def test_conflicting_log_options_are_refused(args, complaint, reset_json_target):
    with pytest.raises(usage.UsageError, match=complaint):
        _parse_twistd(args)


def test_a_json_line_keeps_braces_quotes_newlines_and_tracebacks():
    out = io.StringIO()
    log = Logger(namespace="m59emu.test", observer=LogPublisher(logs.json_lines_observer(out)))
    log.info("say {text!r} from {account}", text='he said "{hi}"\nand left', account="Evil{x}")
    try:
        raise ValueError("{not a field}")
    except ValueError:
        log.failure("request {request} failed", request="BP_SAY_TO")
    said, failed = json_lines(out.getvalue())
    assert said["text"] == 'he said "{hi}"\nand left' and said["account"] == "Evil{x}"
    assert said["log_text"] == "say 'he said \"{hi}\"\\nand left' from Evil{x}"
    assert failed["log_level"]["name"] == "critical"
    assert "ValueError: {not a field}" in failed["log_traceback"]
