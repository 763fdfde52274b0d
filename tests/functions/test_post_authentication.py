"""The sign-in audit line: who, where, allow-listed metadata; no address, no token."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from trigger_events import (
    CLIENT_ID,
    REGION,
    USER_ATTRIBUTES,
    USER_EMAIL,
    USER_NAME,
    USER_POOL_ID,
)

from functions import post_authentication


def post_auth_event(client_metadata: dict[str, str] | None = None) -> dict[str, Any]:
    request: dict[str, Any] = {"userAttributes": dict(USER_ATTRIBUTES), "newDeviceUsed": False}
    if client_metadata is not None:
        request["clientMetadata"] = client_metadata
    return {
        "version": "1",
        "triggerSource": "PostAuthentication_Authentication",
        "region": REGION,
        "userPoolId": USER_POOL_ID,
        "userName": USER_NAME,
        "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": CLIENT_ID},
        "request": request,
        "response": {},
    }


def test_one_audit_line_per_sign_in(log_lines: list[str]) -> None:
    event = post_auth_event({"locale": "ja", "resend": "true", "token": "eyJraWQiOi.secret"})
    before = copy.deepcopy(event)
    assert post_authentication.handler(event, None) == before
    assert len(log_lines) == 1
    assert json.loads(log_lines[0]) == {
        "level": "INFO",
        "logger": "functions.post_authentication",
        "event": "sign_in",
        "sub": USER_NAME,
        "user_pool_id": USER_POOL_ID,
        "client_id": CLIENT_ID,
        "trigger_source": "PostAuthentication_Authentication",
        "new_device_used": False,
        "client_metadata": {"locale": "ja"},
    }
    assert USER_EMAIL not in log_lines[0]
    assert "example.com" not in log_lines[0]
    assert "eyJ" not in log_lines[0]


def test_metadata_values_are_truncated(log_lines: list[str]) -> None:
    post_authentication.handler(post_auth_event({"locale": "x" * 500}), None)
    assert json.loads(log_lines[0])["client_metadata"] == {"locale": "x" * 32}


@pytest.mark.parametrize("event", [None, "x", {}, {"request": 5, "callerContext": []}])
def test_malformed_events_never_block_the_sign_in(event: object, log_lines: list[str]) -> None:
    assert post_authentication.handler(event, None) == event
    assert len(log_lines) == 1
    assert json.loads(log_lines[0])["event"] == "sign_in"
