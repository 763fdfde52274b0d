"""The codes Cognito itself emails: sign-up confirmation and password reset.

Decision logic only (no I/O): issue a code, then check an answer against it with expiry and an
attempt limit. The code is compared in constant time and never logged.
"""

from __future__ import annotations

import hmac
import secrets
import threading
from dataclasses import dataclass

from emulator.errors import ATTEMPT_LIMIT, CODE_MISMATCH, EXPIRED_CODE, CognitoError

SIGN_UP = "sign-up"
RESET = "reset"
# Cognito's confirmation codes are valid 24 hours, reset codes 1 hour (developer guide).
VALIDITY_SECONDS = {SIGN_UP: 24 * 3600.0, RESET: 3600.0}
# Wrong answers allowed per code before it is spent [U: Cognito's exact limit is undocumented;
# we pick 5, like its password lockout, and then demand a new code].
MAX_WRONG_ANSWERS = 5
CODE_DIGITS = 6


@dataclass
class IssuedCode:
    code: str
    expires_at: float
    wrong_answers: int = 0


def new_code() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))


class CodeBook:
    """(pool, user, purpose) -> the latest code sent; a new code replaces the old one."""

    def __init__(self) -> None:
        self._codes: dict[tuple[str, str, str], IssuedCode] = {}
        self._lock = threading.Lock()

    def issue(self, pool_id: str, username: str, purpose: str, now: float) -> str:
        code = new_code()
        with self._lock:
            self._codes[(pool_id, username, purpose)] = IssuedCode(
                code, now + VALIDITY_SECONDS[purpose]
            )
        return code

    def check(self, pool_id: str, username: str, purpose: str, answer: str, now: float) -> None:
        """Accept the right code once; raise CodeMismatch / ExpiredCode / LimitExceeded."""
        key = (pool_id, username, purpose)
        with self._lock:
            issued = self._codes.get(key)
            if issued is None:
                raise CognitoError("ExpiredCodeException", EXPIRED_CODE)
            if issued.wrong_answers >= MAX_WRONG_ANSWERS:
                raise CognitoError("LimitExceededException", ATTEMPT_LIMIT)
            if now > issued.expires_at:
                raise CognitoError("ExpiredCodeException", EXPIRED_CODE)
            if not hmac.compare_digest(issued.code.encode(), str(answer).encode()):
                issued.wrong_answers += 1
                raise CognitoError("CodeMismatchException", CODE_MISMATCH)
            del self._codes[key]
