"""Cognito's error responses: an exception type and an exact message, rendered as AWS JSON."""

from __future__ import annotations

import json


class CognitoError(Exception):
    """An error the emulated Cognito API returns to the client (HTTP 400 unless told)."""

    def __init__(self, error_type: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.status = status

    def body(self) -> bytes:
        return json.dumps({"__type": self.error_type, "message": self.message}).encode()


def not_authorized(message: str) -> CognitoError:
    return CognitoError("NotAuthorizedException", message)


def invalid_parameter(message: str) -> CognitoError:
    return CognitoError("InvalidParameterException", message)


INCORRECT_CREDENTIALS = "Incorrect username or password."
INVALID_SESSION = "Invalid session for the user."
EXPIRED_SESSION = "Invalid session for the user, session is expired."
CODE_MISMATCH = "Invalid verification code provided, please try again."
EXPIRED_CODE = "Invalid code provided, please request a code again."
ATTEMPT_LIMIT = "Attempt limit exceeded, please try after some time."
