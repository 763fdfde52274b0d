"""Forgotten password: ask for a code by email, then the code and a new password."""

from __future__ import annotations

from nicegui import ui
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from webapp.auth.flow import Step
from webapp.display import mask_email
from webapp.pages.common import (
    Deps,
    ErrorSlot,
    call_flow,
    check_code,
    check_email,
    code_input,
    email_input,
    frame,
    go_to_step,
    links_html,
    open_page,
    show_notice,
    submit_on_enter,
)
from webapp.pages.password_rules import NewPasswordFields


def register(deps: Deps) -> None:
    @ui.page("/forgot")
    async def forgot_page(request: Request) -> None:
        page = await open_page(deps, request)
        with frame(page, "forgot_title", request):
            ui.label(page.t("forgot_intro"))
            await show_notice(page)
            errors = ErrorSlot()
            email = email_input(page, page.session.remembered("email") or page.state.email)
            button = ui.button(page.t("forgot_send_button")).classes("w-full").mark("submit")

            async def submit() -> None:
                problem = check_email(page, email.value)
                if problem:
                    errors.show(problem)
                    return
                address = email.value.strip()
                state = await call_flow(
                    page,
                    errors,
                    [button],
                    lambda: deps.flow.forgot_password(page.state, address, page.locale),
                    limit="forgot",
                    account=address,
                )
                if state is None:
                    await page.session.remember_form(email=address)
                    return
                if await page.save(state):
                    go_to_step(state)

            button.on_click(submit)
            submit_on_enter(submit, email)
            links_html(page, ("back_to_signin", "/signin"))

    register_reset(deps)


def register_reset(deps: Deps) -> None:
    @ui.page("/reset")
    async def reset_page(request: Request) -> Response | None:
        page = await open_page(deps, request)
        if page.state.step != Step.RESET_PASSWORD:
            return RedirectResponse("/forgot", status_code=303)
        with frame(page, "reset_title", request):
            address = page.state.email
            ui.label(page.t("reset_intro", email=address, destination=mask_email(address)))
            await show_notice(page)
            errors = ErrorSlot()
            code = code_input(page, "reset_code_label")
            fields = NewPasswordFields(page, "new_password_label")
            button = ui.button(page.t("reset_button")).classes("w-full").mark("submit")

            async def submit() -> None:
                problem = check_code(page, code.value)
                if problem:
                    errors.show(problem)
                    return
                problem = fields.problem()
                if problem:
                    errors.show(problem)
                    return
                answer, secret = code.value.strip(), fields.take()
                code.value = ""
                state = await call_flow(
                    page,
                    errors,
                    [button],
                    lambda: deps.flow.confirm_forgot_password(page.state, answer, secret),
                    limit="reset",
                    account=page.state.email,
                )
                if state is not None and await page.save(state):
                    go_to_step(state)

            button.on_click(submit)
            submit_on_enter(submit, code, fields.password, fields.repeat)
            links_html(page, ("back_to_signin", "/signin"))
        return None
