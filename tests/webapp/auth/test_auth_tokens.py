"""Only genuine, current tokens of this pool and client are accepted."""

from __future__ import annotations

from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from tests.webapp.auth.jwt_keys import (
    CLIENT_ID,
    ISSUER,
    JWKS_URL,
    NOW,
    JwksServer,
    SigningKey,
    access_claims,
    id_claims,
)
from webapp.auth.errors import AuthError, AuthErrorKind
from webapp.auth.tokens import Identity, TokenError, TokenVerifier, issuer_for, jwks_url_for


class Clock:
    def __init__(self, now: float = NOW) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def key() -> SigningKey:
    return SigningKey.generate("key-1")


@pytest.fixture(scope="module")
def other_key() -> SigningKey:
    return SigningKey.generate("key-2")


def verifier_for(server: JwksServer, clock: Clock | None = None) -> TokenVerifier:
    return TokenVerifier(ISSUER, CLIENT_ID, JWKS_URL, clock or Clock(), fetcher=server)


def test_a_valid_id_token_gives_the_identity(key: SigningKey) -> None:
    identity = verifier_for(JwksServer(key)).verify_id_token(key.sign(id_claims()))
    assert identity == Identity(
        sub="sub-123", email="ada@example.com", auth_time=int(NOW) - 5, expires_at=int(NOW) + 3600
    )
    assert Identity.from_dict(identity.to_dict()) == identity


def test_a_valid_access_token_gives_its_claims(key: SigningKey) -> None:
    claims = verifier_for(JwksServer(key)).verify_access_token(key.sign(access_claims()))
    assert claims["client_id"] == CLIENT_ID
    assert claims["sub"] == "sub-123"


FORGERIES: list[tuple[str, dict[str, Any]]] = [
    ("wrong issuer", id_claims(iss="https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other")),
    ("wrong audience", id_claims(aud="someone-else")),
    ("access token as id", access_claims()),
    ("refresh-ish token_use", id_claims(token_use="refresh")),
    ("expired", id_claims(exp=int(NOW) - 31)),
    ("no exp", id_claims(exp=None)),
    ("no token_use", id_claims(token_use=None)),
    ("no email", id_claims(email=None)),
]


@pytest.mark.parametrize(("reason", "claims"), FORGERIES, ids=[f[0] for f in FORGERIES])
def test_an_id_token_failing_a_check_is_refused(
    key: SigningKey, reason: str, claims: dict[str, Any]
) -> None:
    token = key.sign(claims)
    with pytest.raises(TokenError) as caught:
        verifier_for(JwksServer(key)).verify_id_token(token)
    assert token not in str(caught.value)
    assert caught.value.kind is AuthErrorKind.SERVICE


@pytest.mark.parametrize(
    "claims",
    [id_claims(), access_claims(client_id="someone-else"), access_claims(exp=int(NOW) - 60)],
)
def test_an_access_token_failing_a_check_is_refused(
    key: SigningKey, claims: dict[str, Any]
) -> None:
    with pytest.raises(TokenError):
        verifier_for(JwksServer(key)).verify_access_token(key.sign(claims))


def test_expiry_allows_a_small_clock_skew_only(key: SigningKey) -> None:
    clock = Clock()
    verifier = verifier_for(JwksServer(key), clock)
    token = key.sign(id_claims(exp=int(NOW) + 10))
    clock.now = NOW + 35  # 25 s past exp: inside the 30 s leeway
    assert verifier.verify_id_token(token).sub == "sub-123"
    clock.now = NOW + 41
    with pytest.raises(TokenError, match="expired"):
        verifier.verify_id_token(token)


def test_a_token_signed_by_an_unknown_key_is_refused(
    key: SigningKey, other_key: SigningKey
) -> None:
    # Signed by a key the JWKS does not list, but claiming the JWKS key's kid.
    forged = other_key.sign(id_claims(), kid=key.kid)
    with pytest.raises(TokenError):
        verifier_for(JwksServer(key)).verify_id_token(forged)


def test_unsigned_and_symmetric_tokens_are_refused(key: SigningKey) -> None:
    unsigned = jwt.encode(id_claims(), None, algorithm="none", headers={"kid": key.kid})
    # The classic confusion attack: HS256 keyed with bytes of the public key.
    public_pem = key.private.public_key().public_bytes(
        Encoding.PEM, PublicFormat.SubjectPublicKeyInfo
    )
    hs256 = jwt.encode(id_claims(), public_pem[:32], algorithm="HS256", headers={"kid": key.kid})
    verifier = verifier_for(JwksServer(key))
    for token in (unsigned, hs256, "not.a.jwt", ""):
        with pytest.raises(AuthError):
            verifier.verify_id_token(token)


def test_the_jwks_is_fetched_once_and_cached(key: SigningKey) -> None:
    server = JwksServer(key)
    verifier = verifier_for(server)
    for _ in range(3):
        verifier.verify_id_token(key.sign(id_claims()))
    assert server.fetches == 1


def test_an_unknown_kid_refetches_at_most_once_a_minute(
    key: SigningKey, other_key: SigningKey
) -> None:
    server = JwksServer(key)
    clock = Clock()
    verifier = verifier_for(server, clock)
    verifier.verify_id_token(key.sign(id_claims()))
    rotated = other_key.sign(id_claims())
    for _ in range(5):  # a storm of unknown kids costs no extra fetches
        with pytest.raises(TokenError, match="unknown signing key"):
            verifier.verify_id_token(rotated)
    assert server.fetches == 1
    server.keys.append(other_key)  # Cognito rotates its keys
    clock.now += 61
    assert verifier.verify_id_token(rotated).email == "ada@example.com"
    assert server.fetches == 2


def test_an_unreachable_jwks_is_a_service_error(key: SigningKey) -> None:
    def failing(url: str) -> dict[str, Any]:
        raise OSError("connection refused")

    verifier = TokenVerifier(ISSUER, CLIENT_ID, JWKS_URL, Clock(), fetcher=failing)
    with pytest.raises(TokenError, match="JWKS unavailable"):
        verifier.verify_id_token(key.sign(id_claims()))


@pytest.mark.parametrize(
    ("endpoint", "expected"),
    [
        (None, "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc"),
        ("http://127.0.0.1:5000/", "http://127.0.0.1:5000/eu-west-1_Abc"),
    ],
)
def test_issuer_and_jwks_url(endpoint: str | None, expected: str) -> None:
    issuer = issuer_for("eu-west-1", "eu-west-1_Abc", endpoint)
    assert issuer == expected
    assert jwks_url_for(issuer) == expected + "/.well-known/jwks.json"
