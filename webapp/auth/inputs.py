"""What the forms accept, checked in bounded, linear time before anything else looks at it.

Every field is cut off at a fixed length before it is parsed: an address is at most 254
characters (RFC 5321's path limit), a password 256 (Cognito's own maximum), a code 16 (codes
have at most 10 digits; room for spaces and a hyphen when pasted). The address itself is checked
by the well-kept `email-validator` (linear time, no regular expression that can backtrack),
without any DNS lookup; a regular expression once took 13-18 s on one 40 kB "address".
"""

from __future__ import annotations

import unicodedata
from typing import Final

from email_validator import EmailNotValidError, validate_email

MAX_EMAIL_CHARS: Final = 254
MAX_PASSWORD_CHARS: Final = 256
MAX_CODE_CHARS: Final = 16


class InputProblem:
    """Why a value was refused (plain strings: the pages map each to a localized message)."""

    REQUIRED: Final = "required"
    TOO_LONG: Final = "too_long"
    INVALID: Final = "invalid"


def email_problem(value: str | None) -> str | None:
    """None for an address the forms accept, else an InputProblem."""
    text = (value or "").strip()
    if not text:
        return InputProblem.REQUIRED
    if len(text) > MAX_EMAIL_CHARS:
        return InputProblem.TOO_LONG
    try:
        validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        return InputProblem.INVALID
    return None


def password_problem(value: str | None) -> str | None:
    if not value:
        return InputProblem.REQUIRED
    if len(value) > MAX_PASSWORD_CHARS:
        return InputProblem.TOO_LONG
    return None


def clean_code(value: str | None) -> str:
    """A typed or pasted code as ASCII digits when it is one (an empty string when too long).

    Full-width digits from Japanese IMEs are folded (NFKC), spaces and hyphens dropped.
    """
    text = value or ""
    if len(text) > MAX_CODE_CHARS:
        return ""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(character for character in folded if character not in " \t\r\n-")


def code_problem(value: str | None) -> str | None:
    if not (value or "").strip():
        return InputProblem.REQUIRED
    if len(value or "") > MAX_CODE_CHARS:
        return InputProblem.TOO_LONG
    code = clean_code(value)
    if not code or not (code.isascii() and code.isdigit()):
        return InputProblem.INVALID
    return None


def is_complete_code(value: str | None, length: int) -> bool:
    """The field holds a whole code (after folding): the form may submit itself."""
    code = clean_code(value)
    return len(code) == length and code.isascii() and code.isdigit()
