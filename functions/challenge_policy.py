"""Define's decision over the session: the sign-in's state machine, as a pure function.

A valid session is, in order:
    [SRP_A ok]                 optional: clients that send CHALLENGE_NAME=SRP_A
    PASSWORD_VERIFIER ok       the password, proven with SRP (Cognito checked it)
    CUSTOM_CHALLENGE x n       one entry per code round; only the last may be a success

Anything else (unknown challenge names, a code before the password, a failed password, a success
in the middle, unreadable metadata) fails the sign-in. Tokens are issued only when the last entry
is a successful CUSTOM_CHALLENGE behind a successful PASSWORD_VERIFIER, and never for an unknown
user. Retries are decided from the last round's CodeState (functions/code_state.py) plus whether
the current call is a resend request, so a resend request is not counted as a wrong answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final, NamedTuple

from functions.code_state import BLOCKED_METADATA, CodeState, decode_state
from functions.events import SessionEntry
from functions.settings import OtpSettings

SRP_A: Final = "SRP_A"
PASSWORD_VERIFIER: Final = "PASSWORD_VERIFIER"  # noqa: S105 - a challenge name
CUSTOM_CHALLENGE: Final = "CUSTOM_CHALLENGE"
# Resend requests during the cooldown keep the same code and cost no attempt; this margin of
# extra rounds per code bounds how many such calls one sign-in can make.
EXTRA_ROUNDS_PER_CODE: Final = 2


class Outcome:
    """Define's four possible answers (plain strings: `enum` costs milliseconds of cold start)."""

    PASSWORD_VERIFIER: Final = PASSWORD_VERIFIER
    CUSTOM_CHALLENGE: Final = CUSTOM_CHALLENGE
    ISSUE_TOKENS: Final = "ISSUE_TOKENS"
    FAIL: Final = "FAIL"


class Decision(NamedTuple):
    """Define's answer and a short machine-readable reason (logged, never shown to users)."""

    outcome: str
    reason: str

    def response(self) -> dict[str, object]:
        """The `response` object Cognito expects from Define."""
        if self.outcome in (Outcome.PASSWORD_VERIFIER, Outcome.CUSTOM_CHALLENGE):
            return {
                "challengeName": self.outcome,
                "issueTokens": False,
                "failAuthentication": False,
            }
        if self.outcome == Outcome.ISSUE_TOKENS:
            return {"issueTokens": True, "failAuthentication": False}
        return {"issueTokens": False, "failAuthentication": True}


def fail(reason: str) -> Decision:
    return Decision(Outcome.FAIL, reason)


def max_rounds(otp: OtpSettings) -> int:
    """The most CUSTOM_CHALLENGE rounds one sign-in may have."""
    return otp.max_codes * (otp.max_attempts + EXTRA_ROUNDS_PER_CODE)


def decide(
    session: Sequence[SessionEntry],
    *,
    user_not_found: bool,
    resend_requested: bool,
    now: float,
    otp: OtpSettings,
) -> Decision:
    """What Define answers for this session (rules 1 to 5 of issue 2)."""
    entries = list(session)
    if entries and entries[0].challenge_name == SRP_A:
        if not entries[0].challenge_result:
            return fail("srp_a_failed")
        entries = entries[1:]
    if not entries:
        # Unknown users get the same first step: Cognito's simulated SRP then rejects them,
        # so the answer to InitiateAuth does not reveal whether the account exists.
        return Decision(Outcome.PASSWORD_VERIFIER, "start")
    first, rounds = entries[0], entries[1:]
    if first.challenge_name != PASSWORD_VERIFIER:
        return fail("password_not_first")
    if not first.challenge_result:
        return fail("password_failed")
    if any(entry.challenge_name != CUSTOM_CHALLENGE for entry in rounds):
        return fail("unexpected_challenge")
    if not rounds:
        return Decision(Outcome.CUSTOM_CHALLENGE, "password_ok")
    if any(entry.challenge_result for entry in rounds[:-1]):
        return fail("success_before_last_round")
    last = rounds[-1]
    if last.challenge_metadata == BLOCKED_METADATA:
        # Create issued no code (account locked, hourly cap, limits store unreachable).
        return fail("codes_blocked")
    state = decode_state(last.challenge_metadata)
    if state is None:
        return fail("unreadable_metadata")
    if last.challenge_result:
        if user_not_found:
            return fail("user_not_found")
        return Decision(Outcome.ISSUE_TOKENS, "code_ok")
    if len(rounds) >= max_rounds(otp):
        return fail("too_many_rounds")
    if resend_requested:
        return _after_resend_request(state, now=now, otp=otp)
    return _after_wrong_answer(state, now=now, otp=otp)


def _after_wrong_answer(state: CodeState, *, now: float, otp: OtpSettings) -> Decision:
    if state.is_expired(now):
        return fail("code_expired")
    if state.answers_left(otp.max_attempts) <= 1:
        return fail("attempts_exhausted")
    return Decision(Outcome.CUSTOM_CHALLENGE, "wrong_code")


def _after_resend_request(state: CodeState, *, now: float, otp: OtpSettings) -> Decision:
    if state.code_number < otp.max_codes:
        # Create sends a new code, or keeps this one while the cooldown runs.
        return Decision(Outcome.CUSTOM_CHALLENGE, "resend")
    if not state.is_expired(now) and state.answers_left(otp.max_attempts) > 0:
        # No code left to send, but the current one still works: let the user type it.
        return Decision(Outcome.CUSTOM_CHALLENGE, "resend_refused_code_still_valid")
    return fail("codes_exhausted")
