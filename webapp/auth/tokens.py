"""Verification of Cognito's JWTs: a user counts as signed in only after this says so.

Tokens arrive over TLS from Cognito, but the app still checks them as a relying party must:
RS256 signature against the pool's JWKS, issuer, audience (ID token) or client_id (access token),
token_use and expiry. The JWKS is fetched once and cached; an unknown key id (Cognito rotated its
keys) triggers a refetch, rate-limited so forged kids cannot make the app hammer the endpoint.
"""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from threading import Lock
from typing import Any, Final

import jwt

from webapp.auth.errors import AuthError, AuthErrorKind

Clock = Callable[[], float]
JwksFetcher = Callable[[str], Mapping[str, Any]]

_ALGORITHM: Final = "RS256"
_LEEWAY_SECONDS: Final = 30  # clock skew tolerated on exp/iat between Cognito and this host
_REFETCH_INTERVAL_SECONDS: Final = 60.0
# Cognito names the app client in `aud` on ID tokens but in `client_id` on access tokens.
_AUDIENCE_CLAIM: Final = {"id": "aud", "access": "client_id"}


class TokenError(AuthError):
    """A token failed a check (for Cognito's own answer that means misconfiguration: SERVICE).

    The message never contains the token; `reason` says which check failed, for logs and tests.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(AuthErrorKind.SERVICE, "token verification", "TokenError", reason)
        self.reason = reason


@dataclass(frozen=True)
class Identity:
    """Who is signed in, from a verified ID token."""

    sub: str
    email: str
    auth_time: int
    expires_at: int
    groups: tuple[str, ...] = ()  # `cognito:groups`, sorted (none: empty)
    # Every claim of the verified ID token (plain JSON values; the token itself is not kept here).
    claims: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "sub": self.sub,
            "email": self.email,
            "auth_time": self.auth_time,
            "expires_at": self.expires_at,
            "groups": list(self.groups),
            "claims": dict(self.claims),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Identity:
        return cls(
            sub=str(data["sub"]),
            email=str(data["email"]),
            auth_time=int(data["auth_time"]),
            expires_at=int(data["expires_at"]),
            groups=tuple(str(group) for group in data.get("groups") or ()),
            claims=dict(data.get("claims") or {}),
        )


def groups_claim(claims: Mapping[str, Any]) -> tuple[str, ...]:
    """The `cognito:groups` claim as a sorted tuple (absent or malformed: no group)."""
    raw = claims.get("cognito:groups")
    if not isinstance(raw, list):
        return ()
    return tuple(sorted(str(group) for group in raw if isinstance(group, str)))


def fetch_jwks(url: str) -> Mapping[str, Any]:
    """GET the JWKS document (https in production, http only for the local emulator)."""
    if not url.startswith(("https://", "http://")):
        raise TokenError("JWKS URL must be http(s)")
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - scheme checked above
        document: Mapping[str, Any] = json.load(response)
    return document


def issuer_for(region: str, user_pool_id: str, endpoint_url: str | None = None) -> str:
    """The `iss` of a pool's tokens: AWS's form, or the emulator's when an endpoint is given."""
    if endpoint_url:
        return f"{endpoint_url.rstrip('/')}/{user_pool_id}"
    return f"https://cognito-idp.{region}.amazonaws.com/{user_pool_id}"


def jwks_url_for(issuer: str) -> str:
    return f"{issuer}/.well-known/jwks.json"


class TokenVerifier:
    """Checks ID and access tokens of one pool and app client."""

    def __init__(
        self,
        issuer: str,
        client_id: str,
        jwks_url: str,
        clock: Clock = time.time,
        *,
        fetcher: JwksFetcher = fetch_jwks,
        refetch_interval: float = _REFETCH_INTERVAL_SECONDS,
    ) -> None:
        self.issuer = issuer
        self.client_id = client_id
        self.jwks_url = jwks_url
        self._clock = clock
        self._fetcher = fetcher
        self._refetch_interval = refetch_interval
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at: float | None = None
        self._lock = Lock()

    def _refresh_keys(self) -> None:
        document = self._fetcher(self.jwks_url)
        keys: dict[str, jwt.PyJWK] = {}
        for entry in document.get("keys", []):
            kid = entry.get("kid")
            if isinstance(kid, str) and entry.get("kty") == "RSA":
                keys[kid] = jwt.PyJWK(dict(entry), algorithm=_ALGORITHM)
        self._keys = keys

    def _key(self, kid: str) -> jwt.PyJWK:
        with self._lock:
            if kid in self._keys:
                return self._keys[kid]
            now = self._clock()
            if self._fetched_at is None or now - self._fetched_at >= self._refetch_interval:
                self._fetched_at = now
                try:
                    self._refresh_keys()
                except (OSError, ValueError, jwt.PyJWTError) as error:
                    raise TokenError(f"JWKS unavailable: {type(error).__name__}") from None
            if kid not in self._keys:
                raise TokenError("unknown signing key")
            return self._keys[kid]

    def _claims(self, token: str, token_use: str) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise TokenError("malformed token") from None
        if header.get("alg") != _ALGORITHM:
            raise TokenError("unexpected algorithm")
        kid = header.get("kid")
        if not isinstance(kid, str):
            raise TokenError("missing key id")
        key = self._key(kid)
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key=key,
                algorithms=[_ALGORITHM],
                issuer=self.issuer,
                # Expiry is checked below against the injected clock (the emulator's may be fake).
                options={
                    "verify_exp": False,
                    "verify_aud": False,
                    "verify_iat": False,
                    "verify_nbf": False,
                    "require": ["exp", "iss", "sub", "token_use"],
                },
            )
        except jwt.InvalidIssuerError:
            raise TokenError("wrong issuer") from None
        except jwt.PyJWTError as error:
            raise TokenError(f"invalid token: {type(error).__name__}") from None
        if claims.get("token_use") != token_use:
            raise TokenError("wrong token_use")
        audience = claims.get(_AUDIENCE_CLAIM[token_use])
        if audience != self.client_id:
            raise TokenError("wrong audience")
        exp = claims.get("exp")
        if not isinstance(exp, int | float) or exp + _LEEWAY_SECONDS <= self._clock():
            raise TokenError("expired")
        return claims

    def verify_id_token(self, token: str) -> Identity:
        """The identity in a valid ID token of this client; TokenError otherwise."""
        claims = self._claims(token, "id")
        email = claims.get("email")
        if not isinstance(email, str):
            raise TokenError("no email claim")
        return Identity(
            sub=str(claims["sub"]),
            email=email,
            auth_time=int(claims.get("auth_time", claims.get("iat", 0))),
            expires_at=int(claims["exp"]),
            groups=groups_claim(claims),
            claims=claims,
        )

    def verify_access_token(self, token: str) -> dict[str, Any]:
        """The claims of a valid access token of this client; TokenError otherwise."""
        return self._claims(token, "access")
