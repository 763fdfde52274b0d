"""Pure page helpers: masking, countdowns, times, console emails."""

from __future__ import annotations

import io
from datetime import UTC

from webapp.display import format_countdown, format_time, format_utc, mask_email, time_zone
from webapp.local import console_printer, format_email_for_console


def test_mask_email_hides_most_of_the_local_part() -> None:
    assert mask_email("alice@example.com") == "al***@example.com"
    assert mask_email("a@example.com") == "a***@example.com"
    assert mask_email("al***@example.com") == "al***@example.com"


def test_countdown_and_time() -> None:
    assert format_countdown(185) == "3:05"
    assert format_countdown(-4) == "0:00"
    assert format_time(0) == "Jan 1, 1970, 00:00 UTC"
    assert format_time(None) == "-"
    assert format_utc(0) == "1970-01-01 00:00 UTC"


def test_times_are_written_in_the_readers_zone_and_language() -> None:
    tokyo = time_zone("Asia/Tokyo")
    assert time_zone("Asia%2FTokyo") == tokyo  # as an encoded cookie value arrives
    assert format_time(0, "ja", tokyo) == "1970年1月1日 09:00 JST"
    assert format_time(1_780_000_000, "en", time_zone("Europe/Paris")).endswith("CEST")
    assert format_time(0, "fr", tokyo) == "Jan 1, 1970, 09:00 JST"  # unknown language: English


def test_a_forged_time_zone_cookie_falls_back_to_utc() -> None:
    """The tz cookie is the browser's word: anything not shaped like a zone name never
    reaches zoneinfo (no path, no huge value), and an unknown zone is UTC."""
    for forged in (
        "../../etc/passwd",
        "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/etc/localtime",
        "Asia/" + "x" * 100,
        "",
        None,
        "A\\B",
        "Mars/Olympus_Mons",
        "Asia/Tokyo\x00",
        "Etc/GMT+99",
    ):
        assert time_zone(forged) is UTC, forged


def test_console_shows_recipient_subject_and_text() -> None:
    message = {"to": ["bob@example.com"], "subject": "Your code", "text": "Code: 123456"}
    shown = format_email_for_console(message)
    assert "bob@example.com" in shown
    assert "Your code" in shown
    assert "123456" in shown
    stream = io.StringIO()
    console_printer(stream)(message)
    assert "Code: 123456" in stream.getvalue()
