"""404 and 500 in the user's language, with a way back, instead of NiceGUI's English
"HTTPException" page: a plain HTML document (no socket, nothing to keep per visitor)."""

from __future__ import annotations

import traceback
from html import escape
from pathlib import Path
from typing import Final

from fastapi.exception_handlers import http_exception_handler
from nicegui import app
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response

from webapp.config import AppConfig
from webapp.i18n import parse_accept_language, translate
from webapp.request_log import emit, route_of
from webapp.theme import head_html, logo_html

TEXT_KEYS: Final = {404: ("not_found_title", "not_found_text"), 500: ("error_title", "error_text")}


def error_document(status: int, locale: str, config: AppConfig) -> str:
    """The whole page for `status` in `locale`: the app's look, a heading, a link home."""
    title_key, text_key = TEXT_KEYS.get(status, TEXT_KEYS[500])
    title = translate(title_key, locale)
    page_title = translate("page_title", locale, page=title, app=config.app_name)
    name = logo_html(config) or escape(config.app_name)
    return (
        f'<!DOCTYPE html><html lang="{escape(locale)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="color-scheme" content="light dark">'
        f"<title>{escape(page_title)}</title>{head_html(config.brand)}</head>"
        '<body class="error-page"><header><p class="text-lg font-medium">'
        f"{name}</p></header><main><h1>{escape(title)}</h1>"
        f"<p>{escape(translate(text_key, locale))}</p>"
        f'<p><a href="/">{escape(translate("error_home", locale))}</a></p></main></body></html>'
    )


def wants_html(request: Request) -> bool:
    return "text/html" in request.headers.get("accept", "")


def register(config: AppConfig) -> None:
    """Replace NiceGUI's 404 and 500 handlers (its API routes keep their JSON answers)."""

    async def not_found(request: Request, exception: Exception) -> Response:
        if not wants_html(request) and isinstance(exception, StarletteHTTPException):
            return await http_exception_handler(request, exception)
        locale = parse_accept_language(request.headers.get("accept-language"))
        return HTMLResponse(error_document(404, locale, config), status_code=404)

    async def server_error(request: Request, exception: Exception) -> Response:
        # The exception's type and where it was raised (file:line), never its message or
        # locals: those may hold what the user typed.
        frames = traceback.extract_tb(exception.__traceback__)[-3:]
        where = " < ".join(f"{Path(f.filename).name}:{f.lineno}" for f in reversed(frames))
        emit("error", route=route_of(request.scope), error=type(exception).__name__, step=where)
        if not wants_html(request):
            return PlainTextResponse("Internal Server Error", status_code=500)
        locale = parse_accept_language(request.headers.get("accept-language"))
        return HTMLResponse(error_document(500, locale, config), status_code=500)

    app.add_exception_handler(404, not_found)
    app.add_exception_handler(Exception, server_error)
