"""Cognito's own emails (confirmation and reset codes), through the CustomMessage trigger.

When the pool has a CustomMessage trigger its emailSubject/emailMessage are used, with "{####}"
replaced by the code; otherwise the pool's verification template (or Cognito's default) is used.
The email goes straight to the stack's mailbox, as Cognito sends it without SES calls of ours.
"""

from __future__ import annotations

import html
import re
from typing import Any

from emulator.engine import Engine
from emulator.errors import CognitoError
from emulator.events import CUSTOM_MESSAGE, base_event, user_attributes, with_optional
from emulator.mailbox import make_message

CODE_PLACEHOLDER = "{####}"
DEFAULT_SUBJECT = "Your verification code"
DEFAULT_MESSAGE = "Your verification code is {####}."
DEFAULT_SENDER = "no-reply@verificationemail.com"
_TAG = re.compile(r"<[^>]+>")
_BLOCK_END = re.compile(r"<(br|/p|/div|/h[1-6]|/tr|/li|/title)\b[^>]*>", re.IGNORECASE)
_HIDDEN = re.compile(r"<(style|script|head)\b.*?</\1>", re.IGNORECASE | re.DOTALL)


def html_to_text(markup: str) -> str:
    """A readable plain-text rendering of an HTML email (codes stay separate words)."""
    text = _BLOCK_END.sub("\n", _HIDDEN.sub("", markup))
    text = html.unescape(_TAG.sub(" ", text))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def sender_of(pool: Any) -> str:
    """The From of Cognito's emails: the pool's EmailConfiguration, else Cognito's default."""
    config = pool.extended_config.get("EmailConfiguration") or {}
    if config.get("From"):
        return str(config["From"])
    source_arn = str(config.get("SourceArn") or "")
    if "identity/" in source_arn:
        return source_arn.split("identity/", 1)[1]
    return DEFAULT_SENDER


def _default_template(pool: Any) -> tuple[str, str]:
    config = pool.extended_config
    template = config.get("VerificationMessageTemplate") or {}
    subject = template.get("EmailSubject") or config.get("EmailVerificationSubject")
    message = template.get("EmailMessage") or config.get("EmailVerificationMessage")
    return str(subject or DEFAULT_SUBJECT), str(message or DEFAULT_MESSAGE)


def send_code(
    engine: Engine,
    pool: Any,
    client_id: str,
    user: Any,
    *,
    source: str,
    code: str,
    client_metadata: dict[str, str] | None,
    to: str,
) -> None:
    """Compose (CustomMessage_<source>) and deliver the email carrying `code`."""
    subject, body = _default_template(pool)
    if engine.trigger_arn(pool, CUSTOM_MESSAGE):
        request = with_optional(
            {
                "userAttributes": user_attributes(user),
                "codeParameter": CODE_PLACEHOLDER,
                "linkParameter": "{##Click Here##}",
                "usernameParameter": None,
            },
            client_metadata,
            None,
        )
        event = base_event(
            CUSTOM_MESSAGE,
            source,
            region=engine.region,
            pool_id=pool.id,
            username=user.username,
            client_id=client_id,
            request=request,
        )
        response = engine.invoke(pool, CUSTOM_MESSAGE, event) or {}
        if response.get("emailMessage"):
            body = str(response["emailMessage"])
            # [U] Cognito rejects a custom message that would not carry the code.
            if CODE_PLACEHOLDER not in body:
                raise CognitoError(
                    "InvalidLambdaResponseException",
                    "CustomMessage failed with error: the email message must contain {####}.",
                )
        if response.get("emailSubject"):
            subject = str(response["emailSubject"])
    body = body.replace(CODE_PLACEHOLDER, code).replace("{username}", user.username)
    is_html = bool(_TAG.search(body))
    engine.mailbox.deliver(
        make_message(
            [to],
            sender_of(pool),
            subject,
            text=html_to_text(body) if is_html else body,
            html=body if is_html else None,
            sent_at=engine.clock.now(),
        )
    )
