"""The flow's account operations and groups against the emulator, and the terminal client's."""

from __future__ import annotations

import contextlib
import dataclasses
import io
from collections.abc import Callable
from typing import Any

import pytest

from tests.webapp.auth.emulator_helpers import (
    PASSWORD,
    latest_code,
    new_email,
    register,
    signed_in,
)
from webapp.auth.environment import environ_for_stack
from webapp.auth.errors import AuthError, AuthErrorKind
from webapp.auth.flow import AuthFlow, FlowState, Notice
from webapp.auth.tokens import Identity
from webapp.cli import main

NEW_PASSWORD = "Battery-Staple-9"


def _group(stack: Any, email: str, group: str) -> None:
    client = stack.boto3_client("cognito-idp")
    with contextlib.suppress(client.exceptions.GroupExistsException):
        client.create_group(GroupName=group, UserPoolId=stack.user_pool_id)
    client.admin_add_user_to_group(UserPoolId=stack.user_pool_id, Username=email, GroupName=group)


def test_groups_from_the_id_token(flow: AuthFlow, stack: Any) -> None:
    email = new_email()
    register(flow, stack, email)
    _group(stack, email, "b-team")
    _group(stack, email, "a-team")
    state = flow.sign_in(FlowState(), email, PASSWORD, "en")
    state = flow.submit_code(state, latest_code(stack, email), "en")
    identity = state.identity
    assert identity is not None
    assert identity.groups == ("a-team", "b-team")
    assert identity.claims["email"] == email
    assert identity.claims["token_use"] == "id"
    assert Identity.from_dict(identity.to_dict()) == identity
    again = FlowState.from_dict(state.to_dict()).identity
    assert again is not None
    assert again.groups == ("a-team", "b-team")
    # A record written before groups existed still reads (no groups).
    old = {
        key: value for key, value in identity.to_dict().items() if key not in ("groups", "claims")
    }
    assert Identity.from_dict(old).groups == ()


def test_change_password_refuses_a_wrong_current_one_and_a_weak_new_one(
    flow: AuthFlow, stack: Any
) -> None:
    state = signed_in(flow, stack, new_email())
    with pytest.raises(AuthError) as wrong:
        flow.change_password(state, "Wrong-Horse-77", NEW_PASSWORD)
    assert wrong.value.kind == AuthErrorKind.INVALID_CREDENTIALS
    with pytest.raises(AuthError) as weak:
        flow.change_password(state, PASSWORD, "short")
    assert weak.value.kind == AuthErrorKind.INVALID_PASSWORD
    changed = flow.change_password(state, PASSWORD, NEW_PASSWORD)
    assert changed.notice == Notice.PASSWORD_CHANGED
    assert flow.is_signed_in(changed)


def test_global_sign_out_revokes_every_session(flow: AuthFlow, stack: Any) -> None:
    email = new_email()
    first = signed_in(flow, stack, email)
    other = flow.sign_in(FlowState(), email, PASSWORD, "en")
    other = flow.submit_code(other, latest_code(stack, email), "en")
    assert flow.global_sign_out(first).notice == Notice.SIGNED_OUT_EVERYWHERE
    assert other.tokens is not None
    with pytest.raises(AuthError) as revoked:
        flow.gateway.refresh(other.tokens.refresh_token)
    assert revoked.value.kind == AuthErrorKind.SESSION_EXPIRED


def test_delete_account_needs_the_email_and_a_fresh_sign_in(flow: AuthFlow, stack: Any) -> None:
    email = new_email()
    state = signed_in(flow, stack, email)
    with pytest.raises(AuthError) as mismatch:
        flow.delete_account(state, "other@example.com", 300)
    assert mismatch.value.kind == AuthErrorKind.INVALID_PARAMETER
    older = dataclasses.replace(state, signed_in_at=(state.signed_in_at or 0) - 301)
    assert flow.is_signed_in(older)  # still signed in (refreshes would not move signed_in_at)
    with pytest.raises(AuthError) as stale:
        flow.delete_account(older, email, 300)
    assert stale.value.kind == AuthErrorKind.SESSION_EXPIRED
    fresh = flow.sign_in(FlowState(), email, PASSWORD, "en")
    fresh = flow.submit_code(fresh, latest_code(stack, email), "en")
    assert flow.delete_account(fresh, email.upper(), 300).notice == Notice.ACCOUNT_DELETED
    with pytest.raises(AuthError) as gone:
        flow.sign_in(FlowState(), email, PASSWORD, "en")
    assert gone.value.kind == AuthErrorKind.INVALID_CREDENTIALS  # like any wrong password


def _script(stack: Any, email: str, extra: dict[str, str] | None = None) -> Callable[[str], str]:
    answers = extra or {}

    def ask(prompt: str) -> str:
        for needle, answer in answers.items():
            if needle in prompt:
                return answer
        assert "code" in prompt.lower(), prompt
        return latest_code(stack, email)

    return ask


def _secrets(*values: str) -> Callable[[str], str]:
    queue = list(values)

    def ask_secret(prompt: str) -> str:
        if not queue:
            raise EOFError
        return queue.pop(0)

    return ask_secret


def _cli(stack: Any, argv: list[str], ask: Callable[[str], str], *secrets: str) -> tuple[int, str]:
    out = io.StringIO()
    status = main(
        argv, ask=ask, ask_secret=_secrets(*secrets), out=out, environ=environ_for_stack(stack)
    )
    return status, out.getvalue()


def test_the_cli_shows_groups_and_changes_the_password(flow: AuthFlow, stack: Any) -> None:
    email = new_email()
    signed_in(flow, stack, email)
    _group(stack, email, "analysts")
    status, text = _cli(stack, ["sign-in", "--email", email], _script(stack, email), PASSWORD)
    assert status == 0, text
    assert "Groups: analysts." in text
    status, text = _cli(
        stack,
        ["change-password", "--email", email],
        _script(stack, email),
        PASSWORD,
        "Wrong-Horse-77",
        NEW_PASSWORD,
        NEW_PASSWORD,
    )
    assert status == 1, text
    assert "The current password is not correct." in text
    status, text = _cli(
        stack,
        ["change-password", "--email", email],
        _script(stack, email),
        PASSWORD,
        PASSWORD,
        NEW_PASSWORD,
        NEW_PASSWORD,
    )
    assert status == 0, text
    assert "Password changed." in text
    status, text = _cli(stack, ["sign-in", "--email", email], _script(stack, email), PASSWORD)
    assert status == 1
    assert "Incorrect email or password." in text


def test_the_cli_signs_out_everywhere_and_deletes_the_account(flow: AuthFlow, stack: Any) -> None:
    email = new_email()  # an account of its own: each sign-in spends one of its hourly codes
    register(flow, stack, email, NEW_PASSWORD)
    status, text = _cli(
        stack, ["sign-out-everywhere", "--email", email], _script(stack, email), NEW_PASSWORD
    )
    assert status == 0, text
    assert "Signed out on every device." in text
    status, text = _cli(
        stack,
        ["delete-account", "--email", email],
        _script(stack, email, {"email again": "someone@example.com"}),
        NEW_PASSWORD,
    )
    assert status == 1, text
    assert "Nothing was deleted." in text
    status, text = _cli(
        stack,
        ["delete-account", "--email", email],
        _script(stack, email, {"email again": email}),
        NEW_PASSWORD,
    )
    assert status == 0, text
    assert "Account deleted." in text
    assert "eyJ" not in text
    status, text = _cli(stack, ["sign-in", "--email", email], _script(stack, email), NEW_PASSWORD)
    assert status == 1
    assert "Incorrect email or password." in text
