"""Pure page helpers: masking, countdowns, times, console emails."""

from __future__ import annotations

import io

from webapp.display import format_countdown, format_time, mask_email
from webapp.local import console_printer, format_email_for_console


def test_mask_email_hides_most_of_the_local_part() -> None:
    assert mask_email("alice@example.com") == "al***@example.com"
    assert mask_email("a@example.com") == "a***@example.com"
    assert mask_email("al***@example.com") == "al***@example.com"


def test_countdown_and_time() -> None:
    assert format_countdown(185) == "3:05"
    assert format_countdown(-4) == "0:00"
    assert format_time(0) == "1970-01-01 00:00 UTC"
    assert format_time(None) == "-"


def test_console_shows_recipient_subject_and_text() -> None:
    message = {"to": ["bob@example.com"], "subject": "Your code", "text": "Code: 123456"}
    shown = format_email_for_console(message)
    assert "bob@example.com" in shown
    assert "Your code" in shown
    assert "123456" in shown
    stream = io.StringIO()
    console_printer(stream)(message)
    assert "Code: 123456" in stream.getvalue()
