"""The journey in a real Chromium against the real app process, watching what the browser gets."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field

from e2e_app import sign_up_and_confirm as confirm_in_browser
from e2e_app import wait_for_code
from playwright.sync_api import Browser, BrowserContext, Page, Response, WebSocket, expect

PASSWORD = "Correct-Horse-7"
JWT = re.compile(r"eyJ[\w-]+\.eyJ[\w-]+\.")
TIMEOUT_MS = 20_000


@dataclass
class Received:
    """Everything the server sent this browser: page HTML, websocket frames, cookies."""

    frames: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> None:
        def on_socket(socket: WebSocket) -> None:
            socket.on(
                "framereceived",
                lambda payload: self.frames.append(
                    payload if isinstance(payload, str) else payload.decode("utf-8", "replace")
                ),
            )

        page.on("websocket", on_socket)

        def on_response(response: Response) -> None:
            if response.request.resource_type == "document" and not 300 <= response.status < 400:
                self.documents.append(response.text())

        page.on("response", on_response)


def new_email(tag: str) -> str:
    return f"{tag}-{uuid.uuid4().hex[:10]}@example.com"


def open_page(context: BrowserContext, received: Received) -> Page:
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    received.watch(page)
    return page


def sign_up_and_confirm(page: Page, base: str, email: str) -> None:
    confirm_in_browser(page, base, email, PASSWORD, lambda: wait_for_code(base, email, 1))


def start_sign_in(page: Page, email: str) -> None:
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_full_journey_with_a_wrong_code_and_no_token_reaching_the_browser(
    browser: Browser, app_url: str
) -> None:
    context = browser.new_context()
    received = Received()
    page = open_page(context, received)
    email = new_email("e2e")
    sign_up_and_confirm(page, app_url, email)

    page.goto(f"{app_url}/?from=e2e")  # protected: goes to sign-in and comes back afterwards
    expect(page).to_have_url(re.compile(r"/signin\?redirect_to=%2F%3Ffrom%3De2e$"))
    start_sign_in(page, email)
    expect(page.get_by_text("Enter your sign-in code")).to_be_visible()
    code_field = page.get_by_label("One-time code")
    assert code_field.get_attribute("autocomplete") == "one-time-code"
    assert code_field.get_attribute("inputmode") == "numeric"
    code = wait_for_code(app_url, email, 2)
    code_field.fill("111111" if code != "111111" else "222222")  # submits itself
    expect(page.get_by_text("That code is not correct.")).to_be_visible()
    expect(page.get_by_text("Attempts left: 2")).to_be_visible()
    page.get_by_label("One-time code").fill(code)
    expect(page.get_by_text("You are signed in.")).to_be_visible()
    expect(page.get_by_text(f"Email: {email}")).to_be_visible()
    assert page.url == f"{app_url}/?from=e2e"

    html = page.content()
    cookies = context.cookies()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    page.goto(f"{app_url}/")
    expect(page).to_have_url(re.compile(r"/signin"))

    assert received.frames, "the page's websocket frames were not observed"
    assert received.documents
    for text in [html, *received.documents, *received.frames]:
        assert not JWT.search(text)
    session = [cookie for cookie in cookies if cookie["name"] == "session"]
    assert session
    assert session[0]["httpOnly"]
    assert session[0]["sameSite"] == "Lax"
    assert not any(JWT.search(cookie["value"]) for cookie in cookies)
    context.close()


def test_two_browsers_signing_in_at_the_same_time_stay_apart(
    browser: Browser, app_url: str
) -> None:
    people = []
    for tag in ("alice", "bob"):
        context = browser.new_context()
        received = Received()
        page = open_page(context, received)
        email = new_email(tag)
        sign_up_and_confirm(page, app_url, email)
        people.append((context, page, email, received))
    for _, page, email, _ in people:
        start_sign_in(page, email)  # both clicks are in flight before either is awaited
    for _, page, _, _ in people:
        expect(page.get_by_text("Enter your sign-in code")).to_be_visible()
    for _, page, email, _ in people:
        page.get_by_label("One-time code").fill(wait_for_code(app_url, email, 2))
    for _, page, email, received in people:
        expect(page.get_by_text(f"Email: {email}")).to_be_visible()
        other = next(e for _, _, e, _ in people if e != email)
        assert other not in page.content()
        assert not any(JWT.search(frame) for frame in received.frames)
    for context, *_ in people:
        context.close()


def test_language_switch_and_japanese_labels(browser: Browser, app_url: str) -> None:
    context = browser.new_context(locale="ja-JP", extra_http_headers={"Accept-Language": "ja"})
    page = open_page(context, Received())
    page.goto(f"{app_url}/signin")
    expect(page.get_by_role("button", name="サインイン")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "ja"
    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "en-US"
    context.close()
