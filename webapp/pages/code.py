"""The emailed one-time code: where it went, time left, attempts left, resend, cancel.

An open code page costs the server nothing between events: the countdowns run in the browser
(webapp/static/app.js), and two calls scheduled on the server (`run_later`, no element) enable
the resend button and switch the form to its expired state (said to screen readers) when those
moments come. The
server still enforces both: the flow checks the cooldown and Cognito the expiry.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from nicegui import ui
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from webapp.auth.flow import CodeChallenge, FlowState, Step
from webapp.auth.inputs import is_complete_code
from webapp.auth.state import Notice, expire_stale
from webapp.browser_store import StoreUnavailable
from webapp.display import mask_email
from webapp.pages.common import (
    IN_PLACE,
    STEP_PATHS,
    Deps,
    Form,
    Page,
    View,
    check_code,
    code_input,
    finish_sign_in,
    frame,
    go_to_step,
    open_page,
    show_notice,
)
from webapp.pages.later import run_later

SAID_BY_INTRO = frozenset({Notice.CODE_RESENT.value})
SESSION_MARGIN_SECONDS = 5


def countdown_html(seconds: int, template: str, expired: str) -> str:
    """A countdown the browser runs: `template` holds {time} (m:ss) or {seconds}."""
    left = max(0, int(seconds))
    minutes, rest = divmod(left, 60)
    now = template.replace("{time}", f"{minutes}:{rest:02d}").replace("{seconds}", str(left))
    return (
        f'<span data-countdown="{left}" data-template="{escape(template)}" '
        f'data-expired="{escape(expired)}">{escape(now if left else expired)}</span>'
    )


class CodeForm:
    """The code form; each button runs one flow call, one at a time (Form's busy flag)."""

    def __init__(self, page: Page, challenge: CodeChallenge, view: View) -> None:
        self.page = page
        self.view = view
        self.flow = page.deps.flow
        self.challenge = challenge
        now = self.flow.now()
        t = page.t
        self.countdown = ui.html(
            countdown_html(
                challenge.seconds_left(now), t("code_expires_in"), t("code_expired_short")
            ),
            sanitize=False,
        )
        ui.label(t("attempts_left", n=challenge.attempts_left))
        self.form = Form(page)
        with self.form:
            self.code = code_input(page, "otp_label", complete_length=challenge.code_length)
            self.code_message = self.form.message_for(self.code)
            self.verify = self.form.button(t("verify_button"), submit=True)
            self.verify.classes("w-full").mark("submit")
            with ui.row().classes("w-full items-center justify-between"):
                self.resend = self.form.button(t("resend_code_button")).props("flat")
                self.resend.mark("resend")
                self.cancel = self.form.button(t("cancel_button")).props("flat")
                self.cancel.mark("cancel")
            self.resend_hint = ui.html("", sanitize=False).classes("text-sm muted")
        self.submit_guarded = self.form.on_submit(self.submit)
        self.form.on_submit(self.ask_again, self.resend)
        self.form.on_submit(self.give_up, self.cancel)
        self.code.on_value_change(self.submit_when_complete)
        self._schedule(now)

    def _schedule(self, now: float) -> None:
        """The resend state now, and the two moments the server itself must act on."""
        challenge = self.challenge
        wait = challenge.resend_wait(now)
        left = challenge.seconds_left(now)
        if challenge.codes_left <= 0:
            self.resend_hint.content = escape(self.page.t("no_codes_left"))
        elif wait:
            self.resend_hint.content = countdown_html(wait, self.page.t("resend_wait"), "")
            run_later(self.form.element, wait, self._resend_ready)
        self.resend.set_enabled(challenge.can_resend(now))
        if left:
            # Half a second past the whole second `left` rounds down to: never before the end.
            run_later(self.form.element, left + 0.5, self._expired)
        else:
            self._expired()

    def _resend_ready(self) -> None:
        if not self.form.busy and self.challenge.codes_left > 0:
            self.resend_hint.content = ""
            self.resend.enable()

    def _expired(self) -> None:
        """The code (or Cognito's session) ran out: say so, and offer what still works."""
        now = self.flow.now()
        ends = self.challenge.session_expires_at
        # A session with a second or two left cannot carry a resend's round trip.
        session_alive = not ends or now < ends - SESSION_MARGIN_SECONDS
        can_resend = session_alive and self.challenge.can_resend(now)
        self.verify.disable()
        self.code.disable()
        self.form.errors.show(self.page.t("code_expired_resend" if can_resend else "code_expired"))
        if not can_resend:
            self.resend.disable()
            self.cancel.text = self.page.t("sign_in_again_button")
            self.cancel.props(remove="flat")
            self.cancel.props("unelevated color=primary")

    async def _run(self, call: Callable[[FlowState], FlowState]) -> None:
        page = self.page
        try:
            current = await page.reload()  # another tab may have signed in, resent, cancelled
        except StoreUnavailable:
            self.form.errors.show(page.t("store_unavailable"))
            return
        if current.step != Step.CODE or current.challenge is None:
            ui.navigate.to(STEP_PATHS.get(current.step, "/signin"))
            return
        state = await self.form.call(lambda: call(current), limit="code", account=current.email)
        if state is None:
            return
        if state.step == Step.SIGNED_IN:
            await finish_sign_in(page, state)
        elif await page.save(state):
            go_to_step(state, page, self.view)

    async def submit(self) -> None:
        if self.form.reject([(self.code_message, check_code(self.page, self.code.value))]):
            return
        answer = self.code.value.strip()
        self.code.value = ""
        locale = self.page.locale
        await self._run(lambda state: self.flow.submit_code(state, answer, locale))

    async def submit_when_complete(self) -> None:
        if is_complete_code(self.code.value, self.challenge.code_length):
            await self.submit_guarded()

    async def ask_again(self) -> None:
        locale = self.page.locale
        await self._run(lambda state: self.flow.resend_code(state, locale))

    async def give_up(self) -> None:
        await self._run(self.flow.cancel)


async def render_code_step(page: Page, view: View) -> None:
    """The code form for the pending sign-in, into `view` (a fresh page or in place)."""
    challenge = page.state.challenge
    if challenge is None:  # pragma: no cover - callers check the step first
        raise ValueError("no pending code challenge")
    view.show(page, "code_title", STEP_PATHS[Step.CODE])
    with view.body:
        destination = mask_email(challenge.destination or page.state.email)
        key = "code_resent_intro" if challenge.resent else "code_intro"
        ui.label(page.t(key, length=challenge.code_length, destination=destination)).props(
            'role=status aria-live="polite"'
        )
        await show_notice(page, SAID_BY_INTRO)
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
