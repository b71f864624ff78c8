"""Crowd benchmark: the real server in its own process, N bots in separate worker processes.

    python -m emulator.bench.crowd [--clients 300] [--rooms 1] [--seconds 20] [--step 0.5] [--workers 2]

What it measures: how the server copes with many players who all see each other move
(every step of every player goes to everyone else in the room), from the outside, with
clients cheap enough not to be the bottleneck (their CPU is printed to show it).

How: a throwaway folder gets a SQLite database with N accounts and N ready characters and
a config: listen on 127.0.0.1 only, connection and per-address login limits above N (all
bots come from one address), autosave every 60 s, no .roo files (so no walls: the grid
and its exits are the only obstacles). The server runs as ``python -m twisted m59emu
--config ...`` in that folder. ``--workers`` processes (:mod:`emulator.bench.crowd_bot`)
share the bots. A bot logs in through a :class:`~emulator.testing.client.TestClient`
(AP_LOGIN .. AP_REQ_GAME, BP_SEND_CHARACTERS, BP_USE_CHARACTER) and walks through square
exits (``BP_REQ_MOVE`` + ``BP_REQ_GO``) to one of ``--rooms`` rooms: the Yonder Inn and the
rooms nearest to it on foot (the bundled data has 7 such rooms). In game mode it reads
frames lightly (frame split, opcode de-scrambling, ``BP_MOVE`` id/y/x; everything else
only counted). TCP connects are paced (crowd_bot.HANDSHAKES_IN_FLIGHT) to stay within
the server's listen backlog: beyond it Linux SYN cookies lose connections silently.
Once all are in, every bot steps between two free neighbouring squares every ``--step``
seconds and pings every 5 s as the stock client does (so the s2c opcode scrambler is on).
After a warm-up, a window of ``--seconds``; then the movers stop and the deliveries of
the window's moves are collected for up to :data:`DRAIN_LIMIT` seconds.

Figures: login to in-world (connect to BP_ROOM_CONTENTS of the start room). Move latency
from a mover's send to each observer's receipt of that move's ``BP_MOVE``, across
processes (CLOCK_MONOTONIC is shared; the move's number is encoded in its fine position,
its send time is in shared memory: see :mod:`emulator.bench.crowd_bot`). Expected
deliveries: each move sent in the window times the other bots in the mover's room;
delivered: those that arrived. Ping round trip: the server answers BP_PING at once, so
it shows the server's own delay apart from its broadcast pacing. Server CPU (user +
system over the window) and RSS from ``/proc/PID``; each worker's CPU and how late its
step timers ran, so that a saturated client side is visible; and the CPU the rest of
the machine used, since other processes compete for the same cores.

Printed (never asserted), one figure a line; exit 0 on success, 1 when a bot did not get
in or was dropped. Everything is bounded: a hard deadline (``--seconds`` plus a setup
allowance that grows with N), a timeout for every phase, and every process started here
is stopped at the end (also on an error, Ctrl-C or SIGTERM; the server also when this
process is killed outright).
"""

from __future__ import annotations

import argparse
import ctypes
import math
import multiprocessing
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import attrs

from emulator import auth
from emulator.bench.crowd_bot import (
    ARRIVED,
    FAILED,
    HISTOGRAM_BUCKETS,
    IN_WORLD,
    PHASE_DRAIN,
    PHASE_FINISH,
    PHASE_WALK,
    STATUS_NAMES,
    BotPlan,
    Shared,
    WorkerPlan,
    histogram_percentile,
    run_worker,
)
from emulator.bench.load import HOST, IN_WORLD_TIMEOUT, PASSWORD, TRAVEL_TIMEOUT, ms, percentile, routes_to_rooms
from emulator.config import DEFAULT_DATA_DIR
from emulator.content.loader import load_world
from emulator.store import accounts, characters
from emulator.store.database import open_database

REPO = Path(__file__).resolve().parents[2]
SERVER_START_TIMEOUT = 30.0
WARM_UP = 2.0  # seconds of everyone walking before the window (plus one step)
DRAIN_LIMIT = 15.0  # seconds to collect the window's deliveries after the movers stop
DRAIN_QUIET = 1.0  # ...or until no delivery arrived for this long
REPORT_TIMEOUT = 15.0  # for the workers' reports at the end
POLL = 0.05
PR_SET_PDEATHSIG = 1  # prctl option (linux/prctl.h)
SATURATED_CPU = 0.85  # a worker busier than this share of a core may delay what it measures
SERIOUS_LOG_WORDS = ("#warn]", "#error]", "#critical]", "Traceback")  # in twist's log lines


class BenchFailure(RuntimeError):
    """A phase did not complete: the reasons are in the message."""


# ---------------------------------------------------------------------- /proc


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (fields 14 and 15 of /proc/PID/stat)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU time all cores spent busy (not idle or waiting) since boot, from /proc/stat."""
    with open("/proc/stat") as stat:
        fields = [int(value) for value in stat.readline().split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


@attrs.frozen
class CpuSnapshot:
    """CPU seconds used so far: the server, each worker, this process, the whole machine."""

    server: float
    workers: tuple[float, ...]
    main: float
    machine: float

    @classmethod
    def take(cls, server_pid: int, worker_pids: list[int]) -> CpuSnapshot:
        times = os.times()
        return cls(cpu_seconds(server_pid), tuple(cpu_seconds(pid) for pid in worker_pids),
                   times.user + times.system, machine_busy_seconds())


def die_with_parent() -> None:
    """In the server's process before exec: SIGTERM when the benchmark dies, even by SIGKILL."""
    try:
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass  # not Linux: the benchmark's own cleanup still stops the server


def raise_interrupt(signum: int, frame: object) -> None:
    """SIGTERM like Ctrl-C: the cleanup in main() runs."""
    raise KeyboardInterrupt


def listen_overflows() -> int:
    """TcpExt ListenOverflows (system-wide): handshakes dropped because an accept queue was full."""
    try:
        with open("/proc/net/netstat") as netstat:
            lines = netstat.read().splitlines()
    except OSError:
        return 0
    for names, values in zip(lines[::2], lines[1::2]):
        if names.startswith("TcpExt:"):
            row = dict(zip(names.split()[1:], values.split()[1:]))
            return int(row.get("ListenOverflows", 0))
    return 0


def resident_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


# ---------------------------------------------------------------------- the run


class CrowdRun:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.folder = Path(tempfile.mkdtemp(prefix="m59emu-crowd-"))
        self.database_url = f"sqlite:///{self.folder / 'crowd.db'}"
        self.account_names = [f"crowdbot{index:04d}" for index in range(args.clients)]
        self.definition = load_world(DEFAULT_DATA_DIR)
        self.routes = routes_to_rooms(self.definition, args.rooms)
        self.port = 0
        self.server: subprocess.Popen[bytes] | None = None
        self.server_log = self.folder / "server.log"
        self.workers: list[multiprocessing.process.BaseProcess] = []
        self.results: list[Connection] = []
        self.shared = Shared.create(args.clients, args.workers)
        self.deadline = math.inf
        self.problems: list[str] = []  # why the result is not ok

    # --------------------------------------------------------------- setting up

    def prepare(self) -> None:
        """Accounts and ready characters straight into the store (cheap hashes), and a config."""
        database = open_database(self.database_url)
        try:
            for index, name in enumerate(self.account_names):
                accounts.create_account(database, name, PASSWORD, cost=auth.TEST_COST)
                characters.create_character(database, name, f"Crowd{index:04d}")
        finally:
            database.close()
        with socket.socket() as probe:  # a free loopback port for the server
            probe.bind((HOST, 0))
            self.port = probe.getsockname()[1]
        clients = self.args.clients
        self.config_path = self.folder / "m59emu.toml"
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
            "[limits]\n"  # every bot comes from 127.0.0.1
            f"max_connections_per_address = {clients + 10}\n"
            f"max_connections_total = {clients + 10}\n"
            # Login tokens are taken per address before the password is checked (and given
            # back when it was right): N logins in flight from one address need N tokens.
            f"failed_logins_per_address = {clients + 10}\n"
        )

    def start_server(self) -> None:
        environment = dict(os.environ)
        environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), environment.get("PYTHONPATH")]))
        with open(self.server_log, "wb") as log:
            self.server = subprocess.Popen(
                [sys.executable, "-m", "twisted", "--log-format", "text", "m59emu", "--config", str(self.config_path)],
                cwd=self.folder,
                env=environment,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=die_with_parent,
            )
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while time.monotonic() < deadline:
            if self.server.poll() is not None:
                raise BenchFailure(f"the server exited with {self.server.returncode}:\n{self.server_log_tail()}")
            try:
                socket.create_connection((HOST, self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.1)
        raise BenchFailure(f"the server did not listen within {SERVER_START_TIMEOUT:.0f} s:\n{self.server_log_tail()}")

    def start_workers(self) -> None:
        count = self.args.workers
        assigned: list[list[BotPlan]] = [[] for _ in range(count)]
        for index, account in enumerate(self.account_names):
            room, route = self.routes[index % len(self.routes)]
            # Round-robin over rooms and workers: every worker has movers and observers in every room.
            assigned[index % count].append(BotPlan(index, account, route, room))
        rsc_path = self.folder / "rsc" / "m59emu.rsc"
        for number in range(count):
            plan = WorkerPlan(
                number=number,
                workers=count,
                port=self.port,
                rsc_path=str(rsc_path),
                bots=tuple(assigned[number]),
                rooms=self.definition.rooms,
                step=self.args.step,
                deadline=self.deadline,
                parent_pid=os.getpid(),
                seed=number + 1,
            )
            receiving, sending = multiprocessing.Pipe(duplex=False)
            process = multiprocessing.Process(target=run_worker, args=(plan, self.shared, sending),
                                              name=f"crowd-worker-{number}", daemon=True)
            process.start()
            sending.close()  # the child's end
            self.workers.append(process)
            self.results.append(receiving)

    # --------------------------------------------------------------- waiting

    def check_alive(self) -> None:
        if time.monotonic() > self.deadline:
            raise BenchFailure("hard deadline exceeded")
        if self.server is not None and self.server.poll() is not None:
            raise BenchFailure(f"the server exited with {self.server.returncode}:\n{self.server_log_tail()}")
        for process in self.workers:
            if not process.is_alive():
                raise BenchFailure(f"{process.name} exited early with {process.exitcode}: {self.worker_error()}")

    def wait_until(self, condition: Callable[[], bool], timeout: float) -> bool:
        limit = time.monotonic() + timeout
        while not condition():
            self.check_alive()
            if time.monotonic() > limit:
                return False
            time.sleep(POLL)
        return True

    def sleep(self, seconds: float) -> None:
        until = time.monotonic() + seconds
        while (left := until - time.monotonic()) > 0:
            self.check_alive()
            time.sleep(min(POLL, left))

    def statuses(self) -> list[int]:
        return list(self.shared.status)

    def failed_bots(self) -> list[int]:
        return [index for index, status in enumerate(self.statuses()) if status == FAILED]

    # --------------------------------------------------------------- the scenario

    def run(self) -> int:
        args = self.args
        started = time.perf_counter()
        self.prepare()
        print(f"prepared {args.clients} accounts and characters in {time.perf_counter() - started:.1f} s "
              f"in {self.folder}")
        if len(self.routes) < args.rooms:
            print(f"note: only {len(self.routes)} rooms are reachable from the start through square exits; "
                  f"using {len(self.routes)}, not {args.rooms}")
        self.start_server()
        assert self.server is not None
        server_pid = self.server.pid
        rss_idle = resident_kib(server_pid)
        print(f"server pid {server_pid} on {HOST}:{self.port}, RSS {rss_idle / 1024:.1f} MiB before any login")
        overflows_before = listen_overflows()
        self.start_workers()

        # Everybody logs in (TCP connects paced: see crowd_bot.HANDSHAKES_IN_FLIGHT).
        clients = args.clients
        login_timeout = IN_WORLD_TIMEOUT + 0.1 * clients
        self.wait_until(lambda: all(s in (IN_WORLD, ARRIVED, FAILED) for s in self.statuses()), login_timeout)
        connect_at, in_world_at = list(self.shared.connect_at), list(self.shared.in_world_at)
        entered = [in_world_at[i] - connect_at[i] for i in range(clients) if in_world_at[i] > 0]
        wave = max(in_world_at, default=0.0) - min((t for t in connect_at if t > 0), default=0.0)
        print(f"login to in-world: p50 {ms(percentile(entered, 0.5))}, p99 {ms(percentile(entered, 0.99))}, "
              f"max {ms(max(entered, default=math.nan))} ({len(entered)}/{clients} in world; "
              f"{wave:.1f} s from the first connect to the last in world; "
              f"listen queue overflows: {listen_overflows() - overflows_before})")
        if len(entered) < clients:
            raise BenchFailure(self.describe_stuck(f"did not get into the world within the {login_timeout:.0f} s limit"))

        # Travel to the assigned rooms.
        travelled = self.wait_until(lambda: all(s in (ARRIVED, FAILED) for s in self.statuses()), TRAVEL_TIMEOUT)
        if not travelled or self.failed_bots():
            raise BenchFailure(self.describe_stuck("did not reach their rooms"))
        room_ids = list(self.shared.room_ids)
        players_in_room = Counter(room_ids)
        room_names: dict[int, str] = {}
        for index, room_id in enumerate(room_ids):
            room_names.setdefault(room_id, self.routes[index % len(self.routes)][0])
        per_room = ", ".join(f"{room_names[room]} {count}" for room, count in players_in_room.most_common())
        rooms = len(players_in_room)
        print(f"clients: {clients} in {rooms} room{'s' if rooms != 1 else ''} (players per room: {per_room}), "
              f"{args.workers} worker processes")

        # Walk: warm-up, then the window.
        self.shared.phase.value = PHASE_WALK
        self.sleep(WARM_UP + args.step)
        worker_pids = [process.pid for process in self.workers if process.pid is not None]
        cpu_before = CpuSnapshot.take(server_pid, worker_pids)
        window_started = time.monotonic()
        self.shared.window[0] = window_started
        self.sleep(args.seconds)
        window_ended = time.monotonic()
        self.shared.window[1] = window_ended
        cpu_after = CpuSnapshot.take(server_pid, worker_pids)
        rss_crowd = resident_kib(server_pid)
        window = window_ended - window_started

        # The movers stop; collect the deliveries of the window's moves still on their way.
        self.shared.phase.value = PHASE_DRAIN
        drain_started = time.monotonic()
        delivered_so_far = sum(self.shared.delivered)
        quiet_since = drain_started
        while time.monotonic() - quiet_since < DRAIN_QUIET and time.monotonic() - drain_started < DRAIN_LIMIT:
            self.sleep(0.1)
            now_delivered = sum(self.shared.delivered)
            if now_delivered != delivered_so_far:
                delivered_so_far, quiet_since = now_delivered, time.monotonic()
        drain = time.monotonic() - drain_started
        dropped_in_run = self.failed_bots()

        reports = self.collect_reports()
        self.print_figures(reports, players_in_room, window, drain, cpu_before, cpu_after, rss_idle, rss_crowd)
        if dropped_in_run:
            raise BenchFailure(self.describe_stuck("were dropped during the run", reports))
        return 0

    def collect_reports(self) -> list[dict[str, Any]]:
        self.shared.phase.value = PHASE_FINISH
        reports = []
        for number, results in enumerate(self.results):
            if not results.poll(REPORT_TIMEOUT):
                raise BenchFailure(f"worker {number} sent no report within {REPORT_TIMEOUT:.0f} s")
            report = results.recv()
            if "error" in report:
                raise BenchFailure(f"worker {number} failed:\n{report['error']}")
            reports.append(report)
        for process in self.workers:
            process.join(REPORT_TIMEOUT)
        return reports

    def print_figures(self, reports: list[dict[str, Any]], players_in_room: Counter[int], window: float,
                      drain: float, cpu_before: CpuSnapshot, cpu_after: CpuSnapshot, rss_idle: int,
                      rss_crowd: int) -> None:
        args = self.args

        def total(key: str) -> int:
            return sum(report[key] for report in reports)

        def by_room(key: str) -> Counter[int]:
            counts: Counter[int] = Counter()
            for report in reports:
                counts.update(report[key])
            return counts

        # Deliveries: every move of the window times the other bots in the mover's room.
        moves_in_room = by_room("moves_in_window")
        moves = sum(moves_in_room.values())
        expected = sum(count * (players_in_room[room] - 1) for room, count in moves_in_room.items())
        delivered = total("delivered")
        fraction = f"{delivered / expected:.1%}" if expected else "n/a"
        print(f"moves sent: {moves / window:,.0f}/s (scheduled {args.clients / args.step:,.0f}/s); "
              f"expected deliveries: {expected / window:,.0f}/s; delivered: {delivered / window:,.0f}/s "
              f"(fraction delivered: {fraction}; window {window:.1f} s, then {drain:.1f} s for the last deliveries)")

        def merged(key: str) -> list[int]:
            return [sum(report[key][bucket] for report in reports) for bucket in range(HISTOGRAM_BUCKETS)]

        histogram = merged("histogram")
        latency_max = max((report["latency_max"] for report in reports), default=0.0)
        print(f"move latency send->observer: p50 {ms(histogram_percentile(histogram, 0.5))}, "
              f"p99 {ms(histogram_percentile(histogram, 0.99))}, max {ms(latency_max if delivered else math.nan)} "
              f"({delivered:,} deliveries; percentiles to 2 %)")
        pings = merged("ping_histogram")
        print(f"ping round trip (BP_PING->BP_ECHO_PING, answered at once): p50 {ms(histogram_percentile(pings, 0.5))}, "
              f"p99 {ms(histogram_percentile(pings, 0.99))} ({sum(pings)} pings)")

        server_cpu = cpu_after.server - cpu_before.server
        received = total("received_in_window")
        per_message = f"{server_cpu / received * 1e6:.1f}" if received else "n/a"
        print(f"server CPU: {server_cpu / window:.0%} of one core (user+system from /proc/PID/stat over the "
              f"window); µs of server CPU per delivered message: {per_message} "
              f"({received / window:,.0f} messages/s received by the bots, all kinds)")

        per_player = (rss_crowd - rss_idle) / args.clients
        print(f"server RSS: {rss_crowd / 1024:.1f} MiB ({per_player:.1f} KiB per player over "
              f"{rss_idle / 1024:.1f} MiB idle)")

        worker_seconds = [after - before for before, after in zip(cpu_before.workers, cpu_after.workers)]
        worker_shares = [seconds / window for seconds in worker_seconds]
        late = total("late_steps")
        lateness = merged("lateness_histogram")
        print("client workers CPU: " + ", ".join(f"{share:.0%}" for share in worker_shares)
              + f" of one core each ({args.clients / args.workers:.0f} bots per worker; their step timers ran late "
              f"by p50 {ms(histogram_percentile(lateness, 0.5))}, p99 {ms(histogram_percentile(lateness, 0.99))}; "
              f"steps skipped as a step late: {late})")
        ours = (server_cpu + sum(worker_seconds) + cpu_after.main - cpu_before.main)
        others = max(0.0, cpu_after.machine - cpu_before.machine - ours)
        print(f"other load on the machine: {others / window:.0%} of one core over the window "
              f"({os.cpu_count()} cores; other processes compete with the server and the bots)")
        if any(share > SATURATED_CPU for share in worker_shares) or late:
            print(f"note: the client side fell behind (a worker over {SATURATED_CPU:.0%} of a core, or late steps): "
                  "its figures include client delay; try more --workers")

        refused = total("refused")
        refused_in_room = by_room("refused_in_window")
        not_owed = sum(count * (players_in_room[room] - 1) for room, count in refused_in_room.items())
        print(f"moves refused by the server: {refused} ({sum(refused_in_room.values())} in the window, "
              f"which explain about {not_owed:,} of the {max(0, expected - delivered):,} missing deliveries)")
        unmatched = total("unmatched")
        if unmatched:
            print(f"note: {unmatched} BP_MOVEs of bots matched no move sent (slot reused or foreign position)")

    def print_log_warnings(self) -> None:
        """The server's warnings and errors, alike lines counted together (after it stopped)."""
        warnings = Counter(self.log_summary(line) for line in self.server_log_lines()
                           if any(word in line for word in SERIOUS_LOG_WORDS))
        if warnings:
            print("server log warnings: " + "; ".join(f"{count} x {text}" for text, count in warnings.most_common(3)))

    @staticmethod
    def log_summary(line: str) -> str:
        """A log line without its time stamp and peer, so that alike lines count together."""
        text = line.split("] ", 1)[-1]
        return text.split(" peer=", 1)[0][:120]

    # --------------------------------------------------------------- reasons

    def describe_stuck(self, what: str, reports: list[dict[str, Any]] | None = None) -> str:
        """The bots that are not where they should be, with what their workers know of them."""
        if reports is None:
            reports = self.reports_after_failure()
        statuses = self.statuses()
        lagging = [index for index, status in enumerate(statuses) if status != ARRIVED]
        by_status = Counter(STATUS_NAMES[statuses[index]] for index in lagging)
        lines = [f"{len(lagging)} bots {what} (" + ", ".join(f"{count} {name}" for name, count in by_status.items())
                 + "):"]
        details: list[str] = []
        for report in reports:
            details.extend(report.get("failures", []))
        for report in reports:
            details.extend(report.get("lagging", []))
        if not details:
            details = [f"bot {index} ({self.account_names[index]}): {STATUS_NAMES[statuses[index]]}"
                       for index in lagging]
        lines.extend(f"  {detail}" for detail in details[:10])
        if len(details) > 10:
            lines.append(f"  ... and {len(details) - 10} more")
        return "\n".join(lines)

    def reports_after_failure(self) -> list[dict[str, Any]]:
        """Stop the workers and take whatever reports they send within a few seconds."""
        self.shared.phase.value = PHASE_FINISH
        reports = []
        for results in self.results:
            try:
                if results.poll(5.0):
                    reports.append(results.recv())
            except (EOFError, OSError):
                continue
        return reports

    def worker_error(self) -> str:
        for results in self.results:
            try:
                if results.poll(0):
                    report = results.recv()
                    return str(report.get("error") or report.get("failures"))
            except (EOFError, OSError):
                continue
        return "no report"

    def server_log_lines(self) -> list[str]:
        try:
            return self.server_log.read_text(errors="replace").splitlines()
        except OSError:
            return []

    def server_log_tail(self, lines: int = 20) -> str:
        return "\n".join(self.server_log_lines()[-lines:])

    # --------------------------------------------------------------- ending

    def stop_everything(self) -> None:
        """Workers first (they may be mid-report), then the server; never leaves a process behind."""
        self.shared.phase.value = PHASE_FINISH
        stop_processes(self.workers, grace=2.0)
        for results in self.results:
            results.close()
        stop_server(self.server)


def stop_processes(processes: Sequence[multiprocessing.process.BaseProcess], grace: float) -> None:
    """Let each process end within ``grace`` seconds, then terminate it, then kill it."""
    for process in processes:
        process.join(timeout=grace)
        if process.is_alive():
            process.terminate()
            process.join(timeout=5.0)
        if process.is_alive():
            process.kill()
            process.join(timeout=5.0)


def stop_server(server: subprocess.Popen[bytes] | None) -> None:
    """SIGTERM (the server saves and closes), and a kill if it has not gone in 15 s."""
    if server is not None and server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=5)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--clients", type=int, default=300, help="bots connecting at once")
    parser.add_argument("--rooms", type=int, default=1, help="rooms to spread the bots over")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of the measurement window")
    parser.add_argument("--step", type=float, default=0.5, help="seconds between a bot's moves")
    parser.add_argument("--workers", type=int, default=2, help="client worker processes")
    args = parser.parse_args(argv)
    if args.clients < 2 or args.rooms < 1 or args.seconds <= 0 or args.step <= 0 or args.workers < 1:
        parser.error("--clients must be at least 2; --rooms, --seconds, --step and --workers positive")
    args.workers = min(args.workers, args.clients)

    print(f"python {platform.python_version()} on {platform.machine()}, {platform.system()}, "
          f"{os.cpu_count()} cores")
    signal.signal(signal.SIGTERM, raise_interrupt)
    run = CrowdRun(args)
    # Setup allowance: accounts, server start, N logins, travel, warm-up, drain, reports.
    run.deadline = time.monotonic() + args.seconds + 150.0 + 0.3 * args.clients
    code = 1
    try:
        code = run.run()
    except BenchFailure as failure:
        run.problems.append(str(failure))
    except KeyboardInterrupt:
        run.problems.append("interrupted")
    finally:
        run.stop_everything()
        run.print_log_warnings()
        shutil.rmtree(run.folder, ignore_errors=True)
    for problem in run.problems:
        print(f"FAILED: {problem}")
    print("result: ok" if code == 0 and not run.problems else "result: " + "; ".join(
        problem.splitlines()[0] for problem in run.problems))
    return 0 if code == 0 and not run.problems else 1


if __name__ == "__main__":
    sys.exit(main())
