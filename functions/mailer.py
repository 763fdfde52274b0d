"""Sending the one-time code through SES, and imitating that delay for unknown users.

The client is cached for the life of the Lambda container. Importing this module does not import
boto3 (Verify loads it only on its wrong-answer path); Create builds the client at cold start
(functions/create_auth_challenge.py), so its first send pays no import. The client's timeouts
are short because Cognito gives a trigger 5 s in all. No endpoint is passed: boto3 reads
AWS_ENDPOINT_URL, which is how the offline emulator receives the mail. REPLY_TO_EMAIL, when the
stack sets it, becomes every message's Reply-To.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable
from typing import Any, Final

from functions.aws_clients import CachedClient
from functions.email_templates import EmailContent

REPLY_TO_ENV: Final = "REPLY_TO_EMAIL"
# Fail a stuck connection or a slow answer well within Cognito's 5 s (botocore's defaults: 60 s).

# First guess of an SES SendEmail round trip, replaced by measurements as real sends happen.
INITIAL_SEND_SECONDS: Final = 0.08
_SMOOTHING: Final = 0.2
_MAX_IMITATED_SECONDS: Final = 1.0

# Replaceable in tests, so the imitated delay costs no test time.
sleep: Callable[[float], None] = time.sleep

SES: Final = CachedClient("sesv2")


def ses_client(region: str | None = None) -> Any:
    """The cached SES v2 client (functions/aws_clients.py)."""
    return SES.get(region)


def reset_client() -> None:
    SES.reset()


class SendTimer:
    """A running average of SES send durations, used to delay answers for unknown users.

    An unknown user must not be told apart from a known one by a faster Create response, so that
    path sleeps about as long as a real send took recently in this container.
    """

    def __init__(self, initial_seconds: float = INITIAL_SEND_SECONDS) -> None:
        self.average = initial_seconds

    def record(self, seconds: float) -> None:
        bounded = min(max(seconds, 0.0), _MAX_IMITATED_SECONDS)
        self.average += _SMOOTHING * (bounded - self.average)

    def imitation_delay(self) -> float:
        """The average with +-20 % jitter (random.uniform: no secret depends on it)."""
        return self.average * random.uniform(0.8, 1.2)  # noqa: S311


SEND_TIMER: Final = SendTimer()


def send_email(
    *, sender: str, recipient: str, content: EmailContent, region: str | None = None
) -> None:
    """Send one email (text and HTML). SES errors propagate: Cognito then fails the call."""
    client = ses_client(region)
    reply_to = os.environ.get(REPLY_TO_ENV, "").strip()
    extra: dict[str, Any] = {"ReplyToAddresses": [reply_to]} if reply_to else {}
    started = time.perf_counter()
    client.send_email(
        **extra,
        FromEmailAddress=sender,
        Destination={"ToAddresses": [recipient]},
        Content={
            "Simple": {
                "Subject": {"Data": content.subject, "Charset": "UTF-8"},
                "Body": {
                    "Text": {"Data": content.text, "Charset": "UTF-8"},
                    "Html": {"Data": content.html, "Charset": "UTF-8"},
                },
            }
        },
    )
    SEND_TIMER.record(time.perf_counter() - started)


def imitate_send(region: str | None = None) -> None:
    """Do what a send costs without sending: create the client as a send would, then wait."""
    ses_client(region)
    sleep(SEND_TIMER.imitation_delay())
