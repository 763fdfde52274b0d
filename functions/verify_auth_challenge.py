"""Verify auth challenge response: is the answer the code that was emailed?

Compares HMAC digests in constant time against the state Create put in privateChallengeParameters.
False for anything else: expired code, malformed answer, resend request, unknown user, missing or
garbled parameters, malformed event, bad configuration. It never raises.

A wrong answer to a live code is also counted in the account's shared record (functions/
account_limits.py), and the failure that starts a lock emails the owner once. Only that path
imports boto3 (lazily): the success path and every other refusal stay as cheap as before, which
is safe because a code can never receive more answers than Create reserved for it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any, Final, NamedTuple

from functions.code_state import STATE_PARAMETER, CodeState, decode_state
from functions.events import MalformedEvent, TriggerRequest, parse_request
from functions.log import get_logger, log_json
from functions.otp import answer_matches
from functions.trigger_settings import load_or_log

LOGGER = get_logger(__name__)
SETTINGS = load_or_log(LOGGER)


WRONG_ANSWER: Final = "wrong_or_malformed"


class Verdict(NamedTuple):
    """Verify's answer, and for a wrong answer what is needed to count it for the account."""

    correct: bool
    reason: str
    state: CodeState | None = None
    request: TriggerRequest | None = None


def check_answer(event: Any, now: float) -> Verdict:
    """The verdict on one Verify event (pure: no I/O)."""
    if SETTINGS is None:
        return Verdict(False, "invalid_configuration")
    try:
        request = parse_request(event)
    except MalformedEvent:
        return Verdict(False, "malformed_event")
    raw_request = event["request"]
    if request.user_not_found:
        return Verdict(False, "user_not_found")
    if request.resend_requested:
        # Never evaluate an answer sent as a resend request: Define does not count those.
        return Verdict(False, "resend_request")
    private = raw_request.get("privateChallengeParameters")
    state = decode_state(private.get(STATE_PARAMETER) if isinstance(private, Mapping) else None)
    if state is None:
        return Verdict(False, "unreadable_state")
    if state.is_expired(now):
        return Verdict(False, "expired")
    if state.answers_left(SETTINGS.otp.max_attempts) == 0:
        return Verdict(False, "attempts_exhausted")
    if not answer_matches(state, raw_request.get("challengeAnswer")):
        return Verdict(False, WRONG_ANSWER, state, request)
    return Verdict(True, "correct")


def count_wrong_answer(verdict: Verdict, event: Any, now: int) -> bool:
    """Record the wrong answer for the account; True when it started a lock (owner emailed)."""
    if SETTINGS is None or verdict.state is None or verdict.request is None:
        return False
    from functions.wrong_codes import record_wrong_code

    return record_wrong_code(
        SETTINGS, verdict.request, verdict.state, now=now, region=event.get("region")
    )


def handler(event: Any, context: Any) -> Any:
    """Cognito VerifyAuthChallengeResponse_Authentication entry point."""
    lock_started = False
    try:
        now = time.time()
        verdict = check_answer(event, now)
        correct, reason = verdict.correct, verdict.reason
        if reason == WRONG_ANSWER:
            lock_started = count_wrong_answer(verdict, event, int(now))
    except Exception as error:  # fail closed on anything unforeseen, and say so
        log_json(LOGGER, logging.ERROR, "verify_error", error_class=type(error).__name__)
        correct, reason = False, "internal_error"
    log_json(
        LOGGER,
        logging.INFO,
        "verify_auth_challenge",
        correct=correct,
        reason=reason,
        lock_started=lock_started,
    )
    if isinstance(event, dict):
        event["response"] = {"answerCorrect": correct}
        return event
    return {"response": {"answerCorrect": correct}}
