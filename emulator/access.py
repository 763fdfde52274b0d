"""The access-token gate: who a request's AccessToken signs in, or Cognito's refusal.

Every operation that takes an AccessToken goes through `token_user`, whether the engine answers
it (GetUser, ChangePassword, GlobalSignOut, DeleteUser, the attribute operations) or moto does
(`guard` runs first for those). moto would otherwise answer a revoked or foreign token with its
own words ("Invalid token", or the token itself as the message), which no Cognito client expects.

What Cognito answers, in the order the emulator checks:

- not a token this emulator signed (garbage, an ID token, another pool's or another emulator's
  token, a forged signature): NotAuthorizedException "Invalid Access Token";
- past its `exp` on the stack clock: "Access Token has expired" [U: which message a token both
  expired and revoked gets is undocumented; the signature and expiry are checked first, the way
  a JWT validator would];
- no longer listed by its pool (RevokeToken of its refresh token, GlobalSignOut,
  AdminUserGlobalSignOut, DeleteUser): "Access Token has been revoked";
- its user disabled: "User is disabled."
"""

from __future__ import annotations

from typing import Any

from emulator.engine import Engine
from emulator.errors import (
    INVALID_ACCESS_TOKEN,
    REVOKED_ACCESS_TOKEN,
    invalid_parameter,
    not_authorized,
)


def _pool_of(engine: Engine, claims: dict[str, Any]) -> Any:
    """The pool named by the token's issuer, which must be this emulator."""
    prefix = f"{engine.endpoint_url}/"
    issuer = str(claims.get("iss") or "")
    if not issuer.startswith(prefix):
        raise not_authorized(INVALID_ACCESS_TOKEN)
    pool = engine.backend.user_pools.get(issuer[len(prefix) :])
    if pool is None:
        raise not_authorized(INVALID_ACCESS_TOKEN)
    return pool


def token_user(engine: Engine, token: str) -> tuple[Any, Any, Any]:
    """(pool, app client, user) an access token signs in, or NotAuthorizedException."""
    claims = engine.tokens.access_claims(token, engine.clock.now())
    pool = _pool_of(engine, claims)
    entry = pool.access_tokens.get(token)
    if entry is None:
        raise not_authorized(REVOKED_ACCESS_TOKEN)
    client_id, username = entry
    user = pool.users.get(username)
    client = pool.clients.get(client_id)
    if user is None or client is None:
        # [U] Deleted by an administrator (AdminDeleteUser keeps the tokens listed): refused as
        # an invalid token. The user's own DeleteUser revokes them first.
        raise not_authorized(INVALID_ACCESS_TOKEN)
    if not user.enabled:
        raise not_authorized("User is disabled.")
    return pool, client, user


def signed_in_user(engine: Engine, params: dict[str, Any]) -> tuple[Any, Any, Any]:
    """(pool, app client, user) for the AccessToken of a request the engine answers."""
    token = params.get("AccessToken")
    if not token or not isinstance(token, str):
        raise invalid_parameter("Missing required parameter AccessToken")
    return token_user(engine, token)


def guard(engine: Engine, params: dict[str, Any]) -> None:
    """Before moto answers an operation carrying an AccessToken: refuse it as Cognito would.

    A token that passes is one moto lists too (the issuer registers it there), so moto's own
    handling of the operation then works as it does for its own tokens.
    """
    token = params.get("AccessToken")
    if isinstance(token, str) and token:
        token_user(engine, token)
