"""Sign in: email and password (proven with SRP by the flow), then on to the emailed code."""

from __future__ import annotations

from urllib.parse import quote

from nicegui import ui
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from webapp.pages.common import (
    Deps,
    Form,
    check_email,
    check_password,
    email_input,
    frame,
    go_to_step,
    links_html,
    open_page,
    password_input,
    show_notice,
)
from webapp.redirects import from_another_site, safe_redirect_target
from webapp.session import REDIRECT_KEY, is_signed_in_step


def sign_in_url(target: str) -> str:
    """The sign-in page that comes back to `target` afterwards."""
    return "/signin" if target == "/" else f"/signin?redirect_to={quote(target, safe='')}"


def register(deps: Deps) -> None:
    @ui.page("/signin")
    async def sign_in_page(request: Request, redirect_to: str | None = None) -> Response | None:
        page = await open_page(deps, request)
        target = safe_redirect_target(redirect_to)
        if is_signed_in_step(page.state) and deps.flow.is_signed_in(page.state):
            return RedirectResponse(target, status_code=303)
        page.return_to = target if target != "/" else None
        # "/" is the default: a plain visit writes nothing; another site's link stores nothing
        # (a sign-in completed on this very page still returns to the target it was opened for).
        if not from_another_site(request.headers):
            await page.session.set(REDIRECT_KEY, None if target == "/" else target)
        with frame(page, "signin_title", request) as view:
            await show_notice(page)
            form = Form(page)
            with form:
                known = page.state.email or page.session.remembered("email")
                email = email_input(page, known, autofocus=not known)
                email_message = form.message_for(email)
                password = password_input(
                    page, "password_label", "current-password", autofocus=bool(known)
                )
                password_message = form.message_for(password)
                form.button(page.t("signin_button"), submit=True).classes("w-full").mark("submit")

            async def submit() -> None:
                if form.reject(
                    [
                        (email_message, check_email(page, email.value)),
                        (password_message, check_password(page, password.value)),
                    ]
                ):
                    return
                address, secret = email.value.strip(), password.value
                state = await form.call(
                    lambda: deps.flow.sign_in(page.state, address, secret, page.locale),
                    limit="sign_in",
                    account=address,
                )
                password.value = ""
                if state is None:
                    await page.session.remember_form(email=address)
                    return
                if await page.save(state):
                    go_to_step(state, page, view)  # the code form replaces this one in place

            form.on_submit(submit)
            links_html(page, ("signin_to_signup", "/signup"), ("signin_to_forgot", "/forgot"))
        return None
