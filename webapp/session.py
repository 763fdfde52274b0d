"""One browser's place in the journey: its record in the browser store, loaded once per page.

The record (webapp/browser_store.py) holds the FlowState with its tokens and pending Cognito
session, the chosen language, the page to return to after sign-in and the email typed last. It
is keyed by the id in the browser's signed session cookie and never written to disk: in memory
by default, sealed in Redis when the tasks share it. NiceGUI's `app.storage.user` is not used,
so no per-browser file is ever created.

When a record ends (`record_expiry`, pure): a signed-in browser's with its sign-in session (the
refresh token's end); a pending code's with Cognito's sign-in session; anything else (a language,
a redirect target, an email typed) an hour after the last write. An empty record is deleted.
"""

from __future__ import annotations

import dataclasses
import hashlib
import secrets
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any, Final

from nicegui import app
from starlette.requests import Request

from webapp.auth.flow import FlowState, Step
from webapp.browser_store import BrowserStore, Record
from webapp.i18n import normalize_locale, parse_accept_language

STATE_KEY: Final = "flow"
LOCALE_KEY: Final = "locale"
REDIRECT_KEY: Final = "redirect_to"
FORM_KEY: Final = "form"  # what was typed (never a password or code), kept across pages
IDLE_RECORD_SECONDS: Final = 3600
# A pending code's record outlives Cognito's session by this much (clock skew, a slow reload).
CODE_MARGIN_SECONDS: Final = 60


def browser_id(request: Request | None = None) -> str:
    """The id NiceGUI gives this browser's signed session cookie."""
    if request is not None:
        return str(request.session["id"])
    return str(app.storage.browser["id"])


def record_expiry(record: Mapping[str, Any], now: float, idle_seconds: float) -> float:
    """When the record may be forgotten: what it holds decides (0 when it holds nothing)."""
    if not any(record.get(key) for key in (STATE_KEY, LOCALE_KEY, REDIRECT_KEY, FORM_KEY)):
        return 0.0
    ends = now + idle_seconds
    flow = record.get(STATE_KEY)
    if isinstance(flow, Mapping):
        session_ends_at = flow.get("session_ends_at")
        challenge = flow.get("challenge")
        if flow.get("step") == Step.SIGNED_IN.value and isinstance(session_ends_at, int | float):
            ends = max(ends, float(session_ends_at))
        elif flow.get("step") == Step.CODE.value and isinstance(challenge, Mapping):
            pending = challenge.get("session_expires_at")
            if isinstance(pending, int | float):
                ends = max(ends, float(pending) + CODE_MARGIN_SECONDS)
    return ends


@dataclasses.dataclass
class BrowserSession:
    """A browser's record as loaded for one page; every change is written through at once."""

    browser_id: str
    store: BrowserStore
    record: Record
    clock: Callable[[], float] = time.time
    idle_seconds: float = IDLE_RECORD_SECONDS

    @classmethod
    async def open(
        cls, store: BrowserStore, request: Request | None = None, **options: Any
    ) -> BrowserSession:
        identifier = browser_id(request)
        return cls(identifier, store, await store.load(identifier) or {}, **options)

    def state(self) -> FlowState:
        raw = self.record.get(STATE_KEY)
        if not isinstance(raw, dict):
            return FlowState()
        return FlowState.from_dict(raw)

    async def save_state(self, state: FlowState) -> None:
        await self.set(STATE_KEY, state.to_dict())

    def get(self, key: str) -> Any:
        return self.record.get(key)

    async def set(self, key: str, value: object) -> None:
        """Change one key of the browser's latest record; write only on change.

        The latest record, not this page's copy: another tab of the same browser may have
        changed another key since this page was opened, and that change must survive.
        """
        if self.record.get(key) == value:
            return
        latest = await self.store.load(self.browser_id) or {}
        updated = dict(latest)
        if value is None:
            updated.pop(key, None)
        else:
            updated[key] = value
        await self._write(updated)

    async def _write(self, record: Record) -> None:
        expires_at = record_expiry(record, self.clock(), self.idle_seconds)
        if expires_at:
            await self.store.save(self.browser_id, record, expires_at)
        else:
            await self.store.delete(self.browser_id)
        self.record = record

    async def clear_notice(self, state: FlowState) -> FlowState:
        """The notice is said once: drop it after a page has shown it."""
        if state.notice is None:
            return state
        cleared = dataclasses.replace(state, notice=None)
        await self.save_state(cleared)
        return cleared

    def locale(self, request: Request | None) -> str:
        """The language chosen with the switch, else the browser's Accept-Language."""
        stored = self.record.get(LOCALE_KEY)
        if stored:
            return normalize_locale(str(stored))
        header = request.headers.get("accept-language") if request is not None else None
        return parse_accept_language(header)

    async def set_locale(self, locale: str) -> None:
        await self.set(LOCALE_KEY, normalize_locale(locale))

    async def remember_form(self, **values: str) -> None:
        """After a failed call, keep typed non-secret values (the email) for the other forms."""
        form = dict(self.record.get(FORM_KEY) or {})
        form.update({key: value for key, value in values.items() if value})
        await self.set(FORM_KEY, form)

    def remembered(self, name: str) -> str:
        form = self.record.get(FORM_KEY) or {}
        return str(form.get(name, ""))


# --- a new session id at sign-in and at sign-out (no session fixation) -------------------------

HANDOFF_PREFIX: Final = "handoff:"
HANDOFF_SECONDS: Final = 60
HANDOFF_FROM_KEY: Final = "handoff_from"
MAX_HANDOFF_CHARS: Final = 64


def _fingerprint(browser: str) -> str:
    return hashlib.sha256(browser.encode()).hexdigest()


async def hand_off(session: BrowserSession, state: FlowState) -> str:
    """Park a signed-in record under a one-time token; return the URL that collects it.

    A sign-in completes over the page's websocket, which cannot set a cookie. So the signed-in
    record is not written under the browser's current id (which someone may have planted in
    the browser before sign-in): it waits under a random token, bound to that id, for at most
    HANDOFF_SECONDS, and the browser's next request (/session/rotate) moves it to a new id and
    sets the cookie. The old id keeps only a signed-out state.
    """
    token = secrets.token_urlsafe(32)
    latest = await session.store.load(session.browser_id) or {}
    parked = {
        **latest,
        STATE_KEY: state.to_dict(),
        HANDOFF_FROM_KEY: _fingerprint(session.browser_id),
    }
    await session.store.save(HANDOFF_PREFIX + token, parked, session.clock() + HANDOFF_SECONDS)
    await session.save_state(FlowState(email=state.email))
    return f"/session/rotate?handoff={token}"


async def rotate(store: BrowserStore, request: Request, handoff: str | None) -> bool:
    """Give the browser a new session id carrying its record (or the handed-off one).

    Returns False when a hand-off was asked for but is unknown, spent, expired or belongs to
    another browser: nothing moves then. The old id's record is deleted either way it moved.
    """
    old = browser_id(request)
    if handoff is not None:
        if len(handoff) > MAX_HANDOFF_CHARS:
            return False
        key = HANDOFF_PREFIX + handoff
        record = await store.load(key)
        await store.delete(key)  # single use, whoever presents it
        if record is None or record.pop(HANDOFF_FROM_KEY, None) != _fingerprint(old):
            return False
    else:
        record = await store.load(old) or {}
    new = str(uuid.uuid4())
    expires_at = record_expiry(record, time.time(), IDLE_RECORD_SECONDS)
    if expires_at:
        await store.save(new, record, expires_at)
    await store.delete(old)
    request.session["id"] = new  # Starlette's session middleware sends the new cookie
    return True


def is_signed_in_step(state: FlowState) -> bool:
    return state.step == Step.SIGNED_IN and state.tokens is not None and state.identity is not None
