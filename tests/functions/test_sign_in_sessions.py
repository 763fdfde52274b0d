"""Whole sign-in sessions, chaining Define, Create and Verify the way Cognito does.

A scripted user (or attacker) answers each code challenge; a fake clock lets cooldowns and
expiry pass; emails are captured from the mailer. The invariants hold whatever the script:
never more codes than OTP_MAX_CODES, never more guesses at one code than OTP_MAX_ATTEMPTS, and
tokens only for the emailed code. Two open questions about Cognito are played both ways: whether
Create receives clientMetadata, and whether Verify does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from trigger_events import (
    PV_OK,
    SRP_A_OK,
    TEST_OTP,
    create_event,
    define_event,
    entry,
    verify_event,
)

from functions import create_auth_challenge, define_auth_challenge, mailer, verify_auth_challenge
from functions.email_templates import EmailContent

RESEND = {"resend": "true", "locale": "en"}
CODE_LINE = re.compile(r"^ {4}(\d+)$", re.MULTILINE)
START = 1_900_000_000.0


class FakeClock:
    now = START

    @classmethod
    def time(cls) -> float:
        return cls.now


@dataclass
class Session:
    """What the client and the mailbox saw during one sign-in."""

    codes: list[str] = field(default_factory=list)
    guesses: int = 0  # answers Verify actually compared with the code
    outcome: str = "pending"
    public: list[dict[str, str]] = field(default_factory=list)


@pytest.fixture(autouse=True)
def fake_world(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    FakeClock.now = START
    for module in (define_auth_challenge, create_auth_challenge, verify_auth_challenge):
        monkeypatch.setattr(module, "time", FakeClock)
    sent: list[str] = []

    def capture(*, sender: str, recipient: str, content: EmailContent, region: str | None) -> None:
        found = CODE_LINE.search(content.text)
        assert found, "no code in the email"
        sent.append(found.group(1))

    monkeypatch.setattr(mailer, "send_email", capture)
    return sent


def define(session: list[dict[str, Any]], metadata: dict[str, str] | None) -> dict[str, Any]:
    return dict(
        define_auth_challenge.handler(define_event(session, client_metadata=metadata), None)[
            "response"
        ]
    )


def play(
    script: list[str],
    sent: list[str],
    *,
    create_sees_metadata: bool = True,
    verify_sees_metadata: bool = True,
) -> Session:
    """Run one sign-in. Script steps: "code" (the latest emailed code), "first" (the first
    emailed code), "wrong", "resend", "guess+resend" (a wrong guess sent with the resend
    metadata), "wait:<seconds>"."""
    played = Session()
    session = [SRP_A_OK]
    assert define(session, None)["challengeName"] == "PASSWORD_VERIFIER"
    session.append(PV_OK)
    assert define(session, None)["challengeName"] == "CUSTOM_CHALLENGE"
    challenge = create_auth_challenge.handler(create_event(session), None)["response"]
    played.public.append(challenge["publicChallengeParameters"])
    for step in script:
        if step.startswith("wait:"):
            FakeClock.now += float(step.split(":")[1])
            continue
        metadata = RESEND if step in ("resend", "guess+resend") else {"locale": "en"}
        wrong = "000000" if "000000" not in sent else "111111"
        answer = {
            "code": sent[-1],
            "first": sent[0],
            "wrong": wrong,
            "resend": "resend",
            "guess+resend": wrong,
        }[step]
        verified = verify_auth_challenge.handler(
            verify_event(
                answer,
                challenge["privateChallengeParameters"],
                client_metadata=metadata if verify_sees_metadata else None,
            ),
            None,
        )["response"]["answerCorrect"]
        if answer != "resend" and not (verify_sees_metadata and metadata is RESEND):
            played.guesses += 1  # Verify compared this answer with the code
        session.append(entry("CUSTOM_CHALLENGE", verified, challenge["challengeMetadata"]))
        decision = define(session, metadata)
        if decision["issueTokens"]:
            played.outcome = "tokens"
            break
        if decision["failAuthentication"]:
            played.outcome = "failed"
            break
        challenge = create_auth_challenge.handler(
            create_event(session, client_metadata=metadata if create_sees_metadata else None),
            None,
        )["response"]
        played.public.append(challenge["publicChallengeParameters"])
    played.codes = list(sent)
    return played


def test_right_code_first_time(fake_world: list[str]) -> None:
    played = play(["code"], fake_world)
    assert (played.outcome, len(played.codes)) == ("tokens", 1)


def test_wrong_codes_use_up_the_attempts(fake_world: list[str]) -> None:
    played = play(["wrong", "wrong", "wrong", "code"], fake_world)
    assert played.outcome == "failed"
    assert [p["attempts_left"] for p in played.public] == ["3", "2", "1"]


def test_two_wrong_then_right(fake_world: list[str]) -> None:
    assert play(["wrong", "wrong", "code"], fake_world).outcome == "tokens"


def test_resend_after_cooldown_then_the_new_code(fake_world: list[str]) -> None:
    played = play(["wrong", "wait:31", "resend", "code"], fake_world)
    assert played.outcome == "tokens"
    assert len(played.codes) == 2
    assert played.public[-1]["resent"] == "true"
    assert played.public[-1]["attempts_left"] == "3"


def test_old_code_is_dead_after_a_resend(fake_world: list[str]) -> None:
    played = play(["wait:31", "resend", "first", "first", "first"], fake_world)
    assert len(played.codes) == 2
    if played.codes[0] != played.codes[1]:  # one chance in a million that they are equal
        assert played.outcome == "failed"


def test_resend_within_cooldown_sends_nothing_and_costs_nothing(fake_world: list[str]) -> None:
    played = play(["resend", "resend", "wrong", "wrong", "code"], fake_world)
    assert played.outcome == "tokens"
    assert len(played.codes) == 1
    assert [p["resent"] for p in played.public] == ["false"] * 5


def test_expired_code_fails_but_a_resend_revives(fake_world: list[str]) -> None:
    wait = f"wait:{TEST_OTP.ttl_seconds}"
    assert play([wait, "code"], fake_world).outcome == "failed"
    fake_world.clear()
    assert play([wait, "resend", "code"], fake_world).outcome == "tokens"


def test_no_more_codes_than_allowed(fake_world: list[str]) -> None:
    script = ["wait:31", "resend"] * (TEST_OTP.max_codes + 3) + ["code"]
    played = play(script, fake_world)
    assert len(played.codes) == TEST_OTP.max_codes
    assert played.outcome == "tokens"  # the last code still works: friendliest safe answer
    assert played.public[-1]["codes_left"] == "0"


def test_resend_spam_is_bounded(fake_world: list[str]) -> None:
    played = play(["resend"] * 50, fake_world)
    assert played.outcome == "failed"
    assert len(played.codes) == 1


def test_guess_disguised_as_resend_is_never_evaluated(fake_world: list[str]) -> None:
    played = play(["guess+resend"] * 20, fake_world)
    assert played.outcome == "failed"


@pytest.mark.parametrize("verify_sees_metadata", [True, False])
@pytest.mark.parametrize("create_sees_metadata", [True, False])
@pytest.mark.parametrize(
    "script",
    [
        ["wrong"] * 12,
        ["wrong", "resend"] * 8,
        ["wait:31", "resend", "wrong", "wrong"] * 4,
        ["guess+resend", "wrong"] * 8,
        ["wait:31", "guess+resend"] * 16,
    ],
)
def test_limits_hold_whatever_cognito_passes(
    fake_world: list[str],
    script: list[str],
    create_sees_metadata: bool,
    verify_sees_metadata: bool,
) -> None:
    played = play(
        script,
        fake_world,
        create_sees_metadata=create_sees_metadata,
        verify_sees_metadata=verify_sees_metadata,
    )
    assert played.outcome == "failed"
    assert len(played.codes) <= TEST_OTP.max_codes
    if not create_sees_metadata:
        assert len(played.codes) == 1  # Create cannot tell a resend: it never sends another
    if verify_sees_metadata:
        assert played.guesses <= TEST_OTP.max_codes * TEST_OTP.max_attempts
    else:
        # A guess sent as a resend request is evaluated but not counted by Define; the round
        # cap still bounds the guesses of one sign-in.
        assert played.guesses <= TEST_OTP.max_codes * (TEST_OTP.max_attempts + 2)


def test_create_blind_to_metadata_counts_resend_as_an_attempt(fake_world: list[str]) -> None:
    played = play(["wait:31", "resend", "code"], fake_world, create_sees_metadata=False)
    assert played.outcome == "tokens"
    assert len(played.codes) == 1
    assert played.public[-1]["attempts_left"] == "2"
    assert played.public[-1]["resent"] == "false"
