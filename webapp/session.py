"""One browser's place in the journey: FlowState in app.storage.user, tokens in the vault.

`app.storage.user` is server side but written to disk (or Redis) in clear, so the state is stored
without its tokens (`FlowState.to_dict()` minus "tokens"); the tokens live in the process-memory
`TokenVault` under the browser's storage id. A state that claims SIGNED_IN but has no tokens in this
process (restart, another task) is treated as signed out.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Final

from nicegui import app
from starlette.requests import Request

from webapp.auth.flow import FlowState, Step
from webapp.i18n import normalize_locale, parse_accept_language
from webapp.vault import TokenVault

STATE_KEY: Final = "flow"
LOCALE_KEY: Final = "locale"
REDIRECT_KEY: Final = "redirect_to"
FORM_KEY: Final = "form"  # what was typed (never a password or code), kept across pages


def browser_id() -> str:
    """The id NiceGUI gives this browser's signed session cookie (also keys app.storage.user)."""
    return str(app.storage.browser["id"])


def fresh_state() -> FlowState:
    return FlowState()


def load_state(vault: TokenVault[Any]) -> FlowState:
    """This browser's state with its tokens put back from the vault (if this process has them)."""
    raw = app.storage.user.get(STATE_KEY)
    if not isinstance(raw, dict):
        return fresh_state()
    try:
        state = FlowState.from_dict(raw)
    except (KeyError, TypeError, ValueError):
        return fresh_state()  # an older or damaged record: start again rather than crash
    return dataclasses.replace(state, tokens=vault.get(browser_id()))


def save_state(state: FlowState, vault: TokenVault[Any]) -> None:
    """Store the state without tokens on disk and the tokens (if any) in memory only."""
    data = state.to_dict()
    data.pop("tokens", None)
    store(STATE_KEY, data)
    vault.put(browser_id(), state.tokens, keep_until=state.session_ends_at)


def clear_notice(state: FlowState, vault: TokenVault[Any]) -> FlowState:
    """The notice is said once: drop it after a page has shown it."""
    if state.notice is None:
        return state
    cleared = dataclasses.replace(state, notice=None)
    save_state(cleared, vault)
    return cleared


def store(key: str, value: object) -> None:
    """Write to app.storage.user only on change: each write rewrites the browser's file."""
    if app.storage.user.get(key) != value:
        app.storage.user[key] = value


def current_locale(request: Request | None) -> str:
    """The language chosen with the switch, else the browser's Accept-Language (not stored)."""
    stored = app.storage.user.get(LOCALE_KEY)
    if stored:
        return normalize_locale(stored)
    header = request.headers.get("accept-language") if request is not None else None
    return parse_accept_language(header)


def set_locale(locale: str) -> None:
    store(LOCALE_KEY, normalize_locale(locale))


def remember_form(**values: str) -> None:
    """After a failed call, keep typed non-secret values (the email) for the other forms."""
    form = dict(app.storage.user.get(FORM_KEY) or {})
    form.update({key: value for key, value in values.items() if value})
    store(FORM_KEY, form)


def remembered(name: str) -> str:
    form = app.storage.user.get(FORM_KEY) or {}
    return str(form.get(name, ""))


def is_signed_in_step(state: FlowState) -> bool:
    return state.step == Step.SIGNED_IN and state.tokens is not None and state.identity is not None
