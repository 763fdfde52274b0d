"""axe-core on every page and state of the login, in a real Chromium under the app's own CSP.

One journey per (language, viewport, colour scheme) walks sign-in (fresh, wrong password),
sign-up (empty, checklist partly met, an error), confirm (after sign-up, after a resend), the
code step (fresh, wrong code), the signed-in page, /account, the 404 page, /forgot and /reset,
and runs axe (WCAG 2.0/2.1/2.2 A and AA, best practice) at each state. The journey collects the
serious and critical violations of every state and fails once at the end listing all of them,
so one run shows everything to fix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import axe
import pytest
from e2e_app import (
    MANY_ACCOUNTS_ENV,
    PASSWORD,
    enter_code,
    new_email,
    text,
    wait_for_code,
)
from playwright.sync_api import Browser, Page, expect

APP_ENV = MANY_ACCOUNTS_ENV  # eight journeys, each with its own account, from one address
TIMEOUT_MS = 20_000
pytestmark = pytest.mark.usefixtures("patient_expect")
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "mobile": {"width": 390, "height": 844}}
LOCALES = {"en": "en-US", "ja": "ja-JP"}
HTML_LANG = {"en": "en-US", "ja": "ja"}


@dataclass
class Audit:
    """axe at each state of one journey; every serious/critical violation, by state."""

    page: Page
    found: list[tuple[str, list[dict[str, Any]]]] = field(default_factory=list)
    states: list[str] = field(default_factory=list)

    def check(self, where: str) -> None:
        settle(self.page)
        self.states.append(where)
        serious = axe.blocking(axe.run(self.page))
        if serious:
            self.found.append((f"{where} ({self.page.url})", serious))

    def assert_clean(self, label: str) -> None:
        report = "\n\n".join(f"== {where}\n{axe.describe(found)}" for where, found in self.found)
        count = sum(len(found) for _, found in self.found)
        assert not self.found, (
            f"{label}: {count} serious/critical axe rule(s) failing in {len(self.found)} of "
            f"{len(self.states)} states:\n{report}"
        )


def settle(page: Page) -> None:
    """Let Quasar's transitions (floating labels, fades) finish before axe reads colours."""
    page.evaluate(
        """() => document.fonts.ready.then(() => new Promise(resolve =>
            requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve, 300)))))"""
    )


def wrong(code: str) -> str:
    return str((int(code) + 1) % 10 ** len(code)).zfill(len(code))


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("lang", list(LOCALES))
def test_no_serious_or_critical_axe_violation_on_any_page_or_state(
    browser: Browser, app_url: str, lang: str, viewport: str, scheme: str
) -> None:
    """Guards against pages that a screen-reader, keyboard, low-vision or small-screen user
    cannot use (contrast, names, labels, landmarks, headings, zoom, ARIA misuse), in either
    language and colour scheme: a login nobody can get through is a login that is down."""
    axe.axe_path()  # skips (fails under CI) before any work when axe-core is not installed
    context = browser.new_context(
        locale=LOCALES[lang],
        extra_http_headers={"Accept-Language": lang},
        viewport=VIEWPORTS[viewport],  # type: ignore[arg-type]
        color_scheme=scheme,  # type: ignore[arg-type]
    )
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    audit = Audit(page)

    def t(key: str, **values: object) -> str:
        return text(key, lang, **values)

    def email_field() -> Any:
        return page.get_by_label(t("email_label"), exact=True)

    def password_field() -> Any:
        return page.get_by_label(t("password_label"), exact=True)

    email = new_email(f"a11y-{lang}-{viewport}-{scheme}")

    # --- sign in: fresh, then a wrong password ------------------------------------------------
    page.goto(f"{app_url}/signin")
    expect(email_field()).to_be_visible()
    assert page.locator("html").get_attribute("lang") == HTML_LANG[lang]
    audit.check("/signin")
    email_field().fill(new_email("nobody"))
    password_field().fill("Wrong-Horse-7")
    page.get_by_role("button", name=t("signin_button"), exact=True).click()
    expect(page.get_by_text(t("error_invalid_credentials"))).to_be_visible()
    audit.check("/signin with the wrong-password error")

    # --- sign up: empty, checklist partly met, an error, then on to /confirm ---------------------
    page.goto(f"{app_url}/signup")
    expect(email_field()).to_be_visible()
    audit.check("/signup")
    password_field().fill("abc")  # a lowercase letter: one rule met, the others not
    audit.check("/signup with the password checklist partly met")
    email_field().fill(email)
    password_field().fill(PASSWORD)
    page.get_by_label(t("confirm_password_label"), exact=True).fill(PASSWORD + "x")
    page.get_by_role("button", name=t("signup_button"), exact=True).click()
    expect(page.get_by_text(t("passwords_differ"))).to_be_visible()
    audit.check("/signup with an error")
    page.get_by_label(t("confirm_password_label"), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=t("signup_button"), exact=True).click()
    expect(page.get_by_role("heading", name=t("confirm_title"))).to_be_visible()
    wait_for_code(app_url, email, 1)
    audit.check("/confirm after sign-up")
    page.get_by_role("button", name=t("resend_signup_button"), exact=True).click()
    code = wait_for_code(app_url, email, 2)
    expect(page.get_by_role("button", name=t("resend_signup_button"), exact=True)).to_be_enabled()
    audit.check("/confirm after pressing resend")
    enter_code(
        page,
        page.get_by_label(t("verification_code_label"), exact=True),
        code,
        page.get_by_text(t("notice_confirmed")),
    )
    audit.check("/signin after confirming (notice)")

    # --- the code step: fresh, a wrong code, then signed in ---------------------------------------
    email_field().fill(email)
    password_field().fill(PASSWORD)
    page.get_by_role("button", name=t("signin_button"), exact=True).click()
    code_field = page.get_by_label(t("otp_label"), exact=True)
    expect(code_field).to_be_visible()
    code = wait_for_code(app_url, email, 3)
    audit.check("/code")
    enter_code(page, code_field, wrong(code), page.get_by_text(t("error_code_mismatch")))
    audit.check("/code after a wrong code")
    enter_code(page, code_field, code, page.get_by_text(t("dashboard_welcome")))
    audit.check("/ signed in")

    page.goto(f"{app_url}/account")
    expect(page.get_by_role("heading", name=t("account_title"), level=1)).to_be_visible()
    audit.check("/account")

    response = page.goto(f"{app_url}/no-such-page")  # its content: test_e2e_ux.py
    assert response is not None
    assert response.status == 404
    page.wait_for_load_state("networkidle")
    audit.check("404 page")

    # --- signed out: forgotten password, then the reset form ------------------------------------
    page.goto(f"{app_url}/account")
    page.get_by_role("button", name=t("signout_button"), exact=True).click()
    expect(page.get_by_text(t("notice_signed_out"))).to_be_visible()
    page.goto(f"{app_url}/forgot")
    expect(email_field()).to_be_visible()
    audit.check("/forgot")
    email_field().fill(email)
    page.get_by_role("button", name=t("forgot_send_button"), exact=True).click()
    expect(page.get_by_role("heading", name=t("reset_title"))).to_be_visible()
    audit.check("/reset")

    context.close()
    audit.assert_clean(f"{lang}, {viewport}, {scheme}")
