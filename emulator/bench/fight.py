"""Fight benchmark: the whole imported world, every monster room full, N players fighting.

    m59emu import --source ../shared/upstream --out /tmp/m59-original
    python -m emulator.bench.fight --data /tmp/m59-original \\
        --room-files ../shared/upstream/resource/rooms [--players 100] [--ticks 300] [--seconds 60]

Why the whole server in memory: a fight costs more than ``World.attack`` and
``World.tick``. Every swing and every monster step is rendered into messages, encoded
once and finished per recipient (opcode scrambling, CRC, header) on its way to each
connection, and every request is decoded and checked on its way in. So this runs the
real service tree of :class:`~emulator.testing.memory_server.MemoryServer` (protocol,
connection machine, game service, hub, store) on a ``MemoryReactorClock`` that the
benchmark advances itself, with the server's real broadcast pacing and its heap frozen
at start as ``twistd`` does (``--no-freeze-heap`` leaves it out); only the sockets and
the store's thread are left out (the store runs inline, so its SQLite work, a death's
log-off and log-in, counts as server time here). The hub with in-memory links would skip
the wire layer, the part that grows with every recipient; real sockets would put the
kernel and the clients into the figures and make the clock the wall's.

How: the data folder is loaded as the server loads it, then the clock runs in 1 s steps
until every monster room is full (at most ``--fill-ticks``). N accounts and characters
are made; each character is stored standing on a monster spawn square of a room where
fighting is allowed, the players spread over those rooms round-robin (``--rooms`` limits
how many, spread over the sorted list), with ``--health`` hit points. The players log in
one by one through the protocol; then the clock advances in ``--step`` steps (1/8 s, so
the 1 s attack delay falls on a step exactly). At each step every player:

* sends ``BP_REQ_ATTACK`` at the nearest monster of its room when one is within unarmed
  reach and its last swing was at least the attack delay ago;
* otherwise, at most every ``MOVE_SECONDS``, sends ``BP_REQ_MOVE`` one square towards the
  nearest monster (a shortest walk round the room file's walls, near ones only; a random
  free square when there is none);
* pings every 5 s, as the stock client does (which also turns its opcode scrambler on).

The players read the world's state to choose (as a client would read its room's
contents) and read what they are sent only as frames (header and sequence number): a
full decode per client would cost more than the server. A player killed by a monster
goes to the Underworld; rather than walk it out through a portal, it logs off, its stored
character is put back on its square with full health (as an operator would), and it logs
in again; the server side of that counts as server work, and the re-joins are counted.

Two phases follow a warm-up of ``--warmup`` game seconds:

* fast: ``--ticks`` game seconds back to back (bounded by ``--time-limit`` of wall time);
* real time: ``--seconds`` of wall time, the game clock following the wall clock.

Figures, one a line (printed, never asserted): the hub's tick p50/p99/max (``World.tick``
and rendering its events) and the broadcast flushes apart; request handling per attack
(decode, checks, ``World.attack``, rendering, the attacker's reply written) and per move;
attacks sent and resolved per game second; monsters killed and spawned; players killed;
garbage collections (a full one pauses everything); frames and bytes the players
received; server CPU (the process CPU spent inside the server's entry points: requests,
the clock's timers, connections) and the whole process's CPU over the wall time, which
is a share of a core in the real-time phase; resident memory before and after the
players. ``--players 0`` gives the world alone through the whole server.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import attrs

from emulator import auth
from emulator.content.model import square_centre, square_of
from emulator.game.context import GameConfig
from emulator.importer.startup import resident_mb
from emulator.rules.combat import PLAYER_ATTACK_DELAY_MS, player_attack_reach, within_reach
from emulator.store import accounts, characters
from emulator.store.characters import CharacterState
from emulator.testing.memory_server import MemoryClient, MemoryServer
from emulator.wire.framing import MAX_SERVER_PAYLOAD, FrameDecoder
from emulator.world.monsters import STEPS, Monster, WalkGraph, can_walk, chase_step_on
from emulator.world.roofile import RoomGeometry
from emulator.world.world import World

T = TypeVar("T")

PASSWORD = "fight-bench"
ATTACK_SECONDS = PLAYER_ATTACK_DELAY_MS / 1000
MOVE_SECONDS = 0.5  # one square at a time, inside the world's travel budget (3 squares/s)
PING_SECONDS = 5.0  # the stock client's ping interval
CHASE_RADIUS = 8  # squares searched for a walk to a monster: the players' own cost stays small
REACH = player_attack_reach(None)


def percentile(samples: Sequence[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def ms_summary(samples: Sequence[float]) -> str:
    """p50/p99/max/mean of durations in seconds, in milliseconds."""
    ms = [s * 1000 for s in samples]
    mean = statistics.fmean(ms) if ms else 0.0
    return (
        f"p50 {percentile(ms, 0.5):.3f} ms, p99 {percentile(ms, 0.99):.3f} ms, "
        f"max {max(ms, default=0.0):.3f} ms, mean {mean:.3f} ms"
    )


@attrs.define(eq=False)
class Fighter:
    """One player: its character, where it fights, its connection and its timers."""

    account: str
    name: str
    character_id: int
    room: str
    square: tuple[int, int]
    client: MemoryClient | None = None
    player_id: int = 0
    frames: FrameDecoder = attrs.field(factory=lambda: FrameDecoder(MAX_SERVER_PAYLOAD))
    next_attack_at: float = 0.0
    next_move_at: float = 0.0
    next_ping_at: float = 0.0


#: The (d_row, d_col) of the steps a mask of STEPS indexes allows, in STEPS order.
_STEPS_OF_MASK = tuple(
    tuple((d_row, d_col) for index, (d_row, d_col, _) in enumerate(STEPS) if mask >> index & 1) for mask in range(256)
)


class PlayerSteps(WalkGraph):
    """The players' step table: the monsters' walk graph, but keeping a square's allowed
    steps as a byte (STEPS order) rather than tuples, so that the benchmark's own
    clients add little to the resident memory it reports; the steps, and so the walks
    found, are the same."""

    def __init__(self, geometry: RoomGeometry | None, size: tuple[int, int]) -> None:
        super().__init__(geometry, size)
        self._asked = bytearray(size[0] * size[1])  # 1: the square's mask is known
        self._masks = bytearray(size[0] * size[1])

    def steps(self, row: int, col: int) -> tuple[tuple[int, int, int, int], ...]:
        rows, cols = self.size
        if not (1 <= row <= rows and 1 <= col <= cols):
            return super().steps(row, col)  # off the grid: not kept, as the monsters' graph does
        index = (row - 1) * cols + col - 1
        if not self._asked[index]:
            self._masks[index] = sum(
                1 << i for i, (d_row, d_col, _) in enumerate(STEPS)
                if can_walk(self.geometry, self.size, row, col, row + d_row, col + d_col)
            )
            self._asked[index] = 1
        return tuple((d_row, d_col, row + d_row, col + d_col) for d_row, d_col in _STEPS_OF_MASK[self._masks[index]])


@attrs.define
class Tally:
    """What happened during one phase."""

    attack_times: list[float] = attrs.field(factory=list)  # request handling, seconds
    move_times: list[float] = attrs.field(factory=list)
    attacks_resolved: int = 0
    monsters_killed: int = 0
    players_killed: int = 0
    rejoin_times: list[float] = attrs.field(factory=list)
    rejoin_cpu: float = 0.0  # the server's part of the re-joins, also in server_cpu
    frames_received: int = 0
    bytes_received: int = 0
    server_cpu: float = 0.0  # process CPU seconds inside the server's entry points
    dropped: int = 0  # connections the server closed

    @property
    def attacks_sent(self) -> int:
        return len(self.attack_times)


class FightBench:
    def __init__(
        self, workdir: Path, data: Path, room_files: Path | None, health: int, seed: int = 0, freeze_heap: bool = True
    ) -> None:
        self.health = health  # every player's hit points, also after a re-join
        config = f'seed = {seed}\n'
        if room_files is not None:
            config += f'room_files = "{room_files}"\n'
        config += (
            f'[server]\ndata = "{data}"\n'
            "[limits]\nmax_connections_per_address = 100000\nmax_connections_total = 100000\n"
        )
        defaults = GameConfig()  # the server's own pacing of what many players see
        self.server = MemoryServer(
            workdir, config,
            broadcast_seconds=defaults.broadcast_seconds,
            broadcast_seconds_per_player=defaults.broadcast_seconds_per_player,
            freeze_heap=freeze_heap,  # as the server does at start
        )
        self.reactor = self.server.reactor
        self.world: World = self.server.hub.world
        self.population = self.world._monsters  # the bench reads the bookkeeping, it changes nothing
        self.geometry: dict[str, RoomGeometry] = self.server.game.prepared.geometry
        self.fighters: list[Fighter] = []
        self.tally = Tally()
        self.flush_times: list[float] = []
        self.tick_cpu: list[float] = []  # each tick's CPU time: its wall time less any preemption
        self.collections: list[tuple[int, float]] = []  # (generation, seconds) of each garbage collection
        self.rng = random.Random(seed)
        # the players' own step tables, one a room (room files do not change): their path
        # searches cost the client, not the server, so kept apart from the monsters' ones
        self.walk_graphs: dict[str, PlayerSteps] = {}
        self._time_flushes()
        self._time_tick_cpu()
        self._gc_started = 0.0
        gc.callbacks.append(self._time_collection)

    def close(self) -> None:
        gc.callbacks.remove(self._time_collection)
        self.server.stop()

    def _time_collection(self, phase: str, info: dict[str, int]) -> None:
        """Garbage collections pause everything: they explain a slow tick now and then."""
        if phase == "start":
            self._gc_started = time.perf_counter()
        else:
            self.collections.append((info["generation"], time.perf_counter() - self._gc_started))

    # ------------------------------------------------------------------ the server's entry points

    def server_call(self, fn: Callable[..., T], *args: Any) -> T:
        """Call into the server, adding its process CPU to the server's share."""
        started = time.process_time()
        try:
            return fn(*args)
        finally:
            self.tally.server_cpu += time.process_time() - started

    def _time_flushes(self) -> None:
        """Time each broadcast flush (the per-recipient finishing of what many see)."""
        context = self.server.hub.context
        flush = context.flush

        def timed_flush() -> None:
            started = time.perf_counter()
            flush()
            self.flush_times.append(time.perf_counter() - started)

        context.flush = timed_flush  # type: ignore[method-assign]

    def _time_tick_cpu(self) -> None:
        """The hub times its ticks by the wall clock; on a shared machine another process
        may take the core mid-tick, so the thread's CPU time is taken as well."""
        loop = self.server.hub._tick_loop
        tick = loop.f

        def timed_tick() -> None:
            started = time.thread_time()
            tick()
            self.tick_cpu.append(time.thread_time() - started)

        loop.f = timed_tick

    def advance(self, seconds: float) -> None:
        self.server_call(self.reactor.advance, seconds)

    # ------------------------------------------------------------------ setting up

    def fill(self, most_ticks: int) -> tuple[int, int, int]:
        """Tick until every monster room is full: (monsters before, after, ticks)."""
        limit = sum(room.limit for room in self.population.rooms.values())
        before, ticks = len(self.population), 0
        while len(self.population) < limit and ticks < most_ticks:
            self.advance(self.world.rules.tick_interval)
            ticks += 1
        return before, len(self.population), ticks

    def fighting_rooms(self, most: int) -> list[str]:
        """Monster rooms where fighting is allowed (with a room file when there are any);
        ``most`` of them spread over the sorted list (0: all)."""
        rooms = [
            key for key in sorted(self.population.rooms)
            if not self.world.no_combat(key) and (not self.geometry or key in self.geometry)
        ]
        if 0 < most < len(rooms):
            rooms = [rooms[i * len(rooms) // most] for i in range(most)]
        return rooms

    def make_players(self, count: int, rooms: Sequence[str]) -> None:
        """Accounts and characters, each stored on a spawn square of its room."""
        store = self.server.store
        definition = self.world.definition
        placed: Counter[str] = Counter()
        for index in range(count):
            room = rooms[index % len(rooms)]
            spawns = definition.rooms[room].monster_spawns
            spot = spawns[placed[room] % len(spawns)]
            placed[room] += 1
            account, name = f"fighter{index}", f"Fighter{index}"
            store.run(accounts.create_account, account, PASSWORD, cost=auth.TEST_COST)
            record = store.run(characters.create_character, account, name)
            fighter = Fighter(account, name, record.id, room, (spot.row, spot.col))
            self.store_place(fighter)
            self.fighters.append(fighter)

    def store_place(self, fighter: Fighter) -> None:
        """The stored character on its square with full health (what an operator would set)."""
        y, x = square_centre(*fighter.square)
        health = self.health
        state = CharacterState(fighter.character_id, fighter.room, y, x, 0, health, 10, 200, max_health=health)
        self.server.store.run(characters.save_characters, [state], _now())

    def log_in(self, fighter: Fighter) -> None:
        """Connect, log in and enter the world through the protocol, as the stock client."""
        client = self.server_call(self.server.connect)
        fighter.client = client
        self.exchange(client, None)
        self.exchange(client, client.codec.login(fighter.account, PASSWORD))
        self.exchange(client, client.codec.request_game())
        self.exchange(client, client.codec.frame("BP_SEND_CHARACTERS"))
        entered = self.exchange(client, client.codec.frame("BP_USE_CHARACTER", character_id=fighter.character_id))
        player = next((m for m in entered if m.name == "BP_PLAYER"), None)
        if player is None:
            raise RuntimeError(f"{fighter.name} did not get into the world: {[m.name for m in entered]}")
        fighter.player_id = player["id"]
        fighter.frames = FrameDecoder(MAX_SERVER_PAYLOAD)  # from here on, frames are only counted
        now = self.reactor.seconds()
        fighter.next_attack_at = fighter.next_move_at = now
        fighter.next_ping_at = now + self.rng.uniform(0, PING_SECONDS)

    def exchange(self, client: MemoryClient, data: bytes | None) -> list[Any]:
        """Bytes to the server (its work timed), then everything it sent, fully decoded."""
        if data is not None:
            self.server_call(client.protocol.dataReceived, data)
        self.advance(0)
        received = client.transport.value()
        client.transport.clear()
        return client.codec.receive(received)

    # ------------------------------------------------------------------ fighting

    def send(self, fighter: Fighter, name: str, **fields: Any) -> float:
        """One request; its handling time (decode, game, the requester's reply written)."""
        assert fighter.client is not None
        data = fighter.client.codec.frame(name, **fields)
        started, cpu_started = time.perf_counter(), time.process_time()
        fighter.client.protocol.dataReceived(data)
        elapsed = time.perf_counter() - started
        self.tally.server_cpu += time.process_time() - cpu_started
        return elapsed

    def drain(self, fighter: Fighter) -> None:
        """Count what the player was sent, keeping the sequence number the client echoes."""
        client = fighter.client
        if client is None:
            return
        data = client.transport.value()
        if not data:
            return
        client.transport.clear()
        self.tally.bytes_received += len(data)
        fighter.frames.feed(data)
        while (frame := fighter.frames.next_frame()) is not None:
            client.codec.last_seq = frame.seq
            self.tally.frames_received += 1

    def step(self, step_seconds: float) -> None:
        """Every player acts once, then the clock moves on by one step."""
        now = self.reactor.seconds()
        for fighter in self.fighters:
            self.drain(fighter)
            if fighter.client is None:
                continue
            if fighter.client.closed_by_server:
                self.tally.dropped += 1
                fighter.client = None
                continue
            self.act(fighter, now)
        self.advance(step_seconds)

    def act(self, fighter: Fighter, now: float) -> None:
        player = self.world.player_by_character(fighter.character_id)
        if player is None or player.room != fighter.room:  # killed: in the Underworld
            self.tally.players_killed += 1
            self.rejoin(fighter)
            return
        if now >= fighter.next_ping_at:
            self.send(fighter, "BP_PING")
            fighter.next_ping_at = now + PING_SECONDS
        row, col = square_of(player.y, player.x)
        target = self.nearest_monster(fighter.room, row, col)
        if target is None:
            return
        t_row, t_col = square_of(target.y, target.x)
        if within_reach(t_row - row, t_col - col, REACH):
            if now >= fighter.next_attack_at:
                self.attack(fighter, player.last_attack_at, target, now)
            return
        if now >= fighter.next_move_at:
            fighter.next_move_at = now + MOVE_SECONDS
            to_row, to_col = self.step_towards(fighter.room, row, col, t_row, t_col)
            if (to_row, to_col) != (row, col):
                y, x = square_centre(to_row, to_col)
                elapsed = self.send(fighter, "BP_REQ_MOVE", y=y, x=x, speed=18,
                                    room={"id": self.world.room_id(fighter.room), "amount": None})
                self.tally.move_times.append(elapsed)

    def attack(self, fighter: Fighter, last_swing: float | None, target: Monster, now: float) -> None:
        elapsed = self.send(fighter, "BP_REQ_ATTACK", attack_type=1,
                            target={"id": target.object_id, "amount": None}, trailing=0)
        self.tally.attack_times.append(elapsed)
        player = self.world.player_by_character(fighter.character_id)
        if player is not None and player.last_attack_at == now and last_swing != now:
            self.tally.attacks_resolved += 1
            fighter.next_attack_at = now + ATTACK_SECONDS
            if self.world.object(target.object_id) is None:
                self.tally.monsters_killed += 1
        else:  # refused (it should not be: the player checked reach and delay as the world does)
            fighter.next_attack_at = now + ATTACK_SECONDS / 4

    def nearest_monster(self, room: str, row: int, col: int) -> Monster | None:
        best: tuple[int, int] | None = None
        found = None
        for monster in self.population.in_room(room):
            m_row, m_col = square_of(monster.y, monster.x)
            key = ((m_row - row) ** 2 + (m_col - col) ** 2, monster.object_id)
            if best is None or key < best:
                best, found = key, monster
        return found

    def step_towards(self, room: str, row: int, col: int, to_row: int, to_col: int) -> tuple[int, int]:
        """One square along a shortest walk towards the target, else a random free one."""
        graph = self.walk_graphs.get(room)
        if graph is None:
            definition = self.world.definition.rooms[room]
            graph = self.walk_graphs[room] = PlayerSteps(self.geometry.get(room), (definition.rows, definition.cols))
        step = chase_step_on(graph, row, col, to_row, to_col, CHASE_RADIUS)
        if step is not None:
            return row + step[0], col + step[1]
        for d_row, d_col, _ in self.rng.sample(STEPS, len(STEPS)):
            if graph.can_walk(row, col, row + d_row, col + d_col):
                return row + d_row, col + d_col
        return row, col

    def rejoin(self, fighter: Fighter) -> None:
        """A killed player logs off, is put back on its square with full health, logs in."""
        started, server_cpu = time.perf_counter(), self.tally.server_cpu
        client = fighter.client
        assert client is not None
        self.send(fighter, "BP_LOGOFF")
        self.drain(fighter)
        self.server_call(client.protocol.connectionLost, None)
        fighter.client = None
        self.store_place(fighter)
        self.log_in(fighter)
        self.tally.rejoin_times.append(time.perf_counter() - started)
        self.tally.rejoin_cpu += self.tally.server_cpu - server_cpu


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


@attrs.frozen
class Options:
    data: Path
    room_files: Path | None
    players: int = 100
    rooms: int = 0
    health: int = 100
    ticks: int = 300
    seconds: float = 60.0
    warmup: float = 10.0
    step: float = 0.125
    fill_ticks: int = 8000
    time_limit: float = 900.0
    seed: int = 0
    freeze_heap: bool = True


def run(options: Options) -> Iterator[str]:
    """Set up, warm up, the two phases; the figures as printable lines."""
    deadline = time.monotonic() + options.time_limit
    with tempfile.TemporaryDirectory(prefix="m59-fight-") as folder:
        started = time.perf_counter()
        bench = FightBench(Path(folder), options.data, options.room_files, options.health, options.seed, options.freeze_heap)
        yield (
        f"server started in memory in {time.perf_counter() - started:.2f} s "
        f"(heap loaded at start {'frozen' if options.freeze_heap else 'left to the garbage collector'})"
    )
        try:
            yield from _run(bench, options, deadline)
        finally:
            bench.close()


def _run(bench: FightBench, options: Options, deadline: float) -> Iterator[str]:
    world, population = bench.world, bench.population
    limit = sum(room.limit for room in population.rooms.values())
    before, after, ticks = bench.fill(options.fill_ticks)
    yield (
        f"rooms {len(world.definition.rooms)}, with room files {len(bench.geometry)}, with monster tables "
        f"{len(population.rooms)}; monsters: {before} at start, {after} of {limit} after filling ({ticks} ticks)"
    )
    memory_before = resident_mb()
    rooms = bench.fighting_rooms(options.rooms)
    if not rooms:
        raise SystemExit("no monster room where fighting is allowed")
    bench.make_players(options.players, rooms)
    started = time.perf_counter()
    for fighter in bench.fighters:
        if time.monotonic() > deadline:
            raise SystemExit("time limit reached while logging in")
        bench.log_in(fighter)
    per_room = Counter(f.room for f in bench.fighters)
    yield (
        f"players: {len(bench.fighters)} logged in in {time.perf_counter() - started:.2f} s, {options.health} hit points "
        f"each, in {len(per_room)} rooms ({min(per_room.values(), default=0)}..{max(per_room.values(), default=0)} a room)"
    )
    steps_per_second = round(1 / options.step)
    for _ in range(round(options.warmup * steps_per_second)):
        if time.monotonic() > deadline:
            break
        bench.step(options.step)

    # fast: game seconds back to back
    yield from _phase(bench, f"fast, {len(bench.fighters)} players fighting", options.ticks * steps_per_second,
                      options.step, deadline, real_time=False)
    # real time: the game clock follows the wall clock
    steps = round(options.seconds * steps_per_second)
    yield from _phase(bench, f"real time, {options.seconds:g} s, {len(bench.fighters)} players fighting", steps,
                      options.step, deadline, real_time=True)
    memory_after = resident_mb()
    yield (
        f"resident memory: {memory_after:.0f} MB ({memory_before:.0f} MB before the players; "
        f"{(memory_after - memory_before) * 1024 / max(len(bench.fighters), 1):.0f} KiB a player)"
    )
    yield f"monsters alive at the end: {len(population)}"


def _phase(bench: FightBench, name: str, steps: int, step: float, deadline: float, real_time: bool) -> Iterator[str]:
    hub = bench.server.hub
    bench.tally = Tally()
    first_tick, first_flush, first_collection = len(hub.ticks), len(bench.flush_times), len(bench.collections)
    first_tick_cpu = len(bench.tick_cpu)
    first_serial = bench.population.next_serial
    game_started = bench.reactor.seconds()
    wall_started, cpu_started = time.perf_counter(), time.process_time()
    late = 0
    for number in range(steps):
        if time.monotonic() > deadline:
            break
        if real_time:
            pause = wall_started + number * step - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            elif pause < -step:
                late += 1
        bench.step(step)
    wall, cpu = time.perf_counter() - wall_started, time.process_time() - cpu_started
    game = bench.reactor.seconds() - game_started
    tally = bench.tally
    ticks = [record.duration for record in list(hub.ticks)[first_tick:]]
    flushes = bench.flush_times[first_flush:]
    collections = bench.collections[first_collection:]
    yield f"{name}: {game:g} s of game time in {wall:.1f} s of wall time" + (
        f" ({late} steps more than a step late)" if real_time else ""
    )
    tick_cpu = bench.tick_cpu[first_tick_cpu:]
    yield f"  hub tick (World.tick + rendering): {len(ticks)} ticks; {ms_summary(ticks)}"
    yield f"  hub tick, CPU time of the thread (no preemption in it): {ms_summary(tick_cpu)}"
    yield f"  broadcast flushes (finishing per recipient): {len(flushes)}; {ms_summary(flushes)}"
    yield f"  BP_REQ_ATTACK handling: {tally.attacks_sent} requests; {ms_summary(tally.attack_times)}"
    yield f"  BP_REQ_MOVE handling: {len(tally.move_times)} requests; {ms_summary(tally.move_times)}"
    oldest = [seconds for generation, seconds in collections if generation == 2]
    yield (
        f"  garbage collections: {len(collections)}, full ones (the server runs them between ticks) {len(oldest)} "
        f"(longest {max(oldest, default=0.0) * 1000:.1f} ms); longest of any {max((s for _, s in collections), default=0.0) * 1000:.1f} ms"
    )
    per_second = 1 / max(game, 1e-9)
    yield (
        f"  attacks resolved: {tally.attacks_resolved} ({tally.attacks_resolved * per_second:.1f} per game second); "
        f"monsters killed {tally.monsters_killed}, spawned {bench.population.next_serial - first_serial}; "
        f"players killed {tally.players_killed}"
    )
    if tally.rejoin_times:
        yield (
            f"  re-joins after a death (log off, log in, enter): {len(tally.rejoin_times)}, "
            f"{sum(tally.rejoin_times):.2f} s in all; {ms_summary(tally.rejoin_times)}"
        )
    yield (
        f"  received by the players: {tally.frames_received * per_second:.0f} frames and "
        f"{tally.bytes_received * per_second / 1024:.0f} KiB per game second; connections dropped {tally.dropped}"
    )
    share = 100 / max(wall, 1e-9)
    yield (
        f"  CPU share: server {tally.server_cpu * share:.1f} % of a core (of which re-joins "
        f"{tally.rejoin_cpu * share:.1f} %), whole process {cpu * share:.1f} % ({tally.server_cpu:.2f} s server CPU, "
        f"{cpu:.2f} s in all, in {wall:.1f} s)" + ("" if real_time else "; back to back, so not a share at the real rate")
    )
    if bench.fighters and ticks:
        p99, cpu_p99 = percentile(ticks, 0.99) * 1000, percentile(tick_cpu, 0.99) * 1000
        yield (
            f"  target, tick p99 under 10 ms with players fighting: {'met' if p99 < 10 else 'not met'} "
            f"({p99:.3f} ms; in CPU time {cpu_p99:.3f} ms)"
        )
    elif not bench.fighters and real_time:
        share = 100 * tally.server_cpu / max(wall, 1e-9)
        yield f"  target, under 5 % of a core with nobody online: {'met' if share < 5 else 'not met'} ({share:.2f} %)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m emulator.bench.fight", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="a data folder (e.g. one m59emu import wrote)")
    parser.add_argument("--room-files", type=Path, help="the folder of .roo files")
    parser.add_argument("--players", type=int, default=100, help="players fighting (default 100; 0: the world alone)")
    parser.add_argument("--rooms", type=int, default=0, help="monster rooms to spread them over (default 0: all)")
    parser.add_argument("--health", type=int, default=100, help="each player's hit points (default 100)")
    parser.add_argument("--ticks", type=int, default=300, help="game seconds of the fast phase (default 300)")
    parser.add_argument("--seconds", type=float, default=60.0, help="wall seconds of the real-time phase (default 60)")
    parser.add_argument("--warmup", type=float, default=10.0, help="game seconds before measuring (default 10)")
    parser.add_argument("--step", type=float, default=0.125, help="game seconds a step (default 1/8)")
    parser.add_argument("--fill-ticks", type=int, default=8000, help="most ticks spent filling the monster rooms")
    parser.add_argument("--time-limit", type=float, default=900.0, help="wall seconds the whole run may take")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-freeze-heap", action="store_true",
                        help="leave the heap loaded at start to the garbage collector (as before the server froze it)")
    parsed = parser.parse_args(argv)
    if parsed.players < 0 or parsed.step <= 0 or round(1 / parsed.step) * parsed.step != 1:
        parser.error("--players must not be negative and --step must divide a second evenly")
    options = Options(
        parsed.data, parsed.room_files, parsed.players, parsed.rooms, parsed.health, parsed.ticks, parsed.seconds,
        parsed.warmup, parsed.step, parsed.fill_ticks, parsed.time_limit, parsed.seed, not parsed.no_freeze_heap,
    )
    for line in run(options):
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
