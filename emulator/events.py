"""Trigger events exactly as cognito-custom-auth.md section 1 describes them (pure builders).

Omitted keys [U as a general rule]: `clientMetadata` is left out when the call carried none (or the
call does not pass it, section 3), and `userNotFound` is present only when the app client has
PreventUserExistenceErrors ENABLED (that is when Cognito documents populating it).
"""

from __future__ import annotations

from typing import Any

SDK_VERSION = "aws-sdk-unknown-unknown"

DEFINE = "DefineAuthChallenge"
CREATE = "CreateAuthChallenge"
VERIFY = "VerifyAuthChallengeResponse"
CUSTOM_MESSAGE = "CustomMessage"
POST_AUTHENTICATION = "PostAuthentication"
POST_CONFIRMATION = "PostConfirmation"

EMPTY_RESPONSES: dict[str, dict[str, Any]] = {
    DEFINE: {"challengeName": None, "issueTokens": None, "failAuthentication": None},
    CREATE: {
        "publicChallengeParameters": None,
        "privateChallengeParameters": None,
        "challengeMetadata": None,
    },
    VERIFY: {"answerCorrect": None},
    CUSTOM_MESSAGE: {"smsMessage": None, "emailMessage": None, "emailSubject": None},
    POST_AUTHENTICATION: {},
    POST_CONFIRMATION: {},
}


def user_attributes(user: Any | None) -> dict[str, str]:
    """All attributes as strings, plus cognito:user_status (empty for an unknown user)."""
    if user is None:
        return {}
    attributes = {a["Name"]: str(a["Value"]) for a in user.attributes}
    attributes["cognito:user_status"] = str(getattr(user.status, "value", user.status))
    return attributes


def base_event(
    trigger: str,
    source: str,
    *,
    region: str,
    pool_id: str,
    username: str,
    client_id: str,
    request: dict[str, Any],
) -> dict[str, Any]:
    return {
        "version": "1",
        "triggerSource": f"{trigger}_{source}",
        "region": region,
        "userPoolId": pool_id,
        "userName": username,
        "callerContext": {"awsSdkVersion": SDK_VERSION, "clientId": client_id},
        "request": request,
        "response": dict(EMPTY_RESPONSES[trigger]),
    }


def with_optional(
    request: dict[str, Any],
    client_metadata: dict[str, str] | None,
    user_not_found: bool | None,
) -> dict[str, Any]:
    """Add clientMetadata only when some was passed, userNotFound only when it is populated."""
    if client_metadata:
        request["clientMetadata"] = dict(client_metadata)
    if user_not_found is not None:
        request["userNotFound"] = user_not_found
    return request


def challenge_result(name: str, result: bool, metadata: str | None = None) -> dict[str, Any]:
    return {"challengeName": name, "challengeResult": result, "challengeMetadata": metadata}
