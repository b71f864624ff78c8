"""The SSH console's keys: the server's host key, and the operators' public keys.

The host key is made once (ed25519) and kept private to the server's user. The
authorized keys are read as OpenSSH writes them; the comment after a key names the
operator its commands are logged under.
"""

from __future__ import annotations

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


@attrs.frozen
class AuthorizedKey:
    key: keys.Key
    #: Who uses the key: the line's comment, else the key's fingerprint.
    operator: str


#: The key types an authorized_keys line can start with (after any options).
_KEY_TYPE_PREFIXES = ("ssh-", "ecdsa-sha2-", "sk-")


def parse_authorized_keys(text: str, source: str = "authorized_keys") -> list[AuthorizedKey]:
    """Every key in an OpenSSH authorized_keys text; lines that are not keys are logged and skipped."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parsed = _parse_line(line)
        if parsed is None:
            log.warn("{source}:{line}: not a public key; skipped", source=source, line=number)
        else:
            found.append(parsed)
    return found


def _parse_line(line: str) -> AuthorizedKey | None:
    words = line.split()
    # Options ("from=...,no-pty") may come before the key type; they are not applied here.
    for index, word in enumerate(words[:-1]):
        if word.startswith(_KEY_TYPE_PREFIXES):
            try:
                key = keys.Key.fromString(f"{word} {words[index + 1]}".encode("ascii"))
            except (keys.BadKeyError, ValueError, UnicodeEncodeError):
                return None
            if not key.isPublic():
                return None
            comment = " ".join(words[index + 2:])
            operator = comment or key.fingerprint(keys.FingerprintFormats.SHA256_BASE64)
            return AuthorizedKey(key, operator)
    return None


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
