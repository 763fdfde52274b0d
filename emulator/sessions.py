"""Sign-in sessions: one opaque Session string per step, single use, expiring.

Each step of a sign-in (InitiateAuth, then every RespondToAuthChallenge) consumes the Session it
was given and, unless the sign-in ended, issues a new one. A consumed, failed or unknown Session
gets "Invalid session for the user."; one past the app client's AuthSessionValidity gets
"Invalid session for the user, session is expired." (cognito-custom-auth.md section 4).
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field
from typing import Any

from emulator.errors import EXPIRED_SESSION, INVALID_SESSION, invalid_parameter, not_authorized
from emulator.srp import ServerStep


@dataclass
class AuthState:
    """Everything a sign-in carries from one step to the next."""

    pool_id: str
    client_id: str
    flow: str  # USER_SRP_AUTH or CUSTOM_AUTH
    username: str  # internal username, or the name as typed when the user does not exist
    user_found: bool
    pending_challenge: str  # PASSWORD_VERIFIER or CUSTOM_CHALLENGE
    challenge_results: list[dict[str, Any]] = field(default_factory=list)
    srp: ServerStep | None = None
    secret_block: str | None = None
    user_id_for_srp: str | None = None
    private_parameters: dict[str, str] = field(default_factory=dict)
    challenge_metadata: str | None = None
    expires_at: float = 0.0


class SessionStore:
    """Session string -> AuthState, with single use and expiry (times from the stack clock)."""

    # Consumed sessions are remembered for this long only so the store cannot grow without bound.
    _GRACE_SECONDS = 3600.0

    def __init__(self) -> None:
        self._live: dict[str, AuthState] = {}
        self._lock = threading.Lock()

    def issue(
        self, state: AuthState, now: float, validity_seconds: float, key: str | None = None
    ) -> str:
        """Store the state under a new Session string (about 200 characters, within 20-4096).

        `key` lets the SRP step use its SECRET_BLOCK as the Session, so USER_SRP_AUTH clients that
        send no Session (pycognito) are still found by the block they echo.
        """
        session = key or secrets.token_urlsafe(150)
        state.expires_at = now + validity_seconds
        with self._lock:
            self._purge(now)
            self._live[session] = state
        return session

    def take(self, session: str | None, now: float) -> AuthState:
        """Consume a Session: it can be used once, before it expires."""
        if not session:
            raise invalid_parameter("Missing required parameter Session")
        with self._lock:
            state = self._live.pop(session, None)
        if state is None:
            raise not_authorized(INVALID_SESSION)
        if now > state.expires_at:
            raise not_authorized(EXPIRED_SESSION)
        return state

    def _purge(self, now: float) -> None:
        stale = [k for k, v in self._live.items() if v.expires_at + self._GRACE_SECONDS < now]
        for key in stale:
            del self._live[key]
