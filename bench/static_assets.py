"""First-visit bytes and CPU of static files, idle socket CPU, memory per open sign-in page.

    .venv/bin/python bench/static_assets.py [--visits 200] [--idle 200] [--idle-seconds 60]
                                            [--memory 100] [--skip-idle] [--skip-memory]

Each figure is taken twice, from `python -m webapp` (local mode) started as a subprocess:
- "before": webapp/static_assets.py disabled (NiceGUI's FileResponse per request, Starlette's
  GZip level 9 per request, every middleware) and NiceGUI's socket.io ping (0.8 / 0.4 x
  reconnect_timeout) and message history (1000);
- "after": the app as configured (precompressed files from memory, socket.io 25 s / 20 s,
  history 100).

1. Bytes of a first visit to /signin: the URLs Chromium fetches for it (Playwright with
   CHROMIUM_PATH, default /usr/bin/chromium; without it, the HTML's src/href plus the import map's
   vue and dompurify), each fetched with httpx as `gzip` and as Chromium's `gzip, deflate, br,
   zstd`: the sum of the response bodies as sent (compressed).
2. CPU of serving a first visit's files: the server process's user+system CPU time (from /proc)
   while --visits visits fetch every file of the list (8 at a time, with the page's cookie,
   Chromium's Accept-Encoding), divided by the visits. The files are warmed first.
3. Idle CPU: --idle protocol-level browsers (bench/login.py's VirtualBrowser: GET /signin and a
   connected python-socketio client, which answers pings like a browser) open the sign-in page;
   then the server's CPU over --idle-seconds of nothing, per page and per second.
4. Memory per open sign-in page: tracemalloc in the server (started before the app is imported);
   the growth of traced memory over --memory more open pages, and the largest contributors by
   source line.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.login import VirtualBrowser, cpu_seconds, rss_bytes
from bench.processes import clean_env, free_port

ROOT = Path(__file__).resolve().parents[1]
CHROME = "gzip, deflate, br, zstd"

LAUNCHER = r"""
import os, runpy, signal, sys
if os.environ.get("BENCH_TRACEMALLOC"):
    import linecache, tracemalloc
    tracemalloc.start(1)
    marks = {}
    def mark(*_):
        marks["start"] = tracemalloc.take_snapshot()
    def report(*_):
        after = tracemalloc.take_snapshot()
        diff = after.compare_to(marks["start"], "lineno")
        growth = sum(stat.size_diff for stat in diff)
        lines = [f"total {growth}"]
        for stat in diff[:25]:
            frame = stat.traceback[0]
            lines.append(f"{stat.size_diff} {stat.count_diff} {frame.filename}:{frame.lineno}")
        with open(os.environ["BENCH_TRACEMALLOC"], "w") as out:
            out.write("\n".join(lines) + "\n")
    signal.signal(signal.SIGUSR1, mark)
    signal.signal(signal.SIGUSR2, report)
if os.environ.get("BENCH_BASELINE") == "1":
    import webapp.app as web
    from webapp import static_assets
    static_assets.ENABLED = False
    web.tune_socket_transport = lambda: None
    original = web.run_options
    def run_options(config):
        options = original(config)
        for name in ("gzip_middleware_factory", "cache_control_directives",
                     "message_history_length"):
            options.pop(name, None)
        return options
    web.run_options = run_options
runpy.run_module("webapp", run_name="__main__")
"""


@contextmanager
def server(baseline: bool, trace_file: str | None = None) -> Iterator[tuple[str, int]]:
    port = free_port()
    storage = Path(tempfile.mkdtemp(prefix="bench-static-"))
    env = clean_env() | {
        "PORT": str(port),
        "NICEGUI_STORAGE_PATH": str(storage),
        "MAX_SOCKETS_PER_ADDRESS": "100000",
        "MAX_SOCKETS": "100000",
        "BENCH_BASELINE": "1" if baseline else "0",
    }
    if trace_file:
        env["BENCH_TRACEMALLOC"] = trace_file
    process = subprocess.Popen(
        [sys.executable, "-c", LAUNCHER],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2):  # noqa: S310
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the web app did not start") from None
                time.sleep(0.3)
        yield base, process.pid
    finally:
        process.terminate()
        process.wait(timeout=15)


# --- 1. what a first visit loads ----------------------------------------------------------------


async def chromium_urls(base: str) -> list[str] | None:
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        return None
    executable = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not os.path.exists(executable):  # noqa: ASYNC240 - once, before the browser starts
        return None
    urls: list[str] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=executable)
        page = await browser.new_page()
        page.on("requestfinished", lambda request: urls.append(request.url))
        await page.goto(f"{base}/signin", wait_until="networkidle")
        await asyncio.sleep(1)
        await browser.close()
    return [u.removeprefix(base) for u in urls if u.startswith(base) and "_nicegui_ws" not in u]


def html_urls(html: str) -> list[str]:
    found = re.findall(r"""(?:src|href)=["'](/(?:_nicegui|static)/[^"']+)""", html)
    imports = re.findall(r'"(?:vue|dompurify)": "(/_nicegui/[^"]+)"', html)
    return ["/signin", *dict.fromkeys(found + imports)]


async def first_visit_urls(base: str) -> list[str]:
    urls = await chromium_urls(base)
    if urls:
        return list(dict.fromkeys(urls))
    async with httpx.AsyncClient(base_url=base) as client:
        page = await client.get("/signin")
    return html_urls(page.text)


async def sent_bytes(base: str, urls: list[str], accept: str) -> tuple[int, int, dict[str, int]]:
    """(body bytes as sent, of which the HTML, per encoding) for one first visit."""
    total, html = 0, 0
    encodings: dict[str, int] = {}
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        for url in urls:
            async with client.stream("GET", url, headers={"accept-encoding": accept}) as answer:
                body = b"".join([chunk async for chunk in answer.aiter_raw()])
            total += len(body)
            if url.startswith("/signin"):
                html = len(body)
            encoding = answer.headers.get("content-encoding", "identity")
            encodings[encoding] = encodings.get(encoding, 0) + 1
    return total, html, encodings


# --- 2. CPU for a first visit's files -----------------------------------------------------------


async def assets_cpu(base: str, pid: int, urls: list[str], visits: int) -> float:
    assets = [u for u in urls if not u.startswith("/signin")]
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        await client.get("/signin")  # the cookie a real visit carries
        for url in assets:  # warm: the first request starts brotli in the background
            await client.get(url, headers={"accept-encoding": CHROME})
        await asyncio.sleep(8)
        gate = asyncio.Semaphore(8)

        async def fetch(url: str) -> None:
            headers = {"accept-encoding": CHROME}
            async with gate, client.stream("GET", url, headers=headers) as answer:
                async for _ in answer.aiter_raw():
                    pass

        started = cpu_seconds(pid)
        await asyncio.gather(*(fetch(url) for _ in range(visits) for url in assets))
        return (cpu_seconds(pid) - started) / visits * 1000


# --- 3. idle sockets ------------------------------------------------------------------------------


async def idle_cpu(base: str, pid: int, count: int, seconds: float) -> tuple[float, float]:
    browsers = []
    for _ in range(count):
        http = httpx.AsyncClient(base_url=base, timeout=60)
        browser = VirtualBrowser(base, http)
        await browser.open("/signin")
        browsers.append(browser)
    await asyncio.sleep(5)
    started, wall = cpu_seconds(pid), time.monotonic()
    await asyncio.sleep(seconds)
    used = cpu_seconds(pid) - started
    elapsed = time.monotonic() - wall
    for browser in browsers:
        await browser.close_socket()
        await browser.http.aclose()
    return used / elapsed * 100, used / elapsed / count * 1e6  # % of a core, µs per page per s


# --- 4. memory per open page ----------------------------------------------------------------------


async def memory_per_page(baseline: bool, count: int) -> tuple[float, float, list[str]]:
    trace = tempfile.mktemp(prefix="bench-trace-")  # noqa: S306 - the server writes it
    with server(baseline, trace) as (base, pid):
        warmup = []
        for _ in range(10):
            browser = VirtualBrowser(base, httpx.AsyncClient(base_url=base, timeout=60))
            await browser.open("/signin")
            warmup.append(browser)
        await asyncio.sleep(2)
        rss_before = rss_bytes(pid)
        os.kill(pid, signal.SIGUSR1)
        await asyncio.sleep(3)
        browsers = []
        for _ in range(count):
            browser = VirtualBrowser(base, httpx.AsyncClient(base_url=base, timeout=60))
            await browser.open("/signin")
            browsers.append(browser)
        await asyncio.sleep(3)
        rss_after = rss_bytes(pid)
        os.kill(pid, signal.SIGUSR2)
        lines = await asyncio.to_thread(read_report, trace)
        for browser in warmup + browsers:
            await browser.close_socket()
    total = int(lines[0].split()[1])
    return total / count / 1024, (rss_after - rss_before) / count / 1024, lines[1:]


def read_report(trace: str) -> list[str]:
    for _ in range(100):
        time.sleep(0.5)
        if Path(trace).exists() and Path(trace).read_text().endswith("\n"):
            break
    return Path(trace).read_text().splitlines()


def short(line: str) -> str:
    size, count, where = line.split(" ", 2)
    where = re.sub(r".*/site-packages/", "", where).replace(str(ROOT) + "/", "")
    return f"{int(size) / 1024:9.1f} KiB {int(count):7d} blocks  {where}"


async def run(args: argparse.Namespace) -> None:
    for baseline in (True, False):
        label = "before" if baseline else "after"
        with server(baseline) as (base, pid):
            urls = await first_visit_urls(base)
            print(f"\n== {label}: {len(urls)} requests for a first visit to /signin")
            await sent_bytes(base, urls, CHROME)  # warm: brotli is made after a first request
            await asyncio.sleep(8)
            for accept in ("gzip", CHROME):
                total, html, encodings = await sent_bytes(base, urls, accept)
                print(
                    f"  bytes sent, Accept-Encoding {accept!r}: {total / 1024:.1f} KiB "
                    f"(HTML {html / 1024:.1f} KiB; {encodings})"
                )
            cpu = await assets_cpu(base, pid, urls, args.visits)
            print(f"  server CPU for one first visit's files: {cpu:.1f} ms ({args.visits} visits)")
            if not args.skip_idle:
                share, per_page = await idle_cpu(base, pid, args.idle, args.idle_seconds)
                print(
                    f"  idle: {args.idle} open pages for {args.idle_seconds:.0f} s: "
                    f"{share:.2f} % of a core ({per_page:.0f} µs CPU per page per second)"
                )
        if not args.skip_memory:
            traced, rss, top = await memory_per_page(baseline, args.memory)
            print(
                f"  memory per open sign-in page ({args.memory} pages): traced {traced:.1f} KiB, "
                f"RSS {rss:.1f} KiB; largest:"
            )
            for line in top[:15]:
                print("   ", short(line))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--visits", type=int, default=200)
    parser.add_argument("--idle", type=int, default=200)
    parser.add_argument("--idle-seconds", type=float, default=60)
    parser.add_argument("--memory", type=int, default=100)
    parser.add_argument("--skip-idle", action="store_true")
    parser.add_argument("--skip-memory", action="store_true")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
