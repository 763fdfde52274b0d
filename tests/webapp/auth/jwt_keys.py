"""A test signing key and JWKS, to forge Cognito-shaped tokens without any AWS call."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

ISSUER = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Test"
CLIENT_ID = "client-abc"
JWKS_URL = ISSUER + "/.well-known/jwks.json"
NOW = 1_800_000_000.0


@dataclass
class SigningKey:
    kid: str
    private: rsa.RSAPrivateKey = field(repr=False)

    @classmethod
    def generate(cls, kid: str) -> SigningKey:
        return cls(kid, rsa.generate_private_key(public_exponent=65537, key_size=2048))

    def jwk(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(
            jwt.algorithms.RSAAlgorithm.to_jwk(self.private.public_key())
        )
        data.update({"kid": self.kid, "alg": "RS256", "use": "sig"})
        return data

    def sign(self, claims: dict[str, Any], *, alg: str = "RS256", kid: str | None = None) -> str:
        return jwt.encode(claims, self.private, algorithm=alg, headers={"kid": kid or self.kid})


def id_claims(**overrides: Any) -> dict[str, Any]:
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "sub": "sub-123",
        "aud": CLIENT_ID,
        "token_use": "id",
        "email": "ada@example.com",
        "auth_time": int(NOW) - 5,
        "iat": int(NOW) - 5,
        "exp": int(NOW) + 3600,
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def access_claims(**overrides: Any) -> dict[str, Any]:
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "sub": "sub-123",
        "client_id": CLIENT_ID,
        "token_use": "access",
        "scope": "aws.cognito.signin.user.admin",
        "iat": int(NOW) - 5,
        "exp": int(NOW) + 3600,
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


class JwksServer:
    """Counts fetches, so caching and rate limiting are observable."""

    def __init__(self, *keys: SigningKey) -> None:
        self.keys = list(keys)
        self.fetches = 0

    def __call__(self, url: str) -> dict[str, Any]:
        assert url == JWKS_URL
        self.fetches += 1
        return {"keys": [key.jwk() for key in self.keys]}
