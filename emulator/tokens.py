"""ID and access tokens (RS256 JWTs checkable with the JWKS) and opaque refresh tokens.

One RSA key per emulator instance (Cognito has one key set per pool; a client only needs the
`kid` to find the key in the JWKS served for its pool). Claims follow what Cognito puts in its
tokens: iss = "<endpoint>/<pool id>", aud (ID token) / client_id (access token), token_use, exp.

Refresh tokens are random strings that mean something only to the emulator that issued them
(Cognito's are encrypted JWEs nobody else can read): what a refresh needs (client, user, origin,
auth_time, expiry) stays here, so no client or test can come to depend on reading them.

Issued tokens are also registered in moto's pool (`access_tokens`, `refresh_tokens`): revocation
lives there, so moto's AdminUserGlobalSignOut revokes the emulator's tokens too.
"""

from __future__ import annotations

import json
import secrets
import threading
import uuid
from dataclasses import dataclass
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from emulator.attributes import readable
from emulator.errors import (
    EXPIRED_ACCESS_TOKEN,
    EXPIRED_REFRESH_TOKEN,
    INVALID_ACCESS_TOKEN,
    INVALID_REFRESH_TOKEN,
    not_authorized,
)

_UNIT_SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}
# Cognito's defaults when the app client sets nothing: 1 hour, 1 hour, 30 days.
_DEFAULTS = {"AccessToken": (1, "hours"), "IdToken": (1, "hours"), "RefreshToken": (30, "days")}
# Random bytes in a refresh token (86 URL-safe characters): unguessable, and nothing to decode.
REFRESH_TOKEN_BYTES = 64
_CONFIG_KEY = {
    "AccessToken": "AccessTokenValidity",
    "IdToken": "IdTokenValidity",
    "RefreshToken": "RefreshTokenValidity",
}


def validity_seconds(client_config: dict[str, Any], token: str) -> int:
    """A token's lifetime from the app client's *TokenValidity and TokenValidityUnits."""
    default_value, default_unit = _DEFAULTS[token]
    value = client_config.get(_CONFIG_KEY[token]) or default_value
    units = client_config.get("TokenValidityUnits") or {}
    unit = units.get(token) or default_unit
    return int(value) * _UNIT_SECONDS[unit]


class ReadableUser:
    """What the token issuer may see of a user through one app client: its ReadAttributes."""

    def __init__(self, user: Any, client: Any) -> None:
        self.id = user.id
        self.username = user.username
        self.groups = user.groups
        self.attributes = readable(client.extended_config, user.attributes)


@dataclass(frozen=True)
class RefreshRecord:
    """What an opaque refresh token stands for (kept by the issuer, never inside the token)."""

    pool_id: str
    client_id: str
    username: str
    origin_jti: str
    auth_time: int
    expires_at: float


@dataclass(frozen=True)
class TokenSet:
    access_token: str
    id_token: str
    refresh_token: str | None
    expires_in: int

    def authentication_result(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "AccessToken": self.access_token,
            "ExpiresIn": self.expires_in,
            "TokenType": "Bearer",
            "IdToken": self.id_token,
        }
        if self.refresh_token is not None:
            result["RefreshToken"] = self.refresh_token
        return result


class TokenIssuer:
    """Signs tokens, serves the JWKS, and remembers refresh tokens (origin) to refresh/revoke."""

    def __init__(self) -> None:
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = secrets.token_hex(16)
        self._lock = threading.Lock()
        self._refresh: dict[str, RefreshRecord] = {}

    def jwks(self) -> dict[str, Any]:
        public = json.loads(RSAAlgorithm.to_jwk(self._key.public_key()))
        public.update({"kid": self.kid, "alg": "RS256", "use": "sig"})
        return {"keys": [public]}

    def _sign(self, claims: dict[str, Any]) -> str:
        return jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": self.kid})

    def issue(
        self,
        *,
        pool: Any,
        client_id: str,
        user: Any,
        issuer: str,
        now: float,
        with_refresh: bool = True,
        origin_jti: str | None = None,
        auth_time: int | None = None,
    ) -> TokenSet:
        """Sign access + ID tokens (and a refresh token) and register them in moto's pool."""
        client_config = pool.clients[client_id].extended_config
        origin = origin_jti or str(uuid.uuid4())
        event_id = str(uuid.uuid4())
        iat = int(now)
        auth = auth_time if auth_time is not None else iat
        attributes = {a["Name"]: a["Value"] for a in user.attributes}
        access_life = validity_seconds(client_config, "AccessToken")
        common = {"sub": user.id, "iss": issuer, "origin_jti": origin, "event_id": event_id}
        groups = sorted(g.group_name for g in user.groups)
        access_claims = {
            **common,
            "client_id": client_id,
            "token_use": "access",
            "scope": "aws.cognito.signin.user.admin",
            "auth_time": auth,
            "iat": iat,
            "exp": iat + access_life,
            "jti": str(uuid.uuid4()),
            "username": user.username,
        }
        id_claims: dict[str, Any] = {
            **common,
            "aud": client_id,
            "token_use": "id",
            "auth_time": auth,
            "iat": iat,
            "exp": iat + validity_seconds(client_config, "IdToken"),
            "jti": str(uuid.uuid4()),
            "cognito:username": user.username,
        }
        if groups:
            access_claims["cognito:groups"] = groups
            id_claims["cognito:groups"] = groups
        for name, value in attributes.items():
            if name == "sub":
                continue
            if name.endswith("_verified"):
                id_claims[name] = value == "true"
            else:
                id_claims[name] = value
        access_token = self._sign(access_claims)
        id_token = self._sign(id_claims)
        refresh_token: str | None = None
        if with_refresh:
            refresh_token = secrets.token_urlsafe(REFRESH_TOKEN_BYTES)
            record = RefreshRecord(
                pool_id=str(pool.id),
                client_id=client_id,
                username=user.username,
                origin_jti=origin,
                auth_time=auth,
                expires_at=iat + validity_seconds(client_config, "RefreshToken"),
            )
            with self._lock:
                self._refresh[refresh_token] = record
                pool.refresh_tokens[refresh_token] = (client_id, user.username, origin)
        with self._lock:
            pool.access_tokens[access_token] = (client_id, user.username)
            pool.id_tokens[id_token] = (client_id, user.username)
        return TokenSet(access_token, id_token, refresh_token, access_life)

    def refresh_record(self, token: str, now: float) -> RefreshRecord:
        """What a refresh token this emulator issued stands for, unless it has expired.

        Revocation is not judged here: it lives in moto's pool (`refresh_tokens[token] is None`),
        where GlobalSignOut and AdminUserGlobalSignOut record it.
        """
        with self._lock:
            record = self._refresh.get(token)
        if record is None:
            raise not_authorized(INVALID_REFRESH_TOKEN)
        if now > record.expires_at:
            raise not_authorized(EXPIRED_REFRESH_TOKEN)
        return record

    def access_claims(self, token: str, now: float) -> dict[str, Any]:
        """The claims of an access token this emulator signed, unless it has expired.

        Revocation is not judged here (see `emulator.access`).
        """
        claims = self._decode(token)
        if claims is None or claims.get("token_use") != "access":
            raise not_authorized(INVALID_ACCESS_TOKEN)
        if now > float(claims.get("exp", 0)):
            raise not_authorized(EXPIRED_ACCESS_TOKEN)
        return claims

    def _decode(self, token: str) -> dict[str, Any] | None:
        """The claims of a JWT this emulator signed, or None; times are left to the caller.

        Time claims are judged against the stack's clock, not PyJWT's real clock: after
        `clock.advance` a fresh token's iat would look like it is in the future.
        """
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                self._key.public_key(),
                algorithms=["RS256"],
                options={
                    "verify_exp": False,
                    "verify_iat": False,
                    "verify_nbf": False,
                    "verify_aud": False,
                    "verify_iss": False,
                },
            )
        except jwt.PyJWTError:
            return None
        return claims

    def revoke_origin(self, pool: Any, origin_jti: str) -> None:
        """Invalidate a refresh token and every access token issued from it (RevokeToken)."""
        with self._lock:
            for token, entry in list(pool.refresh_tokens.items()):
                if entry is not None and entry[2] == origin_jti:
                    pool.refresh_tokens[token] = None
            for token in list(pool.access_tokens):
                if self._origin_of(token) == origin_jti:
                    pool.access_tokens.pop(token, None)

    def _origin_of(self, token: str) -> str | None:
        claims = self._decode(token)
        origin = claims.get("origin_jti") if claims else None
        return str(origin) if origin is not None else None
