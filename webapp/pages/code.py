"""The emailed one-time code: where it went, time left, attempts left, resend, cancel."""

from __future__ import annotations

from collections.abc import Callable

from nicegui import context, ui
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from webapp.auth.flow import CodeChallenge, FlowState, Step
from webapp.auth.state import expire_stale
from webapp.display import format_countdown, mask_email
from webapp.pages.common import (
    IN_PLACE,
    STEP_PATHS,
    Deps,
    ErrorSlot,
    Page,
    View,
    call_flow,
    check_code,
    code_input,
    finish_sign_in,
    frame,
    go_to_step,
    open_page,
    show_notice,
    submit_on_enter,
)


class CodeForm:
    """The code form and its live countdown; each button runs one flow call."""

    def __init__(self, page: Page, challenge: CodeChallenge, view: View) -> None:
        self.page = page
        self.view = view
        self.flow = page.deps.flow
        self.challenge = challenge
        self.busy = False
        self.errors = ErrorSlot()
        self.countdown = ui.label("").props('aria-live="off"')
        ui.label(page.t("attempts_left", n=challenge.attempts_left))
        self.code = code_input(page, "otp_label").props(f"maxlength={challenge.code_length}")
        self.verify = ui.button(page.t("verify_button"), on_click=self.submit)
        self.verify.classes("w-full").mark("submit")
        with ui.row().classes("w-full items-center justify-between"):
            self.resend = ui.button(page.t("resend_code_button"), on_click=self.ask_again)
            self.resend.props("flat").mark("resend")
            self.cancel = ui.button(page.t("cancel_button"), on_click=self.give_up)
            self.cancel.props("flat color=grey").mark("cancel")
        self.resend_hint = ui.label("").classes("text-sm text-grey-8")
        submit_on_enter(self.submit, self.code)
        self.tick()
        self.timer = ui.timer(1.0, self.tick)
        # A closed or navigated-away tab keeps its client for reconnect_timeout: stop ticking.
        client = context.client
        client.on_disconnect(self.timer.deactivate)
        client.on_connect(self.timer.activate)

    def tick(self) -> None:
        """Refresh the countdown and the resend cooldown (the server enforces both anyway)."""
        now = self.flow.now()
        left = self.challenge.seconds_left(now)
        self.countdown.text = (
            self.page.t("code_expires_in", time=format_countdown(left))
            if left
            else self.page.t("code_expired_hint")
        )
        wait = self.challenge.resend_wait(now)
        if self.challenge.codes_left <= 0:
            self.resend_hint.text = self.page.t("no_codes_left")
        elif wait:
            self.resend_hint.text = self.page.t("resend_wait", seconds=wait)
        else:
            self.resend_hint.text = ""
        if not self.busy:
            self.resend.set_enabled(self.challenge.can_resend(now))

    async def _run(self, call: Callable[[], FlowState]) -> None:
        self.busy = True
        try:
            state = await call_flow(
                self.page,
                self.errors,
                [self.verify, self.resend, self.cancel],
                call,
                limit="code",
                account=self.page.state.email,
            )
        finally:
            self.busy = False
            self.tick()
        if state is not None:
            self.timer.cancel()  # this form is replaced or left
            if state.step == Step.SIGNED_IN:
                await finish_sign_in(self.page, state)
            elif await self.page.save(state):
                go_to_step(state, self.page, self.view)

    async def submit(self) -> None:
        problem = check_code(self.page, self.code.value)
        if problem:
            self.errors.show(problem)
            return
        answer = self.code.value.strip()
        self.code.value = ""
        page = self.page
        await self._run(lambda: self.flow.submit_code(page.state, answer, page.locale))

    async def ask_again(self) -> None:
        page = self.page
        await self._run(lambda: self.flow.resend_code(page.state, page.locale))

    async def give_up(self) -> None:
        page = self.page
        await self._run(lambda: self.flow.cancel(page.state))


async def render_code_step(page: Page, view: View) -> None:
    """The code form for the pending sign-in, into `view` (a fresh page or in place)."""
    challenge = page.state.challenge
    if challenge is None:  # pragma: no cover - callers check the step first
        raise ValueError("no pending code challenge")
    view.show(page, "code_title")
    with view.body:
        destination = mask_email(challenge.destination or page.state.email)
        ui.label(page.t("code_intro", length=challenge.code_length, destination=destination))
        await show_notice(page)
        CodeForm(page, challenge, view)


IN_PLACE[Step.CODE] = render_code_step


def register(deps: Deps) -> None:
    @ui.page("/code")
    async def code_page(request: Request) -> Response | None:
        page = await open_page(deps, request)
        current = expire_stale(page.state, deps.flow.now())
        if current is not page.state:
            await page.save(current)
        if current.step != Step.CODE or current.challenge is None:
            return RedirectResponse(STEP_PATHS.get(current.step, "/signin"), status_code=303)
        with frame(page, "code_title", request) as view:
            await render_code_step(page, view)
        return None
