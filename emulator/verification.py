"""Attribute verification: the code sent to an address, and the value it would make effective.

Decision logic only (no I/O). One record per (pool, user, attribute): the value waiting for
verification and the code sent to it. A new request replaces both, so only the latest address can
be verified, and the user's current value stays in force until it is (cognito-custom-auth.md has
no section on this; see emulator/attributes.py for what Cognito documents). Codes are valid 24
hours ("User attribute verification code validity: 24 hours", Cognito's quotas page), compared in
constant time, and spent after codes.MAX_WRONG_ANSWERS wrong answers, like the other codes.
"""

from __future__ import annotations

import hmac
import threading
from dataclasses import dataclass

from emulator.codes import MAX_WRONG_ANSWERS, IssuedCode, new_code
from emulator.errors import ATTEMPT_LIMIT, CODE_MISMATCH, EXPIRED_CODE, CognitoError

VALIDITY_SECONDS = 24 * 3600.0


@dataclass
class _Pending:
    value: str
    code: IssuedCode


class AttributeVerifications:
    """(pool, user, attribute) -> the value awaiting verification and its code."""

    def __init__(self) -> None:
        self._pending: dict[tuple[str, str, str], _Pending] = {}
        self._lock = threading.Lock()

    def issue(self, pool_id: str, username: str, attribute: str, value: str, now: float) -> str:
        """A fresh code for `value`; it replaces any earlier value and code for the attribute."""
        code = new_code()
        with self._lock:
            self._pending[(pool_id, username, attribute)] = _Pending(
                value, IssuedCode(code, now + VALIDITY_SECONDS)
            )
        return code

    def pending_value(self, pool_id: str, username: str, attribute: str) -> str | None:
        with self._lock:
            pending = self._pending.get((pool_id, username, attribute))
        return pending.value if pending else None

    def confirm(self, pool_id: str, username: str, attribute: str, answer: str, now: float) -> str:
        """The verified value for the right code (once); CodeMismatch / ExpiredCode / Limit."""
        key = (pool_id, username, attribute)
        with self._lock:
            pending = self._pending.get(key)
            if pending is None:
                raise CognitoError("ExpiredCodeException", EXPIRED_CODE)
            issued = pending.code
            if issued.wrong_answers >= MAX_WRONG_ANSWERS:
                raise CognitoError("LimitExceededException", ATTEMPT_LIMIT)
            if now > issued.expires_at:
                raise CognitoError("ExpiredCodeException", EXPIRED_CODE)
            if not hmac.compare_digest(issued.code.encode(), str(answer).encode()):
                issued.wrong_answers += 1
                raise CognitoError("CodeMismatchException", CODE_MISMATCH)
            del self._pending[key]
        return pending.value

    def discard(self, pool_id: str, username: str, attribute: str) -> None:
        with self._lock:
            self._pending.pop((pool_id, username, attribute), None)
