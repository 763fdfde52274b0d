"""The local stack with the product's real handlers (functions/) wired, driven through boto3."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from botocore.exceptions import ClientError
from emulator_testkit import (
    answer_code,
    confirmed_user,
    error_of,
    latest_code,
    prove_password,
)

from emulator import LocalStack, start_local_stack

PUBLIC_PARAMETERS = {
    "destination",
    "code_length",
    "expires_at",
    "attempts_left",
    "resend_available_in",
    "codes_left",
    "resent",
    "USERNAME",
}


@pytest.fixture(scope="module")
def product() -> Iterator[LocalStack]:
    with start_local_stack() as running:
        yield running


@pytest.fixture
def fresh_product() -> Iterator[LocalStack]:
    """A stack of its own, for tests that move its clock."""
    with start_local_stack() as running:
        yield running


def test_sign_up_mail_comes_from_the_custom_message_trigger(product: LocalStack) -> None:
    email = confirmed_user(product)
    (message,) = product.mailbox.messages(email)
    assert product.settings.triggers.app_name in message["subject"]
    assert message["html"]
    assert "{####}" not in message["html"]


def test_complete_sign_in_with_the_product_triggers(product: LocalStack) -> None:
    email = confirmed_user(product)
    challenge = prove_password(product, email, metadata={"locale": "en"})
    params = challenge["ChallengeParameters"]
    assert set(params) == PUBLIC_PARAMETERS
    assert params["code_length"] == str(product.settings.triggers.otp.length)
    assert params["attempts_left"] == str(product.settings.triggers.otp.max_attempts)
    assert "@" in params["destination"]
    assert params["destination"] != email
    done = answer_code(product, challenge, latest_code(product, email))
    assert {"AccessToken", "IdToken", "RefreshToken"} <= set(done["AuthenticationResult"])
    sources = [i.event["triggerSource"] for i in product.registry.invocations[-6:]]
    assert sources[-1] == "PostAuthentication_Authentication"
    assert all(i.error is None for i in product.registry.invocations)


def test_wrong_codes_count_down_then_fail(product: LocalStack) -> None:
    email = confirmed_user(product)
    challenge = prove_password(product, email)
    code = latest_code(product, email)
    wrong = "0" * len(code) if code != "0" * len(code) else "1" * len(code)
    attempts = int(challenge["ChallengeParameters"]["attempts_left"])
    for left in range(attempts - 1, 0, -1):
        challenge = answer_code(product, challenge, wrong)
        assert challenge["ChallengeParameters"]["attempts_left"] == str(left)
    with pytest.raises(ClientError) as caught:
        answer_code(product, challenge, wrong)
    assert error_of(caught.value) == ("NotAuthorizedException", "Incorrect username or password.")


def test_the_triggers_read_the_stack_clock(fresh_product: LocalStack) -> None:
    """A resend waits for its cooldown on the stack's clock, which tests can advance."""
    email = confirmed_user(fresh_product)
    challenge = prove_password(fresh_product, email)
    first = latest_code(fresh_product, email)
    resend = {"resend": "true"}
    too_soon = answer_code(fresh_product, challenge, "resend", metadata=resend)
    assert too_soon["ChallengeParameters"]["resent"] == "false"
    assert int(too_soon["ChallengeParameters"]["resend_available_in"]) > 0
    assert latest_code(fresh_product, email) == first
    cooldown = fresh_product.settings.triggers.otp.resend_cooldown_seconds
    fresh_product.clock.advance(cooldown + 1)
    later = answer_code(fresh_product, too_soon, "resend", metadata=resend)
    assert later["ChallengeParameters"]["resent"] == "true"
    second = latest_code(fresh_product, email)
    assert len(fresh_product.mailbox.messages(email)) == 3, "sign-up code, then two sign-in codes"
    done = answer_code(fresh_product, later, second)
    assert "AuthenticationResult" in done
