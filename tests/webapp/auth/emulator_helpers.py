"""Helpers for tests against the local stack: fresh accounts and codes read from its mailbox."""

from __future__ import annotations

import re
import uuid
from typing import Any

from webapp.auth.flow import AuthFlow, FlowState, Step

PASSWORD = "Correct-horse-9battery"


def new_email() -> str:
    return f"user-{uuid.uuid4().hex[:10]}@example.com"


def mails(stack: Any, email: str) -> list[dict[str, Any]]:
    return list(stack.mailbox.messages(to=email))


def latest_code(stack: Any, email: str, length: int = 6) -> str:
    """The code in the newest email to `email`: the first line that is exactly `length` digits."""
    messages = mails(stack, email)
    assert messages, f"no email to {email}"
    text = str(messages[-1].get("text") or messages[-1].get("html") or "")
    found = re.search(rf"^\s*(\d{{{length}}})\s*$", text, re.MULTILINE)
    assert found, "no code in the email"
    return found.group(1)


def wrong_code(code: str) -> str:
    return "".join(str((int(digit) + 1) % 10) for digit in code)


def register(flow: AuthFlow, stack: Any, email: str, password: str = PASSWORD) -> FlowState:
    """Sign up and confirm with the emailed code: ready to sign in."""
    state = flow.sign_up(FlowState(), email, password, "en")
    assert state.step == Step.CONFIRM_SIGN_UP
    state = flow.confirm_sign_up(state, latest_code(stack, email))
    assert state.step == Step.SIGN_IN
    return state


def signed_in(flow: AuthFlow, stack: Any, email: str, password: str = PASSWORD) -> FlowState:
    state = register(flow, stack, email, password)
    state = flow.sign_in(state, email, password, "en")
    state = flow.submit_code(state, latest_code(stack, email), "en")
    assert flow.is_signed_in(state)
    return state
