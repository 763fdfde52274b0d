"""Cognito's own emails: branded, localized, placeholders kept, other sources untouched."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from trigger_events import (
    CLIENT_ID,
    REGION,
    USER_ATTRIBUTES,
    USER_NAME,
    USER_POOL_ID,
)

from functions import custom_message

SOURCES = (
    "CustomMessage_SignUp",
    "CustomMessage_ResendCode",
    "CustomMessage_ForgotPassword",
    "CustomMessage_AdminCreateUser",
)


def message_event(
    source: str,
    *,
    client_metadata: dict[str, str] | None = None,
    attributes: dict[str, str] | None = None,
    code_parameter: str | None = "{####}",
    username_parameter: str | None = "{username}",
) -> dict[str, Any]:
    request: dict[str, Any] = {"userAttributes": {**USER_ATTRIBUTES, **(attributes or {})}}
    if code_parameter is not None:
        request["codeParameter"] = code_parameter
    if username_parameter is not None:
        request["usernameParameter"] = (
            username_parameter if source.endswith("AdminCreateUser") else None
        )
    if client_metadata is not None:
        request["clientMetadata"] = client_metadata
    return {
        "version": "1",
        "triggerSource": source,
        "region": REGION,
        "userPoolId": USER_POOL_ID,
        "userName": USER_NAME,
        "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": CLIENT_ID},
        "request": request,
        "response": {"smsMessage": None, "emailMessage": None, "emailSubject": None},
    }


def run(event: dict[str, Any]) -> dict[str, Any]:
    response = custom_message.handler(event, None)["response"]
    assert isinstance(response, dict)
    return response


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("locale", ["en", "ja"])
def test_messages_keep_the_placeholders_and_brand(source: str, locale: str) -> None:
    response = run(message_event(source, client_metadata={"locale": locale}))
    message, subject = response["emailMessage"], response["emailSubject"]
    assert "{####}" in message
    assert ("{username}" in message) is source.endswith("AdminCreateUser")
    assert "Acme <Login>" in subject
    assert "Acme &lt;Login&gt;" in message
    assert "<Login>" not in message
    assert message.startswith("<!DOCTYPE html>")
    assert f'lang="{locale}"' in message
    japanese = any("\u3040" <= char <= "\u30ff" for char in message)
    assert japanese is (locale == "ja")
    assert response["smsMessage"] is None


def test_each_source_has_its_own_text() -> None:
    subjects = {run(message_event(source))["emailSubject"] for source in SOURCES}
    assert len(subjects) == len(SOURCES)


def test_placeholders_come_from_the_event() -> None:
    response = run(
        message_event(
            "CustomMessage_AdminCreateUser", code_parameter="{CODE}", username_parameter="{USER}"
        )
    )
    assert "{CODE}" in response["emailMessage"]
    assert "{USER}" in response["emailMessage"]
    assert "{####}" not in response["emailMessage"]


@pytest.mark.parametrize(
    ("client_metadata", "attributes", "expected"),
    [
        (None, {}, "Confirm your Acme <Login> account"),
        (None, {"locale": "ja"}, "【Acme <Login>】メールアドレスの確認"),
        ({"locale": "en"}, {"locale": "ja"}, "Confirm your Acme <Login> account"),
        ({"locale": "de"}, {"locale": "ja_JP"}, "【Acme <Login>】メールアドレスの確認"),
    ],
)
def test_locale_follows_browser_then_profile_then_default(
    client_metadata: dict[str, str] | None, attributes: dict[str, str], expected: str
) -> None:
    event = message_event(
        "CustomMessage_SignUp", client_metadata=client_metadata, attributes=attributes
    )
    assert run(event)["emailSubject"] == expected


@pytest.mark.parametrize(
    "source",
    [
        "CustomMessage_UpdateUserAttribute",
        "CustomMessage_VerifyUserAttribute",
        "CustomMessage_Authentication",
        "PostAuthentication_Authentication",
    ],
)
def test_other_sources_are_untouched(source: str) -> None:
    event = message_event(source)
    before = copy.deepcopy(event)
    assert custom_message.handler(event, None) == before


def test_missing_code_placeholder_leaves_cognito_default() -> None:
    event = message_event("CustomMessage_SignUp", code_parameter=None)
    before = copy.deepcopy(event)
    assert custom_message.handler(event, None) == before


def test_admin_create_user_without_username_placeholder_leaves_cognito_default() -> None:
    event = message_event("CustomMessage_AdminCreateUser", username_parameter=None)
    before = copy.deepcopy(event)
    assert custom_message.handler(event, None) == before


@pytest.mark.parametrize("event", [None, "x", {}, {"triggerSource": "CustomMessage_SignUp"}])
def test_malformed_events_are_returned_as_they_are(event: object) -> None:
    assert custom_message.handler(event, None) == event
