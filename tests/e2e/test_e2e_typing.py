"""Typing costs the server a few socket events per field, not one per key, and nothing typed is
lost for it: Enter right after the last key, a script's click right after a fill (password
managers) and a paste all act on what the field shows (webapp/pages/quiet_input.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from e2e_app import (
    MANY_ACCOUNTS_ENV,
    PASSWORD,
    new_account,
    new_email,
    text,
    wait_for_code,
)
from playwright.sync_api import Browser, BrowserContext, Page, WebSocket, expect

APP_ENV = MANY_ACCOUNTS_ENV
pytestmark = pytest.mark.usefixtures("patient_expect")


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context()
    yield context
    context.close()


def events_sent(page: Page) -> list[str]:
    """The socket.io `event` messages the page sends (element events: clicks, values)."""
    sent: list[str] = []

    def watch(socket: WebSocket) -> None:
        def frame(payload: str | bytes) -> None:
            data = payload if isinstance(payload, str) else payload.decode(errors="replace")
            if data.startswith('42["event"'):
                sent.append(data)

        socket.on("framesent", frame)

    page.on("websocket", watch)
    return sent


def signed_up_on_sign_in(
    browser: Browser, context: BrowserContext, base: str, tag: str
) -> tuple[str, Page]:
    """A new confirmed account, and a page of the test's context on /signin."""
    email = new_account(browser, base, tag)
    page = context.new_page()
    open_sign_in(page, base)
    return email, page


def open_sign_in(page: Page, base: str) -> None:
    page.goto(f"{base}/signin")
    expect(page.get_by_label(text("email_label"), exact=True)).to_be_visible()
    page.wait_for_function("() => window.did_handshake === true")


def test_typing_an_address_sends_a_few_events_not_one_per_key(
    context: BrowserContext, app_url: str
) -> None:
    page = context.new_page()
    sent = events_sent(page)
    open_sign_in(page, app_url)
    sent.clear()
    address = "someone.typing.slowly@example.com"
    page.get_by_label(text("email_label"), exact=True).press_sequentially(address, delay=40)
    page.wait_for_timeout(1_000)  # past the pause: the value has been reported
    values = [frame for frame in sent if address in frame]
    assert len(values) == 1, sent
    assert len(sent) <= 2, sent  # at most one more: a key that landed across the pause


def test_enter_right_after_the_last_key_signs_in_with_it(
    browser: Browser, context: BrowserContext, app_url: str
) -> None:
    """The server has seen the password without its last character (a wrong one): Enter at
    once after that key must sign in with the whole password."""
    email, page = signed_up_on_sign_in(browser, context, app_url, "enter")
    page.get_by_label(text("email_label"), exact=True).fill(email)
    password = page.get_by_label(text("password_label"), exact=True)
    password.fill(PASSWORD[:-1])
    page.wait_for_timeout(800)  # the prefix has reached the server
    password.press_sequentially(PASSWORD[-1], delay=0)
    password.press("Enter")
    expect(page.get_by_label(text("otp_label"), exact=True)).to_be_visible()


def test_a_script_click_right_after_filling_signs_in(
    browser: Browser, context: BrowserContext, app_url: str
) -> None:
    """A password manager fills both fields and clicks the button in one go (no key, no blur)."""
    email, page = signed_up_on_sign_in(browser, context, app_url, "script")
    page.evaluate(
        """([email, password]) => {
            for (const [name, value] of [["email", email], ["password", password]]) {
                const input = document.querySelector(`input[name="${name}"]`);
                input.value = value;
                input.dispatchEvent(new Event("input", {bubbles: true}));
            }
            document.querySelector("form button[type=submit]").click();
        }""",
        [email, PASSWORD],
    )
    expect(page.get_by_label(text("otp_label"), exact=True)).to_be_visible()


def test_a_code_typed_key_by_key_submits_itself_once_complete(
    browser: Browser, context: BrowserContext, app_url: str
) -> None:
    email, page = signed_up_on_sign_in(browser, context, app_url, "keys")
    page.get_by_label(text("email_label"), exact=True).fill(email)
    page.get_by_label(text("password_label"), exact=True).fill(PASSWORD)
    page.get_by_label(text("password_label"), exact=True).press("Enter")
    code = page.get_by_label(text("otp_label"), exact=True)
    expect(code).to_be_visible()
    code.press_sequentially(wait_for_code(app_url, email, 2), delay=60)
    expect(page.get_by_text(text("dashboard_welcome"))).to_be_visible()


def test_a_late_report_does_not_undo_what_the_submission_did(
    context: BrowserContext, app_url: str
) -> None:
    """Clicking the button moves focus, and a field reports its value on blur a moment after
    the click; a submission judged at once (two different passwords) empties the repeat field
    and says why first: that late report must not refill the field nor withdraw the error."""
    page = context.new_page()
    page.goto(f"{app_url}/signup")
    page.wait_for_function("() => window.did_handshake === true")
    page.get_by_label(text("email_label"), exact=True).fill(new_email("late"))
    page.get_by_label(text("password_label"), exact=True).fill(PASSWORD)
    repeat = page.get_by_label(text("confirm_password_label"), exact=True)
    repeat.fill(PASSWORD + "x")
    page.get_by_role("button", name=text("signup_button"), exact=True).click()
    error = page.get_by_text(text("passwords_differ"))
    expect(error).to_be_visible()
    page.wait_for_timeout(1_000)  # past any pause and blur report
    expect(repeat).to_have_value("")
    expect(error).to_be_visible()
