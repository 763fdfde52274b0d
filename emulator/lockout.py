"""Cognito's password lockout: after five failed sign-ins, wait 2^(n-5) seconds (up to ~15 min).

Decision logic only; times come from the stack clock. Success clears the count. It applies to
password proofs (SRP and USER_PASSWORD_AUTH), not to custom challenges (section 7). Failures are
counted per `limits.subject_key`: the account, or an unknown user's name as typed [U: Cognito
documents the lockout for users; counting unknown names too means "Password attempts exceeded"
comes after the same number of failures whether or not an account exists].
"""

from __future__ import annotations

import threading

FREE_FAILURES = 4  # the 5th failure starts the first (1 s) lockout
MAX_LOCK_SECONDS = 900.0
LOCKED_MESSAGE = "Password attempts exceeded"


class Lockout:
    def __init__(self) -> None:
        self._failures: dict[tuple[str, str], tuple[int, float]] = {}
        self._lock = threading.Lock()

    def is_locked(self, pool_id: str, user_key: str, now: float) -> bool:
        with self._lock:
            _, until = self._failures.get((pool_id, user_key), (0, 0.0))
        return now < until

    def failed(self, pool_id: str, user_key: str, now: float) -> None:
        with self._lock:
            count, until = self._failures.get((pool_id, user_key), (0, 0.0))
            count += 1
            if count > FREE_FAILURES:
                until = now + min(2.0 ** (count - FREE_FAILURES - 1), MAX_LOCK_SECONDS)
            self._failures[(pool_id, user_key)] = (count, until)

    def succeeded(self, pool_id: str, user_key: str) -> None:
        with self._lock:
            self._failures.pop((pool_id, user_key), None)
