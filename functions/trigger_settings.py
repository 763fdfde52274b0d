"""Loading the trigger settings once per container, without letting a bad value grant access.

Create lets SettingError escape at cold start (Cognito reports UserLambdaValidationException with
the message, which names the variable). Define and Verify keep the error and answer "fail" to every
call, logging the message, because their safe answer is always available.
"""

from __future__ import annotations

import logging
import os

from functions.log import log_json
from functions.settings import SettingError, TriggerSettings


def load_or_log(logger: logging.Logger) -> TriggerSettings | None:
    """The settings from the environment, or None after logging which variable is wrong."""
    try:
        return TriggerSettings.from_env(os.environ)
    except SettingError as error:
        log_json(logger, logging.ERROR, "invalid_configuration", error=str(error))
        return None
