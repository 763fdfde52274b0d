"""The whole journey through the pages with NiceGUI's simulated user, on the emulator."""

from __future__ import annotations

from urllib.parse import quote

from nicegui import ui
from nicegui.testing import User
from webapp_journey import (
    PASSWORD,
    enter_code,
    latest_code,
    mailbox,
    new_email,
    press,
    register_account,
    see,
    start_sign_in,
    type_into,
)


async def test_sign_up_confirm_sign_in_code_dashboard_sign_out(user: User) -> None:
    email = new_email()
    await register_account(user, email)
    await start_sign_in(user, email)
    await see(user, "***@example.com")
    await user.should_not_see(email)
    await see(user, "Attempts left: 3")
    await enter_code(user, await latest_code(user, email, 2))
    await see(user, "You are signed in.")
    await see(user, f"Email: {email}")
    await see(user, "Signed in at:")
    await see(user, "Session ends at:")
    press(user, "signout")
    await see(user, "You have signed out.")
    await user.open("/")
    await see(user, "Sign in")
    await user.should_not_see("You are signed in.")


async def test_dashboard_requires_sign_in_and_comes_back_afterwards(user: User) -> None:
    email = new_email()
    await register_account(user, email)
    await user.open("/?tab=details")
    await see(user, "Sign in")  # the dashboard redirected to the sign-in form
    await user.should_not_see("You are signed in.")
    type_into(user, "email", email)
    type_into(user, "password", PASSWORD)
    press(user, "submit")
    await see(user, "Enter your sign-in code")
    await enter_code(user, await latest_code(user, email, 2))
    await see(user, "You are signed in.")
    # Collected under a new session id, then on to the page asked for.
    assert user.back_history[-1].startswith("/session/rotate?handoff=")
    assert user.back_history[-1].endswith("&next=%2F%3Ftab%3Ddetails")


async def test_open_redirects_are_ignored_after_sign_in(user: User) -> None:
    email = new_email()
    await register_account(user, email)
    for attack in ("//evil.com", "https://evil.com", "/\\evil.com"):
        await user.open(f"/signin?redirect_to={quote(attack, safe='')}")
        type_into(user, "email", email)
        type_into(user, "password", PASSWORD)
        press(user, "submit")
        await see(user, "Enter your sign-in code")
        count = len(await mailbox(user, email))
        await enter_code(user, await latest_code(user, email, count))
        await see(user, "You are signed in.")
        # on to "/": the attack target was never opened, nor passed on
        assert attack not in user.back_history
        assert user.back_history[-1].endswith("&next=%2F")
        assert all(path.startswith("/") and not path.startswith("//") for path in user.back_history)
        press(user, "signout")
        await see(user, "You have signed out.")


async def test_the_sign_in_fields_sit_in_a_form_whose_default_button_signs_in(user: User) -> None:
    """Enter in a field is the browser's implicit submission: it clicks the form's first
    submit button (the e2e suite presses Enter for real). Here: the structure that makes it so."""
    await user.open("/signin")
    email = user.find(marker="email").elements.pop()
    submit = user.find(marker="submit").elements.pop()
    form = email.parent_slot.parent if email.parent_slot else None
    assert form is not None
    assert form.tag == "form"
    assert submit.props.get("type") == "submit"
    assert submit in form.descendants()
    listeners = [item.to_dict() for item in form._event_listeners.values()]
    assert [(item["type"], item["modifiers"], item["js_handler"]) for item in listeners] == [
        ("submit", ["prevent"], "() => {}")
    ], "the browser's own submission is prevented on the client, never sent to the server"


async def test_forms_have_accessible_attributes(user: User) -> None:
    await user.open("/signin")
    email = user.find(marker="email").elements.pop()
    password = user.find(marker="password").elements.pop()
    assert isinstance(email, ui.input)
    assert isinstance(password, ui.input)
    assert email.props["autocomplete"] == "username"
    assert email.props.get("autofocus") is True
    assert password.props["autocomplete"] == "current-password"
    assert password.props["type"] == "password"
    # The show/hide button is the browser's own (tests/e2e/test_e2e_ux.py presses it): the
    # server sends its texts and holds no element for it.
    assert password.props["reveal"] == {
        "show": "Show password",
        "hide": "Hide password",
        "show_short": "Show",
        "hide_short": "Hide",
    }
    assert not [e for e in user.client.elements.values() if isinstance(e, ui.button)][1:]
    await see(user, "Email")
    await see(user, "Password")
    assert len(await mailbox(user, "nobody@example.com")) == 0
