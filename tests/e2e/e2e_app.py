"""The real app process on a free localhost port, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
_CODE_LINE = re.compile(r"^\s*(\d{4,10})\s*$", re.MULTILINE)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def app_environment(port: int, storage: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "PYTEST_CURRENT_TEST"}
    for name in ("USER_POOL_ID", "CLIENT_ID", "AWS_REGION", "AWS_ENDPOINT_URL", "STORAGE_SECRET"):
        env.pop(name, None)
    env.update({"PORT": str(port), "HOST": "127.0.0.1", "NICEGUI_STORAGE_PATH": str(storage)})
    return env


@contextmanager
def running_app(storage: Path, extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """`python -m webapp` as a subprocess; yields its base URL once /healthz answers."""
    port = free_port()
    env = app_environment(port, storage) | (extra_env or {})
    log = (storage / "app.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "webapp"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((storage / "app.log").read_text()) from None
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:  # ECS would kill it too: a stop that hangs is a bug
            process.kill()
            process.wait()
            raise AssertionError("the app did not stop within 15 s of SIGTERM") from None
        finally:
            log.close()


def mailbox(base: str, to: str) -> list[dict[str, Any]]:
    url = f"{base}/dev/mailbox.json?to={urllib.request.quote(to)}"
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - http://127.0.0.1
        messages: list[dict[str, Any]] = json.load(response)
    return messages


def wait_for_code(base: str, to: str, count: int, timeout: float = 20) -> str:
    """The code in the `count`-th email to `to` (waits for it to arrive)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        messages = mailbox(base, to)
        if len(messages) >= count:
            found = _CODE_LINE.findall(messages[count - 1]["text"] or "")
            assert found, messages[count - 1]["text"]
            return str(found[0])
        time.sleep(0.1)
    raise AssertionError(f"no email number {count} to {to}")


def sign_up_and_confirm(page: Any, base: str, email: str, password: str, code: Any) -> None:
    """Sign up in the browser and confirm with `code()`, the first email's code."""
    from playwright.sync_api import expect

    page.goto(f"{base}/signup")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Confirm password").fill(password)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("Confirm your email")).to_be_visible()
    done = page.get_by_text("Your email is confirmed. You can sign in now.")
    enter_code(page, page.get_by_label("Verification code"), code(), done)


def emulator_code(emulator_env: dict[str, str], to: str, count: int) -> str:
    """The code in the `count`-th email to `to` in a standalone emulator's mailbox (waits)."""
    deadline = time.monotonic() + 20
    url = f"{emulator_env['AWS_ENDPOINT_URL']}/_emulator/mailbox?to={urllib.request.quote(to)}"
    while time.monotonic() < deadline:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - 127.0.0.1
            messages: list[dict[str, Any]] = json.load(response)
        if len(messages) >= count:
            found = _CODE_LINE.findall(messages[count - 1]["text"] or "")
            assert found, messages[count - 1]["text"]
            return str(found[0])
        time.sleep(0.1)
    raise AssertionError(f"no email number {count} to {to}")


# --- shared by the accessibility and UX tests ---------------------------------------------------

PASSWORD = "Correct-Horse-7"
# Modules that sign up many accounts from one address (127.0.0.1) raise the per-address limits of
# their own app process; the limits themselves are tested in tests/webapp.
MANY_ACCOUNTS_ENV = {
    f"RATE_LIMIT_{action}_IP": "1000/hour"
    for action in ("SIGN_IN", "CODE", "SIGN_UP", "CONFIRM", "RESEND", "FORGOT", "RESET")
}


def text(key: str, locale: str = "en", **values: object) -> str:
    """A UI text from the app's catalog (webapp/i18n.py), so the tests follow its wording."""
    from webapp.i18n import translate

    return translate(key, locale, **values)


def new_email(tag: str) -> str:
    import uuid

    return f"{tag}-{uuid.uuid4().hex[:10]}@example.com"


def new_account(browser: Any, base: str, tag: str) -> str:
    """A confirmed account, made in a context of its own (the test's context starts clean)."""
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(20_000)
    email = new_email(tag)
    sign_up_and_confirm(page, base, email, PASSWORD, lambda: wait_for_code(base, email, 1))
    context.close()
    return email


def sign_in_to_code(
    page: Any, base: str, email: str, password: str = PASSWORD, locale: str = "en"
) -> None:
    """Open /signin, send email and password, wait for the code form."""
    from playwright.sync_api import expect

    page.goto(f"{base}/signin")
    page.get_by_label(text("email_label", locale), exact=True).fill(email)
    page.get_by_label(text("password_label", locale), exact=True).fill(password)
    page.get_by_role("button", name=text("signin_button", locale), exact=True).click()
    expect(page.get_by_label(text("otp_label", locale), exact=True)).to_be_visible()


def enter_code(page: Any, field: Any, code: str, done: Any) -> None:
    """Put `code` into `field` and wait for `done` (a locator). A form that submits itself on a
    complete code needs no Enter; one that does not gets Enter after a moment (the self-submit
    has its own test in test_e2e_ux.py)."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import expect

    field.fill(code)
    try:
        expect(done).to_be_visible(timeout=3_000)
        return
    except AssertionError:
        pass
    with contextlib.suppress(PlaywrightError):  # gone meanwhile: it did submit itself
        if field.input_value(timeout=1_000) == code:
            field.press("Enter", timeout=1_000)
    expect(done).to_be_visible()


def sign_in(
    page: Any, base: str, email: str, count: int, *, password: str = PASSWORD, locale: str = "en"
) -> None:
    """A whole sign-in: password, then the `count`-th email's code; ends on the signed-in page."""
    sign_in_to_code(page, base, email, password, locale)
    field = page.get_by_label(text("otp_label", locale), exact=True)
    done = page.get_by_text(text("dashboard_welcome", locale))
    enter_code(page, field, wait_for_code(base, email, count), done)
