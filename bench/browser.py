"""Real-browser figures for the web app: what Chromium itself makes the server do (issue 14).

    .venv/bin/python bench/browser.py               # full: K = 1, 5, 10; M = 50, 100, 150
    .venv/bin/python bench/browser.py --quick       # smoke run: K = 1, M = 10, 5 s idle window

Why a real browser: bench/login.py drives the server with a protocol-level client, which sends one
`update:value` per field and never loads a script, a stylesheet or a font. A person's Chromium
sends one event per keystroke, downloads and caches NiceGUI's assets, keeps the socket open with
pings, and reconnects after each navigation. Those costs are what this benchmark measures.

What runs: the emulator alone (`python -m emulator`, its own process, so moto's and the triggers'
CPU is never counted), the web app (`python -m webapp`) in Cognito mode pointed at it, and Debian's
Chromium (headless, `--chromium`) driven by Playwright's async API, one browser context per person
(its own cookies and HTTP cache). Accounts are created and confirmed beforehand with boto3 against
the emulator (not measured). Each sign-in: open /signin, type the email and the password with real
keystrokes (`press_sequentially`, `--type-delay` between keys), Enter, wait for the code form, read
the code from the emulator's mailbox, type it, and (unless the page submitted itself) Enter, then
wait until the URL leaves /signin, /code and /session and the signed-in page shows.

Measured (CPU is the run time of the web app's threads from /proc/<pid>/task/*/schedstat, in ms):
- web CPU per complete sign-in, K sign-ins at once, over the measured phase divided by K; twice:
  "cached" (each context loaded /signin once before, went to about:blank, and the server had
  time to drop that page's client, so the measured visit is served from the context's HTTP cache)
  and "first visit" (a fresh context, nothing cached);
- p50/p95 of each step: /signin load (navigation until the email field is visible and NiceGUI's
  socket handshake is done, i.e. typing reaches the server), password (Enter until the code form
  shows), code (the submit until the signed-in page shows); and with K = 1 the CPU of each part
  of a sign-in (from the threads' schedstat in nanoseconds: 10 ms ticks are too coarse for one);
- bytes over the network for a first visit to /signin by resource (CDP Network domain,
  `encodedDataLength`: headers and compressed body as received), and per complete sign-in;
- M idle open sign-in pages (each its own context): RSS growth of the web process tree per page,
  idle CPU in ms per second over `--idle-seconds` (schedstat), net of the same window with no page
  open; the same for pages on the code form (`--code-pages`); pages are added cumulatively
  (50, then 50 more, ...) in a fresh app process per kind, so freed memory of earlier phases is
  not reused and counted as free; code pages are measured once their one event (the resend
  button enabled after the 30 s cooldown) is past;
- 20 people signing in at human pace (`--human`, pauses of 0-2 x `--think` s before each step,
  slower typing): p95 submit -> next page;
- a capacity estimate for one 0.25 vCPU / 512 MiB Fargate task, from the figures above (the model
  is printed with it; bench/capacity.py measures it under a real CPU quota, and the model, which
  leaves out the garbage collector's pauses, comes out higher).

Figures are printed as markdown, with the command line, the core count and the date. Nothing here
is asserted: the CPU of this machine is not a Fargate vCPU, and the browser, the emulator and the
load generator share its cores with the app (latencies include that queueing; CPU times do not).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import functools
import itertools
import math
import os
import random
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx
from playwright.async_api import Browser, BrowserContext, Page, async_playwright
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeout

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.processes import (
    CHROMIUM_ARGS,
    PASSWORD,
    ROOT,
    app_env,
    create_accounts,
    emulator_process,
    free_port,
)

CODE_LINE = re.compile(r"^\s*(\d{4,10})\s*$", re.MULTILINE)
STEP_TIMEOUT_MS = 60_000
# A page left behind keeps its server-side client for reconnect_timeout (10 s, webapp/config.py):
# wait a little longer before a measurement so the previous round's clients are gone.
SETTLE_SECONDS = 12.0
CODE_PAGE_SETTLE_SECONDS = 35.0  # OTP_RESEND_COOLDOWN_SECONDS (30 s) and a margin
# After the last digit, how long to wait for a form that submits itself before pressing Enter.
AUTO_SUBMIT_GRACE = 1.0
# Fields by their autocomplete attribute, not their (changing, translated) labels.
EMAIL_FIELD = "input[autocomplete=username]"
PASSWORD_FIELD = "input[autocomplete=current-password]"  # noqa: S105 - a selector
CODE_FIELD = "input[autocomplete=one-time-code]"
SIGNED_IN_MARK = "[data-signed-in]"
# The parts of a sign-in whose web CPU is read separately in K = 1 rounds.
STEP_PARTS = (
    "/signin load",
    "typing email + password",
    "password submit → code form",
    "waiting for + typing the code",
    "code submit → signed-in page",
)
SIGNED_IN_TEXT = re.compile(r"You are signed in")
FORM_PATHS = re.compile(r"^/(signin|code|session)(/|$)")
HANDSHAKE_DONE = "() => window.did_handshake === true"
FARGATE_CPU_MS_PER_S = 250.0  # 0.25 vCPU
FARGATE_MEMORY = 512 * 2**20

T = TypeVar("T")


def log(message: str) -> None:
    """Progress on stderr, so stdout holds only the report."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- processes -------------------------------------------------------------------------------


class WebApp:
    """`python -m webapp` in Cognito mode against the emulator (`app_env`), restartable.

    It can be started again because, on a machine shared with other people's test runs,
    something outside this benchmark has stopped it mid-run (SIGTERM); the interrupted series is
    then repeated on a fresh process (and the report says so) rather than losing the whole run.
    """

    def __init__(
        self,
        emulator_env: dict[str, str],
        workdir: Path,
        name: str,
        root: Path,
        *,
        launcher: str | None = None,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        """`launcher`: Python code run with `-c` instead of `-m webapp` (it must start the app)."""
        self.launcher = launcher
        self.extra_env = extra_env or {}
        self.emulator_env = emulator_env
        self.workdir = workdir
        self.name = name
        self.root = root
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0
        self.base = ""
        self.logfile = workdir / f"{name}.log"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def exit_status(self) -> int | None:
        """None while running; the exit status (negative: the signal) once it has stopped."""
        return None if self.process is None else self.process.poll()

    def start(self) -> None:
        self.stop()
        self.starts += 1
        port = free_port()
        storage = self.workdir / f"{self.name}-{self.starts}-storage"
        storage.mkdir()
        env = app_env(self.emulator_env, port, storage) | self.extra_env
        self.logfile = self.workdir / f"{self.name}-{self.starts}.log"
        with self.logfile.open("w") as output:
            self.process = subprocess.Popen(
                [sys.executable, "-c", self.launcher]
                if self.launcher
                else [sys.executable, "-m", "webapp"],
                cwd=self.root,
                env=env,
                stdout=output,
                stderr=output,
            )
        self.base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=2):  # noqa: S310
                    return
            except OSError:
                if self.exit_status() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the web app did not start: {self.log_tail()}") from None
                time.sleep(0.2)

    def log_tail(self) -> str:
        try:
            return self.logfile.read_text()[-1500:]
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def __enter__(self) -> WebApp:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()


class Accounts:
    """Confirmed accounts handed out once each; more are created if a repeated series needs them."""

    def __init__(self, env: dict[str, str], count: int) -> None:
        self.env = env
        self.free = create_accounts(env, count, "browser")

    def take(self, count: int) -> list[str]:
        if len(self.free) < count:
            self.free += create_accounts(self.env, count - len(self.free), "browser")
        taken, self.free = self.free[:count], self.free[count:]
        return taken


# --- the web process tree, from /proc --------------------------------------------------------


def _stat(pid: int) -> list[str] | None:
    """Fields of /proc/<pid>/stat after the command name (field 3 onwards), or None if gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def process_tree(root: int) -> list[int]:
    """The root and all its descendants (the app starts none today; a worker would count)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields:
                children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def tree_cpu_seconds(root: int) -> float:
    """CPU time of every thread in the tree from schedstat (nanoseconds, not /proc/<pid>/stat's
    10 ms ticks, which made a K = 1 series of five sign-ins vary by 10 ms per sign-in).

    A thread that exits between two readings takes its time with it (the app's worker threads
    stay for the life of the process).
    """
    total = 0
    for pid in process_tree(root):
        try:
            tasks = list(Path(f"/proc/{pid}/task").iterdir())
        except OSError:
            continue
        for task in tasks:
            try:
                total += int((task / "schedstat").read_text().split()[0])
            except (OSError, IndexError, ValueError):
                continue
    return total / 1e9


def tree_rss_bytes(root: int) -> int:
    total = 0
    for pid in process_tree(root):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) * 1024
    return total


# --- accounts and codes ----------------------------------------------------------------------


class Mailbox:
    """The emulator's mailbox (`GET /_emulator/mailbox?to=`), where each sign-in's code lands."""

    def __init__(self, http: httpx.AsyncClient, endpoint: str) -> None:
        self.http = http
        self.endpoint = endpoint

    async def messages(self, to: str) -> list[dict[str, Any]]:
        response = await self.http.get(f"{self.endpoint}/_emulator/mailbox", params={"to": to})
        response.raise_for_status()
        found: list[dict[str, Any]] = response.json()
        return found

    async def code_after(self, to: str, seen: int) -> str:
        """The code in the first email to `to` beyond the `seen` already there (waits for it)."""
        deadline = time.monotonic() + STEP_TIMEOUT_MS / 1000
        while time.monotonic() < deadline:
            messages = await self.messages(to)
            if len(messages) > seen:
                found = CODE_LINE.findall(messages[seen].get("text") or "")
                if found:
                    return str(found[0])
            await asyncio.sleep(0.05)
        raise TimeoutError(f"no code for {to}")


# --- what the browser received ---------------------------------------------------------------


@dataclass
class Resource:
    url: str
    kind: str
    status: int = 0
    encoded: int = 0
    from_cache: bool = False
    encoding: str = ""


@dataclass
class NetworkLog:
    """Bytes a page received, from the Chrome DevTools Protocol's Network domain.

    `encodedDataLength` of `loadingFinished` is what came over the wire for the response
    (headers and the possibly compressed body); a response served from the HTTP cache has none.
    WebSocket frames are counted by their payload (socket.io's text frames).
    """

    resources: dict[str, Resource] = field(default_factory=dict)
    ws_received: int = 0
    ws_sent: int = 0

    @classmethod
    async def attach(cls, context: BrowserContext, page: Page) -> NetworkLog:
        network = cls()
        cdp = await context.new_cdp_session(page)
        cdp.on("Network.requestWillBeSent", network._request)
        cdp.on("Network.responseReceived", network._response)
        cdp.on("Network.requestServedFromCache", network._from_cache)
        cdp.on("Network.loadingFinished", network._finished)
        cdp.on("Network.webSocketFrameReceived", network._ws_in)
        cdp.on("Network.webSocketFrameSent", network._ws_out)
        await cdp.send("Network.enable")
        return network

    def reset(self) -> None:
        self.resources.clear()
        self.ws_received = self.ws_sent = 0

    def _request(self, event: dict[str, Any]) -> None:
        key = str(event["requestId"])
        redirect = event.get("redirectResponse")
        if redirect and key in self.resources:  # the hop before a redirect (e.g. /session/rotate)
            hop = self.resources.pop(key)
            hop.status = int(redirect.get("status", 0))
            hop.encoded = int(redirect.get("encodedDataLength", 0))
            self.resources[f"{key}#{len(self.resources)}"] = hop
        self.resources[key] = Resource(event["request"]["url"], str(event.get("type", "")))

    def _response(self, event: dict[str, Any]) -> None:
        resource = self.resources.get(str(event["requestId"]))
        if resource is not None:
            response = event["response"]
            resource.status = int(response.get("status", 0))
            resource.from_cache |= bool(response.get("fromDiskCache"))
            headers = {k.lower(): v for k, v in (response.get("headers") or {}).items()}
            resource.encoding = str(headers.get("content-encoding", ""))

    def _from_cache(self, event: dict[str, Any]) -> None:
        resource = self.resources.get(str(event["requestId"]))
        if resource is not None:
            resource.from_cache = True

    def _finished(self, event: dict[str, Any]) -> None:
        resource = self.resources.get(str(event["requestId"]))
        if resource is not None:
            resource.encoded = int(event.get("encodedDataLength", 0))

    def _ws_in(self, event: dict[str, Any]) -> None:
        self.ws_received += len(str(event["response"].get("payloadData", "")).encode())

    def _ws_out(self, event: dict[str, Any]) -> None:
        self.ws_sent += len(str(event["response"].get("payloadData", "")).encode())

    @property
    def http_bytes(self) -> int:
        return sum(r.encoded for r in self.resources.values() if not r.from_cache)

    @property
    def cached_responses(self) -> int:
        return sum(1 for r in self.resources.values() if r.from_cache)


# --- one person in one browser context -------------------------------------------------------


@dataclass
class SignIn:
    """One complete sign-in: step latencies (s), bytes, and (K = 1 only) CPU per step (s)."""

    load: float
    password: float
    code: float
    http_bytes: int
    ws_bytes: int
    cached_responses: int
    step_cpu: tuple[float, ...] | None = None


async def pause(think: float) -> None:
    """A person's pause before acting (reading, finding the field): uniform in [0, 2 x think]."""
    if think > 0:
        await asyncio.sleep(random.uniform(0, 2 * think))


async def open_sign_in_page(page: Page, base: str) -> float:
    """Open /signin; seconds until the form is usable: the email field shows, the socket is up."""
    started = time.perf_counter()
    response = await page.goto(f"{base}/signin", wait_until="commit", timeout=STEP_TIMEOUT_MS)
    if response is not None and response.status >= 400:
        raise RuntimeError(f"/signin answered {response.status}: see the app's log")
    await page.locator(EMAIL_FIELD).wait_for(state="visible", timeout=STEP_TIMEOUT_MS)
    await page.wait_for_function(HANDSHAKE_DONE, timeout=STEP_TIMEOUT_MS)
    return time.perf_counter() - started


async def submit_code(page: Page, code: str, typed_at: float) -> float:
    """Submit the typed code; return when it was submitted (perf_counter).

    The code form may submit itself once the last digit is typed (the server then clears the
    field, busies the form or navigates): the submit is then the last keystroke. Otherwise (the
    field still holds the whole code after a grace period) press Enter, and time from there.
    """
    submitted_itself = (
        "([selector, code]) => { const field = document.querySelector(selector);"
        " return !field || field.value !== code || field.disabled"
        " || !/^\\/(signin|code)(\\/|$)/.test(location.pathname); }"
    )
    try:
        await page.wait_for_function(
            submitted_itself, arg=[CODE_FIELD, code], timeout=AUTO_SUBMIT_GRACE * 1000
        )
        return typed_at
    except PlaywrightTimeout:
        pass  # still there, still full: this form waits for Enter
    except PlaywrightError:
        return typed_at  # the page navigated away while being read: it submitted itself
    pressed = time.perf_counter()
    try:
        await page.locator(CODE_FIELD).press("Enter", timeout=5000)
    except (PlaywrightTimeout, PlaywrightError):
        return typed_at  # the form went away meanwhile: it had submitted itself after all
    return pressed


async def wait_signed_in(page: Page) -> None:
    """Until the URL has left the sign-in forms and the signed-in page shows."""
    await page.wait_for_url(
        lambda url: not FORM_PATHS.search(urlsplit(url).path),
        wait_until="commit",
        timeout=STEP_TIMEOUT_MS,
    )
    signed_in = page.locator(SIGNED_IN_MARK).or_(page.get_by_text(SIGNED_IN_TEXT))
    await signed_in.first.wait_for(state="visible", timeout=STEP_TIMEOUT_MS)


async def sign_in(
    page: Page,
    network: NetworkLog,
    base: str,
    mailbox: Mailbox,
    email: str,
    *,
    type_delay_ms: float,
    think: float = 0.0,
    cpu_of: int | None = None,
) -> SignIn:
    """One complete sign-in with real keystrokes; `cpu_of` (a pid) also times each step's CPU."""

    def cpu() -> float:
        return tree_cpu_seconds(cpu_of) if cpu_of else 0.0

    await pause(think)
    marks = [cpu()]
    load = await open_sign_in_page(page, base)
    marks.append(cpu())
    await pause(think)
    await page.locator(EMAIL_FIELD).press_sequentially(email, delay=type_delay_ms)
    await page.locator(PASSWORD_FIELD).press_sequentially(PASSWORD, delay=type_delay_ms)
    seen = len(await mailbox.messages(email))
    await pause(think / 2)
    marks.append(cpu())
    started = time.perf_counter()
    await page.locator(PASSWORD_FIELD).press("Enter")
    await page.locator(CODE_FIELD).wait_for(state="visible", timeout=STEP_TIMEOUT_MS)
    password = time.perf_counter() - started
    marks.append(cpu())
    code = await mailbox.code_after(email, seen)
    await pause(think)
    await page.locator(CODE_FIELD).press_sequentially(code, delay=type_delay_ms)
    typed = time.perf_counter()
    marks.append(cpu())  # with a self-submitting form, this may include the submit's start
    submitted = await submit_code(page, code, typed)
    await wait_signed_in(page)
    code_step = time.perf_counter() - submitted
    # The signed-in page's socket connects after it shows: part of the sign-in's server work.
    await page.wait_for_function(HANDSHAKE_DONE, timeout=STEP_TIMEOUT_MS)
    marks.append(cpu())
    step_cpu = tuple(b - a for a, b in itertools.pairwise(marks)) if cpu_of else None
    return SignIn(
        load,
        password,
        code_step,
        network.http_bytes,
        network.ws_received + network.ws_sent,
        network.cached_responses,
        step_cpu,
    )


# --- rounds ----------------------------------------------------------------------------------


@dataclass
class Round:
    sign_ins: list[SignIn]
    cpu: float
    wall: float


async def bounded(limit: int, jobs: Sequence[Callable[[], Awaitable[T]]]) -> list[T]:
    """Run the jobs at most `limit` at a time (opening 150 pages at once would only queue)."""
    gate = asyncio.Semaphore(limit)

    async def run(job: Callable[[], Awaitable[T]]) -> T:
        async with gate:
            return await job()

    return await asyncio.gather(*(run(job) for job in jobs))


async def new_page(browser: Browser) -> tuple[BrowserContext, Page, NetworkLog]:
    """A fresh browser context (own cookies, own empty HTTP cache) with one watched page."""
    context = await browser.new_context()
    page = await context.new_page()
    return context, page, await NetworkLog.attach(context, page)


async def sign_in_round(
    browser: Browser,
    base: str,
    mailbox: Mailbox,
    pid: int,
    emails: list[str],
    *,
    cached: bool,
    type_delay_ms: float,
    think: float = 0.0,
) -> Round:
    """len(emails) people signing in at once, each in a new context; the web CPU over it all."""
    people = [await new_page(browser) for _ in emails]
    try:
        if cached:  # a returning visitor: assets in the context's cache, the old page long gone
            await asyncio.gather(*(open_sign_in_page(page, base) for _, page, _ in people))
            await asyncio.gather(*(page.goto("about:blank") for _, page, _ in people))
            for _, _, network in people:
                network.reset()
            await asyncio.sleep(SETTLE_SECONDS)
        step_cpu_of = pid if len(emails) == 1 else None
        cpu_before, wall_before = tree_cpu_seconds(pid), time.perf_counter()
        sign_ins = await asyncio.gather(
            *(
                sign_in(
                    page,
                    network,
                    base,
                    mailbox,
                    email,
                    type_delay_ms=type_delay_ms,
                    think=think,
                    cpu_of=step_cpu_of,
                )
                for (_, page, network), email in zip(people, emails, strict=True)
            )
        )
        wall = time.perf_counter() - wall_before
        cpu = tree_cpu_seconds(pid) - cpu_before
    finally:
        for context, _, _ in people:
            await context.close()
    await asyncio.sleep(SETTLE_SECONDS)  # the server drops these clients before the next round
    return Round(list(sign_ins), cpu, wall)


async def first_load_resources(browser: Browser, base: str) -> tuple[list[Resource], int, float]:
    """A first visit to /signin: every response, the socket bytes, and the load time."""
    context, page, network = await new_page(browser)
    try:
        load = await open_sign_in_page(page, base)
        await page.wait_for_load_state("networkidle")  # late fonts and icons count too
        await asyncio.sleep(0.5)
        return list(network.resources.values()), network.ws_received + network.ws_sent, load
    finally:
        await context.close()


async def idle_cpu_ms_per_s(pid: int, seconds: float) -> float:
    """The web process tree's CPU over an idle window, in ms per second (schedstat, ns)."""
    before = tree_cpu_seconds(pid)
    await asyncio.sleep(seconds)
    return (tree_cpu_seconds(pid) - before) * 1000 / seconds


async def open_idle_sign_in_page(browser: Browser, base: str) -> BrowserContext:
    context = await browser.new_context()
    await open_sign_in_page(await context.new_page(), base)
    return context


async def open_idle_code_page(browser: Browser, base: str, email: str) -> BrowserContext:
    """A page left on the code form (the email and password sent; not measured, so `fill`)."""
    context = await browser.new_context()
    page = await context.new_page()
    await open_sign_in_page(page, base)
    await page.locator(EMAIL_FIELD).fill(email)
    await page.locator(PASSWORD_FIELD).fill(PASSWORD)
    await page.locator(PASSWORD_FIELD).press("Enter")
    await page.locator(CODE_FIELD).wait_for(state="visible", timeout=STEP_TIMEOUT_MS)
    await page.wait_for_function(HANDSHAKE_DONE, timeout=STEP_TIMEOUT_MS)
    return context


@dataclass
class IdleFigure:
    pages: int
    rss_before: int
    rss_after: int
    ms_per_s: float
    baseline_ms_per_s: float

    @property
    def rss_per_page(self) -> float:
        return (self.rss_after - self.rss_before) / self.pages

    @property
    def net_ms_per_s(self) -> float:
        return self.ms_per_s - self.baseline_ms_per_s


async def idle_pages(
    pid: int,
    counts: list[int],
    seconds: float,
    opener: Callable[[int], Awaitable[BrowserContext]],
    settle: float = 5.0,
) -> list[IdleFigure]:
    """Open pages up to each count in turn (cumulative), then measure RSS and idle CPU once
    they have had `settle` seconds to become idle."""
    await asyncio.sleep(SETTLE_SECONDS)
    baseline = await idle_cpu_ms_per_s(pid, seconds)
    rss_before = tree_rss_bytes(pid)
    contexts: list[BrowserContext] = []
    figures = []
    try:
        for count in sorted(counts):
            more = range(len(contexts), count)
            contexts += await bounded(4, [functools.partial(opener, i) for i in more])
            await asyncio.sleep(settle)  # into idle: first pings, one-shot timers
            rss_after = tree_rss_bytes(pid)
            busy = await idle_cpu_ms_per_s(pid, seconds)
            figures.append(IdleFigure(count, rss_before, rss_after, busy, baseline))
            log(
                f"  {count} pages: RSS {rss_before / 2**20:.1f} -> {rss_after / 2**20:.1f} MiB, "
                f"{busy:.2f} ms/s (baseline {baseline:.2f})"
            )
    finally:
        for context in contexts:
            await context.close()
    return figures


# --- figures ---------------------------------------------------------------------------------


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (as bench/login.py), so p95 of 10 samples is the 10th."""
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, math.ceil(fraction * len(ordered)) - 1))
    return ordered[index]


@dataclass
class Series:
    """Every round of one K and one cache mode, pooled."""

    k: int
    cached: bool
    rounds: list[Round] = field(default_factory=list)

    @property
    def sign_ins(self) -> list[SignIn]:
        return [s for r in self.rounds for s in r.sign_ins]

    @property
    def cpu_ms_per_sign_in(self) -> float:
        return sum(r.cpu for r in self.rounds) * 1000 / len(self.sign_ins)

    def step(self, name: str) -> list[float]:
        return [getattr(s, name) * 1000 for s in self.sign_ins]

    def p50_p95(self, name: str) -> str:
        values = self.step(name)
        return f"{percentile(values, 0.5):.0f} / {percentile(values, 0.95):.0f}"

    def step_cpu_ms(self) -> list[float] | None:
        """Median CPU of each part of a sign-in (STEP_PARTS), K = 1 rounds only."""
        rows = [s.step_cpu for s in self.sign_ins if s.step_cpu]
        if not rows:
            return None
        return [statistics.median(r[i] for r in rows) * 1000 for i in range(len(STEP_PARTS))]


def kib(value: float) -> str:
    return f"{value / 1024:.0f} KiB"


def resource_name(url: str, base: str) -> str:
    path = url[len(base) :] if url.startswith(base) else url
    return re.sub(r"/_nicegui/[0-9.]+/", "/_nicegui/<v>/", path.split("?")[0]) or "/"


@dataclass
class Capacity:
    cpu_pages: float
    memory_pages: float
    model: str


def capacity(
    *,
    idle_ms_per_s_per_page: float,
    rss_per_page: float,
    base_rss: float,
    step_cpu_ms: float,
    sign_in_cpu_ms: float,
    page_seconds: float,
) -> Capacity:
    """Open pages one 0.25 vCPU / 512 MiB task holds before p95 of a step passes 1 s.

    Model: each open page belongs to a person who completes one sign-in per `page_seconds`
    (so the task's CPU load is N x (idle per page + CPU per sign-in / page_seconds)); the event
    loop is one server with exponential queueing (M/M/1), whose response time has p95 =
    ln(20) x S / (1 - rho), with S the largest step's CPU stretched to a 0.25 vCPU share
    (S = step CPU / 0.25). p95 <= 1 s gives rho <= 1 - 3.0 x S; memory: base RSS + N x RSS per
    page <= 90 % of 512 MiB. This machine's core is taken as one vCPU (an assumption).
    """
    service = step_cpu_ms / 1000 / (FARGATE_CPU_MS_PER_S / 1000)
    rho_max = max(0.0, 1 - math.log(20) * service)
    per_page_ms_per_s = idle_ms_per_s_per_page + sign_in_cpu_ms / page_seconds
    cpu_pages = rho_max * FARGATE_CPU_MS_PER_S / per_page_ms_per_s if per_page_ms_per_s else 0.0
    memory_pages = max(0.0, (0.9 * FARGATE_MEMORY - base_rss) / rss_per_page) if rss_per_page else 0
    model = (
        f"S = {step_cpu_ms:.0f} ms / 0.25 = {service * 1000:.0f} ms, rho <= 1 - ln 20 x S = "
        f"{rho_max:.2f}; per page {idle_ms_per_s_per_page:.3f} ms/s idle + "
        f"{sign_in_cpu_ms:.0f} ms / {page_seconds:.0f} s = {per_page_ms_per_s:.3f} ms/s; "
        f"N_cpu = {rho_max:.2f} x 250 / {per_page_ms_per_s:.3f}; "
        f"N_mem = (0.9 x 512 MiB - {base_rss / 2**20:.0f} MiB) / {kib(rss_per_page)}"
    )
    return Capacity(cpu_pages, memory_pages, model)


@dataclass
class Results:
    series: list[Series] = field(default_factory=list)
    first_load: list[Resource] = field(default_factory=list)
    first_load_ws: int = 0
    first_load_seconds: float = 0.0
    first_load_base: str = ""
    human: Series | None = None
    sign_in_idle: list[IdleFigure] = field(default_factory=list)
    code_idle: list[IdleFigure] = field(default_factory=list)
    base_rss: int = 0
    restarts: list[str] = field(default_factory=list)


def report(results: Results, args: argparse.Namespace) -> str:
    """The markdown report: how it was run, the figures table, the first-load breakdown."""
    command = " ".join(
        shlex.quote(a) for a in [".venv/bin/python", "bench/browser.py", *sys.argv[1:]]
    )
    lines = [
        f"Command: `{command}`  ",
        f"Machine: {os.cpu_count()} cores, {platform_name()}; Chromium headless "
        f"({args.chromium}); {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC; "
        f"load average at the end {os.getloadavg()[0]:.2f}  ",
        f"Typing {args.type_delay:g} ms between keys; each K repeated to >= {args.min_samples} "
        "sign-ins per cache mode.",
        "",
        "| figure | this app | target |",
        "|---|---|---|",
    ]
    if results.restarts:
        lines[-2:-2] = [
            f"The web app was stopped from outside {len(results.restarts)} time(s) "
            f"({'; '.join(results.restarts)}); each interrupted series was repeated in full on "
            "a fresh process (after its warm-up sign-in).",
            "",
        ]
    lines += sign_in_rows(results, args)
    lines += idle_rows(results)
    total = sum(r.encoded for r in results.first_load if not r.from_cache)
    lines.append(
        f"| first visit to /signin: bytes transferred ({len(results.first_load)} responses; "
        f"+ {results.first_load_ws:,} bytes of socket payloads) | {kib(total)} | ≤ 200 KiB |"
    )
    lines.append(
        "| first visit to /signin: load until usable (one browser) | "
        f"{results.first_load_seconds * 1000:.0f} ms | — |"
    )
    cap = capacity_figure(results, args)
    if cap:
        lines.append(
            "| capacity of one 0.25 vCPU / 512 MiB task: open pages before p95 > 1 s "
            f"(CPU / memory bound; model below) | {cap.cpu_pages:.0f} / "
            f"{cap.memory_pages:.0f} → {min(cap.cpu_pages, cap.memory_pages):.0f} | — |"
        )
        lines += [
            "",
            f"Capacity model ({args.page_seconds:g} s of open page per sign-in): {cap.model}.",
        ]
    lines += ["", "First visit to /signin, by resource (largest first):", ""]
    lines += ["| resource | type | encoding | bytes transferred |", "|---|---|---|---|"]
    for resource in sorted(results.first_load, key=lambda r: -r.encoded):
        lines.append(
            f"| `{resource_name(resource.url, results.first_load_base)}` | {resource.kind} | "
            f"{resource.encoding or '—'} | {resource.encoded:,} |"
        )
    return "\n".join(lines)


def sign_in_rows(results: Results, args: argparse.Namespace) -> list[str]:
    """Rows for the K rounds (one cell per K) and for the people at human pace."""
    by = {(s.k, s.cached): s for s in results.series}
    ks = sorted({s.k for s in results.series})
    ks_label = " / ".join(str(k) for k in ks)
    modes = {True: "cached", False: "first visit"}

    def per_k(cached: bool, render: Callable[[Series], str]) -> str:
        return " / ".join(render(by[(k, cached)]) for k in ks if (k, cached) in by)

    def cpu(series: Series) -> str:
        return f"{series.cpu_ms_per_sign_in:.0f}"

    def traffic(series: Series) -> str:
        return kib(statistics.median(x.http_bytes + x.ws_bytes for x in series.sign_ins))

    rows = []
    for cached, target in ((True, "≤ 50 ms"), (False, "≤ 100 ms")):
        rows.append(
            f"| web CPU per complete sign-in, {modes[cached]}, K = {ks_label} at once | "
            f"{per_k(cached, cpu)} ms | {target} |"
        )
    for cached in (True, False):
        one = by.get((1, cached))
        steps = one.step_cpu_ms() if one else None
        if steps:
            rows.append(
                f"| web CPU per part of a sign-in, K = 1, {modes[cached]} (median): "
                f"{' / '.join(STEP_PARTS)} | {' / '.join(f'{v:.0f}' for v in steps)} ms | — |"
            )
    for cached in (True, False):
        rows.append(
            f"| bytes over the network per complete sign-in, {modes[cached]} (HTTP + socket "
            f"payloads), K = {ks_label} | {per_k(cached, traffic)} | — |"
        )
    for name, label in (
        ("load", "/signin load until usable"),
        ("password", "submit password → code form"),
        ("code", "submit code → signed-in page"),
    ):
        for cached in (True, False):
            cells = per_k(cached, functools.partial(Series.p50_p95, name=name))
            rows.append(f"| p50 / p95 {label}, {modes[cached]}, K = {ks_label} | {cells} ms | — |")
    human = results.human
    if human:
        password, code = (percentile(human.step(n), 0.95) for n in ("password", "code"))
        rows.append(
            f"| p95 submit → next page, {human.k} people at human pace (pauses 0-"
            f"{2 * args.think:g} s, {args.human_type_delay:g} ms/key, cached): password / code "
            f"| {password:.0f} / {code:.0f} ms | ≤ 250 ms |"
        )
        rows.append(
            f"| web CPU per complete sign-in at human pace ({human.k} people) | "
            f"{human.cpu_ms_per_sign_in:.0f} ms | — |"
        )
    return rows


def idle_rows(results: Results) -> list[str]:
    """Rows for the idle open pages: memory and CPU, in all and per page."""
    rows = []
    for figures, what in ((results.sign_in_idle, "sign-in"), (results.code_idle, "code")):
        if not figures:
            continue
        m = " / ".join(str(f.pages) for f in figures)
        rows.append(
            f"| RSS growth per idle open {what} page, M = {m} | "
            + " / ".join(kib(f.rss_per_page) for f in figures)
            + " | ≤ 128 KiB |"
        )
        rows.append(
            f"| idle web CPU with M = {m} open {what} pages (net of "
            f"{figures[0].baseline_ms_per_s:.2f} ms/s with none) | "
            + " / ".join(f"{f.net_ms_per_s:.2f}" for f in figures)
            + " ms/s | — |"
        )
        rows.append(
            f"| idle web CPU per open {what} page, M = {m} | "
            + " / ".join(f"{f.net_ms_per_s / f.pages:.3f}" for f in figures)
            + " ms/s | ≤ 0.05 ms/s |"
        )
    return rows


def capacity_figure(results: Results, args: argparse.Namespace) -> Capacity | None:
    cached_one = next((s for s in results.series if s.k == 1 and s.cached), None)
    idle = results.sign_in_idle[-1] if results.sign_in_idle else None
    if not cached_one or not idle:
        return None
    steps = cached_one.step_cpu_ms()
    # The queue's service time: the costlier submit (password -> code form, code -> signed in).
    submit_cpu = max(steps[2], steps[4]) if steps else cached_one.cpu_ms_per_sign_in
    idle_per_page = max(
        f.net_ms_per_s / f.pages for f in [*results.sign_in_idle, *results.code_idle]
    )
    rss_per_page = max(f.rss_per_page for f in [*results.sign_in_idle, *results.code_idle])
    return capacity(
        idle_ms_per_s_per_page=max(idle_per_page, 0.0),
        rss_per_page=rss_per_page,
        base_rss=results.base_rss,
        step_cpu_ms=submit_cpu,
        sign_in_cpu_ms=cached_one.cpu_ms_per_sign_in,
        page_seconds=args.page_seconds,
    )


def platform_name() -> str:
    import platform

    return f"Python {platform.python_version()}, {platform.machine()}"


# --- the run ---------------------------------------------------------------------------------


def rounds_for(k: int, min_samples: int) -> int:
    """Rounds of K so that each K gets at least `min_samples` sign-ins (K = 1 is repeated)."""
    return max(1, math.ceil(min_samples / k))


async def repeated_if_stopped(
    app: WebApp,
    results: Results,
    what: str,
    job: Callable[[], Awaitable[T]],
    warm_up: Callable[[], Awaitable[object]],
) -> T:
    """Run `job`; if the web app was stopped from outside meanwhile, restart it and run it again."""
    for attempt in itertools.count(1):
        try:
            return await job()
        except Exception:
            status = app.exit_status()
            log(f"{what} failed; the web app's status {status}; its log ends:\n{app.log_tail()}")
            if status is None or attempt >= 3:
                raise
            results.restarts.append(f"{what} (the app ended with status {status})")
            log(f"the web app was stopped from outside: restarting it and repeating {what}")
            app.start()
            await warm_up()
    raise AssertionError("unreachable")


async def measure(
    args: argparse.Namespace, env: dict[str, str], accounts: Accounts, workdir: Path
) -> Results:
    results = Results()
    async with async_playwright() as driver, httpx.AsyncClient(timeout=30) as http:
        browser = await driver.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        mailbox = Mailbox(http, env["AWS_ENDPOINT_URL"])
        delay = args.type_delay

        def round_of(
            app: WebApp, count: int, *, cached: bool, type_delay_ms: float, think: float = 0.0
        ) -> Callable[[], Awaitable[Round]]:
            def job() -> Awaitable[Round]:
                return sign_in_round(
                    browser,
                    app.base,
                    mailbox,
                    app.pid,
                    accounts.take(count),
                    cached=cached,
                    type_delay_ms=type_delay_ms,
                    think=think,
                )

            return job

        def warm_up_of(app: WebApp) -> Callable[[], Awaitable[Round]]:
            """One sign-in on a new process (imports, JWKS, first renders): never measured."""
            return round_of(app, 1, cached=False, type_delay_ms=delay)

        with WebApp(env, workdir, "sign-ins", args.app_root) as app:
            log("warm-up sign-in (imports, JWKS, first render; not measured)")
            await warm_up_of(app)()

            async def first_load() -> None:
                (
                    results.first_load,
                    results.first_load_ws,
                    results.first_load_seconds,
                ) = await first_load_resources(browser, app.base)
                results.first_load_base = app.base

            await repeated_if_stopped(app, results, "the first load", first_load, warm_up_of(app))
            for k in args.k:
                for cached in (True, False):
                    mode = "cached" if cached else "first visit"

                    async def series_of(
                        k: int = k, cached: bool = cached, mode: str = mode
                    ) -> Series:
                        series = Series(k, cached)
                        for _ in range(rounds_for(k, args.min_samples)):
                            log(f"K = {k}, {mode}")
                            job = round_of(app, k, cached=cached, type_delay_ms=delay)
                            series.rounds.append(await job())
                        return series

                    series = await repeated_if_stopped(
                        app, results, f"K = {k} {mode}", series_of, warm_up_of(app)
                    )
                    results.series.append(series)
                    log(f"  {series.cpu_ms_per_sign_in:.1f} ms CPU per sign-in")
            if args.human:
                log(f"{args.human} people at human pace")
                job = round_of(
                    app,
                    args.human,
                    cached=True,
                    type_delay_ms=args.human_type_delay,
                    think=args.think,
                )
                human = Series(args.human, cached=True)
                human.rounds.append(
                    await repeated_if_stopped(
                        app, results, "the human-pace round", job, warm_up_of(app)
                    )
                )
                results.human = human
        if args.idle_pages:
            with WebApp(env, workdir, "idle-sign-in", args.app_root) as app:
                log(f"idle sign-in pages {args.idle_pages} (fresh app process)")
                await warm_up_of(app)()

                async def sign_in_idle() -> list[IdleFigure]:
                    results.base_rss = tree_rss_bytes(app.pid)
                    return await idle_pages(
                        app.pid,
                        args.idle_pages,
                        args.idle_seconds,
                        lambda _: open_idle_sign_in_page(browser, app.base),
                    )

                results.sign_in_idle = await repeated_if_stopped(
                    app, results, "the idle sign-in pages", sign_in_idle, warm_up_of(app)
                )
        if args.code_pages:
            with WebApp(env, workdir, "idle-code", args.app_root) as app:
                log(f"idle code pages {args.code_pages} (fresh app process)")
                await warm_up_of(app)()

                async def code_idle() -> list[IdleFigure]:
                    emails = accounts.take(max(args.code_pages))
                    return await idle_pages(
                        app.pid,
                        args.code_pages,
                        args.idle_seconds,
                        lambda i: open_idle_code_page(browser, app.base, emails[i]),
                        # A code page's one event: its resend button is enabled once the
                        # cooldown (30 s) has passed. Measured after it, so this is idle.
                        settle=CODE_PAGE_SETTLE_SECONDS,
                    )

                results.code_idle = await repeated_if_stopped(
                    app, results, "the idle code pages", code_idle, warm_up_of(app)
                )
        await browser.close()
    return results


def accounts_needed(args: argparse.Namespace) -> int:
    ks: list[int] = args.k
    rounds = sum(2 * k * rounds_for(k, int(args.min_samples)) for k in ks)
    return 3 + rounds + int(args.human) + int(max(args.code_pages, default=0))


def counts(text: str) -> list[int]:
    values = [int(part) for part in text.split(",") if part.strip()]
    if any(v < 0 for v in values):
        raise argparse.ArgumentTypeError("counts must be positive")
    return [v for v in values if v > 0]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--k",
        type=counts,
        default=[1, 5, 10],
        help="concurrent sign-ins per round, comma-separated (default 1,5,10)",
    )
    parser.add_argument(
        "--min-samples",
        type=int,
        default=5,
        help="repeat rounds until each K has this many sign-ins (default 5)",
    )
    parser.add_argument(
        "--idle-pages",
        type=counts,
        default=[50, 100, 150],
        help="idle open sign-in pages, cumulative (default 50,100,150; 0 = skip)",
    )
    parser.add_argument(
        "--code-pages",
        type=counts,
        default=[50],
        help="idle open code pages, cumulative (default 50; 0 = skip)",
    )
    parser.add_argument(
        "--idle-seconds", type=float, default=30.0, help="idle CPU window (default 30 s)"
    )
    parser.add_argument(
        "--human",
        type=int,
        default=20,
        help="people signing in at human pace (default 20; 0 = skip)",
    )
    parser.add_argument(
        "--think",
        type=float,
        default=1.0,
        help="mean pause (s) before each step at human pace (default 1)",
    )
    parser.add_argument(
        "--type-delay",
        type=float,
        default=30.0,
        help="ms between keystrokes in the K rounds (default 30)",
    )
    parser.add_argument(
        "--human-type-delay",
        type=float,
        default=120.0,
        help="ms between keystrokes at human pace (default 120)",
    )
    parser.add_argument(
        "--page-seconds",
        type=float,
        default=60.0,
        help="capacity model: seconds a page is open per sign-in (default 60)",
    )
    parser.add_argument("--chromium", default=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
    parser.add_argument(
        "--app-root",
        type=Path,
        default=ROOT,
        help="the checkout whose webapp/ and emulator/ run (default: this one)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: K = 1, M = 10, 5 code pages, 5 s window, 3 at human pace",
    )
    args = parser.parse_args()
    if args.quick:
        args.k, args.min_samples, args.idle_pages, args.code_pages = [1], 1, [10], [5]
        args.idle_seconds, args.human, args.think = 5.0, 3, 0.3
    if not Path(args.chromium).exists():
        parser.error(f"Chromium not found at {args.chromium} (install it or pass --chromium)")
    with tempfile.TemporaryDirectory(prefix="bench-browser-") as tmp:
        workdir = Path(tmp)
        with emulator_process(workdir / "emulator.log", args.app_root) as env:
            needed = accounts_needed(args)
            log(f"creating {needed} accounts on the emulator")
            accounts = Accounts(env, needed)
            results = asyncio.run(measure(args, env, accounts, workdir))
    print(report(results, args))


if __name__ == "__main__":
    main()
