"""Server configuration: attrs values with the original server's defaults, loaded from TOML.

Layout of the file (every key optional)::

    [server]
    listen = "tcp:5959"
    database = "sqlite:///var/m59emu.db"
    data = "data"                      # relative paths are relative to the TOML file
    log_level = "info"
    log_format = "text"                # or "json": one JSON object per line

    [login]
    minimum_client_version = 0         # major*100 + minor, e.g. 736
    old_version_message = "..."
    banned_message = "..."
    unavailable_message = "..."
    max_attempts = 3
    account_in_use = "override"        # or "refuse" (AP_ACCOUNTUSED)
    char_module_resource_id = 20055
    credits = 20

    [security]
    hangup_spoofs = true

    [limits]
    max_connections_per_address = 10
    max_connections_total = 500
    max_frame_payload = 6000
    failed_logins_per_account = 5      # bucket size
    failed_login_account_refill_seconds = 60.0
    failed_logins_per_address = 20
    failed_login_address_refill_seconds = 15.0

    [admin]
    ssh_listen = "tcp:5960:interface=127.0.0.1"   # "" = no SSH console
    ssh_host_key = "var/ssh/host_key"             # made on first start
    ssh_authorized_keys = "var/ssh/authorized_keys"
    ssh_passwords = true

    [web]
    listen = "tcp:9159:interface=127.0.0.1"       # metrics and the status page; "" = off

    [backup]
    dir = "var/backups"
    every_hours = 6.0                             # 0 = no scheduled backups
    keep = 14

    [timeouts]
    before_login = 60.0
    login_idle = 600.0
    game_idle = 30.0
    select_character = 600.0

Every error names the file and the key.
"""

from __future__ import annotations

import tomllib
import sys
from pathlib import Path
from typing import Any

import attrs

#: The bundled data folder: ``data/`` beside the ``emulator`` package (the repository's).
def bundled_data_dir() -> Path:
    """The starter world: beside the package in a checkout, else where pip installed it."""
    beside = Path(__file__).resolve().parent.parent / "data"
    if beside.is_dir():
        return beside
    return Path(sys.prefix) / "share" / "m59emu" / "data"


DEFAULT_DATA_DIR = bundled_data_dir()
DEFAULT_LISTEN = "tcp:5959"


def default_database_url() -> str:
    # Imported late so that loading a config does not pull in the database layer.
    from emulator.store.database import DEFAULT_DATABASE_URL

    return DEFAULT_DATABASE_URL


class ConfigError(ValueError):
    """A configuration file that cannot be used; the text names file and key."""


def _positive(instance: Any, attribute: attrs.Attribute, value: float) -> None:
    if value <= 0:
        raise ValueError(f"{attribute.name} must be > 0, got {value!r}")


def _non_negative(instance: Any, attribute: attrs.Attribute, value: float) -> None:
    if value < 0:
        raise ValueError(f"{attribute.name} must be >= 0, got {value!r}")


@attrs.frozen
class LoginConfig:
    #: major*100 + minor; below it the client is told to update and hung up (0 = off).
    minimum_client_version: int = attrs.field(default=0, validator=_non_negative)
    old_version_message: str = "Your Meridian 59 client is too old. Please update it and try again."
    banned_message: str = "Your account has been suspended."
    unavailable_message: str = "The server cannot check logins right now. Please try again later."
    #: Wrong passwords on one connection before AP_TOOMANYLOGINS (blakserv MaxAttempts).
    max_attempts: int = attrs.field(default=3, validator=_positive)
    #: "override" hangs up the old session (blakserv [Inactive] Override = Yes);
    #: "refuse" answers AP_ACCOUNTUSED.
    account_in_use: str = attrs.field(default="override", validator=attrs.validators.in_(("override", "refuse")))
    #: Resource id of char.dll, sent in BP_LOAD_MODULE right after AP_GAME.
    char_module_resource_id: int = 20055
    credits: int = 20


@attrs.frozen
class SecurityConfig:
    #: Hang up on the first wrong c2s security value (blakserv [Security] HangupSpoofs).
    hangup_spoofs: bool = True


@attrs.frozen
class LimitsConfig:
    max_connections_per_address: int = attrs.field(default=10, validator=_positive)
    max_connections_total: int = attrs.field(default=500, validator=_positive)
    #: Largest c2s payload (blakserv LEN_MAX_CLIENT_MSG).
    max_frame_payload: int = attrs.field(default=6000, validator=_positive)
    #: Failed-login token buckets: size, and seconds for one token to come back. Tokens
    #: are taken before the password is checked and given back when it was right.
    #: Per account and address: the tight one.
    failed_logins_per_account_address: int = attrs.field(default=5, validator=_positive)
    failed_login_account_address_refill_seconds: float = attrs.field(default=60.0, validator=_positive)
    #: Per account from addresses it has never logged in from: a looser brake on an
    #: attack from many addresses that does not lock the owner out.
    failed_logins_per_account: int = attrs.field(default=30, validator=_positive)
    failed_login_account_refill_seconds: float = attrs.field(default=60.0, validator=_positive)
    failed_logins_per_address: int = attrs.field(default=20, validator=_positive)
    failed_login_address_refill_seconds: float = attrs.field(default=15.0, validator=_positive)
    #: Game output queued for one connection that is not reading, in bytes: past it,
    #: position updates are coalesced, and a connection still over it is closed.
    max_output_bytes: int = attrs.field(default=256 * 1024, validator=_positive)
    #: The kernel's send buffer per connection, in bytes: small, so a client that stops
    #: reading backs up into the server (where it is bounded above) within seconds,
    #: not after megabytes; 0 leaves the system's default.
    socket_send_buffer: int = attrs.field(default=64 * 1024, validator=_non_negative)


#: Game requests per second and at once, by kind; heavier replies get less. The stock
#: client stays well inside these (it asks for its stats a few times on entering, pings
#: every 5 s, and moves about once a second).
DEFAULT_REQUEST_RATES: dict[str, tuple[float, int]] = {
    "BP_REQ_MOVE": (10.0, 20),
    "BP_REQ_TURN": (10.0, 20),
    "BP_SAY_TO": (5.0, 10),
    "BP_SAY_GROUP": (5.0, 10),
    "BP_PING": (2.0, 5),
    "BP_SEND_ROOM_CONTENTS": (1.0, 5),  # the whole room
    "BP_SEND_PLAYERS": (1.0, 5),  # everyone online
    "BP_SEND_PLAYER": (1.0, 5),  # the room again
    "BP_SEND_CHARACTERS": (1.0, 5),
    "BP_REQ_LOOK": (4.0, 10),
    "BP_REQ_INVENTORY": (2.0, 5),
    "BP_REQ_BUY": (2.0, 5),  # a keeper's whole list
    "BP_SEND_STATS": (2.0, 10),
    "BP_SEND_STAT_GROUPS": (2.0, 10),
    "BP_SEND_SPELLS": (2.0, 10),
    "BP_SEND_SKILLS": (2.0, 10),
}


@attrs.frozen
class RequestsConfig:
    """The budget of game requests of one connection (section ``[requests]``)."""

    #: Any kind not in ``kinds``: this many per second, and this many at once.
    rate: float = attrs.field(default=10.0, validator=_positive)
    burst: int = attrs.field(default=20, validator=_positive)
    #: Requests over budget are dropped; this many dropped within ``drop_window``
    #: seconds closes the connection.
    max_dropped: int = attrs.field(default=100, validator=_positive)
    drop_window: float = attrs.field(default=10.0, validator=_positive)
    #: Per kind, ``[rate, burst]``; a config's table adds to and overrides the defaults.
    kinds: dict[str, tuple[float, int]] = attrs.field(factory=lambda: dict(DEFAULT_REQUEST_RATES))


@attrs.frozen
class TimeoutsConfig:
    #: A connection that never logs in is closed after this long ...
    before_login: float = attrs.field(default=60.0, validator=_positive)
    #: ... and one that has not sent a whole first frame, after this long.
    first_frame: float = attrs.field(default=10.0, validator=_positive)
    #: Logged in, login mode: AP_TIMEOUT then hang up (blakserv [Inactive] Synched, 10 min).
    login_idle: float = attrs.field(default=600.0, validator=_positive)
    #: Game mode silence: hang up without a message (blakserv [Inactive] Game).
    game_idle: float = attrs.field(default=30.0, validator=_positive)
    #: From AP_GAME until a character is chosen, not reset by traffic ([Inactive] SelectChar).
    select_character: float = attrs.field(default=600.0, validator=_positive)


@attrs.frozen
class WorldConfig:
    #: Folder holding the stock client's .roo files (its resource/ folder); "" = none.
    #: With it, room security values and walls come from the real files.
    room_files: str = ""
    #: Where the server writes m59emu.rsc, the strings players add to their client.
    rsc_dir: str = "var/rsc"
    tick_seconds: float = attrs.field(default=0.25, validator=_positive)
    autosave_seconds: float = attrs.field(default=60.0, validator=_positive)
    #: What many players see (steps, speech, arrivals) leaves at most this often, in one
    #: write per connection; a player's own replies leave at once. 0: every reactor turn.
    broadcast_seconds: float = attrs.field(default=0.03, validator=_non_negative)
    #: ... and at least this much per player in the world (a flush costs per connection).
    broadcast_seconds_per_player: float = attrs.field(default=0.00015, validator=_non_negative)
    seed: int = 0
    #: The original's server type: true is its normal server, where players may attack
    #: players as its rules allow; false its no-murder server (no attacks on players).
    player_killing: bool = True
    #: Write every connection to a capture file (passwords redacted) for bug reports.
    record_sessions: bool = False
    recordings_dir: str = "var/captures"


@attrs.frozen
class AdminConfig:
    """The operator's SSH console (``emulator.admin``)."""

    #: Endpoint of the SSH console; loopback unless the operator says otherwise; "" = off.
    ssh_listen: str = "tcp:5960:interface=127.0.0.1"
    #: The server's host key (OpenSSH format), made on first start when missing.
    ssh_host_key: str = "var/ssh/host_key"
    #: Public keys allowed in, one per line as in OpenSSH's authorized_keys; a missing
    #: file allows none. A key's comment is the name its commands are logged under.
    ssh_authorized_keys: str = "var/ssh/authorized_keys"
    #: Whether accounts with the admin level may log in with their game password.
    ssh_passwords: bool = True


@attrs.frozen
class WebConfig:
    """The Prometheus metrics (``/metrics``) and the status page (``/``), off the game port."""

    listen: str = "tcp:9159:interface=127.0.0.1"


@attrs.frozen
class BackupConfig:
    """Online backups of the store, with rotation."""

    dir: str = "var/backups"
    #: Hours between scheduled backups; 0 = only when asked for.
    every_hours: float = attrs.field(default=6.0, validator=_non_negative)
    #: Backups kept; older ones are deleted after each new one.
    keep: int = attrs.field(default=14, validator=_positive)


@attrs.frozen
class Config:
    listen: str = DEFAULT_LISTEN
    database: str = attrs.field(factory=default_database_url)
    data_dir: Path = DEFAULT_DATA_DIR
    #: Events below this level are not logged: "debug", "info", "warn" or "error".
    log_level: str = attrs.field(default="info", validator=attrs.validators.in_(("debug", "info", "warn", "error")))
    #: "text": twistd's readable lines; "json": one JSON object per line (``emulator.logs``).
    log_format: str = attrs.field(default="text", validator=attrs.validators.in_(("text", "json")))
    login: LoginConfig = attrs.field(factory=LoginConfig)
    security: SecurityConfig = attrs.field(factory=SecurityConfig)
    limits: LimitsConfig = attrs.field(factory=LimitsConfig)
    timeouts: TimeoutsConfig = attrs.field(factory=TimeoutsConfig)
    requests: RequestsConfig = attrs.field(factory=RequestsConfig)
    world: WorldConfig = attrs.field(factory=WorldConfig)
    admin: AdminConfig = attrs.field(factory=AdminConfig)
    web: WebConfig = attrs.field(factory=WebConfig)
    backup: BackupConfig = attrs.field(factory=BackupConfig)


# TOML section -> (attrs class, Config attribute); [server] keys map to Config itself.
_SECTIONS: dict[str, tuple[type, str]] = {
    "login": (LoginConfig, "login"),
    "security": (SecurityConfig, "security"),
    "limits": (LimitsConfig, "limits"),
    "timeouts": (TimeoutsConfig, "timeouts"),
    "requests": (RequestsConfig, "requests"),
    "world": (WorldConfig, "world"),
    "admin": (AdminConfig, "admin"),
    "web": (WebConfig, "web"),
    "backup": (BackupConfig, "backup"),
}
_SERVER_KEYS = {
    "listen": "listen", "database": "database", "data": "data_dir", "log_level": "log_level", "log_format": "log_format"
}


def load_config(path: str | Path) -> Config:
    """Read a TOML file; missing keys keep their defaults."""
    path = Path(path)
    try:
        with path.open("rb") as stream:
            document = tomllib.load(stream)
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror or error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    return config_from_mapping(document, str(path), base_dir=path.parent)


def config_from_mapping(document: dict[str, Any], where: str = "<config>", base_dir: Path | None = None) -> Config:
    changes: dict[str, Any] = {}
    for section, values in document.items():
        if not isinstance(values, dict):
            raise ConfigError(f"{where}: [{section}] must be a table")
        if section == "server":
            for key, value in values.items():
                if key not in _SERVER_KEYS:
                    raise ConfigError(f"{where}: unknown key server.{key}")
                if not isinstance(value, str):
                    raise ConfigError(f"{where}: server.{key} must be a string, got {type(value).__name__}")
                if key == "data":
                    data = Path(value)
                    changes["data_dir"] = data if data.is_absolute() or base_dir is None else base_dir / data
                else:
                    changes[_SERVER_KEYS[key]] = value
            continue
        if section not in _SECTIONS:
            raise ConfigError(f"{where}: unknown section [{section}]")
        cls, attribute = _SECTIONS[section]
        changes[attribute] = _build_section(cls, section, values, where)
    try:
        return Config(**changes)
    except ValueError as error:
        raise ConfigError(f"{where}: {error}") from None


def _request_kinds(value: Any, where: str) -> dict[str, tuple[float, int]]:
    """``[requests.kinds]``: message name = [rate, burst], on top of the defaults."""
    import protocol_specs  # here, so reading a config does not load every schema unless it names kinds
    from protocol_specs.registry import C2S, GAME

    if not isinstance(value, dict):
        raise ConfigError(f"{where}: requests.kinds must be a table")
    known = {spec.name for spec in protocol_specs.all_specs() if spec.mode is GAME and spec.direction is C2S}
    kinds = dict(DEFAULT_REQUEST_RATES)
    for name, pair in value.items():
        if name not in known:
            raise ConfigError(f"{where}: requests.kinds.{name} is not a game-mode client request")
        if (not isinstance(pair, list) or len(pair) != 2 or isinstance(pair[0], bool) or isinstance(pair[1], bool)
                or not isinstance(pair[0], (int, float)) or not isinstance(pair[1], int) or pair[0] <= 0 or pair[1] < 1):
            raise ConfigError(f"{where}: requests.kinds.{name} must be [rate per second > 0, burst >= 1]")
        kinds[name] = (float(pair[0]), pair[1])
    return kinds


def _build_section(cls: type, section: str, values: dict[str, Any], where: str) -> Any:
    fields = {field.name: field for field in attrs.fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in values.items():
        field = fields.get(key)
        if field is None:
            raise ConfigError(f"{where}: unknown key {section}.{key}")
        if cls is RequestsConfig and key == "kinds":
            kwargs[key] = _request_kinds(value, where)
            continue
        expected = type(field.default)
        # TOML has ints and floats; an int is fine where a float is expected, a bool is never a number.
        ok = isinstance(value, expected) and not (expected is not bool and isinstance(value, bool))
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value, ok = float(value), True
        if not ok:
            raise ConfigError(f"{where}: {section}.{key} must be {expected.__name__}, got {type(value).__name__}")
        kwargs[key] = value
    try:
        return cls(**kwargs)
    except ValueError as error:
        raise ConfigError(f"{where}: [{section}] {error}") from None
