"""The emulated Cognito operations' shared context, and the table of operations it answers.

moto keeps the pools, clients and users; the engine adds what moto lacks (real SRP, custom-auth
triggers, sessions, codes, emails, signed tokens). Operations not in `OPERATIONS` go to moto.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from emulator import srp
from emulator.clock import Clock
from emulator.codes import CodeBook
from emulator.errors import CognitoError
from emulator.limits import HourlyLimits
from emulator.lockout import Lockout
from emulator.mailbox import Mailbox
from emulator.sessions import SessionStore
from emulator.tokens import TokenIssuer
from emulator.triggers import TriggerRegistry
from emulator.verification import AttributeVerifications

Operation = Callable[["Engine", dict[str, Any]], dict[str, Any]]
# Unknown users' stand-in verifiers kept (about 400 bytes each).
SIMULATED_VERIFIERS_KEPT = 10_000


@dataclass
class Engine:
    """State of one emulator instance (one server): shared by every request it handles."""

    account_id: str
    region: str
    clock: Clock
    mailbox: Mailbox
    registry: TriggerRegistry
    endpoint_url: str = ""
    sessions: SessionStore = field(default_factory=SessionStore)
    codes: CodeBook = field(default_factory=CodeBook)
    tokens: TokenIssuer = field(default_factory=TokenIssuer)
    lockout: Lockout = field(default_factory=Lockout)
    limits: HourlyLimits = field(default_factory=HourlyLimits)
    verifications: AttributeVerifications = field(default_factory=AttributeVerifications)
    _instance_key: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    _salts: dict[tuple[str, str], str] = field(default_factory=dict)
    _verifiers: dict[tuple[str, str], tuple[bytes, int]] = field(default_factory=dict)
    _simulated: dict[tuple[str, str], int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    keepers: list[Callable[[], None]] = field(default_factory=list)

    def keep_resources(self) -> None:
        """Run the stack's keepers: they restore what a moto reset (mock_aws) wiped out."""
        for keeper in list(self.keepers):
            keeper()

    @property
    def backend(self) -> Any:
        from moto.cognitoidp.models import cognitoidp_backends

        return cognitoidp_backends[self.account_id][self.region]

    def issuer(self, pool_id: str) -> str:
        return f"{self.endpoint_url}/{pool_id}"

    # --- SRP material per user -------------------------------------------------------------

    def salt_for(self, pool_id: str, user_key: str) -> str:
        with self._lock:
            salt = self._salts.get((pool_id, user_key))
            if salt is None:
                salt = self._salts[(pool_id, user_key)] = srp.new_salt()
            return salt

    def verifier_for(self, pool_id: str, user: Any) -> tuple[str, int]:
        """(salt, v) for a user, derived from moto's stored password and cached until it changes."""
        salt = self.salt_for(pool_id, user.id)
        password = user.password or ""
        fingerprint = hmac.new(self._instance_key, password.encode(), hashlib.sha256).digest()
        key = (pool_id, user.id)
        with self._lock:
            cached = self._verifiers.get(key)
        if cached is not None and hmac.compare_digest(cached[0], fingerprint):
            return salt, cached[1]
        verifier = srp.compute_verifier(pool_id, user.username, password, salt)
        with self._lock:
            self._verifiers[key] = (fingerprint, verifier)
        return salt, verifier

    def simulated_srp_identity(self, pool_id: str, username: str) -> tuple[str, str]:
        """Salt and UUID-form id for an unknown user, stable per (pool, name) as documented."""
        digest = hmac.new(
            self._instance_key, f"{pool_id}\0{username.lower()}".encode(), hashlib.sha256
        ).digest()
        salt = format(int.from_bytes(digest[:16], "big") | (1 << 127), "x")
        raw = digest[16:32].hex()
        fake_id = f"{raw[:8]}-{raw[8:12]}-4{raw[13:16]}-a{raw[17:20]}-{raw[20:32]}"
        return salt, fake_id

    def simulated_verifier(self, pool_id: str, username: str) -> int:
        """The verifier an unknown user's simulated SRP runs with: stable per (pool, name),
        derived without exponentiation (srp.simulated_verifier) and cached like a real one.

        The cache is bounded (oldest out first), so names an attacker makes up cannot grow it.
        """
        key = (pool_id, username.lower())
        with self._lock:
            cached = self._simulated.get(key)
        if cached is not None:
            return cached
        verifier = srp.simulated_verifier(self._instance_key, f"verifier\0{key[0]}\0{key[1]}")
        with self._lock:
            self._simulated[key] = verifier
            while len(self._simulated) > SIMULATED_VERIFIERS_KEPT:
                del self._simulated[next(iter(self._simulated))]
        return verifier

    # --- triggers ---------------------------------------------------------------------------

    def trigger_arn(self, pool: Any, trigger: str) -> str | None:
        config = pool.extended_config.get("LambdaConfig") or {}
        arn = config.get(trigger)
        return str(arn) if arn else None

    def invoke(self, pool: Any, trigger: str, event: dict[str, Any]) -> dict[str, Any] | None:
        """Run the pool's trigger if it has one; return its response (None if not configured)."""
        arn = self.trigger_arn(pool, trigger)
        if arn is None:
            return None
        result = self.registry.invoke(trigger, arn, event)
        response: dict[str, Any] = result["response"]
        return response


def dispatch(engine: Engine, operation: str, params: dict[str, Any]) -> dict[str, Any] | None:
    """Answer an operation the engine owns; None means "let moto answer it"."""
    handler = _operations().get(operation)
    if handler is None:
        return None
    return handler(engine, params)


def _operations() -> dict[str, Operation]:
    from emulator.accounts import ACCOUNT_OPERATIONS
    from emulator.auth import AUTH_OPERATIONS
    from emulator.profile import PROFILE_OPERATIONS
    from emulator.refresh import REFRESH_OPERATIONS
    from emulator.self_service import SELF_SERVICE_OPERATIONS

    return {
        **AUTH_OPERATIONS,
        **REFRESH_OPERATIONS,
        **ACCOUNT_OPERATIONS,
        **PROFILE_OPERATIONS,
        **SELF_SERVICE_OPERATIONS,
    }


def owned_operations() -> frozenset[str]:
    return frozenset(_operations())


__all__ = ["CognitoError", "Engine", "Operation", "dispatch", "owned_operations"]
