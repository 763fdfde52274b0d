"""The triggers with the account's shared limits: an attacker who knows the password.

Whole sign-ins are chained as Cognito chains them (test_sign_in_sessions.play) against one
in-memory store shared by every sign-in of the account (the DynamoDB store itself is tested
against moto in test_account_store.py, and the whole flow on the emulator).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from test_sign_in_sessions import FakeClock, fake_world, play
from trigger_events import (
    PV_OK,
    SRP_A_OK,
    TEST_OTP,
    TEST_SETTINGS,
    USER_ATTRIBUTES,
    MemoryStore,
    code_round,
    code_state,
    create_event,
    define_event,
    verify_event,
)

from functions import (
    create_auth_challenge,
    define_auth_challenge,
    mailer,
    post_authentication,
    post_confirmation,
    verify_auth_challenge,
)
from functions.account_limits import AccountRecord
from functions.code_state import BLOCKED_METADATA, STATE_PARAMETER, encode_state
from functions.email_templates import EmailContent

__all__ = ["fake_world"]  # the fixture, shared with test_sign_in_sessions
LIMITS = TEST_SETTINGS.limits
SUB = USER_ATTRIBUTES["sub"]


@pytest.fixture
def notices(monkeypatch: pytest.MonkeyPatch, fake_world: list[str]) -> list[EmailContent]:
    """Every email that is not a code (the lock notice), captured beside the codes."""
    captured: list[EmailContent] = []
    code_capture = mailer.send_email

    def send(*, sender: str, recipient: str, content: EmailContent, region: str | None) -> None:
        if "    " in content.text:  # a code email: its code is on an indented line
            code_capture(sender=sender, recipient=recipient, content=content, region=region)
        else:
            assert recipient == USER_ATTRIBUTES["email"]
            captured.append(content)

    monkeypatch.setattr(mailer, "send_email", send)
    return captured


def attack(sent: list[str], sign_ins: int, wait_between: float = 1.0) -> tuple[int, list[str]]:
    """Sign in again and again with the password, guessing wrong every time a code is asked.

    Returns the guesses Verify compared with a real code, and each sign-in's outcome reason.
    """
    guesses, outcomes = 0, []
    for _ in range(sign_ins):
        played = play(["wrong"] * 5, sent)
        guesses += played.guesses if "blocked" not in played.public[0] else 0
        outcomes.append(played.public[0].get("blocked", "code"))
        FakeClock.now += wait_between
    return guesses, outcomes


def test_guesses_across_sign_ins_stop_at_the_threshold(
    fake_world: list[str], notices: list[EmailContent], account_store: MemoryStore
) -> None:
    guesses, outcomes = attack(fake_world, sign_ins=40)
    assert guesses == LIMITS.lock_threshold
    assert outcomes[:4] == ["code"] * 4  # 3 + 3 + 3 + 1 guesses
    assert set(outcomes[4:]) == {"locked"}
    assert len(fake_world) == 4  # no code emailed while locked
    assert len(notices) == 1  # the owner is told once
    assert "paused" in notices[0].subject


def test_the_lock_ends_then_doubles(fake_world: list[str], notices: list[EmailContent]) -> None:
    attack(fake_world, sign_ins=5, wait_between=0)
    FakeClock.now += LIMITS.lock_seconds
    # The lock is over, but the window's failures still use up the budget.
    assert play([], fake_world).public[0].get("blocked") == "budget_in_use"
    FakeClock.now += LIMITS.lock_window_seconds - LIMITS.lock_seconds
    guesses, outcomes = attack(fake_world, sign_ins=6, wait_between=0)
    assert guesses == LIMITS.lock_threshold
    assert outcomes[-1] == "locked"
    second = play([], fake_world).public[0]
    assert second["blocked_until"] == str(int(FakeClock.now) + 2 * LIMITS.lock_seconds)
    FakeClock.now += LIMITS.lock_window_seconds
    assert play(["code"], fake_world).outcome == "tokens"
    assert len(notices) == 2


def test_the_window_forgets_old_failures(fake_world: list[str]) -> None:
    attack(fake_world, sign_ins=3)  # 9 guesses
    FakeClock.now += LIMITS.lock_window_seconds
    guesses, outcomes = attack(fake_world, sign_ins=3)
    assert (guesses, outcomes) == (9, ["code"] * 3)
    guesses, outcomes = attack(fake_world, sign_ins=2)
    assert (guesses, outcomes) == (1, ["code", "locked"])


def test_a_correct_code_starts_the_count_again(
    fake_world: list[str], account_store: MemoryStore
) -> None:
    attack(fake_world, sign_ins=3)
    assert len(account_store.records[SUB].failures) == 9
    signed_in = {
        "triggerSource": "PostAuthentication_Authentication",
        "request": {"userAttributes": USER_ATTRIBUTES},
    }
    post_authentication.handler(signed_in, None)
    assert account_store.records[SUB].failures == ()
    guesses, _ = attack(fake_world, sign_ins=3)
    assert guesses == 9


def test_a_password_reset_lifts_the_lock(fake_world: list[str], account_store: MemoryStore) -> None:
    attack(fake_world, sign_ins=5)
    assert play(["code"], fake_world).public[0].get("blocked") == "locked"

    def confirmation(source: str) -> dict[str, Any]:
        return {"triggerSource": source, "request": {"userAttributes": USER_ATTRIBUTES}}

    post_confirmation.handler(confirmation("PostConfirmation_ConfirmSignUp"), None)
    assert play(["code"], fake_world).public[0].get("blocked") == "locked"
    post_confirmation.handler(confirmation("PostConfirmation_ConfirmForgotPassword"), None)
    assert play(["code"], fake_world).outcome == "tokens"


def test_codes_per_hour_are_capped(fake_world: list[str]) -> None:
    outcomes = []
    for _ in range(LIMITS.max_codes_per_hour + 3):
        played = play([], fake_world)  # the attacker only wants the victim to get mail
        outcomes.append(played.public[0].get("blocked", "code"))
        FakeClock.now += TEST_OTP.ttl_seconds  # each hold expires: only the cap refuses
    assert outcomes == ["code"] * LIMITS.max_codes_per_hour + ["hourly_cap"] * 3
    assert len(fake_world) == LIMITS.max_codes_per_hour


def test_a_blocked_round_sends_nothing_and_no_answer_gets_through(
    fake_world: list[str], account_store: MemoryStore
) -> None:
    account_store.records[SUB] = AccountRecord(version=1, locked_until=int(FakeClock.now) + 60)
    session = [SRP_A_OK, PV_OK]
    response = create_auth_challenge.handler(create_event(session), None)["response"]
    assert fake_world == []
    public = response["publicChallengeParameters"]
    assert public["blocked"] == "locked"
    assert public["blocked_until"] == str(int(FakeClock.now) + 60)
    assert response["privateChallengeParameters"] == {}
    assert response["challengeMetadata"] == BLOCKED_METADATA
    verdict = verify_auth_challenge.handler(verify_event("123456", {}), None)["response"]
    assert verdict == {"answerCorrect": False}
    for result in (True, False):
        blocked = {
            "challengeName": "CUSTOM_CHALLENGE",
            "challengeResult": result,
            "challengeMetadata": BLOCKED_METADATA,
        }
        session_after = [*session, blocked]
        decision = define_auth_challenge.handler(define_event(session_after), None)["response"]
        assert decision["failAuthentication"] is True
        assert decision["issueTokens"] is False


def test_an_unreachable_store_issues_no_code(
    fake_world: list[str], account_store: MemoryStore, log_lines: list[str]
) -> None:
    account_store.unavailable = True
    played = play([], fake_world)
    assert played.public[0]["blocked"] == "unavailable"
    assert fake_world == []
    assert any(json.loads(line)["event"] == "limits_unavailable" for line in log_lines)


def test_a_refused_resend_keeps_the_current_code(
    fake_world: list[str], account_store: MemoryStore
) -> None:
    account_store.records[SUB] = AccountRecord(
        version=1, hour_start=int(FakeClock.now), codes_sent=LIMITS.max_codes_per_hour - 1
    )
    played = play(["wait:31", "resend", "code"], fake_world)
    assert played.outcome == "tokens"
    assert len(fake_world) == 1
    assert played.public[1]["blocked"] == "hourly_cap"
    assert played.public[1]["resent"] == "false"


def test_the_store_grants_fewer_attempts_when_the_budget_is_low(
    fake_world: list[str], account_store: MemoryStore
) -> None:
    now = int(FakeClock.now)
    account_store.records[SUB] = AccountRecord(version=1, failures=(now,) * 8)
    played = play(["wrong", "wrong", "code"], fake_world)
    assert [p["attempts_left"] for p in played.public] == ["2", "1"]
    assert played.outcome == "failed"
    assert played.guesses == 2


def test_a_right_answer_never_touches_the_store(
    fake_world: list[str], account_store: MemoryStore
) -> None:
    state = code_state("123456", now=FakeClock.now)
    private = {STATE_PARAMETER: encode_state(state)}
    calls = account_store.calls
    verdict = verify_auth_challenge.handler(verify_event("123456", private), None)["response"]
    assert verdict == {"answerCorrect": True}
    assert account_store.calls == calls
    verify_auth_challenge.handler(verify_event("654321", private), None)
    assert account_store.calls == calls + 1


def test_the_lock_notice_speaks_the_owners_language(
    fake_world: list[str], notices: list[EmailContent], account_store: MemoryStore
) -> None:
    attributes = {**USER_ATTRIBUTES, "locale": "ja"}
    now = int(FakeClock.now)
    account_store.records[SUB] = AccountRecord(version=1, failures=(now,) * 9)
    state = code_state("123456", now=FakeClock.now)
    event = verify_event(
        "654321",
        {STATE_PARAMETER: encode_state(state)},
        client_metadata={"locale": "en"},  # the guesser's browser
        attributes=attributes,
    )
    assert verify_auth_challenge.handler(event, None)["response"] == {"answerCorrect": False}
    assert len(notices) == 1
    assert "一時停止" in notices[0].subject
    assert "123456" not in notices[0].text
    assert "654321" not in notices[0].text


def test_a_code_round_for_a_blocked_previous_state_is_unusable() -> None:
    decision = define_auth_challenge.handler(
        define_event([SRP_A_OK, PV_OK, code_round(False, allowed=1, wrong=0)]), None
    )["response"]
    assert decision["failAuthentication"] is True  # one attempt allowed, one used
