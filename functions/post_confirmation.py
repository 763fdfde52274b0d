"""Post confirmation: a completed password reset lifts the account's code lock.

Whoever was typing wrong codes knew the old password; after ConfirmForgotPassword they no longer
do, so the owner may sign in at once (functions/account_limits.lift_lock). Sign-up confirmations
(PostConfirmation_ConfirmSignUp) change nothing. It never raises: an exception here would make
Cognito report the confirmation as failed although the new password is already set.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, Final

from functions.account_limits import lift_lock
from functions.account_store import AccountStore, LimitsUnavailable
from functions.events import string_map
from functions.log import get_logger, log_json

LOGGER = get_logger(__name__)
STORE = AccountStore.from_env()
PASSWORD_RESET_SOURCE: Final = "PostConfirmation_ConfirmForgotPassword"  # noqa: S105


def handler(event: Any, context: Any) -> Any:
    """Cognito PostConfirmation_* entry point; returns the event unchanged."""
    event_map: Mapping[str, Any] = event if isinstance(event, Mapping) else {}
    source = event_map.get("triggerSource")
    if source != PASSWORD_RESET_SOURCE:
        return event
    request = event_map.get("request")
    sub = string_map(request.get("userAttributes") if isinstance(request, Mapping) else None).get(
        "sub", ""
    )
    region = event_map.get("region")
    try:
        STORE.change(
            sub,
            lambda record: (lift_lock(record), None),
            region=region if isinstance(region, str) else None,
        )
        log_json(LOGGER, logging.INFO, "lock_lifted_by_password_reset", sub=sub)
    except LimitsUnavailable as error:
        log_json(LOGGER, logging.ERROR, "limits_unavailable", detail=str(error))
    except Exception as error:
        log_json(LOGGER, logging.ERROR, "post_confirmation_error", error_class=type(error).__name__)
    return event
