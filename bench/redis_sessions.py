"""What keeping each browser's record in Redis costs: latency per step, memory per browser.

Run: `.venv/bin/python bench/redis_sessions.py [--browsers 2000] [--steps 2000]`
(needs Debian's redis-server, which `python3 dev.py test` installs; it starts its own on a free
loopback port and stops it afterwards).

A "step" is what a page does with the store for one form submitted: open the page (one load),
then save the new state (BrowserSession.set: one load of the latest record and one write). The
record is a signed-in browser's, with tokens of the sizes Cognito issues (ID and access tokens
about 1 KB each, the refresh token about 1.7 KB). Memory is Redis's `used_memory` growth divided
by the number of browsers. The same steps on the in-process memory store are the baseline.

This is a benchmark, not a test: it prints figures, it never fails on them.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from webapp.browser_store import BrowserStore, MemoryBrowserStore, RedisBrowserStore  # noqa: E402
from webapp.sealing import Sealer  # noqa: E402
from webapp.session import BrowserSession  # noqa: E402

PASSWORD = "bench-only-" + secrets.token_hex(8)


def signed_in_record(now: float) -> dict[str, Any]:
    def token(size: int) -> str:
        return "eyJ" + secrets.token_urlsafe(size)[: size - 3]

    return {
        "flow": {
            "version": 1,
            "step": "signed_in",
            "email": "someone@example.com",
            "tokens": {
                "id_token": token(1050),
                "access_token": token(1000),
                "refresh_token": token(1750),
                "expires_at": now + 3600,
            },
            "identity": {"sub": secrets.token_hex(16), "email": "someone@example.com"},
            "signed_in_at": now,
            "session_ends_at": now + 30 * 86400,
        },
        "locale": "ja",
    }


class FakeRequest:
    """Just enough of a Starlette request for BrowserSession.open."""

    def __init__(self, browser: str) -> None:
        self.session = {"id": browser}
        self.headers: dict[str, str] = {}


async def one_step(store: BrowserStore, browser: str, record: dict[str, Any]) -> None:
    session = await BrowserSession.open(store, FakeRequest(browser))  # type: ignore[arg-type]
    await session.set("flow", {**record["flow"], "notice": secrets.token_hex(2)})


async def measure(store: BrowserStore, steps: int) -> list[float]:
    now = time.time()
    record = signed_in_record(now)
    browser = secrets.token_hex(16)
    await store.save(browser, record, now + 3600)
    timings = []
    for _ in range(steps):
        started = time.perf_counter()
        await one_step(store, browser, record)
        timings.append(time.perf_counter() - started)
    return timings


def start_redis(directory: str) -> tuple[subprocess.Popen[bytes], int]:
    binary = os.environ.get("REDIS_SERVER_PATH") or shutil.which("redis-server")
    if not binary:
        sys.exit("redis-server is needed: `apt-get install redis-server` (dev.py test does it)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    process = subprocess.Popen(
        [
            *(binary, "--port", str(port), "--bind", "127.0.0.1", "--requirepass", PASSWORD),
            *("--dir", directory, "--save", "", "--appendonly", "no"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(0.5)
    return process, port


def summary(name: str, timings: list[float]) -> str:
    ordered = sorted(timings)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return (
        f"{name:<28}{statistics.median(timings) * 1000:>8.3f}{p95 * 1000:>8.3f}"
        f"{statistics.mean(timings) * 1000:>8.3f}"
    )


async def main_async(browsers: int, steps: int) -> None:
    import redis.asyncio

    with tempfile.TemporaryDirectory(prefix="bench-redis-") as directory:
        process, port = start_redis(directory)
        url = f"redis://:{PASSWORD}@127.0.0.1:{port}/0"
        try:
            sealed = RedisBrowserStore.from_url(url, Sealer(os.urandom(32)))
            memory = MemoryBrowserStore()
            await measure(sealed, 50)  # connect and warm up
            print(f"{'store: one step':<28}{'p50 ms':>8}{'p95 ms':>8}{'mean':>8}")
            print(summary("memory (this process)", await measure(memory, steps)))
            print(summary("redis (sealed, loopback)", await measure(sealed, steps)))

            raw = redis.asyncio.Redis.from_url(url)
            await raw.flushall()
            before = int((await raw.info("memory"))["used_memory"])
            now = time.time()
            for _ in range(browsers):
                await sealed.save(secrets.token_hex(16), signed_in_record(now), now + 86400)
            after = int((await raw.info("memory"))["used_memory"])
            sample_key = (await raw.keys("login:browser:*"))[0]
            value = await raw.get(sample_key)
            value_bytes = len(value) if isinstance(value, bytes) else 0
            print(
                f"\nRedis memory per signed-in browser: {(after - before) / browsers:,.0f} bytes "
                f"({browsers} browsers; sealed value {value_bytes:,} bytes)"
            )
            await raw.aclose()
            await sealed.close()
        finally:
            process.terminate()
            process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--browsers", type=int, default=2000)
    parser.add_argument("--steps", type=int, default=2000)
    args = parser.parse_args()
    asyncio.run(main_async(args.browsers, args.steps))


if __name__ == "__main__":
    main()
