"""Sans-IO server side of one client connection: login mode and the game-mode envelope.

No reactor, no sockets, no clock: the host feeds bytes and the current time, and
performs the returned :mod:`~emulator.connection.events` in order (h11 / aioquic style).

States::

    AWAITING_LOGIN --AP_LOGIN--> VERIFYING --verdict ok--> MENU --AP_REQ_GAME--> GAME
          ^                          |  bad password             ^                  |
          +--------------------------+                           +---BP_REQ_QUIT----+
    any state --Disconnect--> CLOSED

Choices where this differs from blakserv (documented per the protocol brief):

* **Bad frames are not resynchronised.** A header with ``len != len2``, a payload above
  the size cap, or an empty payload is logged and the connection is closed; the
  original answers ``AP_RESYNC``/``BP_RESYNC`` and scans for beacon strings. A c2s
  ``AP_RESYNC``/``BP_RESYNC`` is logged and otherwise ignored (the beacon bytes the
  client then sends fail the header check and close the connection).
* A login-mode frame whose ``seq`` is not 0 is logged and dropped (blakserv resyncs);
  this also absorbs game frames still in flight after a quit.
* The minimum-version check runs before the store is asked, so an old client gets the
  update message without ``AP_LOGINOK`` and without revealing whether its password was
  right. (blakserv sends ``AP_LOGINOK`` first, then the message.)
* ``AP_ACCOUNTUSED`` leaves the connection open and not logged in (blakserv's missing
  ``return`` logs the user in anyway; treated as a bug).
* ``AP_REQ_ADMIN`` from an admin account gets ``AP_ADMIN`` but no console: the session
  stays in login mode.
"""

from __future__ import annotations

import enum
import secrets
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from emulator.config import Config
from emulator.connection.budget import RequestBudget
from emulator.connection.events import (
    Disconnect,
    EnterGame,
    GameRequest,
    LeaveGame,
    Log,
    LoggedIn,
    Output,
    Refusal,
    Send,
    Verdict,
    VerifyLogin,
)
from emulator.counters import ServerCounters
from emulator.wire.codec import Message, ResourceLookup, table
from emulator.wire.crc import crc16
from emulator.wire.errors import DecodeError, FrameError
from emulator.wire.framing import Frame, FrameDecoder, encode_frame
from emulator.wire.outgoing import Encoded, finish_game_frames
from emulator.wire.security import (
    FALLBACK_REDBOOK,
    SEED_COUNT,
    OpcodeScrambler,
    SecurityStream,
)
from protocol_specs.opcodes import LoginAction
from protocol_specs.registry import C2S, GAME, LOGIN, S2C, Mode

#: blakserv refuses AP_LOGIN when the name is this long or longer (bytes).
MAX_NAME_BYTES = 51
#: ... or when the password field is this long or longer.
MAX_DIGEST_BYTES = 33

SeedSource = Callable[[], int]
EpochSource = Callable[[], int]


def random_seed() -> int:
    return secrets.randbits(32)


class State(enum.Enum):
    AWAITING_LOGIN = "awaiting_login"
    VERIFYING = "verifying"
    MENU = "menu"  # logged in, login mode
    GAME = "game"
    CLOSED = "closed"


class ConnectionMachine:
    """One connection. Every public method returns the outputs to perform, in order."""

    def __init__(
        self,
        config: Config,
        seed_source: SeedSource = random_seed,
        epoch: EpochSource = lambda: 1,
        *,
        debug: bool = False,
        counters: ServerCounters | None = None,
    ) -> None:
        self.config = config
        #: The server's counts (shared by every connection); its own when alone (tests).
        self.counters = counters if counters is not None else ServerCounters()
        self._debug = debug  # debug records are built only when someone will read them
        self._budget = RequestBudget(config.requests)
        self._seed_source = seed_source
        self._epoch = epoch
        self.state = State.AWAITING_LOGIN
        self._decoder = FrameDecoder(config.limits.max_frame_payload)
        self._security: SecurityStream | None = None
        self._scrambler = OpcodeScrambler()
        self._seeds_hacked = False
        self._failures = 0
        self._started_at = 0.0
        self._last_activity = 0.0
        self.framed = False  # a whole frame has arrived (a connection that sends none is shed first)
        self._game_entered_at: float | None = None  # None once a character is chosen
        self.account_id: int | None = None
        self.account_name: str | None = None
        self.admin_level = 0
        self.client_version = 0
        self._pending_name = ""  # the name being verified, for logs

    # ------------------------------------------------------------------ host interface

    @property
    def closed(self) -> bool:
        return self.state is State.CLOSED

    @property
    def mode(self) -> Mode:
        return GAME if self.state is State.GAME else LOGIN

    def start(self, now: float) -> list[Output]:
        """The connection was accepted: the server speaks first."""
        self._started_at = self._last_activity = now
        out: list[Output] = []
        self._send(out, "AP_GETLOGIN")
        return out

    def receive_data(self, data: bytes, now: float) -> None:
        """Bytes from the socket, kept until :meth:`next_event` pulls them. Never raises."""
        if self.closed:
            return
        self._last_activity = now  # any bytes count, even a partial frame (game.c)
        self._decoder.feed(data)

    def next_event(self, now: float) -> list[Output] | None:
        """The outputs of the next whole frame received; ``None`` when there is none yet.

        One frame per call, in the shape of h11's ``next_event``. A :class:`GameRequest`
        is always the last output of its list: the host answers it before pulling again,
        so the answer is scrambled with the key the client holds and a ``BP_PING`` later
        in the same read re-keys only after it. Never raises.
        """
        if self.closed:
            return None
        out: list[Output] = []
        try:
            try:
                frame = self._decoder.next_frame()
            except FrameError as error:
                out.append(Log("warn", "bad_frame", {"error": str(error), "mode": self.mode.value}))
                self._disconnect(out, "bad frame")
                return out
            if frame is None:
                return None
            self.framed = True
            self._frame(out, frame, now)
        except Exception as error:  # noqa: BLE001 - a bug of ours must not take the server down
            self._internal_error(out, "receive", error)
        return out

    def receive(self, data: bytes, now: float) -> list[Output]:
        """:meth:`receive_data`, then every event at once: for hosts that answer no game
        request in between (tests and tools). Never raises."""
        self.receive_data(data, now)
        out: list[Output] = []
        while (event := self.next_event(now)) is not None:
            out.extend(event)
        return out

    def login_verified(self, verdict: Verdict, now: float, *, account_in_use: bool = False) -> list[Output]:
        """The store's answer to :class:`VerifyLogin`.

        ``account_in_use`` is the host's decision when the account is online elsewhere
        and policy is to refuse (``AP_ACCOUNTUSED``); with the override policy the host
        hangs up the old connection and passes ``False``.
        """
        if self.state is not State.VERIFYING:
            return []  # closed meanwhile, or a stray answer
        out: list[Output] = []
        try:
            self._verdict(out, verdict, account_in_use)
        except Exception as error:  # noqa: BLE001 - same: log and hang up, never raise
            self._internal_error(out, "login_verified", error)
        return out

    def login_refused(self, refusal: Refusal, now: float, message: str | None = None) -> list[Output]:
        """The host did not ask the store (throttled), the store failed, or logins are
        locked (``message`` is then the lock's text)."""
        if self.state is not State.VERIFYING:
            return []
        out: list[Output] = [Log("warn", "login_refused", {"reason": refusal.value})]
        self.counters.login_failures[refusal.value] += 1
        if refusal is Refusal.THROTTLED:
            self._send(out, "AP_TOOMANYLOGINS")
        elif refusal is Refusal.LOCKED:
            text = message or self.config.login.unavailable_message
            self._send(out, "AP_MESSAGE", text=text, action=LoginAction.LA_LOGOFF)
        else:
            self._send(out, "AP_MESSAGE", text=self.config.login.unavailable_message, action=LoginAction.LA_LOGOFF)
        self._disconnect(out, f"login refused: {refusal.value}")
        return out

    def send_game(
        self, messages: Iterable[Encoded | tuple[str, Mapping[str, Any]]], resources: ResourceLookup | None = None
    ) -> list[Output]:
        """Frames for game messages (nothing once out of game mode), in one :class:`Send`.

        Messages come encoded once for all their recipients (:class:`Encoded`), or as a
        name and fields to encode here; ``resources`` lets format-string messages be built.
        """
        if self.state is not State.GAME:
            return []
        try:
            codec = table(GAME, S2C)
            payloads = [
                message.payload if isinstance(message, Encoded)
                else codec.encode(message[0], message[1], resources=resources)
                for message in messages
            ]
            data = finish_game_frames(payloads, self._scrambler, self._epoch() & 0xFF)
        except Exception as error:  # noqa: BLE001 - a bug of ours must not take the server down
            out: list[Output] = []
            self._internal_error(out, "send_game", error)
            return out
        return [Send(data)] if data else []

    def character_selected(self, now: float) -> None:
        """The world accepted a character: the character-selection timer stops."""
        self._game_entered_at = None

    def next_deadline(self) -> float | None:
        """When :meth:`tick` may next have something to do (for the host's timer)."""
        timeouts = self.config.timeouts
        if self.state in (State.AWAITING_LOGIN, State.VERIFYING):
            if not self.framed:
                return self._started_at + min(timeouts.first_frame, timeouts.before_login)
            return self._started_at + timeouts.before_login
        if self.state is State.MENU:
            return self._last_activity + timeouts.login_idle
        if self.state is State.GAME:
            idle = self._last_activity + timeouts.game_idle
            if self._game_entered_at is not None:
                return min(idle, self._game_entered_at + timeouts.select_character)
            return idle
        return None

    def tick(self, now: float) -> list[Output]:
        """Apply timeouts."""
        deadline = self.next_deadline()
        if deadline is None or now < deadline:
            return []
        out: list[Output] = []
        if self.state in (State.AWAITING_LOGIN, State.VERIFYING):
            out.append(Log("info", "timeout", {"phase": "before_login" if self.framed else "first_frame"}))
            self._send(out, "AP_TIMEOUT")
        elif self.state is State.MENU:
            out.append(Log("info", "timeout", {"phase": "login_idle"}))
            self._send(out, "AP_TIMEOUT")
        else:
            phase = "game_idle"
            timeouts = self.config.timeouts
            if self._game_entered_at is not None and now >= self._game_entered_at + timeouts.select_character:
                phase = "select_character"
            out.append(Log("info", "timeout", {"phase": phase}))  # game mode: no message (game.c)
        self._disconnect(out, "timeout")
        return out

    def close(self, reason: str = "closed") -> list[Output]:
        """Close from the host's side (shutdown, override). Sends nothing."""
        if self.closed:
            return []
        out: list[Output] = []
        self._disconnect(out, reason)
        return out

    # ------------------------------------------------------------------ frames

    def _frame(self, out: list[Output], frame: Frame, now: float) -> None:
        if self.state is State.GAME:
            self._game_frame(out, frame, now)
        else:
            self._login_frame(out, frame, now)

    def _login_frame(self, out: list[Output], frame: Frame, now: float) -> None:
        # The check field of c2s AP frames is not validated: the stock client sends garbage.
        if frame.seq != 0:
            if self._debug:
                out.append(Log("debug", "login_frame_dropped", {"seq": frame.seq, "opcode": frame.opcode}))
            return
        message = self._decode(out, LOGIN, frame.payload)
        if message is None:
            return
        handler = _LOGIN_HANDLERS.get(message.name)
        if self.state is State.AWAITING_LOGIN and message.name != "AP_LOGIN":
            if self._debug:
                out.append(Log("debug", "ignored_before_login", {"message": message.name}))
        elif self.state is State.VERIFYING:
            if self._debug:
                out.append(Log("debug", "ignored_while_verifying", {"message": message.name}))
        elif handler is None:
            out.append(Log("info", "invalid_login_message", {"message": message.name}))
        else:
            handler(self, out, message)

    def _game_frame(self, out: list[Output], frame: Frame, now: float) -> None:
        assert self._security is not None  # set by the AP_GETCHOICE before AP_GAME
        expected = self._security.next_check(frame.payload)  # steps even for stale frames
        if frame.check != expected and not self._seeds_hacked:
            self._seeds_hacked = True  # only the first mismatch is acted on (game.c)
            out.append(
                Log("warn", "security_mismatch", {"check": frame.check, "expected": expected, "opcode": frame.opcode})
            )
            if self.config.security.hangup_spoofs:
                self._disconnect(out, "security value mismatch")
            return
        epoch = self._epoch() & 0xFF
        if frame.seq != epoch:
            if self._debug:
                out.append(Log("debug", "stale_epoch", {"seq": frame.seq, "epoch": epoch}))
            return
        message = self._decode(out, GAME, frame.payload)
        if message is None:
            return
        name = message.name
        self.counters.requests[name] += 1
        if name != "BP_REQ_QUIT" and not self._budget.allows(name, now):
            self._over_budget(out, name, now)
            return
        if name == "BP_PING":
            self._echo_ping(out)
        elif name == "BP_REQ_QUIT":
            self._quit_game(out)
        elif name == "BP_RESYNC":
            out.append(Log("info", "resync_requested", {"mode": "game"}))
        else:
            if self._debug:
                out.append(Log("debug", "game_request", {"message": name}))
            out.append(GameRequest(message))

    def _over_budget(self, out: list[Output], name: str, now: float) -> None:
        """Drop the request; one line per window of drops, and a flood closes the connection."""
        self.counters.requests_dropped[name] += 1
        report = self._budget.drop(name, now)
        if report is None:
            return
        fields = {"dropped": report.summary(), "seconds": round(report.seconds, 1), "account": self.account_name}
        if report.flood:
            out.append(Log("warn", "request_flood_disconnected", fields))
            self._disconnect(out, "request flood")
        else:
            out.append(Log("warn", "requests_dropped", fields))

    def _decode(self, out: list[Output], mode: Mode, payload: bytes) -> Message | None:
        try:
            return table(mode, C2S).decode(payload)
        except DecodeError as error:
            out.append(
                Log("info", "undecodable_message", {"mode": mode.value, "opcode": payload[0], "error": str(error)})
            )
            return None

    # ------------------------------------------------------------------ login mode

    def _on_login(self, out: list[Output], message: Message) -> None:
        if self.state is not State.AWAITING_LOGIN:
            if self._debug:
                out.append(Log("debug", "login_while_logged_in", {}))
            return
        fields = message.fields
        name_bytes: bytes = fields["account"].encode("latin-1", "replace")
        digest: bytes = fields["password"]
        if len(name_bytes) >= MAX_NAME_BYTES or len(digest) >= MAX_DIGEST_BYTES:
            out.append(
                Log("info", "login_fields_too_long", {"name_bytes": len(name_bytes), "digest_bytes": len(digest)})
            )
            return  # blakserv ignores such a message without a reply
        version = fields["major_version"] * 100 + fields["minor_version"]
        self.client_version = version
        if version < self.config.login.minimum_client_version:
            out.append(Log("info", "client_too_old", {"version": version, "account": fields["account"]}))
            self.counters.login_failures["client_too_old"] += 1
            self._send(out, "AP_MESSAGE", text=self.config.login.old_version_message, action=LoginAction.LA_LOGOFF)
            self._disconnect(out, "client too old")
            return
        self.state = State.VERIFYING
        self._pending_name = fields["account"]
        out.append(VerifyLogin(fields["account"], digest, version))

    def _verdict(self, out: list[Output], verdict: Verdict, account_in_use: bool) -> None:
        outcome = verdict.outcome
        if outcome == "ok" and account_in_use:
            self.state = State.AWAITING_LOGIN
            out.append(Log("info", "account_in_use", {"account": verdict.account_name}))
            self.counters.login_failures["account_in_use"] += 1
            self._send(out, "AP_ACCOUNTUSED")
        elif outcome == "ok":
            assert verdict.account_id is not None and verdict.account_name is not None
            self.state = State.MENU
            self.account_id = verdict.account_id
            self.account_name = verdict.account_name
            self.admin_level = verdict.admin_level
            out.append(Log("info", "login_ok", {"account": verdict.account_name, "account_id": verdict.account_id}))
            self.counters.logins += 1
            out.append(LoggedIn(verdict.account_id, verdict.account_name, verdict.admin_level))
            self._send(out, "AP_LOGINOK", account_type=verdict.admin_level)
            self._menu(out)
        elif outcome == "banned":
            out.append(Log("info", "login_banned", {"account": verdict.account_name or self._pending_name}))
            self.counters.login_failures["banned"] += 1
            self._send(out, "AP_MESSAGE", text=self.config.login.banned_message, action=LoginAction.LA_LOGOFF)
            self._disconnect(out, "banned")
        else:
            self.state = State.AWAITING_LOGIN
            self._failures += 1
            self.counters.login_failures[outcome] += 1
            out.append(
                Log(
                    "info",
                    "login_failed",
                    {"account": self._pending_name, "outcome": outcome, "failures": self._failures},
                )
            )
            if self._failures >= self.config.login.max_attempts:
                self._send(out, "AP_TOOMANYLOGINS")
                self._disconnect(out, "too many failed logins")
            else:
                self._send(out, "AP_LOGINFAILED")

    def _on_req_game(self, out: list[Output], message: Message) -> None:
        # encoded_version is read but not checked, as blakserv does.
        assert self.account_id is not None and self.account_name is not None
        self._send(out, "AP_GAME")  # still login mode: seq 0
        self.state = State.GAME
        self._game_entered_at = self._last_activity
        self._send(out, "BP_LOAD_MODULE", module=self.config.login.char_module_resource_id)
        out.append(Log("info", "enter_game", {"account": self.account_name}))
        out.append(EnterGame(self.account_id, self.account_name, self.admin_level))

    def _on_req_admin(self, out: list[Output], message: Message) -> None:
        if self.admin_level >= 1:
            out.append(Log("info", "admin_requested", {"account": self.account_name}))
            self._send(out, "AP_ADMIN")
        else:
            out.append(Log("info", "admin_refused", {"account": self.account_name}))

    def _on_req_menu(self, out: list[Output], message: Message) -> None:
        self._menu(out)

    def _on_ping(self, out: list[Output], message: Message) -> None:
        pass  # only resets the idle timer, which receive() already did

    def _on_resync(self, out: list[Output], message: Message) -> None:
        out.append(Log("info", "resync_requested", {"mode": "login"}))

    def _on_text_note(self, out: list[Output], message: Message) -> None:
        out.append(Log("info", "client_note", {"message": message.name, "text": message.fields.get("text", "")}))

    def _menu(self, out: list[Output]) -> None:
        """AP_GETCHOICE (fresh seeds, which also restart the security stream) + AP_CREDITS."""
        seeds = [self._seed_source() & 0xFFFFFFFF for _ in range(SEED_COUNT)]
        self._security = SecurityStream(seeds)
        self._seeds_hacked = False
        self._send(out, "AP_GETCHOICE", seeds=seeds)
        self._send(out, "AP_CREDITS", credits=self.config.login.credits)

    # ------------------------------------------------------------------ game mode

    def _echo_ping(self, out: list[Output]) -> None:
        token = self._seed_source() & 0xFF
        # Sent under the old scrambler state; the client re-keys after reading it.
        self._send(out, "BP_ECHO_PING", security={"token": token ^ 0xED, "redbook": 0})
        self._scrambler.rekey(token, FALLBACK_REDBOOK)

    def _quit_game(self, out: list[Output]) -> None:
        assert self.account_id is not None
        self._send(out, "BP_QUIT")  # still game mode: carries the epoch
        self.state = State.MENU
        self._game_entered_at = None
        out.append(Log("info", "leave_game", {"account": self.account_name}))
        out.append(LeaveGame(self.account_id))
        self._menu(out)

    # ------------------------------------------------------------------ plumbing

    def _send(self, out: list[Output], message: str, /, **fields: Any) -> None:
        self._send_fields(out, message, fields, None)

    def _send_fields(self, out: list[Output], name: str, fields: Mapping[str, Any], resources: ResourceLookup | None) -> None:
        mode = self.mode
        payload = table(mode, S2C).encode(name, fields, resources=resources)
        payload = self._scrambler.apply(payload)  # identity until the first BP_ECHO_PING
        seq = self._epoch() & 0xFF if mode is GAME else 0
        out.append(Send(encode_frame(payload, crc16(payload), seq)))

    def _disconnect(self, out: list[Output], reason: str) -> None:
        if self.state is not State.CLOSED:
            self.state = State.CLOSED
            self._decoder.reset()
            out.append(Disconnect(reason))

    def _internal_error(self, out: list[Output], where: str, error: Exception) -> None:
        out.append(Log("error", "internal_error", {"where": where, "error": repr(error)}))
        self._disconnect(out, "internal error")


_LOGIN_HANDLERS: dict[str, Callable[[ConnectionMachine, list[Output], Message], None]] = {
    "AP_LOGIN": ConnectionMachine._on_login,
    "AP_REQ_GAME": ConnectionMachine._on_req_game,
    "AP_REQ_ADMIN": ConnectionMachine._on_req_admin,
    "AP_REQ_MENU": ConnectionMachine._on_req_menu,
    "AP_PING": ConnectionMachine._on_ping,
    "AP_RESYNC": ConnectionMachine._on_resync,
    "AP_REGISTER": ConnectionMachine._on_text_note,
    "AP_ADMINNOTE": ConnectionMachine._on_text_note,
}
