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
# The ExplicitAuthFlows value that lets a client use each AuthFlow.
_FLAG_OF_FLOW = {
    "ADMIN_NO_SRP_AUTH": "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "ADMIN_USER_PASSWORD_AUTH": "ALLOW_ADMIN_USER_PASSWORD_AUTH",
}
# Cognito's answer to a flow the client does not enable, word for word where public error
# reports quote it (USER_SRP_AUTH, CUSTOM_AUTH, USER_PASSWORD_AUTH, the admin password flow);
# USER_AUTH's is quoted by one troubleshooting page only and the refresh one by none [U].
_NOT_ENABLED = {
    "USER_SRP_AUTH": "USER_SRP_AUTH is not enabled for the client.",
    "CUSTOM_AUTH": "CUSTOM_AUTH is not enabled for the client.",
    "USER_PASSWORD_AUTH": "USER_PASSWORD_AUTH flow not enabled for this client",
    "USER_AUTH": "USER_AUTH flow not enabled for this client",
    "ADMIN_USER_PASSWORD_AUTH": "Auth flow not enabled for this client",
    "ADMIN_NO_SRP_AUTH": "Auth flow not enabled for this client",
    "REFRESH_TOKEN_AUTH": "Refresh Token is not enabled for the client.",
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
    """A user by username or by an alias attribute (email), case-insensitively like Cognito.

    Every lookup reads every user, with no early exit (moto's own lookup stops at the match):
    finding an account must cost what missing one costs, or sign-in timing tells which
    addresses have accounts. An exact match wins over a case-folded one.
    """
    if not username:
        return None
    wanted = username.lower()
    aliases = set(pool.extended_config.get("UsernameAttributes") or []) | set(
        pool.extended_config.get("AliasAttributes") or []
    )
    exact = pool.users.get(username)
    folded = None
    for candidate in list(pool.users.values()):
        names = [candidate.username, *(candidate.attribute_lookup.get(a) for a in aliases)]
        for name in names:
            if not isinstance(name, str):
                continue
            if exact is None and name == username:
                exact = candidate
            elif folded is None and name.lower() == wanted:
                folded = candidate
    return exact or folded


def prevents_user_existence_errors(client: Any) -> bool:
    return bool(client.extended_config.get("PreventUserExistenceErrors") == "ENABLED")


def allowed_flows(client: Any) -> frozenset[str]:
    """The client's ExplicitAuthFlows as ALLOW_* values: exactly those listed, else the default."""
    configured = client.extended_config.get("ExplicitAuthFlows") or []
    if not configured:
        return DEFAULT_FLOWS
    return frozenset(_LEGACY_FLOWS.get(flow, flow) for flow in configured)


def flow_enabled(client: Any, flow: str) -> bool:
    return _FLAG_OF_FLOW.get(flow, f"ALLOW_{flow}") in allowed_flows(client)


def require_flow(client: Any, flow: str) -> None:
    """Refuse an auth flow the app client does not allow, with Cognito's message for it.

    Every flow goes through here before anything else: a flow that is not enabled must never
    reach a code path (or moto) that could issue tokens.
    """
    if not flow_enabled(client, flow):
        message = _NOT_ENABLED.get(flow, f"{flow} is not enabled for the client.")
        raise invalid_parameter(message)


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


def check_client_secret(client: Any, received: str | None) -> None:
    """For clients with a secret: the ClientSecret parameter (RevokeToken,
    GetTokensFromRefreshToken) must be the secret itself.

    [U] The messages are SECRET_HASH's (`check_secret_hash`): none is quoted for these
    operations.
    """
    if not client.generate_secret:
        return
    if not received:
        raise not_authorized(
            f"Client {client.id} is configured for secret but secret was not received"
        )
    if not hmac.compare_digest(received.encode(), str(client.secret).encode()):
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
