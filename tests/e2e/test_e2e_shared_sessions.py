"""A rolling deploy, for real: two app processes in Cognito mode against one `python -m emulator`
and one redis-server, driven by Chromium.

A browser signs in on A up to the code page, A is killed, and the code typed on B signs in; both
are replaced by new processes and the browser is still signed in; two people stay apart on both;
signed out on one means signed out on the other; Redis never holds a token, code, password,
address or Cognito session in clear.
"""

from __future__ import annotations

import base64
import os
import re
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import pytest
from e2e_app import emulator_code, running_app, sign_up_and_confirm
from playwright.sync_api import Browser, Page, expect

from tests.redis_server import RedisServer, redis_server
from tests.standalone_emulator import standalone_emulator

PASSWORD = "Correct-horse-9battery"
TIMEOUT_MS = 20_000
_CODE_LINE = re.compile(r"^\s*(\d{4,10})\s*$", re.MULTILINE)


@pytest.fixture(scope="module")
def emulator_env() -> Iterator[dict[str, str]]:
    with standalone_emulator() as (_, exports):
        yield exports


@pytest.fixture(scope="module")
def redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    with redis_server(tmp_path_factory.mktemp("redis")) as server:
        yield server


@pytest.fixture(scope="module")
def cognito_env(emulator_env: dict[str, str], redis: RedisServer) -> dict[str, str]:
    """What the Pulumi program gives every task: the pool, Redis, the two secrets."""
    return {
        **emulator_env,
        "STORAGE_SECRET": "shared-cookie-secret-" + uuid.uuid4().hex,
        "SESSION_ENCRYPTION_KEY": base64.b64encode(os.urandom(32)).decode(),
        "REDIS_URL": redis.url,
        "MAX_TASKS": "2",
        "COOKIE_SECURE": "false",  # plain http on 127.0.0.1 in this test
        "TRUSTED_HOSTS": "127.0.0.1",
    }


@contextmanager
def task(tmp_path_factory: pytest.TempPathFactory, env: dict[str, str]) -> Iterator[str]:
    with running_app(tmp_path_factory.mktemp("task"), env) as base:
        yield base


def new_page(browser: Browser) -> Page:
    page = browser.new_context().new_page()
    page.set_default_timeout(TIMEOUT_MS)
    return page


def sign_up(page: Page, base: str, email: str, emulator_env: dict[str, str]) -> None:
    sign_up_and_confirm(page, base, email, PASSWORD, lambda: emulator_code(emulator_env, email, 1))


def ask_for_a_code(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/signin")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Enter your sign-in code")).to_be_visible()


def enter_code(page: Page, code: str) -> None:
    page.get_by_label("One-time code").fill(code)
    expect(page.get_by_text("You are signed in.")).to_be_visible()


def test_a_rolling_deploy_signs_nobody_out_and_loses_no_half_done_sign_in(
    browser: Browser,
    tmp_path_factory: pytest.TempPathFactory,
    emulator_env: dict[str, str],
    cognito_env: dict[str, str],
    redis: RedisServer,
) -> None:
    alice, bob = (
        f"alice-{uuid.uuid4().hex[:8]}@example.com",
        f"bob-{uuid.uuid4().hex[:8]}@example.com",
    )
    alice_page, bob_page = new_page(browser), new_page(browser)
    used_codes: list[str] = []
    with ExitStack() as first_generation:
        a = first_generation.enter_context(task(tmp_path_factory, cognito_env))
        b = first_generation.enter_context(task(tmp_path_factory, cognito_env))
        sign_up(alice_page, a, alice, emulator_env)
        sign_up(bob_page, b, bob, emulator_env)
        ask_for_a_code(alice_page, a, alice)  # half done on A
        first_generation.close()  # A (and B) killed: a deploy replaces them
    with ExitStack() as second_generation:
        a2 = second_generation.enter_context(task(tmp_path_factory, cognito_env))
        b2 = second_generation.enter_context(task(tmp_path_factory, cognito_env))
        alice_page.goto(f"{b2}/code")  # the sign-in started on A continues on another task
        expect(alice_page.get_by_text("Enter your sign-in code")).to_be_visible()
        used_codes.append(emulator_code(emulator_env, alice, 2))
        enter_code(alice_page, used_codes[-1])
        ask_for_a_code(bob_page, a2, bob)
        used_codes.append(emulator_code(emulator_env, bob, 2))
        enter_code(bob_page, used_codes[-1])
        for base in (a2, b2):  # each sees only themself, on either task
            alice_page.goto(f"{base}/")
            expect(alice_page.get_by_text(f"Email: {alice}")).to_be_visible()
            bob_page.goto(f"{base}/")
            expect(bob_page.get_by_text(f"Email: {bob}")).to_be_visible()
            assert bob not in alice_page.content()
            assert alice not in bob_page.content()
    with ExitStack() as third_generation:
        a3 = third_generation.enter_context(task(tmp_path_factory, cognito_env))
        b3 = third_generation.enter_context(task(tmp_path_factory, cognito_env))
        alice_page.goto(f"{a3}/")  # restarted: still signed in
        expect(alice_page.get_by_text(f"Email: {alice}")).to_be_visible()
        alice_page.get_by_role("button", name="Sign out").click()
        expect(alice_page.get_by_text("You have signed out.")).to_be_visible()
        alice_page.goto(f"{b3}/")  # signed out on A means signed out on B
        expect(alice_page).to_have_url(re.compile(r"/signin"))
        bob_page.goto(f"{b3}/")
        expect(bob_page.get_by_text(f"Email: {bob}")).to_be_visible()

    dump = redis.command("--scan") + "".join(
        redis.command("--raw", "GET", key) for key in redis.command("--scan").split()
    )
    assert redis.command("--scan").split(), "the records live in Redis"
    for secret in [PASSWORD, alice, bob, *used_codes, "eyJ", "cognito_session", "signed_in"]:
        assert secret not in dump, secret


def test_more_than_one_task_without_redis_is_refused(
    tmp_path_factory: pytest.TempPathFactory, cognito_env: dict[str, str]
) -> None:
    env = {**cognito_env, "REDIS_URL": "", "MAX_TASKS": "3"}
    with pytest.raises(RuntimeError, match="REDIS_URL is not set"):  # noqa: SIM117
        with task(tmp_path_factory, env):
            pass


def test_the_health_check_reports_an_unreachable_redis(
    tmp_path_factory: pytest.TempPathFactory, cognito_env: dict[str, str], redis: RedisServer
) -> None:
    with task(tmp_path_factory, cognito_env) as base:
        with urllib.request.urlopen(f"{base}/healthz", timeout=5) as response:  # noqa: S310
            assert response.status == 200
        redis.pause()
        try:
            with pytest.raises(urllib.error.HTTPError) as caught:
                urllib.request.urlopen(f"{base}/healthz", timeout=15)  # noqa: S310
            assert caught.value.code == 503
            with pytest.raises(urllib.error.HTTPError) as page:
                urllib.request.urlopen(f"{base}/signin", timeout=15)  # noqa: S310
            assert "temporarily unavailable" in page.value.read().decode()
        finally:
            redis.resume()
        with urllib.request.urlopen(f"{base}/healthz", timeout=5) as response:  # noqa: S310
            assert response.status == 200


def test_a_redis_outage_mid_journey_loses_nothing(
    browser: Browser,
    tmp_path_factory: pytest.TempPathFactory,
    emulator_env: dict[str, str],
    cognito_env: dict[str, str],
    redis: RedisServer,
) -> None:
    email = f"outage-{uuid.uuid4().hex[:8]}@example.com"
    page = new_page(browser)
    with task(tmp_path_factory, cognito_env) as base:
        sign_up(page, base, email, emulator_env)
        ask_for_a_code(page, base, email)
        code = emulator_code(emulator_env, email, 2)
        redis.pause()  # Redis stops answering while the code page is open
        try:
            page.get_by_label("One-time code").fill(code)
            expect(page.get_by_text("Sign-in is temporarily unavailable.")).to_be_visible()
        finally:
            redis.resume()
        page.get_by_label("One-time code").fill(code)  # the same code, the same sign-in
        expect(page.get_by_text("You are signed in.")).to_be_visible()
        expect(page.get_by_text(f"Email: {email}")).to_be_visible()
