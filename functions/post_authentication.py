"""Post authentication: one structured audit line per successful sign-in, and a fresh count.

Logs who (the user's sub, not the address), where (pool and app client), and a few allow-listed
clientMetadata keys; never an email address, a token or the raw event. A completed sign-in is a
correct code, so the account's wrong-code count and lock doubling start over (functions/
account_limits.record_success). It never raises, because an exception here would turn a
successful sign-in into an error; a reset that cannot be written only leaves the count stricter.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, Final

from functions.account_store import AccountStore
from functions.events import string_map
from functions.log import get_logger, log_json

LOGGER = get_logger(__name__)
STORE = AccountStore.from_env()
# Only these clientMetadata keys reach the audit log, truncated.
AUDITED_METADATA_KEYS: Final = ("locale",)
_MAX_VALUE_CHARS: Final = 32


def audit_fields(event: Any) -> dict[str, object]:
    """The fields of the audit line, read tolerantly from the event."""
    event_map: Mapping[str, Any] = event if isinstance(event, Mapping) else {}
    request = event_map.get("request")
    request = request if isinstance(request, Mapping) else {}
    caller = event_map.get("callerContext")
    caller = caller if isinstance(caller, Mapping) else {}
    attributes = string_map(request.get("userAttributes"))
    metadata = string_map(request.get("clientMetadata"))
    new_device = request.get("newDeviceUsed")

    def text(value: object) -> str | None:
        return value if isinstance(value, str) else None

    return {
        "sub": attributes.get("sub"),
        "user_pool_id": text(event_map.get("userPoolId")),
        "client_id": text(caller.get("clientId")),
        "trigger_source": text(event_map.get("triggerSource")),
        "new_device_used": new_device if isinstance(new_device, bool) else None,
        "client_metadata": {
            key: metadata[key][:_MAX_VALUE_CHARS]
            for key in AUDITED_METADATA_KEYS
            if key in metadata
        },
    }


def reset_wrong_codes(event: Any) -> None:
    """The right code was typed: forget the account's wrong codes (best effort)."""
    from functions.account_limits import record_success
    from functions.account_store import LimitsUnavailable

    sub = audit_fields(event).get("sub")
    if not isinstance(sub, str) or not sub:
        return
    region = event.get("region") if isinstance(event, Mapping) else None
    try:
        STORE.change(
            sub,
            lambda record: (record_success(record), None),
            region=region if isinstance(region, str) else None,
        )
    except LimitsUnavailable as error:
        log_json(LOGGER, logging.ERROR, "limits_unavailable", detail=str(error))


def handler(event: Any, context: Any) -> Any:
    """Cognito PostAuthentication_Authentication entry point; returns the event unchanged."""
    try:
        log_json(LOGGER, logging.INFO, "sign_in", **audit_fields(event))
    except Exception as error:  # the audit line must never block a sign-in
        log_json(LOGGER, logging.ERROR, "audit_error", error_class=type(error).__name__)
    try:
        reset_wrong_codes(event)
    except Exception as error:  # nor may the reset
        log_json(LOGGER, logging.ERROR, "reset_error", error_class=type(error).__name__)
    return event
