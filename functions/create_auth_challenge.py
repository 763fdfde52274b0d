"""Create auth challenge: email a one-time code (or keep the current one) for this round.

The plan comes from functions/code_rounds.py; this module generates the code, sends the email,
and returns the public parameters, the private state for Verify and the challengeMetadata for the
next Define. Settings are checked at cold start and a bad value raises SettingError (Cognito then
reports UserLambdaValidationException with the message naming the variable).
"""

from __future__ import annotations

import logging
import os
import time
from typing import Any

from functions import mailer
from functions.code_rounds import RoundPlan, plan_round, previous_state, public_parameters
from functions.code_state import STATE_PARAMETER, CodeState, encode_state
from functions.email_templates import sign_in_code_email
from functions.events import TriggerRequest, choose_locale, parse_request
from functions.log import get_logger, log_json
from functions.masking import mask_email
from functions.new_codes import generate_code, new_code_state
from functions.settings import TriggerSettings

LOGGER = get_logger(__name__)
SETTINGS = TriggerSettings.from_env(os.environ, require_sender=True)


class MissingEmailError(RuntimeError):
    """The user has no email attribute, so no code can be delivered."""


def _issue(plan: RoundPlan, now: int) -> tuple[CodeState, str | None]:
    """The round's state, plus the new code to send when the plan asks for one."""
    if plan.reused is not None:
        return plan.reused, None
    code = generate_code(SETTINGS.otp.length)
    state = new_code_state(
        code, code_number=plan.code_number, issued_at=now, ttl_seconds=SETTINGS.otp.ttl_seconds
    )
    return state, code


def _deliver(request: TriggerRequest, code: str, region: str | None) -> str:
    """Email the code to the user's address; return the masked address."""
    address = request.user_attributes.get("email", "").strip()
    if not address:
        raise MissingEmailError("the user has no email attribute")
    locale = choose_locale(
        request.client_metadata, request.user_attributes, SETTINGS.default_locale
    )
    content = sign_in_code_email(SETTINGS.app_name, code, SETTINGS.otp.ttl_seconds, locale)
    try:
        mailer.send_email(
            sender=str(SETTINGS.sender_email), recipient=address, content=content, region=region
        )
    except Exception as error:
        log_json(LOGGER, logging.ERROR, "code_email_failed", error_class=type(error).__name__)
        raise
    return mask_email(address)


def handler(event: Any, context: Any) -> Any:
    """Cognito CreateAuthChallenge_Authentication entry point."""
    request = parse_request(event, with_session=True)
    now = int(time.time())
    plan = plan_round(
        previous_state(request.session),
        resend_requested=request.resend_requested,
        now=now,
        otp=SETTINGS.otp,
    )
    state, code = _issue(plan, now)
    region = event.get("region") if isinstance(event.get("region"), str) else None
    if request.user_not_found:
        # No account: send nothing, but answer in the same shape and after a similar delay.
        destination = mask_email(request.user_name)
        if code is not None:
            mailer.imitate_send(region)
    elif code is not None:
        destination = _deliver(request, code, region)
    else:
        destination = mask_email(request.user_attributes.get("email", ""))
    del code
    encoded = encode_state(state)
    event["response"] = {
        "publicChallengeParameters": public_parameters(
            state, destination=destination, resent=plan.resent, now=now, otp=SETTINGS.otp
        ),
        "privateChallengeParameters": {STATE_PARAMETER: encoded},
        "challengeMetadata": encoded,
    }
    log_json(
        LOGGER,
        logging.INFO,
        "create_auth_challenge",
        code_number=state.code_number,
        new_code=plan.reused is None,
        resent=plan.resent,
        user_not_found=request.user_not_found,
    )
    return event
