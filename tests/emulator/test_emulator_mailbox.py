"""The mailbox: SES v1 and v2 sends captured, readable from Python and over HTTP."""

from __future__ import annotations

import json
import urllib.request
from datetime import datetime
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator import LocalStack

SENDER = "no-reply@example.com"  # verified by start_local_stack (LoginSettings.local())


def _http_mailbox(stack: LocalStack, to: str | None = None) -> list[dict[str, Any]]:
    query = f"?to={to}" if to else ""
    url = f"{stack.endpoint_url}/_emulator/mailbox{query}"
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - local emulator
        return list(json.load(response))


def test_ses_v1_send_email_is_captured(stack: LocalStack) -> None:
    stack.boto3_client("ses").send_email(
        Source=SENDER,
        Destination={"ToAddresses": ["v1@example.com"]},
        Message={
            "Subject": {"Data": "v1 subject"},
            "Body": {"Text": {"Data": "v1 text"}, "Html": {"Data": "<b>v1</b>"}},
        },
    )
    (message,) = stack.mailbox.messages("v1@example.com")
    assert message["to"] == ["v1@example.com"]
    assert message["from"] == SENDER
    assert (message["subject"], message["text"], message["html"]) == (
        "v1 subject",
        "v1 text",
        "<b>v1</b>",
    )
    assert datetime.fromisoformat(message["sent_at"]).tzinfo is not None


def test_ses_v1_send_raw_email_is_captured(stack: LocalStack) -> None:
    mime = MIMEMultipart("alternative")
    mime["Subject"] = "raw subject"
    mime["From"] = SENDER
    mime["To"] = "raw@example.com"
    mime.attach(MIMEText("raw text", "plain"))
    mime.attach(MIMEText("<i>raw</i>", "html"))
    stack.boto3_client("ses").send_raw_email(
        Source=SENDER, Destinations=["raw@example.com"], RawMessage={"Data": mime.as_bytes()}
    )
    (message,) = stack.mailbox.messages("raw@example.com")
    assert message["subject"] == "raw subject"
    assert message["text"].strip() == "raw text"
    assert message["html"].strip() == "<i>raw</i>"


def test_ses_v2_send_email_is_captured_and_served_over_http(stack: LocalStack) -> None:
    for n in (1, 2):
        stack.boto3_client("sesv2").send_email(
            FromEmailAddress=SENDER,
            Destination={"ToAddresses": ["v2@example.com"]},
            Content={
                "Simple": {
                    "Subject": {"Data": f"v2 #{n}"},
                    "Body": {"Text": {"Data": f"text {n}"}},
                }
            },
        )
    served = _http_mailbox(stack, "v2@example.com")
    assert [m["subject"] for m in served] == ["v2 #1", "v2 #2"]  # oldest first
    assert served == stack.mailbox.messages("v2@example.com")
    assert set(served[0]) == {"to", "from", "subject", "text", "html", "sent_at"}
    everything = _http_mailbox(stack)
    assert len(everything) > len(served)


def test_unverified_sender_is_rejected_and_not_captured(stack: LocalStack) -> None:
    with pytest.raises(ClientError) as caught:
        stack.boto3_client("sesv2").send_email(
            FromEmailAddress="stranger@elsewhere.example",
            Destination={"ToAddresses": ["nobody@example.com"]},
            Content={"Simple": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "t"}}}},
        )
    assert caught.value.response["Error"]["Code"] == "MessageRejected"
    assert stack.mailbox.messages("nobody@example.com") == []


def test_subscribe_and_clear(stack: LocalStack) -> None:
    seen: list[dict[str, Any]] = []
    stack.mailbox.subscribe(seen.append)
    stack.boto3_client("ses").send_email(
        Source=SENDER,
        Destination={"ToAddresses": ["sub@example.com"]},
        Message={"Subject": {"Data": "hello"}, "Body": {"Text": {"Data": "t"}}},
    )
    assert [m["subject"] for m in seen] == ["hello"]
    stack.mailbox.clear()
    assert stack.mailbox.messages() == []
    assert _http_mailbox(stack) == []
