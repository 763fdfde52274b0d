"""Attributes change only through verification (issue 8, point 3).

The app client reads and writes only what the app needs (functions/settings.py), so an access
token cannot rewrite `email`; and the pool requires verification before an email update, so even
a client that may write `email` (made here for the purpose) cannot move the codes to an address
nobody has proven. Cognito's rules are in emulator/attributes.py.
"""

from __future__ import annotations

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
)

from emulator import AppClient, LocalStack
from emulator.attributes import plan_update
from functions.settings import (
    ATTRIBUTES_VERIFIED_BEFORE_UPDATE,
    CLIENT_READ_ATTRIBUTES,
    CLIENT_WRITE_ATTRIBUTES,
)

UNAUTHORIZED = ("NotAuthorizedException", "A client attempted to write unauthorized attribute")
MISMATCH = ("CodeMismatchException", "Invalid verification code provided, please try again.")
INCORRECT = ("NotAuthorizedException", "Incorrect username or password.")


@pytest.fixture(scope="module")
def email_writer(stack: LocalStack) -> AppClient:
    """A client that may write email (not the product's), signing in with USER_PASSWORD_AUTH
    only to keep these tests short."""
    return stack.create_client(
        "may-write-email",
        explicit_auth_flows=["ALLOW_USER_PASSWORD_AUTH"],
        write_attributes=["email", "locale"],
    )


def _attributes(stack: LocalStack, access_token: str) -> dict[str, str]:
    user = cognito(stack).get_user(AccessToken=access_token)
    return {a["Name"]: a["Value"] for a in user["UserAttributes"]}


def _product_sign_in(stack: LocalStack, email: str) -> dict[str, Any]:
    """The product's own sign-in (SRP, then the code from the mailbox)."""
    challenge = prove_password(stack, email)
    return dict(answer_code(stack, challenge, latest_code(stack, email))["AuthenticationResult"])


def _password_sign_in(stack: LocalStack, client: AppClient, email: str) -> dict[str, Any]:
    result = cognito(stack).initiate_auth(
        ClientId=client.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": PASSWORD},
    )
    return dict(result["AuthenticationResult"])


def _error(call: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as caught:
        call()
    return error_of(caught.value)


def test_the_default_client_and_pool_are_configured_from_the_settings(stack: LocalStack) -> None:
    client = cognito(stack)
    described = client.describe_user_pool_client(
        UserPoolId=stack.user_pool_id, ClientId=stack.client_id
    )["UserPoolClient"]
    assert set(described["ReadAttributes"]) == set(CLIENT_READ_ATTRIBUTES)
    assert set(described["WriteAttributes"]) == set(CLIENT_WRITE_ATTRIBUTES) == {"locale"}
    pool = client.describe_user_pool(UserPoolId=stack.user_pool_id)["UserPool"]
    settings = pool["UserAttributeUpdateSettings"]
    assert settings["AttributesRequireVerificationBeforeUpdate"] == ["email"]
    assert list(ATTRIBUTES_VERIFIED_BEFORE_UPDATE) == ["email"]


@pytest.mark.parametrize(
    "attributes",
    [
        [{"Name": "email", "Value": "someone-else@example.com"}],
        [{"Name": "name", "Value": "Ada"}],
        [{"Name": "locale", "Value": "en"}, {"Name": "email_verified", "Value": "true"}],
    ],
    ids=["email", "name", "email_verified"],
)
def test_sign_up_refuses_attributes_the_client_may_not_write(
    stack: LocalStack, attributes: list[dict[str, str]]
) -> None:
    email = new_email()
    error = _error(
        lambda: cognito(stack).sign_up(
            ClientId=stack.client_id, Username=email, Password=PASSWORD, UserAttributes=attributes
        )
    )
    assert error == UNAUTHORIZED
    assert stack.mailbox.messages(email) == []
    missing = _error(
        lambda: cognito(stack).admin_get_user(UserPoolId=stack.user_pool_id, Username=email)
    )
    assert missing[0] == "UserNotFoundException"


def test_the_username_sets_the_email_without_write_permission(stack: LocalStack) -> None:
    email = new_email()
    cognito(stack).sign_up(
        ClientId=stack.client_id,
        Username=email,
        Password=PASSWORD,
        UserAttributes=[{"Name": "locale", "Value": "ja"}],
    )
    user = cognito(stack).admin_get_user(UserPoolId=stack.user_pool_id, Username=email)
    found = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert found["email"] == email
    assert found["locale"] == "ja"


def test_an_access_token_cannot_rewrite_the_email(stack: LocalStack) -> None:
    email = confirmed_user(stack)
    tokens = _product_sign_in(stack, email)
    error = _error(
        lambda: cognito(stack).update_user_attributes(
            AccessToken=tokens["AccessToken"],
            UserAttributes=[{"Name": "email", "Value": new_email()}],
        )
    )
    assert error == UNAUTHORIZED
    cognito(stack).update_user_attributes(  # what the client may write still works
        AccessToken=tokens["AccessToken"], UserAttributes=[{"Name": "locale", "Value": "ja"}]
    )
    found = _attributes(stack, tokens["AccessToken"])
    assert found["email"] == email
    assert found["locale"] == "ja"


def test_get_user_and_the_id_token_show_only_what_the_client_may_read(stack: LocalStack) -> None:
    email = confirmed_user(stack)
    cognito(stack).admin_update_user_attributes(
        UserPoolId=stack.user_pool_id,
        Username=email,
        UserAttributes=[{"Name": "name", "Value": "Ada"}, {"Name": "nickname", "Value": "A"}],
    )
    tokens = _product_sign_in(stack, email)
    readable = set(CLIENT_READ_ATTRIBUTES) | {"sub"}
    found = _attributes(stack, tokens["AccessToken"])
    assert set(found) <= readable
    assert found["email"] == email
    claims = jwt.decode(tokens["IdToken"], options={"verify_signature": False})
    assert "name" not in claims
    assert "nickname" not in claims
    assert claims["email"] == email


def test_a_new_email_takes_effect_only_once_verified(
    stack: LocalStack, email_writer: AppClient
) -> None:
    old = confirmed_user(stack)
    new = new_email()
    token = _password_sign_in(stack, email_writer, old)["AccessToken"]
    answer = cognito(stack).update_user_attributes(
        AccessToken=token, UserAttributes=[{"Name": "email", "Value": new}]
    )
    assert answer["CodeDeliveryDetailsList"] == [
        {"Destination": f"{new[0]}***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"}
    ]
    (sent,) = stack.mailbox.messages(new)
    found = _attributes(stack, token)
    assert (found["email"], found["email_verified"]) == (old, "true")
    # The old address still signs in and still gets the sign-in codes; the new one does neither.
    assert _error(lambda: _password_sign_in(stack, email_writer, new)) == INCORRECT
    _product_sign_in(stack, old)
    assert stack.mailbox.messages(new) == [sent]
    wrong = "".join(str((int(c) + 1) % 10) for c in latest_code(stack, new))
    verify = cognito(stack).verify_user_attribute
    assert _error(lambda: verify(AccessToken=token, AttributeName="email", Code=wrong)) == MISMATCH
    assert _attributes(stack, token)["email"] == old
    verify(AccessToken=token, AttributeName="email", Code=latest_code(stack, new))
    found = _attributes(stack, token)
    assert (found["email"], found["email_verified"]) == (new, "true")
    assert _password_sign_in(stack, email_writer, new)["AccessToken"]
    assert _error(lambda: _password_sign_in(stack, email_writer, old)) == INCORRECT


def test_only_the_latest_pending_address_can_be_verified(
    stack: LocalStack, email_writer: AppClient
) -> None:
    old = confirmed_user(stack)
    first, second = new_email(), new_email()
    token = _password_sign_in(stack, email_writer, old)["AccessToken"]
    update = cognito(stack).update_user_attributes
    update(AccessToken=token, UserAttributes=[{"Name": "email", "Value": first}])
    first_code = latest_code(stack, first)
    update(AccessToken=token, UserAttributes=[{"Name": "email", "Value": second}])
    second_code = latest_code(stack, second)
    verify = cognito(stack).verify_user_attribute
    if first_code != second_code:
        error = _error(lambda: verify(AccessToken=token, AttributeName="email", Code=first_code))
        assert error == MISMATCH
    verify(AccessToken=token, AttributeName="email", Code=second_code)
    assert _attributes(stack, token)["email"] == second


def test_a_client_cannot_mark_its_own_email_verified(
    stack: LocalStack, email_writer: AppClient
) -> None:
    old = confirmed_user(stack)
    token = _password_sign_in(stack, email_writer, old)["AccessToken"]
    attributes = [
        {"Name": "email", "Value": new_email()},
        {"Name": "email_verified", "Value": "true"},
    ]
    error = _error(
        lambda: cognito(stack).update_user_attributes(AccessToken=token, UserAttributes=attributes)
    )
    assert error == UNAUTHORIZED
    assert _attributes(stack, token)["email"] == old


def test_another_accounts_address_is_refused(stack: LocalStack, email_writer: AppClient) -> None:
    mine, theirs = confirmed_user(stack), confirmed_user(stack)
    token = _password_sign_in(stack, email_writer, mine)["AccessToken"]
    error = _error(
        lambda: cognito(stack).update_user_attributes(
            AccessToken=token, UserAttributes=[{"Name": "email", "Value": theirs}]
        )
    )
    assert error == ("AliasExistsException", "An account with the given email already exists.")
    assert len(stack.mailbox.messages(theirs)) == 1  # its own sign-up code only


def test_an_administrator_update_waits_for_verification_unless_marked_verified(
    stack: LocalStack,
) -> None:
    email = confirmed_user(stack)
    admin = cognito(stack)
    pending, direct = new_email(), new_email()
    admin.admin_update_user_attributes(
        UserPoolId=stack.user_pool_id,
        Username=email,
        UserAttributes=[{"Name": "email", "Value": pending}],
    )
    assert len(stack.mailbox.messages(pending)) == 1
    user = admin.admin_get_user(UserPoolId=stack.user_pool_id, Username=email)
    assert {"Name": "email", "Value": email} in user["UserAttributes"]
    admin.admin_update_user_attributes(
        UserPoolId=stack.user_pool_id,
        Username=email,
        UserAttributes=[
            {"Name": "email", "Value": direct},
            {"Name": "email_verified", "Value": "true"},
        ],
    )
    assert stack.mailbox.messages(direct) == []
    user = admin.admin_get_user(UserPoolId=stack.user_pool_id, Username=direct)
    assert {"Name": "email_verified", "Value": "true"} in user["UserAttributes"]


def test_an_expired_access_token_reads_nothing(fresh_stack: LocalStack) -> None:
    email = confirmed_user(fresh_stack)
    tokens = _product_sign_in(fresh_stack, email)
    fresh_stack.clock.advance(tokens["ExpiresIn"] + 1)
    error = _error(lambda: cognito(fresh_stack).get_user(AccessToken=tokens["AccessToken"]))
    assert error == ("NotAuthorizedException", "Access Token has expired")


# --- the decision alone (emulator/attributes.py) ---------------------------------------------


def test_without_verification_before_update_a_new_email_applies_at_once_unverified() -> None:
    plan = plan_update(
        {"AutoVerifiedAttributes": ["email"]},
        {"email": "old@example.com"},
        [{"Name": "email", "Value": "new@example.com"}],
    )
    assert plan.apply_now == [
        {"Name": "email", "Value": "new@example.com"},
        {"Name": "email_verified", "Value": "false"},
    ]
    assert plan.pending == {}
    assert plan.send_code_to == [("email", "new@example.com")]


def test_the_same_email_again_changes_nothing() -> None:
    plan = plan_update(
        {
            "AutoVerifiedAttributes": ["email"],
            "UserAttributeUpdateSettings": {"AttributesRequireVerificationBeforeUpdate": ["email"]},
        },
        {"email": "same@example.com"},
        [{"Name": "email", "Value": "same@example.com"}, {"Name": "locale", "Value": "en"}],
    )
    assert plan.apply_now == [{"Name": "locale", "Value": "en"}]
    assert plan.pending == {}
    assert plan.send_code_to == []
