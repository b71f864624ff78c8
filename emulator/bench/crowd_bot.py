"""The client side of the crowd benchmark: one worker process driving many cheap bots.

A worker is a plain :mod:`selectors` loop (epoll on Linux) over non-blocking sockets and
a timer heap; no Twisted, so that a few hundred bots cost little CPU. Each bot frames
all its requests with a :class:`~emulator.testing.client.TestClient` (which keeps the
c2s security stream and seq), and lets it decode every login-mode message and the few
game messages on the way into the world (BP_LOAD_MODULE, BP_CHARACTERS, BP_PLAYER).
Every other game-mode frame takes a light path: the bot splits frames itself,
de-scrambles the opcode byte (the rolling XOR that ``BP_ECHO_PING`` keys; a bot pings
only once it has arrived in its room), parses only ``BP_MOVE``'s id, y and x (and, in
``BP_ROOM_CONTENTS``, the room id and its own object) and counts everything else.

Latency across processes: a mover writes the ``time.monotonic()`` of each move into
shared memory (:class:`Shared` ``send_times``) before sending it; the fine position of
the move inside its target square encodes the move's number modulo :data:`MOVE_CODES`,
so an observer that receives ``BP_MOVE`` of that mover at that position finds the send
time of exactly that move (CLOCK_MONOTONIC is the same in every process on Linux).
Latencies go into a fixed-size log histogram: memory stays bounded whatever the run.
"""

from __future__ import annotations

import ctypes
import errno
import heapq
import math
import os
import random
import selectors
import signal
import socket
import struct
import time
import traceback
from collections import Counter
from collections.abc import Sequence
from multiprocessing.connection import Connection
from multiprocessing.sharedctypes import RawArray, RawValue
from typing import Any

import attrs

from emulator.bench.load import HOST, PASSWORD, REF, STEP_FINE, STEP_INTERVAL, Route
from emulator.content.model import FINENESS, RoomDefinition, square_centre, square_of
from emulator.resources import ResourceTable, load_resources
from emulator.testing.client import TestClient
from emulator.wire.codec import Message
from emulator.wire.security import FALLBACK_REDBOOK
from protocol_specs.common import RoomObject
from protocol_specs.framing import HEADER_SIZE
from protocol_specs.opcodes import BP
from protocol_specs.registry import GAME

# Phases, set by the main process in Shared.phase.
PHASE_LOGIN, PHASE_WALK, PHASE_DRAIN, PHASE_FINISH = range(4)
# A bot's progress, in Shared.status.
WAITING, LOGGING_IN, IN_WORLD, ARRIVED, FAILED = range(5)
STATUS_NAMES = {WAITING: "not started", LOGGING_IN: "logging in", IN_WORLD: "travelling", ARRIVED: "arrived",
                FAILED: "failed"}

# The move's number modulo MOVE_CODES is written into its fine offset inside the target
# square: y offset CODE_BASE + code // CODE_SPAN, x offset CODE_BASE + code % CODE_SPAN.
# Offsets stay near the centre, so a step costs at most ~1.26 squares of the server's
# movement budget (3 squares/s): 2 steps a second stay within it.
CODE_SPAN = 16
CODE_BASE = (FINENESS - CODE_SPAN) // 2
MOVE_CODES = CODE_SPAN * CODE_SPAN  # 256 moves: 128 s at one move per 0.5 s before a slot is reused

# Latency histogram: logarithmic buckets, HISTOGRAM_PER_E per factor e above HISTOGRAM_FLOOR
# seconds (2 % wide), HISTOGRAM_BUCKETS of them (up to ~80 minutes).
HISTOGRAM_FLOOR = 1e-5
HISTOGRAM_PER_E = 50
HISTOGRAM_BUCKETS = 1000

PING_INTERVAL = 5.0  # as the stock client
# TCP handshakes a worker keeps waiting for the server's AP_GETLOGIN, all workers together
# below Twisted's default listen backlog (50). Past the backlog Linux answers with SYN
# cookies and drops the handshake's last ACK while the accept queue is full; the client
# then believes it is connected, and in a protocol where the server speaks first nobody
# ever notices: the connection is lost silently.
HANDSHAKES_IN_FLIGHT = 40
GREETING_TIMEOUT = 15.0  # seconds from connect to AP_GETLOGIN before a bot gives up
WALK_SPEED = 18
RECV_SIZE = 256 * 1024
LOOP_TIMEOUT = 0.05  # the loop looks at the phase at least this often
NEIGHBOURS = ((0, 1), (0, -1), (1, 0), (-1, 0))
ECHO_KEY_XOR = 0xED

_HEADER = struct.Struct("<HHHB")
_MOVE_SEEN = struct.Struct("<IHH")  # BP_MOVE after its opcode: id, y, x (then speed, unread)
_REQ_MOVE = struct.Struct("<BhhbI")  # BP_REQ_MOVE: opcode, y, x, speed, room id (no amount: a room is no number item)
_REDBOOK_STEPS = tuple(byte & 0x7F for byte in FALLBACK_REDBOOK)
_OP_MOVE = int(BP.BP_MOVE)
_OP_ECHO_PING = int(BP.BP_ECHO_PING)
_ROOM_ID = struct.Struct("<I")
_OP_ROOM_CONTENTS = int(BP.BP_ROOM_CONTENTS)
# Game messages decoded in full (through TestClient): the way into the world.
_DECODED_IN_GAME = frozenset(int(op) for op in (BP.BP_LOAD_MODULE, BP.BP_CHARACTERS, BP.BP_PLAYER, BP.BP_QUIT))
ROOM_CONTENTS_OBJECTS_AT = 1 + 4 + 2  # opcode, room id, object count
_PING_PAYLOAD = bytes((int(BP.BP_PING),))
_TRAVEL, _MOVE, _PING = range(3)  # timer kinds


def latency_bucket(seconds: float) -> int:
    if seconds <= HISTOGRAM_FLOOR:
        return 0
    return min(HISTOGRAM_BUCKETS - 1, int(math.log(seconds / HISTOGRAM_FLOOR) * HISTOGRAM_PER_E))


def bucket_upper_edge(bucket: int) -> float:
    return HISTOGRAM_FLOOR * math.exp((bucket + 1) / HISTOGRAM_PER_E)


def histogram_percentile(histogram: Sequence[int], fraction: float) -> float:
    """Upper edge of the bucket holding the nearest-rank percentile; NaN when empty."""
    total = sum(histogram)
    if total == 0:
        return math.nan
    rank = max(1, math.ceil(fraction * total))
    seen = 0
    for bucket, count in enumerate(histogram):
        seen += count
        if seen >= rank:
            return bucket_upper_edge(bucket)
    return bucket_upper_edge(len(histogram) - 1)


def move_code_position(square: tuple[int, int], code: int) -> tuple[int, int]:
    """Fine (y, x) inside ``square`` that carries ``code``."""
    row, col = square
    return row * FINENESS + CODE_BASE + code // CODE_SPAN, col * FINENESS + CODE_BASE + code % CODE_SPAN


def move_code_of(y: int, x: int) -> int:
    """The code a fine position carries, or -1 when it carries none."""
    y_code, x_code = y % FINENESS - CODE_BASE, x % FINENESS - CODE_BASE
    if 0 <= y_code < CODE_SPAN and 0 <= x_code < CODE_SPAN:
        return y_code * CODE_SPAN + x_code
    return -1


def free_neighbour(room: RoomDefinition, row: int, col: int) -> tuple[int, int] | None:
    """A square next to (row, col) a bot can step to and back: inside the grid, no exit on it.

    The benchmark's server has no .roo files ([world] room_files unset), so the grid and
    its exits are the only obstacles.
    """
    exits = {(exit.row, exit.col) for exit in room.exits}
    for d_row, d_col in NEIGHBOURS:
        square = (row + d_row, col + d_col)
        if 1 <= square[0] <= room.rows and 1 <= square[1] <= room.cols and square not in exits:
            return square
    return None


@attrs.define
class Shared:
    """State all processes see. Every slot has one writer (a bot's own slots, a worker's
    own counter, the main process for phase and window), so no locks are needed."""

    clients: int
    phase: Any  # c_int: PHASE_*
    window: Any  # 2 doubles: monotonic start and end of the measurement window (inf until set)
    status: Any  # per bot: WAITING .. FAILED
    connect_at: Any  # per bot: monotonic time of its connect()
    in_world_at: Any  # per bot: BP_ROOM_CONTENTS of the start room
    player_ids: Any  # per bot: its object id in the world
    room_ids: Any  # per bot: the room it walks in, once arrived
    send_times: Any  # per bot, MOVE_CODES slots: monotonic send time of its latest move with that code
    delivered: Any  # per worker: moves of the window delivered so far (the main process watches the drain)

    @classmethod
    def create(cls, clients: int, workers: int) -> Shared:
        window = RawArray(ctypes.c_double, 2)
        window[0] = window[1] = math.inf
        return cls(
            clients=clients,
            phase=RawValue(ctypes.c_int, PHASE_LOGIN),
            window=window,
            status=RawArray(ctypes.c_int8, clients),
            connect_at=RawArray(ctypes.c_double, clients),
            in_world_at=RawArray(ctypes.c_double, clients),
            player_ids=RawArray(ctypes.c_int64, clients),
            room_ids=RawArray(ctypes.c_int64, clients),
            send_times=RawArray(ctypes.c_double, clients * MOVE_CODES),
            delivered=RawArray(ctypes.c_int64, workers),
        )


@attrs.frozen
class BotPlan:
    index: int  # global, the slot in Shared's arrays
    account: str
    route: Route  # exit squares to walk through
    room: str  # the room key it ends in


@attrs.frozen
class WorkerPlan:
    number: int
    workers: int
    port: int
    rsc_path: str
    bots: tuple[BotPlan, ...]
    rooms: dict[str, RoomDefinition]
    step: float
    deadline: float  # monotonic: the worker stops by itself after this
    parent_pid: int
    seed: int


class Bot:
    """One player on one non-blocking socket."""

    def __init__(self, worker: Worker, plan: BotPlan) -> None:
        self.worker = worker
        self.index = plan.index
        self.account = plan.account
        self.route = list(plan.route)
        self.room_key = plan.room
        self.codec = TestClient(resources=worker.resources)
        self.state = "connecting"
        self.sock: socket.socket | None = None
        self.inbox = bytearray()
        self.outbox = bytearray()
        self.player_id = 0
        self.room_id = 0
        self.position = (0, 0)  # fine (y, x) as the server has it (as far as this bot knows)
        self.home = (0, 0)  # the two squares walked between
        self.away = (0, 0)
        self.moves = 0
        # The s2c opcode scrambler of the light path (TestClient's, inlined): the token,
        # and the position in the redbook; -1 until the first BP_ECHO_PING keys it.
        self.token = 0
        self.redbook_at = -1
        self.failure: str | None = None
        self.frames_received = 0
        self.ping_sent_at = 0.0  # of the BP_PING awaiting its BP_ECHO_PING, else 0
        self.last_message = ""  # the last message decoded in full: where a stuck login stands

    def describe(self) -> str:
        return (f"bot {self.index} ({self.account}): {self.state}, {self.frames_received} frames received, "
                f"last decoded {self.last_message or 'none'}, {len(self.outbox)} bytes unsent")

    # --------------------------------------------------------------- socket

    def connect(self, port: int) -> None:
        shared = self.worker.shared
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setblocking(False)
        # Moves are tiny writes: Nagle would hold them back and add client-side latency.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock = sock
        shared.connect_at[self.index] = time.monotonic()
        shared.status[self.index] = LOGGING_IN
        code = sock.connect_ex((HOST, port))
        if code not in (0, errno.EINPROGRESS):
            self.fail(f"TCP connect failed: {os.strerror(code)}")
            return
        self.worker.selector.register(sock, selectors.EVENT_WRITE, self)

    def on_ready(self, events: int, now: float) -> None:
        if self.sock is None:
            return
        if self.state == "connecting":
            error = self.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if error:
                self.fail(f"TCP connect failed: {os.strerror(error)}")
                return
            self.state = "login"
            self.worker.selector.modify(self.sock, selectors.EVENT_READ, self)
            return
        if events & selectors.EVENT_WRITE:
            self.flush()
        if events & selectors.EVENT_READ and self.sock is not None:
            try:
                data = self.sock.recv(RECV_SIZE)
            except BlockingIOError:
                return
            except OSError as error:
                self.fail(f"connection error in state {self.state}: {error}")
                return
            if not data:
                self.fail(f"server closed the connection in state {self.state}")
                return
            self.receive(data, now)

    def send(self, data: bytes) -> None:
        if self.sock is None:
            return
        if self.outbox:
            self.outbox += data
            return
        try:
            sent = self.sock.send(data)
        except BlockingIOError:
            sent = 0
        except OSError as error:
            self.fail(f"send failed in state {self.state}: {error}")
            return
        if sent < len(data):
            self.outbox += data[sent:]
            self.worker.selector.modify(self.sock, selectors.EVENT_READ | selectors.EVENT_WRITE, self)

    def flush(self) -> None:
        if self.sock is None or not self.outbox:
            return
        try:
            sent = self.sock.send(self.outbox)
        except BlockingIOError:
            return
        except OSError as error:
            self.fail(f"send failed in state {self.state}: {error}")
            return
        del self.outbox[:sent]
        if not self.outbox:
            self.worker.selector.modify(self.sock, selectors.EVENT_READ, self)

    def request(self, name: str, **fields: Any) -> None:
        self.send(self.codec.frame(name, **fields))

    # --------------------------------------------------------------- receiving

    def receive(self, data: bytes, now: float) -> None:
        """Split whole frames off the inbox: login mode through TestClient, game mode lightly."""
        inbox = self.inbox
        inbox += data
        size = len(inbox)
        offset = 0
        frames = 0
        while size - offset >= HEADER_SIZE:
            length, _check, length_copy, seq = _HEADER.unpack_from(inbox, offset)
            if length != length_copy or length == 0:
                self.fail(f"bad frame header: lengths {length} and {length_copy}")
                return
            end = offset + HEADER_SIZE + length
            if end > size:
                break
            frames += 1
            if self.codec.mode is GAME:
                self.receive_game(inbox, offset, length, seq, now)
            else:
                self.receive_full(bytes(inbox[offset:end]))
            if self.state == "failed":
                return
            offset = end
        del inbox[:offset]
        self.frames_received += frames
        self.worker.count_received(frames, now)

    def receive_game(self, inbox: bytearray, offset: int, length: int, seq: int, now: float) -> None:
        """One game-mode frame: de-scramble the opcode, then read only what a bot needs.

        BP_MOVE's id, y and x; BP_ECHO_PING's key; BP_ROOM_CONTENTS' room and the bot's own
        object. The few messages on the way into the world (BP_LOAD_MODULE, BP_CHARACTERS,
        BP_PLAYER) go through TestClient. Everything else is only counted: decoding every
        BP_PLAYER_ADD, BP_CREATE and BP_PLAYERS of a 1000-player login wave would make the
        clients, not the server, the bottleneck.
        """
        self.codec.last_seq = seq  # every c2s frame carries the seq of the last s2c frame
        payload_at = offset + HEADER_SIZE
        opcode = inbox[payload_at]
        token = self.token
        if token & 0xFF:
            opcode ^= token & 0xFF
        if self.redbook_at >= 0:  # the token rolls on through the redbook after every frame
            self.token = (token + _REDBOOK_STEPS[self.redbook_at]) & 0xFFFFFFFF
            self.redbook_at = (self.redbook_at + 1) % len(_REDBOOK_STEPS)
        if opcode == _OP_MOVE:
            mover, y, x = _MOVE_SEEN.unpack_from(inbox, payload_at + 1)
            self.worker.observe_move(self, mover, y, x, now)
        elif opcode == _OP_ECHO_PING:
            if self.ping_sent_at:
                self.worker.count_ping(now - self.ping_sent_at, self.ping_sent_at)
                self.ping_sent_at = 0.0
            if length > 1:
                self.token = (inbox[payload_at + 1] ^ ECHO_KEY_XOR) & 0xFF
                self.redbook_at = 0
        elif opcode == _OP_ROOM_CONTENTS:
            self.room_contents(bytes(inbox[payload_at:payload_at + length]))
        elif opcode in _DECODED_IN_GAME:
            if self.token or self.redbook_at >= 0:
                # Only a bot that is still getting in gets these, and it has not pinged yet:
                # TestClient's own de-scrambler (which never sees BP_ECHO_PING) is still off.
                self.fail(f"opcode {opcode} after the first BP_ECHO_PING")
                return
            self.receive_full(bytes(inbox[offset:payload_at + length]))

    def room_contents(self, payload: bytes) -> None:
        """BP_ROOM_CONTENTS: the room id, and the bot's own object found by its id.

        Only that one object is parsed (with the protocol's RoomObject schema): the whole
        list is hundreds of objects in a crowded room, for every bot that enters.
        """
        (room_id,) = _ROOM_ID.unpack_from(payload, 1)
        self.last_message = "BP_ROOM_CONTENTS"
        if room_id != self.room_id:
            return
        mine = struct.pack("<I", self.player_id)
        at = payload.find(mine, ROOM_CONTENTS_OBJECTS_AT)
        while at >= 0:
            try:
                block = RoomObject.parse(payload[at:])
            except Exception:  # noqa: BLE001 - the id's bytes inside another object: look further
                block = None
            if block is not None and block.id == self.player_id:
                self.position = (block.y, block.x)
                break
            at = payload.find(mine, at + 1)
        else:
            self.fail("BP_ROOM_CONTENTS of its room without its own object")
            return
        self.entered_room()

    def receive_full(self, frame: bytes) -> None:
        try:
            messages = self.codec.receive(frame)
        except Exception as error:  # noqa: BLE001 - a bad frame is a finding, not a crash
            self.fail(f"undecodable server data: {error!r}")
            return
        self.codec.frames.clear()  # the sans-IO client keeps every frame; a bot must not
        for message in messages:
            self.last_message = message.name
            self.handle(message)

    def handle(self, message: Message) -> None:
        """Login, character choice and entering the world (as load.py's LoadClient)."""
        name = message.name
        if name == "AP_GETLOGIN" and self.state == "login":
            self.state = "logging_in"
            self.worker.greeted(self)
            self.send(self.codec.login(self.account, PASSWORD))
        elif name in ("AP_LOGINFAILED", "AP_ACCOUNTUSED", "AP_TOOMANYLOGINS", "AP_NOCHARACTERS", "AP_MESSAGE"):
            if self.state in ("logging_in", "choosing"):
                self.fail(f"login refused: {name} {message.fields}")
        elif name == "AP_CREDITS" and self.state == "logging_in":
            self.state = "requesting_game"
            self.send(self.codec.request_game())
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
        elif name == "BP_QUIT":
            self.fail("the server sent BP_QUIT")

    def entered_room(self) -> None:
        now = time.monotonic()
        shared = self.worker.shared
        if self.state == "entering":
            self.state = "travelling"
            shared.in_world_at[self.index] = now
            shared.player_ids[self.index] = self.player_id
            shared.status[self.index] = IN_WORLD
            if self.route:
                self.worker.schedule(now + STEP_INTERVAL, _TRAVEL, self)
        elif self.state == "travelling" and self.route:
            self.route.pop(0)  # the exit taken
        if self.state == "travelling" and not self.route:
            self.settle(now)

    def settle(self, now: float) -> None:
        """Arrived: pick two squares to walk between and start pinging."""
        room = self.worker.plan.rooms[self.room_key]
        self.home = square_of(*self.position)
        away = free_neighbour(room, *self.home)
        if away is None:
            self.fail(f"no free square next to {self.home} in {self.room_key}")
            return
        self.away = away
        self.state = "arrived"  # pings from now on: the s2c opcode scrambler starts
        shared = self.worker.shared
        shared.room_ids[self.index] = self.room_id
        shared.status[self.index] = ARRIVED
        self.worker.schedule(now + random.random() * PING_INTERVAL, _PING, self)

    # --------------------------------------------------------------- sending on timers

    def travel_step(self) -> bool:
        """Towards the next exit square (two squares at most), then BP_REQ_GO on it."""
        if self.state != "travelling" or not self.route:
            return False
        target = square_centre(*self.route[0])
        y, x = self.position
        distance = math.hypot(target[0] - y, target[1] - x)
        if distance == 0:
            self.request("BP_REQ_GO")
            return True
        share = min(1.0, STEP_FINE / distance)
        self.position = (round(y + (target[0] - y) * share), round(x + (target[1] - x) * share))
        self.request("BP_REQ_MOVE", y=self.position[0], x=self.position[1], speed=WALK_SPEED, room=REF(self.room_id))
        return True

    def walk_step(self) -> None:
        """To the other square, at the position that carries this move's code."""
        target = self.away if square_of(*self.position) == self.home else self.home
        code = self.moves % MOVE_CODES
        self.moves += 1
        y, x = move_code_position(target, code)
        self.position = (y, x)
        payload = _REQ_MOVE.pack(BP.BP_REQ_MOVE, y, x, WALK_SPEED, self.room_id)
        frame = self.codec.frame_payload(payload)
        now = time.monotonic()
        # The send time is in shared memory before the move can reach any observer.
        self.worker.shared.send_times[self.index * MOVE_CODES + code] = now
        self.worker.count_move(self.room_id, now)
        self.send(frame)

    def ping(self) -> None:
        self.ping_sent_at = time.monotonic()
        self.send(self.codec.frame_payload(_PING_PAYLOAD))

    # --------------------------------------------------------------- ending

    @property
    def alive(self) -> bool:
        return self.sock is not None and self.state not in ("failed", "closing")

    def fail(self, why: str) -> None:
        if self.state in ("failed", "closing"):
            return
        self.failure = f"bot {self.index} ({self.account}): {why}"
        if self.state in ("connecting", "login"):
            self.worker.greeted(self)  # no longer waiting: let the next one connect
        self.state = "failed"
        self.worker.shared.status[self.index] = FAILED
        self.close_socket()

    def close(self) -> None:
        if self.state != "failed":
            self.state = "closing"
        self.close_socket()

    def close_socket(self) -> None:
        if self.sock is not None:
            try:
                self.worker.selector.unregister(self.sock)
            except (KeyError, ValueError):
                pass
            self.sock.close()
            self.sock = None


class Worker:
    """One process's share of the bots, its timers and its counters."""

    def __init__(self, plan: WorkerPlan, shared: Shared) -> None:
        self.plan = plan
        self.shared = shared
        self.selector = selectors.DefaultSelector()
        self.resources: ResourceTable = load_resources(plan.rsc_path)
        self.bots = [Bot(self, bot_plan) for bot_plan in plan.bots]
        self.timers: list[tuple[float, int, int, Bot]] = []  # when, tie-break, kind, bot
        self.timer_count = 0
        self.phase = PHASE_LOGIN
        self.window_start = math.inf
        self.window_end = math.inf
        self.bot_of_player: dict[int, int] = {}  # player id -> global bot index, from WALK on
        # Counters reported at the end.
        self.received = 0
        self.received_in_window = 0
        self.delivered = 0  # BP_MOVEs of bots' moves sent inside the window, seen by other bots
        self.histogram = [0] * HISTOGRAM_BUCKETS
        self.latency_max = 0.0
        self.unmatched = 0  # a bot's BP_MOVE at a position no move of it was sent to
        self.other_moves = 0  # BP_MOVE of objects that are not bots (wanderers)
        self.refused = 0
        self.refused_in_window: Counter[int] = Counter()  # by room id
        self.late_steps = 0  # steps skipped because this worker ran more than a step late
        self.ping_histogram = [0] * HISTOGRAM_BUCKETS  # BP_PING -> BP_ECHO_PING, pings sent in the window
        self.lateness_histogram = [0] * HISTOGRAM_BUCKETS  # how late move timers ran, in the window
        self.moves_in_window: Counter[int] = Counter()  # by room id
        self.moves = 0
        # Bots connect a few at a time (HANDSHAKES_IN_FLIGHT between all workers).
        self.unconnected = list(reversed(self.bots))
        self.awaiting_greeting: set[Bot] = set()
        self.handshake_limit = max(1, HANDSHAKES_IN_FLIGHT // plan.workers)

    # --------------------------------------------------------------- connecting

    def connect_more(self, now: float) -> None:
        """Start connects up to the limit; give up on bots the server never greeted."""
        while self.unconnected and len(self.awaiting_greeting) < self.handshake_limit:
            bot = self.unconnected.pop()
            self.awaiting_greeting.add(bot)
            bot.connect(self.plan.port)
        for bot in list(self.awaiting_greeting):
            if now - self.shared.connect_at[bot.index] > GREETING_TIMEOUT:
                bot.fail(f"no AP_GETLOGIN within {GREETING_TIMEOUT:.0f} s of connecting "
                         "(a handshake lost to a full listen queue?)")

    def greeted(self, bot: Bot) -> None:
        self.awaiting_greeting.discard(bot)

    # --------------------------------------------------------------- bookkeeping

    def schedule(self, when: float, kind: int, bot: Bot) -> None:
        self.timer_count += 1
        heapq.heappush(self.timers, (when, self.timer_count, kind, bot))

    def count_received(self, frames: int, now: float) -> None:
        self.received += frames
        if self.window_start <= now < self.window_end:
            self.received_in_window += frames

    def count_move(self, room_id: int, now: float) -> None:
        self.moves += 1
        if self.window_start <= now < self.window_end:
            self.moves_in_window[room_id] += 1

    def count_ping(self, round_trip: float, sent: float) -> None:
        if self.window_start <= sent < self.window_end:
            self.ping_histogram[latency_bucket(round_trip)] += 1

    def observe_move(self, observer: Bot, mover: int, y: int, x: int, now: float) -> None:
        if mover == observer.player_id:  # the server put the mover back: a refused move
            observer.position = (y, x)
            self.refused += 1
            if self.window_start <= now < self.window_end:
                self.refused_in_window[observer.room_id] += 1
            return
        index = self.bot_of_player.get(mover)
        if index is None:
            self.other_moves += 1
            return
        code = move_code_of(y, x)
        if code < 0:
            self.unmatched += 1
            return
        sent = self.shared.send_times[index * MOVE_CODES + code]
        if not self.window_start <= sent < self.window_end:
            return  # a move of the warm-up or the drain
        latency = now - sent
        if latency < 0:
            self.unmatched += 1  # the slot was reused: cannot be this move
            return
        self.delivered += 1
        self.histogram[latency_bucket(latency)] += 1
        if latency > self.latency_max:
            self.latency_max = latency

    # --------------------------------------------------------------- the loop

    def run(self) -> dict[str, Any]:
        shared = self.shared
        parent_checked = time.monotonic()
        stopped_by = "finish"
        while True:
            now = time.monotonic()
            if now > self.plan.deadline:
                stopped_by = "deadline"
                break
            phase = shared.phase.value
            if phase != self.phase:
                self.enter_phase(phase, now)
            if phase == PHASE_FINISH:
                break
            self.window_start, self.window_end = shared.window[0], shared.window[1]
            if self.unconnected or self.awaiting_greeting:
                self.connect_more(now)
            self.run_timers(now)
            shared.delivered[self.plan.number] = self.delivered
            timeout = LOOP_TIMEOUT
            if self.timers:
                timeout = min(timeout, max(0.0, self.timers[0][0] - time.monotonic()))
            for key, events in self.selector.select(timeout):
                key.data.on_ready(events, time.monotonic())
            if now - parent_checked > 1.0:
                parent_checked = now
                if os.getppid() != self.plan.parent_pid:
                    stopped_by = "orphaned"
                    break
        shared.delivered[self.plan.number] = self.delivered
        failures = [bot.failure for bot in self.bots if bot.failure]
        lagging = [bot.describe() for bot in self.bots if bot.state not in ("arrived", "failed")]
        for bot in self.bots:
            bot.close()
        self.selector.close()
        return {
            "worker": self.plan.number,
            "stopped_by": stopped_by,
            "failures": failures,
            "lagging": lagging,
            "received": self.received,
            "received_in_window": self.received_in_window,
            "delivered": self.delivered,
            "histogram": self.histogram,
            "latency_max": self.latency_max,
            "unmatched": self.unmatched,
            "other_moves": self.other_moves,
            "refused": self.refused,
            "refused_in_window": dict(self.refused_in_window),
            "late_steps": self.late_steps,
            "ping_histogram": self.ping_histogram,
            "lateness_histogram": self.lateness_histogram,
            "moves_in_window": dict(self.moves_in_window),
            "moves": self.moves,
        }

    def enter_phase(self, phase: int, now: float) -> None:
        self.phase = phase
        if phase == PHASE_WALK:
            # Everyone is in the world by now: who is who, then start walking at random phases.
            ids = self.shared.player_ids
            self.bot_of_player = {ids[index]: index for index in range(self.shared.clients) if ids[index]}
            for bot in self.bots:
                if bot.alive and bot.state == "arrived":
                    self.schedule(now + random.random() * self.plan.step, _MOVE, bot)

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
                if self.window_start <= now < self.window_end:
                    self.lateness_histogram[latency_bucket(now - when)] += 1
                following = when + self.plan.step
                if following <= now:  # this loop is a whole step behind: skip, and say so
                    self.late_steps += 1
                    following = now + self.plan.step
                self.schedule(following, _MOVE, bot)
            elif kind == _PING:
                bot.ping()
                self.schedule(when + PING_INTERVAL, _PING, bot)
            elif kind == _TRAVEL and bot.travel_step():
                self.schedule(now + STEP_INTERVAL, _TRAVEL, bot)


def run_worker(plan: WorkerPlan, shared: Shared, results: Connection) -> None:
    """Process entry point: run the bots, send the report (or the error) to the main process."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the main process's handler: terminate() ends a worker
    random.seed(plan.seed)
    try:
        report = Worker(plan, shared).run()
    except BaseException:  # noqa: BLE001 - Ctrl-C included: the main process reports it
        report = {"worker": plan.number, "error": traceback.format_exc(limit=8)}
    try:
        results.send(report)
    except OSError:
        pass  # the main process is gone
    finally:
        results.close()
