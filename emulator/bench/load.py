"""Server load: the real server in-process, N protocol clients on real loopback TCP.

    python -m emulator.bench.load [--clients 100] [--seconds 20] [--rooms 3] [--autosave 5]

A throwaway folder gets a SQLite database with N accounts and N ready characters, a
config (autosave every few seconds so saves land inside the measurement, tick 1 s) and
the server's .rsc. The server runs on ``twisted.internet.reactor`` on 127.0.0.1 only;
the clients are Twisted protocols in the same reactor, each around a sans-IO
:class:`emulator.testing.client.TestClient`. Each client logs in, uses its character,
optionally walks through square exits to one of ``--rooms`` rooms, then once a second
steps between two neighbouring squares, speaks every ~10 s and pings every 5 s.

Printed (never asserted): connect-to-in-world for one client alone (median of
sequential runs) and for N at once (p50/p99); the hub's tick time p50/p99/max over the
window and the p99 of ticks that ran while an autosave was in flight; reactor lag;
messages received per second by all clients; autosaves completed; resident memory
growth per connected player (process-wide, so it includes the in-process clients).

Everything is bounded: a hard deadline (``--seconds`` plus a setup allowance), timeouts
for every client, and the reactor stops at the end. Exit code 0 on success, 1 when a
client did not get in (or was dropped), with the reasons.
"""

from __future__ import annotations

import argparse
import heapq
import math
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, cast

from twisted.internet import defer, task
from twisted.internet.protocol import ClientFactory, Protocol
from twisted.logger import ILogObserver, LogEvent, LogLevel, globalLogBeginner

from emulator import auth
from emulator.config import DEFAULT_DATA_DIR
from emulator.content.loader import load_world
from emulator.content.model import WorldDefinition, square_centre, square_of
from emulator.resources import ResourceTable, load_resources
from emulator.store import accounts, characters
from emulator.store.database import open_database
from emulator.testing.client import TestClient
from emulator.wire.codec import Message

HOST = "127.0.0.1"
PASSWORD = "load-test"
IN_WORLD_TIMEOUT = 30.0  # seconds from connect to BP_ROOM_CONTENTS, per client
TRAVEL_TIMEOUT = 40.0  # seconds to walk through the exits to the assigned room
SEQUENTIAL_RUNS = 5
WARM_UP = 2.0  # seconds between the last arrival and the start of the measurement
STEP_FINE = 2 * 64  # travel steps of two squares: within the world's move budget (3 squares/s)
STEP_INTERVAL = 0.75
MILESTONES = ("AP_GETLOGIN", "AP_LOGINOK", "BP_CHARACTERS", "BP_PLAYER")
SERIOUS_LOG_LEVELS = (LogLevel.warn, LogLevel.error, LogLevel.critical)  # shown after the run
REF = lambda object_id: {"id": object_id, "amount": None}


# ---------------------------------------------------------------------- figures


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(fraction * len(ordered)) - 1))]


def ms(seconds: float) -> str:
    return "n/a" if math.isnan(seconds) else f"{seconds * 1000:.1f} ms"


def resident_kib() -> int:
    """Current VmRSS (not the peak: growth must show what connecting players cost)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


# ---------------------------------------------------------------------- routes


Route = list[tuple[int, int]]  # exit squares to stand on and BP_REQ_GO from, in order


def routes_to_rooms(definition: WorldDefinition, count: int) -> list[tuple[str, Route]]:
    """The start room and the ``count - 1`` rooms nearest to it on foot through square exits."""
    start = definition.start
    found: dict[str, Route] = {}
    queue: list[tuple[float, int, str, int, int, Route]] = [(0.0, 0, start.room, start.row, start.col, [])]
    order = 0
    while queue and len(found) < count:
        walked, _, room, row, col, route = heapq.heappop(queue)
        if room in found:
            continue
        found[room] = route
        for exit in definition.rooms[room].exits:
            if exit.row is None or exit.col is None or exit.target.room in found:
                continue
            order += 1
            distance = math.hypot(exit.row - row, exit.col - col)
            target = exit.target
            heapq.heappush(queue, (walked + distance, order, target.room, target.row, target.col, [*route, (exit.row, exit.col)]))
    return list(found.items())


# ---------------------------------------------------------------------- a client


class LoadClient(Protocol):
    """One player: logs in, enters the world, travels, then walks, talks and pings."""

    def __init__(self, bench: LoadBench, index: int, account: str, route: Route) -> None:
        self.bench = bench
        self.index = index
        self.account = account
        self.route = list(route)
        self.codec = TestClient(resources=bench.client_resources)
        self.state = "connecting"
        self.connect_started = bench.clock.seconds()
        self.in_world_at: float | None = None
        self.arrived_at: float | None = None
        self.failure: str | None = None
        self.player_id: int | None = None
        self.room_id: int | None = None
        self.position: tuple[int, int] | None = None  # fine (y, x) as the server has it
        self.home: tuple[int, int] | None = None  # the two squares walked between
        self.away: tuple[int, int] | None = None
        self.received = 0
        self.marks: dict[str, float] = {}  # first arrival of the login milestones, reactor time
        self.seconds_active = 0
        self._entered: defer.Deferred[None] = defer.Deferred()
        self._timeout = bench.clock.callLater(IN_WORLD_TIMEOUT, self.fail, "no BP_ROOM_CONTENTS within "
                                              f"{IN_WORLD_TIMEOUT:.0f} s")
        self._loop: task.LoopingCall | None = None
        self._say_second = random.randrange(10)  # spread speech and pings over the clients
        self._ping_second = random.randrange(5)

    # --------------------------------------------------------------- wire

    def connectionMade(self) -> None:
        self.state = "login"

    def dataReceived(self, data: bytes) -> None:
        started = time.perf_counter()
        try:
            self._receive(data)
        finally:
            self.bench.client_seconds += time.perf_counter() - started

    def _receive(self, data: bytes) -> None:
        try:
            messages = self.codec.receive(data)
        except Exception as error:  # noqa: BLE001 - a bad frame is a finding, not a crash
            self.fail(f"undecodable server data: {error!r}")
            return
        self.codec.frames.clear()  # the sans-IO client keeps every frame; a bot must not
        self.received += len(messages)
        for message in messages:
            self.handle(message)

    def connectionLost(self, reason: Any = None) -> None:
        if self.state not in ("closing", "failed"):
            self.fail(f"server closed the connection in state {self.state}: {reason.getErrorMessage() if reason else ''}")
        self._stop_timers()

    def request(self, name: str, **fields: Any) -> None:
        if self.transport is not None and self.state not in ("closing", "failed"):
            self.transport.write(self.codec.frame(name, **fields))

    # --------------------------------------------------------------- conversation

    def handle(self, message: Message) -> None:
        assert self.transport is not None  # messages only arrive through dataReceived
        name = message.name
        if name in MILESTONES and name not in self.marks:
            self.marks[name] = self.bench.clock.seconds()
        if name == "AP_GETLOGIN" and self.state == "login":
            self.transport.write(self.codec.login(self.account, PASSWORD))
        elif name in ("AP_LOGINFAILED", "AP_ACCOUNTUSED", "AP_TOOMANYLOGINS", "AP_NOCHARACTERS", "AP_MESSAGE"):
            if self.state in ("login", "choosing"):
                self.fail(f"login refused: {name} {message.fields}")
        elif name == "AP_CREDITS" and self.state == "login":
            self.state = "requesting_game"
            self.transport.write(self.codec.request_game())
        elif name == "BP_LOAD_MODULE" and self.state == "requesting_game":
            self.state = "choosing"
            self.request("BP_SEND_CHARACTERS")
        elif name == "BP_CHARACTERS" and self.state == "choosing":
            listing = message["characters"]
            if not listing:
                self.fail("no character on the account")
                return
            self.state = "entering"
            self.request("BP_USE_CHARACTER", character_id=listing[0]["id"])
        elif name == "BP_PLAYER":
            self.player_id, self.room_id = message["id"], message["room_id"]
        elif name == "BP_ROOM_CONTENTS" and message["room_id"] == self.room_id:
            mine = next((o for o in message["objects"] if o["id"] == self.player_id), None)
            if mine is not None:
                self.position = (mine["y"], mine["x"])
            self.entered_room()
        elif name == "BP_MOVE" and message["id"] == self.player_id:
            self.position = (message["y"], message["x"])  # a refused move: back to where the server has us
            self.bench.refused_moves += 1

    def entered_room(self) -> None:
        now = self.bench.clock.seconds()
        if self.state == "entering":
            self.state = "travelling"
            self.in_world_at = now
            if self._timeout.active():
                self._timeout.cancel()
            self._entered.callback(None)
            self._loop = task.LoopingCall(self.step)
            self._loop.clock = self.bench.clock
            self._loop.start(STEP_INTERVAL, now=False)
        elif self.state == "travelling" and self.route:
            self.route.pop(0)  # the exit taken
        if self.state == "travelling" and not self.route:
            self.settle(now)

    def settle(self, now: float) -> None:
        """Arrived in the assigned room: walk between here and a neighbouring square."""
        assert self.position is not None
        definition = self.bench.definition.rooms[self.bench.room_key_of(self.room_id)]
        row, col = square_of(*self.position)
        self.home = square_centre(row, col)
        for d_row, d_col in ((0, 1), (0, -1), (1, 0), (-1, 0)):
            if 1 <= row + d_row <= definition.rows and 1 <= col + d_col <= definition.cols:
                self.away = square_centre(row + d_row, col + d_col)
                break
        self.state = "arrived"  # pings only, until every client has arrived: then it walks
        self.arrived_at = now
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        self._loop = task.LoopingCall(self.every_second)
        self._loop.clock = self.bench.clock
        # Start at a random phase so that N clients do not all send in the same instant.
        self.bench.clock.callLater(random.random(), self._start_loop)

    def _start_loop(self) -> None:
        if self.state in ("arrived", "walking") and self._loop is not None and not self._loop.running:
            self._loop.start(1.0, now=True)

    def step(self) -> None:
        """Travel: move towards the next exit square, then BP_REQ_GO on it."""
        if self.state != "travelling" or not self.route or self.position is None:
            return
        target = square_centre(*self.route[0])
        y, x = self.position
        distance = math.hypot(target[0] - y, target[1] - x)
        if distance == 0:
            self.request("BP_REQ_GO")
            return
        share = min(1.0, STEP_FINE / distance)
        self.position = (round(y + (target[0] - y) * share), round(x + (target[1] - x) * share))
        self.request("BP_REQ_MOVE", y=self.position[0], x=self.position[1], speed=18, room=REF(self.room_id))

    def every_second(self) -> None:
        """Once a second: one step; every ~10 s a sentence; every 5 s a ping (like the stock client)."""
        if self.state not in ("arrived", "walking"):
            return
        self.seconds_active += 1
        if self.seconds_active % 5 == self._ping_second:
            self.ping()  # often in the same TCP read as the step: the server must keep the order
        if self.state != "walking":
            return
        target = self.away if self.position == self.home else self.home
        assert target is not None
        self.position = target
        self.request("BP_REQ_MOVE", y=target[0], x=target[1], speed=18, room=REF(self.room_id))
        if self.seconds_active % 10 == self._say_second:
            self.request("BP_SAY_TO", say_type=1, text=f"load client {self.index} says hello")

    def ping(self) -> None:
        if self.state in ("arrived", "walking"):
            self.request("BP_PING")

    # --------------------------------------------------------------- ending

    def entered(self) -> defer.Deferred[None]:
        return self._entered

    def fail(self, why: str) -> None:
        if self.state in ("failed", "closing"):
            return
        self.failure = f"client {self.index} ({self.account}): {why}"
        self.state = "failed"
        self._stop_timers()
        if self.transport is not None:
            self.transport.loseConnection()
        if not self._entered.called:
            self._entered.errback(RuntimeError(self.failure))

    def close(self) -> None:
        if self.state not in ("failed", "closing"):
            self.state = "closing"
        self._stop_timers()
        if self.transport is not None:
            self.transport.loseConnection()

    def _stop_timers(self) -> None:
        if self._timeout.active():
            self._timeout.cancel()
        if self._loop is not None and self._loop.running:
            self._loop.stop()


class LoadClientFactory(ClientFactory):
    def __init__(self, client: LoadClient) -> None:
        self.client = client

    def buildProtocol(self, addr: Any) -> LoadClient:
        return self.client

    def clientConnectionFailed(self, connector: Any, reason: Any) -> None:
        self.client.fail(f"TCP connect failed: {reason.getErrorMessage()}")


# ---------------------------------------------------------------------- the run


class LoadBench:
    def __init__(self, args: argparse.Namespace, reactor: Any) -> None:
        self.args = args
        self.clock = reactor
        self.reactor = reactor
        self.folder = Path(tempfile.mkdtemp(prefix="m59emu-load-"))
        self.database_url = f"sqlite:///{self.folder / 'load.db'}"
        self.account_names = [f"loadbot{index:04d}" for index in range(args.clients)]
        self.definition = load_world(DEFAULT_DATA_DIR)
        self.routes = routes_to_rooms(self.definition, args.rooms)
        self.client_resources: ResourceTable = ResourceTable()
        self.room_keys: dict[int, str] = {}
        self.refused_moves = 0
        self.client_seconds = 0.0  # reactor time spent decoding in the in-process clients
        self.exit_code = 1
        self.log_levels: Counter[str] = Counter()
        self.log_problems: list[str] = []
        self.lag_samples: list[tuple[float, float]] = []  # perf_counter, seconds late
        self.top: Any = None
        self.port = 0
        self.clients_started = False  # startup warnings (e.g. rooms without .roo files) are not load findings

    # --------------------------------------------------------------- preparing

    def prepare(self) -> None:
        """Accounts and ready characters straight into the store (cheap hashes), and a config."""
        database = open_database(self.database_url)
        try:
            for index, name in enumerate(self.account_names):
                accounts.create_account(database, name, PASSWORD, cost=auth.TEST_COST)
                characters.create_character(database, name, f"Loader{index:04d}")
        finally:
            database.close()
        clients = self.args.clients
        config = self.folder / "m59emu.toml"
        config.write_text(
            "[server]\n"
            f'listen = "tcp:0:interface={HOST}"\n'
            f'database = "{self.database_url}"\n'
            f'data = "{DEFAULT_DATA_DIR}"\n'
            "[world]\n"
            f'rsc_dir = "{self.folder / "rsc"}"\n'
            f"autosave_seconds = {float(self.args.autosave)}\n"
            "tick_seconds = 1.0\n"
            # The operator's doors have fixed default ports: off, so runs side by side do not clash.
            '[admin]\nssh_listen = ""\n[web]\nlisten = ""\n[backup]\nevery_hours = 0.0\n'
            "[limits]\n"  # every client comes from 127.0.0.1
            f"max_connections_per_address = {clients + 10}\n"
            f"max_connections_total = {max(500, clients + 10)}\n"
        )
        self.config_path = config

    def build_server(self) -> None:
        from emulator.tap import Options, makeService

        options = Options()
        options.parseOptions(["--config", str(self.config_path)])
        self.top = makeService(options, reactor=self.reactor)
        self.game = self.top.getServiceNamed("game")
        self.hub = self.game.hub
        self.client_resources = load_resources(self.game.prepared.rsc_path)

    def observe_log(self, event: LogEvent) -> None:
        level = event.get("log_level")
        self.log_levels[level.name if level else "?"] += 1
        if level in SERIOUS_LOG_LEVELS and self.clients_started and len(self.log_problems) < 10:
            from twisted.logger import formatEvent

            text = formatEvent(event)
            failure = event.get("log_failure")
            if failure is not None:
                text += f": {failure.getErrorMessage()}"
            self.log_problems.append(f"{level.name}: {text}")

    # --------------------------------------------------------------- connecting

    def room_key_of(self, room_id: int | None) -> str:
        return self.hub.world.room_key(room_id)

    def connect(self, index: int, route: Route) -> LoadClient:
        client = LoadClient(self, index, self.account_names[index], route)
        self.reactor.connectTCP(HOST, self.port, LoadClientFactory(client), timeout=IN_WORLD_TIMEOUT)
        return client

    async def wait_until(self, condition: Callable[[], bool], timeout: float, step: float = 0.05) -> bool:
        deadline = self.clock.seconds() + timeout
        while not condition():
            if self.clock.seconds() > deadline:
                return False
            await task.deferLater(self.clock, step, lambda: None)
        return True

    async def run(self) -> int:
        args = self.args
        await self.game_store_ready()
        print(f"server on {HOST}:{self.port}, {args.clients} clients, rooms: "
              + ", ".join(f"{room} ({len(route)} exit{'s' if len(route) != 1 else ''})" for room, route in self.routes))

        # One client alone, several times in a row: the unloaded path to the world.
        self.clients_started = True
        alone = []
        for run in range(min(SEQUENTIAL_RUNS, args.clients)):
            client = self.connect(run, [])
            try:
                await client.entered()
            except RuntimeError as error:
                print(f"FAILED: {error}")
                return 1
            alone.append(client.in_world_at - client.connect_started)
            client.close()
            if not await self.wait_until(lambda: not self.hub.sessions, 10.0):
                print("FAILED: the server kept a closed client's session for 10 s")
                return 1
        print(f"connect to in-world, one client: median {ms(statistics.median(alone))} of {len(alone)} sequential runs")

        # Everyone at once.
        rss_before = resident_kib()
        clients = [self.connect(index, self.routes[index % len(self.routes)][1]) for index in range(args.clients)]
        results = await defer.DeferredList([c.entered() for c in clients], consumeErrors=True)
        failed = [c.failure for c in clients if c.failure]
        entered = [c.in_world_at - c.connect_started for c in clients if c.in_world_at is not None]
        print(f"connect to in-world, {args.clients} at once: p50 {ms(percentile(entered, 0.5))}, "
              f"p99 {ms(percentile(entered, 0.99))}, max {ms(max(entered, default=math.nan))} "
              f"({len(entered)}/{len(results)} in world)")
        if failed:
            return self.report_failures(failed, "did not get into the world")
        # Where the wave's time goes: each step from the previous milestone, p50/p99.
        steps = []
        previous = "connect"
        for milestone in (*MILESTONES, "BP_ROOM_CONTENTS"):
            gaps = []
            for c in clients:
                before = c.connect_started if previous == "connect" else c.marks[previous]
                after = c.in_world_at if milestone == "BP_ROOM_CONTENTS" else c.marks[milestone]
                assert after is not None  # every client got in: a failure returned above
                gaps.append(after - before)
            steps.append(f"{previous}->{milestone} {ms(percentile(gaps, 0.5))}/{ms(percentile(gaps, 0.99))}")
            previous = milestone
        print("  steps p50/p99: " + ", ".join(steps))
        rss_connected = resident_kib()
        print(f"resident memory: {rss_before / 1024:.1f} MiB before, {rss_connected / 1024:.1f} MiB with "
              f"{args.clients} in world: {(rss_connected - rss_before) / args.clients:.1f} KiB per player "
              "(whole process: server and in-process clients)")

        # Travel to the assigned rooms, then warm up.
        travelled = await self.wait_until(lambda: all(c.state in ("arrived", "failed") for c in clients), TRAVEL_TIMEOUT)
        failed = [c.failure for c in clients if c.failure]
        if not travelled or failed:
            stuck = [f"client {c.index} still {c.state} with {len(c.route)} exits to go"
                     for c in clients if c.state not in ("arrived", "failed")]
            return self.report_failures(failed + stuck[:5], "did not reach their rooms")
        per_room = Counter(self.room_key_of(c.room_id) for c in clients)
        print("players per room: " + ", ".join(f"{room} {count}" for room, count in per_room.most_common()))
        for client in clients:
            if client.state == "arrived":
                client.state = "walking"
        await task.deferLater(self.clock, WARM_UP, lambda: None)

        # The measurement window.
        received_before = sum(c.received for c in clients)
        ticks_before, saves_before = len(self.hub.ticks), len(self.hub.saves)
        refused_before = self.refused_moves
        client_seconds_before = self.client_seconds
        window_started = time.perf_counter()
        lag_probe = self.start_lag_probe()
        await task.deferLater(self.clock, args.seconds, lambda: None)
        lag_probe.stop()
        window = time.perf_counter() - window_started
        received = sum(c.received for c in clients) - received_before
        ticks = list(self.hub.ticks)[ticks_before:]
        durations = [tick.duration for tick in ticks]
        during_save = [t.duration for t in ticks if t.during_save or self.overlaps_save(t.started, t.duration)]
        saves = list(self.hub.saves)[saves_before:]
        completed = [save.finished - save.started for save in saves if save.finished is not None]

        print(f"measurement window: {window:.1f} s, {len(durations)} ticks")
        print(f"tick: p50 {ms(percentile(durations, 0.5))}, p99 {ms(percentile(durations, 0.99))}, "
              f"max {ms(max(durations, default=math.nan))}")
        print(f"tick during autosave: p99 {ms(percentile(during_save, 0.99))} over {len(during_save)} ticks")
        lags = [lag for _, lag in self.lag_samples]
        lags_saving = [lag for at, lag in self.lag_samples if self.overlaps_save(at - lag, lag)]
        print(f"reactor lag (100 ms probe): p50 {ms(percentile(lags, 0.5))}, "
              f"p99 {ms(percentile(lags, 0.99))}, max {ms(max(lags, default=math.nan))}; "
              f"during autosave p99 {ms(percentile(lags_saving, 0.99))} over {len(lags_saving)} samples")
        print(f"messages received by clients: {received / window:,.0f}/s ({received:,} in the window)")
        print(f"autosaves completed: {len(completed)} of {len(saves)} started in the window "
              f"(save time p50 {ms(percentile(completed, 0.5))}, max {ms(max(completed, default=math.nan))}); "
              f"{len(self.hub.saves)} since the start")
        print(f"moves refused by the server in the window: {self.refused_moves - refused_before}")
        client_share = (self.client_seconds - client_seconds_before) / window
        print(f"in-process clients' share of the reactor thread: {client_share:.0%} (decoding every frame they receive)")

        dropped = [c.failure for c in clients if c.failure]
        for client in clients:
            client.close()
        if dropped:
            return self.report_failures(dropped, "were dropped during the run")
        return 0

    def overlaps_save(self, start: float, seconds: float) -> bool:
        end = start + seconds
        return any(save.started < end and (save.finished is None or save.finished > start) for save in self.hub.saves)

    def start_lag_probe(self) -> task.LoopingCall:
        """How late the reactor runs a 100 ms timer: what every connection waits on too."""
        expected = [self.clock.seconds()]

        def probe() -> None:
            now = self.clock.seconds()
            self.lag_samples.append((time.perf_counter(), max(0.0, now - expected[0])))
            expected[0] = now + 0.1

        loop = task.LoopingCall(probe)
        loop.clock = self.clock
        expected[0] = self.clock.seconds() + 0.1
        loop.start(0.1, now=False)
        return loop

    def report_failures(self, failures: Sequence[str | None], what: str) -> int:
        failures = [f for f in failures if f]
        print(f"FAILED: {len(failures)} clients {what}:")
        for reason in failures[:10]:
            print(f"  {reason}")
        if len(failures) > 10:
            print(f"  ... and {len(failures) - 10} more")
        return 1

    async def game_store_ready(self) -> None:
        store = self.top.getServiceNamed("store")
        await store.ready
        # Listening on port 0: the endpoint service's Deferred gives the port it bound.
        listening = self.top.getServiceNamed("listener")._waitingForPort
        port = await listening
        self.port = port.getHost().port


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100, help="players connecting at once")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of the measurement window")
    parser.add_argument("--rooms", type=int, default=3, help="rooms to spread the players over")
    # Not a multiple of the 1 s tick: otherwise every save starts just after a tick and
    # a ~0.1 s save never overlaps one.
    parser.add_argument("--autosave", type=float, default=5.3, help="autosave interval, seconds")
    args = parser.parse_args(argv)
    if args.clients < 1 or args.seconds <= 0 or args.rooms < 1:
        parser.error("--clients, --seconds and --rooms must be positive")

    from twisted.internet import reactor

    bench = LoadBench(args, reactor)
    # Setup allowance: preparing N accounts, N logins, travel and warm-up, stopping.
    deadline = args.seconds + 90.0 + 0.5 * args.clients
    outcome: dict[str, int] = {}
    try:
        print(f"python {platform.python_version()} on {platform.machine()}, {platform.system()}")
        started = time.perf_counter()
        bench.prepare()
        print(f"prepared {args.clients} accounts and characters in {time.perf_counter() - started:.1f} s "
              f"in {bench.folder}")
        # Twisted takes any callable as an observer; its annotation asks for the interface.
        globalLogBeginner.beginLoggingTo([cast(ILogObserver, bench.observe_log)], redirectStandardIO=False)
        bench.build_server()
        if len(bench.routes) < args.rooms:
            print(f"note: only {len(bench.routes)} rooms are reachable through square exits")

        async def scenario() -> None:
            try:
                outcome["code"] = await bench.run()
            except Exception as error:  # noqa: BLE001 - print it, stop cleanly, exit 1
                outcome["code"] = 1
                print(f"FAILED: {error!r}")
            finally:  # stop even when printing fails (a closed pipe)
                await stop_everything()

        async def stop_everything() -> None:
            if bench.top is not None and bench.top.running:
                await defer.maybeDeferred(bench.top.stopService)
            if reactor.running:
                reactor.stop()

        def stop_if_running() -> None:
            if reactor.running:
                reactor.stop()

        def abort() -> None:
            outcome["code"] = 1
            reactor.callLater(10.0, stop_if_running)  # if stopping hangs
            defer.ensureDeferred(stop_everything())
            print(f"FAILED: hard deadline of {deadline:.0f} s exceeded; stopping")

        def begin() -> None:
            bench.top.startService()
            defer.ensureDeferred(scenario())

        watchdog = reactor.callLater(deadline, abort)
        reactor.callWhenRunning(begin)
        reactor.run()  # with signal handlers: Ctrl-C stops the benchmark
        if watchdog.active():
            watchdog.cancel()
    finally:
        shutil.rmtree(bench.folder, ignore_errors=True)
    code = outcome.get("code", 1)
    levels = ", ".join(f"{name} {count}" for name, count in sorted(bench.log_levels.items()))
    print(f"server log events: {levels or 'none'}")
    for problem in bench.log_problems:
        print(f"  {problem}")
    print("result: ok" if code == 0 else "result: FAILED")
    return code


if __name__ == "__main__":
    sys.exit(main())
