"""What using the login feels like, in a real Chromium: pasting codes, double submits, tabs,
the back button, keyboard-only use, forms for password managers, field errors, focus, text
sizes, the countdown, the 404 page, repeated sentences, time zones, the brand, dark mode.

Each test signs up its own account, so they are independent of each other and of their order.
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from e2e_app import (
    MANY_ACCOUNTS_ENV,
    PASSWORD,
    enter_code,
    mailbox,
    new_account,
    new_email,
    running_app,
    sign_in,
    sign_in_to_code,
    sign_up_and_confirm,
    text,
    wait_for_code,
)
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from webapp.display import mask_email
from webapp.i18n import CATALOG

APP_ENV = MANY_ACCOUNTS_ENV  # every test signs up its own account, all from 127.0.0.1
TIMEOUT_MS = 20_000
pytestmark = pytest.mark.usefixtures("patient_expect")
MOBILE = {"width": 390, "height": 844}
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
ACTIVE_ELEMENT_JS = """() => {
    const e = document.activeElement;
    if (!e || e === document.body) return null;
    return {tag: e.tagName, type: e.getAttribute('type'), role: e.getAttribute('role'),
            level: e.getAttribute('aria-level'), tabindex: e.getAttribute('tabindex'),
            autocomplete: e.getAttribute('autocomplete'), text: (e.innerText || '').trim(),
            html: e.outerHTML.slice(0, 200)};
}"""


# --- helpers --------------------------------------------------------------------------------------


def open_page(context: BrowserContext) -> Page:
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    return page


def catalog(key: str, lang: str = "en") -> str:
    """A catalog text that this behaviour needs; a clear failure when the key is not there."""
    assert key in CATALOG, f"webapp/i18n.py has no {key!r} text"
    return text(key, lang)


def sign_up(page: Page, base: str, email: str) -> None:
    """A confirmed account (its sign-up code is the mailbox's first email); ends on /signin."""
    sign_up_and_confirm(page, base, email, PASSWORD, lambda: wait_for_code(base, email, 1))


def email_field(page: Page, lang: str = "en") -> Locator:
    return page.get_by_label(text("email_label", lang), exact=True)


def password_field(page: Page, lang: str = "en") -> Locator:
    return page.get_by_label(text("password_label", lang), exact=True)


def code_field(page: Page, lang: str = "en") -> Locator:
    return page.get_by_label(text("otp_label", lang), exact=True)


def welcome(page: Page, lang: str = "en") -> Locator:
    return page.get_by_text(text("dashboard_welcome", lang))


def main_text(page: Page) -> str:
    """The visible text of the page's content (not the header); input values are not text."""
    main = page.locator("main")
    return str(main.first.inner_text() if main.count() else page.locator("body").inner_text())


def active(page: Page) -> dict[str, Any] | None:
    found: dict[str, Any] | None = page.evaluate(ACTIVE_ELEMENT_JS)
    return found


def spaced(code: str) -> str:
    return f"{code[: len(code) // 2]} {code[len(code) // 2 :]}"


def dashed(code: str) -> str:
    return f"{code[: len(code) // 2]}-{code[len(code) // 2 :]}"


def full_width(code: str) -> str:
    return "".join(chr(0xFF10 + int(digit)) for digit in code)


PASTE_SHAPES: dict[str, Callable[[str], str]] = {
    "spaced": spaced,
    "leading-space": lambda code: f" {code}",
    "dashed": dashed,
    "full-width": full_width,
}


# --- 1. language switch on the code step ----------------------------------------------------------


def test_switching_language_on_the_code_step_keeps_the_pending_sign_in(
    browser: Browser, app_url: str
) -> None:
    """Guards against the language link dropping a pending sign-in (back to /signin, a code
    already emailed wasted) or leaving the code form half-translated."""
    email = new_account(browser, app_url, "ux-lang")
    context = browser.new_context()
    page = open_page(context)
    sign_in_to_code(page, app_url, email)
    expect(page).to_have_url(f"{app_url}/code")
    page.get_by_role("link", name="日本語", exact=True).click()
    expect(code_field(page, "ja")).to_be_visible()
    expect(page).to_have_url(f"{app_url}/code")
    assert page.locator("html").get_attribute("lang") == "ja"
    expect(page.get_by_role("heading", name=text("code_title", "ja"), level=1)).to_be_visible()
    expect(page.get_by_role("button", name=text("verify_button", "ja"), exact=True)).to_be_visible()
    enter_code(page, code_field(page, "ja"), wait_for_code(app_url, email, 2), welcome(page, "ja"))
    context.close()


# --- 2. pasted codes, submitted by themselves -----------------------------------------------------


@pytest.mark.parametrize("shape", list(PASTE_SHAPES))
def test_a_code_inserted_in_a_common_shape_signs_in_by_itself(
    browser: Browser, app_url: str, shape: str
) -> None:
    """Guards against rejecting codes as people paste them from mail apps ("123 456", a stray
    space, "123-456", full-width digits from a Japanese IME) or cutting them at a maxlength that
    counts the separators; and against making them press Enter once the code is complete."""
    email = new_account(browser, app_url, f"ux-paste-{shape}")
    context = browser.new_context()
    page = open_page(context)
    sign_in_to_code(page, app_url, email)
    code = wait_for_code(app_url, email, 2)
    code_field(page).focus()
    page.keyboard.insert_text(PASTE_SHAPES[shape](code))  # paste semantics: maxlength applies
    expect(welcome(page)).to_be_visible(timeout=10_000)  # no Enter pressed
    assert page.url == f"{app_url}/"
    context.close()


def test_a_code_pasted_from_the_clipboard_signs_in_by_itself(
    browser: Browser, app_url: str
) -> None:
    """Guards against a real clipboard paste (Ctrl+V, a paste event rather than typing) being
    dropped, truncated or left waiting for Enter."""
    email = new_account(browser, app_url, "ux-clipboard")
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = open_page(context)
    sign_in_to_code(page, app_url, email)
    code = wait_for_code(app_url, email, 2)
    page.evaluate("value => navigator.clipboard.writeText(value)", spaced(code))
    code_field(page).focus()
    page.keyboard.press("Control+V")
    expect(welcome(page)).to_be_visible(timeout=10_000)
    assert page.url == f"{app_url}/"
    context.close()


def test_a_pasted_sign_up_code_confirms_by_itself(browser: Browser, app_url: str) -> None:
    """Guards against the sign-up confirmation rejecting a spaced code or needing Enter when
    the sign-in code does not (the same kind of field must behave the same)."""
    context = browser.new_context()
    page = open_page(context)
    email = new_email("ux-confirm-paste")
    page.goto(f"{app_url}/signup")
    email_field(page).fill(email)
    password_field(page).fill(PASSWORD)
    page.get_by_label(text("confirm_password_label"), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=text("signup_button"), exact=True).click()
    field = page.get_by_label(text("verification_code_label"), exact=True)
    expect(field).to_be_visible()
    code = wait_for_code(app_url, email, 1)
    field.focus()
    page.keyboard.insert_text(spaced(code))
    expect(page.get_by_text(text("notice_confirmed"))).to_be_visible(timeout=10_000)
    context.close()


# --- 3. a double Enter ----------------------------------------------------------------------------


def test_a_double_enter_on_sign_in_sends_one_code(browser: Browser, app_url: str) -> None:
    """Guards against a double submit starting two sign-ins: two emails, the first code dead
    (the second sign-in replaced it) and the per-hour code budget spent twice as fast."""
    email = new_account(browser, app_url, "ux-double")
    context = browser.new_context()
    page = open_page(context)
    page.goto(f"{app_url}/signin")
    email_field(page).fill(email)
    password_field(page).fill(PASSWORD)
    password_field(page).focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")  # at once, while the first is in flight
    expect(code_field(page)).to_be_visible()
    time.sleep(4)  # a second sign-in would have sent its email by now
    sent = mailbox(app_url, email)
    assert len(sent) == 2, [message.get("subject") for message in sent]  # sign-up + one code
    enter_code(page, code_field(page), wait_for_code(app_url, email, 2), welcome(page))
    context.close()


# --- 4. a stale second tab ------------------------------------------------------------------------


def test_a_stale_second_tab_submitting_the_code_ends_signed_in(
    browser: Browser, app_url: str
) -> None:
    """Guards against a second tab of the same browser, left on the code form, answering with
    "session expired" or throwing the user out (and breaking the first tab's sign-in) once
    the first tab has already signed in with that code."""
    email = new_account(browser, app_url, "ux-tabs")
    context = browser.new_context()
    tab_a = open_page(context)
    sign_in_to_code(tab_a, app_url, email)
    tab_b = open_page(context)
    tab_b.goto(f"{app_url}/code")
    expect(code_field(tab_b)).to_be_visible()
    code = wait_for_code(app_url, email, 2)
    tab_a.bring_to_front()
    enter_code(tab_a, code_field(tab_a), code, welcome(tab_a))

    tab_b.bring_to_front()
    code_field(tab_b).focus()
    tab_b.keyboard.type(code)
    tab_b.keyboard.press("Enter")
    expect(welcome(tab_b)).to_be_visible(timeout=15_000)
    assert "/signin" not in tab_b.url
    assert text("error_session_expired") not in tab_b.locator("body").inner_text()
    tab_a.reload()
    expect(welcome(tab_a)).to_be_visible()
    context.close()


# --- 5. back from the code page -------------------------------------------------------------------


def test_back_from_the_code_page_shows_the_sign_in_form(browser: Browser, app_url: str) -> None:
    """Guards against the Back button leaving the app (about:blank, or the page before it)
    because the code step replaced the sign-in page's history entry."""
    email = new_account(browser, app_url, "ux-back")
    context = browser.new_context()
    page = open_page(context)
    sign_in_to_code(page, app_url, email)  # the page's first navigation is /signin
    expect(page).to_have_url(f"{app_url}/code")
    page.go_back()
    assert page.url.startswith(f"{app_url}/"), page.url
    expect(email_field(page)).to_be_visible()
    expect(page.get_by_role("button", name=text("signin_button"), exact=True)).to_be_visible()
    context.close()


# --- 6. keyboard only -----------------------------------------------------------------------------


def test_a_keyboard_only_sign_in_with_focus_where_it_is_needed(
    browser: Browser, app_url: str
) -> None:
    """Guards against a login that needs a mouse: no autofocus, Tab order not email → password,
    Enter not submitting, the code field not focused after the switch, and the signed-in page
    leaving focus nowhere (a screen reader then announces nothing)."""
    email = new_account(browser, app_url, "ux-keys")
    context = browser.new_context()
    page = open_page(context)
    page.goto(f"{app_url}/signin")
    expect(email_field(page)).to_be_focused()
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    expect(password_field(page)).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(code_field(page)).to_be_visible()
    expect(code_field(page)).to_be_focused()
    page.keyboard.type(wait_for_code(app_url, email, 2))
    try:  # a complete code submits itself (tested above); Enter is the keyboard's fallback
        expect(welcome(page)).to_be_visible(timeout=3_000)
    except AssertionError:
        page.keyboard.press("Enter")
    expect(welcome(page)).to_be_visible()
    title = text("dashboard_title")
    with contextlib.suppress(PlaywrightTimeout):  # the assertion below says what was focused
        page.wait_for_function(
            f"() => ({HEADING_FOCUSED_JS})(document.activeElement)", timeout=5_000
        )
    focused = active(page)
    assert page.evaluate(f"() => ({HEADING_FOCUSED_JS})(document.activeElement)"), focused
    assert focused is not None
    assert title in focused["text"], focused
    context.close()


HEADING_FOCUSED_JS = """(e) => {
    if (!e || e === document.body) return false;
    const title = document.querySelector('h1, [role=heading][aria-level="1"]');
    const heading = e.tagName === 'H1'
        || (e.getAttribute('role') === 'heading' && e.getAttribute('aria-level') === '1');
    return heading || (e.getAttribute('tabindex') === '-1' && !!title && e.contains(title));
}"""
FOCUS_WALK_JS = """async (step) => {
    // Two frames: Quasar marks a focused field (q-field--focused) in its next render, which a
    // loaded machine may not have run yet when the key press returns.
    await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
    const e = document.activeElement;
    if (!e || e === document.body || e === document.documentElement || e.id === 'tab-walk-start')
        return {done: true};
    if (e.dataset.tabStep) return {done: true, again: e.dataset.tabStep};
    e.dataset.tabStep = String(step);
    const field = e.closest('.q-field');
    const control = field ? field.querySelector('.q-field__control') : null;
    const look = (el) => {
        if (!el) return null;
        const s = getComputedStyle(el);
        return {outlineStyle: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth) || 0,
                boxShadow: s.boxShadow};
    };
    return {done: false, html: e.outerHTML.slice(0, 300), focusVisible: e.matches(':focus-visible'),
            autocomplete: e.getAttribute('autocomplete'),
            name: e.getAttribute('aria-label') || (e.textContent || '').trim(),
            self: look(e), control: look(control)};
}"""
UNFOCUSED_JS = """() => {
    if (document.activeElement) document.activeElement.blur();
    const out = {};
    for (const e of document.querySelectorAll('[data-tab-step]')) {
        const field = e.closest('.q-field');
        const control = field ? field.querySelector('.q-field__control') : null;
        out[e.dataset.tabStep] = {self: getComputedStyle(e).boxShadow,
                                  control: control ? getComputedStyle(control).boxShadow : null};
    }
    return out;
}"""


def _indicated(look: dict[str, Any] | None, unfocused_shadow: str | None) -> bool:
    if not look:
        return False
    outline = look["outlineStyle"] != "none" and look["outlineWidth"] >= 2
    shadow = look["boxShadow"] not in {"none", unfocused_shadow}
    return bool(outline or shadow)


def test_every_control_on_sign_in_shows_a_visible_keyboard_focus(
    browser: Browser, app_url: str
) -> None:
    """Guards against focus that cannot be seen (WCAG 2.4.7): a keyboard user who cannot tell
    which control is focused cannot sign in. An outline of at least 2px, or a box-shadow that
    appears with the focus, on the control (or its field's frame)."""
    context = browser.new_context()
    page = open_page(context)
    page.goto(f"{app_url}/signin")
    expect(email_field(page)).to_be_visible()
    # Start the Tab walk at the top of the document, whatever the autofocus chose.
    page.evaluate(
        """() => { const start = document.createElement('span'); start.tabIndex = -1;
                   start.id = 'tab-walk-start'; document.body.prepend(start); start.focus(); }"""
    )
    reached: list[dict[str, Any]] = []
    for step in range(40):
        page.keyboard.press("Tab")
        found = page.evaluate(FOCUS_WALK_JS, step)
        if found["done"]:
            break
        reached.append({"step": str(step), **found})
    unfocused = page.evaluate(UNFOCUSED_JS)
    autocompletes = {item["autocomplete"] for item in reached}
    assert {"username", "current-password"} <= autocompletes, reached
    assert text("signin_button") in [item["name"] for item in reached], reached
    assert len(reached) >= 7, reached  # languages, email, password, its toggle, button, links
    missing = [
        f"{item['name']!r}: {item['html']}"
        for item in reached
        if not (
            _indicated(item["self"], unfocused[item["step"]]["self"])
            or _indicated(item["control"], unfocused[item["step"]]["control"])
        )
    ]
    assert not missing, "no visible focus indicator on:\n" + "\n".join(missing)
    assert all(item["focusVisible"] for item in reached)
    context.close()


# --- 7. forms for password managers ---------------------------------------------------------------

OUTSIDE_FORMS_JS = """() => [...document.querySelectorAll('input, select, textarea')]
    .filter(e => !e.closest('form')).map(e => e.outerHTML.slice(0, 160))"""


def check_form(page: Page, submit_key: str, autocompletes: list[str]) -> Locator:
    """Every control of the page in a <form>; the submit button type=submit in it, with inputs
    of these autocomplete values in that same form. Returns the form."""
    assert page.evaluate(OUTSIDE_FORMS_JS) == []
    button = page.get_by_role("button", name=text(submit_key), exact=True)
    expect(button).to_be_visible()
    assert button.evaluate("b => b.type") == "submit", button.evaluate("b => b.outerHTML")
    form = page.locator("form").filter(has=button)
    expect(form).to_have_count(1)
    for autocomplete in autocompletes:
        assert form.locator(f'input[autocomplete="{autocomplete}"]').count() >= 1, autocomplete
    return form


def test_sign_in_sign_up_and_forgot_are_real_forms_for_password_managers(
    browser: Browser, app_url: str
) -> None:
    """Guards against password managers and browsers not recognising the forms (no <form>, no
    submit button, wrong autocomplete): no saving, no filling, no strong-password offer."""
    context = browser.new_context()
    page = open_page(context)
    page.goto(f"{app_url}/signin")
    expect(email_field(page)).to_be_visible()
    check_form(page, "signin_button", ["username", "current-password"])
    page.goto(f"{app_url}/signup")
    expect(email_field(page)).to_be_visible()
    form = check_form(page, "signup_button", ["username", "new-password"])
    assert form.locator('input[autocomplete="new-password"]').count() == 2
    assert form.locator('input[autocomplete="current-password"]').count() == 0
    page.goto(f"{app_url}/forgot")
    expect(email_field(page)).to_be_visible()
    check_form(page, "forgot_send_button", ["username"])
    context.close()


def test_confirm_code_account_and_reset_are_real_forms_for_password_managers(
    browser: Browser, app_url: str
) -> None:
    """Guards against the same on the later steps, and against /reset lacking the username a
    password manager needs to store the new password under the right account."""
    context = browser.new_context()
    page = open_page(context)
    email = new_email("ux-forms")
    page.goto(f"{app_url}/signup")
    email_field(page).fill(email)
    password_field(page).fill(PASSWORD)
    page.get_by_label(text("confirm_password_label"), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=text("signup_button"), exact=True).click()
    expect(page.get_by_label(text("verification_code_label"), exact=True)).to_be_visible()
    check_form(page, "confirm_button", ["one-time-code"])
    enter_code(
        page,
        page.get_by_label(text("verification_code_label"), exact=True),
        wait_for_code(app_url, email, 1),
        page.get_by_text(text("notice_confirmed")),
    )
    sign_in_to_code(page, app_url, email)
    check_form(page, "verify_button", ["one-time-code"])
    enter_code(page, code_field(page), wait_for_code(app_url, email, 2), welcome(page))
    page.goto(f"{app_url}/account")
    expect(page.get_by_role("heading", name=text("account_title"), level=1)).to_be_visible()
    form = check_form(page, "change_password_button", ["current-password", "new-password"])
    assert form.locator('input[autocomplete="new-password"]').count() >= 1
    page.get_by_role("button", name=text("signout_button"), exact=True).click()
    expect(page.get_by_text(text("notice_signed_out"))).to_be_visible()

    page.goto(f"{app_url}/forgot")
    email_field(page).fill(email)
    page.get_by_role("button", name=text("forgot_send_button"), exact=True).click()
    expect(page.get_by_role("heading", name=text("reset_title"))).to_be_visible()
    form = check_form(page, "reset_button", ["new-password"])
    username = form.locator('input[autocomplete="username"]')
    assert username.count() == 1
    assert username.input_value() == email
    assert form.locator('input[autocomplete="current-password"]').count() == 0
    context.close()


# --- 8. show / hide password ----------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_password_toggle_is_a_named_pressed_button(
    browser: Browser, app_url: str, lang: str
) -> None:
    """Guards against a show-password icon that a keyboard cannot reach, a screen reader cannot
    name, or that does not say whether the password is shown."""
    show, hide = catalog("show_password", lang), catalog("hide_password", lang)
    context = browser.new_context(locale="ja-JP" if lang == "ja" else "en-US")
    context.set_extra_http_headers({"Accept-Language": lang})
    page = open_page(context)
    page.goto(f"{app_url}/signin")
    password = password_field(page, lang)
    expect(password).to_be_visible()
    password.fill("Secret-Words-1")
    password.focus()
    toggle = page.get_by_role("button", name=show, exact=True)
    for _ in range(3):
        page.keyboard.press("Tab")
        if toggle.evaluate("b => b === document.activeElement"):
            break
    expect(toggle).to_be_focused()
    assert password.get_attribute("type") == "password"
    assert toggle.get_attribute("aria-pressed") != "true"
    page.keyboard.press("Enter")
    expect(password).to_have_attribute("type", "text")
    hidden_toggle = page.get_by_role("button", name=hide, exact=True)
    expect(hidden_toggle).to_have_attribute("aria-pressed", "true")
    expect(hidden_toggle).to_be_focused()
    page.keyboard.press("Enter")
    expect(password).to_have_attribute("type", "password")
    expect(page.get_by_role("button", name=show, exact=True)).to_have_attribute(
        "aria-pressed", "false"
    )
    assert password.input_value() == "Secret-Words-1"
    context.close()


# --- 9. errors at the field -----------------------------------------------------------------------


def described_text(page: Page, field: Locator) -> tuple[str, list[Locator]]:
    ids = (field.get_attribute("aria-describedby") or "").split()
    parts = [page.locator(f'[id="{ident}"]') for ident in ids]
    return " ".join(part.inner_text() for part in parts if part.count()), parts


def test_an_empty_email_is_marked_at_the_field(browser: Browser, app_url: str) -> None:
    """Guards against an error a screen reader does not tie to its field (no aria-invalid, no
    aria-describedby) or that is shown far from it, and against a field staying marked
    invalid after it was corrected."""
    context = browser.new_context()
    page = open_page(context)
    page.goto(f"{app_url}/signin")
    email, password = email_field(page), password_field(page)
    expect(email).to_be_visible()
    password.fill(PASSWORD)
    page.get_by_role("button", name=text("signin_button"), exact=True).click()
    expect(email).to_have_attribute("aria-invalid", "true")
    message, parts = described_text(page, email)
    assert text("field_required") in message, message
    shown = [part for part in parts if part.count() and text("field_required") in part.inner_text()]
    expect(shown[0]).to_be_visible()
    field_box, message_box = email.bounding_box(), shown[0].bounding_box()
    assert field_box
    assert message_box
    gap = max(
        message_box["y"] - (field_box["y"] + field_box["height"]),
        field_box["y"] - (message_box["y"] + message_box["height"]),
    )
    assert gap <= 48, (field_box, message_box)  # right under (or over) the field
    overlap = min(field_box["x"] + field_box["width"], message_box["x"] + message_box["width"])
    assert overlap - max(field_box["x"], message_box["x"]) > 0, (field_box, message_box)

    email.fill(new_email("ux-field"))
    password.fill("")
    page.get_by_role("button", name=text("signin_button"), exact=True).click()
    expect(password).to_have_attribute("aria-invalid", "true")
    assert email.get_attribute("aria-invalid") in {None, "false"}
    context.close()


# --- 10. focus after redirects --------------------------------------------------------------------


def test_focus_is_on_the_password_when_the_email_is_prefilled(
    browser: Browser, app_url: str
) -> None:
    """Guards against making the user click into the password after confirming the sign-up or
    signing out, when the email is already filled in (focus on an email that is done)."""
    context = browser.new_context()
    page = open_page(context)
    email = new_email("ux-focus")
    sign_up(page, app_url, email)  # ends on /signin with the confirmed notice
    expect(email_field(page)).to_have_value(email)
    expect(password_field(page)).to_be_focused()
    sign_in(page, app_url, email, 2)
    page.get_by_role("button", name=text("signout_button"), exact=True).click()
    expect(page.get_by_text(text("notice_signed_out"))).to_be_visible()
    expect(email_field(page)).to_have_value(email)
    expect(password_field(page)).to_be_focused()
    context.close()


# --- 11. button text and input sizes --------------------------------------------------------------

BUTTON_CAPS_JS = """() => [...document.querySelectorAll('button, .q-btn, [role=button]')]
    .filter(b => b.offsetParent !== null)
    .flatMap(b => [b, ...b.querySelectorAll('*')])
    .filter(e => getComputedStyle(e).textTransform !== 'none')
    .map(e => `${getComputedStyle(e).textTransform}: ${e.outerHTML.slice(0, 120)}`)"""
SMALL_INPUTS_JS = """() => [...document.querySelectorAll('input, select, textarea')]
    .filter(e => e.type !== 'hidden' && e.offsetParent !== null)
    .filter(e => parseFloat(getComputedStyle(e).fontSize) < 16)
    .map(e => `${getComputedStyle(e).fontSize}: ${e.outerHTML.slice(0, 120)}`)"""


def visit_every_form(browser: Browser, app_url: str, check: Callable[[Page, str], None]) -> None:
    """/signin, /signup, /forgot, /code and the signed-in page on a phone-sized viewport."""
    email = new_account(browser, app_url, "ux-looks")
    context = browser.new_context(viewport=MOBILE)  # type: ignore[arg-type]
    page = open_page(context)
    for path in ("/signup", "/forgot"):
        page.goto(f"{app_url}{path}")
        expect(email_field(page)).to_be_visible()
        check(page, path)
    sign_in_to_code(page, app_url, email)
    check(page, "/code")
    enter_code(page, code_field(page), wait_for_code(app_url, email, 2), welcome(page))
    check(page, "/")
    page.get_by_role("button", name=text("signout_button"), exact=True).click()
    expect(page.get_by_text(text("notice_signed_out"))).to_be_visible()
    check(page, "/signin")
    context.close()


def test_buttons_are_not_written_in_capitals(browser: Browser, app_url: str) -> None:
    """Guards against Quasar's default ALL-CAPS buttons: harder to read, and screen readers
    may spell capitalised words letter by letter."""
    found: dict[str, list[str]] = {}

    def check(page: Page, where: str) -> None:
        if offending := page.evaluate(BUTTON_CAPS_JS):
            found[where] = offending

    visit_every_form(browser, app_url, check)
    assert not found, found


def test_inputs_are_at_least_16px(browser: Browser, app_url: str) -> None:
    """Guards against iOS Safari zooming into every field smaller than 16px on focus, which
    throws the layout off-screen on a phone."""
    found: dict[str, list[str]] = {}

    def check(page: Page, where: str) -> None:
        if offending := page.evaluate(SMALL_INPUTS_JS):
            found[where] = offending

    visit_every_form(browser, app_url, check)
    assert not found, found


# --- 12. the countdown, in Japanese, ticking in the browser ---------------------------------------


def test_the_japanese_countdown_ticks_in_the_browser_without_server_frames(
    browser: Browser, app_url: str
) -> None:
    """Guards against unnatural Japanese on the code page, and against a countdown driven by
    the server: a websocket message per second per waiting browser (CPU, bandwidth, and a
    frozen clock whenever the socket lags)."""
    email = new_account(browser, app_url, "ux-countdown")
    context = browser.new_context(locale="ja-JP", extra_http_headers={"Accept-Language": "ja"})
    page = open_page(context)
    frames: list[str] = []

    def on_socket(socket: Any) -> None:
        socket.on(
            "framereceived",
            lambda payload: frames.append(
                payload if isinstance(payload, str) else payload.decode("utf-8", "replace")
            ),
        )

    page.on("websocket", on_socket)
    sign_in_to_code(page, app_url, email, locale="ja")
    countdown = page.get_by_text(re.compile(r"有効期限まであと\s*\d+:\d{2}"))
    expect(countdown).to_be_visible()
    expect(page.get_by_role("button", name="認証する", exact=True)).to_be_visible()
    page.wait_for_timeout(1_500)  # the render's own messages have arrived
    start = len(frames)
    before = countdown.inner_text()
    deadline = time.monotonic() + 2.0
    after = before
    while time.monotonic() < deadline and after == before:
        page.wait_for_timeout(100)
        after = countdown.inner_text()
    during = [frame for frame in frames[start:] if frame not in {"2", "3"}]
    assert after != before, f"the countdown did not change in 2 s: {before!r}"
    assert not during, f"websocket messages while the countdown ticked: {during[:5]}"
    assert frames, "the page's websocket was not observed"
    context.close()


# --- 13. the 404 page -----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_an_unknown_path_gets_a_localised_404_page(
    browser: Browser, app_url: str, lang: str
) -> None:
    """Guards against a raw framework error page (an "HTTPException" text, no way back, English
    only) on a mistyped or outdated link, and against answering 200 for it."""
    context = browser.new_context(
        locale="ja-JP" if lang == "ja" else "en-US", extra_http_headers={"Accept-Language": lang}
    )
    page = open_page(context)
    response = page.goto(f"{app_url}/no-such-page")
    assert response is not None
    assert response.status == 404
    assert "HTTPException" not in response.text()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(catalog("not_found_title", lang))
    assert "HTTPException" not in page.content()
    assert page.locator('a[href="/"], a[href="/signin"]').count() >= 1
    if lang == "ja":
        assert page.locator("html").get_attribute("lang") == "ja"
        assert JAPANESE.search(heading.inner_text()), heading.inner_text()
    else:
        assert not JAPANESE.search(heading.inner_text()), heading.inner_text()
    context.close()


# --- 14. said once; the reset page's address masked -----------------------------------------------

SENT = {  # a sentence saying that a code went out, in each language
    "en": re.compile(r"\b(?:sent|emailed)\b|\bcheck your inbox\b", re.IGNORECASE),
    "ja": re.compile(r"送信しました"),
}


def said_sent(page: Page, lang: str) -> int:
    """How many sentences on the page say a code was sent (the catalog's sign-up notice
    counts too, in whatever words it has)."""
    body = main_text(page)
    count = len(SENT[lang].findall(body))
    notice = text("notice_sign_up_code_sent", lang)
    if not SENT[lang].search(notice):
        count += body.count(notice)
    return count


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_confirm_says_once_that_the_code_was_sent(
    browser: Browser, app_url: str, lang: str
) -> None:
    """Guards against the confirm page repeating itself (an intro, a notice and a resend line
    all saying "we sent a code"), which reads as several codes on their way."""
    context = browser.new_context(
        locale="ja-JP" if lang == "ja" else "en-US", extra_http_headers={"Accept-Language": lang}
    )
    page = open_page(context)
    email = new_email(f"ux-once-{lang}")
    page.goto(f"{app_url}/signup")
    email_field(page, lang).fill(email)
    password_field(page, lang).fill(PASSWORD)
    page.get_by_label(text("confirm_password_label", lang), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=text("signup_button", lang), exact=True).click()
    expect(page.get_by_role("heading", name=text("confirm_title", lang))).to_be_visible()
    wait_for_code(app_url, email, 1)
    page.wait_for_timeout(500)
    assert said_sent(page, lang) == 1, main_text(page)
    resend = page.get_by_role("button", name=text("resend_signup_button", lang), exact=True)
    resend.click()
    wait_for_code(app_url, email, 2)
    expect(resend).to_be_enabled()
    page.wait_for_timeout(500)
    assert said_sent(page, lang) == 1, main_text(page)
    context.close()


def test_the_reset_page_shows_only_a_masked_address(browser: Browser, app_url: str) -> None:
    """Guards against the reset page printing the full address typed on /forgot (read over a
    shoulder, or in a screenshot) where the masked one says enough."""
    email = new_account(browser, app_url, "ux-mask")
    context = browser.new_context()
    page = open_page(context)
    page.goto(f"{app_url}/forgot")
    email_field(page).fill(email)
    page.get_by_role("button", name=text("forgot_send_button"), exact=True).click()
    expect(page.get_by_role("heading", name=text("reset_title"))).to_be_visible()
    shown = page.locator("body").inner_text()
    assert email.lower() not in shown.lower(), shown
    assert mask_email(email) in shown, shown
    context.close()


# --- 15. times in the browser's time zone ---------------------------------------------------------

ZONE = re.compile(r"JST|\+09:00|GMT\+9|UTC\+9")


def tokyo_minutes(since: datetime) -> list[str]:
    """Every HH:MM (24 h and 12 h) in Tokyo from `since` until now."""
    now = datetime.now(ZoneInfo("Asia/Tokyo"))
    moment = since.astimezone(ZoneInfo("Asia/Tokyo")) - timedelta(minutes=1)
    found = []
    while moment <= now + timedelta(minutes=1):
        found += [moment.strftime("%H:%M"), f"{moment.hour % 12 or 12}:{moment.minute:02d}"]
        moment += timedelta(minutes=1)
    return found


def test_times_are_shown_in_the_browsers_time_zone(browser: Browser, app_url: str) -> None:
    """Guards against times in UTC (the server's zone) that a user in Tokyo misreads by nine
    hours: "signed in at" and "session ends" follow the browser's zone and say which it is."""
    email = new_account(browser, app_url, "ux-zone")
    context = browser.new_context(timezone_id="Asia/Tokyo")
    page = open_page(context)
    started = datetime.now(ZoneInfo("UTC"))
    sign_in(page, app_url, email, 2)
    prefix = text("dashboard_signed_in_at", time="").strip()
    ends = text("dashboard_session_ends", time="").strip()
    for path in ("/", "/account"):
        if path != "/":
            page.goto(f"{app_url}{path}")
        signed_in_at = page.get_by_text(prefix).first
        expect(signed_in_at).to_contain_text(ZONE)
        expect(page.get_by_text(ends).first).to_contain_text(ZONE)
        line = signed_in_at.inner_text()
        assert "UTC" not in line.replace("UTC+9", ""), line
        assert any(minute in line for minute in tokyo_minutes(started)), line
    context.close()


# --- 16. the brand --------------------------------------------------------------------------------

LOGO_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="32" viewBox="0 0 64 32">'
    '<rect width="64" height="32" fill="#0b5394"/></svg>'
)


def test_the_brand_name_logo_and_colour_are_applied(browser: Browser, tmp_path: Path) -> None:
    """Guards against branding settings that do not reach the pages: the team's name missing
    from the title and the logo's alt text, the logo not loading (CSP, route), the buttons
    keeping the default colour."""
    logo = tmp_path / "logo.svg"
    logo.write_text(LOGO_SVG)
    storage = tmp_path / "app"
    storage.mkdir()
    env = {"APP_NAME": "Acme", "APP_LOGO": str(logo), "APP_PRIMARY_COLOR": "#0b5394"}
    with running_app(storage, env) as base:
        context = browser.new_context()
        page = open_page(context)
        page.goto(f"{base}/signin")
        image = page.locator("header img")
        expect(image).to_have_count(1)
        expect(image).to_have_attribute("alt", re.compile("Acme"))
        expect(image).to_be_visible()
        page.wait_for_function(
            "() => { const i = document.querySelector('header img');"
            " return i && i.complete && i.naturalWidth > 0; }"
        )
        expect(page).to_have_title(re.compile("Acme"))
        button = page.get_by_role("button", name=text("signin_button"), exact=True)
        expect(button).to_have_css("background-color", "rgb(11, 83, 148)")
        context.close()


# --- 17. no in-browser Tailwind compiler ----------------------------------------------------------


def test_the_first_load_has_no_in_browser_tailwind_compiler(browser: Browser, app_url: str) -> None:
    """Guards against shipping Tailwind's browser compiler (hundreds of kB of script that
    builds CSS on every page load, slow on phones)."""
    context = browser.new_context()
    page = open_page(context)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    response = page.goto(f"{app_url}/signin")
    assert response is not None
    assert "tailwindcss" not in response.text().lower()
    expect(email_field(page)).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert not [url for url in requested if "tailwind" in url.lower()], requested
    context.close()


# --- 18. dark mode --------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["dark", "light"])
def test_dark_mode_follows_the_system_setting(browser: Browser, app_url: str, scheme: str) -> None:
    """Guards against a glaring white login on a dark system (and a dark one on a light
    system): the page follows prefers-color-scheme."""
    context = browser.new_context(color_scheme=scheme)  # type: ignore[arg-type]
    page = open_page(context)
    page.goto(f"{app_url}/signin")
    expect(email_field(page)).to_be_visible()
    if scheme == "dark":
        expect(page.locator("body")).to_have_class(re.compile(r"\bbody--dark\b"))
    else:
        expect(page.locator("body")).not_to_have_class(re.compile(r"\bbody--dark\b"))
    context.close()
