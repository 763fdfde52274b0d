"""Reading moto's user pools the way Cognito applies them: clients, users, flows, secrets, policy.

Small checks shared by the sign-in and the account operations; each raises the CognitoError the
real service returns.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from typing import Any

from emulator.errors import CognitoError, invalid_parameter, not_authorized

# ExplicitAuthFlows an app client has when it names none (Cognito's documented default).
DEFAULT_FLOWS = frozenset({"ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"})
_LEGACY_FLOWS = {
    "CUSTOM_AUTH_FLOW_ONLY": "ALLOW_CUSTOM_AUTH",
    "USER_PASSWORD_AUTH": "ALLOW_USER_PASSWORD_AUTH",
    "ADMIN_NO_SRP_AUTH": "ALLOW_ADMIN_USER_PASSWORD_AUTH",
}
_SYMBOLS = set("^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ")


def find_pool_for_client(backend: Any, client_id: str | None) -> tuple[Any, Any]:
    """The pool and app client for a ClientId, or ResourceNotFoundException."""
    if client_id:
        for pool in list(backend.user_pools.values()):
            client = pool.clients.get(client_id)
            if client is not None:
                return pool, client
    raise CognitoError("ResourceNotFoundException", f"User pool client {client_id} does not exist.")


def find_user(pool: Any, username: str | None) -> Any | None:
    """A user by username or by an alias attribute (email), case-insensitively like Cognito."""
    if not username:
        return None
    user = pool._get_user(username)
    if user is not None:
        return user
    wanted = username.lower()
    aliases = set(pool.extended_config.get("UsernameAttributes") or []) | set(
        pool.extended_config.get("AliasAttributes") or []
    )
    for candidate in list(pool.users.values()):
        if candidate.username.lower() == wanted:
            return candidate
        for alias in aliases:
            value = candidate.attribute_lookup.get(alias)
            if isinstance(value, str) and value.lower() == wanted:
                return candidate
    return None


def prevents_user_existence_errors(client: Any) -> bool:
    return bool(client.extended_config.get("PreventUserExistenceErrors") == "ENABLED")


def allowed_flows(client: Any) -> frozenset[str]:
    configured = client.extended_config.get("ExplicitAuthFlows") or []
    if not configured:
        return DEFAULT_FLOWS
    return frozenset(_LEGACY_FLOWS.get(flow, flow) for flow in configured)


def require_flow(client: Any, flow: str) -> None:
    """Refuse an auth flow the app client does not allow."""
    if f"ALLOW_{flow}" not in allowed_flows(client):
        label = "Refresh Token" if flow == "REFRESH_TOKEN_AUTH" else flow
        raise invalid_parameter(f"{label} is not enabled for the client.")


def secret_hash(username: str, client_id: str, client_secret: str) -> str:
    digest = hmac.new(
        client_secret.encode(), (username + client_id).encode(), hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode()


def check_secret_hash(client: Any, received: str | None, usernames: list[str | None]) -> None:
    """For clients with a secret: SECRET_HASH must be HMAC(secret, username + client id).

    Any of the names the user is known by (as typed, alias, internal username) is accepted.
    """
    if not client.generate_secret:
        return
    if not received:
        raise not_authorized(
            f"Client {client.id} is configured for secret but secret was not received"
        )
    for name in usernames:
        if name and hmac.compare_digest(
            secret_hash(name, client.id, client.secret).encode(), received.encode()
        ):
            return
    raise not_authorized(f"Unable to verify secret hash for client {client.id}")


def password_problems(pool: Any, password: str) -> list[str]:
    """The pool's PasswordPolicy rules the password breaks, in Cognito's words."""
    policy = (pool.extended_config.get("Policies") or {}).get("PasswordPolicy") or {}
    problems: list[str] = []
    if len(password) < int(policy.get("MinimumLength", 8)):
        problems.append("Password not long enough")
    if policy.get("RequireUppercase", True) and not re.search(r"[A-Z]", password):
        problems.append("Password must have uppercase characters")
    if policy.get("RequireLowercase", True) and not re.search(r"[a-z]", password):
        problems.append("Password must have lowercase characters")
    if policy.get("RequireNumbers", True) and not re.search(r"[0-9]", password):
        problems.append("Password must have numeric characters")
    if policy.get("RequireSymbols", True) and not any(c in _SYMBOLS for c in password):
        problems.append("Password must have symbol characters")
    return problems


def enforce_password_policy(pool: Any, password: str, prefix: str) -> None:
    problems = password_problems(pool, password)
    if problems:
        raise CognitoError("InvalidPasswordException", f"{prefix}: {problems[0]}")


def mask_email(address: str) -> str:
    """Cognito's masked destination, e.g. "a***@e***" for alice@example.com."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain[:1]}***"


def user_email(user: Any) -> str | None:
    value = user.attribute_lookup.get("email")
    return str(value) if value else None
