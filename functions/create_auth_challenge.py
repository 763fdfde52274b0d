"""Create auth challenge: email a one-time code (or keep the current one) for this round.

The plan comes from functions/code_rounds.py; a new code goes out only if the account's shared
limits allow it (functions/account_limits.py, kept in DynamoDB by functions/account_store.py),
which also set how many answers it may receive. This module generates the code, sends the email,
and returns the public parameters, the private state for Verify and the challengeMetadata for the
next Define. When the limits refuse a code (locked, hourly cap, table unreachable), nothing is
sent and the round carries `blocked`/`blocked_until` for the page instead of a code state.
Settings are checked at cold start and a bad value raises SettingError (Cognito then reports
UserLambdaValidationException with the message naming the variable).

Cold start also imports boto3 and builds the SES and DynamoDB clients (about 0.3 s of CPU), so
that a warm container never pays it and a cold one pays it in Lambda's init phase instead of in
the handler's duration (the figure the duration alarm watches). Lambda always sets AWS_REGION;
without it (a test or a tool importing the module) the clients are built on first use.
"""

from __future__ import annotations

import logging
import os
import time
from typing import Any, NamedTuple

from functions import mailer
from functions.account_limits import AccountRecord, Grant, Reason, Refusal, reserve_code
from functions.account_store import AccountStore, LimitsUnavailable, dynamodb_client
from functions.code_rounds import (
    BLOCKED_PARAMETER,
    BLOCKED_UNTIL_PARAMETER,
    RoundPlan,
    plan_round,
    previous_state,
    public_parameters,
)
from functions.code_state import (
    BLOCKED_METADATA,
    STATE_PARAMETER,
    CodeState,
    code_id,
    encode_state,
)
from functions.email_templates import sign_in_code_email
from functions.events import TriggerRequest, choose_locale, parse_request
from functions.log import get_logger, log_json
from functions.masking import mask_email
from functions.new_codes import generate_code, new_code_state
from functions.settings import TriggerSettings

LOGGER = get_logger(__name__)
SETTINGS = TriggerSettings.from_env(os.environ, require_sender=True)
STORE = AccountStore.from_env()
if os.environ.get("AWS_REGION"):
    mailer.ses_client()
    dynamodb_client()


class MissingEmailError(RuntimeError):
    """The user has no email attribute, so no code can be delivered."""


class Round(NamedTuple):
    """What this round ends with: the code state (None when no code may be used) and why not."""

    state: CodeState | None
    code: str | None
    refusal: Refusal | None


def _reserve(
    request: TriggerRequest,
    state: CodeState,
    replaced: CodeState | None,
    now: int,
    region: str | None,
) -> Grant | Refusal:
    """Ask the account's shared record whether this code may go out, and with how many tries."""
    sub = request.user_attributes.get("sub", "")

    def update(record: AccountRecord) -> tuple[AccountRecord, Grant | Refusal]:
        return reserve_code(
            record,
            code_id=code_id(state),
            expires_at=state.expires_at,
            max_attempts=SETTINGS.otp.max_attempts,
            now=now,
            limits=SETTINGS.limits,
            replaces=code_id(replaced) if replaced is not None else None,
        )

    try:
        return STORE.change(sub, update, region=region)
    except LimitsUnavailable as error:
        # Fail closed: without the shared count, a code would give unlimited guesses.
        log_json(LOGGER, logging.ERROR, "limits_unavailable", detail=str(error))
        return Refusal(Reason.UNAVAILABLE, 0)


def _plan_codes(
    request: TriggerRequest,
    previous: CodeState | None,
    plan: RoundPlan,
    now: int,
    region: str | None,
) -> Round:
    """The round's code: reused, newly issued within the account's limits, or refused."""
    if plan.reused is not None:
        return Round(plan.reused, None, None)
    code = generate_code(SETTINGS.otp.length)
    state = new_code_state(
        code,
        code_number=plan.code_number,
        issued_at=now,
        ttl_seconds=SETTINGS.otp.ttl_seconds,
        attempts_allowed=SETTINGS.otp.max_attempts,
    )
    if request.user_not_found:
        return Round(state, code, None)
    replaced = previous if plan.resent else None
    decision = _reserve(request, state, replaced, now, region)
    if isinstance(decision, Grant):
        return Round(state._replace(attempts_allowed=decision.attempts), code, None)
    still_usable = (
        previous is not None
        and not previous.is_expired(now)
        and previous.answers_left(SETTINGS.otp.max_attempts) > 0
    )
    # A refused resend keeps the current code (its attempts are still reserved for it).
    return Round(previous if still_usable else None, None, decision)


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


def _blocked_response(refusal: Refusal, destination: str) -> dict[str, Any]:
    """No code this round: the page says why and until when; any answer fails."""
    return {
        "publicChallengeParameters": {
            "destination": destination,
            "code_length": str(SETTINGS.otp.length),
            BLOCKED_PARAMETER: refusal.reason,
            BLOCKED_UNTIL_PARAMETER: str(refusal.until),
        },
        "privateChallengeParameters": {},
        "challengeMetadata": BLOCKED_METADATA,
    }


def handler(event: Any, context: Any) -> Any:
    """Cognito CreateAuthChallenge_Authentication entry point."""
    request = parse_request(event, with_session=True)
    now = int(time.time())
    previous = previous_state(request.session)
    plan = plan_round(
        previous, resend_requested=request.resend_requested, now=now, otp=SETTINGS.otp
    )
    region = event.get("region") if isinstance(event.get("region"), str) else None
    planned = _plan_codes(request, previous, plan, now, region)
    state, code = planned.state, planned.code
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
    if state is None:
        assert planned.refusal is not None  # noqa: S101 - _plan_codes returns one or the other
        event["response"] = _blocked_response(planned.refusal, destination)
    else:
        encoded = encode_state(state)
        public = public_parameters(
            state,
            destination=destination,
            resent=planned.code is not None and plan.resent,
            now=now,
            otp=SETTINGS.otp,
        )
        if planned.refusal is not None:
            public[BLOCKED_PARAMETER] = planned.refusal.reason
            public[BLOCKED_UNTIL_PARAMETER] = str(planned.refusal.until)
        event["response"] = {
            "publicChallengeParameters": public,
            "privateChallengeParameters": {STATE_PARAMETER: encoded},
            "challengeMetadata": encoded,
        }
    log_json(
        LOGGER,
        logging.INFO,
        "create_auth_challenge",
        code_number=state.code_number if state else None,
        new_code=planned.code is not None,
        resent=planned.code is not None and plan.resent,
        refused=planned.refusal.reason if planned.refusal else None,
        user_not_found=request.user_not_found,
    )
    return event
