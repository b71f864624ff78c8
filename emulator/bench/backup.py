"""Backup benchmark: the world's tick and the reactor's lag while the store is backed up.

    python -m emulator.bench.backup [--database URL] [--accounts 2000] [--items 50000]
        [--logins 200000] [--seconds 20] [--data DIR --room-files DIR]

A throwaway folder gets a database (SQLite there, or ``--database``: an EMPTY MariaDB/MySQL
database it may fill and leaves filled) with N accounts and characters, items on the ground and
in inventories, and login records to give it some size. The real server (``emulator.tap``, its
store thread, the backup service) then runs on ``twisted.internet.reactor``, its game port on
127.0.0.1, autosaving every 2 s so the store writes all along. Two windows of ``--seconds``:

* quiet: no backup;
* backing up: one backup after the other through the server's backup service (its own thread
  and connections), as the ``backup`` command would start them.

Printed for each window (never asserted): the hub's tick time p50/p99/max, the reactor's lag
(a 50 ms timer, how late it fires) p50/p99/max, autosaves completed; for the second, the
backups taken, their time and size. Bounded by the windows plus a setup allowance.
"""

from __future__ import annotations

import argparse
import datetime
import math
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from twisted.internet import defer, task

from emulator import auth
from emulator.bench.load import percentile
from emulator.config import DEFAULT_DATA_DIR
from emulator.store import accounts, characters
from emulator.store.database import open_database, redact
from emulator.store.models import ItemRecord, LoginRecord

LAG_PROBE_SECONDS = 0.05
SETUP_ALLOWANCE = 120.0  # seconds for the server to start, beyond the windows


def fill(url: str, accounts_count: int, items: int, logins: int) -> None:
    """Accounts with a character each, items, login records; cheap hashes, rows in batches."""
    database = open_database(url)
    try:
        now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
        ids = []
        for index in range(accounts_count):
            accounts.create_account(database, f"bench{index:05d}", "pw", cost=auth.TEST_COST)
            ids.append(characters.create_character(database, f"bench{index:05d}", f"Bencher{index:05d}").id)
        with database.atomic():
            rows = [{"id": 0x0300_0000 + n, "kind": "apple", "number": 1 + n % 9, "room": None if n % 2 else "jasper_inn",
                     "y": 256, "x": 256, "angle": 0, "carrier": ids[n % len(ids)] if n % 2 and ids else None,
                     "slot": n, "arrived_ms": 0} for n in range(items)]
            for start in range(0, len(rows), 500):
                ItemRecord.insert_many(rows[start:start + 500]).execute()
            records = [{"account": None, "name_tried": f"bench{n % max(1, accounts_count):05d}", "address": "127.0.0.1",
                        "time": now, "success": True, "outcome": "ok"} for n in range(logins)]
            for start in range(0, len(records), 1000):
                LoginRecord.insert_many(records[start:start + 1000]).execute()
    finally:
        database.close()


class Window:
    """Tick times, reactor lag and saves over one stretch of time."""

    def __init__(self, hub: Any, reactor: Any) -> None:
        self.hub = hub
        self.reactor = reactor
        self.lags: list[float] = []
        self.started = time.perf_counter()
        self._expected = reactor.seconds() + LAG_PROBE_SECONDS
        self.probe = task.LoopingCall(self._probe)
        self.probe.clock = reactor
        self.probe.start(LAG_PROBE_SECONDS, now=False)

    def _probe(self) -> None:
        now = self.reactor.seconds()
        self.lags.append(max(0.0, now - self._expected))
        self._expected = now + LAG_PROBE_SECONDS

    def close(self, name: str) -> None:
        self.probe.stop()
        ended = time.perf_counter()
        ticks = [t.duration * 1000 for t in self.hub.ticks if self.started <= t.started < ended]
        lags = [lag * 1000 for lag in self.lags]
        saves = [s for s in self.hub.saves if self.started <= s.started and s.finished is not None and s.finished < ended]
        print(f"{name}: {len(ticks)} ticks, tick p50 {percentile(ticks, 0.5):.2f} ms, p99 {percentile(ticks, 0.99):.2f} ms, "
              f"max {max(ticks, default=math.nan):.2f} ms; reactor lag p50 {percentile(lags, 0.5):.2f} ms, "
              f"p99 {percentile(lags, 0.99):.2f} ms, max {max(lags, default=math.nan):.2f} ms "
              f"({len(lags)} samples); {len(saves)} autosaves")


async def scenario(reactor: Any, top: Any, seconds: float) -> None:
    store = top.getServiceNamed("store")
    await store.ready
    hub = top.getServiceNamed("game").hub
    backups = top.control.backups
    await task.deferLater(reactor, 2.0, lambda: None)  # the start settles

    quiet = Window(hub, reactor)
    await task.deferLater(reactor, seconds, lambda: None)
    quiet.close("quiet")

    backing_up = Window(hub, reactor)
    deadline = reactor.seconds() + seconds
    records = []
    while reactor.seconds() < deadline:
        started = backups.start()
        if started is None:  # a scheduled one (off here) or a leftover: wait for it
            await task.deferLater(reactor, 0.1, lambda: None)
            continue
        records.append(await started)
    backing_up.close("backing up")
    done = [r for r in records if r.error is None]
    failed = [r.error for r in records if r.error is not None]
    if done:
        times = [r.seconds for r in done]
        print(f"backups: {len(done)} taken back to back, {min(times):.2f}-{max(times):.2f} s each, "
              f"{done[-1].size / (1 << 20):.1f} MiB ({Path(done[-1].path).name.split('.', 1)[1]})")
    if failed:
        print(f"FAILED backups: {failed[:3]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m emulator.bench.backup", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", help="an EMPTY database URL to fill and use (default: SQLite in a temporary folder)")
    parser.add_argument("--accounts", type=int, default=2000, help="accounts, one character each")
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--logins", type=int, default=200_000, help="login records (size)")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each window")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR, help="the world's data folder")
    parser.add_argument("--room-files", type=Path, help="the folder of .roo files")
    args = parser.parse_args(argv)

    folder = Path(tempfile.mkdtemp(prefix="m59emu-bench-backup-"))
    try:
        url = args.database or f"sqlite:///{folder / 'bench.db'}"
        began = time.perf_counter()
        fill(url, args.accounts, args.items, args.logins)
        print(f"database {redact(url)}: {args.accounts} accounts and characters, {args.items} items, "
              f"{args.logins} login records (filled in {time.perf_counter() - began:.1f} s)")
        config = folder / "m59emu.toml"
        config.write_text(
            f'[server]\nlisten = "tcp:0:interface=127.0.0.1"\ndatabase = "{url}"\ndata = "{args.data}"\n'
            f'[world]\nrsc_dir = "{folder / "rsc"}"\nautosave_seconds = 2.0\n'
            f'room_files = "{args.room_files or ""}"\n'
            f'[admin]\nssh_listen = ""\n[web]\nlisten = ""\n'
            f'[backup]\ndir = "{folder / "backups"}"\nevery_hours = 0.0\nkeep = 2\n'
        )
        from twisted.internet import reactor

        from emulator.tap import Options, makeService

        options = Options()
        options.parseOptions(["--config", str(config)])
        top = makeService(options, reactor=reactor)
        outcome: list[int] = []

        async def run() -> None:
            try:
                await scenario(reactor, top, args.seconds)
                outcome.append(0)
            finally:
                await defer.maybeDeferred(top.stopService)
                if reactor.running:
                    reactor.stop()

        def begin() -> None:
            top.startService()
            defer.Deferred.fromCoroutine(run()).addErrback(lambda failure: print(failure.getTraceback()))

        def give_up() -> None:
            print("FAILED: the benchmark did not finish in time")
            if reactor.running:
                reactor.stop()

        reactor.callWhenRunning(begin)
        timeout = reactor.callLater(2 * args.seconds + SETUP_ALLOWANCE, give_up)
        reactor.run()
        if timeout.active():
            timeout.cancel()
        print(f"python {sys.version.split()[0]}")
        return 0 if outcome else 1
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
