"""Confirm sign-up: the code Cognito emailed after sign-up, and a way to get a new one."""

from __future__ import annotations

from nicegui import ui
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from webapp.auth.flow import Step
from webapp.display import mask_email
from webapp.pages.common import (
    Deps,
    ErrorSlot,
    alert,
    call_flow,
    check_code,
    code_input,
    frame,
    go_to_step,
    links_html,
    open_page,
    show_notice,
    submit_on_enter,
)


def register(deps: Deps) -> None:
    @ui.page("/confirm")
    async def confirm_page(request: Request) -> Response | None:
        page = await open_page(deps, request)
        if page.state.step != Step.CONFIRM_SIGN_UP:
            return RedirectResponse("/signin", status_code=303)
        destination = mask_email(page.state.email)
        with frame(page, "confirm_title", request):
            ui.label(page.t("confirm_intro", destination=destination))
            await show_notice(page)
            status = ui.column().classes("w-full")
            errors = ErrorSlot()
            code = code_input(page, "verification_code_label")
            button = ui.button(page.t("confirm_button")).classes("w-full").mark("submit")
            resend = ui.button(page.t("resend_signup_button")).props("flat").mark("resend")

            async def submit() -> None:
                problem = check_code(page, code.value)
                if problem:
                    errors.show(problem)
                    return
                answer = code.value.strip()
                code.value = ""
                state = await call_flow(
                    page,
                    errors,
                    [button, resend],
                    lambda: deps.flow.confirm_sign_up(page.state, answer),
                    limit="confirm",
                    account=page.state.email,
                )
                if state is not None and await page.save(state):
                    go_to_step(state)

            async def ask_again() -> None:
                state = await call_flow(
                    page,
                    errors,
                    [button, resend],
                    lambda: deps.flow.resend_sign_up_code(page.state, page.locale),
                    limit="resend",
                    account=page.state.email,
                )
                if state is None or not await page.save(state):
                    return
                status.clear()
                with status:
                    alert(page.t("signup_code_resent", destination=destination), error=False)
                page.state = await page.session.clear_notice(page.state)

            button.on_click(submit)
            resend.on_click(ask_again)
            submit_on_enter(submit, code)
            ui.label(page.t("confirm_have_account")).classes("text-sm")
            links_html(page, ("back_to_signin", "/signin"), ("signin_to_forgot", "/forgot"))
        return None
