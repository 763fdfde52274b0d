"""What every page shares: its dependencies, the frame with the language switch, form helpers.

Pages are registered by functions (not at import time) so the app can be built more than once in
one process, as NiceGUI's test fixture does for each test.
"""

from __future__ import annotations

import contextlib
import copy
import secrets
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from html import escape
from typing import Final
from urllib.parse import quote

from nicegui import context, run, ui
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
from webapp.i18n import LOCALE_NAMES, translate
from webapp.local import Mailbox
from webapp.messages import error_text, notice_key
from webapp.rate_limits import DEFAULT_RULES, LimitsUnavailable, RateLimits
from webapp.redirects import safe_redirect_target
from webapp.session import REDIRECT_KEY, BrowserSession, hand_off, is_signed_in_step

SIGN_OUT_URL: Final = "/session/rotate?next=/signin"  # sign-out also gives a new session id

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

    def t(self, key: str, **values: object) -> str:
        return translate(key, self.locale, **values)

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
    )


def language_link_target(locale: str, request: Request) -> str:
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return f"/language/{locale}?next={quote(here, safe='')}"


def set_document_language(locale: str) -> None:
    """<html lang> (screen readers) and Quasar's own texts follow the user's language.

    NiceGUI reads the language from the page route, which all browsers share, so this client
    gets its own copy of that route object instead of changing it for everyone.
    """
    client = context.client
    own = copy.copy(client.page)
    own.language = QUASAR_LANGUAGES.get(locale, "en-US")
    client.page = own


def header_html(page: Page, request: Request) -> str:
    """The app name and the language switch as static HTML (one element: pages render faster)."""
    anchors = []
    for code, name in LOCALE_NAMES.items():
        current = code == page.locale
        style = "text-white font-bold underline" if current else "text-white"
        mark = ' aria-current="true"' if current else ""
        href = escape(language_link_target(code, request))
        anchors.append(
            f'<a href="{href}" lang="{code}" hreflang="{code}" class="{style}"{mark}>'
            f"{escape(name)}</a>"
        )
    language = escape(page.t("language"))
    return (
        '<div class="flex items-center justify-between w-full">'
        f'<span class="text-lg font-medium">{escape(page.deps.config.app_name)}</span>'
        f'<nav aria-label="{language}" class="flex items-center gap-2 text-sm">'
        f"<span>{language}:</span> {' '.join(anchors)}</nav></div>"
    )


def links_html(page: Page, *targets: tuple[str, str]) -> ui.html:
    """Plain links between the forms, as one static element."""
    anchors = "".join(
        f'<a class="nicegui-link" href="{escape(href)}">{escape(page.t(key))}</a>'
        for key, href in targets
    )
    return ui.html(
        f'<div class="flex w-full justify-between gap-2">{anchors}</div>', sanitize=False
    ).classes("w-full")


@dataclass
class View:
    """A page's heading and content area: a step can be rendered into it without a page load."""

    title: ui.label
    body: ui.column
    root: ui.column  # outlives `body`: work scheduled here survives clearing the content

    def show(self, page: Page, title_key: str) -> None:
        """Empty the content area for another step and give the page that step's title."""
        title = page.t(title_key)
        self.title.text = title
        ui.page_title(page.t("page_title", page=title, app=page.deps.config.app_name))
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
) -> Iterator[View]:
    """Header with the app name, the language switch and (signed in) the user menu, then a
    centred column: narrow for the forms, `wide` for the product's pages.

    `title` is a ready text (the product's pages); otherwise `title_key` names it in the catalog.
    """
    set_document_language(page.locale)
    title = title if title is not None else page.t(title_key)
    ui.page_title(page.t("page_title", page=title, app=page.deps.config.app_name))
    with ui.header().classes("px-4 py-2"), ui.column().classes("w-full gap-1"):
        ui.html(header_html(page, request), sanitize=False).classes("w-full")
        if is_signed_in_step(page.state):
            user_menu(page)
    width = "max-w-5xl" if wide else "max-w-md"
    with ui.column().classes(f"w-full {width} mx-auto p-4 gap-3") as root:
        heading = ui.label(title).classes("text-h5").props('role=heading aria-level="1"')
        with ui.column().classes("w-full gap-3 p-0") as body:
            yield View(heading, body, root)


def user_menu(page: Page) -> None:
    """Who is signed in, the account page and sign-out, in the header of every signed-in page.

    Shows the email only: never a token (they stay in the server-side record).
    """
    identity = page.state.identity
    email = identity.email if identity is not None else page.state.email
    nav = ui.element("nav").props(f'aria-label="{escape(page.t("user_menu"))}"')
    with nav.classes("flex items-center justify-end gap-3 w-full text-sm"):
        ui.label(email).mark("user_email")
        ui.link(page.t("menu_account"), "/account").classes("text-white").mark("menu_account")
        errors = ErrorSlot()
        button = ui.button(page.t("signout_button")).props("flat dense color=white")
        button.mark("signout")

        async def sign_out() -> None:
            state = await call_flow(
                page, errors, [button], lambda: page.deps.flow.sign_out(page.state)
            )
            if state is not None and await page.save(state):
                ui.navigate.to(SIGN_OUT_URL)

        button.on_click(sign_out)


async def show_notice(page: Page) -> None:
    """Say once what the flow left to explain (e.g. why the sign-in restarted)."""
    found = notice_key(page.state.notice)
    if found is None:
        return
    key, is_error = found
    alert(page.t(key), error=is_error)
    with contextlib.suppress(StoreUnavailable):  # said again next time: harmless
        page.state = await page.session.clear_notice(page.state)


def alert(text: str, *, error: bool) -> ui.label:
    colour = "text-negative" if error else "text-positive"
    return ui.label(text).classes(colour).props('role="alert"' if error else 'role="status"')


class ErrorSlot:
    """A place above a form that shows the latest error (empty and hidden otherwise)."""

    def __init__(self) -> None:
        self.label = ui.label("").classes("text-negative").props('role="alert"')
        self.label.set_visibility(False)

    def show(self, text: str) -> None:
        self.label.text = text
        self.label.set_visibility(True)

    def clear(self) -> None:
        self.label.text = ""
        self.label.set_visibility(False)


def email_input(page: Page, value: str = "", *, autofocus: bool = True) -> ui.input:
    field_ = ui.input(page.t("email_label"), value=value).props(
        f"type=email autocomplete=username inputmode=email outlined name=email "
        f"maxlength={MAX_EMAIL_CHARS}" + (" autofocus" if autofocus else "")
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
    field_ = ui.input(page.t(label_key), password=True, password_toggle_button=True).props(
        f"autocomplete={autocomplete} outlined maxlength={MAX_PASSWORD_CHARS}"
        + (" autofocus" if autofocus else "")
    )
    return field_.classes("w-full").mark(marker)


def code_input(page: Page, label_key: str, *, autofocus: bool = True) -> ui.input:
    field_ = ui.input(page.t(label_key)).props(
        f"autocomplete=one-time-code inputmode=numeric outlined maxlength={MAX_CODE_CHARS}"
        + (" autofocus" if autofocus else "")
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


def submit_on_enter(handler: Callable[[], Awaitable[None]], *fields: ui.input) -> None:
    for field_ in fields:
        field_.on("keydown.enter", handler)


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
        errors.show(page.t(key) if key else error_text(error.kind, page.locale, until=error.until))
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
            ui.navigate.history.replace(target)  # a reload shows the same step

        # After the running handler returns: its own button is among what gets replaced.
        with view.root:
            ui.timer(0, replace_content, once=True)
    else:
        ui.navigate.to(target)
