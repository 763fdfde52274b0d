"""Open pages one 0.25 vCPU task holds before p95 of a step passes 1 s, measured (issue 14).

    .venv/bin/python bench/capacity.py [--pages 100,200,300,400,500,600] [--seconds 45]

The app (`python -m webapp`, Cognito mode against `python -m emulator`, as bench/login.py runs
them) runs inside a CPU cgroup allowed 25 ms per 100 ms period: the CFS quota with which ECS
enforces a task's 0.25 vCPU (`cpu.cfs_quota_us` on cgroup v1, `cpu.max` on v2). The emulator and
the load generator run outside it. Without a writable cgroup the script stops and says so (it
never falls back to a model: bench/browser.py prints the model).

Each rung N holds N idle open sign-in pages (bench/login.py's protocol-level browsers: a connected
socket.io client per page, answering the server's pings) and lets people arrive at N /
`--page-seconds` per second (Poisson), each signing in completely on a page of their own at
human pace (pauses of 0-2 x `--think` s before each step): the load bench/browser.py's model
assumes, where every open page's person signs in once per `--page-seconds`. Rungs run in order
on one app process and stop after the first that fails.

Printed per rung: sign-ins expected (N / `--page-seconds` x `--seconds`), arrived and
completed, failures, p50/p95 of the sign-in
page load, of submit password -> code form and of submit code -> signed-in page, the app's CPU
as a share of its quota and the share of 100 ms periods in which it was throttled, its CPU per
sign-in net of its idle CPU with the rung's pages open, its RSS against 512 MiB, and the
emulator's CPU (near a whole core, the rung would measure the emulator, not the app). The
answer: the largest N whose two submit steps both have p95 <= 1 s with no failure.

This machine's core is not a Fargate vCPU, and protocol-level clients send the events a browser
sends but render nothing: bench/browser.py gives the CPU per sign-in real browsers cause, to
compare with the figure printed here. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import os
import platform
import random
import shlex
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.browser import process_tree, tree_cpu_seconds
from bench.login import (
    VirtualBrowser,
    app_process,
    close_all,
    cpu_seconds,
    idle_sessions,
    one_sign_in,
    percentile,
    rss_bytes,
)
from bench.processes import create_accounts, emulator_process, free_port

PERIOD_US = 100_000
TASK_VCPU = 0.25
TASK_MEMORY = 512 * 2**20
P95_LIMIT = 1.0
STEPS = ("sign-in page", "password (SRP + email)", "code (to dashboard)")
SUBMIT_STEPS = STEPS[1:]
CODE_POLL_SECONDS = 0.1  # the driver's mailbox polls load the emulator, not the app
OPEN_BATCH = 20


# --- the CPU limit ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CpuGroup:
    path: Path
    version: int

    def entry(self) -> list[str]:
        """A command prefix that moves itself into the group, then execs its arguments."""
        return ["sh", "-c", 'echo $$ > "$0" && exec "$@"', str(self.path / "cgroup.procs")]

    def throttling(self) -> tuple[int, int]:
        """(periods, throttled periods) so far."""
        fields = dict(
            line.split() for line in (self.path / "cpu.stat").read_text().splitlines() if line
        )
        return int(fields.get("nr_periods", 0)), int(fields.get("nr_throttled", 0))


@contextmanager
def cpu_group(vcpu: float) -> Iterator[CpuGroup]:
    """A fresh cgroup whose processes get `vcpu` of a core per 100 ms period; removed after."""
    name = f"bench-capacity-{os.getpid()}"
    quota = int(vcpu * PERIOD_US)
    v1 = Path("/sys/fs/cgroup/cpu")
    v2 = Path("/sys/fs/cgroup")
    try:
        if (v1 / "cpu.cfs_quota_us").exists():
            group = CpuGroup(v1 / name, 1)
            group.path.mkdir()
            (group.path / "cpu.cfs_period_us").write_text(str(PERIOD_US))
            (group.path / "cpu.cfs_quota_us").write_text(str(quota))
        elif "cpu" in (v2 / "cgroup.subtree_control").read_text().split():
            group = CpuGroup(v2 / name, 2)
            group.path.mkdir()
            (group.path / "cpu.max").write_text(f"{quota} {PERIOD_US}")
        else:
            raise OSError("no cpu controller is delegated to this cgroup")
    except OSError as error:
        sys.exit(
            f"bench/capacity.py needs a writable CPU cgroup (v1 cpu or v2 cpu.max): {error}. "
            "bench/browser.py prints the capacity model instead."
        )
    try:
        yield group
    finally:
        deadline = time.monotonic() + 10
        while True:
            try:
                group.path.rmdir()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)


# --- one rung --------------------------------------------------------------------------------


@dataclass
class Rung:
    pages: int
    expected: float
    started: int
    completed: int
    failures: int
    timings: dict[str, list[float]]
    quota_share: float
    throttled_share: float
    cpu_per_sign_in_ms: float
    idle_ms_per_s: float
    rss: int
    emulator_share: float

    def p95(self, step: str) -> float:
        values = self.timings[step]
        return percentile(values, 0.95) if values else float("inf")

    @property
    def holds(self) -> bool:
        return self.failures == 0 and all(self.p95(s) <= P95_LIMIT for s in SUBMIT_STEPS)


class Reading(NamedTuple):
    now: float
    app_cpu: float
    emulator_cpu: float
    periods: int
    throttled: int


@dataclass
class Meters:
    """CPU and throttling of the app and the emulator, read together."""

    app_pid: int
    emulator_pid: int
    group: CpuGroup

    def read(self) -> Reading:
        """Seconds of CPU so far; the 100 ms periods so far and those throttled.

        The app's threads live as long as it does, so their schedstat (ns) is read; the
        emulator answers each request on a thread of its own that then exits, so its process
        total (/proc/<pid>/stat, 10 ms ticks, including exited threads) is read.
        """
        periods, throttled = self.group.throttling()
        return Reading(
            time.monotonic(),
            tree_cpu_seconds(self.app_pid),
            cpu_seconds(self.emulator_pid),
            periods,
            throttled,
        )


async def run_rung(
    pages: int,
    *,
    base: str,
    endpoint: str,
    accounts: Iterator[str],
    idle: list[VirtualBrowser],
    meters: Meters,
    seconds: float,
    page_seconds: float,
    think: float,
) -> Rung:
    idle.extend(await idle_sessions(base, pages - len(idle), batch=OPEN_BATCH))
    await asyncio.sleep(5)  # opening is over: sockets settle into idle
    before_idle = meters.read()
    await asyncio.sleep(10)
    after_idle = meters.read()
    idle_cpu_per_s = (after_idle.app_cpu - before_idle.app_cpu) / (after_idle.now - before_idle.now)

    rate = pages / page_seconds
    timings: dict[str, list[float]] = {step: [] for step in STEPS}
    failures = 0

    async def person(email: str) -> None:
        nonlocal failures
        try:
            await one_sign_in(base, endpoint, email, timings, think=think, poll=CODE_POLL_SECONDS)
        except Exception:  # a timeout or an unexpected page: the rung fails
            failures += 1

    people: list[asyncio.Task[None]] = []
    start = meters.read()
    arrival = start.now
    while True:
        arrival += random.expovariate(rate)
        if arrival - start.now > seconds:
            break
        await asyncio.sleep(max(0.0, arrival - time.monotonic()))
        people.append(asyncio.create_task(person(next(accounts))))
    await asyncio.gather(*people)
    end = meters.read()
    wall = end.now - start.now
    app_cpu = end.app_cpu - start.app_cpu
    periods = max(1, end.periods - start.periods)
    completed = len(people) - failures
    return Rung(
        pages=pages,
        expected=rate * seconds,
        started=len(people),
        completed=completed,
        failures=failures,
        timings=timings,
        quota_share=app_cpu / wall / TASK_VCPU,
        throttled_share=(end.throttled - start.throttled) / periods,
        cpu_per_sign_in_ms=(app_cpu - idle_cpu_per_s * wall) / max(1, completed) * 1000,
        idle_ms_per_s=idle_cpu_per_s * 1000,
        rss=rss_bytes(meters.app_pid),
        emulator_share=(end.emulator_cpu - start.emulator_cpu) / wall,
    )


# --- report ----------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return "—" if seconds == float("inf") else f"{seconds * 1000:.0f}"


def table_row(rung: Rung) -> str:
    cells = [
        str(rung.pages),
        f"{rung.expected:.0f} / {rung.started} / {rung.completed}",
        str(rung.failures),
    ]
    for step in STEPS:
        values = rung.timings[step]
        p50 = percentile(values, 0.5) if values else float("inf")
        cells.append(f"{ms(p50)} / {ms(rung.p95(step))} ms")
    cells += [
        f"{rung.quota_share:.0%}",
        f"{rung.throttled_share:.0%}",
        f"{rung.cpu_per_sign_in_ms:.0f} ms",
        f"{rung.idle_ms_per_s:.1f} ms/s",
        f"{rung.rss / 2**20:.0f} MiB of {TASK_MEMORY // 2**20}",
        f"{rung.emulator_share:.0%} of a core",
    ]
    return "| " + " | ".join(cells) + " |"


def report(rungs: Sequence[Rung], args: argparse.Namespace) -> str:
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "Command: `" + shlex.join([".venv/bin/python", "bench/capacity.py", *sys.argv[1:]]) + "`",
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}; the app in a "
        f"cgroup of {TASK_VCPU:g} vCPU ({int(TASK_VCPU * PERIOD_US / 1000)} ms per "
        f"{PERIOD_US // 1000} ms); {now}; load average at the end {os.getloadavg()[0]:.2f}",
        f"Load: N idle open sign-in pages + people arriving at N / {args.page_seconds:g} s "
        f"(Poisson), each signing in at human pace (pauses 0-{2 * args.think:g} s), "
        f"{args.seconds:g} s per rung.",
        "",
        "| open pages N | sign-ins expected / arrived / completed | failures | "
        "p50 / p95 page load | p50 / p95 password → code form | p50 / p95 code → signed in | "
        "app CPU of its quota | periods throttled | app CPU per sign-in | "
        "app idle CPU with N pages | app RSS | emulator CPU |",
        "|---:|---|---:|---|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    lines += [table_row(rung) for rung in rungs]
    held = [r.pages for r in rungs if r.holds]
    failed = next((r for r in rungs if not r.holds), None)
    if failed is None:
        answer = f"every rung held: at least {rungs[-1].pages} open pages"
    elif held:
        answer = f"{max(held)} open pages held (p95 ≤ 1 s); {failed.pages} did not"
    else:
        answer = f"not even {failed.pages} open pages held"
    lines += ["", f"Answer: {answer}."]
    return "\n".join(lines)


def emulator_pid() -> int:
    """This script's `python -m emulator` child (bench/processes.py starts it)."""
    for pid in process_tree(os.getpid())[1:]:
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"emulator" in command:
            return pid
    raise RuntimeError("the emulator process was not found")


async def measure(args: argparse.Namespace, env: dict[str, str], accounts: Iterator[str]) -> None:
    port = free_port()
    with (
        tempfile.TemporaryDirectory(prefix="bench-capacity-") as storage,
        cpu_group(TASK_VCPU) as group,
        app_process(env, port, Path(storage), prefix=group.entry()) as pid,
    ):
        base = f"http://127.0.0.1:{port}"
        endpoint = env["AWS_ENDPOINT_URL"]
        warm: dict[str, list[float]] = {step: [] for step in STEPS}
        await one_sign_in(base, endpoint, next(accounts), warm)  # imports, JWKS: not measured
        meters = Meters(pid, emulator_pid(), group)
        idle: list[VirtualBrowser] = []
        rungs: list[Rung] = []
        try:
            for pages in args.pages:
                rung = await run_rung(
                    pages,
                    base=base,
                    endpoint=endpoint,
                    accounts=accounts,
                    idle=idle,
                    meters=meters,
                    seconds=args.seconds,
                    page_seconds=args.page_seconds,
                    think=args.think,
                )
                rungs.append(rung)
                print(table_row(rung), file=sys.stderr, flush=True)
                if not rung.holds:
                    break
        finally:
            await close_all(idle)
        print(report(rungs, args))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "--pages",
        type=lambda text: [int(n) for n in text.split(",")],
        default=[100, 200, 300, 400, 500, 600],
        help="open pages per rung, in order (default 100,200,300,400,500,600)",
    )
    parser.add_argument("--seconds", type=float, default=45.0, help="arrivals per rung (s)")
    parser.add_argument(
        "--page-seconds",
        type=float,
        default=60.0,
        help="seconds a page is open per sign-in (default 60, as bench/browser.py's model)",
    )
    parser.add_argument("--think", type=float, default=1.0, help="mean pause before a step (s)")
    parser.add_argument("--seed", type=int, default=14, help="arrival times' random seed")
    args = parser.parse_args()
    random.seed(args.seed)
    expected = sum(args.pages) / args.page_seconds * args.seconds
    with emulator_process() as env:
        accounts = iter(create_accounts(env, int(expected * 1.3) + 50))
        asyncio.run(measure(args, env, accounts))


if __name__ == "__main__":
    main()
