"""Sign in: email and password (proven with SRP by the flow), then on to the emailed code."""

from __future__ import annotations

from urllib.parse import quote

from nicegui import app, ui
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from webapp.pages.common import (
    Deps,
    ErrorSlot,
    call_flow,
    check_email,
    email_input,
    frame,
    go_to_step,
    links_html,
    open_page,
    password_input,
    show_notice,
    submit_on_enter,
)
from webapp.redirects import safe_redirect_target
from webapp.session import REDIRECT_KEY, is_signed_in_step, remember_form, remembered, store


def sign_in_url(target: str) -> str:
    """The sign-in page that comes back to `target` afterwards."""
    return "/signin" if target == "/" else f"/signin?redirect_to={quote(target, safe='')}"


def register(deps: Deps) -> None:
    @ui.page("/signin")
    async def sign_in_page(request: Request, redirect_to: str | None = None) -> Response | None:
        page = open_page(deps, request)
        target = safe_redirect_target(redirect_to)
        if is_signed_in_step(page.state) and deps.flow.is_signed_in(page.state):
            return RedirectResponse(target, status_code=303)
        if target != "/" or REDIRECT_KEY in app.storage.user:  # "/" is the default: no write
            store(REDIRECT_KEY, target)
        with frame(page, "signin_title", request) as view:
            show_notice(page)
            errors = ErrorSlot()
            email = email_input(page, page.state.email or remembered("email"))
            password = password_input(page, "password_label", "current-password")
            button = ui.button(page.t("signin_button")).classes("w-full").mark("submit")

            async def submit() -> None:
                problem = check_email(page, email.value)
                if problem or not password.value:
                    errors.show(problem or page.t("field_required"))
                    return
                address, secret = email.value.strip(), password.value
                state = await call_flow(
                    page,
                    errors,
                    [button],
                    lambda: deps.flow.sign_in(page.state, address, secret, page.locale),
                )
                password.value = ""
                if state is None:
                    remember_form(email=address)
                    return
                page.save(state)
                go_to_step(state, page, view)  # the code form replaces this one in place

            button.on_click(submit)
            submit_on_enter(submit, email, password)
            links_html(page, ("signin_to_signup", "/signup"), ("signin_to_forgot", "/forgot"))
        return None
