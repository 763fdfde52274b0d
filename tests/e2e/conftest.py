"""Real-browser fixtures: one app process for the module, Chromium from Debian.

Module scope, not session: Playwright's sync API keeps an event loop running in the main thread
while it is open, which would stop pytest-asyncio from running the async tests collected after it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_app import running_app
from playwright.sync_api import Browser, Playwright, expect, sync_playwright

from bench.processes import CHROMIUM_ARGS

PATIENT_EXPECT_MS = 15_000


@pytest.fixture
def patient_expect() -> Iterator[None]:
    """Server steps (SRP, triggers, the emulator) on a busy 2-core machine: 15 s, not 5 s. A
    module opts in with `pytestmark = pytest.mark.usefixtures("patient_expect")`."""
    expect.set_options(timeout=PATIENT_EXPECT_MS)
    yield
    expect.set_options(timeout=5_000)  # Playwright's default, for the other modules


@pytest.fixture(scope="module")
def app_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The app for this module; a module may set `APP_ENV` (a dict) for its process."""
    extra_env = getattr(request.module, "APP_ENV", None)
    with running_app(tmp_path_factory.mktemp("webapp"), extra_env) as base:
        yield base


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    executable = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not Path(executable).exists():
        pytest.fail(f"Chromium not found at {executable}: install it or set CHROMIUM_PATH")
    chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()
