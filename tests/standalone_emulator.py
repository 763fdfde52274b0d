"""`python -m emulator` as a separate process, for tests: started, its exports read, stopped."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[1]
EXPORT = re.compile(r"^export (\w+)=(.*)$")
NAMES = {
    "AWS_ENDPOINT_URL",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "USER_POOL_ID",
    "CLIENT_ID",
}


def read_exports(process: subprocess.Popen[str], deadline: float) -> dict[str, str]:
    """The export lines, read by a thread (a buffered pipe defeats select())."""
    assert process.stdout is not None
    lines: queue.Queue[str] = queue.Queue()
    stdout = process.stdout

    def pump() -> None:
        for line in stdout:
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()
    found: dict[str, str] = {}
    while set(found) != NAMES:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or process.poll() is not None:
            raise AssertionError(f"emulator did not print its environment: {found}")
        try:
            match = EXPORT.match(lines.get(timeout=min(remaining, 1.0)).strip())
        except queue.Empty:
            continue
        if match:
            found[match.group(1)] = match.group(2).strip("'")
    return found


def launch(*, stderr: int = subprocess.DEVNULL) -> subprocess.Popen[str]:
    """`python -m emulator --port 0` with no AWS_ variable of ours leaking into it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PYTEST_"))}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.Popen(
        [sys.executable, "-m", "emulator", "--port", "0"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
    )


@contextmanager
def standalone_emulator() -> Iterator[tuple[subprocess.Popen[str], dict[str, str]]]:
    """The process and the environment it printed (exactly the export lines)."""
    process = launch()
    try:
        yield process, read_exports(process, time.monotonic() + 60)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


class LinePump:
    """Reads a child's pipe on a thread (a buffered pipe defeats select()), keeping every line.

    `wait_quiet` tells when the child has stopped writing; `join` reads on to end of file.
    """

    def __init__(self, stream: IO[str]) -> None:
        self.lines: list[str] = []
        self._lock = threading.Lock()
        self._last = time.monotonic()
        self._thread = threading.Thread(target=self._pump, args=(stream,), daemon=True)
        self._thread.start()

    def _pump(self, stream: IO[str]) -> None:
        for line in stream:
            with self._lock:
                self.lines.append(line)
                self._last = time.monotonic()

    def snapshot(self) -> list[str]:
        with self._lock:
            return list(self.lines)

    def wait_for(self, pattern: re.Pattern[str], count: int, deadline: float) -> list[str]:
        """The first `count` lines matching `pattern`, waiting for them until `deadline`."""
        while True:
            found = [line for line in self.snapshot() if pattern.match(line.strip())]
            if len(found) >= count:
                return found[:count]
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise AssertionError(f"only {found} of {count} lines: {self.snapshot()}")
            time.sleep(0.05)

    def wait_quiet(self, quiet_seconds: float, deadline: float) -> None:
        """Until no line has arrived for `quiet_seconds` (or the deadline passes)."""
        while time.monotonic() < deadline:
            with self._lock:
                idle = time.monotonic() - self._last
            if idle >= quiet_seconds:
                return
            time.sleep(0.05)

    def join(self, timeout: float) -> list[str]:
        """Every line, once the child has closed the pipe."""
        self._thread.join(timeout)
        assert not self._thread.is_alive(), "the pipe was not closed"
        return self.snapshot()
