"""The complete custom sign-in with plain boto3 calls: SRP, then the emailed code (section 2, 4)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from emulator_testkit import (
    MAX_TRIES,
    SpecTriggers,
    answer_code,
    cognito,
    confirmed_user,
    error_of,
    latest_code,
    new_email,
    prove_password,
    start_custom_auth,
)
from pycognito.aws_srp import AWSSRP

from emulator import LocalStack, start_local_stack

INVALID = ("NotAuthorizedException", "Invalid session for the user.")
EXPIRED = ("NotAuthorizedException", "Invalid session for the user, session is expired.")
INCORRECT = ("NotAuthorizedException", "Incorrect username or password.")


@pytest.mark.parametrize("with_challenge_name", [True, False], ids=["SRP_A-named", "older-shape"])
def test_complete_sign_in_with_code_from_the_mailbox(
    stack: LocalStack, with_challenge_name: bool
) -> None:
    email = confirmed_user(stack)
    challenge = prove_password(stack, email, with_challenge_name=with_challenge_name)
    assert challenge["ChallengeName"] == "CUSTOM_CHALLENGE"
    assert challenge["ChallengeParameters"]["USERNAME"]
    assert 20 <= len(challenge["Session"]) <= 4096
    done = answer_code(stack, challenge, latest_code(stack, email))
    result = done["AuthenticationResult"]
    assert result["TokenType"] == "Bearer"
    assert set(result) == {"AccessToken", "ExpiresIn", "TokenType", "RefreshToken", "IdToken"}
    user = cognito(stack).get_user(AccessToken=result["AccessToken"])
    assert {"Name": "email", "Value": email} in user["UserAttributes"]


def test_wrong_code_then_right_code_uses_a_new_session(stack: LocalStack) -> None:
    email = confirmed_user(stack)
    challenge = prove_password(stack, email)
    code = latest_code(stack, email)
    wrong = "000000" if code != "000000" else "111111"
    retry = answer_code(stack, challenge, wrong)
    assert retry["ChallengeName"] == "CUSTOM_CHALLENGE"
    assert retry["Session"] != challenge["Session"]
    assert len(stack.mailbox.messages(email)) == 2  # sign-up code + one sign-in code, no resend
    done = answer_code(stack, retry, code)
    assert "AccessToken" in done["AuthenticationResult"]


def test_attempts_exhausted_fails_and_kills_the_session(stack: LocalStack) -> None:
    email = confirmed_user(stack)
    challenge = prove_password(stack, email)
    code = latest_code(stack, email)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(MAX_TRIES - 1):
        challenge = answer_code(stack, challenge, wrong)
    with pytest.raises(ClientError) as caught:
        answer_code(stack, challenge, wrong)
    assert error_of(caught.value) == INCORRECT
    with pytest.raises(ClientError) as reused:
        answer_code(stack, challenge, code)
    assert error_of(reused.value) == INVALID


def test_resend_through_client_metadata_sends_a_new_code(stack: LocalStack) -> None:
    email = confirmed_user(stack)
    challenge = prove_password(stack, email)
    first_code = latest_code(stack, email)
    again = answer_code(stack, challenge, "resend", metadata={"resend": "true"})
    assert again["ChallengeName"] == "CUSTOM_CHALLENGE"
    assert again["ChallengeParameters"]["resent"] == "true"
    assert len(stack.mailbox.messages(email)) == 3
    second_code = latest_code(stack, email)
    if second_code != first_code:  # the old code no longer signs in (1 in a million: equal)
        again = answer_code(stack, again, first_code)
        assert again["ChallengeName"] == "CUSTOM_CHALLENGE"
    done = answer_code(stack, again, second_code)
    assert "IdToken" in done["AuthenticationResult"]


def test_expired_session_with_the_controllable_clock(stack: LocalStack) -> None:
    email = confirmed_user(stack)
    challenge = prove_password(stack, email)
    stack.clock.advance(stack.settings.pool.auth_session_validity_minutes * 60 + 1)
    with pytest.raises(ClientError) as caught:
        answer_code(stack, challenge, latest_code(stack, email))
    assert error_of(caught.value) == EXPIRED


def test_session_still_valid_just_before_its_validity_ends(stack: LocalStack) -> None:
    email = confirmed_user(stack)
    challenge = prove_password(stack, email)
    stack.clock.advance(stack.settings.pool.auth_session_validity_minutes * 60 - 30)
    done = answer_code(stack, challenge, latest_code(stack, email))
    assert "AccessToken" in done["AuthenticationResult"]


def test_auth_session_validity_comes_from_the_app_client(stack: LocalStack) -> None:
    longer = stack.create_client("long", auth_session_validity_minutes=15)
    email = confirmed_user(stack)
    srp = AWSSRP(
        username=email,
        password="Correct-Horse-42x",
        pool_id=stack.user_pool_id,
        client_id=longer.client_id,
        client=cognito(stack),
    )
    params = {**srp.get_auth_params(), "CHALLENGE_NAME": "SRP_A"}
    first = cognito(stack).initiate_auth(
        ClientId=longer.client_id, AuthFlow="CUSTOM_AUTH", AuthParameters=params
    )
    stack.clock.advance(10 * 60)
    answers = srp.process_challenge(first["ChallengeParameters"], params)
    challenge = cognito(stack).respond_to_auth_challenge(
        ClientId=longer.client_id,
        ChallengeName="PASSWORD_VERIFIER",
        Session=first["Session"],
        ChallengeResponses=answers,
    )
    assert challenge["ChallengeName"] == "CUSTOM_CHALLENGE"  # 10 min < 15 min: still valid
    stack.clock.advance(15 * 60 + 1)
    with pytest.raises(ClientError) as caught:
        cognito(stack).respond_to_auth_challenge(
            ClientId=longer.client_id,
            ChallengeName="CUSTOM_CHALLENGE",
            Session=challenge["Session"],
            ChallengeResponses={"USERNAME": email, "ANSWER": latest_code(stack, email)},
        )
    assert error_of(caught.value) == EXPIRED


def test_reusing_a_consumed_session_is_invalid(stack: LocalStack) -> None:
    email = confirmed_user(stack)
    challenge = prove_password(stack, email)
    code = latest_code(stack, email)
    answer_code(stack, challenge, code)
    with pytest.raises(ClientError) as caught:
        answer_code(stack, challenge, code)
    assert error_of(caught.value) == INVALID


def test_unknown_session_is_invalid(stack: LocalStack) -> None:
    email = confirmed_user(stack)
    challenge = prove_password(stack, email)
    forged = dict(challenge, Session="x" * 200)
    with pytest.raises(ClientError) as caught:
        answer_code(stack, forged, latest_code(stack, email))
    assert error_of(caught.value) == INVALID


def test_wrong_password_consumes_the_session(stack: LocalStack) -> None:
    email = confirmed_user(stack)
    srp, first, params = start_custom_auth(stack, email, "Wrong-Horse-42x")
    answers = srp.process_challenge(first["ChallengeParameters"], params)
    client = cognito(stack)
    call = dict(
        ClientId=stack.client_id,
        ChallengeName="PASSWORD_VERIFIER",
        Session=first["Session"],
        ChallengeResponses=answers,
    )
    with pytest.raises(ClientError) as caught:
        client.respond_to_auth_challenge(**call)
    assert error_of(caught.value) == INCORRECT
    with pytest.raises(ClientError) as again:
        client.respond_to_auth_challenge(**call)
    assert error_of(again.value) == INVALID


def test_trigger_failure_maps_to_user_lambda_validation_exception() -> None:
    triggers = SpecTriggers(fail_create_with="mail is down")
    with start_local_stack(triggers=triggers.handlers()) as broken:
        email = confirmed_user(broken)
        with pytest.raises(ClientError) as caught:
            prove_password(broken, email)
    assert error_of(caught.value) == (
        "UserLambdaValidationException",
        "CreateAuthChallenge failed with error mail is down.",
    )


def test_custom_auth_needs_a_define_trigger() -> None:
    with start_local_stack(triggers={}) as bare:
        email = confirmed_user(bare)
        with pytest.raises(ClientError) as caught:
            start_custom_auth(bare, email)
    assert error_of(caught.value) == (
        "InvalidParameterException",
        "Custom auth lambda trigger is not configured for the user pool.",
    )


def test_explicit_auth_flows_are_enforced(stack: LocalStack) -> None:
    srp_only = stack.create_client("srp-only", explicit_auth_flows=["ALLOW_USER_SRP_AUTH"])
    with pytest.raises(ClientError) as caught:
        cognito(stack).initiate_auth(
            ClientId=srp_only.client_id,
            AuthFlow="CUSTOM_AUTH",
            AuthParameters={"USERNAME": new_email()},
        )
    assert error_of(caught.value) == (
        "InvalidParameterException",
        "CUSTOM_AUTH is not enabled for the client.",
    )
    with pytest.raises(ClientError) as password_flow:
        cognito(stack).initiate_auth(
            ClientId=stack.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": new_email(), "PASSWORD": "x"},
        )
    # Cognito's own wording for this flow differs from the others (see emulator/pools.py).
    assert error_of(password_flow.value) == (
        "InvalidParameterException",
        "USER_PASSWORD_AUTH flow not enabled for this client",
    )


def test_sessions_of_one_stack_mean_nothing_to_another(stack: LocalStack) -> None:
    email = confirmed_user(stack)
    challenge = prove_password(stack, email)
    with start_local_stack(triggers=SpecTriggers().handlers()) as other:
        with pytest.raises(ClientError) as caught:
            cognito(other).respond_to_auth_challenge(
                ClientId=other.client_id,
                ChallengeName="CUSTOM_CHALLENGE",
                Session=challenge["Session"],
                ChallengeResponses={"USERNAME": email, "ANSWER": "123456"},
            )
        assert other.mailbox.messages(email) == []
    assert error_of(caught.value) == INVALID
