"""A challenge answer's USERNAME must name the user the session was started for.

AWS does not document a mismatch [U]; the emulator refuses it (NotAuthorizedException "Incorrect
username or password.", session spent) so that an answer can never get tokens for anyone but the
session's own user, whichever step it answers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from emulator_testkit import (
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

from emulator import LocalStack

REFUSED = ("NotAuthorizedException", "Incorrect username or password.")
# Which name of which user the answer's USERNAME holds: (own email, other's email) -> name.
OtherName = Callable[[LocalStack, str, str], str]


def _internal_name(stack: LocalStack, email: str) -> str:
    user = cognito(stack).admin_get_user(UserPoolId=stack.user_pool_id, Username=email)
    return str(user["Username"])


OTHER_NAMES: dict[str, OtherName] = {
    "other-users-email": lambda stack, own, other: other,
    "other-users-internal-name": lambda stack, own, other: _internal_name(stack, other),
    "address-without-account": lambda stack, own, other: new_email(),
}
OWN_NAMES: dict[str, OtherName] = {
    "challenge-username": lambda stack, own, other: _internal_name(stack, own),
    "email": lambda stack, own, other: own,
    "email-in-capitals": lambda stack, own, other: own.upper(),
}


def _answer_as(
    stack: LocalStack, challenge: dict[str, Any], username: str, code: str
) -> dict[str, Any]:
    return dict(
        cognito(stack).respond_to_auth_challenge(
            ClientId=stack.client_id,
            ChallengeName="CUSTOM_CHALLENGE",
            Session=challenge["Session"],
            ChallengeResponses={"USERNAME": username, "ANSWER": code},
        )
    )


@pytest.mark.parametrize("name", sorted(OTHER_NAMES))
def test_code_answer_naming_someone_else_is_refused(stack: LocalStack, name: str) -> None:
    own, other = confirmed_user(stack), confirmed_user(stack)
    challenge = prove_password(stack, own)
    code = latest_code(stack, own)
    with pytest.raises(ClientError) as caught:
        _answer_as(stack, challenge, OTHER_NAMES[name](stack, own, other), code)
    assert error_of(caught.value) == REFUSED
    # The session is spent: not even the right USERNAME completes it now.
    with pytest.raises(ClientError) as spent:
        answer_code(stack, challenge, code)
    assert error_of(spent.value) == ("NotAuthorizedException", "Invalid session for the user.")


@pytest.mark.parametrize("name", sorted(OWN_NAMES))
def test_code_answer_naming_the_sessions_user_gets_its_tokens(stack: LocalStack, name: str) -> None:
    own, other = confirmed_user(stack), confirmed_user(stack)
    challenge = prove_password(stack, own)
    done = _answer_as(stack, challenge, OWN_NAMES[name](stack, own, other), latest_code(stack, own))
    token = done["AuthenticationResult"]["AccessToken"]
    assert cognito(stack).get_user(AccessToken=token)["Username"] == _internal_name(stack, own)


def test_password_answer_naming_someone_else_is_refused(stack: LocalStack) -> None:
    """The SRP step: the proof is right, the USERNAME names another account."""
    own, other = confirmed_user(stack), confirmed_user(stack)
    srp, first, params = start_custom_auth(stack, own)
    answers = srp.process_challenge(first["ChallengeParameters"], params)
    answers["USERNAME"] = other
    with pytest.raises(ClientError) as caught:
        cognito(stack).respond_to_auth_challenge(
            ClientId=stack.client_id,
            ChallengeName="PASSWORD_VERIFIER",
            Session=first["Session"],
            ChallengeResponses=answers,
        )
    assert error_of(caught.value) == REFUSED
    # Only the sign-up codes: the refused answer never reached Define, so no code was sent.
    assert [len(stack.mailbox.messages(a)) for a in (own, other)] == [1, 1]


@pytest.mark.parametrize("answer_as", ["own-name", "existing-account"])
def test_unknown_name_session_is_answered_only_in_its_own_name(
    fresh_stack: LocalStack, triggers: SpecTriggers, answer_as: str
) -> None:
    """PreventUserExistenceErrors: a session for a name without an account runs Verify for an
    answer in that name, and never lets the answer name an existing account instead."""
    ghost, existing = new_email(), confirmed_user(fresh_stack)

    def define_custom(event: dict[str, Any], context: Any) -> dict[str, Any]:
        triggers.events.append(event)
        done = len(event["request"]["session"]) >= 1
        event["response"].update(
            challengeName="CUSTOM_CHALLENGE", issueTokens=False, failAuthentication=done
        )
        return event

    fresh_stack.registry.register(fresh_stack.trigger_arn("DefineAuthChallenge"), define_custom)
    first = cognito(fresh_stack).initiate_auth(
        ClientId=fresh_stack.client_id, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": ghost}
    )
    username = ghost.upper() if answer_as == "own-name" else existing
    with pytest.raises(ClientError) as caught:
        _answer_as(fresh_stack, first, username, "123456")
    assert error_of(caught.value) == REFUSED  # Define fails it, or the name is refused
    verified = [e for e in triggers.events if e["triggerSource"].startswith("VerifyAuth")]
    assert len(verified) == (1 if answer_as == "own-name" else 0)
