"""What a page says about an AuthErrorKind or a notice left by the flow: pure lookups."""

from __future__ import annotations

from datetime import UTC, tzinfo
from enum import Enum

from webapp.display import format_time
from webapp.i18n import CATALOG, translate


def error_key(kind: object) -> str:
    """The catalog key explaining an AuthErrorKind (a generic one for anything unknown)."""
    value = kind.value if isinstance(kind, Enum) else str(kind)
    key = f"error_{value}"
    return key if key in CATALOG else "error_unknown"


def notice_key(notice: object) -> tuple[str, bool] | None:
    """(catalog key, is_error) for a notice the flow left for the next page, None if none."""
    if notice is None or notice == "":
        return None
    text = notice.value if isinstance(notice, Enum) else str(notice)
    if f"notice_{text}" in CATALOG:
        return f"notice_{text}", False
    return error_key(text), True


def error_text(kind: object, locale: str, *, until: float | None = None, zone: tzinfo = UTC) -> str:
    """The message for an error; `until` fills in when a refusal ends (codes_blocked)."""
    key = error_key(kind)
    if key == "error_codes_blocked":
        if until is None:
            return translate("error_codes_blocked_later", locale)
        return translate(key, locale, until=format_time(until, locale, zone))
    return translate(key, locale)
