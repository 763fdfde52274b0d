"""Plain HTTP routes: the load balancer's health check and the language switch."""

from __future__ import annotations

from nicegui import app
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from webapp.browser_store import BrowserStore, StoreUnavailable
from webapp.redirects import from_another_site, safe_redirect_target
from webapp.session import REDIRECT_KEY, BrowserSession, rotate


def register(store: BrowserStore) -> None:
    @app.get("/healthz", include_in_schema=False)
    async def health() -> PlainTextResponse:
        """200 while the process can serve sign-ins (the ALB target group checks it).

        503 only when the shared store is required and unreachable: then no task can serve
        anyone, and the load balancer's view of it should say so. The memory store never fails.
        """
        if store.required and not await store.healthy():
            return PlainTextResponse("session store unavailable", status_code=503)
        return PlainTextResponse("ok")

    @app.get("/language/{locale}", include_in_schema=False)
    async def switch_language(request: Request, locale: str, next: str | None = None) -> Response:
        """Remember the chosen language for this browser and go back where the user was.

        Only when the browser asked for it on this site: a link on another site changes nothing.
        """
        try:
            if not from_another_site(request.headers):
                session = await BrowserSession.open(store, request)
                await session.set_locale(locale)
        except StoreUnavailable:
            return PlainTextResponse("temporarily unavailable", status_code=503)
        return RedirectResponse(safe_redirect_target(next), status_code=303)

    @app.get("/session/rotate", include_in_schema=False)
    async def rotate_session(
        request: Request, handoff: str | None = None, next: str | None = None
    ) -> Response:
        """A new session id at sign-in (collecting the handed-off record) and at sign-out.

        Another site cannot make the browser do it: such a request only redirects.
        """
        target = safe_redirect_target(next)
        if from_another_site(request.headers):
            return RedirectResponse(target, status_code=303)
        try:
            moved = await rotate(store, request, handoff)
            if handoff is not None and moved and next is None:
                session = await BrowserSession.open(store, request)
                target = safe_redirect_target(session.get(REDIRECT_KEY))
        except StoreUnavailable:
            return PlainTextResponse("temporarily unavailable", status_code=503)
        return RedirectResponse(target if moved else "/signin", status_code=303)
