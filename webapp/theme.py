"""The look every page shares: brand colours, the app's CSS and script, dark mode, the logo.

Built once per process: one `<style>` of brand variables and two versioned static files in the
head of every page (cached by browsers for a year: the URL changes when the file does).
"""

from __future__ import annotations

import hashlib
from html import escape
from pathlib import Path
from typing import Final

from nicegui import app, ui
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from webapp.brand import LOGO_ROUTE, NEGATIVE, POSITIVE, Brand
from webapp.config import AppConfig

STATIC_DIRECTORY: Final = Path(__file__).resolve().parent / "static"
STATIC_ROUTE: Final = "/static"


def versioned(name: str) -> str:
    """`/static/<name>?v=<content hash>`: a new URL whenever the file changes."""
    digest = hashlib.sha256((STATIC_DIRECTORY / name).read_bytes()).hexdigest()[:12]
    return f"{STATIC_ROUTE}/{name}?v={digest}"


def brand_style(brand: Brand) -> str:
    """The brand's colours as CSS variables (app.css uses them), light and dark."""
    values = {
        "--brand": brand.primary,
        "--brand-dark": brand.primary_on_dark,
        "--ok": POSITIVE,
        "--ok-dark": brand.positive_on_dark,
        "--error": NEGATIVE,
        "--error-dark": brand.negative_on_dark,
    }
    body = ";".join(f"{name}:{value}" for name, value in values.items())
    return f"<style>:root{{{body}}}</style>"


def head_html(brand: Brand) -> str:
    return (
        brand_style(brand)
        + f'<link rel="stylesheet" href="{escape(versioned("app.css"))}">'
        + f'<script defer src="{escape(versioned("app.js"))}"></script>'
    )


def logo_html(config: AppConfig) -> str:
    """The logo as the app's name (alt text), or nothing when no logo is configured."""
    url = config.brand.logo_url
    if not url:
        return ""
    return f'<img class="brand-logo" src="{escape(url)}" alt="{escape(config.app_name)}">'


def install(config: AppConfig) -> None:
    """Colours, dark mode (following the system), the static files and the logo route."""
    brand = config.brand
    app.colors(primary=brand.primary, positive=POSITIVE, negative=NEGATIVE)
    # Quasar's loading bar is an unnamed progressbar outside every landmark; page loads here are
    # fast and show the button's own spinner, so it is left out.
    app.config.quasar_config["loadingBar"] = {"skipHijack": True}
    ui.add_head_html(head_html(brand), shared=True)
    if not any(getattr(route, "path", None) == STATIC_ROUTE for route in app.routes):
        app.add_static_files(STATIC_ROUTE, STATIC_DIRECTORY, max_cache_age=31536000)
    if brand.logo_file is not None:
        logo_file, media_type = brand.logo_file, brand.logo_type

        async def logo(request: Request) -> Response:
            return FileResponse(
                logo_file,
                media_type=media_type,
                headers={
                    "cache-control": "public, max-age=86400",
                    "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'",
                },
            )

        app.add_route(f"{LOGO_ROUTE}{logo_file.suffix.lower()}", logo, methods=["GET"])
