"""The per-browser records: when they end, the memory store, sealing (Redis is tested against a
real redis-server in test_webapp_redis_store.py)."""

from __future__ import annotations

import asyncio
import json
import os

import pytest

from webapp.browser_store import MemoryBrowserStore, redis_key
from webapp.sealing import Sealer, SealError, parse_key
from webapp.session import (
    CODE_MARGIN_SECONDS,
    FORM_KEY,
    IDLE_RECORD_SECONDS,
    LOCALE_KEY,
    STATE_KEY,
    record_expiry,
)

NOW = 1_900_000_000.0


def run(coroutine: object) -> object:
    return asyncio.run(coroutine)  # type: ignore[arg-type]


def test_a_signed_in_record_ends_with_its_sign_in_session() -> None:
    record = {STATE_KEY: {"step": "signed_in", "session_ends_at": NOW + 30 * 86400}}
    assert record_expiry(record, NOW, IDLE_RECORD_SECONDS) == NOW + 30 * 86400


def test_a_pending_code_ends_with_cognitos_session() -> None:
    challenge = {"session_expires_at": NOW + 180}
    record = {STATE_KEY: {"step": "code", "challenge": challenge}}
    assert record_expiry(record, NOW, 60) == NOW + 180 + CODE_MARGIN_SECONDS


def test_anything_else_ends_an_idle_hour_after_the_last_write() -> None:
    assert record_expiry({LOCALE_KEY: "ja"}, NOW, IDLE_RECORD_SECONDS) == NOW + 3600
    assert record_expiry({FORM_KEY: {"email": "a@b.c"}}, NOW, 10) == NOW + 10
    assert record_expiry({}, NOW, IDLE_RECORD_SECONDS) == 0.0
    assert record_expiry({STATE_KEY: None, LOCALE_KEY: ""}, NOW, IDLE_RECORD_SECONDS) == 0.0


def test_memory_store_keeps_copies_until_their_end() -> None:
    now = [NOW]
    store = MemoryBrowserStore(clock=lambda: now[0])
    record = {LOCALE_KEY: "ja", FORM_KEY: {"email": "a@example.com"}}
    run(store.save("a", record, NOW + 100))
    record[LOCALE_KEY] = "en"  # a later change of the caller's dict is not stored
    assert run(store.load("a")) == {LOCALE_KEY: "ja", FORM_KEY: {"email": "a@example.com"}}
    now[0] = NOW + 100
    assert run(store.load("a")) is None
    assert len(store) == 0


def test_memory_store_is_bounded_against_floods() -> None:
    now = [NOW]
    store = MemoryBrowserStore(clock=lambda: now[0], max_records=100)
    for n in range(500):
        run(store.save(f"flood-{n}", {LOCALE_KEY: "en"}, NOW + 10 + n))
    assert len(store) <= 100
    assert run(store.load("flood-499")) is not None  # the newest, longest-lived survive
    run(store.save("x", {}, NOW - 1))  # an already ended record deletes
    assert run(store.load("x")) is None


def test_sealed_values_open_only_under_their_key_and_record() -> None:
    sealer = Sealer(os.urandom(32))
    sealed = sealer.seal(b'{"tokens": "secret"}', b"record-a")
    assert b"secret" not in sealed
    assert sealer.open(sealed, b"record-a") == b'{"tokens": "secret"}'
    with pytest.raises(SealError):
        sealer.open(sealed, b"record-b")  # copied to another browser's key
    with pytest.raises(SealError):
        Sealer(os.urandom(32)).open(sealed, b"record-a")
    tampered = sealed[:-1] + bytes([sealed[-1] ^ 1])
    with pytest.raises(SealError):
        sealer.open(tampered, b"record-a")
    with pytest.raises(SealError):
        sealer.open(b"\x01short", b"record-a")
    assert sealer.seal(b"x", b"c") != sealer.seal(b"x", b"c")  # a fresh nonce each time


@pytest.mark.parametrize("text", ["", "c2hvcnQ=", "not base64 at all!", "A" * 60])
def test_a_bad_key_is_refused_with_how_to_make_one(text: str) -> None:
    with pytest.raises(ValueError, match="32 random bytes"):
        parse_key(text)


def test_keys_parse_in_both_base64_alphabets() -> None:
    raw = bytes(range(250, 256)) * 5 + b"\xfb\xff"
    import base64

    assert parse_key(base64.b64encode(raw).decode()) == raw
    assert parse_key(base64.urlsafe_b64encode(raw).decode().rstrip("=")) == raw


def test_the_redis_key_names_no_cookie() -> None:
    key = redis_key("3f2504e0-4f89-11d3-9a0c-0305e82c3301")
    assert "3f2504e0" not in key
    assert key.startswith("login:browser:")
    assert len(json.dumps(key)) < 100
