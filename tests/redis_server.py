"""A real redis-server (Debian's package) for the tests, on a free loopback port with AUTH.

dev.py installs it as it installs Chromium. Where it cannot be found, the Redis tests are skipped
with a message saying how to install it, except under CI (CI=true), where that is a failure:
CI must never pass by skipping them.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

PASSWORD = "test-redis-password-0a1b2c"


def redis_server_binary() -> str:
    configured = os.environ.get("REDIS_SERVER_PATH")
    found = configured or shutil.which("redis-server") or "/usr/bin/redis-server"
    if Path(found).exists():
        return found
    message = (
        "redis-server is not installed: `python3 dev.py test` installs it as root on Debian "
        "(`apt-get install redis-server`), or set REDIS_SERVER_PATH"
    )
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(message)
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class RedisServer:
    """A running server: its URL (with the password), and ways to take it down and back."""

    port: int
    directory: Path
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"redis://:{PASSWORD}@127.0.0.1:{self.port}/0"

    def command(self, *args: str) -> str:
        """Run redis-cli against it (for inspecting keys in tests)."""
        cli = str(Path(redis_server_binary()).with_name("redis-cli"))
        result = subprocess.run(
            [cli, "-p", str(self.port), "-a", PASSWORD, "--no-auth-warning", *args],
            capture_output=True,
            check=True,
            timeout=10,
        )
        return result.stdout.decode("latin-1")

    def pause(self) -> None:
        """A hung server: accepts nothing until resumed (timeouts, not refusals)."""
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.process.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)

    def start(self) -> None:
        """(Re)start on the same port and directory: the append-only file brings the data back."""
        self.process = _launch(self.port, self.directory)


def _launch(port: int, directory: Path) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [
            redis_server_binary(),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--requirepass",
            PASSWORD,
            "--dir",
            str(directory),
            "--appendonly",
            "yes",
            "--appendfsync",
            "always",
            "--save",
            "",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    import redis

    client = redis.Redis(port=port, password=PASSWORD, socket_timeout=0.5)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            if client.ping():
                client.close()
                return process
        except redis.RedisError:
            pass
        time.sleep(0.05)
    process.kill()
    raise RuntimeError("redis-server did not start")


@contextmanager
def redis_server(directory: Path) -> Iterator[RedisServer]:
    port = _free_port()
    server = RedisServer(port, directory, _launch(port, directory))
    try:
        yield server
    finally:
        if server.process.poll() is None:
            server.resume()
            server.process.terminate()
            server.process.wait(timeout=10)
