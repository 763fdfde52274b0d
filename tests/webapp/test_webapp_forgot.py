"""Forgotten password: request a code, set a new password, sign in with it; no account leak."""

from __future__ import annotations

from nicegui.testing import User
from webapp_journey import (
    PASSWORD,
    latest_code,
    mailbox,
    new_email,
    press,
    register_account,
    see,
    sign_in_fully,
    type_into,
)

NEW_PASSWORD = "Battery-Staple-42"


async def ask_for_reset(user: User, email: str) -> None:
    await user.open("/signin")
    await see(user, 'href="/forgot"')  # the sign-in form links to the reset form
    await user.open("/forgot")
    await see(user, "Reset your password")
    type_into(user, "email", email)
    press(user, "submit")
    await see(user, "Choose a new password")


async def test_reset_password_then_sign_in_with_the_new_one(user: User) -> None:
    email = new_email()
    await register_account(user, email)
    await ask_for_reset(user, email)
    await see(user, "If an account exists for this address, we sent a reset code to")
    code = await latest_code(user, email, 2)
    type_into(user, "code", code)
    type_into(user, "password", NEW_PASSWORD)
    type_into(user, "repeat", NEW_PASSWORD)
    press(user, "submit")
    await see(user, "Your password was changed. Sign in with the new one.")
    await user.open("/signin")
    type_into(user, "email", email)
    type_into(user, "password", PASSWORD)
    press(user, "submit")
    await see(user, "Incorrect email or password.")
    await sign_in_fully(user, email, NEW_PASSWORD)


async def test_wrong_reset_code_is_refused(user: User) -> None:
    email = new_email()
    await register_account(user, email)
    await ask_for_reset(user, email)
    code = await latest_code(user, email, 2)
    type_into(user, "code", "000000" if code != "000000" else "111111")
    type_into(user, "password", NEW_PASSWORD)
    type_into(user, "repeat", NEW_PASSWORD)
    press(user, "submit")
    await see(user, "That code is not correct.")


async def test_weak_new_password_is_refused_before_the_call(user: User) -> None:
    email = new_email()
    await register_account(user, email)
    await ask_for_reset(user, email)
    type_into(user, "code", "123456")
    type_into(user, "password", "alllowercase")
    type_into(user, "repeat", "alllowercase")
    press(user, "submit")
    await see(user, "The password does not meet every rule yet")


async def test_unknown_email_looks_the_same_and_sends_nothing(user: User) -> None:
    email = new_email("nobody")
    await ask_for_reset(user, email)
    await see(user, "If an account exists for this address, we sent a reset code to")
    assert await mailbox(user, email) == []
