"""Soak benchmark: normal players keep playing while hostile clients attack the real server.

    python -m emulator.bench.soak [--players 20] [--baseline 30] [--seconds 300] [--attack-workers 2]

What it shows, from the outside: that no single client can stall the server, lock the
other players out, or make its memory grow. The server's defences under test: a token
bucket per kind of game request (a client that keeps flooding is disconnected), a cap
on the game output held for a client that does not read, the first-frame timeout,
failed-login throttles, and closing on bad frames and wrong security values.

How: a throwaway folder gets a SQLite database (the players' accounts and characters,
spare ones for fresh logins during the attack, and the attackers' accounts) and a
config: listen on 127.0.0.1 only; connection limits and the per-address failed-login
brake out of reach, since every client shares 127.0.0.1 (the per-account-and-address
brake still throttles the password guesses); the defaults otherwise. The server runs
as ``python -m twisted m59emu --config ...`` in that folder, its log in ``server.log``.

* The players: ``--players`` light bots in one worker process (the crowd benchmark's,
  :mod:`emulator.bench.crowd_bot`, with speech added) log in to the Yonder Inn, then each
  steps to a neighbouring square every 0.5-1 s, speaks every 8-20 s and pings every 5 s.
* Phase A, baseline: ``--baseline`` seconds of just that.
* Phase B, attack: ``--seconds`` seconds of the same while ``--attack-workers`` processes
  (:mod:`emulator.bench.soak_attackers`) loop, each loop paced and each episode bounded,
  over random bytes, slowloris connections, mutated login frames, password guesses,
  mutated game frames after a real login, request floods and a client that never reads.
  The main process logs a spare player in every 15 s and times it, and probes every 2 s
  that the server still greets a new connection.

Figures: move latency from a mover's send to each observer's ``BP_MOVE`` (across
processes: see :mod:`emulator.bench.crowd_bot`) and the ping round trip, in the baseline
and under attack; what the attackers sent and how the server answered; the connections
the server closed, by reason, from its log; server crashes (exited, or a probe not
greeted within :data:`PROBE_TIMEOUT`); tracebacks in its log; its RSS and CPU; the
fresh logins' times; the CPU the rest of the machine used.

Printed (never asserted), one figure a line; ``result: ok`` and exit 0 when the server
neither crashed nor logged a traceback, else the reasons and exit 1. Bounded: a hard
deadline, a timeout for every phase and every socket call, and every process started
here is stopped at the end (also on an error, Ctrl-C or SIGTERM).
"""

from __future__ import annotations

import argparse
import ctypes
import heapq
import math
import multiprocessing
import os
import platform
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from multiprocessing.sharedctypes import RawArray
from pathlib import Path
from typing import Any

import attrs

from emulator import auth
from emulator.bench.crowd import (
    REPO,
    SERVER_START_TIMEOUT,
    BenchFailure,
    cpu_seconds,
    die_with_parent,
    machine_busy_seconds,
    raise_interrupt,
    resident_kib,
    stop_processes,
    stop_server,
)
from emulator.bench.crowd_bot import (
    _MOVE,
    _PING,
    _TRAVEL,
    ARRIVED,
    FAILED,
    HISTOGRAM_BUCKETS,
    MOVE_CODES,
    PHASE_DRAIN,
    PHASE_FINISH,
    PHASE_WALK,
    STATUS_NAMES,
    Bot,
    BotPlan,
    Shared,
    Worker,
    WorkerPlan,
    histogram_percentile,
    latency_bucket,
    move_code_of,
)
from emulator.bench.load import HOST, IN_WORLD_TIMEOUT, PASSWORD, ms, percentile, routes_to_rooms
from emulator.bench.soak_attackers import (
    ATTACK_LOOPS,
    ATTACK_RUN,
    ATTACK_STOP,
    FLOOD_BURST,
    FLOOD_BURST_EVERY,
    FLOOD_KINDS,
    ROLE_ALL,
    ROLE_CONNECTIONS,
    ROLE_GAME,
    AttackControl,
    AttackPlan,
    ClosedByServer,
    LoginRefused,
    WireClient,
    run_attack_worker,
)
from emulator.config import DEFAULT_DATA_DIR
from emulator.content.loader import load_world
from emulator.resources import load_resources
from emulator.store import accounts, characters
from emulator.store.database import open_database

WARM_UP = 2.0  # seconds of walking before the baseline
STEP_MIN, STEP_MAX = 0.5, 1.0  # seconds between a player's steps
TALK_MIN, TALK_MAX = 8.0, 20.0  # seconds between a player's lines
DRAIN = 2.0  # seconds after the attack for the last moves' deliveries
REPORT_TIMEOUT = 20.0
POLL = 0.25  # RSS samples and liveness checks of the main loop
PROBE_EVERY = 2.0
PROBE_TIMEOUT = 10.0  # a new connection not greeted within this: the server stopped answering
FRESH_LOGIN_EVERY = 15.0
FRESH_LOGINS_MAX = 40
TRACEBACK_WORDS = ("Traceback", "Unhandled Error")
ATTACKER_ACCOUNTS = {  # attack loop -> its account (each loop is alone on its account)
    "game mutation": "soakmutant",
    "flood": "soakflooder",
    "non-reader": "soaknonreader",
    "wrong password": "soakguessed",
}
# The server's log lines that close a connection, by what they say (see
# emulator/connection/machine.py and emulator/net/protocol.py).
CLOSE_REASONS = (
    ("request_flood_disconnected", "request flood"),
    ("closing a connection that is not reading", "output over its limit (not reading)"),
    ("security_mismatch", "wrong security value"),
    ("bad_frame", "bad frame header"),
    ("phase='first_frame'", "no whole first frame in time"),
    ("phase='before_login'", "no login in time"),
    ("phase='game_idle'", "game idle"),
    ("reason='throttled'", "login throttled (AP_TOOMANYLOGINS)"),
    ("full: closing connection idle", "shed (server full)"),
)
OTHER_EVENTS = (  # logged without closing the connection
    ("login_failed", "failed logins"),
    ("requests_dropped", "requests dropped (summary lines)"),
    ("undecodable_message", "undecodable-message lines"),
    ("invalid_login_message", "invalid-login-message lines"),
    ("failed-login throttle", "failed-login throttle lines"),
    ("connection refused", "connections refused (limits)"),
)
_TALK = 3  # timer kind, beside crowd_bot's _TRAVEL, _MOVE and _PING
BASELINE, ATTACK = 0, 1


# ---------------------------------------------------------------------- the players' worker


class PlayersWorker(Worker):
    """crowd_bot's worker, with steps every 0.5-1 s, speech, and figures split by phase."""

    def __init__(self, plan: WorkerPlan, shared: Shared, periods: Any) -> None:
        super().__init__(plan, shared)
        self.periods = periods  # monotonic: baseline start, attack start, attack end (inf until set)
        self.latency_by_period = [[0] * HISTOGRAM_BUCKETS for _ in (BASELINE, ATTACK)]
        self.pings_by_period = [[0] * HISTOGRAM_BUCKETS for _ in (BASELINE, ATTACK)]
        self.latency_max_by_period = [0.0, 0.0]
        self.said = 0

    def period_of(self, moment: float) -> int:
        """BASELINE, ATTACK, or -1 (warm-up, drain)."""
        start, attack, end = self.periods[0], self.periods[1], self.periods[2]
        if start <= moment < attack:
            return BASELINE
        if attack <= moment < end:
            return ATTACK
        return -1

    def observe_move(self, observer: Bot, mover: int, y: int, x: int, now: float) -> None:
        if mover == observer.player_id or mover not in self.bot_of_player:
            super().observe_move(observer, mover, y, x, now)  # a refused move, a wanderer
            return
        index = self.bot_of_player[mover]
        code = move_code_of(y, x)
        if code < 0:
            self.unmatched += 1
            return
        sent = self.shared.send_times[index * MOVE_CODES + code]
        period = self.period_of(sent)
        latency = now - sent
        if period < 0 or latency < 0:
            return
        self.delivered += 1
        self.latency_by_period[period][latency_bucket(latency)] += 1
        self.latency_max_by_period[period] = max(self.latency_max_by_period[period], latency)

    def count_ping(self, round_trip: float, sent: float) -> None:
        period = self.period_of(sent)
        if period >= 0:
            self.pings_by_period[period][latency_bucket(round_trip)] += 1

    def enter_phase(self, phase: int, now: float) -> None:
        super().enter_phase(phase, now)
        if phase == PHASE_WALK:
            for bot in self.bots:
                if bot.alive and bot.state == "arrived":
                    self.schedule(now + random.uniform(0.0, TALK_MAX), _TALK, bot)

    def run_timers(self, now: float) -> None:
        timers = self.timers
        while timers and timers[0][0] <= now:
            when, _, kind, bot = heapq.heappop(timers)
            if not bot.alive:
                continue
            if kind == _MOVE:
                if self.phase != PHASE_WALK:
                    continue  # the drain: movers stop
                bot.walk_step()
                following = when + random.uniform(STEP_MIN, STEP_MAX)
                if following <= now:  # a whole step behind: skip, and say so
                    self.late_steps += 1
                    following = now + STEP_MIN
                self.schedule(following, _MOVE, bot)
            elif kind == _TALK:
                if self.phase == PHASE_WALK:
                    bot.request("BP_SAY_TO", say_type=1, text=f"hello from player {bot.index}")
                    self.said += 1
                    self.schedule(now + random.uniform(TALK_MIN, TALK_MAX), _TALK, bot)
            elif kind == _PING:
                bot.ping()
                self.schedule(when + 5.0, _PING, bot)
            elif kind == _TRAVEL and bot.travel_step():
                self.schedule(now + 0.75, _TRAVEL, bot)

    def run(self) -> dict[str, Any]:
        report = super().run()
        report.update(latency_by_period=self.latency_by_period, pings_by_period=self.pings_by_period,
                      latency_max_by_period=self.latency_max_by_period, said=self.said)
        return report


def run_players_worker(plan: WorkerPlan, shared: Shared, periods: Any, results: Connection) -> None:
    """Process entry point (as crowd_bot.run_worker)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    random.seed(plan.seed)
    try:
        report = PlayersWorker(plan, shared, periods).run()
    except BaseException:  # noqa: BLE001 - Ctrl-C included: the main process reports it
        report = {"worker": plan.number, "error": traceback.format_exc(limit=8)}
    try:
        results.send(report)
    except OSError:
        pass
    finally:
        results.close()


# ---------------------------------------------------------------------- the run


def server_send_queue(server_port: int, peer_port: int) -> int | None:
    """Bytes the kernel holds unsent on the server's socket to 127.0.0.1:peer_port (/proc/net/tcp)."""
    if not peer_port:
        return None
    local, remote = f"0100007F:{server_port:04X}", f"0100007F:{peer_port:04X}"
    try:
        with open("/proc/net/tcp") as table:
            for line in table:
                fields = line.split()
                if len(fields) > 4 and fields[1] == local and fields[2] == remote:
                    return int(fields[4].split(":")[0], 16)
    except OSError:
        pass
    return None


def histogram_summary(histogram: Sequence[int]) -> str:
    return (f"p50 {ms(histogram_percentile(histogram, 0.5))}, p99 {ms(histogram_percentile(histogram, 0.99))} "
            f"({sum(histogram):,} samples)")


def ratio(attack: float, baseline: float) -> str:
    return f"{attack / baseline:.2f}x" if baseline > 0 and not math.isnan(attack + baseline) else "n/a"


@attrs.frozen
class Figures:
    """What the run measured, for printing."""

    baseline: float  # seconds
    attack: float
    cpu: tuple[dict[str, float], dict[str, float], dict[str, float]]  # at baseline start, attack start, attack end
    rss: tuple[int, int, int, int]  # KiB: before any login, after the baseline, half-way through the attack, at the end
    players: dict[str, Any]
    attacks: list[dict[str, Any]]
    dropped_players: list[int]


class SoakRun:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.folder = Path(tempfile.mkdtemp(prefix="m59emu-soak-"))
        self.database_url = f"sqlite:///{self.folder / 'soak.db'}"
        self.player_accounts = [f"soakplayer{index:04d}" for index in range(args.players)]
        fresh_count = min(FRESH_LOGINS_MAX, 2 + math.ceil(args.seconds / FRESH_LOGIN_EVERY))
        self.fresh_accounts = [f"soakfresh{index:03d}" for index in range(fresh_count)]
        self.definition = load_world(DEFAULT_DATA_DIR)
        self.routes = routes_to_rooms(self.definition, 1)  # everybody in the start room, attackers too
        self.port = 0
        self.server: subprocess.Popen[bytes] | None = None
        self.server_started = 0.0
        self.server_exited = False  # on its own, before we stopped it: a crash
        self.server_log = self.folder / "server.log"
        self.config_path = self.folder / "m59emu.toml"
        self.players: multiprocessing.process.BaseProcess | None = None
        self.players_results: Connection | None = None
        self.attackers: list[multiprocessing.process.BaseProcess] = []
        self.attacker_results: list[Connection] = []
        self.shared = Shared.create(args.players, 1)
        self.periods = RawArray(ctypes.c_double, 3)
        self.periods[0] = self.periods[1] = self.periods[2] = math.inf
        self.control = AttackControl.create()
        self.deadline = math.inf
        self.stop_helpers = threading.Event()
        self.helpers: list[threading.Thread] = []
        # Filled by the helper threads and the main loop.
        self.probe_answers: list[float] = []
        self.probes_unanswered = 0
        self.fresh_logins: dict[int, list[float]] = {BASELINE: [], ATTACK: []}
        self.fresh_login_failures: list[tuple[int, str]] = []  # (period, why)
        self.rss_samples: list[int] = []
        self.rss_while_non_reader: list[int] = []
        self.non_reader_queued: list[int] = []  # bytes in the server's kernel send queue to the non-reader
        self.problems: list[str] = []

    # --------------------------------------------------------------- setting up

    def prepare(self) -> None:
        database = open_database(self.database_url)
        try:
            names = self.player_accounts + self.fresh_accounts + list(ATTACKER_ACCOUNTS.values())
            for index, name in enumerate(names):
                accounts.create_account(database, name, PASSWORD, cost=auth.TEST_COST)
                characters.create_character(database, name, f"Soak{index:04d}")
        finally:
            database.close()
        with socket.socket() as probe:  # a free loopback port for the server
            probe.bind((HOST, 0))
            self.port = probe.getsockname()[1]
        room = self.args.players + 200  # players, fresh logins, probes and the attackers' connections
        self.config_path.write_text(
            "[server]\n"
            f'listen = "tcp:{self.port}:interface={HOST}"\n'
            f'database = "{self.database_url}"\n'
            f'data = "{DEFAULT_DATA_DIR}"\n'
            "[world]\n"
            f'rsc_dir = "{self.folder / "rsc"}"\n'
            "autosave_seconds = 60.0\n"
            # The operator's doors have fixed default ports: off, so runs side by side do not clash.
            '[admin]\nssh_listen = ""\n[web]\nlisten = ""\n[backup]\nevery_hours = 0.0\n'
            "[limits]\n"  # every client, attackers included, comes from 127.0.0.1
            f"max_connections_per_address = {room}\n"
            f"max_connections_total = {room}\n"
            # Mutated AP_LOGINs are guesses at random accounts, each taking a token of the
            # address: with one shared address that brake would lock the players out too.
            "failed_logins_per_address = 1000000\n"
        )

    def start_server(self) -> None:
        environment = dict(os.environ)
        environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), environment.get("PYTHONPATH")]))
        with open(self.server_log, "wb") as log:
            self.server = subprocess.Popen(
                [sys.executable, "-m", "twisted", "--log-format", "text", "m59emu", "--config", str(self.config_path)],
                cwd=self.folder, env=environment, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                preexec_fn=die_with_parent,
            )
        self.server_started = time.monotonic()
        deadline = self.server_started + SERVER_START_TIMEOUT
        while time.monotonic() < deadline:
            if self.server.poll() is not None:
                raise BenchFailure(f"the server exited with {self.server.returncode}:\n{self.server_log_tail()}")
            try:
                socket.create_connection((HOST, self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.1)
        raise BenchFailure(f"the server did not listen within {SERVER_START_TIMEOUT:.0f} s")

    def start_players(self) -> None:
        room, route = self.routes[0]
        plan = WorkerPlan(
            number=0, workers=1, port=self.port, rsc_path=str(self.rsc_path),
            bots=tuple(BotPlan(index, name, route, room) for index, name in enumerate(self.player_accounts)),
            rooms=self.definition.rooms, step=STEP_MAX, deadline=self.deadline, parent_pid=os.getpid(), seed=1,
        )
        receiving, sending = multiprocessing.Pipe(duplex=False)
        self.players = multiprocessing.Process(target=run_players_worker, args=(plan, self.shared, self.periods, sending),
                                               name="soak-players", daemon=True)
        self.players.start()
        sending.close()
        self.players_results = receiving

    def start_attackers(self) -> None:
        roles = [ROLE_CONNECTIONS, ROLE_GAME] if self.args.attack_workers == 2 else [ROLE_ALL]
        for number, role in enumerate(roles):
            plan = AttackPlan(role=role, port=self.port, rsc_path=str(self.rsc_path), password=PASSWORD,
                              accounts=ATTACKER_ACCOUNTS, loops=frozenset(self.args.attacks), deadline=self.deadline, parent_pid=os.getpid(),
                              seed=100 + number)
            receiving, sending = multiprocessing.Pipe(duplex=False)
            process = multiprocessing.Process(target=run_attack_worker, args=(plan, self.control, sending),
                                              name=f"soak-attacker-{role}", daemon=True)
            process.start()
            sending.close()
            self.attackers.append(process)
            self.attacker_results.append(receiving)

    @property
    def rsc_path(self) -> Path:
        return self.folder / "rsc" / "m59emu.rsc"

    # --------------------------------------------------------------- helpers in threads

    def probe_liveness(self) -> None:
        """Every PROBE_EVERY s a new connection must be greeted (AP_GETLOGIN) within PROBE_TIMEOUT."""
        while not self.stop_helpers.wait(PROBE_EVERY):
            started = time.monotonic()
            try:
                with socket.create_connection((HOST, self.port), timeout=PROBE_TIMEOUT) as sock:
                    sock.settimeout(max(0.1, PROBE_TIMEOUT - (time.monotonic() - started)))
                    if not sock.recv(64):
                        raise OSError("closed without a greeting")
                self.probe_answers.append(time.monotonic() - started)
            except OSError:
                self.probes_unanswered += 1

    def fresh_login(self, account: str, period: int) -> None:
        """A spare player logs in to the world: the time from connect to BP_ROOM_CONTENTS."""
        resources = load_resources(self.rsc_path)
        started = time.monotonic()
        try:
            client = WireClient(self.port, resources)
            try:
                client.enter_world(account, PASSWORD)
            finally:
                client.close()
        except (OSError, LoginRefused, ClosedByServer, TimeoutError) as failure:
            self.fresh_login_failures.append((period, f"{account}: {type(failure).__name__}: {failure}"))
            return
        self.fresh_logins[period].append(time.monotonic() - started)

    def fresh_logins_during(self, period: int, seconds: float, accounts_left: list[str]) -> None:
        """Fresh logins one after another: the first after 1 s, then every FRESH_LOGIN_EVERY s."""
        ends = time.monotonic() + seconds
        next_at = time.monotonic() + min(1.0, seconds / 2)
        while accounts_left and not self.stop_helpers.is_set():
            if next_at > ends - 0.5:
                return
            if self.stop_helpers.wait(max(0.0, next_at - time.monotonic())):
                return
            self.fresh_login(accounts_left.pop(0), period)
            next_at += FRESH_LOGIN_EVERY

    def start_helper(self, target: Callable[..., None], *args: Any) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        thread.start()
        self.helpers.append(thread)

    # --------------------------------------------------------------- waiting

    def check_alive(self, players_done: bool = False) -> None:
        if time.monotonic() > self.deadline:
            raise BenchFailure("hard deadline exceeded")
        if self.server is not None and self.server.poll() is not None:
            self.server_exited = True
            raise BenchFailure(f"the server exited with {self.server.returncode} (a crash):\n{self.server_log_tail()}")
        if self.players is not None and not players_done and not self.players.is_alive():
            raise BenchFailure(f"the players' worker exited early with {self.players.exitcode}")

    def sample(self, seconds: float) -> None:
        """Wait, checking the processes and sampling the server's RSS every POLL s."""
        assert self.server is not None
        until = time.monotonic() + seconds
        while (left := until - time.monotonic()) > 0:
            self.check_alive()
            rss = resident_kib(self.server.pid)
            self.rss_samples.append(rss)
            if self.control.non_reader_held.value:
                self.rss_while_non_reader.append(rss)
                queued = server_send_queue(self.port, self.control.non_reader_port.value)
                if queued is not None:
                    self.non_reader_queued.append(queued)
            time.sleep(min(POLL, left))

    def statuses(self) -> list[int]:
        return list(self.shared.status)

    # --------------------------------------------------------------- the scenario

    def run(self) -> int:
        args = self.args
        self.prepare()
        self.start_server()
        assert self.server is not None
        server_pid = self.server.pid
        rss_start = resident_kib(server_pid)
        print(f"server pid {server_pid} on {HOST}:{self.port}; folder {self.folder}")
        self.start_players()

        login_timeout = IN_WORLD_TIMEOUT + 0.2 * args.players
        limit = time.monotonic() + login_timeout
        while not all(status in (ARRIVED, FAILED) for status in self.statuses()):
            self.check_alive()
            if time.monotonic() > limit:
                break
            time.sleep(0.05)
        arrived = sum(status == ARRIVED for status in self.statuses())
        entered = [self.shared.in_world_at[i] - self.shared.connect_at[i] for i in range(args.players)
                   if self.shared.in_world_at[i] > 0]
        print(f"players: {arrived}/{args.players} in the world (login to in-world p50 "
              f"{ms(percentile(entered, 0.5))}, max {ms(max(entered, default=math.nan))})")
        if arrived < args.players:
            by_status = Counter(STATUS_NAMES[status] for status in self.statuses() if status != ARRIVED)
            raise BenchFailure(f"players did not get into the world: {dict(by_status)}")
        self.start_attackers()  # they wait for the attack phase
        assert self.players is not None and self.players.pid is not None
        players_pid = self.players.pid

        # Phase A: the baseline.
        self.shared.phase.value = PHASE_WALK
        self.sample(WARM_UP + STEP_MAX)
        self.start_helper(self.probe_liveness)
        fresh_left = list(self.fresh_accounts)
        self.start_helper(self.fresh_logins_during, BASELINE, args.baseline, fresh_left[:1])
        fresh_left = fresh_left[1:]
        baseline_started = time.monotonic()
        self.periods[0] = baseline_started
        self.shared.window[0] = baseline_started
        cpu_baseline = self.cpu_snapshot(server_pid, players_pid)
        self.sample(args.baseline)

        # Phase B: the attack.
        attack_started = time.monotonic()
        self.periods[1] = attack_started
        rss_after_baseline = resident_kib(server_pid)
        cpu_attack = self.cpu_snapshot(server_pid, players_pid)
        self.control.phase.value = ATTACK_RUN
        self.start_helper(self.fresh_logins_during, ATTACK, args.seconds, fresh_left)
        self.sample(args.seconds / 2)
        rss_half_way = resident_kib(server_pid)  # the second half shows whether memory keeps growing
        self.sample(args.seconds / 2)
        attack_ended = time.monotonic()
        self.periods[2] = attack_ended
        self.shared.window[1] = attack_ended
        self.control.phase.value = ATTACK_STOP
        cpu_end = self.cpu_snapshot(server_pid, players_pid)
        self.stop_helpers.set()

        # The last moves' deliveries; then the reports.
        self.sample(DRAIN)
        self.shared.phase.value = PHASE_DRAIN
        dropped_players = [index for index, status in enumerate(self.statuses()) if status == FAILED]
        rss_end = resident_kib(server_pid)
        players_report = self.players_report()
        attack_reports = self.attack_reports()
        for thread in self.helpers:
            thread.join(timeout=PROBE_TIMEOUT + 20.0)
        self.check_alive(players_done=True)  # the server must still be running here

        self.print_figures(Figures(
            baseline=attack_started - baseline_started, attack=attack_ended - attack_started,
            cpu=(cpu_baseline, cpu_attack, cpu_end), rss=(rss_start, rss_after_baseline, rss_half_way, rss_end),
            players=players_report, attacks=attack_reports, dropped_players=dropped_players,
        ))
        return 0

    def cpu_snapshot(self, server_pid: int, players_pid: int) -> dict[str, float]:
        times = os.times()
        attackers = sum(cpu_seconds(process.pid) for process in self.attackers
                        if process.pid is not None and process.is_alive())
        return {"server": cpu_seconds(server_pid), "players": cpu_seconds(players_pid), "attackers": attackers,
                "main": times.user + times.system, "machine": machine_busy_seconds(), "at": time.monotonic()}

    def players_report(self) -> dict[str, Any]:
        self.shared.phase.value = PHASE_FINISH
        assert self.players_results is not None
        if not self.players_results.poll(REPORT_TIMEOUT):
            raise BenchFailure(f"the players' worker sent no report within {REPORT_TIMEOUT:.0f} s")
        report: dict[str, Any] = self.players_results.recv()
        if "error" in report:
            raise BenchFailure(f"the players' worker failed:\n{report['error']}")
        return report

    def attack_reports(self) -> list[dict[str, Any]]:
        reports = []
        for results in self.attacker_results:
            # A loop may be in a socket call (IO_TIMEOUT) or a login (LOGIN_TIMEOUT) when the attack ends.
            if not results.poll(REPORT_TIMEOUT + 15.0):
                raise BenchFailure("an attack worker sent no report in time")
            report = results.recv()
            if "error" in report:
                raise BenchFailure(f"an attack worker failed:\n{report['error']}")
            reports.append(report)
        return reports

    # --------------------------------------------------------------- figures

    def print_figures(self, figures: Figures) -> None:
        args = self.args
        print(f"duration: baseline {figures.baseline:.1f} s, then attack {figures.attack:.1f} s "
              f"({args.players} players walking and talking throughout; {len(self.attackers)} attack worker processes)")
        self.print_attacks(figures.attacks, figures.attack)

        players = figures.players
        print(f"players dropped by the server: {len(figures.dropped_players)} of {args.players} "
              f"(moves refused: {players['refused']}, lines said: {players['said']})")
        baseline_moves, attack_moves = players["latency_by_period"]
        print(f"move latency send->observer, baseline: {histogram_summary(baseline_moves)}")
        print(f"move latency send->observer, under attack: {histogram_summary(attack_moves)}")
        print("move latency under attack / baseline: "
              f"p50 {ratio(histogram_percentile(attack_moves, 0.5), histogram_percentile(baseline_moves, 0.5))}, "
              f"p99 {ratio(histogram_percentile(attack_moves, 0.99), histogram_percentile(baseline_moves, 0.99))}")
        baseline_pings, attack_pings = players["pings_by_period"]
        print(f"ping round trip, baseline: {histogram_summary(baseline_pings)}")
        print(f"ping round trip, under attack: {histogram_summary(attack_pings)}")

        fresh = self.fresh_logins
        tried = len(fresh[ATTACK]) + sum(period == ATTACK for period, _ in self.fresh_login_failures)
        print(f"fresh login (connect to in the world) during the attack: p50 {ms(percentile(fresh[ATTACK], 0.5))}, "
              f"max {ms(max(fresh[ATTACK], default=math.nan))} ({len(fresh[ATTACK])} of {tried} logged in); "
              f"in the baseline: {ms(percentile(fresh[BASELINE], 0.5))}")
        for _period, failure in self.fresh_login_failures[:3]:
            print(f"  fresh login failed: {failure}")

        probes = self.probe_answers
        print(f"liveness probes (a new connection greeted with AP_GETLOGIN): {len(probes)} answered, "
              f"{self.probes_unanswered} not within {PROBE_TIMEOUT:.0f} s; answer p50 {ms(percentile(probes, 0.5))}, "
              f"p99 {ms(percentile(probes, 0.99))}, max {ms(max(probes, default=math.nan))}")

        rss_start, rss_after_baseline, rss_half_way, rss_end = figures.rss
        rss_max = max(self.rss_samples, default=0)
        print(f"server RSS: start {rss_start / 1024:.1f} MiB, after baseline {rss_after_baseline / 1024:.1f} MiB, "
              f"half-way through the attack {rss_half_way / 1024:.1f} MiB, max {rss_max / 1024:.1f} MiB, end "
              f"{rss_end / 1024:.1f} MiB; growth during the attack {(rss_end - rss_after_baseline) / 1024:+.1f} MiB, "
              f"in its second half {(rss_end - rss_half_way) / 1024:+.1f} MiB")
        held = self.rss_while_non_reader
        print(f"server RSS while a non-reader was held: max {max(held, default=0) / 1024:.1f} MiB "
              f"({len(held) * POLL:.0f} s of samples); output queued to it in the server's kernel socket: "
              f"max {max(self.non_reader_queued, default=0) / 1024:.0f} KiB")

        start, attack, end = figures.cpu
        baseline_seconds, attack_seconds = attack["at"] - start["at"], end["at"] - attack["at"]

        def share(key: str, before: dict[str, float], after: dict[str, float], seconds: float) -> str:
            return f"{(after[key] - before[key]) / seconds:.0%}"

        print(f"server CPU: baseline {share('server', start, attack, baseline_seconds)}, under attack "
              f"{share('server', attack, end, attack_seconds)} of one core")
        print(f"client CPU: players' worker baseline {share('players', start, attack, baseline_seconds)}, under attack "
              f"{share('players', attack, end, attack_seconds)}; attack workers {share('attackers', attack, end, attack_seconds)} "
              f"of one core (players' steps skipped as a step late: {players['late_steps']})")
        ours = sum(end[key] - attack[key] for key in ("server", "players", "attackers", "main"))
        others = max(0.0, end["machine"] - attack["machine"] - ours)
        print(f"other load on the machine during the attack: {others / attack_seconds:.0%} of one core "
              f"({os.cpu_count()} cores; other processes compete with the server and the clients)")

    def print_attacks(self, reports: list[dict[str, Any]], seconds: float) -> None:
        counts: Counter[str] = Counter()
        flood_cuts: dict[str, list[float]] = {}
        slowloris: list[float] = []
        non_reader: list[float] = []
        errors: list[str] = []
        for report in reports:
            counts.update(report["counts"])
            for kind, cuts in report["flood_cut_seconds"].items():
                flood_cuts.setdefault(kind, []).extend(cuts)
            slowloris += report["slowloris_closed_after"]
            non_reader += report["non_reader_cut_seconds"]
            errors += report["errors"]
        opened = counts["connections opened"]
        print(f"attack connections opened: {opened:,} ({opened / seconds * 60:,.0f} a minute)")
        for loop in ("random bytes", "slowloris", "login mutation", "wrong password", "game mutation", "non-reader"):
            items = [(key.split(": ", 1)[1], value) for key, value in sorted(counts.items())
                     if key.startswith(f"{loop}: ")]
            print(f"attack {loop}: " + (", ".join(f"{what} {value:,}" for what, value in items) or "none"))
        print(f"slowloris connections closed by the server after: p50 {percentile(slowloris, 0.5):.1f} s, "
              f"max {max(slowloris, default=math.nan):.1f} s")
        print(f"attack flood: {counts['flood: logins']} flooders logged in "
              f"({counts['flood: sessions']} sessions, bursts of {FLOOD_BURST} frames every "
              f"{FLOOD_BURST_EVERY * 1000:.0f} ms)")
        for kind in FLOOD_KINDS:
            cuts = flood_cuts.get(kind, [])
            not_cut = sum(value for key, value in counts.items() if key.startswith(f"flood {kind}: NOT"))
            print(f"flood {kind}: {counts[f'flood {kind}: frames']:,} frames sent; disconnected by the server: "
                  f"{len(cuts)} of {len(cuts) + not_cut} flooders, after p50 {ms(percentile(cuts, 0.5))}, "
                  f"max {ms(max(cuts, default=math.nan))} from the first frame")
        print(f"non-reader disconnected by the server: {len(non_reader)}, after p50 {percentile(non_reader, 0.5):.1f} s, "
              f"max {max(non_reader, default=math.nan):.1f} s of not reading")
        failures = sum(value for key, value in counts.items() if "login failed" in key)
        print(f"attacker logins that failed: {failures}; attacker-side errors: {sum(v for k, v in counts.items() if k.endswith('attacker error'))}")
        for error in errors[:2]:
            print(f"  attacker error: {error.strip().splitlines()[-1]}")

    def print_log_figures(self) -> list[str]:
        """The server's log: closings by reason, tracebacks, size. Returns problems."""
        try:
            text = self.server_log.read_text(errors="replace")
        except OSError:
            text = ""
        lines = text.splitlines()
        closed = Counter({label: sum(marker in line for line in lines) for marker, label in CLOSE_REASONS})
        print("connections the server closed, from its log: "
              + ", ".join(f"{label} {closed[label]:,}" for _, label in CLOSE_REASONS))
        others = Counter({label: sum(marker in line for line in lines) for marker, label in OTHER_EVENTS})
        print("other server log events: " + ", ".join(f"{label} {others[label]:,}" for _, label in OTHER_EVENTS))
        tracebacks = sum(any(word in line for word in TRACEBACK_WORDS) for line in lines)
        print(f"tracebacks in the server log: {tracebacks} (lines with {' or '.join(map(repr, TRACEBACK_WORDS))})")
        minutes = max(1e-9, (time.monotonic() - self.server_started) / 60) if self.server_started else math.nan
        print(f"server log: {len(text.encode()) / 1024:,.0f} KiB, {len(lines):,} lines, "
              f"{len(lines) / minutes:,.0f} lines a minute")
        exited = self.server_exited
        crashes = int(exited) + self.probes_unanswered
        print(f"server crashes: {crashes} (exited on its own: {'yes' if exited else 'no'}; liveness probes not "
              f"answered within {PROBE_TIMEOUT:.0f} s: {self.probes_unanswered})")
        problems = []
        if crashes:
            problems.append(f"{crashes} server crashes or stalls")
        if tracebacks:
            problems.append(f"{tracebacks} traceback lines in the server log")
            for line in [line for line in lines if any(word in line for word in TRACEBACK_WORDS)][:3]:
                print(f"  {line[:160]}")
        return problems

    def server_log_tail(self, count: int = 20) -> str:
        try:
            return "\n".join(self.server_log.read_text(errors="replace").splitlines()[-count:])
        except OSError:
            return ""

    # --------------------------------------------------------------- ending

    def stop_everything(self) -> None:
        """Helpers, clients, then the server; never leaves a process behind."""
        self.stop_helpers.set()
        self.control.phase.value = ATTACK_STOP
        self.shared.phase.value = PHASE_FINISH
        stop_processes(([self.players] if self.players is not None else []) + self.attackers, grace=5.0)
        for results in self.attacker_results + ([self.players_results] if self.players_results else []):
            results.close()
        stop_server(self.server)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--players", type=int, default=20, help="normal players walking and talking")
    parser.add_argument("--baseline", type=float, default=30.0, help="seconds of phase A (no attack)")
    parser.add_argument("--seconds", type=float, default=300.0, help="seconds of phase B (the attack)")
    parser.add_argument("--attack-workers", type=int, default=2, choices=(1, 2), help="attacker processes")
    parser.add_argument("--attacks", default=",".join(ATTACK_LOOPS),
                        help="comma-separated attack loops to run (default: all of them)")
    parser.add_argument("--keep", action="store_true", help="keep the folder (database, config, server log)")
    args = parser.parse_args(argv)
    if args.players < 2 or args.baseline <= 0 or args.seconds <= 0:
        parser.error("--players must be at least 2; --baseline and --seconds positive")
    args.attacks = [name.strip() for name in args.attacks.split(",") if name.strip()]
    if not set(args.attacks) <= set(ATTACK_LOOPS):
        parser.error(f"--attacks: choose among {', '.join(ATTACK_LOOPS)}")

    print(f"python {platform.python_version()} on {platform.machine()}, {platform.system()}, "
          f"{os.cpu_count()} cores")
    signal.signal(signal.SIGTERM, raise_interrupt)
    run = SoakRun(args)
    # Setup allowance: accounts, server start, logins, warm-up, drain, reports and the
    # attack loops' last socket calls.
    run.deadline = time.monotonic() + args.baseline + args.seconds + 150.0 + 0.3 * args.players
    code = 1
    try:
        code = run.run()
    except BenchFailure as failure:
        run.problems.append(str(failure))
    except KeyboardInterrupt:
        run.problems.append("interrupted")
    finally:
        run.stop_everything()
        run.problems += run.print_log_figures()
        if args.keep:
            print(f"kept {run.folder}")
        else:
            shutil.rmtree(run.folder, ignore_errors=True)
    for problem in run.problems:
        print(f"FAILED: {problem}")
    ok = code == 0 and not run.problems
    print("result: ok" if ok else "result: " + "; ".join(problem.splitlines()[0] for problem in run.problems))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
