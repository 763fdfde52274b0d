"""The protected page: who is signed in, since when, until when; sign out.

A browser counts as signed in only with a verified identity from the auth core (ID token signature,
iss, aud, token_use, exp) and tokens held by this process. Tokens are refreshed on each load when
they are about to expire.
"""

from __future__ import annotations

from nicegui import run, ui
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from webapp.auth.flow import FlowState
from webapp.display import format_time
from webapp.pages.common import (
    Deps,
    ErrorSlot,
    Page,
    View,
    call_flow,
    frame,
    open_page,
    show_notice,
)
from webapp.pages.signin import sign_in_url
from webapp.session import is_signed_in_step


async def render_dashboard(page: Page, view: View) -> None:
    """Who is signed in and until when, into `view` (a fresh page or in place after the code)."""
    state, deps = page.state, page.deps
    identity = state.identity
    if identity is None:  # pragma: no cover - callers check the sign-in first
        raise ValueError("not signed in")
    view.show(page, "dashboard_title")
    with view.body:
        await show_notice(page)
        ui.label(page.t("dashboard_welcome")).classes("text-positive")
        ui.label(page.t("dashboard_email", email=identity.email))
        ui.label(page.t("dashboard_signed_in_at", time=format_time(state.signed_in_at)))
        ui.label(page.t("dashboard_session_ends", time=format_time(state.session_ends_at)))
        errors = ErrorSlot()
        button = ui.button(page.t("signout_button")).mark("signout")

        async def sign_out() -> None:
            new_state = await call_flow(
                page, errors, [button], lambda: deps.flow.sign_out(page.state)
            )
            if new_state is not None and await page.save(new_state):
                ui.navigate.to("/session/rotate?next=/signin")  # a new session id, too

        button.on_click(sign_out)


def register(deps: Deps) -> None:
    @ui.page("/")
    async def dashboard_page(request: Request) -> Response | None:
        page = await open_page(deps, request)
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if not is_signed_in_step(page.state):
            if page.state.identity is not None:  # signed in once, but this process lost the tokens
                await page.save(FlowState(email=page.state.email, notice="session_lost"))
            return RedirectResponse(sign_in_url(here), status_code=303)
        state = await run.io_bound(deps.flow.refresh_if_needed, page.state)
        if state is None:  # the server is shutting down
            return RedirectResponse(sign_in_url(here), status_code=303)
        if state is not page.state:
            await page.save(state)
        if not deps.flow.is_signed_in(state) or state.identity is None:
            return RedirectResponse(sign_in_url(here), status_code=303)
        with frame(page, "dashboard_title", request) as view:
            await render_dashboard(page, view)
        return None
