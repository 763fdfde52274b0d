"""Pure page helpers: masking, countdowns, times, console emails, the token vault."""

from __future__ import annotations

import io

from webapp.display import format_countdown, format_time, mask_email
from webapp.local import console_printer, format_email_for_console
from webapp.vault import TokenVault


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


def test_vault_keeps_tokens_per_browser_and_forgets_them() -> None:
    vault: TokenVault[str] = TokenVault()
    vault.put("browser-a", "tokens-a")
    vault.put("browser-b", "tokens-b")
    assert vault.get("browser-a") == "tokens-a"
    vault.put("browser-a", None)
    assert vault.get("browser-a") is None
    assert vault.get("browser-b") == "tokens-b"
    assert len(vault) == 1


def test_vault_forgets_tokens_when_their_session_ends() -> None:
    now = [1000.0]
    vault: TokenVault[str] = TokenVault(clock=lambda: now[0])
    vault.put("browser-a", "tokens-a", keep_until=1100.0)
    assert vault.get("browser-a") == "tokens-a"
    now[0] = 1100.0
    assert vault.get("browser-a") is None
    assert len(vault) == 0


def test_vault_sweeps_browsers_that_never_come_back() -> None:
    now = [1000.0]
    vault: TokenVault[str] = TokenVault(clock=lambda: now[0])
    for n in range(50):
        vault.put(f"gone-{n}", "tokens", keep_until=1010.0)
    vault.put("active", "tokens", keep_until=5000.0)
    now[0] = 2000.0
    vault.put("newcomer", "tokens")
    assert len(vault) == 2, "the expired entries were swept on a write"
    assert vault.get("active") == "tokens"
