"""GetTokensFromRefreshToken (what Amplify v6 calls to refresh), and refresh tokens being opaque.

The API reference: "If refresh token rotation is disabled, issues new ID and access tokens only."
Refusals are NotAuthorizedException with Cognito's messages (emulator/refresh.py lists sources).
"""

from __future__ import annotations

import base64
import binascii
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import jwt
import pytest
from botocore.exceptions import ClientError
from emulator_testkit import (
    PASSWORD,
    SpecTriggers,
    answer_code,
    cognito,
    confirmed_user,
    error_of,
    latest_code,
    new_email,
    prove_password,
    signed_in,
    srp_helper,
)
from pycognito.aws_srp import AWSSRP

from emulator import LocalStack, start_local_stack

TARGET = "AWSCognitoIdentityProviderService.GetTokensFromRefreshToken"


@pytest.fixture(scope="module")
def other_stack() -> Iterator[LocalStack]:
    """A second emulator: its tokens mean nothing to the first one."""
    with start_local_stack(triggers=SpecTriggers().handlers()) as running:
        yield running


def _claims(token: str) -> dict[str, Any]:
    return dict(jwt.decode(token, options={"verify_signature": False}))


def _refresh(stack: LocalStack, token: str, client_id: str = "", **extra: Any) -> dict[str, Any]:
    return dict(
        cognito(stack).get_tokens_from_refresh_token(
            ClientId=client_id or stack.client_id, RefreshToken=token, **extra
        )
    )


def _refused(stack: LocalStack, token: str, client_id: str = "", **extra: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as caught:
        _refresh(stack, token, client_id, **extra)
    return error_of(caught.value)


def _amplify_request(stack: LocalStack, body: dict[str, Any]) -> tuple[int, str, dict[str, Any]]:
    """The request Amplify v6's refreshAuthTokens sends, byte for byte in shape."""
    request = urllib.request.Request(  # noqa: S310 - the local emulator
        stack.endpoint_url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": TARGET},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, response.headers["Content-Type"], json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], json.load(error)


# --- what it returns ------------------------------------------------------------------------


def test_issues_new_id_and_access_tokens_and_no_refresh_token(stack: LocalStack) -> None:
    email, tokens = signed_in(stack)
    stack.clock.advance(60)  # a later refresh: new iat, the sign-in's auth_time
    result = _refresh(stack, tokens["RefreshToken"])["AuthenticationResult"]
    assert set(result) == {"AccessToken", "ExpiresIn", "TokenType", "IdToken"}
    assert result["TokenType"] == "Bearer"
    assert result["ExpiresIn"] == stack.settings.pool.access_token_validity_minutes * 60
    assert result["AccessToken"] != tokens["AccessToken"]
    old, new = _claims(tokens["AccessToken"]), _claims(result["AccessToken"])
    assert new["origin_jti"] == old["origin_jti"]  # the same sign-in, renewed
    assert new["auth_time"] == old["auth_time"] < new["iat"]
    assert _claims(result["IdToken"])["email"] == email
    assert cognito(stack).get_user(AccessToken=result["AccessToken"])["Username"] == new["sub"]


def test_the_same_refresh_token_keeps_working(stack: LocalStack) -> None:
    """With rotation off, the refresh token is not consumed; the old access token stays valid."""
    _, tokens = signed_in(stack)
    first = _refresh(stack, tokens["RefreshToken"])["AuthenticationResult"]
    second = _refresh(stack, tokens["RefreshToken"])["AuthenticationResult"]
    assert first["AccessToken"] != second["AccessToken"]
    cognito(stack).get_user(AccessToken=tokens["AccessToken"])


def test_amplify_shaped_request_gets_json_tokens(stack: LocalStack) -> None:
    _, tokens = signed_in(stack)
    status, content_type, body = _amplify_request(
        stack, {"ClientId": stack.client_id, "RefreshToken": tokens["RefreshToken"]}
    )
    assert (status, content_type) == (200, "application/x-amz-json-1.1")
    assert set(body) == {"AuthenticationResult"}
    assert _claims(body["AuthenticationResult"]["AccessToken"])["token_use"] == "access"


def test_amplify_shaped_refusal_is_a_json_error(stack: LocalStack) -> None:
    """Never moto's `500 text/html` NotImplementedError page."""
    status, content_type, body = _amplify_request(
        stack, {"ClientId": stack.client_id, "RefreshToken": "not-a-token"}
    )
    assert (status, content_type) == (400, "application/x-amz-json-1.1")
    assert body == {"__type": "NotAuthorizedException", "message": "Invalid Refresh Token."}


# --- refusals -------------------------------------------------------------------------------


def test_revoked_refresh_token_is_refused(stack: LocalStack) -> None:
    _, tokens = signed_in(stack)
    cognito(stack).revoke_token(Token=tokens["RefreshToken"], ClientId=stack.client_id)
    assert _refused(stack, tokens["RefreshToken"]) == (
        "NotAuthorizedException",
        "Refresh Token has been revoked",
    )


def test_refresh_token_after_global_sign_out_is_refused(stack: LocalStack) -> None:
    _, tokens = signed_in(stack)
    cognito(stack).global_sign_out(AccessToken=tokens["AccessToken"])
    assert _refused(stack, tokens["RefreshToken"]) == (
        "NotAuthorizedException",
        "Refresh Token has been revoked",
    )


def test_administrators_global_sign_out_revokes_refresh_and_access(stack: LocalStack) -> None:
    """Named by email, as the web app's users are (moto's own revoked nothing for an alias)."""
    email, tokens = signed_in(stack)
    cognito(stack).admin_user_global_sign_out(UserPoolId=stack.user_pool_id, Username=email)
    assert _refused(stack, tokens["RefreshToken"]) == (
        "NotAuthorizedException",
        "Refresh Token has been revoked",
    )
    with pytest.raises(ClientError) as caught:
        cognito(stack).get_user(AccessToken=tokens["AccessToken"])
    assert error_of(caught.value) == ("NotAuthorizedException", "Access Token has been revoked")


def test_refresh_token_of_another_client_is_refused(stack: LocalStack) -> None:
    _, tokens = signed_in(stack)
    other = stack.create_client("other-web")
    assert _refused(stack, tokens["RefreshToken"], other.client_id) == (
        "NotAuthorizedException",
        "Invalid Refresh Token.",
    )


@pytest.mark.parametrize(
    "token",
    ["not-a-token", "eyJhbGciOiJSUzI1NiJ9.e30.c2ln", "x" * 86],
    ids=["garbage", "a-jws", "token-shaped"],
)
def test_malformed_refresh_token_is_refused(stack: LocalStack, token: str) -> None:
    assert _refused(stack, token) == ("NotAuthorizedException", "Invalid Refresh Token.")


def test_access_token_is_no_refresh_token(stack: LocalStack) -> None:
    _, tokens = signed_in(stack)
    assert _refused(stack, tokens["AccessToken"]) == (
        "NotAuthorizedException",
        "Invalid Refresh Token.",
    )


def test_another_emulators_refresh_token_is_refused(
    stack: LocalStack, other_stack: LocalStack
) -> None:
    _, tokens = signed_in(other_stack)
    assert _refused(stack, tokens["RefreshToken"]) == (
        "NotAuthorizedException",
        "Invalid Refresh Token.",
    )


def test_expired_refresh_token_is_refused(fresh_stack: LocalStack) -> None:
    _, tokens = signed_in(fresh_stack)
    validity_days = fresh_stack.settings.pool.refresh_token_validity_days
    fresh_stack.clock.advance(validity_days * 86400 - 60)
    _refresh(fresh_stack, tokens["RefreshToken"])  # a minute before: still renews
    fresh_stack.clock.advance(120)
    assert _refused(fresh_stack, tokens["RefreshToken"]) == (
        "NotAuthorizedException",
        "Refresh Token has expired",
    )


def test_unknown_client_is_not_found(stack: LocalStack) -> None:
    assert _refused(stack, "not-a-token", "doesnotexist")[0] == "ResourceNotFoundException"


def test_disabled_user_cannot_refresh(stack: LocalStack) -> None:
    email, tokens = signed_in(stack)
    cognito(stack).admin_disable_user(UserPoolId=stack.user_pool_id, Username=email)
    assert _refused(stack, tokens["RefreshToken"]) == (
        "NotAuthorizedException",
        "User is disabled.",
    )


# --- app client settings --------------------------------------------------------------------


def test_client_secret_is_required_when_the_client_has_one(stack: LocalStack) -> None:
    # USER_SRP_AUTH only to sign in in one call; the product's client does not enable it.
    secret_client = stack.create_client(
        "refresh-secret",
        generate_secret=True,
        explicit_auth_flows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )
    assert secret_client.client_secret
    email = new_email()
    secret_hash = AWSSRP.get_secret_hash(
        email, secret_client.client_id, secret_client.client_secret
    )
    client = cognito(stack)
    client.sign_up(
        ClientId=secret_client.client_id,
        Username=email,
        Password=PASSWORD,
        SecretHash=secret_hash,
    )
    client.confirm_sign_up(
        ClientId=secret_client.client_id,
        Username=email,
        ConfirmationCode=latest_code(stack, email),
        SecretHash=secret_hash,
    )
    srp = srp_helper(
        stack, email, client_id=secret_client.client_id, client_secret=secret_client.client_secret
    )
    token = srp.authenticate_user()["AuthenticationResult"]["RefreshToken"]
    cid = secret_client.client_id
    assert _refused(stack, token, cid) == (
        "NotAuthorizedException",
        f"Client {cid} is configured for secret but secret was not received",
    )
    assert _refused(stack, token, cid, ClientSecret="not-the-secret-but-long-enough") == (
        "NotAuthorizedException",
        f"Unable to verify secret hash for client {cid}",
    )
    renewed = _refresh(stack, token, cid, ClientSecret=secret_client.client_secret)
    assert _claims(renewed["AuthenticationResult"]["AccessToken"])["client_id"] == cid


def test_client_without_refresh_flow_cannot_refresh(stack: LocalStack) -> None:
    no_refresh = stack.create_client("no-refresh", explicit_auth_flows=["ALLOW_USER_PASSWORD_AUTH"])
    email = confirmed_user(stack)
    tokens = cognito(stack).initiate_auth(
        ClientId=no_refresh.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": PASSWORD},
    )["AuthenticationResult"]
    assert _refused(stack, tokens["RefreshToken"], no_refresh.client_id) == (
        "InvalidParameterException",
        "Refresh Token is not enabled for the client.",
    )


def test_rotation_is_refused_rather_than_ignored(stack: LocalStack) -> None:
    created = cognito(stack).create_user_pool_client(
        UserPoolId=stack.user_pool_id,
        ClientName="rotating",
        ExplicitAuthFlows=["ALLOW_CUSTOM_AUTH"],
        RefreshTokenRotation={"Feature": "ENABLED", "RetryGracePeriodSeconds": 0},
    )["UserPoolClient"]
    assert _refused(stack, "any-token", created["ClientId"]) == (
        "InvalidParameterException",
        "Refresh token rotation is not supported by the emulator.",
    )


# --- opaque refresh tokens ------------------------------------------------------------------


def _base64url(segment: str) -> bytes | None:
    try:
        return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError):
        return None


def _is_json(data: bytes | None) -> bool:
    if data is None:
        return False
    try:
        json.loads(data)
    except (UnicodeDecodeError, ValueError):
        return False
    return True


def test_refresh_token_is_not_a_readable_jws(stack: LocalStack) -> None:
    _, tokens = signed_in(stack)
    refresh = tokens["RefreshToken"]
    segments = refresh.split(".")
    assert not any(_is_json(_base64url(segment)) for segment in segments)
    with pytest.raises(jwt.DecodeError):
        jwt.decode(refresh, options={"verify_signature": False})


def test_refresh_token_reveals_neither_client_nor_user_nor_auth_time(stack: LocalStack) -> None:
    email, tokens = signed_in(stack)
    access = _claims(tokens["AccessToken"])
    refresh = tokens["RefreshToken"]
    readable = [refresh.encode()] + [
        data for data in (_base64url(s) for s in refresh.split(".")) if data is not None
    ]
    for secret in (stack.client_id, email, access["username"], str(access["auth_time"])):
        assert not any(secret.encode() in data for data in readable), secret


def test_each_sign_in_has_its_own_opaque_refresh_token(stack: LocalStack) -> None:
    """Same user, two sign-ins: two tokens, and revoking one leaves the other working."""
    email, first = signed_in(stack)
    challenge = prove_password(stack, email)
    second = answer_code(stack, challenge, latest_code(stack, email))["AuthenticationResult"]
    assert first["RefreshToken"] != second["RefreshToken"]
    cognito(stack).revoke_token(Token=first["RefreshToken"], ClientId=stack.client_id)
    _refresh(stack, second["RefreshToken"])
    assert _refused(stack, first["RefreshToken"])[1] == "Refresh Token has been revoked"
