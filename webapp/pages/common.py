"""What every page shares: its dependencies, the frame with the language switch, form helpers.

Pages are registered by functions (not at import time) so the app can be built more than once in
one process, as NiceGUI's test fixture does for each test.
"""

from __future__ import annotations

import contextlib
import copy
import itertools
import secrets
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, tzinfo
from html import escape
from typing import Final
from urllib.parse import quote

from nicegui import context, run, ui
from nicegui.events import GenericEventArguments
from nicegui.language import Language
from starlette.requests import Request

from webapp.auth.errors import AuthError
from webapp.auth.flow import AuthFlow, FlowState, Step
from webapp.auth.inputs import (
    MAX_CODE_CHARS,
    MAX_EMAIL_CHARS,
    MAX_PASSWORD_CHARS,
    InputProblem,
    code_problem,
    email_problem,
    password_problem,
)
from webapp.browser_store import BrowserStore, MemoryBrowserStore, StoreUnavailable
from webapp.client_ip import UNKNOWN, client_ip
from webapp.config import AppConfig
from webapp.display import format_time, time_zone
from webapp.i18n import LOCALE_NAMES, translate
from webapp.local import Mailbox
from webapp.messages import error_text, notice_key
from webapp.pages.later import run_later
from webapp.pages.quiet_input import QuietInput
from webapp.rate_limits import DEFAULT_RULES, LimitsUnavailable, RateLimits
from webapp.redirects import safe_redirect_target
from webapp.session import REDIRECT_KEY, BrowserSession, hand_off, is_signed_in_step
from webapp.theme import logo_html

SIGN_OUT_URL: Final = "/session/rotate?next=/signin"  # sign-out also gives a new session id
# No space kept below fields for Quasar's own messages (FieldMessage says errors), and no error
# icon: it is the only thing on these pages that would load the icon font (128 KB).
FIELD_PROPS: Final = "hide-bottom-space no-error-icon"

STEP_PATHS: Final = {
    Step.SIGN_IN: "/signin",
    Step.CODE: "/code",
    Step.CONFIRM_SIGN_UP: "/confirm",
    Step.RESET_PASSWORD: "/reset",
    Step.SIGNED_IN: "/",
}
QUASAR_LANGUAGES: Final[dict[str, Language]] = {"en": "en-US", "ja": "ja"}


@dataclass
class Deps:
    """What pages need from the outside world, built once by `webapp.app.build`."""

    config: AppConfig
    flow: AuthFlow
    store: BrowserStore = field(default_factory=MemoryBrowserStore)
    mailbox: Mailbox | None = None
    limits: RateLimits = field(
        default_factory=lambda: RateLimits(DEFAULT_RULES, secrets.token_bytes(32))
    )


@dataclass
class Page:
    """The per-request view of a page: its locale and this browser's record and state."""

    deps: Deps
    locale: str
    session: BrowserSession
    state: FlowState
    client_ip: str = UNKNOWN
    return_to: str | None = None  # where this page's own sign-in leads (never stored)
    zone: tzinfo = UTC  # the browser's time zone (its `tz` cookie, webapp/static/app.js)

    def t(self, key: str, **values: object) -> str:
        return translate(key, self.locale, **values)

    def format_time(self, timestamp: float | None) -> str:
        return format_time(timestamp, self.locale, self.zone)

    async def reload(self) -> FlowState:
        """This browser's latest state from the store (another tab may have changed it since
        the page was built): the account actions judge it, not the page's copy."""
        session = self.session
        session.record = await session.store.load(session.browser_id) or {}
        self.state = session.state()
        return self.state

    async def save(self, state: FlowState) -> bool:
        """Keep the new state; False (and a message on the page) when the store is down."""
        try:
            await self.session.save_state(state)
        except StoreUnavailable:
            ui.notify(self.t("store_unavailable"), type="negative")
            return False
        self.state = state
        return True


async def open_page(deps: Deps, request: Request) -> Page:
    """This browser's record, read once; raises StoreUnavailable (a 503 page) when it cannot."""
    session = await BrowserSession.open(deps.store, request)
    address = client_ip(
        request.headers.get("x-forwarded-for"),
        request.client.host if request.client else None,
        deps.config.trusted_proxy_hops,
    )
    return Page(
        deps=deps,
        locale=session.locale(request),
        session=session,
        state=session.state(),
        client_ip=address,
        zone=time_zone(request.cookies.get("tz")),
    )


def language_link_target(locale: str, here: str) -> str:
    return f"/language/{locale}?next={quote(here, safe='')}"


def request_path(request: Request) -> str:
    return request.url.path + (f"?{request.url.query}" if request.url.query else "")


def set_document_language(locale: str) -> None:
    """<html lang> (screen readers) and Quasar's own texts follow the user's language.

    NiceGUI reads the language from the page route, which all browsers share, so this client
    gets its own copy of that route object instead of changing it for everyone.
    """
    client = context.client
    own = copy.copy(client.page)
    own.language = QUASAR_LANGUAGES.get(locale, "en-US")
    client.page = own


def header_html(page: Page, here: str) -> str:
    """The logo or app name and the language switch as static HTML (one element: pages render
    faster). `here` is where a language link comes back to: the step the page shows now."""
    anchors = []
    for code, name in LOCALE_NAMES.items():
        current = code == page.locale
        style = "font-bold underline" if current else ""
        mark = ' aria-current="true"' if current else ""
        href = escape(language_link_target(code, here))
        anchors.append(
            f'<a href="{href}" lang="{code}" hreflang="{code}" class="{style}"{mark}>'
            f"{escape(name)}</a>"
        )
    language = escape(page.t("language"))
    config = page.deps.config
    name = logo_html(config) or escape(config.app_name)
    return (
        '<div class="flex items-center justify-between w-full gap-2">'
        f'<a href="/" class="text-lg font-medium" style="text-decoration:none">{name}</a>'
        f'<nav aria-label="{language}" class="flex items-center gap-2 text-sm">'
        f"<span>{language}</span> {' '.join(anchors)}</nav></div>"
    )


def links_html(page: Page, *targets: tuple[str, str]) -> ui.html:
    """Plain links between the forms, as one static element."""
    anchors = "".join(
        f'<a class="nicegui-link" href="{escape(href)}">{escape(page.t(key))}</a>'
        for key, href in targets
    )
    return ui.html(
        f'<div class="flex flex-wrap w-full justify-between gap-2">{anchors}</div>', sanitize=False
    ).classes("w-full")


@dataclass
class View:
    """A page's header, heading and content area: a step can be rendered into it in place."""

    title: ui.label
    body: ui.column
    root: ui.element  # outlives `body`: work scheduled here survives clearing the content
    header: ui.html | None = None
    path: str = ""  # the URL the browser shows for this view

    def show(self, page: Page, title_key: str, path: str | None = None) -> None:
        """Empty the content area for another step and give the page that step's title; the
        language links then come back to `path` (the step's own URL)."""
        title = page.t(title_key)
        self.title.text = title
        ui.page_title(page.t("page_title", page=title, app=page.deps.config.app_name))
        if path is not None and self.header is not None:
            self.header.content = header_html(page, path)
        self.body.clear()


# Steps that can replace the current content in place (filled by the modules that render them):
# one page load and one socket connection less per step, which is most of a step's server cost.
IN_PLACE: dict[Step, Callable[[Page, View], Awaitable[None]]] = {}


@contextmanager
def frame(
    page: Page,
    title_key: str,
    request: Request,
    *,
    title: str | None = None,
    wide: bool = False,
    focus_heading: bool = False,
) -> Iterator[View]:
    """Header with the app name, the language switch and (signed in) the user menu, then a
    centred column: narrow for the forms, `wide` for the product's pages.

    `title` is a ready text (the product's pages); otherwise `title_key` names it in the catalog.
    `focus_heading`: a page without a field to type into puts focus on its heading.
    """
    set_document_language(page.locale)
    title = title if title is not None else page.t(title_key)
    ui.page_title(page.t("page_title", page=title, app=page.deps.config.app_name))
    signed_in = is_signed_in_step(page.state)
    with ui.header().classes("px-4 py-2 nicegui-column gap-1" if signed_in else "px-4 py-2"):
        header = ui.html(header_html(page, request_path(request)), sanitize=False)
        header.classes("w-full")
        if signed_in:
            user_menu(page)
    width = "max-w-5xl" if wide else "max-w-md"
    # NiceGUI's page is the <main> landmark already; its content column is the centred one
    # (an element of our own around everything would cost every page one more).
    main = context.client.content.classes(f"w-full {width} mx-auto gap-3")
    with main:
        heading = ui.label(title).classes("text-h5").props('role=heading aria-level="1"')
        if focus_heading:
            heading.props("tabindex=-1 data-focus-on-load")
        with ui.column().classes("w-full gap-3 p-0") as body:
            yield View(heading, body, main, header, request.url.path)


def user_menu(page: Page) -> None:
    """Who is signed in, the account page and sign-out, in the header of every signed-in page.

    Shows the email only: never a token (they stay in the server-side record).
    """
    identity = page.state.identity
    email = identity.email if identity is not None else page.state.email
    nav = ui.element("nav").props(f'aria-label="{escape(page.t("user_menu"))}"')
    with nav.classes("flex items-center justify-end gap-3 w-full text-sm"):
        ui.label(email).mark("user_email")
        ui.link(page.t("menu_account"), "/account").mark("menu_account")
        form = Form(page, inline=True)
        with form:
            button = form.button(page.t("signout_button"), submit=True).props("flat dense")
            button.props("color=white").mark("signout")

        async def sign_out() -> None:
            state = await form.call(lambda: page.deps.flow.sign_out(page.state))
            if state is not None and await page.save(state):
                # The sign-in page offers the address again (tokens and all else are gone).
                with contextlib.suppress(StoreUnavailable):
                    await page.session.remember_form(email=email)
                ui.navigate.to(SIGN_OUT_URL)

        form.on_submit(sign_out)


async def show_notice(page: Page, already_said: frozenset[str] = frozenset()) -> None:
    """Say once what the flow left to explain (e.g. why the sign-in restarted); a notice the
    page's own text says already (`already_said`, notice values) is only cleared."""
    found = notice_key(page.state.notice)
    if found is None:
        return
    key, is_error = found
    if str(page.state.notice) not in already_said:
        alert(page.t(key), error=is_error)
    with contextlib.suppress(StoreUnavailable):  # said again next time: harmless
        page.state = await page.session.clear_notice(page.state)


def alert(text: str, *, error: bool) -> ui.label:
    colour = "msg-error" if error else "msg-ok"
    return ui.label(text).classes(colour).props('role="alert"' if error else 'role="status"')


class ErrorSlot:
    """A place at the top of a form for its latest error: the label exists only once there is
    one (fewer elements per open page), and is moved to the top of its container."""

    def __init__(self) -> None:
        self.container = context.slot.parent
        self.label: ui.label | None = None

    def show(self, text: str) -> None:
        if self.label is None:
            with self.container:
                self.label = ui.label(text).classes("msg-error").props('role="alert"')
            self.label.move(self.container, target_index=0)
        else:
            self.label.text = text
            self.label.set_visibility(True)

    def clear(self) -> None:
        if self.label is not None and self.label.visible:
            self.label.text = ""
            self.label.set_visibility(False)


class FieldMessage:
    """An error said at its field: red outline, aria-invalid, and the text right below it (the
    field's own error slot, made on the first error), named by aria-describedby (WCAG 3.3.1).
    `hint_id` names what describes the field always (the password rules)."""

    def __init__(self, field_: ui.input, hint_id: str = "") -> None:
        self.field = field_
        self.hint_id = hint_id
        self.label: ui.label | None = None
        self.shown = False
        self._describe(error=False)
        # Typing again withdraws the message (NiceGUI drops the `error` prop on a new value too,
        # and a description naming a message that is no longer shown would mislead readers).
        field_.on_value_change(self.clear)

    def _describe(self, *, error: bool) -> None:
        own = f"c{self.label.id}" if error and self.label is not None else ""
        ids = " ".join(i for i in (own, self.hint_id) if i)
        if ids:
            self.field.props(f'aria-describedby="{ids}"')
        else:
            self.field.props(remove="aria-describedby")

    def show(self, text: str) -> None:
        if self.label is None:
            with self.field.add_slot("error"):
                self.label = ui.label(text).props("role=alert")
        else:
            self.label.text = text
        self.field.props("error aria-invalid=true")
        self.shown = True
        self._describe(error=True)

    def clear(self) -> None:
        if not self.shown:
            return
        self.shown = False
        self.field.props(remove="error aria-invalid")
        self._describe(error=False)


Handler = Callable[[], Awaitable[None]]

# A button's click carries its form's named text fields, as the browser would have posted them,
# and tells the form's QuietInputs that their values went with it.
SUBMIT_JS: Final = (
    "(e) => { const form = e && e.target && e.target.closest && e.target.closest('form');"
    " if (!form) { emit({}); return; }"
    " const values = Object.fromEntries([...new FormData(form)]"
    ".filter(([, value]) => typeof value === 'string'));"
    " form.dispatchEvent(new Event('values-submitted')); emit(values); }"
)
MAX_SUBMITTED_FIELDS: Final = 16


def submitted_values(args: object) -> dict[str, str]:
    """The text fields of a submit event; anything else a client may send is dropped (the
    socket's message cap bounds the whole, each field's own check bounds its value)."""
    if not isinstance(args, dict):
        return {}
    fields = itertools.islice(args.items(), MAX_SUBMITTED_FIELDS)
    return {name: text for name, text in fields if isinstance(name, str) and isinstance(text, str)}


class Form:
    """One <form>: its submit button, Enter in any of its fields (the browser's implicit
    submission clicks that button) and its other buttons run one action at a time.

    The busy flag is set before the first await, so a second Enter or click that arrives while
    an action runs is dropped: one email per sign-in however often Enter is pressed.
    """

    def __init__(self, page: Page, *, inline: bool = False) -> None:
        self.page = page
        self.busy = False
        self.buttons: list[ui.button] = []
        self.fields: list[FieldMessage] = []
        self.element = ui.element("form").props('novalidate method="post" action="#"')
        self.element.classes("flex items-center gap-2" if inline else "w-full nicegui-column")
        # The browser's own submission would load a page: the button's click does the work.
        self.element.on("submit.prevent", js_handler="() => {}")
        with self.element:
            self.errors = ErrorSlot()

    def __enter__(self) -> Form:
        self.element.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.element.__exit__(*exc)

    def button(self, text: str, *, submit: bool = False) -> ui.button:
        """The submit button (the default for Enter) or another action's (type=button)."""
        button = ui.button(text).props(f"type={'submit' if submit else 'button'} no-caps")
        self.buttons.append(button)
        return button

    def message_for(self, field_: ui.input, hint_id: str = "") -> FieldMessage:
        message = FieldMessage(field_, hint_id)
        self.fields.append(message)
        return message

    def guarded(self, handler: Handler) -> Handler:
        """`handler`, dropped while another action of this form runs."""

        async def guarded() -> None:
            if self.busy:
                return
            self.busy = True
            try:
                await handler()
            finally:
                self.busy = False

        return guarded

    def on_submit(self, handler: Handler, button: ui.button | None = None) -> Handler:
        """Run `handler` when `button` (default: the submit button, which Enter presses too) is
        pressed, unless busy. The click carries the form's fields as the browser has them, so
        a value typed just before Enter is never judged stale (QuietInput reports later)."""
        guarded = self.guarded(handler)

        async def clicked(event: GenericEventArguments) -> None:
            if not self.busy:
                self.take_values(submitted_values(event.args))
            await guarded()

        (button or self.buttons[0]).on("click", clicked, js_handler=SUBMIT_JS)
        return guarded

    def take_values(self, submitted: Mapping[str, str]) -> None:
        """The submitted text of each named field of this form becomes its value, unless the
        field ignores events (disabled): the same rule NiceGUI applies to its own reports."""
        for element in self.element.descendants():
            if isinstance(element, ui.input) and not element.is_ignoring_events:
                value = submitted.get(str(element.props.get("name", "")))
                if value is not None:
                    element.value = value

    def reject(self, problems: list[tuple[FieldMessage, str | None]]) -> bool:
        """Say each field's problem at it; True when there was any (nothing is sent then)."""
        self.errors.clear()
        found = False
        for message, problem in problems:
            if problem:
                message.show(problem)
                if not found:
                    message.field.run_method("focus")
                found = True
            else:
                message.clear()
        return found

    async def call(
        self,
        call: Callable[[], FlowState],
        *,
        limit: str | None = None,
        account: str | None = None,
        error_keys: Mapping[str, str] | None = None,
    ) -> FlowState | None:
        return await call_flow(
            self.page,
            self.errors,
            self.buttons,
            call,
            limit=limit,
            account=account,
            error_keys=error_keys,
        )


def username_for_password_managers(email: str) -> None:
    """The account's address inside the reset form, so a password manager saves the new
    password for the right account (it is not typed: read-only and out of the tab order)."""
    ui.html(
        f'<input type="email" name="username" autocomplete="username" value="{escape(email)}" '
        'readonly tabindex="-1" aria-hidden="true" class="sr-only">',
        sanitize=False,
    )


def email_input(page: Page, value: str = "", *, autofocus: bool = True) -> ui.input:
    field_ = QuietInput(page.t("email_label"), value=value).props(
        f"type=email autocomplete=username inputmode=email outlined {FIELD_PROPS} name=email "
        f"maxlength={MAX_EMAIL_CHARS} spellcheck=false autocapitalize=none"
        + (" autofocus" if autofocus else "")
    )
    return field_.classes("w-full").mark("email")


def password_input(
    page: Page,
    label_key: str,
    autocomplete: str,
    *,
    marker: str = "password",
    autofocus: bool = False,
) -> ui.input:
    """A password field with a show/hide button reachable by keyboard and named for readers
    (run by the browser: QuietInput's `reveal`)."""
    reveal = {key: page.t(f"{key}_password") for key in ("show", "hide")}
    reveal |= {f"{key}_short": page.t(f"{key}_password_short") for key in ("show", "hide")}
    field_ = QuietInput(page.t(label_key), password=True, reveal=reveal).props(
        f"autocomplete={autocomplete} outlined {FIELD_PROPS} maxlength={MAX_PASSWORD_CHARS} "
        f"name={marker}" + (" autofocus" if autofocus else "")
    )
    return field_.classes("w-full").mark(marker)


def code_input(
    page: Page, label_key: str, *, autofocus: bool = True, complete_length: int = 0
) -> ui.input:
    """Any paste fits (spaces, hyphens, full-width digits: normalised by webapp/auth/inputs).
    `complete_length`: the form submits a code of this length itself (reported at once)."""
    field_ = QuietInput(page.t(label_key), complete_length=complete_length).props(
        f"autocomplete=one-time-code inputmode=numeric outlined {FIELD_PROPS} "
        f"maxlength={MAX_CODE_CHARS} "
        "name=code spellcheck=false" + (" autofocus" if autofocus else "")
    )
    return field_.classes("w-full").mark("code")


_PROBLEM_KEYS: Final = {
    InputProblem.REQUIRED: "field_required",
    InputProblem.TOO_LONG: "field_too_long",
}


def _message(page: Page, problem: str | None, invalid_key: str) -> str | None:
    if problem is None:
        return None
    return page.t(_PROBLEM_KEYS.get(problem, invalid_key))


def check_email(page: Page, value: str | None) -> str | None:
    """None when acceptable, else the message to show (checked before any call, bounded)."""
    return _message(page, email_problem(value), "email_invalid")


def check_password(page: Page, value: str | None) -> str | None:
    return _message(page, password_problem(value), "field_required")


def check_code(page: Page, value: str | None) -> str | None:
    return _message(page, code_problem(value), "code_invalid")


async def call_flow(
    page: Page,
    errors: ErrorSlot,
    buttons: list[ui.button],
    call: Callable[[], FlowState],
    *,
    limit: str | None = None,
    account: str | None = None,
    error_keys: Mapping[str, str] | None = None,
) -> FlowState | None:
    """Run a blocking flow call off the event loop with the buttons busy; show an AuthError.

    `limit` names the rate limit of the action (webapp/rate_limits.py), counted per client
    address and per `account` before the call is made. `error_keys` says some errors in this
    form's own words (catalog keys by AuthErrorKind). Returns the new state, or None after an
    error or a refusal (the fields keep their values; the caller clears secrets).
    """
    errors.clear()
    for button in buttons:
        button.props("loading")
        button.disable()
    try:
        if limit is not None and not await _within_limits(page, errors, limit, account):
            return None
        return await run.io_bound(call)
    except AuthError as error:
        key = (error_keys or {}).get(error.kind)
        errors.show(
            page.t(key)
            if key
            else error_text(error.kind, page.locale, until=error.until, zone=page.zone)
        )
        return None
    finally:
        for button in buttons:
            button.props(remove="loading")
            button.enable()


async def _within_limits(page: Page, errors: ErrorSlot, action: str, account: str | None) -> bool:
    try:
        allowed = await page.deps.limits.allow(action, page.client_ip, account)
    except LimitsUnavailable:
        errors.show(page.t("store_unavailable"))
        return False
    if not allowed:
        errors.show(page.t("error_rate_limited"))
    return allowed


async def finish_sign_in(page: Page, state: FlowState) -> None:
    """Signed in: collect the record under a new session id, then go where sign-in was asked.

    Never in place: the session cookie must change (webapp/session.hand_off), and only an HTTP
    response can change it.
    """
    target = safe_redirect_target(page.return_to or page.session.get(REDIRECT_KEY))
    try:
        url = await hand_off(page.session, state)
    except StoreUnavailable:
        ui.notify(page.t("store_unavailable"), type="negative")
        return
    page.state = state
    ui.navigate.to(f"{url}&next={quote(target, safe='')}")


def go_to_step(state: FlowState, page: Page | None = None, view: View | None = None) -> None:
    """Show the state's step: in place when the page allows it, else by opening its URL.

    Once signed in, the destination is where sign-in was asked from (validated again).
    """
    if state.step == Step.SIGNED_IN:
        stored = page.session.get(REDIRECT_KEY) if page else None
        target = safe_redirect_target((page.return_to if page else None) or stored)
    else:
        target = STEP_PATHS[state.step]
    render = IN_PLACE.get(state.step)
    at_home = state.step != Step.SIGNED_IN or target == STEP_PATHS[Step.SIGNED_IN]
    if render is not None and page is not None and view is not None and at_home:

        async def replace_content() -> None:
            await render(page, view)
            # Pushed, not replaced: Back returns to the previous step's URL (webapp/static/app.js
            # loads it), and a reload shows this step. The same step again (a resent code) is
            # not a new history entry.
            if view.path != target:
                ui.navigate.history.push(target)
                view.path = target

        # After the running handler returns: its own button is among what gets replaced.
        run_later(view.root, 0, replace_content)
    else:
        ui.navigate.to(target)
