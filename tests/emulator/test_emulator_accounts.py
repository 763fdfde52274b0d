"""Codes Cognito itself sends: sign-up, resend, forgot password; password policy (section 7)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from emulator_testkit import (
    PASSWORD,
    cognito,
    confirmed_user,
    error_of,
    latest_code,
    new_email,
    prove_password,
)

from emulator import LocalStack, start_local_stack

MISMATCH = ("CodeMismatchException", "Invalid verification code provided, please try again.")
EXPIRED = ("ExpiredCodeException", "Invalid code provided, please request a code again.")


def _other(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def test_sign_up_emails_a_code_that_confirms_the_user(stack: LocalStack) -> None:
    email = new_email()
    client = cognito(stack)
    result = client.sign_up(ClientId=stack.client_id, Username=email, Password=PASSWORD)
    assert result["UserConfirmed"] is False
    assert result["CodeDeliveryDetails"] == {
        "Destination": f"{email[0]}***@e***",
        "DeliveryMedium": "EMAIL",
        "AttributeName": "email",
    }
    (message,) = stack.mailbox.messages(email)
    assert message["from"] == stack.settings.triggers.sender_email
    code = latest_code(stack, email)
    with pytest.raises(ClientError) as wrong:
        client.confirm_sign_up(
            ClientId=stack.client_id, Username=email, ConfirmationCode=_other(code)
        )
    assert error_of(wrong.value) == MISMATCH
    client.confirm_sign_up(ClientId=stack.client_id, Username=email, ConfirmationCode=code)
    user = client.admin_get_user(UserPoolId=stack.user_pool_id, Username=email)
    assert user["UserStatus"] == "CONFIRMED"
    with pytest.raises(ClientError) as again:
        client.confirm_sign_up(ClientId=stack.client_id, Username=email, ConfirmationCode=code)
    assert error_of(again.value) == (
        "NotAuthorizedException",
        "User cannot be confirmed. Current status is CONFIRMED",
    )


def test_sign_up_code_expires(stack: LocalStack) -> None:
    email = new_email()
    cognito(stack).sign_up(ClientId=stack.client_id, Username=email, Password=PASSWORD)
    stack.clock.advance(24 * 3600 + 1)
    with pytest.raises(ClientError) as caught:
        cognito(stack).confirm_sign_up(
            ClientId=stack.client_id, Username=email, ConfirmationCode=latest_code(stack, email)
        )
    assert error_of(caught.value) == EXPIRED


def test_sign_up_code_attempt_limit(stack: LocalStack) -> None:
    email = new_email()
    client = cognito(stack)
    client.sign_up(ClientId=stack.client_id, Username=email, Password=PASSWORD)
    code = latest_code(stack, email)
    for _ in range(5):
        with pytest.raises(ClientError):
            client.confirm_sign_up(
                ClientId=stack.client_id, Username=email, ConfirmationCode=_other(code)
            )
    with pytest.raises(ClientError) as caught:
        client.confirm_sign_up(ClientId=stack.client_id, Username=email, ConfirmationCode=code)
    assert error_of(caught.value) == (
        "LimitExceededException",
        "Attempt limit exceeded, please try after some time.",
    )
    client.resend_confirmation_code(ClientId=stack.client_id, Username=email)
    client.confirm_sign_up(
        ClientId=stack.client_id, Username=email, ConfirmationCode=latest_code(stack, email)
    )


def test_resend_replaces_the_code(stack: LocalStack) -> None:
    email = new_email()
    client = cognito(stack)
    client.sign_up(ClientId=stack.client_id, Username=email, Password=PASSWORD)
    first = latest_code(stack, email)
    details = client.resend_confirmation_code(ClientId=stack.client_id, Username=email)
    assert details["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    assert len(stack.mailbox.messages(email)) == 2
    second = latest_code(stack, email)
    if first != second:
        with pytest.raises(ClientError) as old:
            client.confirm_sign_up(ClientId=stack.client_id, Username=email, ConfirmationCode=first)
        assert error_of(old.value) == MISMATCH
    client.confirm_sign_up(ClientId=stack.client_id, Username=email, ConfirmationCode=second)


@pytest.mark.parametrize(
    ("password", "rule"),
    [
        ("Sh0rt-pass", "Password not long enough"),
        ("no-upper-case-42", "Password must have uppercase characters"),
        ("NO-LOWER-CASE-42", "Password must have lowercase characters"),
        ("No-Numbers-At-All", "Password must have numeric characters"),
    ],
)
def test_password_policy_at_sign_up(stack: LocalStack, password: str, rule: str) -> None:
    with pytest.raises(ClientError) as caught:
        cognito(stack).sign_up(ClientId=stack.client_id, Username=new_email(), Password=password)
    assert error_of(caught.value) == (
        "InvalidPasswordException",
        f"Password did not conform with policy: {rule}",
    )


def test_existing_email_cannot_sign_up_again(stack: LocalStack) -> None:
    email = confirmed_user(stack)
    with pytest.raises(ClientError) as caught:
        cognito(stack).sign_up(ClientId=stack.client_id, Username=email, Password=PASSWORD)
    assert error_of(caught.value) == (
        "UsernameExistsException",
        "An account with the given email already exists.",
    )


def test_forgot_password_code_resets_the_password(stack: LocalStack) -> None:
    email = confirmed_user(stack)
    client = cognito(stack)
    sent = client.forgot_password(ClientId=stack.client_id, Username=email)
    assert sent["CodeDeliveryDetails"]["Destination"] == f"{email[0]}***@e***"
    code = latest_code(stack, email)
    with pytest.raises(ClientError) as weak:
        client.confirm_forgot_password(
            ClientId=stack.client_id, Username=email, ConfirmationCode=code, Password="weak"
        )
    assert error_of(weak.value) == (
        "InvalidPasswordException",
        "Password does not conform to policy: Password not long enough",
    )
    with pytest.raises(ClientError) as wrong:
        client.confirm_forgot_password(
            ClientId=stack.client_id,
            Username=email,
            ConfirmationCode=_other(code),
            Password="Brand-New-Pass-7",
        )
    assert error_of(wrong.value) == MISMATCH
    client.confirm_forgot_password(
        ClientId=stack.client_id, Username=email, ConfirmationCode=code, Password="Brand-New-Pass-7"
    )
    assert prove_password(stack, email, "Brand-New-Pass-7")["ChallengeName"] == "CUSTOM_CHALLENGE"
    with pytest.raises(ClientError):
        prove_password(stack, email, PASSWORD)


def test_reset_code_expires_after_an_hour(stack: LocalStack) -> None:
    email = confirmed_user(stack)
    cognito(stack).forgot_password(ClientId=stack.client_id, Username=email)
    stack.clock.advance(3601)
    with pytest.raises(ClientError) as caught:
        cognito(stack).confirm_forgot_password(
            ClientId=stack.client_id,
            Username=email,
            ConfirmationCode=latest_code(stack, email),
            Password="Brand-New-Pass-7",
        )
    assert error_of(caught.value) == EXPIRED


def test_confirm_forgot_password_without_a_request_is_expired(stack: LocalStack) -> None:
    email = confirmed_user(stack)
    with pytest.raises(ClientError) as caught:
        cognito(stack).confirm_forgot_password(
            ClientId=stack.client_id,
            Username=email,
            ConfirmationCode="123456",
            Password="Brand-New-Pass-7",
        )
    assert error_of(caught.value) == EXPIRED


def test_prevent_user_existence_errors_for_unknown_users(stack: LocalStack) -> None:
    ghost = new_email()
    client = cognito(stack)
    simulated = client.forgot_password(ClientId=stack.client_id, Username=ghost)
    assert simulated["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    resent = client.resend_confirmation_code(ClientId=stack.client_id, Username=ghost)
    assert resent["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    with pytest.raises(ClientError) as confirm:
        client.confirm_forgot_password(
            ClientId=stack.client_id,
            Username=ghost,
            ConfirmationCode="123456",
            Password="Brand-New-Pass-7",
        )
    assert error_of(confirm.value) == MISMATCH
    assert stack.mailbox.messages(ghost) == []


def test_legacy_errors_name_unknown_users() -> None:
    with (
        start_local_stack(triggers={}, prevent_user_existence_errors="LEGACY") as legacy,
        pytest.raises(ClientError) as caught,
    ):
        cognito(legacy).forgot_password(ClientId=legacy.client_id, Username=new_email())
    assert error_of(caught.value) == (
        "UserNotFoundException",
        "Username/client id combination not found.",
    )


def test_custom_message_trigger_writes_the_code_emails() -> None:
    seen: list[dict[str, Any]] = []

    def custom_message(event: dict[str, Any], context: Any) -> dict[str, Any]:
        seen.append(event)
        event["response"]["emailSubject"] = f"Code for {event['triggerSource']}"
        event["response"]["emailMessage"] = (
            f"<p>Your code: <b>{event['request']['codeParameter']}</b></p>"
        )
        return event

    with start_local_stack(triggers={"CustomMessage": custom_message}) as custom:
        email = new_email()
        client = cognito(custom)
        client.sign_up(
            ClientId=custom.client_id,
            Username=email,
            Password=PASSWORD,
            ClientMetadata={"locale": "ja"},
        )
        client.resend_confirmation_code(ClientId=custom.client_id, Username=email)
        client.confirm_sign_up(
            ClientId=custom.client_id, Username=email, ConfirmationCode=latest_code(custom, email)
        )
        client.forgot_password(ClientId=custom.client_id, Username=email)
        messages = custom.mailbox.messages(email)
    assert [e["triggerSource"] for e in seen] == [
        "CustomMessage_SignUp",
        "CustomMessage_ResendCode",
        "CustomMessage_ForgotPassword",
    ]
    assert seen[0]["request"]["clientMetadata"] == {"locale": "ja"}
    assert "clientMetadata" not in seen[1]["request"]
    assert seen[0]["request"]["codeParameter"] == "{####}"
    assert [m["subject"] for m in messages] == [
        "Code for CustomMessage_SignUp",
        "Code for CustomMessage_ResendCode",
        "Code for CustomMessage_ForgotPassword",
    ]
    assert "{####}" not in messages[0]["html"]
    assert messages[0]["html"].startswith("<p>Your code: <b>")
