"""Plain HTTP routes: the load balancer's health check and the language switch."""

from __future__ import annotations

from nicegui import app
from starlette.responses import PlainTextResponse, RedirectResponse

from webapp.redirects import safe_redirect_target
from webapp.session import set_locale


def register() -> None:
    @app.get("/healthz", include_in_schema=False)
    def health() -> PlainTextResponse:
        """200 while the process serves requests (the ALB target group checks it)."""
        return PlainTextResponse("ok")

    @app.get("/language/{locale}", include_in_schema=False)
    def switch_language(locale: str, next: str | None = None) -> RedirectResponse:
        """Remember the chosen language for this browser and go back where the user was."""
        set_locale(locale)
        return RedirectResponse(safe_redirect_target(next), status_code=303)
