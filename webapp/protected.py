"""Your pages behind the login: `protected_page` and `Identity`, the whole public API.

    from nicegui import ui
    from webapp import Identity, protected_page

    @protected_page("/reports", groups={"analysts"})
    async def reports(identity: Identity) -> None:
        ui.label(f"Hello {identity.email}")

List the module in the APP_PAGES setting (comma-separated module names, default
`webapp.product`); `webapp.app.build` imports each before `ui.run` and registers its pages.

Each request to such a page: this browser's record is loaded; not signed in -> the sign-in page,
which comes back here afterwards (the validated `redirect_to`); signed out everywhere from another
browser -> sign-in; the tokens are refreshed when about to expire (a dead refresh token signs the
browser out); `groups` given and the user in none of them -> a localized 403 page. Then the
function runs inside the shared frame (header, language switch, user menu) with the verified
`Identity`. The tokens stay in the server-side record: `identity.access_token()` hands the
current access token to server-side code (call your APIs with it), never render it.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, tzinfo
from html import escape
from typing import Any, Final, TypeVar

from nicegui import run, ui
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from webapp.auth.flow import FlowState, Notice
from webapp.browser_store import BrowserStore
from webapp.display import format_time
from webapp.i18n import translate
from webapp.pages.common import Deps, Page, frame, open_page, show_notice
from webapp.pages.signin import sign_in_url
from webapp.session import is_signed_in_step

__all__ = ["Identity", "PageSpec", "protected_page", "register_app_pages", "signed_in_page"]

DEFAULT_APP_PAGES: Final = ("webapp.product",)
# Records saying "every session of this account that started before `at` has ended".
SIGNED_OUT_PREFIX: Final = "signed-out:"
_SPEC_ATTRIBUTE: Final = "__protected_page__"

PageFunction = Callable[["Identity"], Awaitable[None] | None]
F = TypeVar("F", bound=PageFunction)


@dataclass(frozen=True)
class Identity:
    """Who is signed in, from the verified ID token (refreshed as needed), for one page load."""

    sub: str
    email: str
    groups: frozenset[str]
    claims: Mapping[str, Any]  # every claim of the ID token (iss, aud, exp, custom attributes)
    signed_in_at: float  # when the code sign-in happened (refreshes do not move it)
    session_ends_at: float | None  # when the refresh token runs out: sign in again then
    locale: str  # the language of the page ("en", "ja")
    _access_token: Callable[[], str] = field(repr=False, compare=False)
    zone: tzinfo = UTC  # the browser's time zone

    def format_time(self, timestamp: float | None) -> str:
        """A time as this user reads it: their language's format, in their time zone."""
        return format_time(timestamp, self.locale, self.zone)

    def access_token(self) -> str:
        """The current Cognito access token, for server-side calls only: never render it."""
        return self._access_token()

    def in_group(self, *names: str) -> bool:
        return bool(self.groups.intersection(names))


@dataclass(frozen=True)
class PageSpec:
    path: str
    function: PageFunction
    groups: frozenset[str]
    title: str | Mapping[str, str] | None


_PAGES: dict[str, PageSpec] = {}


def protected_page(
    path: str,
    *,
    groups: Iterable[str] | None = None,
    title: str | Mapping[str, str] | None = None,
) -> Callable[[F], F]:
    """Mark `function(identity)` (sync or async) as the page at `path` behind the login.

    `groups`: the user must be in at least one (`cognito:groups`), else 403. `title`: the
    heading, as a text or per locale ({"en": ..., "ja": ...}); the app's name by default.
    """
    if not path.startswith("/") or path.startswith("//"):
        raise ValueError(f"a page path starts with one '/': {path!r}")

    def decorate(function: F) -> F:
        spec = PageSpec(path, function, frozenset(groups or ()), title)
        _PAGES[path] = spec
        setattr(function, _SPEC_ATTRIBUTE, spec)
        return function

    return decorate


def _specs_of(module_name: str) -> list[PageSpec]:
    module = importlib.import_module(module_name)
    found = {
        spec.path: spec
        for spec in _PAGES.values()
        if spec.function.__module__ == module_name
        or spec.function.__module__.startswith(module_name + ".")
    }
    for value in vars(module).values():  # also when the module was imported before this one
        spec = getattr(value, _SPEC_ATTRIBUTE, None)
        if isinstance(spec, PageSpec):
            found.setdefault(spec.path, spec)
    return list(found.values())


def register_app_pages(deps: Deps, module_names: Iterable[str]) -> list[PageSpec]:
    """Import the APP_PAGES modules and register their pages; "/" leads to /account if none
    of them is the start page."""
    specs: dict[str, PageSpec] = {}
    for name in module_names:
        for spec in _specs_of(name):
            specs[spec.path] = spec
    for spec in specs.values():
        _register(deps, spec)
    if "/" not in specs:

        @ui.page("/")
        async def start_page() -> Response:
            return RedirectResponse("/account", status_code=303)

    return list(specs.values())


# --- signed out everywhere: ends the sessions of other browsers on their next page -------------


def _signed_out_key(sub: str) -> str:
    return SIGNED_OUT_PREFIX + hashlib.sha256(sub.encode()).hexdigest()


async def mark_signed_out_everywhere(
    store: BrowserStore, sub: str, now: float, until: float
) -> None:
    """Every browser of `sub` signed in before `now` is signed out on its next page load."""
    await store.save(_signed_out_key(sub), {"at": now}, until)


async def signed_out_elsewhere(store: BrowserStore, state: FlowState) -> bool:
    if state.identity is None:
        return False
    record = await store.load(_signed_out_key(state.identity.sub))
    if not record:
        return False
    return float(state.signed_in_at or 0) <= float(record.get("at", 0))


# --- the checks every protected page makes -----------------------------------------------------


async def signed_in_page(deps: Deps, request: Request) -> Page | Response:
    """This browser's page when it is signed in (tokens refreshed), else where to send it."""
    page = await open_page(deps, request)
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    to_sign_in = RedirectResponse(sign_in_url(here), status_code=303)
    if not is_signed_in_step(page.state):
        if page.state.identity is not None:  # signed in once, but this process lost the tokens
            await page.save(FlowState(email=page.state.email, notice="session_lost"))
        return to_sign_in
    if await signed_out_elsewhere(deps.store, page.state):
        await page.save(FlowState(email=page.state.email, notice=Notice.SIGNED_OUT_EVERYWHERE))
        return to_sign_in
    state = await run.io_bound(deps.flow.refresh_if_needed, page.state)
    if state is None:  # the server is shutting down
        return to_sign_in
    if state is not page.state:
        await page.save(state)
    if not deps.flow.is_signed_in(state) or state.identity is None:
        return to_sign_in
    return page


def identity_of(page: Page) -> Identity:
    """The public Identity of a signed-in page; its access token is read when asked for."""
    state = page.state
    if state.identity is None:  # pragma: no cover - callers check the sign-in first
        raise ValueError("not signed in")

    def access_token() -> str:
        tokens = page.state.tokens
        if tokens is None:
            raise LookupError("signed out")
        return tokens.access_token

    verified = state.identity
    return Identity(
        sub=verified.sub,
        email=verified.email,
        groups=frozenset(verified.groups),
        claims=dict(verified.claims),
        signed_in_at=float(state.signed_in_at or verified.auth_time),
        session_ends_at=state.session_ends_at,
        locale=page.locale,
        _access_token=access_token,
        zone=page.zone,
    )


def forbidden_response(page: Page) -> HTMLResponse:
    """403 in the user's language: signed in, but in none of the page's groups."""
    title = page.t("forbidden_title")
    app_name = page.deps.config.app_name
    body = (
        f'<!DOCTYPE html><html lang="{escape(page.locale)}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(page.t('page_title', page=title, app=app_name))}</title></head>"
        f'<body style="font-family: sans-serif; max-width: 28rem; margin: 2rem auto">'
        f"<p>{escape(app_name)}</p><h1>{escape(title)}</h1>"
        f'<p role="alert">{escape(page.t("forbidden_text"))}</p>'
        f'<p><a href="/">{escape(page.t("forbidden_home"))}</a> · '
        f'<a href="/account">{escape(page.t("menu_account"))}</a></p></body></html>'
    )
    return HTMLResponse(body, status_code=403, headers={"cache-control": "no-store"})


def _title(spec: PageSpec, page: Page) -> str:
    if spec.title is None:
        return page.deps.config.app_name
    if isinstance(spec.title, str):
        return spec.title
    return spec.title.get(page.locale) or next(iter(spec.title.values()), "")


def _register(deps: Deps, spec: PageSpec) -> None:
    async def protected(request: Request) -> Response | None:
        found = await signed_in_page(deps, request)
        if isinstance(found, Response):
            return found
        page = found
        identity = identity_of(page)
        if spec.groups and not identity.in_group(*spec.groups):
            return forbidden_response(page)
        with frame(page, "", request, title=_title(spec, page), wide=True, focus_heading=True):
            await show_notice(page)
            outcome = spec.function(identity)
            if inspect.isawaitable(outcome):
                await outcome
        return None

    # NiceGUI's test reset forgets the modules of page functions: the team's module, too.
    protected.__module__ = spec.function.__module__
    protected.__qualname__ = f"protected[{spec.path}]"
    ui.page(spec.path)(protected)


def translate_for(identity: Identity, key: str, **values: object) -> str:
    """The login's catalog text in the page's language (the example pages use it)."""
    return translate(key, identity.locale, **values)
