"""Password hashing: the client digest rule, Argon2id storage, the scrypt fallback."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emulator import auth

DIGEST = auth.client_digest("wirepass1")


def test_client_digest_matches_capture() -> None:
    assert DIGEST.hex() == "7cdf71bbb86b4b42dc48137bf0fb9ed6"


def test_client_digest_turns_zero_bytes_into_one() -> None:
    password = next(str(i) for i in range(10_000) if 0 in hashlib.md5(str(i).encode()).digest())
    raw = hashlib.md5(password.encode()).digest()
    digest = auth.client_digest(password)
    assert 0 not in digest and len(digest) == 16
    assert digest == bytes(1 if b == 0 else b for b in raw)


def test_client_digest_uses_the_windows_codepage() -> None:
    assert auth.client_digest("€uro") == bytes(b or 1 for b in hashlib.md5(b"\x80uro").digest())
    with pytest.raises(ValueError):
        auth.client_digest("日本")


def test_default_cost_is_argon2id_owasp() -> None:
    stored = auth.hash_digest(DIGEST)
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert auth.verify_digest(stored, DIGEST)
    assert not auth.verify_digest(stored, auth.client_digest("wirepass2"))


def test_hashes_are_salted() -> None:
    assert auth.hash_digest(DIGEST, auth.TEST_COST) != auth.hash_digest(DIGEST, auth.TEST_COST)


@pytest.mark.parametrize("stored", ["", "garbage", "$argon2id$v=19$m=64,t=1,p=1$AAAA$", "$scrypt$ln=4$x$y", "$md5$abc"])
def test_malformed_hashes_never_match(stored: str) -> None:
    assert not auth.verify_digest(stored, DIGEST)


def test_wrong_length_digest() -> None:
    stored = auth.hash_digest(DIGEST, auth.TEST_COST)
    assert not auth.verify_digest(stored, DIGEST[:15])
    with pytest.raises(ValueError):
        auth.hash_digest(b"short", auth.TEST_COST)


def test_scrypt_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    argon2_hash = auth.hash_digest(DIGEST, auth.TEST_COST)
    monkeypatch.setattr(auth, "argon2_available", lambda: False)
    stored = auth.hash_digest(DIGEST, auth.TEST_COST)
    assert stored.startswith("$scrypt$ln=4,r=1,p=1$")
    assert auth.verify_digest(stored, DIGEST)
    assert not auth.verify_digest(stored, auth.client_digest("other"))
    assert not auth.verify_digest(argon2_hash, DIGEST)  # unverifiable without Argon2: refused, no crash
    monkeypatch.undo()
    assert auth.verify_digest(stored, DIGEST)  # scrypt hashes stay valid once Argon2 is back


def test_scrypt_default_cost_verifies(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(auth, "argon2_available", lambda: False)
    stored = auth.hash_digest(DIGEST)
    assert stored.startswith("$scrypt$ln=15,r=8,p=3$")
    assert auth.verify_digest(stored, DIGEST)


def test_dummy_hash_is_a_real_hash_nobody_matches() -> None:
    assert auth.DUMMY_HASH.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert auth.DUMMY_HASH is auth.dummy_hash()
    assert not auth.verify_digest(auth.DUMMY_HASH, DIGEST)


@settings(max_examples=25, deadline=None)
@given(st.binary(min_size=16, max_size=16), st.binary(min_size=16, max_size=16))
def test_roundtrip(digest: bytes, other: bytes) -> None:
    stored = auth.hash_digest(digest, auth.TEST_COST)
    assert auth.verify_digest(stored, digest)
    assert auth.verify_digest(stored, other) == (digest == other)
