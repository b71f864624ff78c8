"""The SSH console's keys: the server's host key, and the operators' public keys.

The host key is made once (ed25519) and kept private to the server's user. The
authorized keys are read as OpenSSH writes them; the comment after a key names the
operator its commands are logged under, and the options OpenSSH would apply are applied
(``from``, ``expiry-time``, ``command``, ``no-pty``, ``restrict``) or, for options the
console cannot honour, the key is not taken.
"""

from __future__ import annotations

import datetime
import fnmatch
import ipaddress
import os
from collections.abc import Iterator
from pathlib import Path

import attrs
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from twisted.conch.ssh import keys

from emulator.logs import logger

log = logger("m59emu.admin.ssh")


class HostKeyError(Exception):
    """The host key file is there but cannot be used; the message names it."""


def load_host_key(path: Path) -> keys.Key:
    try:
        key = keys.Key.fromFile(str(path))
    except OSError as error:
        raise HostKeyError(f"SSH host key {path}: cannot read: {error.strerror or error}") from None
    except (keys.BadKeyError, keys.EncryptedKeyError, ValueError) as error:
        raise HostKeyError(f"SSH host key {path}: not a private key without a passphrase ({error})") from None
    if key.isPublic():
        raise HostKeyError(f"SSH host key {path}: is a public key; the private one is needed")
    return key


def load_or_make_host_key(path: Path) -> keys.Key:
    """The private host key at ``path``; a new ed25519 key is written there (mode 0600) first if
    there is none."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        private = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH, serialization.NoEncryption()
        )
        # O_EXCL: two servers starting at once never overwrite each other's key.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(private)
        log.info("made the SSH host key {path}", path=str(path))
    return load_host_key(path)


#: Options that restrict what OpenSSH would let a key do beyond a session; the console
#: never forwards ports, agents or X11 and runs no user rc, so they hold already.
_HELD_ALREADY = frozenset({"no-port-forwarding", "no-agent-forwarding", "no-x11-forwarding", "no-user-rc"})
#: Options that give back, after ``restrict``, what the console does not offer anyway.
_NOTHING_TO_GIVE = frozenset({"port-forwarding", "agent-forwarding", "x11-forwarding", "user-rc"})


@attrs.frozen
class AuthorizedKey:
    key: keys.Key
    #: Who uses the key: the line's comment, else the key's fingerprint.
    operator: str
    #: ``from="..."``: the address patterns the key may log in from; None: anywhere.
    sources: tuple[str, ...] | None = None
    #: ``expiry-time="..."``: after this moment the key is refused.
    expires: datetime.datetime | None = None
    #: ``no-pty`` or ``restrict``: the console is given without a terminal.
    pty: bool = True
    #: ``command="..."``: the one console command the key runs, whatever is asked.
    command: str | None = None

    def admits(self, address: str, now: datetime.datetime) -> bool:
        """Whether a login from ``address`` (an IP address) at ``now`` may use this key."""
        if self.expires is not None and now >= self.expires:
            return False
        return self.sources is None or address_matches(address, self.sources)


class KeyLineError(ValueError):
    """Why an authorized_keys line is not taken."""


#: The key types an authorized_keys line can start with (after any options).
_KEY_TYPE_PREFIXES = ("ssh-", "ecdsa-sha2-", "sk-")


def parse_authorized_keys(text: str, source: str = "authorized_keys") -> list[AuthorizedKey]:
    """Every key in an OpenSSH authorized_keys text; lines that are not keys, or that ask
    for what the console cannot honour, are logged and skipped (a key whose limits would
    be ignored is not taken at all)."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            found.append(_parse_line(line))
        except KeyLineError as error:
            log.warn("{source}:{line}: {reason}; skipped", source=source, line=number, reason=str(error))
    return found


def _parse_line(line: str) -> AuthorizedKey:
    options: list[tuple[str, str | None]] = []
    rest = line
    if not line.startswith(_KEY_TYPE_PREFIXES):
        options, rest = _split_options(line)
    words = rest.split()
    if len(words) < 2 or not words[0].startswith(_KEY_TYPE_PREFIXES):
        raise KeyLineError("not a public key")
    try:
        key = keys.Key.fromString(f"{words[0]} {words[1]}".encode("ascii"))
    except (keys.BadKeyError, ValueError, UnicodeEncodeError):
        raise KeyLineError("not a public key") from None
    if not key.isPublic():
        raise KeyLineError("not a public key")
    comment = " ".join(words[2:])
    operator = comment or key.fingerprint(keys.FingerprintFormats.SHA256_BASE64)
    return _with_options(AuthorizedKey(key, operator), options)


def _split_options(line: str) -> tuple[list[tuple[str, str | None]], str]:
    """The options before the key (``name`` or ``name="value"``, comma-separated; a value
    may hold commas, spaces and ``\\"``), and the rest of the line."""
    options: list[tuple[str, str | None]] = []
    at = 0
    while True:
        name_end = at
        while name_end < len(line) and line[name_end] not in ',= \t':
            name_end += 1
        name = line[at:name_end].lower()
        if not name:
            raise KeyLineError("an empty option")
        value: str | None = None
        at = name_end
        if at < len(line) and line[at] == "=":
            if line[at + 1:at + 2] != '"':
                raise KeyLineError(f"option {name!r}: its value must be in double quotes")
            chars: list[str] = []
            at += 2
            while at < len(line) and line[at] != '"':
                if line[at] == "\\" and line[at + 1:at + 2] == '"':
                    at += 1
                chars.append(line[at])
                at += 1
            if at >= len(line):
                raise KeyLineError(f"option {name!r}: its value has no closing quote")
            value = "".join(chars)
            at += 1
        options.append((name, value))
        if at < len(line) and line[at] == ",":
            at += 1
            continue
        return options, line[at:]


def _with_options(key: AuthorizedKey, options: list[tuple[str, str | None]]) -> AuthorizedKey:
    changes: dict[str, object] = {}
    for name, value in options:
        if value is None and name in _HELD_ALREADY | _NOTHING_TO_GIVE:
            continue
        if value is None and name in ("restrict", "no-pty", "pty"):
            changes["pty"] = name == "pty"  # in order: "restrict,pty" gives the terminal back
        elif name == "from" and value is not None:
            patterns = tuple(p.strip() for p in value.split(",") if p.strip())
            if not patterns:
                raise KeyLineError("option 'from' names no address")
            changes["sources"] = patterns
        elif name == "expiry-time" and value is not None:
            changes["expires"] = _expiry(value)
        elif name == "command" and value is not None:
            changes["command"] = value
        else:
            raise KeyLineError(f"option {name!r} is not one the console can honour (from, expiry-time, command, "
                               "restrict, no-pty, pty and the ...forwarding ones are)")
    return attrs.evolve(key, **changes)  # type: ignore[arg-type]


def _expiry(value: str) -> datetime.datetime:
    """OpenSSH's ``YYYYMMDD[HHMM[SS]]``, in the machine's local time, or UTC with a ``Z``."""
    text, utc = (value[:-1], True) if value.upper().endswith("Z") else (value, False)
    formats = {8: "%Y%m%d", 12: "%Y%m%d%H%M", 14: "%Y%m%d%H%M%S"}
    try:
        moment = datetime.datetime.strptime(text, formats[len(text)])
    except (KeyError, ValueError):
        raise KeyLineError(f"option 'expiry-time': {value!r} is not YYYYMMDD[HHMM[SS]][Z]") from None
    return moment.replace(tzinfo=datetime.UTC) if utc else moment.astimezone()


def address_matches(address: str, patterns: tuple[str, ...]) -> bool:
    """OpenSSH's address list: a pattern is an address with ``*`` and ``?`` wildcards or
    an address/prefix network, ``!`` before one refuses what it matches, whatever else
    matches. The peer is known by its address only (no reverse lookup)."""
    try:
        peer = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(peer, ipaddress.IPv6Address) and peer.ipv4_mapped is not None:
        peer = peer.ipv4_mapped
    matched = False
    for pattern in patterns:
        negated = pattern.startswith("!")
        if _one_matches(peer, pattern[1:] if negated else pattern):
            if negated:
                return False
            matched = True
    return matched


def _one_matches(peer: ipaddress.IPv4Address | ipaddress.IPv6Address, pattern: str) -> bool:
    if "/" in pattern:
        try:
            return peer in ipaddress.ip_network(pattern, strict=False)
        except ValueError:
            return False
    # fnmatch knows [...] sets, which OpenSSH's patterns do not: escape them.
    return fnmatch.fnmatchcase(str(peer), pattern.replace("[", "[[]"))


def read_authorized_keys(path: Path) -> Iterator[AuthorizedKey]:
    """The keys in the file now (read at each login attempt, so edits apply at once); none if
    the file is missing or unreadable."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return iter(())
    except OSError as error:
        log.warn("cannot read {path}: {error}", path=str(path), error=str(error))
        return iter(())
    return iter(parse_authorized_keys(text, str(path)))
