"""Pure formatting for the pages: masked addresses, countdowns, timestamps."""

from __future__ import annotations

from datetime import UTC, datetime


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


def format_time(timestamp: float | None) -> str:
    """A UTC timestamp as the user reads it (the server has no idea of the browser's zone)."""
    if timestamp is None:
        return "-"
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M UTC")
