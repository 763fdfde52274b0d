"""Protected pages, groups and the account page in a real Chromium, the app in Cognito mode
against `python -m emulator` (so the test adds groups through the emulator, as an administrator
would through Cognito). Every byte the browser receives is checked for tokens."""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import Iterator

import pytest
from e2e_app import emulator_code, running_app
from playwright.sync_api import Browser, Page, expect
from test_e2e_login import JWT, PASSWORD, Received, open_page

from bench.processes import cognito_client
from tests.standalone_emulator import standalone_emulator

NEW_PASSWORD = "Battery-Staple-9"
_CODE_LINE = re.compile(r"^\s*(\d{4,10})\s*$", re.MULTILINE)


@pytest.fixture(scope="module")
def emulator_env() -> Iterator[dict[str, str]]:
    with standalone_emulator() as (_, exports):
        yield exports


@pytest.fixture(scope="module")
def base(emulator_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    env = {
        **emulator_env,
        "STORAGE_SECRET": "e2e-account-" + uuid.uuid4().hex,
        "COOKIE_SECURE": "false",  # plain http on 127.0.0.1
        "TRUSTED_HOSTS": "127.0.0.1",
    }
    with running_app(tmp_path_factory.mktemp("account"), env) as url:
        yield url


def add_to_group(emulator_env: dict[str, str], email: str, group: str) -> None:
    client = cognito_client(emulator_env)
    pool = emulator_env["USER_POOL_ID"]
    with contextlib.suppress(client.exceptions.GroupExistsException):
        client.create_group(GroupName=group, UserPoolId=pool)
    client.admin_add_user_to_group(UserPoolId=pool, Username=email, GroupName=group)


def sign_up(page: Page, base: str, env: dict[str, str], email: str) -> None:
    page.goto(f"{base}/signup")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.get_by_label("Verification code").fill(emulator_code(env, email, 1))  # submits itself
    expect(page.get_by_text("Your email is confirmed. You can sign in now.")).to_be_visible()


def sign_in(
    page: Page, env: dict[str, str], email: str, count: int, password: str = PASSWORD
) -> None:
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    # A complete code submits itself: no button to press.
    page.get_by_label("One-time code").fill(emulator_code(env, email, count))


def assert_no_token(received: Received, page: Page) -> None:
    assert received.frames, "the page's websocket frames were not observed"
    assert received.documents
    for text in [page.content(), *received.documents, *received.frames]:
        assert not JWT.search(text)
    assert not any(JWT.search(cookie["value"]) for cookie in page.context.cookies())


def test_a_group_page_403_then_open_once_in_the_group_and_no_token_reaches_the_browser(
    browser: Browser, base: str, emulator_env: dict[str, str]
) -> None:
    context = browser.new_context()
    received = Received()
    page = open_page(context, received)
    email = f"groups-{uuid.uuid4().hex[:10]}@example.com"
    sign_up(page, base, emulator_env, email)
    page.goto(f"{base}/reports")
    expect(page).to_have_url(re.compile(r"/signin\?redirect_to=%2Freports$"))
    sign_in(page, emulator_env, email, 2)
    expect(page.get_by_role("heading", name="Access denied")).to_be_visible()
    assert page.url == f"{base}/reports"
    add_to_group(emulator_env, email, "analysts")
    page.goto(f"{base}/account")
    expect(
        page.get_by_text(f"Email (your username, it cannot be changed): {email}")
    ).to_be_visible()
    page.get_by_role("button", name="Sign out", exact=True).click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    page.goto(f"{base}/reports")
    sign_in(page, emulator_env, email, 3)
    expect(
        page.get_by_text("Only members of the analysts group can open this page.")
    ).to_be_visible()
    expect(page.get_by_text("Groups: analysts")).to_be_visible()
    expect(page.get_by_role("navigation", name="Account menu")).to_contain_text(email)
    page.goto(f"{base}/")
    expect(page.get_by_text("You are signed in.")).to_be_visible()
    assert_no_token(received, page)
    context.close()


def test_change_password_sign_out_everywhere_and_delete_the_account(
    browser: Browser, base: str, emulator_env: dict[str, str]
) -> None:
    email = f"account-{uuid.uuid4().hex[:10]}@example.com"
    first_context, second_context = browser.new_context(), browser.new_context()
    received = Received()
    first = open_page(first_context, received)
    second = open_page(second_context, Received())
    sign_up(first, base, emulator_env, email)
    first.goto(f"{base}/account")
    sign_in(first, emulator_env, email, 2)
    expect(first.get_by_role("heading", name="Account settings")).to_be_visible()
    second.goto(f"{base}/")
    sign_in(second, emulator_env, email, 3)
    expect(second.get_by_text("You are signed in.")).to_be_visible()

    first.get_by_label("Current password").fill("Wrong-Horse-77")
    first.get_by_label("New password").fill(NEW_PASSWORD)
    first.get_by_label("Confirm password").fill(NEW_PASSWORD)
    first.get_by_role("button", name="Change password").click()
    expect(first.get_by_text("The current password is not correct.")).to_be_visible()
    first.get_by_label("Current password").fill(PASSWORD)
    first.get_by_label("New password").fill(NEW_PASSWORD)
    first.get_by_label("Confirm password").fill(NEW_PASSWORD)
    first.get_by_role("button", name="Change password").click()
    expect(first.get_by_text("Your password has been changed.")).to_be_visible()

    first.get_by_role("button", name="Sign out everywhere").click()
    expect(first.get_by_text("You have signed out on every device.")).to_be_visible()
    second.reload()  # the other browser's next page load ends its session too
    expect(second.get_by_text("You have signed out on every device.")).to_be_visible()
    expect(second).to_have_url(re.compile(r"/signin$"))

    first.goto(f"{base}/account")
    first.get_by_label("Email").fill(email)
    first.get_by_label("Password", exact=True).fill(PASSWORD)  # the old one no longer works
    first.get_by_role("button", name="Sign in").click()
    expect(first.get_by_text("Incorrect email or password.")).to_be_visible()
    sign_in(first, emulator_env, email, 4, NEW_PASSWORD)
    expect(first.get_by_role("heading", name="Delete my account")).to_be_visible()
    first.get_by_label("Your email, again").fill(email)
    first.get_by_role("button", name="Delete my account").click()
    expect(first.get_by_text("Your account has been deleted.")).to_be_visible()
    first.get_by_label("Email").fill(email)
    first.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    first.get_by_role("button", name="Sign in").click()
    expect(first.get_by_text("Incorrect email or password.")).to_be_visible()
    assert_no_token(received, first)
    first_context.close()
    second_context.close()
