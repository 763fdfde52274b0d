"""Confirm sign-up: the code Cognito emailed after sign-up, and a way to get a new one."""

from __future__ import annotations

from nicegui import ui
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from webapp.auth.flow import Step
from webapp.auth.inputs import is_complete_code
from webapp.auth.state import Notice
from webapp.display import mask_email
from webapp.pages.common import (
    Deps,
    Form,
    check_code,
    code_input,
    frame,
    go_to_step,
    links_html,
    open_page,
    show_notice,
)

# The intro says where the code went: the notices saying the same are not repeated.
SAID_BY_INTRO = frozenset({Notice.SIGN_UP_CODE_SENT.value, Notice.CODE_RESENT.value})
COGNITO_CODE_DIGITS = 6  # Cognito's own confirmation and reset codes


def register(deps: Deps) -> None:
    @ui.page("/confirm")
    async def confirm_page(request: Request) -> Response | None:
        page = await open_page(deps, request)
        if page.state.step != Step.CONFIRM_SIGN_UP:
            return RedirectResponse("/signin", status_code=303)
        destination = mask_email(page.state.email)
        with frame(page, "confirm_title", request):
            intro = ui.label(page.t("confirm_intro", destination=destination))
            intro.props('role=status aria-live="polite"')
            await show_notice(page, SAID_BY_INTRO)
            form = Form(page)
            with form:
                code = code_input(
                    page, "verification_code_label", complete_length=COGNITO_CODE_DIGITS
                )
                code_message = form.message_for(code)
                button = form.button(page.t("confirm_button"), submit=True)
                button.classes("w-full").mark("submit")
                resend = form.button(page.t("resend_signup_button")).props("flat")
                resend.mark("resend")

            async def submit() -> None:
                if form.reject([(code_message, check_code(page, code.value))]):
                    return
                answer = code.value.strip()
                code.value = ""
                state = await form.call(
                    lambda: deps.flow.confirm_sign_up(page.state, answer),
                    limit="confirm",
                    account=page.state.email,
                )
                if state is not None and await page.save(state):
                    go_to_step(state)

            async def ask_again() -> None:
                state = await form.call(
                    lambda: deps.flow.resend_sign_up_code(page.state, page.locale),
                    limit="resend",
                    account=page.state.email,
                )
                if state is None or not await page.save(state):
                    return
                intro.text = page.t("signup_code_resent", destination=destination)
                page.state = await page.session.clear_notice(page.state)

            submit_guarded = form.on_submit(submit)
            form.on_submit(ask_again, resend)

            async def submit_when_complete() -> None:
                if is_complete_code(code.value, COGNITO_CODE_DIGITS):
                    await submit_guarded()

            code.on_value_change(submit_when_complete)
            ui.label(page.t("confirm_have_account")).classes("text-sm")
            links_html(page, ("back_to_signin", "/signin"), ("signin_to_forgot", "/forgot"))
        return None
