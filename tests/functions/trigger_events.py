"""Cognito trigger events shaped as in cognito-custom-auth.md section 1, for the trigger tests.

Optional request keys (clientMetadata, userNotFound) are omitted unless given, as in the real
dump quoted there; SRP and PASSWORD_VERIFIER entries carry challengeMetadata null.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from functions.account_limits import AccountRecord
from functions.account_store import LimitsUnavailable
from functions.code_state import CodeState, encode_state
from functions.new_codes import new_code_state
from functions.settings import OtpSettings, TriggerSettings

REGION = "us-east-1"
USER_POOL_ID = "us-east-1_Example1"
CLIENT_ID = "3n4b5urk1ft4fl3mg5e62d9ado"
USER_NAME = "6f1e0c7a-3b1d-4f43-9d51-2a0b1f0e8c11"
SENDER = "no-reply@example.com"
USER_EMAIL = "alice.smith@example.com"
USER_ATTRIBUTES = {
    "sub": USER_NAME,
    "email": USER_EMAIL,
    "email_verified": "true",
    "cognito:user_status": "CONFIRMED",
}

TEST_OTP = OtpSettings(
    length=6, ttl_seconds=180, max_attempts=3, max_codes=3, resend_cooldown_seconds=30
)
TEST_SETTINGS = TriggerSettings(
    sender_email=SENDER, app_name="Acme <Login>", default_locale="en", otp=TEST_OTP
)


def entry(name: str, result: bool, metadata: str | None = None) -> dict[str, Any]:
    return {"challengeName": name, "challengeResult": result, "challengeMetadata": metadata}


SRP_A_OK = entry("SRP_A", True)
PV_OK = entry("PASSWORD_VERIFIER", True)
PV_FAILED = entry("PASSWORD_VERIFIER", False)


def code_state(
    code: str = "123456",
    *,
    code_number: int = 1,
    wrong: int = 0,
    age: int = 10,
    now: float | None = None,
    ttl: int = TEST_OTP.ttl_seconds,
    allowed: int = TEST_OTP.max_attempts,
) -> CodeState:
    """The state of `code`, issued `age` seconds before `now` (default: the real clock)."""
    issued = int(time.time() if now is None else now) - age
    state = new_code_state(
        code, code_number=code_number, issued_at=issued, ttl_seconds=ttl, attempts_allowed=allowed
    )
    return state.with_wrong_answers(wrong)


def code_round(result: bool, state: CodeState | None = None, **kwargs: Any) -> dict[str, Any]:
    """A CUSTOM_CHALLENGE session entry carrying the metadata of `state`."""
    return entry("CUSTOM_CHALLENGE", result, encode_state(state or code_state(**kwargs)))


def _event(trigger_source: str, request: dict[str, Any], user_name: str) -> dict[str, Any]:
    return {
        "version": "1",
        "triggerSource": trigger_source,
        "region": REGION,
        "userPoolId": USER_POOL_ID,
        "userName": user_name,
        "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": CLIENT_ID},
        "request": request,
        "response": {},
    }


def _request(
    client_metadata: dict[str, str] | None,
    user_not_found: bool | None,
    attributes: dict[str, str] | None,
) -> dict[str, Any]:
    request: dict[str, Any] = {
        "userAttributes": dict(USER_ATTRIBUTES if attributes is None else attributes)
    }
    if client_metadata is not None:
        request["clientMetadata"] = client_metadata
    if user_not_found is not None:
        request["userNotFound"] = user_not_found
    return request


def define_event(
    session: list[dict[str, Any]],
    *,
    client_metadata: dict[str, str] | None = None,
    user_not_found: bool | None = None,
    attributes: dict[str, str] | None = None,
    user_name: str = USER_NAME,
) -> dict[str, Any]:
    request = _request(client_metadata, user_not_found, attributes)
    request["session"] = session
    event = _event("DefineAuthChallenge_Authentication", request, user_name)
    event["response"] = {"challengeName": None, "issueTokens": None, "failAuthentication": None}
    return event


def create_event(
    session: list[dict[str, Any]],
    *,
    client_metadata: dict[str, str] | None = None,
    user_not_found: bool | None = None,
    attributes: dict[str, str] | None = None,
    user_name: str = USER_NAME,
) -> dict[str, Any]:
    request = _request(client_metadata, user_not_found, attributes)
    request["challengeName"] = "CUSTOM_CHALLENGE"
    request["session"] = session
    event = _event("CreateAuthChallenge_Authentication", request, user_name)
    event["response"] = {
        "publicChallengeParameters": None,
        "privateChallengeParameters": None,
        "challengeMetadata": None,
    }
    return event


def verify_event(
    answer: object,
    private: dict[str, str] | None,
    *,
    client_metadata: dict[str, str] | None = None,
    user_not_found: bool | None = None,
    attributes: dict[str, str] | None = None,
) -> dict[str, Any]:
    request = _request(client_metadata, user_not_found, attributes)
    request["privateChallengeParameters"] = private
    request["challengeAnswer"] = answer
    event = _event("VerifyAuthChallengeResponse_Authentication", request, USER_NAME)
    event["response"] = {"answerCorrect": None}
    return event


class MemoryStore:
    """The AccountStore interface over a dict, for tests of the triggers' own logic.

    functions/account_store.py itself is tested against moto's DynamoDB
    (test_account_store.py); here each account's record changes under one lock, which is what
    the real store's conditional writes guarantee.
    """

    def __init__(self) -> None:
        self.records: dict[str, AccountRecord] = {}
        self.unavailable = False
        self.calls = 0
        self._lock = threading.Lock()

    def change(
        self,
        sub: str,
        update: Callable[[AccountRecord], tuple[AccountRecord, Any]],
        *,
        region: str | None = None,
    ) -> Any:
        self.calls += 1
        if self.unavailable or not sub:
            raise LimitsUnavailable("test store is down")
        with self._lock:
            record = self.records.get(sub, AccountRecord())
            updated, result = update(record)
            self.records[sub] = updated
            return result
