"""The page shown when a page cannot be built: "temporarily unavailable" when the shared store is
down (nothing is lost: the browser's record is still in Redis), else a generic error."""

from __future__ import annotations

from nicegui import app, context, ui

from webapp.browser_store import StoreUnavailable
from webapp.i18n import parse_accept_language, translate


def register() -> None:
    def error_page(error: Exception) -> None:
        request = context.client.request
        header = request.headers.get("accept-language") if request is not None else None
        locale = parse_accept_language(header)
        key = "store_unavailable" if isinstance(error, StoreUnavailable) else "error_unknown"
        with ui.column().classes("w-full max-w-md mx-auto p-4 gap-3"):
            ui.label(translate("unavailable_title", locale)).classes("text-h5").props(
                'role=heading aria-level="1"'
            )
            ui.label(translate(key, locale)).props('role="alert"')
            ui.link(translate("back_to_signin", locale), "/signin")

    app.on_page_exception(error_page)
