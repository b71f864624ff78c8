"""End to end: the real server on a loopback port, accounts made with the operator
command, and a protocol client on a real socket. Runs on SQLite and on MariaDB."""

from __future__ import annotations

from emulator.testing.client import encoded_version
from tests.live_server import LiveServer, run_cli
from tests.store_backends import backend_url

import pytest

OLD_CLIENT_CONFIG = "[login]\nminimum_client_version = 736\naccount_in_use = \"refuse\"\n"


@pytest.fixture(params=["sqlite", "mysql"])
def server(request, tmp_path):
    url = backend_url(request.param, tmp_path)
    run_cli("account", "create", "wire1", "--database", url, stdin="wirepass1\n")
    run_cli("account", "create", "Exiled", "--database", url, stdin="secret\n")
    run_cli("account", "ban", "exiled", "--reason", "testing", "--database", url)
    live = LiveServer(tmp_path, url, OLD_CLIENT_CONFIG)
    yield live
    # twistd ends by re-raising SIGTERM after a clean shutdown.
    assert live.stop() in (0, -15), live.log()
    assert "Server Shut Down." in live.log()
    assert "Traceback" not in live.log(), live.log()


def test_login_reaches_game_and_ping_is_answered(server):
    client = server.connect()
    client.expect("AP_GETLOGIN")
    client.send(client.codec.login("wire1", "wirepass1"))
    client.expect("AP_LOGINOK", "AP_GETCHOICE", "AP_CREDITS")
    client.send(client.codec.request_game())
    arrived = client.expect("AP_GAME", "BP_LOAD_MODULE")
    char_module = server.client_resources().find("char.dll")
    assert [arrived[-1].fields["module"]] == char_module  # right after AP_GAME, by our .rsc's id
    client.send(client.codec.frame("BP_PING"))  # correct security value and epoch
    echo = client.expect("BP_ECHO_PING")[-1]
    assert echo.fields["security"]["redbook"] == 0
    client.send(client.codec.frame("BP_PING"))  # the next reply arrives scrambled and still decodes
    client.expect("BP_ECHO_PING")
    client.send(client.codec.frame("BP_REQ_QUIT"))
    client.expect("BP_QUIT", "AP_GETCHOICE", "AP_CREDITS")
    client.close()


def test_refusals_match_the_original_server(server):
    wrong = server.connect()
    wrong.expect("AP_GETLOGIN")
    wrong.send(wrong.codec.login("wire1", "not the password"))
    wrong.expect("AP_LOGINFAILED")
    assert wrong.quiet_for(0.3) == [] and not wrong.closed_by_server  # stays open for another try

    banned = server.connect()
    banned.expect("AP_GETLOGIN")
    banned.send(banned.codec.login("EXILED", "secret"))
    refusal = banned.expect_close()
    assert [m.name for m in refusal] == ["AP_MESSAGE"] and refusal[0].fields["action"] == 1  # LA_LOGOFF

    old = server.connect(version=(7, 20))
    old.expect("AP_GETLOGIN")
    old.send(old.codec.login("wire1", "wirepass1"))
    told = old.expect_close()
    assert [m.name for m in told] == ["AP_MESSAGE"] and "too old" in told[0].fields["text"]

    first = server.connect()
    first.expect("AP_GETLOGIN")
    first.send(first.codec.login("wire1", "wirepass1"))
    first.expect("AP_LOGINOK")
    second = server.connect()
    second.expect("AP_GETLOGIN")
    second.send(second.codec.login("wire1", "wirepass1"))
    second.expect("AP_ACCOUNTUSED")

    spoofer = server.connect()
    spoofer.expect("AP_GETLOGIN")
    first.close()
    spoofer.send(spoofer.codec.login("wire1", "wirepass1"))
    spoofer.expect("AP_GETCHOICE")
    spoofer.send(spoofer.codec.request_game())
    spoofer.expect("BP_LOAD_MODULE")
    payload = bytes((3,))  # BP_PING with a wrong security value: hung up without a word
    honest = spoofer.codec.frame_payload(payload)
    forged = honest[:2] + bytes((honest[2] ^ 0x5A, honest[3])) + honest[4:]
    spoofer.send(forged)
    assert spoofer.expect_close() == []
    assert encoded_version(7, 37) == 2214
