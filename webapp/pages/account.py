"""/account: this session, change password, sign out of every device, delete the account.

Every action runs with the access token held in this browser's server-side record (refreshed
first when about to expire) and through the forms' rate limits (`call_flow`). The email stays
fixed: it is the username, and the app client may not write it.

- Change password: the current one, and a new one checked live against the pool's policy.
- Sign out everywhere: GlobalSignOut ends every refresh token of the account; this browser gets
  a new session id, and every other browser is sent to sign-in on its next page (a record in
  the browser store says when; Cognito refuses their tokens from then on anyway).
- Delete my account: the email typed again and a code sign-in no older than REAUTH_SECONDS;
  otherwise the page offers to sign in again and comes back here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final
from urllib.parse import quote

from nicegui import ui
from starlette.requests import Request
from starlette.responses import Response

from webapp.auth.errors import AuthErrorKind
from webapp.auth.flow import FlowState, Notice
from webapp.pages.common import (
    FIELD_PROPS,
    SIGN_OUT_URL,
    Deps,
    Form,
    Page,
    check_password,
    frame,
    password_input,
    show_notice,
    username_for_password_managers,
)
from webapp.pages.password_rules import NewPasswordFields
from webapp.pages.quiet_input import QuietInput
from webapp.pages.signin import sign_in_url
from webapp.protected import mark_signed_out_everywhere, signed_in_page

ACCOUNT_PATH: Final = "/account"
REAUTH_SECONDS: Final = 300  # deleting the account needs a code sign-in at most this old
_PASSWORD_ERRORS: Final[Mapping[str, str]] = {
    AuthErrorKind.INVALID_CREDENTIALS: "account_wrong_password"
}
_DELETE_ERRORS: Final[Mapping[str, str]] = {
    AuthErrorKind.INVALID_PARAMETER: "delete_email_mismatch"
}


def section(page: Page, key: str) -> None:
    ui.label(page.t(key)).classes("text-h6 mt-4").props('role=heading aria-level="2"')


async def _ended_here(page: Page, state: FlowState, *, everywhere: bool) -> None:
    """The account's sessions ended: this browser leaves with a new id; others on next load."""
    identity, deps = page.state.identity, page.deps
    if everywhere and identity is not None:
        now = deps.flow.now()
        until = now + deps.config.pool.refresh_token_validity_days * 86400
        await mark_signed_out_everywhere(deps.store, identity.sub, now, until)
    if await page.save(state):
        ui.navigate.to(SIGN_OUT_URL)


def session_section(page: Page) -> None:
    state = page.state
    identity = state.identity
    if identity is None:  # pragma: no cover - the page checks the sign-in first
        return
    section(page, "account_session_heading")
    ui.label(page.t("account_email_fixed", email=identity.email)).mark("account_email")
    names = sorted(identity.groups)
    groups = page.t("list_separator").join(names) if names else page.t("account_no_groups")
    ui.label(page.t("account_groups", groups=groups))
    ui.label(page.t("dashboard_signed_in_at", time=page.format_time(state.signed_in_at)))
    ui.label(page.t("dashboard_session_ends", time=page.format_time(state.session_ends_at)))


def password_section(page: Page) -> None:
    section(page, "account_password_heading")
    form = Form(page)
    with form:
        username_for_password_managers(page.state.email)
        current = password_input(
            page, "current_password_label", "current-password", marker="current"
        )
        current_message = form.message_for(current)
        fields = NewPasswordFields(page, "new_password_label", form)
        form.button(page.t("change_password_button"), submit=True).mark("change_password")

    async def submit() -> None:
        problems = [(current_message, check_password(page, current.value)), *fields.problems()]
        if form.reject(problems):
            return
        previous, proposed = str(current.value), fields.take()
        current.value = ""
        email = (await page.reload()).email
        state = await form.call(
            lambda: page.deps.flow.change_password(page.state, previous, proposed),
            limit="change_password",
            account=email,
            error_keys=_PASSWORD_ERRORS,
        )
        if state is not None and await page.save(state):
            await show_notice(page)

    form.on_submit(submit)


def everywhere_section(page: Page) -> None:
    section(page, "account_everywhere_heading")
    ui.label(page.t("account_everywhere_intro"))
    form = Form(page)
    with form:
        form.button(page.t("signout_everywhere_button"), submit=True).mark("signout_everywhere")

    async def submit() -> None:
        await page.reload()
        state = await form.call(
            lambda: page.deps.flow.global_sign_out(page.state),
            limit="sign_out_everywhere",
            account=page.state.email,
        )
        if state is not None:
            await _ended_here(page, state, everywhere=True)

    form.on_submit(submit)


def delete_section(page: Page) -> None:
    flow = page.deps.flow
    section(page, "account_delete_heading")
    form = Form(page)
    if not flow.is_fresh_sign_in(page.state, REAUTH_SECONDS):
        with form:
            ui.label(page.t("delete_reauth", minutes=REAUTH_SECONDS // 60)).mark("reauth_needed")
            form.button(page.t("reauth_button"), submit=True).mark("reauth")

        async def sign_in_again() -> None:
            email = page.state.email
            state = await form.call(lambda: flow.sign_out(page.state))
            if state is None:
                return
            again = FlowState(email=email, notice=Notice.REAUTH_REQUIRED)
            if await page.save(again):
                target = quote(sign_in_url(ACCOUNT_PATH), safe="")
                ui.navigate.to(f"/session/rotate?next={target}")

        form.on_submit(sign_in_again)
        return
    email = page.state.identity.email if page.state.identity else page.state.email
    ui.label(page.t("account_delete_intro", email=email))
    with form:
        typed = QuietInput(page.t("delete_email_label")).props(
            f"outlined {FIELD_PROPS} autocomplete=off spellcheck=false name=delete_email"
        )
        typed.classes("w-full").mark("delete_email")
        form.button(page.t("delete_button"), submit=True).props("color=negative").mark("delete")

    async def submit() -> None:
        text = str(typed.value or "")
        await page.reload()  # the sign-in's age as stored now, not when the page was built
        state = await form.call(
            lambda: flow.delete_account(page.state, text, REAUTH_SECONDS),
            limit="delete_account",
            account=email,
            error_keys=_DELETE_ERRORS,
        )
        if state is not None:
            await _ended_here(page, state, everywhere=True)
        elif not flow.is_fresh_sign_in(page.state, REAUTH_SECONDS):
            form.errors.show(page.t("delete_reauth", minutes=REAUTH_SECONDS // 60))

    form.on_submit(submit)


def register(deps: Deps) -> None:
    @ui.page(ACCOUNT_PATH)
    async def account_page(request: Request) -> Response | None:
        found = await signed_in_page(deps, request)
        if isinstance(found, Response):
            return found
        page = found
        with frame(page, "account_title", request, focus_heading=True):
            await show_notice(page)
            session_section(page)
            password_section(page)
            everywhere_section(page)
            delete_section(page)
        return None
