"""How the forms behave under repeated, stale and wrong input: one action at a time, errors
said at their field, the in-place code step keeping its links, a code page that costs nothing
while it waits, and pages for what does not exist."""

from __future__ import annotations

import asyncio

from nicegui import ui
from nicegui.testing import User
from webapp_journey import (
    PASSWORD,
    age_stored_challenge,
    latest_code,
    mailbox,
    new_email,
    press,
    register_account,
    see,
    start_sign_in,
    type_into,
)

from webapp.pages.common import Form


async def test_a_second_press_while_signing_in_sends_no_second_code(user: User) -> None:
    """Double Enter or a double click: the second arrives while the first runs and is dropped."""
    email = new_email("twice")
    await register_account(user, email)
    before = len(await mailbox(user, email))
    await user.open("/signin")
    type_into(user, "email", email)
    type_into(user, "password", PASSWORD)
    press(user, "submit")
    press(user, "submit")
    press(user, "submit")
    await see(user, "Enter your sign-in code")
    await asyncio.sleep(0.5)
    assert len(await mailbox(user, email)) == before + 1


async def test_the_busy_flag_drops_calls_until_the_running_one_ends(user: User) -> None:
    await user.open("/signin")  # any page: a Form needs a client to live in
    with user.client:
        form = Form.__new__(Form)
        form.busy = False
    started: list[int] = []
    release = asyncio.Event()

    async def slow() -> None:
        started.append(len(started))
        await release.wait()

    guarded = form.guarded(slow)
    first = asyncio.create_task(guarded())
    await asyncio.sleep(0)
    await guarded()  # dropped: the first is still running
    assert started == [0]
    release.set()
    await first
    assert not form.busy
    await asyncio.wait_for(guarded(), 1)  # accepted again once it ended
    assert started == [0, 1]


async def test_an_error_is_said_at_its_field_and_cleared_when_fixed(user: User) -> None:
    await user.open("/signin")
    press(user, "submit")
    await see(user, "This field is required.")
    email = next(iter(user.find(marker="email").elements))
    assert email.props.get("aria-invalid") == "true"
    assert email.props.get("error") is True
    described = str(email.props["aria-describedby"])
    message = next(label for label in user.find(ui.label).elements if f"c{label.id}" == described)
    assert message.text == "This field is required."
    assert message.props.get("role") == "alert"
    type_into(user, "email", "not-an-address")
    press(user, "submit")
    await see(user, "Enter a valid email address.")
    type_into(user, "email", new_email())
    type_into(user, "password", "x")
    press(user, "submit")
    await see(user, "Incorrect email or password")
    assert "aria-invalid" not in email.props
    assert "aria-describedby" not in email.props


async def test_the_code_step_shown_in_place_keeps_its_language_links(user: User) -> None:
    """The header was built for /signin: after the in-place step it must come back to /code."""
    email = new_email("links")
    await register_account(user, email)
    await start_sign_in(user, email)
    headers = [
        html.content for html in user.find(ui.html).elements if "/language/ja" in html.content
    ]
    assert headers
    assert all("next=%2Fcode" in content for content in headers)
    assert not any("next=%2Fsignin" in content for content in headers)


async def test_an_open_code_page_has_no_timer(user: User) -> None:
    """Idle pages cost nothing: the countdowns run in the browser, and the two moments the
    server acts on (resend available, expiry) are calls scheduled on its loop, not elements."""
    email = new_email("idle")
    await register_account(user, email)
    await start_sign_in(user, email)
    assert not [e for e in user.client.elements.values() if isinstance(e, ui.timer)]
    countdowns = [html.content for html in user.find(ui.html).elements]
    assert any('data-countdown="' in content for content in countdowns)


async def test_the_resend_button_is_enabled_when_its_cooldown_ends(user: User) -> None:
    email = new_email("cooldown")
    await register_account(user, email)
    await start_sign_in(user, email)
    age_stored_challenge(email, 29)  # the 30 s cooldown ends a second from now
    await user.open("/code")
    resend = next(iter(user.find(marker="resend").elements))
    assert not resend.enabled
    for _ in range(40):
        if resend.enabled:
            break
        await asyncio.sleep(0.1)
    assert resend.enabled
    await user.should_not_see("You can ask for a new code in")


async def test_the_code_form_says_when_the_code_has_expired(user: User) -> None:
    email = new_email("expiry")
    await register_account(user, email)
    await start_sign_in(user, email)
    # The code and Cognito's session end a second from now.
    age_stored_challenge(email, 179)
    await user.open("/code")
    await see(user, "The code has expired. Sign in again to get a new one.")
    verify = next(iter(user.find(marker="submit").elements))
    assert not verify.enabled
    cancel = next(iter(user.find(marker="cancel").elements))
    assert cancel.text == "Sign in again"
    press(user, "cancel")
    await user.should_see(marker="email", retries=100)
    email_field = next(iter(user.find(marker="email").elements))
    assert email_field.value == email


async def test_a_complete_code_submits_itself_in_any_pasted_shape(user: User) -> None:
    email = new_email("paste")
    await register_account(user, email)
    await start_sign_in(user, email)
    code = await latest_code(user, email, 2)
    full_width = "".join(chr(0xFF10 + int(digit)) for digit in code)
    user.find(marker="code").type(f" {full_width[:3]}-{full_width[3:]} ")  # no button pressed
    await see(user, "You are signed in.")


async def test_a_missing_page_is_a_localized_page_with_a_way_back(user: User) -> None:
    for language, title in (("en", "Page not found"), ("ja", "ページが見つかりません")):
        response = await user.http_client.get(
            "/no/such/page", headers={"accept": "text/html", "accept-language": language}
        )
        assert response.status_code == 404
        assert f'<html lang="{language}">' in response.text
        assert f"<h1>{title}</h1>" in response.text
        assert '<a href="/">' in response.text
        assert "HTTPException" not in response.text
        assert "content-security-policy" in response.headers
    api = await user.http_client.get("/no/such/api", headers={"accept": "application/json"})
    assert api.status_code == 404
    assert api.json() == {"detail": "Not Found"}
