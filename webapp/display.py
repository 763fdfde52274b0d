"""Pure formatting for the pages: masked addresses, countdowns, times in the reader's zone."""

from __future__ import annotations

import re
from datetime import UTC, datetime, tzinfo
from typing import Final
from urllib.parse import unquote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_ZONE_NAME: Final = re.compile(r"[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+){0,2}")
MAX_ZONE_CHARS: Final = 64
# How each language writes a date and time (Japanese: 2026年12月2日 15:04 JST).
_TIME_FORMATS: Final = {"en": "%b {day}, %Y, %H:%M %Z", "ja": "%Y年%-m月%-d日 %H:%M %Z"}


def mask_email(address: str) -> str:
    """`ab***@example.com`: enough for the owner to recognise, not a full address to harvest.

    An address the auth core already masked (it contains `*`) is shown as it is.
    """
    if "*" in address or "@" not in address:
        return address
    local, _, domain = address.partition("@")
    return f"{local[:2]}***@{domain}"


def format_countdown(seconds: int) -> str:
    """m:ss for a countdown (never negative)."""
    seconds = max(0, int(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


def time_zone(name: str | None) -> tzinfo:
    """The IANA zone a browser reported (its `tz` cookie), UTC for anything else.

    The name is checked before zoneinfo sees it: bounded, and shaped like `Area/City`.
    """
    text = unquote((name or "")[: MAX_ZONE_CHARS * 3]).strip()  # a cookie may be %-encoded
    if not text or len(text) > MAX_ZONE_CHARS or not _ZONE_NAME.fullmatch(text):
        return UTC
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return UTC


def format_utc(timestamp: float | None) -> str:
    """ISO-like UTC for the terminal client and logs: 2026-12-02 06:27 UTC."""
    if timestamp is None:
        return "-"
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M UTC")


def format_time(timestamp: float | None, locale: str = "en", zone: tzinfo = UTC) -> str:
    """A timestamp as the user reads it: their language's format, their zone, its name."""
    if timestamp is None:
        return "-"
    moment = datetime.fromtimestamp(timestamp, zone)
    pattern = _TIME_FORMATS.get(locale, _TIME_FORMATS["en"])
    if "%-" in pattern:  # no platform-specific %-d: build the numbers ourselves
        pattern = pattern.replace("%-m", str(moment.month)).replace("%-d", str(moment.day))
    return moment.strftime(pattern.replace("{day}", str(moment.day)))
