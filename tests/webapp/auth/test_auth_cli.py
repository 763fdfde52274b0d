"""The terminal client, driven with scripted answers against the emulator."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.webapp.auth.emulator_helpers import PASSWORD, latest_code, new_email, wrong_code
from webapp.auth.environment import environ_for_stack
from webapp.cli import _warnings_only, main


def bounded(ask: Callable[[str], str], limit: int = 8) -> Callable[[str], str]:
    """A scripted terminal that hangs up (EOF) instead of looping forever on a failing step."""
    calls = 0

    def answer(prompt: str) -> str:
        nonlocal calls
        calls += 1
        if calls > limit:
            raise EOFError
        return ask(prompt)

    return answer


def secrets_from(*values: str) -> Callable[[str], str]:
    queue = list(values)

    def ask_secret(prompt: str) -> str:
        if not queue:
            raise EOFError
        return queue.pop(0)

    return ask_secret


def mailbox_answers(
    stack: Any, email: str, script: list[str] | None = None
) -> Callable[[str], str]:
    """Answer code prompts from the mailbox; `script` items come first ("WRONG" = a wrong code)."""
    queue = list(script or [])

    @bounded
    def ask(prompt: str) -> str:
        if queue:
            item = queue.pop(0)
            return wrong_code(latest_code(stack, email)) if item == "WRONG" else item
        assert "code" in prompt.lower(), prompt
        return latest_code(stack, email)

    return ask


def test_sign_up_confirm_and_sign_in(stack: Any) -> None:
    email = new_email()
    out = io.StringIO()
    status = main(
        ["sign-up", "--email", email],
        ask=mailbox_answers(stack, email, script=[]),
        ask_secret=secrets_from("weak", PASSWORD, PASSWORD),
        out=out,
        environ=environ_for_stack(stack),
    )
    text = out.getvalue()
    assert status == 0, text
    assert "The password needs at least 12 characters" in text
    assert "Account confirmed." in text
    assert f"Signed in as {email}" in text
    assert "Tokens valid until" in text
    assert "Session ends at" in text
    assert "eyJ" not in text  # no JWT is ever printed without --show-tokens


def test_sign_in_with_a_wrong_code_first_and_show_tokens(stack: Any) -> None:
    email = new_email()
    env = environ_for_stack(stack)
    main(
        ["sign-up", "--email", email],
        ask=mailbox_answers(stack, email),
        ask_secret=secrets_from(PASSWORD, PASSWORD),
        out=io.StringIO(),
        environ=env,
    )
    out = io.StringIO()
    status = main(
        ["--email", email, "--show-tokens", "--sign-out"],
        ask=mailbox_answers(stack, email, script=["WRONG"]),
        ask_secret=secrets_from(PASSWORD),
        out=out,
        environ=env,
    )
    text = out.getvalue()
    assert status == 0, text
    assert "That code is not right." in text
    assert "2 attempts left" in text
    assert re.search(r"ID token: eyJ", text)
    assert "Signed out." in text


def test_a_wrong_password_fails_without_revealing_anything(stack: Any) -> None:
    out = io.StringIO()
    status = main(
        ["sign-in", "--email", new_email()],
        ask=lambda prompt: "",
        ask_secret=secrets_from(PASSWORD),
        out=out,
        environ=environ_for_stack(stack),
    )
    assert status == 1
    assert "Incorrect email or password." in out.getvalue()
    assert PASSWORD not in out.getvalue()


def test_an_incomplete_configuration_is_reported() -> None:
    out = io.StringIO()
    status = main(
        [], ask=lambda p: "", ask_secret=lambda p: "", out=out, environ={"USER_POOL_ID": "x"}
    )
    assert status == 2
    assert "CLIENT_ID" in out.getvalue()


@pytest.fixture
def trigger_log() -> Iterator[io.StringIO]:
    """What the in-process triggers log, seen through a handler of our own on their logger."""
    from functions.log import get_logger

    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    logger = get_logger("functions")
    logger.addHandler(handler)
    try:
        yield buffer
    finally:
        logger.removeHandler(handler)


def test_local_mode_prints_the_codes_it_sends(trigger_log: io.StringIO) -> None:
    """No Cognito configured: the CLI runs its own emulator and prints its mailbox."""
    out = io.StringIO()
    email = new_email()

    @bounded
    def code_from_output(prompt: str) -> str:
        mails = out.getvalue().split("[local mailbox]")
        # The code stands on a line of its own; the header line's address may hold digits too.
        found = re.findall(r"^\s*(\d{6})\s*$", mails[-1], re.MULTILINE)
        assert found, out.getvalue()
        return found[0]

    status = main(
        ["sign-up", "--email", email, "--locale", "ja"],
        ask=code_from_output,
        ask_secret=secrets_from(PASSWORD, PASSWORD),
        out=out,
        environ={},
    )
    text = out.getvalue()
    assert status == 0, text
    assert "Local emulator at http://127.0.0.1:" in text
    assert text.count("[local mailbox]") == 2  # the confirmation code, then the sign-in code
    assert f"Signed in as {email}" in text
    # The triggers' INFO log lines were held back, and only while the CLI ran.
    assert "auth_challenge" not in trigger_log.getvalue()
    for handler in logging.getLogger("functions").handlers:
        assert _warnings_only not in handler.filters


def test_verbose_local_mode_keeps_the_trigger_logs(trigger_log: io.StringIO) -> None:
    out = io.StringIO()
    status = main(
        ["sign-in", "--email", new_email(), "--verbose"],
        ask=lambda prompt: "",
        ask_secret=secrets_from(PASSWORD),
        out=out,
        environ={},
    )
    assert status == 1
    assert "define_auth_challenge" in trigger_log.getvalue()
