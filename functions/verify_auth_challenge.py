"""Verify auth challenge response: is the answer the code that was emailed?

Compares HMAC digests in constant time against the state Create put in privateChallengeParameters.
False for anything else: expired code, malformed answer, resend request, unknown user, missing or
garbled parameters, malformed event, bad configuration. It never raises. No boto3 here.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any

from functions.code_state import STATE_PARAMETER, decode_state
from functions.events import MalformedEvent, parse_request
from functions.log import get_logger, log_json
from functions.otp import answer_matches
from functions.trigger_settings import load_or_log

LOGGER = get_logger(__name__)
SETTINGS = load_or_log(LOGGER)


def check_answer(event: Any, now: float) -> tuple[bool, str]:
    """(answerCorrect, reason) for one Verify event."""
    if SETTINGS is None:
        return False, "invalid_configuration"
    try:
        request = parse_request(event)
    except MalformedEvent:
        return False, "malformed_event"
    raw_request = event["request"]
    if request.user_not_found:
        return False, "user_not_found"
    if request.resend_requested:
        # Never evaluate an answer sent as a resend request: Define does not count those.
        return False, "resend_request"
    private = raw_request.get("privateChallengeParameters")
    state = decode_state(private.get(STATE_PARAMETER) if isinstance(private, Mapping) else None)
    if state is None:
        return False, "unreadable_state"
    if state.is_expired(now):
        return False, "expired"
    if state.wrong_answers >= SETTINGS.otp.max_attempts:
        return False, "attempts_exhausted"
    if not answer_matches(state, raw_request.get("challengeAnswer")):
        return False, "wrong_or_malformed"
    return True, "correct"


def handler(event: Any, context: Any) -> Any:
    """Cognito VerifyAuthChallengeResponse_Authentication entry point."""
    try:
        correct, reason = check_answer(event, time.time())
    except Exception as error:  # fail closed on anything unforeseen, and say so
        log_json(LOGGER, logging.ERROR, "verify_error", error_class=type(error).__name__)
        correct, reason = False, "internal_error"
    log_json(LOGGER, logging.INFO, "verify_auth_challenge", correct=correct, reason=reason)
    if isinstance(event, dict):
        event["response"] = {"answerCorrect": correct}
        return event
    return {"response": {"answerCorrect": correct}}
