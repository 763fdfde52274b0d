"""Recorded trigger events compared field by field with cognito-custom-auth.md sections 1-3."""

from __future__ import annotations

from typing import Any

import pytest
from emulator_testkit import (
    SpecTriggers,
    answer_code,
    cognito,
    confirmed_user,
    latest_code,
    new_email,
    prove_password,
)

from emulator import LocalStack, start_local_stack

SRP_A = {"challengeName": "SRP_A", "challengeResult": True, "challengeMetadata": None}
PASSWORD_OK = {
    "challengeName": "PASSWORD_VERIFIER",
    "challengeResult": True,
    "challengeMetadata": None,
}


def _common(event: dict[str, Any], stack: LocalStack, source: str, username: str) -> None:
    assert set(event) == {
        "version",
        "triggerSource",
        "region",
        "userPoolId",
        "userName",
        "callerContext",
        "request",
        "response",
    }
    assert event["version"] == "1"
    assert event["triggerSource"] == source
    assert event["region"] == stack.region
    assert event["userPoolId"] == stack.user_pool_id
    assert event["userName"] == username
    assert event["callerContext"] == {
        "awsSdkVersion": "aws-sdk-unknown-unknown",
        "clientId": stack.client_id,
    }


def _user_attributes(attributes: dict[str, str], email: str) -> None:
    assert attributes["email"] == email
    assert attributes["email_verified"] == "true"
    assert attributes["cognito:user_status"] == "CONFIRMED"
    assert attributes["sub"]
    assert all(isinstance(v, str) for v in attributes.values())


def test_events_of_a_complete_sign_in(fresh_stack: LocalStack, triggers: SpecTriggers) -> None:
    stack = fresh_stack
    email = confirmed_user(stack)
    sub = cognito(stack).admin_get_user(UserPoolId=stack.user_pool_id, Username=email)["Username"]
    challenge = prove_password(stack, email, metadata={"locale": "ja"})
    code = latest_code(stack, email)
    answer_code(stack, challenge, code, metadata={"locale": "en"})
    define1, define2, create, verify, define3 = triggers.events
    code_entry = {
        "challengeName": "CUSTOM_CHALLENGE",
        "challengeResult": True,
        "challengeMetadata": f"CODE-{code}",
    }

    # 1. InitiateAuth: Define with [SRP_A], no clientMetadata (InitiateAuth never passes it).
    _common(define1, stack, "DefineAuthChallenge_Authentication", sub)
    assert set(define1["request"]) == {"userAttributes", "session", "userNotFound"}
    assert define1["request"]["session"] == [SRP_A]
    assert define1["request"]["userNotFound"] is False
    _user_attributes(define1["request"]["userAttributes"], email)
    assert define1["response"] == {
        "challengeName": None,
        "issueTokens": None,
        "failAuthentication": None,
    }

    # 2. PASSWORD_VERIFIER: Define then Create, both with the RespondToAuthChallenge metadata.
    _common(define2, stack, "DefineAuthChallenge_Authentication", sub)
    assert define2["request"]["session"] == [SRP_A, PASSWORD_OK]
    assert define2["request"]["clientMetadata"] == {"locale": "ja"}
    _common(create, stack, "CreateAuthChallenge_Authentication", sub)
    assert set(create["request"]) == {
        "userAttributes",
        "challengeName",
        "session",
        "clientMetadata",
        "userNotFound",
    }
    assert create["request"]["challengeName"] == "CUSTOM_CHALLENGE"
    assert create["request"]["session"] == [SRP_A, PASSWORD_OK]
    assert create["request"]["clientMetadata"] == {"locale": "ja"}
    assert set(create["response"]) == {
        "publicChallengeParameters",
        "privateChallengeParameters",
        "challengeMetadata",
    }

    # 3. CUSTOM_CHALLENGE: Verify gets Create's private parameters and the answer, then Define.
    _common(verify, stack, "VerifyAuthChallengeResponse_Authentication", sub)
    assert set(verify["request"]) == {
        "userAttributes",
        "privateChallengeParameters",
        "challengeAnswer",
        "clientMetadata",
        "userNotFound",
    }
    assert verify["request"]["privateChallengeParameters"] == {"code": code}
    assert verify["request"]["challengeAnswer"] == code
    assert verify["request"]["clientMetadata"] == {"locale": "en"}
    assert verify["response"] == {"answerCorrect": None}
    assert define3["request"]["session"] == [SRP_A, PASSWORD_OK, code_entry]
    assert define3["request"]["clientMetadata"] == {"locale": "en"}


def test_metadata_is_omitted_when_the_call_carries_none(
    fresh_stack: LocalStack, triggers: SpecTriggers
) -> None:
    email = confirmed_user(fresh_stack)
    challenge = prove_password(fresh_stack, email)
    answer_code(fresh_stack, challenge, latest_code(fresh_stack, email))
    assert triggers.events
    assert all("clientMetadata" not in e["request"] for e in triggers.events)


def test_initiate_auth_client_metadata_never_reaches_the_triggers(
    fresh_stack: LocalStack, triggers: SpecTriggers
) -> None:
    email = confirmed_user(fresh_stack)
    from emulator_testkit import srp_helper

    srp = srp_helper(fresh_stack, email)
    cognito(fresh_stack).initiate_auth(
        ClientId=fresh_stack.client_id,
        AuthFlow="CUSTOM_AUTH",
        AuthParameters={**srp.get_auth_params(), "CHALLENGE_NAME": "SRP_A"},
        ClientMetadata={"locale": "ja"},
    )
    assert len(triggers.events) == 1
    assert "clientMetadata" not in triggers.events[0]["request"]


def test_wrong_answer_appends_a_failed_entry_with_the_metadata(
    fresh_stack: LocalStack, triggers: SpecTriggers
) -> None:
    email = confirmed_user(fresh_stack)
    challenge = prove_password(fresh_stack, email)
    code = latest_code(fresh_stack, email)
    answer_code(fresh_stack, challenge, "999999" if code != "999999" else "888888")
    last_define = [
        e for e in triggers.events if e["triggerSource"] == "DefineAuthChallenge_Authentication"
    ][-1]
    assert last_define["request"]["session"][-1] == {
        "challengeName": "CUSTOM_CHALLENGE",
        "challengeResult": False,
        "challengeMetadata": f"CODE-{code}",
    }
    create_again = triggers.events[-1]
    assert create_again["triggerSource"] == "CreateAuthChallenge_Authentication"
    assert len(create_again["request"]["session"]) == 3


def test_user_not_found_reaches_define_create_and_verify(
    fresh_stack: LocalStack, triggers: SpecTriggers
) -> None:
    """Without SRP first (USERNAME only), an unknown user goes through every trigger."""
    ghost = new_email()
    client = cognito(fresh_stack)

    def define_custom(event: dict[str, Any], context: Any) -> dict[str, Any]:
        triggers.events.append(event)
        done = len(event["request"]["session"]) >= 1
        event["response"].update(
            challengeName="CUSTOM_CHALLENGE", issueTokens=False, failAuthentication=done
        )
        return event

    fresh_stack.registry.register(fresh_stack.trigger_arn("DefineAuthChallenge"), define_custom)
    first = client.initiate_auth(
        ClientId=fresh_stack.client_id, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": ghost}
    )
    assert first["ChallengeName"] == "CUSTOM_CHALLENGE"
    with pytest.raises(client.exceptions.NotAuthorizedException):
        answer_code(fresh_stack, first, "123456")
    sources = [e["triggerSource"].split("_")[0] for e in triggers.events]
    assert sources == [
        "DefineAuthChallenge",
        "CreateAuthChallenge",
        "VerifyAuthChallengeResponse",
        "DefineAuthChallenge",
    ]
    for event in triggers.events:
        assert event["request"]["userNotFound"] is True
        assert event["userName"] == ghost
        assert event["request"]["userAttributes"] == {}
    assert fresh_stack.mailbox.messages(ghost) == []


def test_user_not_found_is_absent_with_legacy_errors() -> None:
    triggers = SpecTriggers()
    with start_local_stack(
        triggers=triggers.handlers(), prevent_user_existence_errors="LEGACY"
    ) as legacy:
        email = confirmed_user(legacy)
        prove_password(legacy, email)
    assert triggers.events
    assert all("userNotFound" not in e["request"] for e in triggers.events)
