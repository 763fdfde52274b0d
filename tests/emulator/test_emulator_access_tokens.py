"""Every operation that takes an access token refuses a dead one with Cognito's words.

Revoked (GlobalSignOut, RevokeToken of its refresh token, DeleteUser): "Access Token has been
revoked"; past its exp on the stack clock: "Access Token has expired"; not this Cognito's (another
emulator's token, an ID token, garbage): "Invalid Access Token". Both the operations the engine
answers and those left to moto (SetUserMFAPreference, AssociateSoftwareToken) are covered: moto
must never answer one of the emulator's tokens in its own words.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError
from emulator_testkit import (
    PASSWORD,
    SpecTriggers,
    answer_code,
    cognito,
    error_of,
    latest_code,
    prove_password,
    signed_in,
)

from emulator import LocalStack, start_local_stack

NEW_PASSWORD = "Another-Horse-43y"
Call = Callable[[Any, str], Any]

OPERATIONS: dict[str, Call] = {
    "GetUser": lambda c, t: c.get_user(AccessToken=t),
    "ChangePassword": lambda c, t: c.change_password(
        PreviousPassword=PASSWORD, ProposedPassword=NEW_PASSWORD, AccessToken=t
    ),
    "GlobalSignOut": lambda c, t: c.global_sign_out(AccessToken=t),
    "DeleteUser": lambda c, t: c.delete_user(AccessToken=t),
    "UpdateUserAttributes": lambda c, t: c.update_user_attributes(
        UserAttributes=[{"Name": "locale", "Value": "en"}], AccessToken=t
    ),
    "VerifyUserAttribute": lambda c, t: c.verify_user_attribute(
        AccessToken=t, AttributeName="email", Code="123456"
    ),
    "GetUserAttributeVerificationCode": lambda c, t: c.get_user_attribute_verification_code(
        AccessToken=t, AttributeName="email"
    ),
    # Answered by moto once the emulator has judged the token.
    "SetUserMFAPreference": lambda c, t: c.set_user_mfa_preference(
        SoftwareTokenMfaSettings={"Enabled": False, "PreferredMfa": False}, AccessToken=t
    ),
    "AssociateSoftwareToken": lambda c, t: c.associate_software_token(AccessToken=t),
}
# What a live token's call answers when it is refused for something other than its token.
LIVE_REFUSALS = {"VerifyUserAttribute": "ExpiredCodeException"}  # no code was requested
REVOKED = ("NotAuthorizedException", "Access Token has been revoked")
EXPIRED = ("NotAuthorizedException", "Access Token has expired")
INVALID = ("NotAuthorizedException", "Invalid Access Token")


@pytest.fixture(scope="module")
def other_stack() -> Iterator[LocalStack]:
    with start_local_stack(triggers=SpecTriggers().handlers()) as running:
        yield running


@pytest.fixture(scope="module")
def expiring_stack() -> Iterator[LocalStack]:
    """A stack of its own: its clock is moved past the access tokens' lifetime."""
    with start_local_stack(triggers=SpecTriggers().handlers()) as running:
        yield running


@pytest.fixture(scope="module")
def dead_tokens(
    stack: LocalStack, other_stack: LocalStack, expiring_stack: LocalStack
) -> dict[str, tuple[LocalStack, str]]:
    """One token per way of being dead, each with the stack it is presented to.

    Refused calls change nothing, so every operation can be tried with the same tokens.
    """
    client = cognito(stack)
    _, signed_out = signed_in(stack)
    client.global_sign_out(AccessToken=signed_out["AccessToken"])
    _, revoked = signed_in(stack)
    client.revoke_token(Token=revoked["RefreshToken"], ClientId=stack.client_id)
    _, foreign = signed_in(other_stack)
    _, live = signed_in(stack)
    _, expiring = signed_in(expiring_stack)
    expiring_stack.clock.advance(stack.settings.pool.access_token_validity_minutes * 60 + 1)
    return {
        "global-sign-out": (stack, signed_out["AccessToken"]),
        "revoke-token": (stack, revoked["AccessToken"]),
        "expired": (expiring_stack, expiring["AccessToken"]),
        "another-emulator": (stack, foreign["AccessToken"]),
        "id-token": (stack, live["IdToken"]),
        "garbage": (stack, "not-a-token"),
    }


EXPECTED = {
    "global-sign-out": REVOKED,
    "revoke-token": REVOKED,
    "expired": EXPIRED,
    "another-emulator": INVALID,
    "id-token": INVALID,
    "garbage": INVALID,
}


@pytest.mark.parametrize("case", sorted(EXPECTED))
@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_dead_token_is_refused_with_cognitos_message(
    dead_tokens: dict[str, tuple[LocalStack, str]], operation: str, case: str
) -> None:
    target, token = dead_tokens[case]
    with pytest.raises(ClientError) as caught:
        OPERATIONS[operation](cognito(target), token)
    assert error_of(caught.value) == EXPECTED[case]


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_live_token_passes_the_gate(stack: LocalStack, operation: str) -> None:
    """The control: the same call with a live token is not refused for its token."""
    _, tokens = signed_in(stack)
    expected = LIVE_REFUSALS.get(operation)
    if expected is None:
        OPERATIONS[operation](cognito(stack), tokens["AccessToken"])
        return
    with pytest.raises(ClientError) as caught:
        OPERATIONS[operation](cognito(stack), tokens["AccessToken"])
    assert error_of(caught.value)[0] == expected


def test_delete_user_revokes_its_tokens_and_the_account(stack: LocalStack) -> None:
    email, tokens = signed_in(stack)
    client = cognito(stack)
    client.delete_user(AccessToken=tokens["AccessToken"])
    with pytest.raises(ClientError) as caught:
        client.get_user(AccessToken=tokens["AccessToken"])
    assert error_of(caught.value) == REVOKED
    with pytest.raises(ClientError) as refresh:
        client.initiate_auth(
            ClientId=stack.client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]},
        )
    assert error_of(refresh.value) == ("NotAuthorizedException", "Refresh Token has been revoked")
    with pytest.raises(ClientError) as gone:
        client.admin_get_user(UserPoolId=stack.user_pool_id, Username=email)
    assert error_of(gone.value)[0] == "UserNotFoundException"


def test_global_sign_out_revokes_every_session_of_the_user(stack: LocalStack) -> None:
    email, first = signed_in(stack)
    challenge = prove_password(stack, email)
    again = answer_code(stack, challenge, latest_code(stack, email))["AuthenticationResult"]
    _, someone_else = signed_in(stack)
    cognito(stack).global_sign_out(AccessToken=first["AccessToken"])
    for token in (first["AccessToken"], again["AccessToken"]):
        with pytest.raises(ClientError) as caught:
            cognito(stack).get_user(AccessToken=token)
        assert error_of(caught.value) == REVOKED
    cognito(stack).get_user(AccessToken=someone_else["AccessToken"])  # untouched


# --- ChangePassword -------------------------------------------------------------------------


def _change(stack: LocalStack, token: str, previous: str, proposed: str) -> tuple[str, str]:
    with pytest.raises(ClientError) as caught:
        cognito(stack).change_password(
            PreviousPassword=previous, ProposedPassword=proposed, AccessToken=token
        )
    return error_of(caught.value)


def test_change_password_needs_the_current_password(stack: LocalStack) -> None:
    email, tokens = signed_in(stack)
    token = tokens["AccessToken"]
    assert _change(stack, token, "Not-The-Password-1", NEW_PASSWORD) == (
        "NotAuthorizedException",
        "Incorrect username or password.",
    )
    assert _change(stack, token, PASSWORD, "short")[0] == "InvalidPasswordException"
    cognito(stack).change_password(
        PreviousPassword=PASSWORD, ProposedPassword=NEW_PASSWORD, AccessToken=token
    )
    # The SRP verifier follows: the new password proves, the old one no longer does.
    with pytest.raises(ClientError) as old:
        prove_password(stack, email, PASSWORD)
    assert error_of(old.value) == ("NotAuthorizedException", "Incorrect username or password.")
    assert prove_password(stack, email, NEW_PASSWORD)["ChallengeName"] == "CUSTOM_CHALLENGE"


def test_change_password_guesses_lock_the_account(stack: LocalStack) -> None:
    """[U] Wrong previous passwords count toward the sign-in lockout."""
    _, tokens = signed_in(stack)
    token = tokens["AccessToken"]
    for _ in range(5):
        assert _change(stack, token, "Not-The-Password-1", NEW_PASSWORD)[1] == (
            "Incorrect username or password."
        )
    assert _change(stack, token, PASSWORD, NEW_PASSWORD) == (
        "NotAuthorizedException",
        "Password attempts exceeded",
    )
