"""Define auth challenge: decide the next step of the sign-in (see functions/challenge_policy.py).

Thin I/O shell: parse the event, ask the policy, write the response, log one line. It never
raises: a malformed event or a bad configuration fails the sign-in. No boto3 here (cold start).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from functions.challenge_policy import Decision, decide, fail
from functions.events import MalformedEvent, parse_request
from functions.log import get_logger, log_json
from functions.trigger_settings import load_or_log

LOGGER = get_logger(__name__)
SETTINGS = load_or_log(LOGGER)


def _decision(event: Any) -> Decision:
    if SETTINGS is None:
        return fail("invalid_configuration")
    try:
        request = parse_request(event, with_session=True)
    except MalformedEvent as error:
        log_json(LOGGER, logging.WARNING, "malformed_event", detail=str(error))
        return fail("malformed_event")
    return decide(
        request.session,
        user_not_found=request.user_not_found,
        resend_requested=request.resend_requested,
        now=time.time(),
        otp=SETTINGS.otp,
    )


def handler(event: Any, context: Any) -> Any:
    """Cognito DefineAuthChallenge_Authentication entry point."""
    try:
        decision = _decision(event)
    except Exception as error:  # fail closed on anything unforeseen, and say so
        log_json(LOGGER, logging.ERROR, "define_error", error_class=type(error).__name__)
        decision = fail("internal_error")
    response = decision.response()
    log_json(
        LOGGER,
        logging.INFO,
        "define_auth_challenge",
        outcome=decision.outcome,
        reason=decision.reason,
    )
    if isinstance(event, dict):
        event["response"] = response
        return event
    return {"response": response}
