"""A form's submit click carries its fields as the browser has them (QuietInput reports values
only after a pause): what it carries is bounded, only text, only this form's own named fields,
and it wins over a value the server saw earlier."""

from __future__ import annotations

import json

from nicegui import ui
from nicegui.testing import User
from webapp_journey import PASSWORD, new_email, register_account, see, type_into

from webapp.pages.common import MAX_SUBMITTED_FIELDS, submitted_values


def test_only_text_fields_are_taken() -> None:
    assert submitted_values(None) == {}
    assert submitted_values(["email", "a@example.com"]) == {}
    assert submitted_values("email=a@example.com") == {}
    taken = submitted_values(
        {"email": "a@example.com", "password": {"$gt": ""}, "code": 123456, "list": ["x"]}
    )
    assert taken == {"email": "a@example.com"}


def test_a_flood_of_fields_is_cut_to_the_bound() -> None:
    flood = {f"field{i}": "x" for i in range(10_000)}
    assert len(submitted_values(flood)) == MAX_SUBMITTED_FIELDS


def click_with(user: User, marker: str, fields: object) -> None:
    """What a browser's click on the button sends over the socket, with `fields` as its data."""
    button = next(iter(user.find(marker=marker).elements))
    assert isinstance(button, ui.button)
    listener = next(item for item in button._event_listeners.values() if item.type == "click")
    user.client.handle_event(
        {"id": button.id, "listener_id": listener.id, "args": [json.dumps(fields)]}
    )


async def test_the_submitted_values_win_over_what_the_server_saw_while_typing(user: User) -> None:
    """The server saw an old, wrong password (the last keys were still pending); the click's
    own values sign in."""
    email = new_email("submitted")
    await register_account(user, email)
    await user.open("/signin")
    type_into(user, "email", email)
    type_into(user, "password", PASSWORD[:-1])
    click_with(user, "submit", {"email": email, "password": PASSWORD})
    await see(user, "Enter your sign-in code")


async def test_a_click_without_values_uses_what_the_server_has(user: User) -> None:
    email = new_email("nofields")
    await register_account(user, email)
    await user.open("/signin")
    type_into(user, "email", email)
    type_into(user, "password", PASSWORD)
    click_with(user, "submit", "not a form")
    await see(user, "Enter your sign-in code")


async def test_a_wrong_submitted_password_is_judged_as_wrong(user: User) -> None:
    """The click's data is not a way around the checks: a wrong password stays wrong, and
    values for names the form does not have change nothing."""
    email = new_email("wrongsubmit")
    await register_account(user, email)
    await user.open("/signin")
    type_into(user, "email", email)
    type_into(user, "password", PASSWORD)
    click_with(user, "submit", {"password": PASSWORD + "x", "code": "000000", "step": "signed_in"})
    await see(user, "Incorrect email or password.")


async def test_an_over_long_submitted_field_is_refused_at_the_field(user: User) -> None:
    """The click's data bypasses the field's maxlength; the server's bound still holds."""
    await user.open("/signin")
    type_into(user, "email", "someone@example.com")
    type_into(user, "password", PASSWORD)
    click_with(user, "submit", {"email": "a" * 20_000 + "@example.com", "password": PASSWORD})
    await see(user, "This is too long.")


async def test_a_disabled_field_keeps_its_value_whatever_the_click_carries(user: User) -> None:
    """A disabled field (the code field once its code expired) ignores its own reports; a click
    on another, enabled button must not set it either."""
    await user.open("/signin")
    type_into(user, "email", "kept@example.com")
    email = next(iter(user.find(marker="email").elements))
    assert isinstance(email, ui.input)
    with user.client:
        email.disable()
    click_with(user, "submit", {"email": "changed@example.com", "password": PASSWORD})
    await see(user, "Incorrect email or password.")  # the click was handled (neither exists)
    assert email.value == "kept@example.com"
