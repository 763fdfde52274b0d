"""Sign up: email, a password checked against the pool's policy before the call, its repeat."""

from __future__ import annotations

from nicegui import ui
from starlette.requests import Request

from webapp.pages.common import (
    Deps,
    Form,
    check_email,
    email_input,
    frame,
    go_to_step,
    links_html,
    open_page,
    show_notice,
)
from webapp.pages.password_rules import NewPasswordFields


def register(deps: Deps) -> None:
    @ui.page("/signup")
    async def sign_up_page(request: Request) -> None:
        page = await open_page(deps, request)
        with frame(page, "signup_title", request):
            await show_notice(page)
            form = Form(page)
            with form:
                email = email_input(page, page.session.remembered("email"))
                email_message = form.message_for(email)
                fields = NewPasswordFields(page, "password_label", form)
                form.button(page.t("signup_button"), submit=True).classes("w-full").mark("submit")

            async def submit() -> None:
                problems = [(email_message, check_email(page, email.value)), *fields.problems()]
                if form.reject(problems):
                    return
                address, secret = email.value.strip(), fields.take()
                state = await form.call(
                    lambda: deps.flow.sign_up(page.state, address, secret, page.locale),
                    limit="sign_up",
                    account=address,
                )
                if state is None:
                    await page.session.remember_form(email=address)
                    return
                if await page.save(state):
                    go_to_step(state)

            form.on_submit(submit)
            links_html(page, ("signup_to_signin", "/signin"))
