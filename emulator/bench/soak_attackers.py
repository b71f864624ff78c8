"""The attack side of the soak benchmark: worker processes of hostile clients.

Each worker process runs a few attack loops, one thread each, on plain blocking sockets
with short timeouts (no Twisted: the attackers are few, their cost is in the server).
Every loop is bounded in rate (a pause between episodes) and every episode in size, and
each counts what it sent and how the server answered. A worker stops when the main
process sets the stop phase, at its hard deadline, or when it is orphaned; it then sends
its counts to the main process through a pipe.

Two roles, so that the attack is spread over two processes:

* ``connections``: connections sending random bytes; connections sending nothing, half a
  header or half a frame (slowloris); mutated login-mode frames (bit flips, truncation,
  wrong or huge length fields, an empty payload, garbage opcodes); wrong-password guesses.
* ``game``: a real login with an attacker account, then mutated game frames with correct
  and (at the end) wrong security values; request floods of ``BP_SEND_ROOM_CONTENTS``,
  ``BP_REQ_LOOK``, ``BP_SEND_PLAYERS`` and ``BP_SAY_TO`` at thousands a second; a client
  in the world that never reads its socket (small ``SO_RCVBUF``) and asks for every reply
  it may have, each kind at its request budget, while the room's traffic comes on top.

:class:`WireClient` (a blocking client that logs in to the world) is also used by the
main process for its fresh logins during the attack.
"""

from __future__ import annotations

import ctypes
import errno
import os
import random
import select
import signal
import socket
import struct
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.sharedctypes import RawValue
from typing import Any

import attrs

from emulator.bench.load import HOST
from emulator.resources import ResourceTable, load_resources
from emulator.testing.client import TestClient
from emulator.wire.codec import Message, table
from emulator.wire.framing import encode_frame
from protocol_specs.framing import HEADER_SIZE
from protocol_specs.opcodes import BP
from protocol_specs.registry import C2S, GAME

# Phases of the attack, set by the main process in AttackControl.phase.
ATTACK_WAIT, ATTACK_RUN, ATTACK_STOP = range(3)

ROLE_CONNECTIONS = "connections"
ROLE_GAME = "game"
ROLE_ALL = "all"  # both, in one process
ATTACK_LOOPS = ("random bytes", "slowloris", "login mutation", "wrong password", "game mutation", "flood",
                "non-reader")

_HEADER = struct.Struct("<HHHB")
RECV_SIZE = 64 * 1024
IO_TIMEOUT = 2.0  # every blocking socket call of an attacker
LOGIN_TIMEOUT = 15.0  # connect to in the world
STOP_POLL = 0.05

# Pacing: seconds between two episodes of each loop (a loop runs one episode at a time).
RANDOM_BYTES_PAUSE = 0.5  # ~120 connections a minute
LOGIN_MUTATION_PAUSE = 0.3  # ~200 a minute
WRONG_PASSWORD_PAUSE = 1.0  # ~60 a minute
GAME_MUTATION_PAUSE = 2.0
FLOOD_PAUSE = 2.0
NON_READER_PAUSE = 5.0

SLOWLORIS_HELD = 12  # connections held open at once
SLOWLORIS_OPEN_EVERY = 0.5
SLOWLORIS_GIVE_UP = 40.0  # we close one the server has not closed after this long

GAME_MUTATIONS_PER_SESSION = 40
FLOOD_BURST = 200  # frames per write
FLOOD_BURST_EVERY = 0.05  # 4,000 frames a second
FLOOD_MAX_FRAMES = 5000  # per session: the flood is bounded even if the server never cuts it
FLOOD_GRACE = 3.0  # seconds after the last frame for the server to close the flooder
FLOOD_KINDS = ("BP_SEND_ROOM_CONTENTS", "BP_REQ_LOOK", "BP_SEND_PLAYERS", "BP_SAY_TO")

NON_READER_RCVBUF = 4096
NON_READER_LIMIT = 240.0  # seconds a non-reader is kept before we give up on the server closing it
NON_READER_TICK = 0.25
NON_READER_SPEECH = "the quick brown fox jumps over the lazy dog " * 5  # ~220 characters (the world takes 255)
# Requests of the non-reader: (name, fields, every how many ticks): each kind at about its
# request budget (config.DEFAULT_REQUEST_RATES), none over it (a tick is at least NON_READER_TICK).
NON_READER_REQUESTS: tuple[tuple[str, dict[str, Any], int], ...] = (
    ("BP_REQ_LOOK", {}, 1),  # 4/s; its object is filled in
    ("BP_SEND_STATS", {"group": 1}, 2),  # 2/s
    ("BP_REQ_INVENTORY", {}, 2),
    ("BP_SEND_STAT_GROUPS", {}, 2),
    ("BP_SEND_SPELLS", {}, 2),
    ("BP_SEND_SKILLS", {}, 2),
    ("BP_SEND_ROOM_CONTENTS", {}, 4),  # 1/s
    ("BP_SEND_PLAYER", {}, 4),
    ("BP_SEND_PLAYERS", {}, 4),
    ("BP_SAY_TO", {"say_type": 1, "text": NON_READER_SPEECH}, 4),  # the world takes one line a second
)


class LoginRefused(RuntimeError):
    """The server answered the login with a refusal (the message's name)."""


class ClosedByServer(RuntimeError):
    """The server closed the connection (EOF or reset)."""


@attrs.define
class AttackControl:
    """Shared with the main process: the phase, and whether a non-reader is being held."""

    phase: Any  # c_int: ATTACK_*
    non_reader_held: Any  # c_int: 1 while a non-reader has stopped reading (RSS samples are tagged)
    non_reader_port: Any  # c_int: its local port (the main process finds its server-side socket), else 0

    @classmethod
    def create(cls) -> AttackControl:
        return cls(phase=RawValue(ctypes.c_int, ATTACK_WAIT), non_reader_held=RawValue(ctypes.c_int, 0),
                   non_reader_port=RawValue(ctypes.c_int, 0))


@attrs.frozen
class AttackPlan:
    role: str
    port: int
    rsc_path: str
    password: str
    accounts: dict[str, str]  # attack loop -> the attacker account it logs in with
    loops: frozenset[str]  # the attack loops to run (of ATTACK_LOOPS)
    deadline: float  # monotonic
    parent_pid: int
    seed: int


def closed_error(error: OSError) -> bool:
    """An error that means the peer closed or reset the connection."""
    return isinstance(error, (ConnectionResetError, BrokenPipeError, ConnectionAbortedError)) or error.errno in (
        errno.ECONNRESET, errno.EPIPE)


# ---------------------------------------------------------------------- a blocking client


class WireClient:
    """One blocking TCP client: logs in through a TestClient, then reads game frames lightly
    (frame split and seq only), as a bot that does not care what the world says."""

    _DECODED_IN_GAME = frozenset(int(op) for op in (BP.BP_LOAD_MODULE, BP.BP_CHARACTERS, BP.BP_PLAYER, BP.BP_QUIT))

    def __init__(self, port: int, resources: ResourceTable, receive_buffer: int | None = None) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if receive_buffer is not None:  # before connect: the window is announced in the handshake
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.settimeout(IO_TIMEOUT)
        self.codec = TestClient(resources=resources)
        self.inbox = bytearray()
        self.player_id = 0
        self.room_id = 0
        self.bytes_sent = 0
        self.light = False  # in the world: frames are only split (their seq kept), never decoded
        self.sock.connect((HOST, port))

    def close(self) -> None:
        self.sock.close()

    def send(self, data: bytes) -> None:
        """Send all of ``data``; ClosedByServer when the server has closed or reset us."""
        try:
            self.sock.sendall(data)
        except OSError as error:
            if closed_error(error):
                raise ClosedByServer(str(error)) from None
            raise
        self.bytes_sent += len(data)

    def request(self, name: str, **fields: Any) -> None:
        self.send(self.codec.frame(name, **fields))

    def receive(self, timeout: float) -> list[tuple[str, Message | None]]:
        """Whatever frames arrive within ``timeout`` (at least one read); ClosedByServer on EOF."""
        readable, _, _ = select.select([self.sock], [], [], timeout)
        if not readable:
            return []
        try:
            data = self.sock.recv(RECV_SIZE)
        except OSError as error:
            if closed_error(error):
                raise ClosedByServer(str(error)) from None
            raise
        if not data:
            raise ClosedByServer("end of stream")
        self.inbox += data
        return self._split()

    def drain(self) -> None:
        """Read what is there without waiting (keeps seq current and the window open)."""
        while self.receive(0.0):
            pass

    def _split(self) -> list[tuple[str, Message | None]]:
        frames: list[tuple[str, Message | None]] = []
        inbox = self.inbox
        offset = 0
        while len(inbox) - offset >= HEADER_SIZE:
            length, _check, _copy, seq = _HEADER.unpack_from(inbox, offset)
            end = offset + HEADER_SIZE + length
            if end > len(inbox):
                break
            frame = bytes(inbox[offset:end])
            offset = end
            if self.light:
                self.codec.last_seq = seq
                frames.append(("frame", None))
            elif self.codec.mode is GAME:
                # On the way in the s2c opcode scrambler is still off (no BP_PING sent yet).
                self.codec.last_seq = seq
                opcode = frame[HEADER_SIZE]
                if opcode in self._DECODED_IN_GAME:
                    for message in self.codec.receive(frame):
                        self._note(message)
                        frames.append((message.name, message))
                else:
                    frames.append((BP(opcode).name if opcode in BP._value2member_map_ else str(opcode), None))
            else:
                for message in self.codec.receive(frame):
                    frames.append((message.name, message))
            self.codec.frames.clear()
        del inbox[:offset]
        return frames

    def _note(self, message: Message) -> None:
        if message.name == "BP_PLAYER":
            self.player_id, self.room_id = message["id"], message["room_id"]

    def wait_for(self, names: set[str], deadline: float) -> tuple[str, Message | None]:
        refusals = {"AP_LOGINFAILED", "AP_ACCOUNTUSED", "AP_TOOMANYLOGINS", "AP_NOCHARACTERS", "AP_MESSAGE",
                    "AP_TIMEOUT"}
        while (left := deadline - time.monotonic()) > 0:
            for name, message in self.receive(min(left, IO_TIMEOUT)):
                if name in names:
                    return name, message
                if name in refusals:
                    raise LoginRefused(name)
        raise TimeoutError(f"none of {sorted(names)} within the time limit")

    def enter_world(self, account: str, password: str, timeout: float = LOGIN_TIMEOUT) -> None:
        """AP_LOGIN .. AP_REQ_GAME, BP_SEND_CHARACTERS, BP_USE_CHARACTER, until BP_ROOM_CONTENTS."""
        deadline = time.monotonic() + timeout
        self.wait_for({"AP_GETLOGIN"}, deadline)
        self.send(self.codec.login(account, password))
        self.wait_for({"AP_CREDITS"}, deadline)
        self.send(self.codec.request_game())
        self.wait_for({"BP_LOAD_MODULE"}, deadline)
        self.request("BP_SEND_CHARACTERS")
        _, listing = self.wait_for({"BP_CHARACTERS"}, deadline)
        assert listing is not None
        characters = listing["characters"]
        if not characters:
            raise LoginRefused("no character")
        self.request("BP_USE_CHARACTER", character_id=characters[0]["id"])
        self.wait_for({"BP_ROOM_CONTENTS"}, deadline)
        self.light = True  # a mutated frame may turn the scrambler on: no more decoding

    def closed_within(self, seconds: float) -> bool:
        """Read (and drop) what comes until the server closes us, for up to ``seconds``."""
        deadline = time.monotonic() + seconds
        try:
            while (left := deadline - time.monotonic()) > 0:
                self.receive(min(left, IO_TIMEOUT))
        except ClosedByServer:
            return True
        return False


# ---------------------------------------------------------------------- frame mutations


def mutate_frame(frame: bytes, rng: random.Random) -> tuple[str, bytes]:
    """One mutation of a valid frame: (kind, bytes to send)."""
    kind = rng.choice(("bit_flips", "truncated", "wrong_length", "huge_length", "empty_payload", "garbage_opcode",
                       "random_seq", "trailing_garbage"))
    data = bytearray(frame)
    length = len(frame) - HEADER_SIZE
    if kind == "bit_flips":
        for _ in range(rng.randint(1, 8)):
            at = rng.randrange(len(data))
            data[at] ^= 1 << rng.randrange(8)
    elif kind == "truncated":
        data = data[:rng.randrange(1, len(data))]
    elif kind == "wrong_length":
        struct.pack_into("<H", data, 4, (length + rng.randint(1, 100)) & 0xFFFF)  # the copy differs
    elif kind == "huge_length":
        struct.pack_into("<HHH", data, 0, 0xFFFF, 0, 0xFFFF)
    elif kind == "empty_payload":
        data = bytearray(_HEADER.pack(0, 0, 0, 0))
    elif kind == "garbage_opcode":
        data[HEADER_SIZE] = rng.randrange(256)
    elif kind == "random_seq":
        data[6] = rng.randrange(1, 256)
    else:
        data += bytes(rng.randrange(256) for _ in range(rng.randint(1, 64)))
    return kind, bytes(data)


def mutate_payload(payload: bytes, rng: random.Random) -> tuple[str, bytes]:
    """A mutated game payload (the frame around it gets a correct security value)."""
    kind = rng.choice(("bit_flips", "truncated", "garbage_opcode", "random_tail", "random_payload"))
    data = bytearray(payload)
    if kind == "bit_flips":
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(data))
            data[at] ^= 1 << rng.randrange(8)
    elif kind == "truncated" and len(data) > 1:
        data = data[:rng.randrange(1, len(data))]
    elif kind == "garbage_opcode":
        data[0] = rng.randrange(256)
    elif kind == "random_tail":
        data += bytes(rng.randrange(256) for _ in range(rng.randint(1, 200)))
    else:
        data = bytearray(rng.randrange(256) for _ in range(rng.randint(1, 300)))
    if not data:
        data = bytearray(b"\x00")
    return kind, bytes(data)


# ---------------------------------------------------------------------- the attack loops


class AttackWorker:
    """One process's attack loops and their counts."""

    def __init__(self, plan: AttackPlan, control: AttackControl) -> None:
        self.plan = plan
        self.control = control
        self.resources = load_resources(plan.rsc_path)
        self.counts: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.flood_cut_seconds: dict[str, list[float]] = {kind: [] for kind in FLOOD_KINDS}
        self.slowloris_closed_after: list[float] = []
        self.non_reader_cut_seconds: list[float] = []
        self.errors: list[str] = []

    # --------------------------------------------------------------- bookkeeping

    def count(self, key: str, amount: int = 1) -> None:
        with self.lock:
            self.counts[key] += amount

    def running(self) -> bool:
        return (self.control.phase.value == ATTACK_RUN and time.monotonic() < self.plan.deadline
                and os.getppid() == self.plan.parent_pid)

    def pause(self, seconds: float) -> None:
        until = time.monotonic() + seconds
        while self.running() and time.monotonic() < until:
            time.sleep(min(STOP_POLL, max(0.0, until - time.monotonic())))

    def connect(self, receive_buffer: int | None = None) -> WireClient | None:
        try:
            client = WireClient(self.plan.port, self.resources, receive_buffer)
        except OSError as error:
            self.count(f"connect failed ({error.strerror or error})")
            return None
        self.count("connections opened")
        return client

    def loop(self, name: str, episode: Callable[[random.Random], None], pause: float) -> None:
        """Run ``episode`` over and over while the attack lasts; an unexpected error is
        recorded (it is a bug of the attacker, not of the server) and the loop goes on."""
        rng = random.Random(f"{self.plan.seed}-{name}")
        while self.running():
            try:
                episode(rng)
            except Exception:  # noqa: BLE001 - reported at the end
                self.count(f"{name}: attacker error")
                if len(self.errors) < 5:
                    self.errors.append(f"{name}: {traceback.format_exc(limit=4)}")
            self.pause(pause)

    def run(self) -> dict[str, Any]:
        while self.control.phase.value == ATTACK_WAIT and time.monotonic() < self.plan.deadline:
            time.sleep(STOP_POLL)
        loops: list[tuple[str, Callable[[random.Random], None], float]] = []
        if self.plan.role in (ROLE_CONNECTIONS, ROLE_ALL):
            loops += [
                ("random bytes", self.random_bytes, RANDOM_BYTES_PAUSE),
                ("login mutation", self.login_mutation, LOGIN_MUTATION_PAUSE),
                ("wrong password", self.wrong_password, WRONG_PASSWORD_PAUSE),
                ("slowloris", self.slowloris, 0.0),
            ]
        if self.plan.role in (ROLE_GAME, ROLE_ALL):
            loops += [
                ("game mutation", self.game_mutation, GAME_MUTATION_PAUSE),
                ("flood", self.flood, FLOOD_PAUSE),
                ("non-reader", self.non_reader, NON_READER_PAUSE),
            ]
        loops = [loop for loop in loops if loop[0] in self.plan.loops]
        threads = [threading.Thread(target=self.loop, args=loop, name=loop[0], daemon=True) for loop in loops]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=max(1.0, self.plan.deadline - time.monotonic()) + LOGIN_TIMEOUT)
        return {
            "role": self.plan.role,
            "counts": dict(self.counts),
            "flood_cut_seconds": self.flood_cut_seconds,
            "slowloris_closed_after": self.slowloris_closed_after,
            "non_reader_cut_seconds": self.non_reader_cut_seconds,
            "errors": self.errors,
        }

    # --------------------------------------------------------------- connection attacks

    def random_bytes(self, rng: random.Random) -> None:
        """Connect and send 1..2000 random bytes; did the server hang up within 2 s?"""
        client = self.connect()
        if client is None:
            return
        try:
            size = rng.randint(1, 2000)
            client.send(rng.randbytes(size))
            self.count("random bytes: connections")
            self.count("random bytes: bytes", size)
            # Random bytes almost always make a bad header (closed at once); a few make a
            # frame still incomplete: that one waits for the first-frame timeout.
            self.count("random bytes: closed by server within 2 s" if client.closed_within(2.0)
                       else "random bytes: still open after 2 s (we closed)")
        except ClosedByServer:
            self.count("random bytes: connections")
            self.count("random bytes: closed by server within 2 s")
        finally:
            client.close()

    def login_mutation(self, rng: random.Random) -> None:
        """A mutated AP_LOGIN / AP_REQ_GAME / AP_PING frame after AP_GETLOGIN."""
        client = self.connect()
        if client is None:
            return
        try:
            client.wait_for({"AP_GETLOGIN"}, time.monotonic() + IO_TIMEOUT)
            codec = client.codec
            frame = rng.choice((
                codec.login(f"soakrandom{rng.randrange(10**6)}", "guess"),
                codec.login(self.plan.accounts["wrong password"], "not-the-password"),
                codec.request_game(),
                codec.frame("AP_PING"),
            ))
            kind, data = mutate_frame(frame, rng)
            client.send(data)
            self.count("login mutation: frames")
            self.count(f"login mutation: sent {kind}")
            answer = self.answer_within(client, 1.0)
            self.count(f"login mutation: {answer}")
        except (ClosedByServer, LoginRefused, TimeoutError) as outcome:
            self.count(f"login mutation: ended before sending ({type(outcome).__name__})")
        finally:
            client.close()

    @staticmethod
    def answer_within(client: WireClient, seconds: float) -> str:
        """How the server took a frame: closed the connection, answered, or said nothing."""
        deadline = time.monotonic() + seconds
        answered = False
        try:
            while (left := deadline - time.monotonic()) > 0:
                if client.receive(left):
                    answered = True
        except ClosedByServer:
            return "closed by server" + (" after answering" if answered else "")
        except Exception:  # noqa: BLE001 - an answer our light decoder cannot read is still an answer
            return "answered (undecodable to us)"
        return "answered, still open" if answered else "no answer, still open"

    def wrong_password(self, rng: random.Random) -> None:
        """One wrong password for the attacker's account per connection (throttled after a few)."""
        client = self.connect()
        if client is None:
            return
        try:
            client.wait_for({"AP_GETLOGIN"}, time.monotonic() + IO_TIMEOUT)
            guess = f"guess-{rng.randrange(10**9)}"
            client.send(client.codec.login(self.plan.accounts["wrong password"], guess))
            self.count("wrong password: guesses")
            client.wait_for({"AP_LOGINOK"}, time.monotonic() + 5.0)
            self.count("wrong password: ACCEPTED (must not happen)")
        except LoginRefused as refusal:
            self.count(f"wrong password: answered {refusal}")
        except TimeoutError:
            self.count("wrong password: no answer within 5 s")
        except ClosedByServer:
            self.count("wrong password: closed without an answer")
        finally:
            client.close()

    def slowloris(self, rng: random.Random) -> None:
        """Hold up to SLOWLORIS_HELD connections that send nothing, half a header or half a
        frame, and time how long the server lets each live (first-frame timeout)."""
        held: dict[socket.socket, tuple[float, str]] = {}
        next_open = time.monotonic()
        try:
            while self.running():
                now = time.monotonic()
                if len(held) < SLOWLORIS_HELD and now >= next_open:
                    next_open = now + SLOWLORIS_OPEN_EVERY
                    kind = rng.choice(("nothing", "half a header", "half a frame"))
                    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                    sock.settimeout(IO_TIMEOUT)
                    try:
                        sock.connect((HOST, self.plan.port))
                        if kind == "half a header":
                            sock.sendall(_HEADER.pack(40, 0, 40, 0)[:3])
                        elif kind == "half a frame":
                            sock.sendall(_HEADER.pack(40, 0, 40, 0) + bytes(20))
                    except OSError as error:
                        self.count(f"slowloris: connect failed ({error.strerror or error})")
                        sock.close()
                    else:
                        sock.setblocking(False)
                        held[sock] = (now, kind)
                        self.count("connections opened")
                        self.count(f"slowloris: {kind}")
                if not held:
                    time.sleep(STOP_POLL)
                    continue
                readable, _, _ = select.select(list(held), [], [], 0.1)
                for sock in readable:
                    try:
                        data = sock.recv(RECV_SIZE)
                    except BlockingIOError:
                        continue
                    except OSError:
                        data = b""
                    if not data:  # closed by the server
                        opened, _kind = held.pop(sock)
                        self.slowloris_closed_after.append(time.monotonic() - opened)
                        self.count("slowloris: closed by server")
                        sock.close()
                for sock, (opened, _kind) in list(held.items()):
                    if time.monotonic() - opened > SLOWLORIS_GIVE_UP:
                        del held[sock]
                        self.count(f"slowloris: still open after {SLOWLORIS_GIVE_UP:.0f} s (we closed)")
                        sock.close()
        finally:
            for sock in held:
                sock.close()
            self.count("slowloris: still held when the attack ended", len(held))

    # --------------------------------------------------------------- game attacks

    def in_world(self, loop: str, receive_buffer: int | None = None) -> WireClient | None:
        """A client logged in with the loop's attacker account, in the world; None if not."""
        client = self.connect(receive_buffer)
        if client is None:
            return None
        try:
            client.enter_world(self.plan.accounts[loop], self.plan.password)
        except (LoginRefused, TimeoutError, ClosedByServer, OSError) as failure:
            self.count(f"{loop}: login failed ({type(failure).__name__}: {failure})")
            client.close()
            return None
        self.count(f"{loop}: logins")
        return client

    def game_mutation(self, rng: random.Random) -> None:
        """Mutated game payloads with correct security values, then one frame with a wrong
        security value or a broken header: the server must close the connection."""
        client = self.in_world("game mutation")
        if client is None:
            return
        requests = table(GAME, C2S)
        room = {"id": client.room_id, "amount": None}
        me = {"id": client.player_id, "amount": None}
        valid = [
            requests.encode("BP_REQ_MOVE", {"y": 1000, "x": 1000, "speed": 18, "room": room}),
            requests.encode("BP_SAY_TO", {"say_type": 1, "text": "mutant"}),
            requests.encode("BP_REQ_LOOK", {"object": me}),
            requests.encode("BP_SEND_ROOM_CONTENTS", {}),
            requests.encode("BP_REQ_TURN", {"object": me, "angle": 512}),
            requests.encode("BP_REQ_INVENTORY", {}),
        ]
        try:
            for _ in range(GAME_MUTATIONS_PER_SESSION):
                if not self.running():
                    return
                kind, payload = mutate_payload(rng.choice(valid), rng)
                client.drain()
                client.send(client.codec.frame_payload(payload))
                self.count("game mutation: frames with a correct security value")
                self.count(f"game mutation: sent {kind}")
                time.sleep(0.01)
            client.drain()
            finisher = rng.choice(("wrong security value", "wrong length", "huge length"))
            frame = client.codec.frame_payload(valid[2])
            if finisher == "wrong security value":
                check = _HEADER.unpack_from(frame)[1]
                frame = encode_frame(frame[HEADER_SIZE:], check ^ 0x5A5A, client.codec.last_seq)
            else:
                frame = _break_header(frame, finisher)
            client.send(frame)
            self.count(f"game mutation: last frame {finisher}")
            closed = client.closed_within(3.0)
            self.count(f"game mutation: {finisher}, " + ("closed by server" if closed else "NOT closed within 3 s"))
        except ClosedByServer:
            self.count("game mutation: closed by server before the last frame")
        finally:
            client.close()

    def flood(self, rng: random.Random) -> None:
        """One kind of request at FLOOD_BURST / FLOOD_BURST_EVERY a second until the server
        hangs up (or FLOOD_MAX_FRAMES were sent); the time to the hang-up is recorded."""
        kind = FLOOD_KINDS[self.counts["flood: sessions"] % len(FLOOD_KINDS)]
        self.count("flood: sessions")
        client = self.in_world("flood")
        if client is None:
            return
        requests = table(GAME, C2S)
        fields: dict[str, Any] = {}
        if kind == "BP_REQ_LOOK":
            fields = {"object": {"id": client.player_id, "amount": None}}
        elif kind == "BP_SAY_TO":
            fields = {"say_type": 1, "text": "flood"}
        payload = requests.encode(kind, fields)
        sent = 0
        started = time.monotonic()
        try:
            while sent < FLOOD_MAX_FRAMES and self.running():
                client.drain()
                burst = b"".join(client.codec.frame_payload(payload) for _ in range(FLOOD_BURST))
                client.send(burst)
                sent += FLOOD_BURST
                self.count(f"flood {kind}: frames", FLOOD_BURST)
                if client.closed_within(FLOOD_BURST_EVERY):  # returns at once on the hang-up: timed to the ms
                    raise ClosedByServer("during the flood")
            if not self.running():
                return
            if client.closed_within(FLOOD_GRACE):
                raise ClosedByServer("after the last burst")
            self.count(f"flood {kind}: NOT disconnected after {sent} frames")
        except ClosedByServer:
            self.flood_cut_seconds[kind].append(time.monotonic() - started)
            self.count(f"flood {kind}: disconnected by server")
        finally:
            client.close()

    def non_reader(self, rng: random.Random) -> None:
        """In the world, then never read again, asking (within budget) for big replies;
        the server must abort the connection once its held output passes the limit."""
        client = self.in_world("non-reader", NON_READER_RCVBUF)
        if client is None:
            return
        me = {"id": client.player_id, "amount": None}
        stopped_reading = time.monotonic()
        self.control.non_reader_port.value = client.sock.getsockname()[1]
        self.control.non_reader_held.value = 1
        tick = 0
        try:
            while self.running() and time.monotonic() - stopped_reading < NON_READER_LIMIT:
                sent = 0
                for name, fields, every in NON_READER_REQUESTS:
                    if tick % every == 0:
                        client.request(name, **({"object": me} if name == "BP_REQ_LOOK" else fields))
                        sent += 1
                self.count("non-reader: requests", sent)
                tick += 1
                # A reset from the server shows as an error on the socket (not read: we never read).
                if client.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR):
                    raise ClosedByServer("reset")
                time.sleep(NON_READER_TICK)
            if self.running():
                self.count(f"non-reader: NOT disconnected within {NON_READER_LIMIT:.0f} s")
            else:
                self.count("non-reader: still held when the attack ended")
        except ClosedByServer:
            self.non_reader_cut_seconds.append(time.monotonic() - stopped_reading)
            self.count("non-reader: disconnected by server")
        finally:
            self.control.non_reader_held.value = 0
            self.control.non_reader_port.value = 0
            client.close()


def _break_header(frame: bytes, how: str) -> bytes:
    data = bytearray(frame)
    length = len(frame) - HEADER_SIZE
    if how == "wrong length":
        struct.pack_into("<H", data, 4, length + 7)
    else:
        struct.pack_into("<H", data, 0, 0xFFFF)
        struct.pack_into("<H", data, 4, 0xFFFF)
    return bytes(data)


def run_attack_worker(plan: AttackPlan, control: AttackControl, results: Connection) -> None:
    """Process entry point: run the attack loops, send the counts (or the error) back."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        report = AttackWorker(plan, control).run()
    except BaseException:  # noqa: BLE001 - Ctrl-C included: the main process reports it
        report = {"role": plan.role, "error": traceback.format_exc(limit=8)}
    try:
        results.send(report)
    except OSError:
        pass
    finally:
        results.close()

