"""Everything a refresh token does: REFRESH_TOKEN_AUTH, GetTokensFromRefreshToken, RevokeToken.

GetTokensFromRefreshToken is what Amplify v6's `fetchAuthSession({forceRefresh: true})` calls
(and its token orchestrator when tokens expire); the web app uses InitiateAuth
REFRESH_TOKEN_AUTH. Both renew the same way (`renew`): with refresh-token rotation off, as
Cognito documents, new ID and access tokens with the sign-in's `origin_jti` and `auth_time`, and
no new refresh token. The refusals, all NotAuthorizedException:

- a token this emulator never issued (malformed, another emulator's, or moto's):
  "Invalid Refresh Token.";
- a token of another app client ("You're using a different app client ID than the one that
  issued the refresh token", AWS re:Post knowledge center): "Invalid Refresh Token.";
- past its RefreshTokenValidity on the stack clock: "Refresh Token has expired";
- revoked (RevokeToken, GlobalSignOut, AdminUserGlobalSignOut, DeleteUser):
  "Refresh Token has been revoked".
"""

from __future__ import annotations

from typing import Any

from emulator.engine import Engine
from emulator.errors import (
    INVALID_REFRESH_TOKEN,
    REVOKED_REFRESH_TOKEN,
    CognitoError,
    invalid_parameter,
    not_authorized,
)
from emulator.pools import (
    check_client_secret,
    check_secret_hash,
    find_pool_for_client,
    require_flow,
    user_email,
)
from emulator.tokens import ReadableUser, RefreshRecord, TokenSet

REFRESH_FLOW = "REFRESH_TOKEN_AUTH"


def _require(values: dict[str, Any], name: str) -> str:
    value = values.get(name)
    if not value or not isinstance(value, str):
        raise invalid_parameter(f"Missing required parameter {name}")
    return value


def _owner(engine: Engine, pool: Any, client: Any, token: str) -> tuple[Any, RefreshRecord]:
    """The user a live refresh token of this client belongs to, and what the token stands for."""
    record = engine.tokens.refresh_record(token, engine.clock.now())
    if record.pool_id != pool.id or record.client_id != client.id:
        raise not_authorized(INVALID_REFRESH_TOKEN)
    if token not in pool.refresh_tokens:
        raise not_authorized(INVALID_REFRESH_TOKEN)
    if pool.refresh_tokens[token] is None:
        raise not_authorized(REVOKED_REFRESH_TOKEN)
    user = pool.users.get(record.username)
    if user is None:  # [U] deleted by an administrator: refused as an invalid token
        raise not_authorized(INVALID_REFRESH_TOKEN)
    return user, record


def renew(engine: Engine, pool: Any, client: Any, user: Any, record: RefreshRecord) -> TokenSet:
    """New ID and access tokens for the token's sign-in: its origin_jti and auth_time."""
    if not user.enabled:
        raise not_authorized("User is disabled.")
    return engine.tokens.issue(
        pool=pool,
        client_id=client.id,
        user=ReadableUser(user, client),
        issuer=engine.issuer(pool.id),
        now=engine.clock.now(),
        with_refresh=False,
        origin_jti=record.origin_jti,
        auth_time=record.auth_time,
    )


def refresh_token_auth(
    engine: Engine, pool: Any, client: Any, auth: dict[str, str]
) -> dict[str, Any]:
    """InitiateAuth / AdminInitiateAuth REFRESH_TOKEN_AUTH (the caller checked the flow)."""
    token = _require(auth, "REFRESH_TOKEN")
    user, record = _owner(engine, pool, client, token)
    check_secret_hash(client, auth.get("SECRET_HASH"), [user.username, user.id, user_email(user)])
    tokens = renew(engine, pool, client, user, record)
    return {"ChallengeParameters": {}, "AuthenticationResult": tokens.authentication_result()}


def _rotates(client: Any) -> bool:
    rotation = client.extended_config.get("RefreshTokenRotation") or {}
    return bool(rotation.get("Feature") == "ENABLED")


def get_tokens_from_refresh_token(engine: Engine, params: dict[str, Any]) -> dict[str, Any]:
    """GetTokensFromRefreshToken, as Amplify v6 sends it: ClientId, RefreshToken, and
    ClientSecret when the client has one (DeviceKey and ClientMetadata are accepted and unused:
    no device tracking and no pre token generation trigger here).
    """
    pool, client = find_pool_for_client(engine.backend, params.get("ClientId"))
    token = _require(params, "RefreshToken")
    check_client_secret(client, params.get("ClientSecret"))
    if _rotates(client):
        # Rotation issues a new refresh token and retires the old one after a grace period,
        # with RefreshTokenReuseException for reuse: not emulated, so refused rather than
        # answered as if rotation were off.
        raise invalid_parameter("Refresh token rotation is not supported by the emulator.")
    # [U] Without rotation, the client must allow refreshing at all (ALLOW_REFRESH_TOKEN_AUTH),
    # as for REFRESH_TOKEN_AUTH: a client that disables refresh has no back door to it.
    require_flow(client, REFRESH_FLOW)
    user, record = _owner(engine, pool, client, token)
    tokens = renew(engine, pool, client, user, record)
    return {"AuthenticationResult": tokens.authentication_result()}


def revoke_token(engine: Engine, params: dict[str, Any]) -> dict[str, Any]:
    """RevokeToken: the refresh token and every access token issued from it."""
    pool, client = find_pool_for_client(engine.backend, params.get("ClientId"))
    check_client_secret(client, params.get("ClientSecret"))
    if client.extended_config.get("EnableTokenRevocation") is False:
        raise CognitoError(
            "UnsupportedOperationException", "Token revocation is not enabled for the client."
        )
    token = _require(params, "Token")
    record = engine.tokens.refresh_record(token, engine.clock.now())
    if record.client_id != client.id:
        raise not_authorized("Invalid token")
    engine.tokens.revoke_origin(pool, record.origin_jti)
    return {}


REFRESH_OPERATIONS = {
    "GetTokensFromRefreshToken": get_tokens_from_refresh_token,
    "RevokeToken": revoke_token,
}
