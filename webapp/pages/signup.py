"""Sign up: email, a password checked against the pool's policy before the call, its repeat."""

from __future__ import annotations

from nicegui import ui
from starlette.requests import Request

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
    show_notice,
    submit_on_enter,
)
from webapp.pages.password_rules import NewPasswordFields


def register(deps: Deps) -> None:
    @ui.page("/signup")
    async def sign_up_page(request: Request) -> None:
        page = await open_page(deps, request)
        with frame(page, "signup_title", request):
            await show_notice(page)
            errors = ErrorSlot()
            email = email_input(page, page.session.remembered("email"))
            fields = NewPasswordFields(page, "password_label")
            button = ui.button(page.t("signup_button")).classes("w-full").mark("submit")

            async def submit() -> None:
                problem = check_email(page, email.value)
                if problem:
                    errors.show(problem)
                    return
                problem = fields.problem()
                if problem:
                    errors.show(problem)
                    return
                address, secret = email.value.strip(), fields.take()
                state = await call_flow(
                    page,
                    errors,
                    [button],
                    lambda: deps.flow.sign_up(page.state, address, secret, page.locale),
                    limit="sign_up",
                    account=address,
                )
                if state is None:
                    await page.session.remember_form(email=address)
                    return
                if await page.save(state):
                    go_to_step(state)

            button.on_click(submit)
            submit_on_enter(submit, email, fields.password, fields.repeat)
            links_html(page, ("signup_to_signin", "/signin"))
