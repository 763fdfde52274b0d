"""Custom message: Cognito's own emails branded with the app name and localized (en, ja).

Handles sign-up, resend of the sign-up code, forgotten password and admin-created users; every
other trigger source (SMS, attribute updates, ...) is returned untouched. The placeholders come
from the event (request.codeParameter, request.usernameParameter): if one that the message needs
is missing the event is returned untouched, because Cognito rejects a message without them.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import Any

from functions.email_templates import CUSTOM_MESSAGE_SOURCES, cognito_message
from functions.events import choose_locale, string_map
from functions.log import get_logger, log_json
from functions.settings import TriggerSettings

LOGGER = get_logger(__name__)
SETTINGS = TriggerSettings.from_env(os.environ)
ADMIN_CREATE_USER = "CustomMessage_AdminCreateUser"


def handler(event: Any, context: Any) -> Any:
    """Cognito CustomMessage_* entry point."""
    if not isinstance(event, dict):
        return event
    source = event.get("triggerSource")
    request = event.get("request")
    if source not in CUSTOM_MESSAGE_SOURCES or not isinstance(request, Mapping):
        return event
    code_placeholder = request.get("codeParameter")
    username_placeholder = request.get("usernameParameter")
    if not isinstance(code_placeholder, str) or not code_placeholder:
        log_json(LOGGER, logging.WARNING, "custom_message_skipped", reason="no_code_parameter")
        return event
    if source == ADMIN_CREATE_USER:
        if not isinstance(username_placeholder, str) or not username_placeholder:
            log_json(
                LOGGER, logging.WARNING, "custom_message_skipped", reason="no_username_parameter"
            )
            return event
    else:
        username_placeholder = None
    locale = choose_locale(
        string_map(request.get("clientMetadata")),
        string_map(request.get("userAttributes")),
        SETTINGS.default_locale,
    )
    subject, message = cognito_message(
        str(source), SETTINGS.app_name, locale, code_placeholder, username_placeholder
    )
    response = event.get("response")
    if not isinstance(response, dict):
        response = {}
        event["response"] = response
    response["emailSubject"] = subject
    response["emailMessage"] = message
    log_json(LOGGER, logging.INFO, "custom_message", trigger_source=source, locale=locale)
    return event
