"""With the password alone, no flow gives tokens (issue 8, point 1).

The stack is configured like the deployed one: start_local_stack() with the product's triggers and
its default app client. A user signs up and confirms; then every flow a public client can call
(and the admin ones) is tried with the password, or with the password and answers that are not
the emailed code. None may return AuthenticationResult; each fails with Cognito's own error; the
flows that skip the password step send no code email.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError
from emulator_testkit import (
    PASSWORD,
    answer_code,
    cognito,
    confirmed_user,
    error_of,
    latest_code,
    prove_password,
    srp_helper,
    start_custom_auth,
)

from emulator import LocalStack, start_local_stack
from functions.settings import CLIENT_AUTH_FLOWS

INCORRECT = ("NotAuthorizedException", "Incorrect username or password.")
INVALID_SESSION = ("NotAuthorizedException", "Invalid session for the user.")
Attempt = Callable[[LocalStack, str], Any]


@pytest.fixture(scope="module")
def product() -> Iterator[LocalStack]:
    with start_local_stack() as running:
        yield running


@pytest.fixture
def email(product: LocalStack) -> str:
    return confirmed_user(product)


def _initiate(flow: str, **parameters: str) -> Attempt:
    def attempt(stack: LocalStack, email: str) -> Any:
        return cognito(stack).initiate_auth(
            ClientId=stack.client_id,
            AuthFlow=flow,
            AuthParameters={"USERNAME": email, **parameters},
        )

    return attempt


def _admin(flow: str, **parameters: str) -> Attempt:
    def attempt(stack: LocalStack, email: str) -> Any:
        return cognito(stack).admin_initiate_auth(
            UserPoolId=stack.user_pool_id,
            ClientId=stack.client_id,
            AuthFlow=flow,
            AuthParameters={"USERNAME": email, **parameters},
        )

    return attempt


def _user_srp(stack: LocalStack, email: str) -> Any:
    """pycognito's one-call SRP sign-in (USER_SRP_AUTH), as an attacker would try first."""
    return srp_helper(stack, email).authenticate_user()


def _user_auth_srp(stack: LocalStack, email: str) -> Any:
    params = srp_helper(stack, email).get_auth_params()
    return _initiate("USER_AUTH", PREFERRED_CHALLENGE="PASSWORD_SRP", SRP_A=params["SRP_A"])(
        stack, email
    )


NOT_SUPPORTED = ("InvalidParameterException", "Initiate Auth method not supported.")
SKIPPING_THE_PASSWORD_STEP: dict[str, tuple[Attempt, tuple[str, str]]] = {
    "USER_SRP_AUTH": (
        _user_srp,
        ("InvalidParameterException", "USER_SRP_AUTH is not enabled for the client."),
    ),
    "USER_PASSWORD_AUTH": (
        _initiate("USER_PASSWORD_AUTH", PASSWORD=PASSWORD),
        ("InvalidParameterException", "USER_PASSWORD_AUTH flow not enabled for this client"),
    ),
    "USER_AUTH-PASSWORD_SRP": (
        _user_auth_srp,
        ("InvalidParameterException", "USER_AUTH flow not enabled for this client"),
    ),
    "USER_AUTH-PASSWORD": (
        _initiate("USER_AUTH", PREFERRED_CHALLENGE="PASSWORD", PASSWORD=PASSWORD),
        ("InvalidParameterException", "USER_AUTH flow not enabled for this client"),
    ),
    "USER_AUTH-no-preference": (
        _initiate("USER_AUTH"),
        ("InvalidParameterException", "USER_AUTH flow not enabled for this client"),
    ),
    # The product's Define asks for PASSWORD_VERIFIER first, which needs SRP_A from the client.
    "CUSTOM_AUTH-USERNAME-only": (
        _initiate("CUSTOM_AUTH"),
        ("InvalidParameterException", "Missing required parameter SRP_A"),
    ),
    "CUSTOM_AUTH-CUSTOM_CHALLENGE-named": (
        _initiate("CUSTOM_AUTH", CHALLENGE_NAME="CUSTOM_CHALLENGE"),
        ("InvalidParameterException", "Missing required parameter SRP_A"),
    ),
    "CUSTOM_AUTH-with-PASSWORD": (
        _initiate("CUSTOM_AUTH", PASSWORD=PASSWORD),
        ("InvalidParameterException", "Missing required parameter SRP_A"),
    ),
    "InitiateAuth-ADMIN_USER_PASSWORD_AUTH": (
        _initiate("ADMIN_USER_PASSWORD_AUTH", PASSWORD=PASSWORD),
        NOT_SUPPORTED,
    ),
    "InitiateAuth-ADMIN_NO_SRP_AUTH": (
        _initiate("ADMIN_NO_SRP_AUTH", PASSWORD=PASSWORD),
        NOT_SUPPORTED,
    ),
    "Admin-ADMIN_USER_PASSWORD_AUTH": (
        _admin("ADMIN_USER_PASSWORD_AUTH", PASSWORD=PASSWORD),
        ("InvalidParameterException", "Auth flow not enabled for this client"),
    ),
    "Admin-ADMIN_NO_SRP_AUTH": (
        _admin("ADMIN_NO_SRP_AUTH", PASSWORD=PASSWORD),
        ("InvalidParameterException", "Auth flow not enabled for this client"),
    ),
    "Admin-USER_PASSWORD_AUTH": (_admin("USER_PASSWORD_AUTH", PASSWORD=PASSWORD), NOT_SUPPORTED),
    "Admin-USER_SRP_AUTH": (
        _admin("USER_SRP_AUTH", SRP_A="abc123"),
        ("InvalidParameterException", "USER_SRP_AUTH is not enabled for the client."),
    ),
    "Admin-USER_AUTH": (
        _admin("USER_AUTH", PREFERRED_CHALLENGE="PASSWORD", PASSWORD=PASSWORD),
        ("InvalidParameterException", "USER_AUTH flow not enabled for this client"),
    ),
    # Enabled on the client, but not emulated: refused rather than left to moto.
    "Admin-CUSTOM_AUTH": (
        _admin("CUSTOM_AUTH"),
        (
            "InvalidParameterException",
            "CUSTOM_AUTH with AdminInitiateAuth is not supported by the emulator.",
        ),
    ),
}


def _refusal(attempt: Attempt, stack: LocalStack, email: str) -> tuple[str, str]:
    """The error an attempt gets; an answer instead (with tokens or not) fails the test."""
    try:
        result = attempt(stack, email)
    except ClientError as error:
        return error_of(error)
    pytest.fail(f"answered instead of refused: {sorted(result)}")


def test_the_default_client_enables_exactly_the_login_flows(product: LocalStack) -> None:
    described = cognito(product).describe_user_pool_client(
        UserPoolId=product.user_pool_id, ClientId=product.client_id
    )["UserPoolClient"]
    assert set(described["ExplicitAuthFlows"]) == set(CLIENT_AUTH_FLOWS)
    assert set(CLIENT_AUTH_FLOWS) == {"ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}


@pytest.mark.parametrize("name", sorted(SKIPPING_THE_PASSWORD_STEP))
def test_no_flow_but_custom_auth_gets_past_the_password(
    product: LocalStack, email: str, name: str
) -> None:
    attempt, expected = SKIPPING_THE_PASSWORD_STEP[name]
    mail_before = len(product.mailbox.messages(email))
    assert _refusal(attempt, product, email) == expected
    assert len(product.mailbox.messages(email)) == mail_before, "a code was emailed"


def test_a_wrong_password_in_custom_auth_sends_no_code(product: LocalStack, email: str) -> None:
    with pytest.raises(ClientError) as caught:
        prove_password(product, email, "Not-The-Password-9")
    assert error_of(caught.value) == INCORRECT
    assert len(product.mailbox.messages(email)) == 1  # the sign-up code only


def _wrong_digits(code: str) -> str:
    return "".join(str((int(c) + 1) % 10) for c in code)


BAD_ANSWERS: dict[str, Callable[[str, str], str]] = {
    "wrong-digits": lambda code, other: _wrong_digits(code),
    "letters": lambda code, other: "abcdef"[: len(code)],
    "overlong": lambda code, other: code + "0",
    "very-long": lambda code, other: code * 300,
    "another-sign-in's-code": lambda code, other: other,
}


def _another_sign_ins_code(stack: LocalStack, email: str) -> str:
    """Start a sign-in, keep its code, abandon it."""
    prove_password(stack, email)
    return latest_code(stack, email)


@pytest.mark.parametrize("kind", sorted(BAD_ANSWERS))
def test_answers_that_are_not_the_code_never_give_tokens(
    product: LocalStack, email: str, kind: str
) -> None:
    other = _another_sign_ins_code(product, email)
    challenge = prove_password(product, email)
    code = latest_code(product, email)
    assert code != other, "each sign-in has its own code"
    bad = BAD_ANSWERS[kind](code, other)
    assert bad != code
    attempts = product.settings.triggers.otp.max_attempts
    rounds, error, last = _answer_until_refused(product, challenge, bad, attempts + 1)
    assert (rounds, error) == (attempts, INCORRECT)
    with pytest.raises(ClientError) as dead:  # the sign-in is over: the real code is too late
        answer_code(product, last, code)
    assert error_of(dead.value) == INVALID_SESSION


def _answer_until_refused(
    stack: LocalStack, challenge: dict[str, Any], answer: str, most: int
) -> tuple[int, tuple[str, str], dict[str, Any]]:
    """Answer each new challenge with `answer`: (answers given, the refusal, last challenge)."""
    for rounds in range(1, most + 1):
        try:
            result = answer_code(stack, challenge, answer)
        except ClientError as error:
            return rounds, error_of(error), challenge
        assert "AuthenticationResult" not in result
        assert result["ChallengeName"] == "CUSTOM_CHALLENGE"
        challenge = result
    pytest.fail(f"still answering after {most} wrong answers")


def test_an_empty_answer_is_refused(product: LocalStack, email: str) -> None:
    challenge = prove_password(product, email)
    with pytest.raises(ClientError) as caught:
        answer_code(product, challenge, "")
    assert error_of(caught.value) == (
        "InvalidParameterException",
        "Missing required parameter ANSWER",
    )
    with pytest.raises(ClientError) as dead:
        answer_code(product, challenge, latest_code(product, email))
    assert error_of(dead.value) == INVALID_SESSION


def test_the_password_verifier_answer_cannot_be_skipped(product: LocalStack, email: str) -> None:
    """A CUSTOM_CHALLENGE answer on the PASSWORD_VERIFIER session is refused, not verified."""
    _, first, _ = start_custom_auth(product, email)
    with pytest.raises(ClientError) as caught:
        cognito(product).respond_to_auth_challenge(
            ClientId=product.client_id,
            ChallengeName="CUSTOM_CHALLENGE",
            Session=first["Session"],
            ChallengeResponses={"USERNAME": email, "ANSWER": "123456"},
        )
    assert error_of(caught.value) == INVALID_SESSION
    assert len(product.mailbox.messages(email)) == 1


def test_admin_respond_to_auth_challenge_has_no_session_to_complete(
    product: LocalStack, email: str
) -> None:
    challenge = prove_password(product, email)
    with pytest.raises(ClientError) as caught:
        cognito(product).admin_respond_to_auth_challenge(
            UserPoolId=product.user_pool_id,
            ClientId=product.client_id,
            ChallengeName="CUSTOM_CHALLENGE",
            Session=challenge["Session"],
            ChallengeResponses={"USERNAME": email, "ANSWER": latest_code(product, email)},
        )
    assert error_of(caught.value) == INVALID_SESSION


def test_the_login_itself_still_works(product: LocalStack, email: str) -> None:
    """The control: the same user, password and code complete the sign-in."""
    challenge = prove_password(product, email)
    done = answer_code(product, challenge, latest_code(product, email))
    assert done["AuthenticationResult"]["AccessToken"]
