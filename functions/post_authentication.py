"""Post authentication: one structured audit line per successful sign-in.

Logs who (the user's sub, not the address), where (pool and app client), and a few allow-listed
clientMetadata keys; never an email address, a token or the raw event. It never raises, because
an exception here would turn a successful sign-in into an error.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, Final

from functions.events import string_map
from functions.log import get_logger, log_json

LOGGER = get_logger(__name__)
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


def handler(event: Any, context: Any) -> Any:
    """Cognito PostAuthentication_Authentication entry point; returns the event unchanged."""
    try:
        log_json(LOGGER, logging.INFO, "sign_in", **audit_fields(event))
    except Exception as error:  # the audit line must never block a sign-in
        log_json(LOGGER, logging.ERROR, "audit_error", error_class=type(error).__name__)
    return event
