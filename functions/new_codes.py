"""Issuing new one-time codes; Create only, so that Define and Verify never import `secrets`."""

from __future__ import annotations

import secrets

from functions.code_state import SALT_BYTES, CodeState
from functions.otp import digest_code


def generate_code(length: int) -> str:
    """A code drawn uniformly from all `length`-digit strings, leading zeros included."""
    return f"{secrets.randbelow(10**length):0{length}d}"


def new_code_state(
    code: str, *, code_number: int, issued_at: int, ttl_seconds: int, attempts_allowed: int
) -> CodeState:
    """The state of a freshly issued code: a fresh random salt and the digest, not the code."""
    salt = secrets.token_bytes(SALT_BYTES)
    return CodeState(
        code_number=code_number,
        wrong_answers=0,
        attempts_allowed=attempts_allowed,
        issued_at=issued_at,
        expires_at=issued_at + ttl_seconds,
        length=len(code),
        salt=salt,
        digest=digest_code(salt, code),
    )
