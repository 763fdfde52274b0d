"""Every error path a user can reach from the pages, with the message they read."""

from __future__ import annotations

from typing import Any

from nicegui import ui
from nicegui.testing import User
from webapp_journey import (
    PASSWORD,
    advance_clock,
    age_stored_challenge,
    enter_code,
    latest_code,
    mailbox,
    new_email,
    press,
    register_account,
    see,
    sign_up,
    start_sign_in,
    type_into,
    wrong_code,
)


def page_text(user: User) -> str:
    """Every label's text on the user's page, sorted (elements come as a set)."""
    return " | ".join(sorted(str(label.text) for label in user.find(ui.label).elements))


def mask(address: str) -> str:
    local, _, domain = address.partition("@")
    return f"{local[:2]}***@{domain}"


def value_of(user: User, marker: str) -> str:
    element = user.find(marker=marker).elements.pop()
    assert isinstance(element, ui.input)
    return str(element.value or "")


async def test_weak_password_is_explained_before_any_call(user: User) -> None:
    email = new_email()
    await user.open("/signup")
    await see(user, "At least 12 characters")
    type_into(user, "email", email)
    type_into(user, "password", "short")
    type_into(user, "repeat", "short")
    press(user, "submit")
    await see(user, "The password does not meet every rule yet")
    assert await mailbox(user, email) == []
    assert value_of(user, "email") == email


async def test_passwords_that_differ_are_refused(user: User) -> None:
    email = new_email()
    await user.open("/signup")
    type_into(user, "email", email)
    type_into(user, "password", PASSWORD)
    type_into(user, "repeat", PASSWORD + "x")
    press(user, "submit")
    await see(user, "The two passwords are different.")
    assert await mailbox(user, email) == []


async def test_invalid_email_is_refused_before_any_call(user: User) -> None:
    await user.open("/signin")
    type_into(user, "email", "not-an-email")
    type_into(user, "password", PASSWORD)
    press(user, "submit")
    await see(user, "Enter a valid email address.")


async def test_a_taken_address_signs_up_like_a_new_one(create_user: Any) -> None:
    """No "account exists": both go to the same confirmation form with the same words."""
    taken, fresh = new_email(), new_email()
    owner = create_user()
    await register_account(owner, taken)
    texts = []
    for address in (taken, fresh):
        visitor = create_user()
        await visitor.open("/signup")
        type_into(visitor, "email", address)
        type_into(visitor, "password", PASSWORD)
        type_into(visitor, "repeat", PASSWORD)
        press(visitor, "submit")
        await see(visitor, "Confirm your email")
        await see(visitor, "Already have an account with this address?")
        texts.append(page_text(visitor).replace(mask(address), "ADDRESS"))
    assert texts[0] == texts[1]


async def test_unknown_account_and_wrong_password_read_the_same(user: User) -> None:
    email = new_email()
    await register_account(user, email)
    texts = []
    for address, password in ((email, "Wrong-Password-1"), (new_email("nobody"), PASSWORD)):
        await user.open("/signin")
        type_into(user, "email", address)
        type_into(user, "password", password)
        press(user, "submit")
        await see(user, "Incorrect email or password.")
        assert value_of(user, "email") == address  # kept after the error
        assert value_of(user, "password") == ""  # secrets are not
        texts.append(sorted(str(e.text) for e in user.find(kind=ui.label).elements if e.visible))
    assert texts[0] == texts[1]


async def test_unconfirmed_account_is_taken_to_confirmation(user: User) -> None:
    email = new_email()
    await sign_up(user, email)
    await start_sign_in_expecting(user, email, "Confirm your email")
    await see(user, "Your email is not confirmed yet.")
    code = await latest_code(user, email, 2)  # signing in sent a fresh confirmation code
    type_into(user, "code", code)
    press(user, "submit")
    await see(user, "Your email is confirmed. You can sign in now.")


async def start_sign_in_expecting(user: User, email: str, title: str) -> None:
    await user.open("/signin")
    type_into(user, "email", email)
    type_into(user, "password", PASSWORD)
    press(user, "submit")
    await see(user, title)


async def test_wrong_confirmation_code_then_resend(user: User) -> None:
    email = new_email()
    await sign_up(user, email)
    type_into(user, "code", wrong_code(await latest_code(user, email, 1)))
    press(user, "submit")
    await see(user, "That code is not correct.")
    assert value_of(user, "code") == ""
    press(user, "resend")
    await see(user, "still needs to be confirmed, we sent it a new code")
    code = await latest_code(user, email, 2)
    type_into(user, "code", code)
    press(user, "submit")
    await see(user, "Your email is confirmed. You can sign in now.")


async def test_non_digit_code_is_refused_before_any_call(user: User) -> None:
    email = new_email()
    await register_account(user, email)
    await start_sign_in(user, email)
    type_into(user, "code", "12ab56")
    press(user, "submit")
    await see(user, "Enter the code using digits only.")


async def test_wrong_code_then_the_right_one(user: User) -> None:
    email = new_email()
    await register_account(user, email)
    await start_sign_in(user, email)
    code = await latest_code(user, email, 2)
    wrong = "111111" if code != "111111" else "222222"
    await enter_code(user, wrong)
    await see(user, "That code is not correct.")
    await see(user, "Attempts left: 2")
    await enter_code(user, code)
    await see(user, "You are signed in.")


async def test_too_many_wrong_codes_restart_the_sign_in(user: User) -> None:
    email = new_email()
    await register_account(user, email)
    await start_sign_in(user, email)
    code = await latest_code(user, email, 2)
    wrong = "111111" if code != "111111" else "222222"
    for left in (2, 1):
        await enter_code(user, wrong)
        await see(user, f"Attempts left: {left}")
    await enter_code(user, wrong)
    await see(user, "Too many wrong codes. Please sign in again.")
    await see(user, "Forgot your password?")  # back on the sign-in form
    assert value_of(user, "email") == email


async def test_expired_sign_in_session_restarts_with_an_explanation(user: User) -> None:
    email = new_email()
    await register_account(user, email)
    await start_sign_in(user, email)
    age_stored_challenge(email, 200)  # the page knows the 3-minute sign-in session is over
    await user.open("/code")
    await see(user, "Your session has expired. Please sign in again.")
    await see(user, "Forgot your password?")


async def test_late_code_restarts_the_sign_in(private_stack: object, user: User) -> None:
    email = new_email()
    await register_account(user, email)
    await start_sign_in(user, email)
    code = await latest_code(user, email, 2)
    advance_clock(200)  # Cognito (the emulator) drops the sign-in session
    await enter_code(user, code)
    await see(user, "Your session has expired. Please sign in again.")
    await see(user, "Forgot your password?")
    await user.should_not_see("You are signed in.")


async def test_resend_waits_for_its_cooldown_then_sends_a_new_code(
    private_stack: Any, user: User
) -> None:
    email = new_email()
    await register_account(user, email)
    await start_sign_in(user, email)
    await see(user, "You can ask for a new code in")
    resend = user.find(marker="resend").elements.pop()
    assert isinstance(resend, ui.button)
    assert not resend.enabled
    # 31 seconds pass, for the page (its stored challenge) and for the triggers (the stack's clock).
    age_stored_challenge(email, 31)
    private_stack.clock.advance(31)
    await user.open("/code")
    await user.should_not_see("You can ask for a new code in", retries=30)
    press(user, "resend")
    await see(user, "We emailed a new 6-digit code to")
    code = await latest_code(user, email, 3)
    await enter_code(user, code)
    await see(user, "You are signed in.")


async def test_early_resend_is_refused_by_the_server(user: User) -> None:
    email = new_email()
    await register_account(user, email)
    await start_sign_in(user, email)
    age_stored_challenge(email, 31)  # the page thinks it may, the trigger knows better
    await user.open("/code")
    await user.should_not_see("You can ask for a new code in", retries=30)
    press(user, "resend")
    await see(user, "Too many requests. Wait a while, then try again.")
    assert len(await mailbox(user, email)) == 2


async def test_cancel_goes_back_to_sign_in(user: User) -> None:
    email = new_email()
    await register_account(user, email)
    await start_sign_in(user, email)
    press(user, "cancel")
    await see(user, "Forgot your password?")
    await user.open("/code")  # the abandoned step is gone
    await see(user, "Forgot your password?")


async def test_code_page_without_a_sign_in_goes_to_sign_in(user: User) -> None:
    await user.open("/code")
    await see(user, "Forgot your password?")
    await user.open("/confirm")
    await see(user, "Forgot your password?")
    await user.open("/reset")
    await see(user, "Reset your password")
