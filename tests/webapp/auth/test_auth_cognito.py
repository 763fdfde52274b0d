"""The gateway shapes each request as Cognito expects and turns failures into AuthError kinds.

botocore's Stubber checks the exact parameters of every call against the service model.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import EndpointConnectionError, ReadTimeoutError
from botocore.stub import Stubber

from webapp.auth.cognito import CognitoGateway, secret_hash
from webapp.auth.errors import AuthError, AuthErrorKind

POOL = "eu-west-1_Abc"
CLIENT = "client-1"
SECRET = "s3cr3t-client-secret-0123456789"


@pytest.fixture
def boto_client() -> Any:
    return boto3.client(
        "cognito-idp",
        region_name="eu-west-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


@pytest.fixture
def stub(boto_client: Any) -> Iterator[Stubber]:
    with Stubber(boto_client) as stubber:
        yield stubber
        stubber.assert_no_pending_responses()


def gateway(boto_client: Any, secret: str | None = None) -> CognitoGateway:
    return CognitoGateway(
        region="eu-west-1",
        user_pool_id=POOL,
        client_id=CLIENT,
        client_secret=secret,
        client=boto_client,
    )


def test_secret_hash_is_the_documented_hmac() -> None:
    # base64(HMAC_SHA256(secret, username + client_id)), checked against pycognito.
    from pycognito.aws_srp import AWSSRP

    assert secret_hash("ada@example.com", CLIENT, SECRET) == AWSSRP.get_secret_hash(
        "ada@example.com", CLIENT, SECRET
    )


def test_initiate_sends_srp_a_inside_custom_auth(boto_client: Any, stub: Stubber) -> None:
    stub.add_response(
        "initiate_auth",
        {"ChallengeName": "PASSWORD_VERIFIER", "Session": "s" * 20},
        {
            "AuthFlow": "CUSTOM_AUTH",
            "ClientId": CLIENT,
            "AuthParameters": {
                "USERNAME": "ada@example.com",
                "SRP_A": "abc123",
                "CHALLENGE_NAME": "SRP_A",
                "SECRET_HASH": secret_hash("ada@example.com", CLIENT, SECRET),
            },
        },
    )
    result = gateway(boto_client, SECRET).initiate_custom_auth_srp("ada@example.com", "abc123")
    assert result["ChallengeName"] == "PASSWORD_VERIFIER"


def test_password_verifier_carries_the_locale_and_the_internal_username(
    boto_client: Any, stub: Stubber
) -> None:
    responses = {
        "USERNAME": "uid-1",
        "PASSWORD_CLAIM_SECRET_BLOCK": "block",
        "PASSWORD_CLAIM_SIGNATURE": "sig",
        "TIMESTAMP": "Sat Nov 21 17:39:55 UTC 2026",
    }
    stub.add_response(
        "respond_to_auth_challenge",
        {"ChallengeName": "CUSTOM_CHALLENGE", "Session": "t" * 20},
        {
            "ClientId": CLIENT,
            "ChallengeName": "PASSWORD_VERIFIER",
            "Session": "s" * 20,
            "ChallengeResponses": {
                **responses,
                "SECRET_HASH": secret_hash("uid-1", CLIENT, SECRET),
            },
            "ClientMetadata": {"locale": "ja"},
        },
    )
    gateway(boto_client, SECRET).respond_password_verifier("s" * 20, responses, "ja")


def test_custom_challenge_answer_and_resend(boto_client: Any, stub: Stubber) -> None:
    for answer, metadata in (
        ("123456", {"locale": "en"}),
        ("resend", {"resend": "true", "locale": "en"}),
    ):
        stub.add_response(
            "respond_to_auth_challenge",
            {"ChallengeName": "CUSTOM_CHALLENGE", "Session": "u" * 20},
            {
                "ClientId": CLIENT,
                "ChallengeName": "CUSTOM_CHALLENGE",
                "Session": "t" * 20,
                "ChallengeResponses": {"USERNAME": "uid-1", "ANSWER": answer},
                "ClientMetadata": metadata,
            },
        )
        gateway(boto_client).respond_custom_challenge("t" * 20, "uid-1", answer, metadata)


def test_sign_up_sends_email_locale_and_metadata(boto_client: Any, stub: Stubber) -> None:
    stub.add_response(
        "sign_up",
        {"UserConfirmed": False, "UserSub": "uid-1"},
        {
            "ClientId": CLIENT,
            "Username": "ada@example.com",
            "Password": "Correct-horse-9",
            # The username is the email; the client may write only `locale`.
            "UserAttributes": [{"Name": "locale", "Value": "ja"}],
            "ClientMetadata": {"locale": "ja"},
            "SecretHash": secret_hash("ada@example.com", CLIENT, SECRET),
        },
    )
    gateway(boto_client, SECRET).sign_up("ada@example.com", "Correct-horse-9", "ja")


def test_refresh_and_revoke(boto_client: Any, stub: Stubber) -> None:
    stub.add_response(
        "initiate_auth",
        {"AuthenticationResult": {"IdToken": "i", "AccessToken": "a", "ExpiresIn": 3600}},
        {
            "AuthFlow": "REFRESH_TOKEN_AUTH",
            "ClientId": CLIENT,
            "AuthParameters": {
                "REFRESH_TOKEN": "r" * 20,
                "SECRET_HASH": secret_hash("uid-1", CLIENT, SECRET),
            },
        },
    )
    stub.add_response(
        "revoke_token", {}, {"Token": "r" * 20, "ClientId": CLIENT, "ClientSecret": SECRET}
    )
    client = gateway(boto_client, SECRET)
    client.refresh("r" * 20, "uid-1")
    client.revoke("r" * 20)


@pytest.mark.parametrize(
    ("code", "message", "kind"),
    [
        (
            "NotAuthorizedException",
            "Incorrect username or password.",
            AuthErrorKind.INVALID_CREDENTIALS,
        ),
        ("UserNotConfirmedException", "User is not confirmed.", AuthErrorKind.USER_NOT_CONFIRMED),
        ("TooManyRequestsException", "Rate exceeded", AuthErrorKind.THROTTLED),
    ],
)
def test_client_errors_become_auth_errors_without_details(
    boto_client: Any, stub: Stubber, code: str, message: str, kind: AuthErrorKind
) -> None:
    stub.add_client_error("initiate_auth", service_error_code=code, service_message=message)
    with pytest.raises(AuthError) as caught:
        gateway(boto_client).initiate_custom_auth_srp("ada@example.com", "abc")
    assert caught.value.kind is kind
    assert caught.value.code == code
    assert message not in str(caught.value)
    assert caught.value.__cause__ is None  # the botocore error (with its request) is not chained


@pytest.mark.parametrize(
    "failure",
    [EndpointConnectionError(endpoint_url="https://x"), ReadTimeoutError(endpoint_url="https://x")],
)
def test_network_failures_read_as_network(failure: Exception) -> None:
    class Unreachable:
        def initiate_auth(self, **kwargs: Any) -> dict[str, Any]:
            raise failure

    client = CognitoGateway(
        region="eu-west-1", user_pool_id=POOL, client_id=CLIENT, client=Unreachable()
    )
    with pytest.raises(AuthError) as caught:
        client.initiate_custom_auth_srp("ada@example.com", "abc")
    assert caught.value.kind is AuthErrorKind.NETWORK


def test_repr_hides_the_client_secret(boto_client: Any) -> None:
    assert SECRET not in repr(gateway(boto_client, SECRET))


def test_requests_are_unsigned_by_default() -> None:
    """The public user-pool API needs no AWS credentials; the web tier never sends its own."""
    from botocore import UNSIGNED

    client = CognitoGateway(region="eu-west-1", user_pool_id=POOL, client_id=CLIENT)
    assert client._client.meta.config.signature_version is UNSIGNED


def test_an_unsupported_locale_is_left_to_the_triggers(boto_client: Any, stub: Stubber) -> None:
    stub.add_response(
        "sign_up",
        {"UserConfirmed": False, "UserSub": "uid-1"},
        {
            "ClientId": CLIENT,
            "Username": "ada@example.com",
            "Password": "Correct-horse-9",
            "ClientMetadata": {},
        },
    )
    stub.add_response(
        "respond_to_auth_challenge",
        {"ChallengeName": "CUSTOM_CHALLENGE", "Session": "u" * 20},
        {
            "ClientId": CLIENT,
            "ChallengeName": "CUSTOM_CHALLENGE",
            "Session": "t" * 20,
            "ChallengeResponses": {"USERNAME": "uid-1", "ANSWER": "resend"},
            "ClientMetadata": {"resend": "true"},
        },
    )
    client = gateway(boto_client)
    client.sign_up("ada@example.com", "Correct-horse-9", "fr")
    client.respond_custom_challenge("t" * 20, "uid-1", "resend", {"resend": "true", "locale": "fr"})
