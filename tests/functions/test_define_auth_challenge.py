"""Define over the whole session matrix (issue 2, rules 1 to 5), through the real handler."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from trigger_events import (
    PV_FAILED,
    PV_OK,
    SRP_A_OK,
    TEST_OTP,
    code_round,
    code_state,
    define_event,
    entry,
)

from functions import define_auth_challenge
from functions.challenge_policy import Outcome, decide, max_rounds
from functions.events import parse_session

PV = "PASSWORD_VERIFIER"
CC = "CUSTOM_CHALLENGE"
TOKENS = "TOKENS"
FAIL = "FAIL"
RESEND = {"resend": "true", "locale": "en"}
EXPIRED = TEST_OTP.ttl_seconds + 60  # age of an expired code, in seconds


def run(event: dict[str, Any]) -> str:
    """The handler's answer reduced to PV / CC / TOKENS / FAIL, checking the response's shape."""
    response = define_auth_challenge.handler(event, None)["response"]
    if response["issueTokens"] is True:
        assert response["failAuthentication"] is False
        return TOKENS
    assert response["issueTokens"] is False
    if response["failAuthentication"] is True:
        return FAIL
    assert response["failAuthentication"] is False
    assert response["challengeName"] in (PV, CC)
    return str(response["challengeName"])


# The matrix's codes are issued against the clock when this module is collected; the test runs
# the handler at that same moment, however long the rest of the suite took in between (a code
# lives 180 s, and a long suite once ran these 20 minutes after collection).
MATRIX_BUILT_AT = time.time()
MATRIX: list[tuple[str, list[dict[str, Any]], dict[str, Any], str]] = [
    # rule 1: both first-session shapes ask for the password
    ("empty session", [], {}, PV),
    ("srp_a first", [SRP_A_OK], {}, PV),
    ("srp_a failed", [entry("SRP_A", False)], {}, FAIL),
    ("unknown user, empty session: same first step", [], {"user_not_found": True}, PV),
    ("unknown user, srp_a: same first step", [SRP_A_OK], {"user_not_found": True}, PV),
    # rule 2: the code challenge follows the proven password
    ("password ok after srp_a", [SRP_A_OK, PV_OK], {}, CC),
    ("password ok, old client shape", [PV_OK], {}, CC),
    ("password ok with client metadata", [SRP_A_OK, PV_OK], {"client_metadata": RESEND}, CC),
    ("password failed after srp_a", [SRP_A_OK, PV_FAILED], {}, FAIL),
    ("password failed, old client shape", [PV_FAILED], {}, FAIL),
    # rule 3: tokens only after the password and then the code
    ("code ok after password", [SRP_A_OK, PV_OK, code_round(True)], {}, TOKENS),
    ("code ok, old client shape", [PV_OK, code_round(True)], {}, TOKENS),
    (
        "code ok after two wrong codes",
        [SRP_A_OK, PV_OK, code_round(False), code_round(False, wrong=1), code_round(True, wrong=2)],
        {},
        TOKENS,
    ),
    (
        "code ok on a resent code",
        [SRP_A_OK, PV_OK, code_round(False), code_round(True, code_number=2)],
        {},
        TOKENS,
    ),
    ("code before password", [SRP_A_OK, code_round(True)], {}, FAIL),
    ("code alone", [code_round(True)], {}, FAIL),
    ("failed code alone", [code_round(False)], {}, FAIL),
    ("code ok after failed password", [SRP_A_OK, PV_FAILED, code_round(True)], {}, FAIL),
    (
        "code ok for unknown user",
        [SRP_A_OK, PV_OK, code_round(True)],
        {"user_not_found": True},
        FAIL,
    ),
    (
        "code ok for unknown user, flag false is fine",
        [SRP_A_OK, PV_OK, code_round(True)],
        {"user_not_found": False},
        TOKENS,
    ),
    ("code ok without our metadata", [SRP_A_OK, PV_OK, entry(CC, True)], {}, FAIL),
    (
        "code ok with foreign metadata",
        [SRP_A_OK, PV_OK, entry(CC, True, "CODE-123456")],
        {},
        FAIL,
    ),
    (
        "success in the middle of the session",
        [SRP_A_OK, PV_OK, code_round(True), code_round(False)],
        {},
        FAIL,
    ),
    ("password twice", [SRP_A_OK, PV_OK, PV_OK], {}, FAIL),
    ("srp_a twice", [SRP_A_OK, SRP_A_OK, PV_OK], {}, FAIL),
    # rule 4: retries while the code has attempts left and has not expired
    ("first wrong code", [SRP_A_OK, PV_OK, code_round(False)], {}, CC),
    ("second wrong code", [SRP_A_OK, PV_OK, code_round(False), code_round(False, wrong=1)], {}, CC),
    (
        "third wrong code uses the last attempt",
        [
            SRP_A_OK,
            PV_OK,
            code_round(False),
            code_round(False, wrong=1),
            code_round(False, wrong=2),
        ],
        {},
        FAIL,
    ),
    ("wrong code after expiry", [SRP_A_OK, PV_OK, code_round(False, age=EXPIRED)], {}, FAIL),
    (
        "code ok but unknown user after a retry",
        [PV_OK, code_round(False), code_round(True, wrong=1)],
        {"user_not_found": True},
        FAIL,
    ),
    (
        "wrong code for unknown user: same retry",
        [SRP_A_OK, PV_OK, code_round(False)],
        {"user_not_found": True},
        CC,
    ),
    # rule 4: resend requests
    ("resend, codes left", [SRP_A_OK, PV_OK, code_round(False)], {"client_metadata": RESEND}, CC),
    (
        "resend is not a wrong answer",
        [
            SRP_A_OK,
            PV_OK,
            code_round(False),
            code_round(False, wrong=1),
            code_round(False, wrong=2),
        ],
        {"client_metadata": RESEND},
        CC,
    ),
    (
        "resend of an expired code, codes left",
        [SRP_A_OK, PV_OK, code_round(False, age=EXPIRED)],
        {"client_metadata": RESEND},
        CC,
    ),
    (
        "resend, no codes left, current code still valid",
        [SRP_A_OK, PV_OK, code_round(False, code_number=3)],
        {"client_metadata": RESEND},
        CC,
    ),
    (
        "resend, no codes left, current code expired",
        [SRP_A_OK, PV_OK, code_round(False, code_number=3, age=EXPIRED)],
        {"client_metadata": RESEND},
        FAIL,
    ),
    (
        "resend value other than true is a wrong answer",
        [
            SRP_A_OK,
            PV_OK,
            code_round(False),
            code_round(False, wrong=1),
            code_round(False, wrong=2),
        ],
        {"client_metadata": {"resend": "yes"}},
        FAIL,
    ),
    (
        "resend, garbled metadata",
        [SRP_A_OK, PV_OK, entry(CC, False, "otp1.garbage")],
        {"client_metadata": RESEND},
        FAIL,
    ),
    (
        "too many rounds even with resend requests",
        [SRP_A_OK, PV_OK] + [code_round(False)] * max_rounds(TEST_OTP),
        {"client_metadata": RESEND},
        FAIL,
    ),
    # rule 5: everything else fails closed
    ("unknown challenge after password", [SRP_A_OK, PV_OK, entry("SMS_MFA", True)], {}, FAIL),
    ("unknown challenge first", [entry("ADMIN_NO_SRP_AUTH", True)], {}, FAIL),
    ("device challenge first", [entry("DEVICE_SRP_AUTH", True)], {}, FAIL),
    (
        "device challenge between codes",
        [SRP_A_OK, PV_OK, code_round(False), entry("DEVICE_PASSWORD_VERIFIER", True)],
        {},
        FAIL,
    ),
    ("invented challenge", [SRP_A_OK, PV_OK, entry("MAGIC", True)], {}, FAIL),
    ("lower-case name", [SRP_A_OK, entry("password_verifier", True)], {}, FAIL),
]


@pytest.mark.parametrize(
    ("session", "options", "expected"),
    [(session, options, expected) for _, session, options, expected in MATRIX],
    ids=[name for name, *_ in MATRIX],
)
def test_define_session_matrix(
    session: list[dict[str, Any]],
    options: dict[str, Any],
    expected: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(define_auth_challenge.time, "time", lambda: MATRIX_BUILT_AT + 1)
    assert run(define_event(session, **options)) == expected


MALFORMED: list[object] = [
    None,
    [],
    "DefineAuthChallenge",
    {},
    {"request": None},
    {"request": []},
    {"request": {}},
    {"request": {"session": None}},
    {"request": {"session": "SRP_A"}},
    {"request": {"session": [None]}},
    {"request": {"session": [{"challengeName": "PASSWORD_VERIFIER"}]}},
    {"request": {"session": [{"challengeName": "PASSWORD_VERIFIER", "challengeResult": "true"}]}},
    {"request": {"session": [{"challengeName": 7, "challengeResult": True}]}},
    {"request": {"session": [PV_OK, {**code_round(True), "challengeMetadata": 5}]}},
    {"request": {"session": [PV_OK, code_round(True)], "userNotFound": "false"}},
    {"request": {"session": [PV_OK] + [code_round(False)] * 100}},
]


@pytest.mark.parametrize("event", MALFORMED)
def test_malformed_events_fail_closed_with_a_log_line(event: object, log_lines: list[str]) -> None:
    result = define_auth_challenge.handler(event, None)
    assert result["response"] == {"issueTokens": False, "failAuthentication": True}
    records = [json.loads(line) for line in log_lines]
    assert any(r["event"] == "define_auth_challenge" and r["outcome"] == "FAIL" for r in records)


def test_malformed_session_is_logged_as_such(log_lines: list[str]) -> None:
    define_auth_challenge.handler({"request": {"session": [None]}}, None)
    assert any(json.loads(line)["event"] == "malformed_event" for line in log_lines)


def test_unforeseen_error_fails_closed(
    monkeypatch: pytest.MonkeyPatch, log_lines: list[str]
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise KeyError("boom")

    monkeypatch.setattr(define_auth_challenge, "decide", broken)
    result = define_auth_challenge.handler(define_event([SRP_A_OK, PV_OK, code_round(True)]), None)
    assert result["response"]["failAuthentication"] is True
    assert any('"error_class": "KeyError"' in line for line in log_lines)


def test_bad_configuration_fails_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(define_auth_challenge, "SETTINGS", None)
    result = define_auth_challenge.handler(define_event([SRP_A_OK, PV_OK, code_round(True)]), None)
    assert result["response"]["failAuthentication"] is True


def test_log_line_has_no_metadata(log_lines: list[str]) -> None:
    state_entry = code_round(True)
    define_auth_challenge.handler(define_event([SRP_A_OK, PV_OK, state_entry]), None)
    assert log_lines
    assert all(state_entry["challengeMetadata"] not in line for line in log_lines)


# --- the pure decision with an explicit clock ---------------------------------------------


def _decide(session: list[dict[str, Any]], now: float, **options: Any) -> str:
    options.setdefault("user_not_found", False)
    options.setdefault("resend_requested", False)
    options.setdefault("otp", TEST_OTP)
    return decide(parse_session(session), now=now, **options).outcome


def test_expiry_boundary_is_exact() -> None:
    state = code_state(now=1_000_000, age=0)
    session = [SRP_A_OK, PV_OK, code_round(False, state)]
    assert _decide(session, state.expires_at - 1) == Outcome.CUSTOM_CHALLENGE
    assert _decide(session, state.expires_at) == Outcome.FAIL


@pytest.mark.parametrize("max_attempts", [1, 2, 5])
def test_attempt_limit_follows_the_setting(max_attempts: int) -> None:
    otp = TEST_OTP._replace(max_attempts=max_attempts)
    now = 1_000_000
    for wrong in range(max_attempts):
        state = code_state(now=now, wrong=wrong, allowed=max_attempts)
        session = [PV_OK, code_round(False, state)]
        expected = Outcome.CUSTOM_CHALLENGE if wrong + 1 < max_attempts else Outcome.FAIL
        assert _decide(session, now, otp=otp) == expected


@pytest.mark.parametrize("max_codes", [1, 2, 4])
def test_code_limit_follows_the_setting(max_codes: int) -> None:
    otp = TEST_OTP._replace(max_codes=max_codes)
    now = 1_000_000
    for number in range(1, max_codes + 1):
        expired = code_state(now=now, code_number=number, age=EXPIRED)
        session = [PV_OK, code_round(False, expired)]
        expected = Outcome.CUSTOM_CHALLENGE if number < max_codes else Outcome.FAIL
        assert _decide(session, now, otp=otp, resend_requested=True) == expected


def test_round_cap_counts_every_round() -> None:
    now = 1_000_000
    state = code_state(now=now)
    limit = max_rounds(TEST_OTP)
    below = [PV_OK] + [code_round(False, state)] * (limit - 1)
    assert _decide(below, now, resend_requested=True) == Outcome.CUSTOM_CHALLENGE
    assert _decide([*below, code_round(False, state)], now, resend_requested=True) == Outcome.FAIL
