"""Cognito's per-user hourly limits on emailed codes, counted on the stack clock.

Decision logic only. Cognito documents, for forgotten passwords: "In a given hour, we allow
between 5 and 20 attempts for a user to request or enter a password reset code as part of
forgot-password and confirm-forgot-password actions. The exact value depends on the risk
parameters associated with the requests" (developer guide, "Recovering user accounts"). The
emulator takes the lower bound, 5, and counts ForgotPassword requests and ConfirmForgotPassword
code entries together. No figure is published for ResendConfirmationCode [U]: 5 per hour too.
Past the limit: LimitExceededException "Attempt limit exceeded, please try after some time."

Unknown users (PreventUserExistenceErrors) are counted by the name as typed, so the limit comes
after the same number of calls for an address with or without an account.
"""

from __future__ import annotations

import threading
from collections import deque

from emulator.errors import ATTEMPT_LIMIT, CognitoError

HOUR_SECONDS = 3600.0
PASSWORD_RESET_PER_HOUR = 5
RESEND_CONFIRMATION_PER_HOUR = 5
RESET_CODES = "reset-codes"
RESEND_CONFIRMATION = "resend-confirmation"
LIMITS = {RESET_CODES: PASSWORD_RESET_PER_HOUR, RESEND_CONFIRMATION: RESEND_CONFIRMATION_PER_HOUR}


def subject_key(user_id: str | None, typed_name: str) -> str:
    """Who is counted: the account when it exists, else the name as typed (case-insensitive).

    Shared with the password lockout: a limit keyed this way is reached after the same number
    of calls whether or not the account exists, so it does not reveal which one it is.
    """
    return f"user:{user_id}" if user_id else f"name:{typed_name.strip().lower()}"


class HourlyLimits:
    """A sliding one-hour window of accepted calls per (pool, purpose, subject)."""

    def __init__(self) -> None:
        self._calls: dict[tuple[str, str, str], deque[float]] = {}
        self._lock = threading.Lock()
        self._last_purge = 0.0

    def take(self, pool_id: str, purpose: str, subject: str, now: float) -> None:
        """Count one call, or raise LimitExceededException if the hour's budget is spent."""
        with self._lock:
            self._purge(now)
            calls = self._calls.setdefault((pool_id, purpose, subject), deque())
            while calls and calls[0] <= now - HOUR_SECONDS:
                calls.popleft()
            if len(calls) >= LIMITS[purpose]:
                raise CognitoError("LimitExceededException", ATTEMPT_LIMIT)
            calls.append(now)

    def _purge(self, now: float) -> None:
        """Drop windows with no call in the last hour, so unknown names cannot grow the map."""
        if now - self._last_purge < HOUR_SECONDS:
            return
        self._last_purge = now
        stale = [k for k, v in self._calls.items() if not v or v[-1] <= now - HOUR_SECONDS]
        for key in stale:
            del self._calls[key]
