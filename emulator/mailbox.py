"""Captured email: what SES (v1 and v2) and Cognito itself would have delivered.

One Mailbox per local stack. Messages are plain dicts with the keys the web app and the tests read:
to (list), from, subject, text, html, sent_at (ISO 8601).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

Message = dict[str, Any]
Subscriber = Callable[[Message], None]


def make_message(
    to: list[str],
    sender: str,
    subject: str,
    *,
    text: str | None,
    html: str | None,
    sent_at: float,
) -> Message:
    return {
        "to": list(to),
        "from": sender,
        "subject": subject,
        "text": text,
        "html": html,
        "sent_at": datetime.fromtimestamp(sent_at, UTC).isoformat(),
    }


def _normalise(address: str) -> str:
    return address.strip().lower()


class Mailbox:
    """Thread-safe list of captured messages, oldest first, with live subscribers."""

    def __init__(self) -> None:
        self._messages: list[Message] = []
        self._subscribers: list[Subscriber] = []
        self._lock = threading.Lock()

    def deliver(self, message: Message) -> None:
        with self._lock:
            self._messages.append(message)
            subscribers = list(self._subscribers)
        for callback in subscribers:
            callback(dict(message))

    def messages(self, to: str | None = None) -> list[Message]:
        """Copies of the messages (all, or those addressed to `to`), oldest first."""
        with self._lock:
            found = list(self._messages)
        if to is not None:
            wanted = _normalise(to)
            found = [m for m in found if wanted in {_normalise(a) for a in m["to"]}]
        return [dict(m, to=list(m["to"])) for m in found]

    def subscribe(self, callback: Subscriber) -> None:
        with self._lock:
            self._subscribers.append(callback)

    def clear(self) -> None:
        with self._lock:
            self._messages.clear()
