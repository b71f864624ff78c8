"""Password hashing.

The client never sends the password: it sends MD5(password) with every 0x00 byte turned into 0x01
(see protocol notes, framing-and-login §5.3). That 16-byte digest is password-equivalent, so the
store keeps a salted slow hash of it: Argon2id in a PHC string, or scrypt in a PHC-like string when
the OpenSSL under ``cryptography`` has no Argon2. An unsalted MD5 digest from the original server's
account file can be migrated by hashing it here; no plaintext is needed.

Hashing takes tens of milliseconds: call it off the reactor thread.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import os

import attrs
from cryptography.exceptions import InvalidKey, UnsupportedAlgorithm
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

DIGEST_LENGTH = 16
SALT_LENGTH = 16
KEY_LENGTH = 32
PASSWORD_ENCODING = "cp1252"  # the Windows client hashes the ANSI bytes of what was typed

ARGON2_PREFIX = "$argon2id$"
SCRYPT_PREFIX = "$scrypt$"


@attrs.frozen
class HashCost:
    """Work factors. The defaults follow the OWASP password storage recommendations."""

    argon2_memory_kib: int = 19 * 1024
    argon2_iterations: int = 2
    argon2_lanes: int = 1
    scrypt_log2_n: int = 15  # N = 2**15, r = 8, p = 3: 32 MiB, OWASP's lower-memory scrypt setting
    scrypt_r: int = 8
    scrypt_p: int = 3


DEFAULT_COST = HashCost()
# For tests only: same algorithms, trivial work.
TEST_COST = HashCost(argon2_memory_kib=64, argon2_iterations=1, scrypt_log2_n=4, scrypt_r=1, scrypt_p=1)


def client_digest(password: str) -> bytes:
    """What the client sends for ``password``: MD5 of its bytes, 0x00 bytes replaced by 0x01."""
    try:
        raw = password.encode(PASSWORD_ENCODING)
    except UnicodeEncodeError as error:
        raise ValueError(f"the password has characters the client cannot send: {error.reason}") from None
    return bytes(b or 1 for b in hashlib.md5(raw).digest())


@functools.cache
def argon2_available() -> bool:
    try:
        Argon2id(salt=b"\0" * SALT_LENGTH, length=KEY_LENGTH, iterations=1, lanes=1, memory_cost=8).derive(b"probe")
    except UnsupportedAlgorithm:
        return False
    return True


def hash_digest(digest: bytes, cost: HashCost = DEFAULT_COST) -> str:
    """A salted slow hash of a client digest, as a self-describing string for the database."""
    _check_digest(digest)
    salt = os.urandom(SALT_LENGTH)
    if argon2_available():
        kdf = Argon2id(
            salt=salt,
            length=KEY_LENGTH,
            iterations=cost.argon2_iterations,
            lanes=cost.argon2_lanes,
            memory_cost=cost.argon2_memory_kib,
        )
        return kdf.derive_phc_encoded(digest)
    key = _scrypt(digest, salt, 1 << cost.scrypt_log2_n, cost.scrypt_r, cost.scrypt_p)
    return (
        f"{SCRYPT_PREFIX}ln={cost.scrypt_log2_n},r={cost.scrypt_r},p={cost.scrypt_p}"
        f"${_b64encode(salt)}${_b64encode(key)}"
    )


def verify_digest(phc: str, digest: bytes) -> bool:
    """Whether ``digest`` matches the stored hash; the comparison is constant time.

    A malformed or unsupported stored hash never matches.
    """
    if len(digest) != DIGEST_LENGTH:
        return False
    if phc.startswith(ARGON2_PREFIX):
        if not argon2_available():
            return False
        try:
            Argon2id.verify_phc_encoded(digest, phc)
        except (InvalidKey, ValueError):
            return False
        return True
    if phc.startswith(SCRYPT_PREFIX):
        return _verify_scrypt(phc, digest)
    return False


def dummy_hash(cost: HashCost = DEFAULT_COST) -> str:
    """A hash nobody knows the input of, verified for unknown names so timing hides which names exist.

    Made once per cost and process, at that cost, so it takes as long to verify as a real one.
    """
    return _dummy_hash(cost)


@functools.cache
def _dummy_hash(cost: HashCost) -> str:
    return hash_digest(os.urandom(DIGEST_LENGTH), cost)


def __getattr__(name: str) -> str:
    # DUMMY_HASH is computed on first use: importing this module should not cost a hash.
    if name == "DUMMY_HASH":
        return dummy_hash(DEFAULT_COST)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _check_digest(digest: bytes) -> None:
    if not isinstance(digest, bytes) or len(digest) != DIGEST_LENGTH:
        raise ValueError(f"a client digest is {DIGEST_LENGTH} bytes")


def _scrypt(secret: bytes, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=KEY_LENGTH, n=n, r=r, p=p).derive(secret)


def _verify_scrypt(phc: str, digest: bytes) -> bool:
    try:
        _, _, params, salt_text, key_text = phc.split("$")
        fields = dict(item.split("=", 1) for item in params.split(","))
        log2_n, r, p = int(fields["ln"]), int(fields["r"]), int(fields["p"])
        salt, expected = _b64decode(salt_text), _b64decode(key_text)
        if not (1 <= log2_n <= 24 and 1 <= r <= 64 and 1 <= p <= 64 and len(expected) == KEY_LENGTH):
            return False
        actual = _scrypt(digest, salt, 1 << log2_n, r, p)
    except (ValueError, KeyError):
        return False
    return hmac.compare_digest(actual, expected)


def _b64encode(data: bytes) -> str:
    # PHC strings use unpadded standard base64.
    return base64.b64encode(data).decode("ascii").rstrip("=")


def _b64decode(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
