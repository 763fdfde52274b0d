"""Load figures for the web app: N concurrent complete sign-ins, then idle connected sessions.

    .venv/bin/python bench/login.py [--users 20] [--idle 200]

What runs: the emulator alone (`python -m emulator`, its own process, so the triggers' and
moto's CPU is not counted) and the web app (`python -m webapp`) in Cognito mode pointed at it.
Accounts are created and confirmed beforehand through boto3 (not measured).

The driver is a protocol-level browser, not Chromium: for each virtual user an HTTP client (its own
session cookie) loads the page, and a python-socketio client connects to NiceGUI's socket exactly as
the page's JavaScript does (implicit handshake with the page's client id), then sends the same
`event` messages a browser sends: the inputs' `update:value` and the button's `click`. It applies
the server's `update` messages to its copy of the page, as the page's JavaScript does; a step ends
when the next form is there (the code form and the dashboard replace the previous form in place,
without a page load). This measures the server's work per user, without a browser's rendering; it
does not measure JavaScript or network latency.

Printed figures:
- sign-ins per second: users / wall time of the measured phase (all users start together);
- p50/p95 latency of each step: sign-in page (GET + socket connect), password (click until the code
  form is shown: SRP round trips, the triggers and the email), code (click until the dashboard is
  shown: token verification included);
- web-tier CPU ms per complete sign-in: the app process's user+system CPU time over the measured
  phase (from /proc), divided by the number of sign-ins;
- resident memory per idle connected session: RSS growth of the app process after opening --idle
  more sign-in pages with connected sockets, divided by --idle.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import socketio

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.processes import (
    PASSWORD,
    ROOT,
    app_env,
    create_accounts,
    emulator_process,
    free_port,
)

ELEMENTS = re.compile(r"parseElements\(String\.raw`(.*?)`\)", re.DOTALL)
CLIENT_ID = re.compile(r"'client_id': '([0-9a-f-]+)'")
CODE_LINE = re.compile(r"^\s*(\d{4,10})\s*$", re.MULTILINE)
STEP_TIMEOUT = 60.0
SIGNED_IN = "You are signed in."


# --- processes -------------------------------------------------------------------------------


PROFILED_APP = """
import cProfile, runpy, signal, sys
profile = cProfile.Profile()
def dump(*_):
    profile.disable()
    profile.dump_stats(sys.argv[1])
signal.signal(signal.SIGUSR1, dump)
signal.signal(signal.SIGUSR2, lambda *_: profile.enable())
runpy.run_module("webapp", run_name="__main__")
"""


@contextmanager
def app_process(
    emulator_env: dict[str, str],
    port: int,
    storage: Path,
    profile: str | None = None,
    prefix: Sequence[str] = (),
) -> Iterator[int]:
    """`python -m webapp` in Cognito mode against the emulator; yields its pid once healthy.

    `prefix` is a command that ends by exec-ing its arguments (bench/capacity.py's cgroup entry),
    so the pid yielded is the app's own.
    """
    env = app_env(emulator_env, port, storage)
    command = [*prefix] + (
        [sys.executable, "-c", PROFILED_APP, profile]
        if profile
        else [sys.executable, "-m", "webapp"]
    )
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                url = f"http://127.0.0.1:{port}/healthz"
                with urllib.request.urlopen(url, timeout=2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the web app did not start") from None
                time.sleep(0.2)
        yield process.pid
    finally:
        process.terminate()
        process.wait(timeout=15)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS")


# --- accounts and codes ----------------------------------------------------------------------


async def wait_for_code(
    http: httpx.AsyncClient, endpoint: str, email: str, poll: float = 0.02
) -> str:
    deadline = time.monotonic() + STEP_TIMEOUT
    while time.monotonic() < deadline:
        response = await http.get(f"{endpoint}/_emulator/mailbox", params={"to": email})
        messages = response.json()
        if messages:
            found = CODE_LINE.findall(messages[-1]["text"] or "")
            if found:
                return str(found[0])
        await asyncio.sleep(poll)
    raise TimeoutError(f"no code for {email}")


# --- the protocol-level browser --------------------------------------------------------------


@dataclass
class PageView:
    client_id: str
    elements: dict[str, Any]

    def contains_text(self, text: str) -> bool:
        return any(
            isinstance(e, dict)
            and (e.get("text") == text or e.get("props", {}).get("text") == text)
            for e in self.elements.values()
        )

    def find(self, **props: str) -> str:
        for element_id, element in self.elements.items():
            element_props = element.get("props", {})
            if all(element_props.get(k) == v for k, v in props.items()):
                return element_id
        raise LookupError(f"no element with {props}")

    def listener(self, element_id: str, event_type: str) -> str:
        for event in self.elements[element_id].get("events", []):
            if event["type"] == event_type:
                return str(event["listener_id"])
        raise LookupError(f"element {element_id} has no {event_type} listener")


@dataclass
class VirtualBrowser:
    base: str
    http: httpx.AsyncClient
    socket: socketio.AsyncClient | None = None
    page: PageView | None = None
    opened: asyncio.Queue[str] = field(default_factory=asyncio.Queue)
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    def _on_update(self, data: dict[str, Any]) -> None:
        """Apply an `update` message (elements added, changed or deleted) like the page does."""
        if self.page is None:
            return
        for element_id, element in data.items():
            if element is None:
                self.page.elements.pop(element_id, None)
            elif isinstance(element, dict):
                self.page.elements[element_id] = element
        self.changed.set()

    async def wait_until(self, done: Callable[[PageView], bool]) -> PageView:
        """Wait for the page (updated in place over the socket) to satisfy `done`."""
        deadline = time.monotonic() + STEP_TIMEOUT
        while True:
            assert self.page
            if done(self.page):
                return self.page
            self.changed.clear()
            await asyncio.wait_for(self.changed.wait(), max(0.01, deadline - time.monotonic()))

    async def open(self, path: str) -> PageView:
        """GET the page and connect its socket like the page's JavaScript does."""
        await self.close_socket()
        response = await self.http.get(path, follow_redirects=True)
        response.raise_for_status()
        client_match = CLIENT_ID.search(response.text)
        elements_match = ELEMENTS.search(response.text)
        if not client_match or not elements_match:
            raise RuntimeError(f"{path} is not a NiceGUI page")
        self.page = PageView(client_match.group(1), json.loads(elements_match.group(1)))
        socket = socketio.AsyncClient(reconnection=False)
        socket.on("open", lambda data: self.opened.put_nowait(str(data.get("path"))))
        socket.on("update", self._on_update)
        query = (
            f"client_id={self.page.client_id}&tab_id={uuid.uuid4()}&document_id={uuid.uuid4()}"
            "&next_message_id=0&implicit_handshake=true"
        )
        cookie = "; ".join(f"{k}={v}" for k, v in self.http.cookies.items())
        await socket.connect(
            f"{self.base}/?{query}",
            socketio_path="/_nicegui_ws/socket.io",
            transports=["websocket"],
            headers={"Cookie": cookie},
            wait_timeout=STEP_TIMEOUT,
        )
        self.socket = socket
        return self.page

    async def type(self, element_id: str, value: str) -> None:
        assert self.page
        assert self.socket
        await self.socket.emit(
            "event",
            {
                "id": int(element_id),
                "client_id": self.page.client_id,
                "listener_id": self.page.listener(element_id, "update:value"),
                "args": [json.dumps(value)],
            },
        )

    async def click(self, element_id: str) -> None:
        assert self.page
        assert self.socket
        await self.socket.emit(
            "event",
            {
                "id": int(element_id),
                "client_id": self.page.client_id,
                "listener_id": self.page.listener(element_id, "click"),
                "args": [],
            },
        )

    async def next_page(self) -> PageView:
        path = await asyncio.wait_for(self.opened.get(), STEP_TIMEOUT)
        return await self.open(path)

    async def close_socket(self) -> None:
        if self.socket is not None:
            await self.socket.disconnect()
            self.socket = None


def button(page: PageView, label: str) -> str:
    return page.find(label=label)


def has(page: PageView, **props: str) -> bool:
    try:
        page.find(**props)
    except LookupError:
        return False
    return True


async def pause(think: float) -> None:
    """A person's pause before acting (reading, typing): uniform in [0, 2 x think] seconds."""
    if think > 0:
        await asyncio.sleep(random.uniform(0, 2 * think))


async def one_sign_in(
    base: str,
    endpoint: str,
    email: str,
    timings: dict[str, list[float]],
    *,
    think: float = 0.0,
    poll: float = 0.02,
) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=STEP_TIMEOUT) as http:
        browser = VirtualBrowser(base, http)
        await pause(think)
        started = time.perf_counter()
        page = await browser.open("/signin")
        timings["sign-in page"].append(time.perf_counter() - started)
        await browser.type(page.find(autocomplete="username"), email)
        await browser.type(page.find(autocomplete="current-password"), PASSWORD)
        await pause(think)
        started = time.perf_counter()
        await browser.click(button(page, "Sign in"))
        # The code form replaces the sign-in form in place (no page load).
        page = await browser.wait_until(lambda p: has(p, autocomplete="one-time-code"))
        timings["password (SRP + email)"].append(time.perf_counter() - started)
        code = await wait_for_code(http, endpoint, email, poll)
        await browser.type(page.find(autocomplete="one-time-code"), code)
        await pause(think)
        started = time.perf_counter()
        await browser.click(button(page, "Verify"))
        # Signed in: the browser collects its record under a new session id (/session/rotate),
        # then loads the dashboard.
        page = await browser.next_page()
        if not any(e.get("text") == SIGNED_IN for e in page.elements.values()):
            raise RuntimeError("the dashboard did not follow the code")
        timings["code (to dashboard)"].append(time.perf_counter() - started)
        await browser.close_socket()


async def idle_sessions(base: str, count: int, batch: int = 1) -> list[VirtualBrowser]:
    """`count` sign-in pages with connected sockets, opened `batch` at a time."""

    async def one() -> VirtualBrowser:
        browser = VirtualBrowser(base, httpx.AsyncClient(base_url=base, timeout=STEP_TIMEOUT))
        await browser.open("/signin")
        return browser

    browsers: list[VirtualBrowser] = []
    while len(browsers) < count:
        size = min(batch, count - len(browsers))
        browsers.extend(await asyncio.gather(*(one() for _ in range(size))))
    return browsers


async def close_all(browsers: list[VirtualBrowser]) -> None:
    for browser in browsers:
        await browser.close_socket()
        await browser.http.aclose()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


async def measure(
    base: str,
    endpoint: str,
    emails: list[str],
    pid: int,
    *,
    idle: int,
    think: float = 0.0,
    profiling: bool = False,
) -> None:
    # Warm-up: one sign-in (imports, JWKS fetch, first page render) is not measured.
    warm: dict[str, list[float]] = {
        name: [] for name in ("sign-in page", "password (SRP + email)", "code (to dashboard)")
    }
    await one_sign_in(base, endpoint, emails[0], warm)
    timings: dict[str, list[float]] = {name: [] for name in warm}
    if profiling:
        os.kill(pid, signal.SIGUSR2)  # profile the measured phase only
    cpu_before, wall_before = cpu_seconds(pid), time.perf_counter()
    people = (one_sign_in(base, endpoint, e, timings, think=think) for e in emails[1:])
    await asyncio.gather(*people)
    wall = time.perf_counter() - wall_before
    cpu = cpu_seconds(pid) - cpu_before
    if profiling:
        os.kill(pid, signal.SIGUSR1)
    users = len(emails) - 1
    pacing = f"people pausing 0-{2 * think:g} s before each step" if think else "no pauses (burst)"
    print(f"concurrent complete sign-ins: {users}, {pacing}")
    print(f"sign-ins per second: {users / wall:.1f} (wall {wall:.2f} s)")
    for name, values in timings.items():
        print(
            f"  {name:24s} p50 {percentile(values, 0.5) * 1000:7.1f} ms"
            f"   p95 {percentile(values, 0.95) * 1000:7.1f} ms"
        )
    print(f"web-tier CPU per complete sign-in: {cpu / users * 1000:.1f} ms (app process only)")

    await asyncio.sleep(2)
    rss_before = rss_bytes(pid)
    browsers = await idle_sessions(base, idle)
    await asyncio.sleep(3)  # let the sessions settle into idle
    rss_after = rss_bytes(pid)
    per_session = (rss_after - rss_before) / idle
    print(
        f"resident memory per idle connected session: {per_session / 1024:.0f} KiB "
        f"({idle} sessions, RSS {rss_before / 2**20:.0f} -> {rss_after / 2**20:.0f} MiB)"
    )
    await close_all(browsers)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--users", type=int, default=20, help="concurrent sign-ins (default 20)")
    parser.add_argument("--idle", type=int, default=200, help="idle sessions for the memory figure")
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="mean pause (s) of each person before each step; 0 = all steps back to back",
    )
    parser.add_argument("--profile", help="write a cProfile of the app's event-loop thread here")
    args = parser.parse_args()
    import tempfile

    with tempfile.TemporaryDirectory(prefix="bench-webapp-") as storage, emulator_process() as env:
        emails = create_accounts(env, args.users + 1)
        port = free_port()
        with app_process(env, port, Path(storage), args.profile) as pid:
            base = f"http://127.0.0.1:{port}"
            endpoint = env["AWS_ENDPOINT_URL"]
            asyncio.run(
                measure(
                    base,
                    endpoint,
                    emails,
                    pid,
                    idle=args.idle,
                    think=args.think,
                    profiling=bool(args.profile),
                )
            )


if __name__ == "__main__":
    main()
