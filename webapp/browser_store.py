"""Where each browser's record lives: this process's memory, or Redis shared by every task.

A record is one JSON object per browser (the sign-in flow with its tokens and pending Cognito
session, the chosen language, the page to return to, the email typed last), keyed by the id in
the browser's signed session cookie. It is written only when something is worth keeping and
expires with what it holds (webapp/session.py decides when), so idle and anonymous browsers
cost nothing for long.

- `MemoryBrowserStore`: the default (local runs, tests, a one-task stack). Nothing touches the
  disk; a restart signs everyone out, the safe failure.
- `RedisBrowserStore`: with REDIS_URL. Any task can serve any browser's next step, so deploys,
  scale-in and lost tasks sign nobody out and drop no half-done sign-in. Keys are a hash of the
  browser id, values are sealed with AES-256-GCM (webapp/sealing.py), and each key carries a TTL
  equal to the record's end. Calls have short timeouts and a couple of retries; a Redis that
  stays unreachable raises StoreUnavailable, which the pages turn into "temporarily unavailable".
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any, Final, Protocol

from webapp.sealing import Sealer, SealError

LOGGER = logging.getLogger(__name__)
KEY_PREFIX: Final = "login:browser:"
# A process that keeps records in memory holds at most this many (a flood of new cookies must
# not grow it without bound); past it, the records that end soonest are dropped first.
MAX_MEMORY_RECORDS: Final = 50_000
SWEEP_INTERVAL_SECONDS: Final = 30.0
REDIS_TIMEOUT_SECONDS: Final = 1.0
REDIS_RETRIES: Final = 2

Record = dict[str, Any]


class StoreUnavailable(RuntimeError):
    """The shared store could not be reached in time; nothing was read or written."""


class BrowserStore(Protocol):
    """What the pages need from a store of per-browser records."""

    @property
    def required(self) -> bool:
        """True when users cannot be served without it (the health check reports it)."""
        ...

    async def load(self, browser_id: str) -> Record | None: ...

    async def save(self, browser_id: str, record: Record, expires_at: float) -> None: ...

    async def delete(self, browser_id: str) -> None: ...

    async def healthy(self) -> bool: ...

    async def close(self) -> None: ...


def _encode(record: Record) -> bytes:
    return json.dumps(record, separators=(",", ":"), sort_keys=True).encode()


class MemoryBrowserStore:
    """Records in this process's memory, each until its end; a JSON copy in and out."""

    required = False

    def __init__(
        self, clock: Callable[[], float] = time.time, max_records: int = MAX_MEMORY_RECORDS
    ) -> None:
        self._items: dict[str, tuple[bytes, float]] = {}
        self._lock = threading.Lock()
        self._clock = clock
        self._max_records = max_records
        self._next_sweep = 0.0

    async def load(self, browser_id: str) -> Record | None:
        now = self._clock()
        with self._lock:
            entry = self._items.get(browser_id)
            if entry is None:
                return None
            if now >= entry[1]:
                del self._items[browser_id]
                return None
            loaded: Record = json.loads(entry[0])
            return loaded

    async def save(self, browser_id: str, record: Record, expires_at: float) -> None:
        now = self._clock()
        with self._lock:
            if expires_at <= now:
                self._items.pop(browser_id, None)
                return
            self._items[browser_id] = (_encode(record), expires_at)
            if now >= self._next_sweep or len(self._items) > self._max_records:
                self._sweep(now)

    async def delete(self, browser_id: str) -> None:
        with self._lock:
            self._items.pop(browser_id, None)

    async def healthy(self) -> bool:
        return True

    async def close(self) -> None:
        return None

    def _sweep(self, now: float) -> None:
        for key in [k for k, (_, end) in self._items.items() if now >= end]:
            del self._items[key]
        overflow = len(self._items) - self._max_records
        if overflow > 0:
            soonest = sorted(self._items, key=lambda k: self._items[k][1])[:overflow]
            for key in soonest:
                del self._items[key]
        self._next_sweep = now + SWEEP_INTERVAL_SECONDS

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    def records(self) -> dict[str, Record]:
        """A copy of every record (operators' debugging and tests; never rendered)."""
        with self._lock:
            return {key: json.loads(value) for key, (value, _) in self._items.items()}

    def overwrite(self, browser_id: str, record: Record) -> None:
        """Replace a record, keeping its end (tests change what a browser's record says)."""
        with self._lock:
            _, end = self._items[browser_id]
            self._items[browser_id] = (_encode(record), end)


def redis_key(browser_id: str) -> str:
    """The Redis key of a browser: a hash, so a key read from Redis names no cookie."""
    return KEY_PREFIX + hashlib.sha256(browser_id.encode()).hexdigest()


class RedisBrowserStore:
    """Sealed records in Redis (or Valkey), one key per browser with the record's end as TTL."""

    required = True

    def __init__(self, client: Any, sealer: Sealer, clock: Callable[[], float] = time.time):
        self._redis = client
        self._sealer = sealer
        self._clock = clock

    @classmethod
    def from_url(cls, url: str, sealer: Sealer) -> RedisBrowserStore:
        """A client with short timeouts and a few retries with back-off (redis-py's own)."""
        from redis.asyncio import Redis
        from redis.backoff import ExponentialBackoff
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError
        from redis.retry import Retry

        client = Redis.from_url(
            url,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), REDIS_RETRIES),
            retry_on_error=[RedisConnectionError, RedisTimeoutError],
            health_check_interval=15,
        )
        return cls(client, sealer)

    async def _call(self, operation: str, *args: Any, **kwargs: Any) -> Any:
        from redis.exceptions import RedisError

        try:
            return await getattr(self._redis, operation)(*args, **kwargs)
        except (RedisError, OSError) as error:
            LOGGER.warning("redis %s failed: %s", operation, type(error).__name__)
            raise StoreUnavailable(type(error).__name__) from None

    async def load(self, browser_id: str) -> Record | None:
        key = redis_key(browser_id)
        sealed = await self._call("get", key)
        if sealed is None:
            return None
        try:
            loaded = json.loads(self._sealer.open(bytes(sealed), key.encode()))
        except (SealError, ValueError):
            # Another key, a tampered value, an older format: start this browser afresh.
            LOGGER.warning("unreadable browser record dropped")
            return None
        return loaded if isinstance(loaded, dict) else None

    async def save(self, browser_id: str, record: Record, expires_at: float) -> None:
        key = redis_key(browser_id)
        if expires_at <= self._clock():
            await self._call("delete", key)
            return
        sealed = self._sealer.seal(_encode(record), key.encode())
        await self._call("set", key, sealed, pxat=int(expires_at * 1000))

    async def delete(self, browser_id: str) -> None:
        await self._call("delete", redis_key(browser_id))

    async def healthy(self) -> bool:
        try:
            return bool(await self._call("ping"))
        except StoreUnavailable:
            return False

    async def close(self) -> None:
        await self._redis.aclose()
