"""What one open page holds in the web app's memory, by whom (issue 14), with real browsers.

    .venv/bin/python bench/page_memory.py [--pages 30] [--kind signin|code]

The app (`python -m webapp`, Cognito mode against `python -m emulator`, as bench/browser.py runs
it) starts with tracemalloc on. One page is opened and left (imports, caches and first-use
allocations happen then), a snapshot is taken, `--pages` more Chromium pages (each its own
context) are opened and left idle, and a second snapshot is compared with the first after a
garbage collection. Printed: the RSS growth per page (tracemalloc on, so not bench/browser.py's
figure), the traced growth per page by the group a source file belongs to (NiceGUI's element
model, NiceGUI's client, asyncio, the HTTP/WebSocket/socket.io transport, this app's code), and
the largest source lines. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from playwright.async_api import BrowserContext, async_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.browser import (
    WebApp,
    open_idle_code_page,
    open_idle_sign_in_page,
    tree_rss_bytes,
)
from bench.processes import CHROMIUM_ARGS, ROOT, create_accounts, emulator_process

LAUNCHER = r"""
import gc, os, runpy, signal, tracemalloc
tracemalloc.start(1)
marks = {}
def mark(*_):
    gc.collect()
    marks["start"] = tracemalloc.take_snapshot()
def report(*_):
    gc.collect()
    diff = tracemalloc.take_snapshot().compare_to(marks["start"], "lineno")
    path = os.environ["BENCH_PAGE_MEMORY"]
    with open(path + ".part", "w") as out:
        for stat in diff:
            if stat.size_diff:
                frame = stat.traceback[0]
                out.write(f"{stat.size_diff}\t{stat.count_diff}\t{frame.filename}:{frame.lineno}\n")
    os.replace(path + ".part", path)
signal.signal(signal.SIGUSR1, mark)
signal.signal(signal.SIGUSR2, report)
runpy.run_module("webapp", run_name="__main__")
"""

# Which part of the stack a source file belongs to (first match wins).
GROUPS = (
    (
        "NiceGUI element model",
        (
            "nicegui/element",
            "nicegui/observables",
            "nicegui/props",
            "nicegui/classes",
            "nicegui/style",
            "nicegui/binding",
            "nicegui/slot",
            "nicegui/elements/",
            "nicegui/events",
            "nicegui/helpers",
            "inspect.py",
            "weakref.py",
        ),
    ),
    (
        "NiceGUI client and outbox",
        ("nicegui/client", "nicegui/outbox", "nicegui/page", "nicegui/storage", "nicegui/context"),
    ),
    ("asyncio (events, queues, tasks)", ("asyncio/",)),
    (
        "transport: uvicorn, Starlette, engine.io, socket.io",
        (
            "uvicorn/",
            "starlette/",
            "fastapi/",
            "engineio/",
            "socketio/",
            "wsproto/",
            "h11/",
            "httptools",
            "anyio/",
            "urllib/",
            "contextlib.py",
            "uuid.py",
        ),
    ),
    ("this app (webapp/)", ("/webapp/",)),
)


def group_of(filename: str) -> str:
    for name, parts in GROUPS:
        if any(part in filename for part in parts):
            return name
    return "other"


def wait_for_file(path: Path, seconds: float) -> None:
    """The server writes its report in a signal handler; poll for it (no event to wait on)."""
    deadline = time.monotonic() + seconds
    while not path.exists():
        if time.monotonic() > deadline:
            raise RuntimeError(f"no report in {path}")
        time.sleep(0.5)


async def measure(args: argparse.Namespace) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="bench-page-memory-"))
    report_file = workdir / "report.tsv"
    with emulator_process(workdir / "emulator.log", ROOT) as env:
        emails = create_accounts(env, args.pages + 1, "memory") if args.kind == "code" else []
        extra_env = {"BENCH_PAGE_MEMORY": str(report_file)}
        app = WebApp(env, workdir, "app", ROOT, launcher=LAUNCHER, extra_env=extra_env)
        with app:
            async with async_playwright() as driver:
                browser = await driver.chromium.launch(
                    executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
                    args=CHROMIUM_ARGS,
                )

                async def one(index: int) -> BrowserContext:
                    if args.kind == "code":
                        return await open_idle_code_page(browser, app.base, emails[index])
                    return await open_idle_sign_in_page(browser, app.base)

                contexts = [await one(args.pages)]  # the first page: first-use allocations
                await asyncio.sleep(3)
                os.kill(app.pid, signal.SIGUSR1)
                await asyncio.sleep(3)
                rss_before = tree_rss_bytes(app.pid)
                for index in range(args.pages):
                    contexts.append(await one(index))
                await asyncio.sleep(args.settle)
                rss_after = tree_rss_bytes(app.pid)
                os.kill(app.pid, signal.SIGUSR2)
                wait_for_file(report_file, 300)
                for context in contexts:
                    await context.close()
                await browser.close()
    lines = [line.split("\t") for line in report_file.read_text().splitlines()]
    groups: dict[str, int] = defaultdict(int)
    for grown, _, where in lines:
        groups[group_of(where)] += int(grown)
    per_page = 1024 * args.pages
    total = sum(groups.values())
    command = f"bench/page_memory.py --pages {args.pages} --kind {args.kind}"
    rss = (rss_after - rss_before) / per_page
    print(f"Command: `.venv/bin/python {command}`")
    print(f"RSS growth per {args.kind} page (tracemalloc on): {rss:.0f} KiB")
    print(f"traced growth per page: {total / per_page:.0f} KiB\n")
    print("| part | KiB per page |\n|---|---:|")
    for name, traced in sorted(groups.items(), key=lambda item: -item[1]):
        print(f"| {name} | {traced / per_page:.1f} |")
    print("\nLargest source lines (KiB per page, objects per page):\n")
    for size, count, where in sorted(lines, key=lambda line: -int(line[0]))[: args.top]:
        short = where.split("site-packages/")[-1].replace(str(ROOT) + "/", "")
        objects = int(count) / args.pages
        print(f"- {int(size) / per_page:.1f} KiB, {objects:.0f} objects: `{short}`")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=30)
    parser.add_argument("--kind", choices=("signin", "code"), default="signin")
    parser.add_argument(
        "--settle", type=float, default=8.0, help="seconds idle before the snapshot"
    )
    parser.add_argument("--top", type=int, default=20)
    asyncio.run(measure(parser.parse_args()))


if __name__ == "__main__":
    main()
