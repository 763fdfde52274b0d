"""Tokens: signatures against the served JWKS, Cognito's claims, refresh, revoke, sign-out."""

from __future__ import annotations

import json
import time
import urllib.request
from typing import Any

import jwt
import pytest
from botocore.exceptions import ClientError
from emulator_testkit import (
    PASSWORD,
    answer_code,
    cognito,
    confirmed_user,
    error_of,
    latest_code,
    new_email,
    prove_password,
    srp_helper,
)
from pycognito.aws_srp import AWSSRP

from emulator import LocalStack


def _sign_in(stack: LocalStack) -> tuple[str, dict[str, Any]]:
    email = confirmed_user(stack)
    challenge = prove_password(stack, email)
    done = answer_code(stack, challenge, latest_code(stack, email))
    return email, done["AuthenticationResult"]


def _jwks(stack: LocalStack) -> jwt.PyJWKSet:
    url = f"{stack.endpoint_url}/{stack.user_pool_id}/.well-known/jwks.json"
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - local emulator
        return jwt.PyJWKSet.from_dict(json.load(response))


def _verify(stack: LocalStack, token: str, **options: Any) -> dict[str, Any]:
    kid = jwt.get_unverified_header(token)["kid"]
    key = _jwks(stack)[kid]
    return dict(
        jwt.decode(
            token,
            key.key,
            algorithms=["RS256"],
            issuer=f"{stack.endpoint_url}/{stack.user_pool_id}",
            **options,
        )
    )


def test_tokens_verify_against_the_served_jwks(stack: LocalStack) -> None:
    email, result = _sign_in(stack)
    id_claims = _verify(stack, result["IdToken"], audience=stack.client_id)
    access = _verify(stack, result["AccessToken"], options={"verify_aud": False})
    assert id_claims["token_use"] == "id"
    assert id_claims["email"] == email
    assert id_claims["email_verified"] is True
    assert access["token_use"] == "access"
    assert access["client_id"] == stack.client_id
    assert access["sub"] == id_claims["sub"] == access["username"]
    assert access["exp"] - access["iat"] == stack.settings.pool.access_token_validity_minutes * 60
    assert result["ExpiresIn"] == stack.settings.pool.access_token_validity_minutes * 60
    assert id_claims["exp"] - id_claims["iat"] == stack.settings.pool.id_token_validity_minutes * 60


def test_a_token_signed_by_someone_else_fails_verification(stack: LocalStack) -> None:
    _, result = _sign_in(stack)
    header, _, signature = result["IdToken"].split(".")
    forged_payload = jwt.utils.base64url_encode(
        json.dumps(
            {
                **jwt.decode(result["IdToken"], options={"verify_signature": False}),
                "email": "mallory@example.com",
            }
        ).encode()
    ).decode()
    with pytest.raises(jwt.InvalidSignatureError):
        _verify(stack, f"{header}.{forged_payload}.{signature}", audience=stack.client_id)


def test_jwks_of_an_unknown_pool_is_not_found(stack: LocalStack) -> None:
    url = f"{stack.endpoint_url}/us-east-1_doesnotexist/.well-known/jwks.json"
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(url, timeout=5)  # noqa: S310
    assert caught.value.code == 404


def test_refresh_token_auth(stack: LocalStack) -> None:
    _, result = _sign_in(stack)
    refreshed = cognito(stack).initiate_auth(
        ClientId=stack.client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": result["RefreshToken"]},
    )["AuthenticationResult"]
    assert "RefreshToken" not in refreshed
    assert refreshed["AccessToken"] != result["AccessToken"]
    old = jwt.decode(result["AccessToken"], options={"verify_signature": False})
    new = _verify(stack, refreshed["AccessToken"], options={"verify_aud": False})
    assert new["origin_jti"] == old["origin_jti"]
    assert cognito(stack).get_user(AccessToken=refreshed["AccessToken"])["Username"] == new["sub"]


def test_revoke_token_invalidates_refresh_and_access(stack: LocalStack) -> None:
    _, result = _sign_in(stack)
    client = cognito(stack)
    client.revoke_token(Token=result["RefreshToken"], ClientId=stack.client_id)
    with pytest.raises(ClientError) as refresh:
        client.initiate_auth(
            ClientId=stack.client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": result["RefreshToken"]},
        )
    assert error_of(refresh.value) == ("NotAuthorizedException", "Refresh Token has been revoked")
    with pytest.raises(ClientError) as access:
        client.get_user(AccessToken=result["AccessToken"])
    assert error_of(access.value)[0] == "NotAuthorizedException"


def test_global_sign_out_invalidates_refresh(stack: LocalStack) -> None:
    _, result = _sign_in(stack)
    client = cognito(stack)
    client.global_sign_out(AccessToken=result["AccessToken"])
    with pytest.raises(ClientError) as caught:
        client.initiate_auth(
            ClientId=stack.client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": result["RefreshToken"]},
        )
    assert error_of(caught.value) == ("NotAuthorizedException", "Refresh Token has been revoked")


def test_garbage_refresh_token_is_rejected(stack: LocalStack) -> None:
    with pytest.raises(ClientError) as caught:
        cognito(stack).initiate_auth(
            ClientId=stack.client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": "not-a-token"},
        )
    assert error_of(caught.value) == ("NotAuthorizedException", "Invalid Refresh Token.")


def test_secret_hash_is_checked_for_clients_with_a_secret(stack: LocalStack) -> None:
    # USER_SRP_AUTH here only to sign in in one call; the product's client does not enable it.
    secret_client = stack.create_client(
        "with-secret", generate_secret=True, explicit_auth_flows=["ALLOW_USER_SRP_AUTH"]
    )
    assert secret_client.client_secret
    client = cognito(stack)
    email = new_email()
    with pytest.raises(ClientError) as missing:
        client.sign_up(ClientId=secret_client.client_id, Username=email, Password=PASSWORD)
    assert error_of(missing.value) == (
        "NotAuthorizedException",
        f"Client {secret_client.client_id} is configured for secret but secret was not received",
    )
    wrong = AWSSRP.get_secret_hash(email, secret_client.client_id, "not-the-secret")
    with pytest.raises(ClientError) as bad:
        client.sign_up(
            ClientId=secret_client.client_id, Username=email, Password=PASSWORD, SecretHash=wrong
        )
    assert error_of(bad.value) == (
        "NotAuthorizedException",
        f"Unable to verify secret hash for client {secret_client.client_id}",
    )
    right = AWSSRP.get_secret_hash(email, secret_client.client_id, secret_client.client_secret)
    client.sign_up(
        ClientId=secret_client.client_id, Username=email, Password=PASSWORD, SecretHash=right
    )
    client.confirm_sign_up(
        ClientId=secret_client.client_id,
        Username=email,
        ConfirmationCode=latest_code(stack, email),
        SecretHash=right,
    )
    srp = srp_helper(
        stack,
        email,
        client_id=secret_client.client_id,
        client_secret=secret_client.client_secret,
    )
    tokens = srp.authenticate_user()["AuthenticationResult"]
    claims = _verify(stack, tokens["IdToken"], audience=secret_client.client_id)
    assert claims["aud"] == secret_client.client_id


def test_token_times_follow_the_stack_clock(stack: LocalStack) -> None:
    """Last in the module: it moves the shared stack's clock an hour ahead."""
    stack.clock.advance(3600)
    _, result = _sign_in(stack)
    claims = jwt.decode(result["AccessToken"], options={"verify_signature": False})
    assert claims["iat"] >= int(time.time()) + 3500
    with pytest.raises(jwt.ImmatureSignatureError):
        _verify(stack, result["AccessToken"], options={"verify_aud": False})


def test_refresh_follows_the_stack_clock(fresh_stack: LocalStack) -> None:
    """Tokens issued on an advanced clock refresh until the refresh token's own expiry."""
    fresh_stack.clock.advance(2 * 3600)
    _, result = _sign_in(fresh_stack)
    client = cognito(fresh_stack)
    parameters = {"REFRESH_TOKEN": result["RefreshToken"]}
    later = client.initiate_auth(
        ClientId=fresh_stack.client_id, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters=parameters
    )["AuthenticationResult"]
    assert later["AccessToken"] != result["AccessToken"]
    validity_days = fresh_stack.settings.pool.refresh_token_validity_days
    fresh_stack.clock.advance(validity_days * 86400)
    with pytest.raises(ClientError) as caught:
        client.initiate_auth(
            ClientId=fresh_stack.client_id, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters=parameters
        )
    assert error_of(caught.value) == ("NotAuthorizedException", "Refresh Token has expired")
