"""/account: change password, sign out of every device, delete the account; en and ja."""

from __future__ import annotations

import time
from typing import Any

import pytest
from nicegui.testing import User
from webapp_journey import (
    PASSWORD,
    change_stored_flow,
    fill_sign_in,
    finish_code,
    mailbox,
    new_email,
    press,
    register_account,
    see,
    sign_in_fully,
    stored_flow,
    type_into,
    user_exists,
)

from webapp.auth.errors import AuthError, AuthErrorKind
from webapp.rate_limits import DEFAULT_RULES

NEW_PASSWORD = "Battery-Staple-9"


async def _to_account(user: User, email: str) -> None:
    await register_account(user, email)
    await sign_in_fully(user, email)
    await user.open("/account")
    await see(user, "Account settings")


async def test_the_account_page_shows_the_session_and_the_fixed_email(user: User) -> None:
    email = new_email("acct")
    await _to_account(user, email)
    await see(user, f"Email (your username, it cannot be changed): {email}")
    await see(user, "Groups: none")
    await see(user, "Signed in at:")
    await see(user, "Session ends at:")
    assert not user.find(marker="account_email").elements.pop().props.get("type")  # a label


async def test_change_password_checks_the_policy_live_and_the_old_one_then_fails(
    user: User,
) -> None:
    email = new_email("chpw")
    await _to_account(user, email)
    type_into(user, "password", "short")
    await see(user, "At least 12 characters")
    type_into(user, "current", PASSWORD)
    type_into(user, "repeat", "short")
    press(user, "change_password")
    await see(user, "The password does not meet every rule yet")
    type_into(user, "current", "Wrong-Horse-7")
    type_into(user, "password", NEW_PASSWORD)
    type_into(user, "repeat", NEW_PASSWORD)
    press(user, "change_password")
    await see(user, "The current password is not correct.")
    type_into(user, "current", PASSWORD)
    type_into(user, "password", NEW_PASSWORD)
    type_into(user, "repeat", NEW_PASSWORD)
    press(user, "change_password")
    await see(user, "Your password has been changed.")
    press(user, "signout")
    await see(user, "You have signed out.")
    await user.open("/signin")
    fill_sign_in(user, email, PASSWORD)  # the old password is refused
    await see(user, "Incorrect email or password.")
    count = len(await mailbox(user, email))
    fill_sign_in(user, email, NEW_PASSWORD)  # the new one signs in, with a code
    await finish_code(user, email, count + 1)
    await see(user, "You are signed in.")


async def test_sign_out_everywhere_ends_a_second_browsers_session(create_user: Any) -> None:
    first, second = create_user(), create_user()
    email = new_email("everywhere")
    await _to_account(first, email)
    await sign_in_fully(second, email)
    await second.open("/")
    await see(second, "You are signed in.")
    press(first, "signout_everywhere")
    await see(first, "You have signed out on every device.")
    await first.open("/")
    await see(first, "Sign in")
    await first.should_not_see("You are signed in.")
    # The second browser's record still holds tokens, and Cognito already refuses them.
    second_record = stored_flow(email)["flow"]
    assert second_record["step"] == "signed_in"
    from nicegui import app

    with pytest.raises(AuthError) as refused:
        app.state.webapp.flow.gateway.refresh(second_record["tokens"]["refresh_token"])
    assert refused.value.kind == AuthErrorKind.SESSION_EXPIRED
    await second.open("/")  # its next page load ends it
    await see(second, "You have signed out on every device.")
    await second.should_not_see("You are signed in.")


async def test_delete_account_needs_a_recent_sign_in_and_the_email_typed_again(
    user: User,
) -> None:
    email = new_email("delete")
    await _to_account(user, email)
    # A sign-in older than five minutes: the page asks to sign in again first.
    change_stored_flow(email, signed_in_at=time.time() - 301)
    await user.open("/account")
    await see(user, "deleting the account needs a sign-in with a code from the last 5 minutes")
    await user.should_not_see(marker="delete")
    press(user, "reauth")
    await see(user, "Sign in again to delete your account.")
    count = len(await mailbox(user, email))
    fill_sign_in(user, email)
    await finish_code(user, email, count + 1)
    await see(user, "Account settings")  # back to /account, freshly signed in
    type_into(user, "delete_email", "someone-else@example.com")
    press(user, "delete")
    await see(user, "That is not this account's email.")
    assert user_exists(email)
    type_into(user, "delete_email", email.upper())
    press(user, "delete")
    await see(user, "Your account has been deleted.")
    assert not user_exists(email)
    # Signing in now reads exactly like a wrong password for any address.
    fill_sign_in(user, email)
    await see(user, "Incorrect email or password.")


async def test_a_stale_page_cannot_delete_after_the_window_passed(user: User) -> None:
    email = new_email("stale")
    await _to_account(user, email)
    change_stored_flow(email, signed_in_at=time.time() - 301)  # the page stayed open meanwhile
    type_into(user, "delete_email", email)
    press(user, "delete")
    await see(user, "deleting the account needs a sign-in with a code from the last 5 minutes")
    assert user_exists(email)


async def test_the_account_page_in_japanese(user: User) -> None:
    email = new_email("ja")
    await register_account(user, email)
    await sign_in_fully(user, email)
    await user.open("/language/ja?next=/account")
    await see(user, "アカウント設定")
    await see(user, "パスワードの変更")
    await see(user, "すべてのデバイスからサインアウト")
    await see(user, "アカウントの削除")
    type_into(user, "current", "Wrong-Horse-7")
    type_into(user, "password", NEW_PASSWORD)
    type_into(user, "repeat", NEW_PASSWORD)
    press(user, "change_password")
    await see(user, "現在のパスワードが正しくありません。")
    type_into(user, "delete_email", "x@example.com")
    press(user, "delete")
    await see(user, "入力したメールアドレスがこのアカウントのものと一致しません。")


def test_the_account_actions_have_rate_limits() -> None:
    for action in ("change_password", "sign_out_everywhere", "delete_account"):
        assert action in DEFAULT_RULES
