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

# Token messages, word for word as public error reports quote Cognito's responses:
# "Invalid Refresh Token." (the raw response body in aws/aws-sdk-cpp#1789, and
# GetTokensFromRefreshToken in aws/aws-sdk-js-v3#7162), "Refresh Token has been revoked"
# (aws/aws-sdk-net-extensions-cognito#24), "Refresh Token has expired" (quoted by third-party
# troubleshooting pages only [U]), "Access Token has been revoked" (aws-amplify/amplify-js#2205),
# "Access Token has expired" (aws-amplify/amplify-android#2481), "Invalid Access Token"
# (awslabs/aws-amplify-identity-broker#538).
INVALID_REFRESH_TOKEN = "Invalid Refresh Token."  # noqa: S105 - an error message
REVOKED_REFRESH_TOKEN = "Refresh Token has been revoked"  # noqa: S105
EXPIRED_REFRESH_TOKEN = "Refresh Token has expired"  # noqa: S105
INVALID_ACCESS_TOKEN = "Invalid Access Token"  # noqa: S105
REVOKED_ACCESS_TOKEN = "Access Token has been revoked"  # noqa: S105
EXPIRED_ACCESS_TOKEN = "Access Token has expired"  # noqa: S105
