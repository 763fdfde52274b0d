"""Cognito's hourly per-user limits on code requests, on the stack clock (emulator/limits.py).

ForgotPassword (with ConfirmForgotPassword's code entries) and ResendConfirmationCode answer
LimitExceededException after 5 an hour; an address with no account gets the same answers and
the same limit, so neither the answer nor the limit says whether the account exists.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from emulator_testkit import PASSWORD, confirmed_user, error_of, latest_code, new_email

from emulator import LocalStack
from emulator.limits import PASSWORD_RESET_PER_HOUR, RESEND_CONFIRMATION_PER_HOUR
from emulator.stack import ACCESS_KEY, SECRET_KEY

LIMIT = ("LimitExceededException", "Attempt limit exceeded, please try after some time.")
MISMATCH = ("CodeMismatchException", "Invalid verification code provided, please try again.")
Call = Callable[[str], Any]


def cognito(stack: LocalStack) -> Any:
    """A client that does not retry: botocore retries LimitExceededException as throttling."""
    return boto3.client(
        "cognito-idp",
        endpoint_url=stack.endpoint_url,
        region_name=stack.region,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        config=Config(retries={"total_max_attempts": 1}),
    )


def _outcome(call: Call, username: str) -> str:
    """What the caller learns: the delivery medium, or the error."""
    try:
        return str(call(username)["CodeDeliveryDetails"]["DeliveryMedium"])
    except ClientError as error:
        return error_of(error)[0]


def _forgot(stack: LocalStack) -> Call:
    return lambda name: cognito(stack).forgot_password(ClientId=stack.client_id, Username=name)


def _resend(stack: LocalStack) -> Call:
    return lambda name: cognito(stack).resend_confirmation_code(
        ClientId=stack.client_id, Username=name
    )


def _unconfirmed_user(stack: LocalStack) -> str:
    email = new_email()
    cognito(stack).sign_up(ClientId=stack.client_id, Username=email, Password=PASSWORD)
    return email


def test_documented_numbers() -> None:
    assert PASSWORD_RESET_PER_HOUR == 5  # the lower bound of Cognito's documented 5 to 20
    assert RESEND_CONFIRMATION_PER_HOUR == 5


def test_forgot_password_is_limited_per_user_per_hour(fresh_stack: LocalStack) -> None:
    email = confirmed_user(fresh_stack)
    call = _forgot(fresh_stack)
    outcomes = [_outcome(call, email) for _ in range(PASSWORD_RESET_PER_HOUR + 1)]
    assert outcomes == ["EMAIL"] * PASSWORD_RESET_PER_HOUR + ["LimitExceededException"]
    with pytest.raises(ClientError) as caught:
        call(email)
    assert error_of(caught.value) == LIMIT
    # the sign-up code plus one reset code per accepted request, none for the refused ones
    assert len(fresh_stack.mailbox.messages(email)) == 1 + PASSWORD_RESET_PER_HOUR
    fresh_stack.clock.advance(3601)
    assert _outcome(call, email) == "EMAIL"


def test_other_users_have_their_own_budget(stack: LocalStack) -> None:
    first, second = confirmed_user(stack), confirmed_user(stack)
    call = _forgot(stack)
    for _ in range(PASSWORD_RESET_PER_HOUR):
        call(first)
    assert _outcome(call, first) == "LimitExceededException"
    assert _outcome(call, second) == "EMAIL"


@pytest.mark.parametrize("operation", ["forgot", "resend"])
def test_an_unknown_address_gets_the_same_answers_and_limit(
    stack: LocalStack, operation: str
) -> None:
    if operation == "forgot":
        call, known = _forgot(stack), confirmed_user(stack)
    else:
        call, known = _resend(stack), _unconfirmed_user(stack)
    ghost = new_email()
    tries = PASSWORD_RESET_PER_HOUR + 2
    known_outcomes = [_outcome(call, known) for _ in range(tries)]
    # the same name in another case is the same name
    ghost_outcomes = [_outcome(call, ghost if i % 2 else ghost.upper()) for i in range(tries)]
    assert ghost_outcomes == known_outcomes
    assert known_outcomes[-1] == "LimitExceededException"
    assert stack.mailbox.messages(ghost) == []


def test_resend_confirmation_code_is_limited_per_user_per_hour(fresh_stack: LocalStack) -> None:
    email = _unconfirmed_user(fresh_stack)
    call = _resend(fresh_stack)
    outcomes = [_outcome(call, email) for _ in range(RESEND_CONFIRMATION_PER_HOUR + 1)]
    assert outcomes == ["EMAIL"] * RESEND_CONFIRMATION_PER_HOUR + ["LimitExceededException"]
    fresh_stack.clock.advance(1800)
    assert _outcome(call, email) == "LimitExceededException"  # a sliding hour
    fresh_stack.clock.advance(1801)
    assert _outcome(call, email) == "EMAIL"
    # the last code sent still confirms the account
    cognito(fresh_stack).confirm_sign_up(
        ClientId=fresh_stack.client_id,
        Username=email,
        ConfirmationCode=latest_code(fresh_stack, email),
    )


def test_entering_reset_codes_counts_toward_the_same_hour(stack: LocalStack) -> None:
    """Documented: 5 to 20 attempts an hour "to request or enter a password reset code"."""
    email = confirmed_user(stack)
    client = cognito(stack)
    client.forgot_password(ClientId=stack.client_id, Username=email)
    code = latest_code(stack, email)
    wrong = "".join(str((int(c) + 1) % 10) for c in code)
    answers = []
    for candidate in [wrong] * (PASSWORD_RESET_PER_HOUR - 1) + [code]:
        try:
            client.confirm_forgot_password(
                ClientId=stack.client_id,
                Username=email,
                ConfirmationCode=candidate,
                Password="Brand-New-Pass-7",
            )
            answers.append(("ok", ""))
        except ClientError as error:
            answers.append(error_of(error))
    assert answers == [MISMATCH] * (PASSWORD_RESET_PER_HOUR - 1) + [LIMIT]


def test_an_unknown_user_is_refused_the_same_way_at_confirm_forgot_password(
    stack: LocalStack,
) -> None:
    """A weak password is named before any code check, for every address."""
    results = []
    for email in (confirmed_user(stack), new_email()):
        with pytest.raises(ClientError) as caught:
            cognito(stack).confirm_forgot_password(
                ClientId=stack.client_id,
                Username=email,
                ConfirmationCode="123456",
                Password="weak",
            )
        results.append(error_of(caught.value))
    assert results[0] == results[1]
    assert results[0][0] == "InvalidPasswordException"
