"""Forgotten password: ask for a code by email, then the code and a new password."""

from __future__ import annotations

from nicegui import ui
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from webapp.auth.flow import Step
from webapp.auth.state import Notice
from webapp.display import mask_email
from webapp.pages.common import (
    Deps,
    Form,
    check_code,
    check_email,
    code_input,
    email_input,
    frame,
    go_to_step,
    links_html,
    open_page,
    show_notice,
    username_for_password_managers,
)
from webapp.pages.password_rules import NewPasswordFields

SAID_BY_INTRO = frozenset({Notice.RESET_CODE_SENT.value})


def register(deps: Deps) -> None:
    @ui.page("/forgot")
    async def forgot_page(request: Request) -> None:
        page = await open_page(deps, request)
        with frame(page, "forgot_title", request):
            ui.label(page.t("forgot_intro"))
            await show_notice(page)
            form = Form(page)
            with form:
                email = email_input(page, page.session.remembered("email") or page.state.email)
                email_message = form.message_for(email)
                button = form.button(page.t("forgot_send_button"), submit=True)
                button.classes("w-full").mark("submit")

            async def submit() -> None:
                if form.reject([(email_message, check_email(page, email.value))]):
                    return
                address = email.value.strip()
                state = await form.call(
                    lambda: deps.flow.forgot_password(page.state, address, page.locale),
                    limit="forgot",
                    account=address,
                )
                if state is None:
                    await page.session.remember_form(email=address)
                    return
                if await page.save(state):
                    go_to_step(state)

            form.on_submit(submit)
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
            ui.label(page.t("reset_intro", destination=mask_email(address)))
            await show_notice(page, SAID_BY_INTRO)
            form = Form(page)
            with form:
                username_for_password_managers(address)
                code = code_input(page, "reset_code_label")
                code_message = form.message_for(code)
                fields = NewPasswordFields(page, "new_password_label", form)
                button = form.button(page.t("reset_button"), submit=True)
                button.classes("w-full").mark("submit")

            async def submit() -> None:
                problems = [(code_message, check_code(page, code.value)), *fields.problems()]
                if form.reject(problems):
                    return
                answer, secret = code.value.strip(), fields.take()
                code.value = ""
                state = await form.call(
                    lambda: deps.flow.confirm_forgot_password(page.state, answer, secret),
                    limit="reset",
                    account=page.state.email,
                )
                if state is not None and await page.save(state):
                    go_to_step(state)

            form.on_submit(submit)
            links_html(page, ("back_to_signin", "/signin"))
        return None
