"""One-time codes: the salted hash, and checking an answer against it in constant time.

The code is only ever held in memory by Create long enough to email it; what travels is the
`CodeState` of functions/code_state.py, which holds this module's digest.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Final

from functions.code_state import CodeState

# Longer answers are rejected before any work is done with them.
MAX_ANSWER_CHARS: Final = 32
_DIGITS: Final = frozenset("0123456789")


def digest_code(salt: bytes, code: str) -> bytes:
    """HMAC-SHA-256 of the code keyed with the per-code salt."""
    return hmac.new(salt, code.encode("ascii"), hashlib.sha256).digest()


def normalize_answer(answer: object, length: int) -> str | None:
    """The answer as exactly `length` ASCII digits (surrounding spaces dropped), else None."""
    if not isinstance(answer, str) or len(answer) > MAX_ANSWER_CHARS:
        return None
    text = answer.strip()
    if len(text) != length or not set(text) <= _DIGITS:
        return None
    return text


def answer_matches(state: CodeState, answer: object) -> bool:
    """Constant-time comparison of the answer's digest with the stored digest."""
    normalized = normalize_answer(answer, state.length)
    if normalized is None:
        return False
    return hmac.compare_digest(digest_code(state.salt, normalized), state.digest)
