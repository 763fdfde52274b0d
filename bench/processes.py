"""What the benchmarks share: the emulator and the web app as processes, accounts, Chromium.

The emulator runs as its own process so that its CPU (moto, the triggers) is never counted as
the web tier's; every benchmark reads the app's CPU and memory from /proc instead.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "Bench-Password-42"  # noqa: S105 - throwaway accounts on the local emulator
# How Chromium is launched, here and by the e2e tests (tests/e2e/conftest.py).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]


def clean_env() -> dict[str, str]:
    """This environment without anything that would point the app or the emulator elsewhere."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PYTEST_"))}
    for name in ("USER_POOL_ID", "CLIENT_ID", "STORAGE_SECRET", "REDIS_URL"):
        env.pop(name, None)
    return env


def app_env(emulator_env: dict[str, str], port: int, storage: Path) -> dict[str, str]:
    """`python -m webapp`'s environment: Cognito mode against the emulator on 127.0.0.1:`port`.

    Every browser of a benchmark comes from 127.0.0.1, so the per-address socket cap and rate
    limits are lifted (the per-process cap of 2,000 sockets stays); the rest is the default.
    """
    return (
        clean_env()
        | emulator_env
        | {
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "STORAGE_SECRET": uuid.uuid4().hex * 2,
            "COOKIE_SECURE": "false",
            "NICEGUI_STORAGE_PATH": str(storage),
            "TRUSTED_HOSTS": "127.0.0.1",
            "MAX_SOCKETS_PER_ADDRESS": "100000",
            "RATE_LIMIT_SIGN_IN_IP": "100000/minute",
            "RATE_LIMIT_CODE_IP": "100000/minute",
        }
    )


@contextmanager
def emulator_process(logfile: Path | None = None, root: Path = ROOT) -> Iterator[dict[str, str]]:
    """`python -m emulator --port 0`, its own process; yields the environment it exports."""
    stderr = logfile.open("w") if logfile else subprocess.DEVNULL
    process = subprocess.Popen(
        [sys.executable, "-m", "emulator", "--port", "0"],
        cwd=root,
        env=clean_env(),
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
    )
    env: dict[str, str] = {}
    try:
        assert process.stdout is not None
        while "CLIENT_ID" not in env:  # the last export line; nothing else goes to stdout
            line = process.stdout.readline()
            if not line:
                tail = logfile.read_text()[-2000:] if logfile else ""
                raise RuntimeError(f"the emulator stopped before printing its environment {tail}")
            if line.startswith("export "):
                name, _, value = line[len("export ") :].strip().partition("=")
                env[name] = value.strip("'\"")
        yield env
    finally:
        process.terminate()
        process.wait(timeout=15)
        if logfile and not isinstance(stderr, int):
            stderr.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def cognito_client(env: dict[str, str]) -> Any:
    """boto3's Cognito client for the emulator that exported `env`."""
    return boto3.client(
        "cognito-idp",
        endpoint_url=env["AWS_ENDPOINT_URL"],
        region_name=env["AWS_REGION"],
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
    )


def create_accounts(env: dict[str, str], count: int, prefix: str = "bench") -> list[str]:
    """Signed-up and confirmed accounts (boto3 against the emulator; never measured)."""
    client = cognito_client(env)
    emails = []
    for _ in range(count):
        email = f"{prefix}-{uuid.uuid4().hex[:12]}@example.com"
        client.sign_up(ClientId=env["CLIENT_ID"], Username=email, Password=PASSWORD)
        client.admin_confirm_sign_up(UserPoolId=env["USER_POOL_ID"], Username=email)
        emails.append(email)
    return emails
