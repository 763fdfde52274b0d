"""Masked destinations shown to the user ("ab***@example.com").

The mask confirms which mailbox to check without revealing the address to someone who only knows
the username. For unknown users the mask is derived from the typed username the same way, so the
response does not reveal whether the account exists.
"""

from __future__ import annotations

from typing import Final

_VISIBLE_CHARS: Final = 2
_STARS: Final = "***"


def mask_email(address: str) -> str:
    """Keep the first two characters of the local part and the whole domain."""
    text = address.strip()
    local, sep, domain = text.rpartition("@")
    if not sep or not local or not domain:
        return mask_text(text)
    return f"{local[:_VISIBLE_CHARS]}{_STARS}@{domain.lower()}"


def mask_text(text: str) -> str:
    """Mask something that is not an address (a username): first two characters, then stars."""
    return f"{text.strip()[:_VISIBLE_CHARS]}{_STARS}"
