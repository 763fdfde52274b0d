"""Read the email out of an SES request (v1 query API or v2 REST API), for the mailbox.

Pure parsing: the WSGI layer hands in the method, path and body of a request that moto accepted.
"""

from __future__ import annotations

import base64
import json
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any
from urllib.parse import parse_qs

V2_SEND_PATH = "/v2/email/outbound-emails"


def _from_raw(raw: bytes, destinations: list[str], source: str | None) -> dict[str, Any]:
    parsed = message_from_bytes(raw, policy=policy.default)
    if not isinstance(parsed, EmailMessage):  # policy.default always builds EmailMessage
        raise TypeError("unexpected message class")
    text_part = parsed.get_body(preferencelist=("plain",))
    html_part = parsed.get_body(preferencelist=("html",))
    to = destinations or [a.strip() for a in str(parsed.get("To", "")).split(",") if a.strip()]
    return {
        "to": to,
        "from": source or str(parsed.get("From", "")),
        "subject": str(parsed.get("Subject", "")),
        "text": text_part.get_content() if text_part is not None else None,
        "html": html_part.get_content() if html_part is not None else None,
    }


def _v1(form: dict[str, list[str]]) -> dict[str, Any] | None:
    def one(key: str) -> str | None:
        values = form.get(key)
        return values[0] if values else None

    def members(prefix: str) -> list[str]:
        found = sorted(
            (int(k.rsplit(".", 1)[1]), v[0]) for k, v in form.items() if k.startswith(prefix)
        )
        return [v for _, v in found]

    action = one("Action")
    if action == "SendEmail":
        return {
            "to": members("Destination.ToAddresses.member."),
            "from": one("Source") or "",
            "subject": one("Message.Subject.Data") or "",
            "text": one("Message.Body.Text.Data"),
            "html": one("Message.Body.Html.Data"),
        }
    if action == "SendRawEmail":
        raw = base64.b64decode(one("RawMessage.Data") or "")
        return _from_raw(raw, members("Destinations.member."), one("Source"))
    return None


def _v2(payload: dict[str, Any]) -> dict[str, Any] | None:
    destination = payload.get("Destination") or {}
    to = list(destination.get("ToAddresses") or [])
    content = payload.get("Content") or {}
    sender = payload.get("FromEmailAddress") or ""
    if "Simple" in content:
        simple = content["Simple"]
        body = simple.get("Body") or {}
        return {
            "to": to,
            "from": sender,
            "subject": (simple.get("Subject") or {}).get("Data", ""),
            "text": (body.get("Text") or {}).get("Data"),
            "html": (body.get("Html") or {}).get("Data"),
        }
    if "Raw" in content:
        return _from_raw(base64.b64decode(content["Raw"]["Data"]), to, sender or None)
    return None


def parse_ses_request(method: str, path: str, body: bytes) -> dict[str, Any] | None:
    """The email an SES send request carries, or None when the request sends nothing."""
    if method != "POST":
        return None
    if path.rstrip("/") == V2_SEND_PATH:
        try:
            return _v2(json.loads(body or b"{}"))
        except (ValueError, KeyError):
            return None
    form = parse_qs(body.decode("utf-8", "replace"))
    if form.get("Action", [""])[0] in {"SendEmail", "SendRawEmail"}:
        return _v1(form)
    return None
