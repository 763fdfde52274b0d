"""Create with moto's SES: the email, the stored hash, resends, unknown users, SES failures."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import boto3  # type: ignore[import-untyped]  # boto3 ships no type hints
import pytest
from botocore.exceptions import ClientError  # type: ignore[import-untyped]
from moto import mock_aws
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends
from trigger_events import (
    PV_OK,
    REGION,
    SENDER,
    SRP_A_OK,
    TEST_OTP,
    TEST_SETTINGS,
    USER_ATTRIBUTES,
    USER_EMAIL,
    code_round,
    code_state,
    create_event,
    entry,
    verify_event,
)

from functions import create_auth_challenge, mailer, verify_auth_challenge
from functions.code_state import STATE_PARAMETER, decode_state, encode_state
from functions.events import MalformedEvent
from functions.otp import answer_matches

PUBLIC_KEYS = {
    "destination",
    "code_length",
    "expires_at",
    "attempts_left",
    "resend_available_in",
    "codes_left",
    "resent",
}
CODE_IN_HTML = re.compile(r"letter-spacing:6px[^>]*>(\d+)</p>")
RESEND = {"resend": "true"}


@pytest.fixture
def outbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """moto's SES with the sender verified; yields the list of messages SES accepted."""
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.setenv("AWS_REGION", REGION)
    mailer.reset_client()
    with mock_aws():
        boto3.client("sesv2", region_name=REGION).create_email_identity(EmailIdentity=SENDER)
        yield ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages
    mailer.reset_client()


@pytest.fixture
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record the imitated delays instead of sleeping."""
    delays: list[float] = []
    monkeypatch.setattr(mailer, "sleep", delays.append)
    monkeypatch.setattr(mailer.SEND_TIMER, "average", 0.1)
    return delays


def create(event: dict[str, Any]) -> dict[str, Any]:
    response = create_auth_challenge.handler(event, None)["response"]
    assert isinstance(response, dict)
    return response


def code_from(message: Any) -> str:
    found = CODE_IN_HTML.search(message.body)
    assert found, "no code in the email"
    return found.group(1)


def test_first_round_emails_a_code_that_matches_the_stored_hash(outbox: list[Any]) -> None:
    response = create(create_event([SRP_A_OK, PV_OK]))
    assert len(outbox) == 1
    message = outbox[0]
    assert message.source == SENDER
    assert message.destinations == {"ToAddresses": [USER_EMAIL]}
    assert message.subject == "Your Acme <Login> sign-in code"
    assert "Acme &lt;Login&gt;" in message.body
    assert "<Login>" not in message.body
    assert "It expires in 3 minutes." in message.body
    code = code_from(message)
    assert re.fullmatch(r"\d{6}", code)
    metadata = response["challengeMetadata"]
    assert code not in metadata
    assert response["privateChallengeParameters"] == {STATE_PARAMETER: metadata}
    state = decode_state(metadata)
    assert state is not None
    assert answer_matches(state, code)
    accepted = verify_auth_challenge.handler(
        verify_event(code, response["privateChallengeParameters"]), None
    )
    assert accepted["response"]["answerCorrect"] is True


def test_first_round_public_parameters(outbox: list[Any]) -> None:
    response = create(create_event([SRP_A_OK, PV_OK]))
    public = response["publicChallengeParameters"]
    assert set(public) == PUBLIC_KEYS
    assert all(isinstance(value, str) for value in public.values())
    state = decode_state(response["challengeMetadata"])
    assert state is not None
    assert public == {
        "destination": "al***@example.com",
        "code_length": "6",
        "expires_at": str(state.issued_at + TEST_OTP.ttl_seconds),
        "attempts_left": "3",
        "resend_available_in": "30",
        "codes_left": "2",
        "resent": "false",
    }


def test_old_client_shape_also_gets_a_code(outbox: list[Any]) -> None:
    create(create_event([PV_OK]))
    assert len(outbox) == 1


@pytest.mark.parametrize(
    ("client_metadata", "attributes", "default", "subject"),
    [
        ({"locale": "ja"}, {}, "en", "【Acme <Login>】サインイン用の認証コード"),
        ({"locale": "ja-JP"}, {"locale": "en"}, "en", "【Acme <Login>】サインイン用の認証コード"),
        ({"locale": "en"}, {"locale": "ja"}, "ja", "Your Acme <Login> sign-in code"),
        (None, {"locale": "ja"}, "en", "【Acme <Login>】サインイン用の認証コード"),
        ({"locale": "fr"}, {"locale": "ja"}, "en", "【Acme <Login>】サインイン用の認証コード"),
        (None, {}, "ja", "【Acme <Login>】サインイン用の認証コード"),
        (None, {}, "en", "Your Acme <Login> sign-in code"),
    ],
)
def test_language_follows_browser_then_profile_then_default(  # noqa: PLR0917 - parameters
    outbox: list[Any],
    monkeypatch: pytest.MonkeyPatch,
    client_metadata: dict[str, str] | None,
    attributes: dict[str, str],
    default: str,
    subject: str,
) -> None:
    monkeypatch.setattr(
        create_auth_challenge, "SETTINGS", TEST_SETTINGS._replace(default_locale=default)
    )
    event = create_event(
        [SRP_A_OK, PV_OK],
        client_metadata=client_metadata,
        attributes={**USER_ATTRIBUTES, **attributes},
    )
    create(event)
    assert [message.subject for message in outbox] == [subject]


def test_japanese_email_states_the_lifetime(
    outbox: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    otp = TEST_OTP._replace(ttl_seconds=90)
    monkeypatch.setattr(create_auth_challenge, "SETTINGS", TEST_SETTINGS._replace(otp=otp))
    create(create_event([SRP_A_OK, PV_OK], client_metadata={"locale": "ja"}))
    assert "1分30秒間有効です" in outbox[0].body


def test_lifetime_comes_from_the_setting(
    outbox: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    otp = TEST_OTP._replace(ttl_seconds=600, length=8)
    monkeypatch.setattr(create_auth_challenge, "SETTINGS", TEST_SETTINGS._replace(otp=otp))
    response = create(create_event([SRP_A_OK, PV_OK]))
    assert "It expires in 10 minutes." in outbox[0].body
    assert len(code_from(outbox[0])) == 8
    assert response["publicChallengeParameters"]["code_length"] == "8"


def test_wrong_answer_keeps_the_code_and_counts_the_attempt(outbox: list[Any]) -> None:
    previous = code_state("123456", age=40)
    response = create(create_event([SRP_A_OK, PV_OK, code_round(False, previous)]))
    assert outbox == []
    state = decode_state(response["challengeMetadata"])
    assert state == previous.with_wrong_answers(1)
    public = response["publicChallengeParameters"]
    assert public["attempts_left"] == "2"
    assert public["resent"] == "false"
    assert public["destination"] == "al***@example.com"


def test_resend_within_cooldown_keeps_the_code_without_counting(outbox: list[Any]) -> None:
    previous = code_state("123456", age=10, wrong=1)
    response = create(
        create_event([SRP_A_OK, PV_OK, code_round(False, previous)], client_metadata=RESEND)
    )
    assert outbox == []
    assert decode_state(response["challengeMetadata"]) == previous
    public = response["publicChallengeParameters"]
    assert public["resent"] == "false"
    assert public["attempts_left"] == "2"
    assert 1 <= int(public["resend_available_in"]) <= 20
    assert public["codes_left"] == "2"


def test_resend_after_cooldown_sends_a_new_code(outbox: list[Any]) -> None:
    previous = code_state("123456", age=31, wrong=2)
    response = create(
        create_event([SRP_A_OK, PV_OK, code_round(False, previous)], client_metadata=RESEND)
    )
    assert len(outbox) == 1
    code = code_from(outbox[0])
    state = decode_state(response["challengeMetadata"])
    assert state is not None
    assert answer_matches(state, code)
    assert state.salt != previous.salt
    assert (state.code_number, state.wrong_answers) == (2, 0)
    public = response["publicChallengeParameters"]
    assert public["resent"] == "true"
    assert public["attempts_left"] == "3"
    assert public["codes_left"] == "1"
    assert public["resend_available_in"] == "30"


def test_resend_of_an_expired_code_ignores_the_cooldown(
    outbox: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    otp = TEST_OTP._replace(ttl_seconds=30, resend_cooldown_seconds=300)
    monkeypatch.setattr(create_auth_challenge, "SETTINGS", TEST_SETTINGS._replace(otp=otp))
    previous = code_state("123456", age=31, ttl=30)
    response = create(
        create_event([SRP_A_OK, PV_OK, code_round(False, previous)], client_metadata=RESEND)
    )
    assert len(outbox) == 1
    assert response["publicChallengeParameters"]["resent"] == "true"


def test_resend_with_no_codes_left_keeps_the_current_code(outbox: list[Any]) -> None:
    previous = code_state("123456", age=100, code_number=3)
    response = create(
        create_event([SRP_A_OK, PV_OK, code_round(False, previous)], client_metadata=RESEND)
    )
    assert outbox == []
    assert decode_state(response["challengeMetadata"]) == previous
    public = response["publicChallengeParameters"]
    assert (public["codes_left"], public["resent"], public["resend_available_in"]) == (
        "0",
        "false",
        "0",
    )


def test_codes_per_sign_in_never_exceed_the_limit(outbox: list[Any]) -> None:
    """Keep asking for new codes after each cooldown: exactly OTP_MAX_CODES emails go out."""
    session = [SRP_A_OK, PV_OK]
    response = create(create_event(session))
    for _ in range(TEST_OTP.max_codes + 2):
        state = decode_state(response["challengeMetadata"])
        assert state is not None
        aged = state._replace(issued_at=state.issued_at - 31, expires_at=state.expires_at - 31)
        session = [*session, entry("CUSTOM_CHALLENGE", False, encode_state(aged))]
        response = create(create_event(session, client_metadata=RESEND))
    assert len(outbox) == TEST_OTP.max_codes


def test_unknown_user_gets_no_email_but_the_same_shape(
    outbox: list[Any], no_sleep: list[float]
) -> None:
    event = create_event(
        [SRP_A_OK, PV_OK], user_not_found=True, attributes={}, user_name="Bob@Example.org"
    )
    response = create(event)
    assert outbox == []
    public = response["publicChallengeParameters"]
    assert set(public) == PUBLIC_KEYS
    assert public["destination"] == "Bo***@example.org"
    assert (public["attempts_left"], public["codes_left"]) == ("3", "2")
    assert decode_state(response["challengeMetadata"]) is not None
    assert len(no_sleep) == 1
    assert 0.08 <= no_sleep[0] <= 0.12


def test_unknown_user_retry_matches_a_known_user_retry(
    outbox: list[Any], no_sleep: list[float]
) -> None:
    session = [SRP_A_OK, PV_OK, code_round(False)]
    unknown = create(create_event(session, user_not_found=True, user_name="bob@example.org"))
    known = create(create_event(session))
    assert unknown["publicChallengeParameters"]["attempts_left"] == "2"
    assert set(unknown["publicChallengeParameters"]) == set(known["publicChallengeParameters"])
    assert outbox == []
    assert no_sleep == []


def test_imitated_delay_follows_real_sends() -> None:
    timer = mailer.SendTimer(initial_seconds=0.1)
    for _ in range(50):
        timer.record(0.3)
    assert 0.29 < timer.average < 0.31
    assert all(0.8 * 0.29 < timer.imitation_delay() < 1.2 * 0.31 for _ in range(20))
    timer.record(60.0)
    assert timer.average < 1.0


def test_ses_failure_raises_and_logs_only_the_error_class(
    outbox: list[Any], log_lines: list[str]
) -> None:
    boto3.client("sesv2", region_name=REGION).delete_email_identity(EmailIdentity=SENDER)
    with pytest.raises(ClientError):
        create(create_event([SRP_A_OK, PV_OK]))
    assert outbox == []
    failures = [json.loads(line) for line in log_lines if "code_email_failed" in line]
    assert failures == [
        {
            "error_class": "MessageRejected",
            "event": "code_email_failed",
            "level": "ERROR",
            "logger": "functions.create_auth_challenge",
        }
    ]


def test_logs_carry_neither_code_nor_address(outbox: list[Any], log_lines: list[str]) -> None:
    create(create_event([SRP_A_OK, PV_OK]))
    code = code_from(outbox[0])
    assert log_lines
    for line in log_lines:
        assert code not in line
        assert USER_EMAIL not in line
        assert "example.com" not in line


def test_user_without_email_raises(outbox: list[Any]) -> None:
    with pytest.raises(create_auth_challenge.MissingEmailError):
        create(create_event([SRP_A_OK, PV_OK], attributes={"sub": "x"}))
    assert outbox == []


def test_garbled_previous_round_raises(outbox: list[Any]) -> None:
    with pytest.raises(MalformedEvent):
        create(create_event([SRP_A_OK, PV_OK, entry("CUSTOM_CHALLENGE", False, "CODE-123456")]))
    assert outbox == []


def test_client_honours_aws_endpoint_url(monkeypatch: pytest.MonkeyPatch) -> None:
    """The offline emulator receives the mail by setting AWS_ENDPOINT_URL for the triggers."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4599")
    monkeypatch.setenv("AWS_REGION", REGION)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    mailer.reset_client()
    try:
        assert mailer.ses_client().meta.endpoint_url == "http://127.0.0.1:4599"
        assert mailer.ses_client() is mailer.ses_client()
    finally:
        mailer.reset_client()
