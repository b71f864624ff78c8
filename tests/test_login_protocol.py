"""The Twisted adapters, the limits, the twistd plugin and the service tree."""

from __future__ import annotations

from twisted.application.service import IService, IServiceMaker, MultiService, Service
from twisted.internet.address import IPv4Address
from twisted.internet.testing import MemoryReactorClock, StringTransport
from twisted.logger import formatEvent, globalLogPublisher
from twisted.plugin import getPlugins

from emulator import tap
from emulator.config import LimitsConfig, LoginConfig, TimeoutsConfig
from emulator.net.limits import KeyedThrottle, TokenBucket
from emulator.net.protocol import M59Factory
from emulator.testing.client import TestClient, names
from emulator.testing.fakes import FakeAccountStore
from tests.login_harness import default_store, make_config


class Peer:
    """One simulated client connection on a StringTransport."""

    def __init__(self, factory: M59Factory, host: str = "10.0.0.1", port: int = 40000) -> None:
        self.protocol = factory.buildProtocol(IPv4Address("TCP", host, port))
        self.client = TestClient()
        if self.protocol is not None:
            self.transport = StringTransport(peerAddress=IPv4Address("TCP", host, port))
            self.protocol.makeConnection(self.transport)

    def read(self) -> list[str]:
        data = self.transport.value()
        self.transport.clear()
        return names(self.client.receive(data))

    def send(self, data: bytes) -> list[str]:
        self.protocol.dataReceived(data)
        return self.read()

    def login(self, name: str = "wire1", password: str = "wirepass1") -> list[str]:
        self.read()
        return self.send(self.client.login(name, password))

    def lose(self) -> None:
        self.protocol.connectionLost(None)

    @property
    def closing(self) -> bool:
        return self.transport.disconnecting


def make_factory(
    store: FakeAccountStore | None = None, **sections
) -> tuple[M59Factory, MemoryReactorClock, FakeAccountStore]:
    reactor = MemoryReactorClock()
    store = store or default_store()
    factory = M59Factory(make_config(**sections), store, reactor, epoch=lambda: 4)
    return factory, reactor, store


def test_login_and_game_through_the_protocol():
    factory, _, store = make_factory()
    peer = Peer(factory)
    assert peer.read() == ["AP_GETLOGIN"]
    assert peer.send(peer.client.login("wire1", "wirepass1")) == ["AP_LOGINOK", "AP_GETCHOICE", "AP_CREDITS"]
    assert store.calls[0][2] == "10.0.0.1"
    assert factory.online[1] is peer.protocol
    assert peer.send(peer.client.request_game()) == ["AP_GAME", "BP_LOAD_MODULE"]
    assert peer.send(peer.client.frame("BP_PING")) == ["BP_ECHO_PING"]
    peer.lose()
    assert factory.online == {} and factory.limiter.total == 0


def test_one_bad_connection_does_not_disturb_another():
    factory, _, _ = make_factory()
    good, bad = Peer(factory, "10.0.0.1"), Peer(factory, "10.0.0.2")
    good.read()
    bad.read()
    bad.protocol.dataReceived(b"\x01\xffBLAK\n\r\x02" + bytes(range(256)))
    assert bad.closing
    assert good.send(good.client.login("wire1", "wirepass1"))[0] == "AP_LOGINOK"
    bad.lose()
    assert good.send(good.client.request_game()) == ["AP_GAME", "BP_LOAD_MODULE"]
    assert not good.closing


def test_connection_caps_per_address_and_total():
    store = default_store()
    store.add("wire2", "wirepass2")
    store.add("wire3", "wirepass3")
    factory, _, _ = make_factory(store, limits=LimitsConfig(max_connections_per_address=2, max_connections_total=3))
    first, second = Peer(factory, "10.0.0.1"), Peer(factory, "10.0.0.1")
    assert Peer(factory, "10.0.0.1").protocol is None
    third = Peer(factory, "10.0.0.2")
    for peer, n in ((first, 1), (second, 2), (third, 3)):  # logged in: nobody to shed
        assert peer.login(f"wire{n}", f"wirepass{n}")[0] == "AP_LOGINOK"
    assert Peer(factory, "10.0.0.3").protocol is None  # total reached
    first.lose()
    assert Peer(factory, "10.0.0.1").protocol is not None
    assert second.protocol and third.protocol


def test_when_full_an_idle_connection_before_login_makes_room():
    """Strangers holding idle connections cannot fill the server: when the total is
    reached, the one that waited longest without logging in is closed for a newcomer."""
    factory, reactor, _ = make_factory(limits=LimitsConfig(max_connections_per_address=10, max_connections_total=4))
    player = Peer(factory, "10.0.0.1")
    player.login()
    squatters = []
    for n in range(3):
        squatters.append(Peer(factory, f"10.6.6.{n}"))
        reactor.advance(1)
    newcomer = Peer(factory, "10.0.0.2")
    assert newcomer.protocol is not None
    assert squatters[0].closing and not squatters[1].closing  # the oldest idle one went
    assert not player.closing
    assert factory.limiter.total == 4
    squatters[0].lose()
    assert factory.limiter.total == 4  # its slot was freed once, when it was shed
    assert newcomer.login()[0] == "AP_LOGINOK"


def test_a_connection_that_sends_no_whole_frame_is_closed_soon():
    factory, reactor, _ = make_factory(timeouts=TimeoutsConfig(first_frame=5.0, before_login=60.0))
    silent, slow = Peer(factory, "10.0.0.1"), Peer(factory, "10.0.0.2")
    slow.read()
    slow.protocol.dataReceived(slow.client.login("wire1", "wirepass1")[:3])  # half a header, then nothing
    reactor.advance(5)
    assert silent.closing and slow.closing
    talker = Peer(factory, "10.0.0.3")
    talker.read()
    talker.send(talker.client.frame("AP_PING"))
    reactor.advance(30)
    assert not talker.closing  # a whole frame arrived: the login deadline applies
    reactor.advance(30)
    assert talker.closing


def test_failed_logins_are_throttled_per_account():
    limits = LimitsConfig(failed_logins_per_account=2, failed_login_account_refill_seconds=60)
    factory, reactor, store = make_factory(limits=limits, login=LoginConfig(max_attempts=10))
    peer = Peer(factory)
    peer.read()
    assert peer.send(peer.client.login("wire1", "bad")) == ["AP_LOGINFAILED"]
    assert peer.send(peer.client.login("WIRE1", "bad")) == ["AP_LOGINFAILED"]
    other = Peer(factory, "10.0.0.9")
    other.read()
    assert other.send(other.client.login("wire1", "wirepass1")) == ["AP_TOOMANYLOGINS"]
    assert other.closing and len(store.calls) == 2
    reactor.advance(60)
    later = Peer(factory, "10.0.0.9")
    assert later.login()[0] == "AP_LOGINOK"


def test_failed_logins_are_throttled_per_address():
    limits = LimitsConfig(failed_logins_per_address=1, failed_login_address_refill_seconds=30)
    factory, _, _ = make_factory(limits=limits)
    peer = Peer(factory)
    peer.read()
    assert peer.send(peer.client.login("nobody", "x")) == ["AP_LOGINFAILED"]
    assert peer.send(peer.client.login("wire1", "wirepass1")) == ["AP_TOOMANYLOGINS"]
    assert Peer(factory, "10.0.0.5").login()[0] == "AP_LOGINOK"


def test_account_in_use_override_kicks_the_old_connection():
    factory, _, _ = make_factory()
    old, new = Peer(factory, "10.0.0.1"), Peer(factory, "10.0.0.2")
    old.login()
    old.send(old.client.request_game())
    old.transport.clear()
    assert new.login()[0] == "AP_LOGINOK"
    assert old.closing and old.transport.value() == b""  # closed without a message
    assert factory.online[1] is new.protocol
    old.lose()
    assert factory.online[1] is new.protocol


def test_account_in_use_refusal_answers_accountused():
    factory, _, _ = make_factory(login=LoginConfig(account_in_use="refuse"))
    old, new = Peer(factory, "10.0.0.1"), Peer(factory, "10.0.0.2")
    old.login()
    assert new.login() == ["AP_ACCOUNTUSED"]
    assert not old.closing and not new.closing and factory.online[1] is old.protocol


def test_store_failure_tells_the_player_and_hangs_up():
    store = default_store()
    store.fail = True
    factory, _, _ = make_factory(store)
    peer = Peer(factory)
    assert peer.login() == ["AP_MESSAGE"] and peer.closing


def test_verdict_after_the_connection_is_gone_is_harmless():
    store = default_store()
    store.hold = True
    factory, _, _ = make_factory(store)
    peer = Peer(factory)
    assert peer.login() == []
    peer.lose()
    store.release()
    assert factory.online == {}


def test_timers_run_on_the_injected_clock():
    factory, reactor, _ = make_factory(timeouts=TimeoutsConfig(before_login=50, first_frame=40, game_idle=30))
    idle = Peer(factory, "10.0.0.1")
    player = Peer(factory, "10.0.0.2")
    idle.read()
    reactor.advance(30)
    player.login()
    player.send(player.client.request_game())
    reactor.advance(20)
    assert idle.read() == ["AP_TIMEOUT"] and idle.closing
    assert not player.closing
    reactor.advance(9)
    player.send(player.client.frame("BP_PING"))  # resets the game idle timer
    reactor.advance(29)
    assert not player.closing
    reactor.advance(1)
    assert player.closing and player.read() == []  # hung up without a message


def test_user_text_stays_in_keyword_fields_of_log_events():
    seen: list[dict] = []
    globalLogPublisher.addObserver(seen.append)
    try:
        factory, _, _ = make_factory()
        peer = Peer(factory)
        peer.login("Evil{x}", "pw")
    finally:
        globalLogPublisher.removeObserver(seen.append)
    ours = [event for event in seen if event.get("log_namespace") == "m59emu.net"]
    assert ours and not any("Evil" in event["log_format"] for event in ours)
    texts = [formatEvent(event) for event in ours]
    assert any("'Evil{x}'" in text for text in texts)
    assert not any("Unable to format" in text for text in texts)


def test_limits_token_bucket():
    bucket = TokenBucket(2, 10.0)
    bucket.take(0.0)
    bucket.take(0.0)
    assert not bucket.available(5.0) and bucket.available(10.0)
    throttle = KeyedThrottle(1, 1.0)
    assert throttle.allows("a", 0.0)
    throttle.charge("a", 0.0)
    assert not throttle.allows("a", 0.5) and throttle.allows("b", 0.5) and throttle.allows("a", 1.0)


# ---------------------------------------------------------------------------- twistd plugin


def test_plugin_is_discoverable():
    import twisted.plugins

    makers = {maker.tapname: maker for maker in getPlugins(IServiceMaker, twisted.plugins)}
    assert "m59emu" in makers
    assert makers["m59emu"].options is tap.Options


class FakeStoreService(Service):
    def __init__(self) -> None:
        self.store = default_store()

    def verify_login(self, name, digest, address):
        return self.store.verify_login(name, digest, address)


def test_make_service_wires_store_listener_and_clean_shutdown(tmp_path):
    config_file = tmp_path / "m59.toml"
    config_file.write_text(
        f'[server]\nlisten = "tcp:5960"\n[login]\nmax_attempts = 5\n[world]\nrsc_dir = "{tmp_path / "rsc"}"\n'
        f'[admin]\nssh_listen = "tcp:5961:interface=127.0.0.1"\nssh_host_key = "{tmp_path / "ssh" / "host_key"}"\n'
        f'[backup]\ndir = "{tmp_path / "backups"}"\n'
    )
    database = f"sqlite:///{tmp_path / 'x.db'}"
    options = tap.Options()
    options.parseOptions(["--config", str(config_file), "--database", database])
    assert options.config.listen == "tcp:5960" and options.config.database == database
    assert options.config.login.max_attempts == 5
    reactor = MemoryReactorClock()
    store = FakeStoreService()
    service = tap.makeService(options, reactor=reactor, store=store)
    assert isinstance(service, MultiService)
    assert [child.name for child in service] == ["store", "game", "sessions", "listener", "backups", "ssh", "web"]
    assert (tmp_path / "rsc" / "m59emu.rsc").exists()
    assert all(IService.providedBy(child) for child in service)
    service.startService()
    assert reactor.tcpServers[0][0] == 5960
    factory = reactor.tcpServers[0][1]
    peer = Peer(factory)
    peer.login()
    service.stopService()
    assert peer.closing


def test_make_service_uses_the_real_store_by_default(tmp_path):
    config_file = tmp_path / "m59.toml"
    config_file.write_text(f'[world]\nrsc_dir = "{tmp_path / "rsc"}"\n')
    options = tap.Options()
    options.parseOptions(["--config", str(config_file), "--database", f"sqlite:///{tmp_path / 'unused.db'}"])
    assert options.config.listen == "tcp:5959"
    service = tap.makeService(options, reactor=MemoryReactorClock())
    from emulator.store.thread import StoreService

    assert isinstance(service.getServiceNamed("store"), StoreService)


def test_bad_config_is_a_usage_error(tmp_path):
    import pytest
    from twisted.python.usage import UsageError

    bad = tmp_path / "bad.toml"
    bad.write_text("[limits]\nmax_connections_total = 'many'\n")
    with pytest.raises(UsageError, match=r"bad\.toml.*limits\.max_connections_total"):
        tap.Options().parseOptions(["--config", str(bad)])


def test_the_owner_gets_in_while_strangers_guess_from_elsewhere():
    factory, reactor, store = make_factory(login=LoginConfig(max_attempts=100))
    owner = Peer(factory, "10.0.0.1")
    assert owner.login()[0] == "AP_LOGINOK"  # the owner has logged in from here before
    owner.lose()
    for attacker in range(40):  # 40 addresses, each guessing until refused
        peer = Peer(factory, f"10.9.0.{attacker}")
        peer.read()
        for _ in range(10):
            if peer.closing:
                break
            peer.send(peer.client.login("wire1", "guess"))
    assert len(store.calls) <= 1 + factory.config.limits.failed_logins_per_account  # the brake held
    again = Peer(factory, "10.0.0.1")
    assert again.login()[0] == "AP_LOGINOK"  # one guess a minute from strangers locks nobody out


def test_parallel_guesses_cannot_outrun_the_throttle():
    """Tokens are taken before the password is checked: 9 connections with 3 guesses each,
    all sent before any answer, reach the store at most the burst's number of times."""
    store = default_store()
    store.hold = True
    factory, _, _ = make_factory(store=store, login=LoginConfig(max_attempts=10))
    peers = [Peer(factory, "10.0.0.7", 40000 + n) for n in range(9)]
    for peer in peers:
        peer.read()
    for _ in range(3):
        for peer in peers:
            if not peer.closing:
                peer.send(peer.client.login("wire1", "guess"))
        store.release()
    assert len(store.calls) == factory.config.limits.failed_logins_per_account_address == 5
