"""The Redis browser store against a real redis-server: sealed values, hashed keys, TTLs, AUTH,
an outage (hung and stopped) and the recovery, and the health check."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.redis_server import PASSWORD, RedisServer, redis_server
from webapp.browser_store import RedisBrowserStore, StoreUnavailable, redis_key
from webapp.sealing import Sealer

BROWSER = "8d0f6f7e-5b1c-4f2e-9a3b-1c2d3e4f5a6b"
SECRETS = {
    "id_token": "eyJraWQiOiJ0ZXN0In0.eyJzdWIiOiJ4In0.c2ln",
    "cognito_session": "AYABeCognitoSessionStringThatMustStaySecret",
    "email": "alice@example.com",
}


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RedisServer]:
    with redis_server(tmp_path) as running:
        yield running


def record() -> dict[str, object]:
    return {"flow": {"step": "signed_in", **SECRETS}, "locale": "ja"}


async def test_records_are_sealed_under_a_hashed_key_with_their_end(server: RedisServer) -> None:
    store = RedisBrowserStore.from_url(server.url, Sealer(os.urandom(32)))
    ends = time.time() + 600
    await store.save(BROWSER, record(), ends)
    assert await store.load(BROWSER) == record()
    keys = server.command("--scan").split()
    assert keys == [redis_key(BROWSER)]
    assert BROWSER not in keys[0]
    dump = server.command("--raw", "GET", keys[0]) + " ".join(keys)
    for secret in SECRETS.values():
        assert secret not in dump
    assert "signed_in" not in dump
    ttl_ms = int(server.command("PTTL", keys[0]))
    assert 595_000 < ttl_ms <= 600_000
    await store.close()


async def test_an_ended_record_is_deleted_and_unknown_browsers_read_nothing(
    server: RedisServer,
) -> None:
    store = RedisBrowserStore.from_url(server.url, Sealer(os.urandom(32)))
    await store.save(BROWSER, record(), time.time() + 60)
    await store.save(BROWSER, record(), time.time() - 1)
    assert await store.load(BROWSER) is None
    assert server.command("--scan").split() == []
    assert await store.load("another-browser") is None
    await store.close()


async def test_a_value_sealed_under_another_key_or_record_is_ignored(server: RedisServer) -> None:
    mine = RedisBrowserStore.from_url(server.url, Sealer(os.urandom(32)))
    await mine.save(BROWSER, record(), time.time() + 60)
    other_key = RedisBrowserStore.from_url(server.url, Sealer(os.urandom(32)))
    assert await other_key.load(BROWSER) is None
    sealed = server.command("--raw", "GET", redis_key(BROWSER))
    assert sealed
    server.command("COPY", redis_key(BROWSER), redis_key("victim"))  # swapped between browsers
    assert await mine.load("victim") is None
    await mine.close()
    await other_key.close()


async def test_a_wrong_password_is_unavailable_not_a_crash(server: RedisServer) -> None:
    url = server.url.replace(PASSWORD, "wrong-password")
    store = RedisBrowserStore.from_url(url, Sealer(os.urandom(32)))
    with pytest.raises(StoreUnavailable):
        await store.load(BROWSER)
    assert not await store.healthy()
    await store.close()


async def test_a_hung_redis_times_out_quickly_and_recovers(server: RedisServer) -> None:
    store = RedisBrowserStore.from_url(server.url, Sealer(os.urandom(32)))
    await store.save(BROWSER, record(), time.time() + 600)
    server.pause()
    try:
        started = time.monotonic()
        with pytest.raises(StoreUnavailable):
            await store.load(BROWSER)
        assert time.monotonic() - started < 10  # bounded by the timeouts and retries
        assert not await store.healthy()
    finally:
        server.resume()
    assert await store.load(BROWSER) == record()
    assert await store.healthy()
    await store.close()


async def test_a_stopped_redis_loses_nothing_that_was_written(server: RedisServer) -> None:
    store = RedisBrowserStore.from_url(server.url, Sealer(os.urandom(32)))
    await store.save(BROWSER, record(), time.time() + 600)
    server.stop()
    with pytest.raises(StoreUnavailable):
        await store.save(BROWSER, {"locale": "en"}, time.time() + 600)
    server.start()
    assert await store.load(BROWSER) == record()  # the refused write changed nothing
    await store.close()
