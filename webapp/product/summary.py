"""The start page after sign-in: who is signed in, since when, until when.

An example of a page behind the login written with the public API only.
"""

from __future__ import annotations

from nicegui import ui

from webapp import Identity, protected_page
from webapp.i18n import CATALOG, translate


@protected_page("/", title=CATALOG["dashboard_title"])
def summary(identity: Identity) -> None:
    def t(key: str, **values: object) -> str:
        return translate(key, identity.locale, **values)

    ui.label(t("dashboard_welcome")).classes("msg-ok")
    ui.label(t("dashboard_email", email=identity.email))
    ui.label(t("dashboard_signed_in_at", time=identity.format_time(identity.signed_in_at)))
    ui.label(t("dashboard_session_ends", time=identity.format_time(identity.session_ends_at)))
