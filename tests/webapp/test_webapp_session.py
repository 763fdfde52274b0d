"""Per-browser state: two browsers stay apart, tokens stay in memory, sessions refresh and end."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from nicegui import app
from nicegui.storage import Storage
from nicegui.testing import User
from webapp_journey import (
    change_stored_flow,
    enter_code,
    latest_code,
    new_email,
    register_account,
    see,
    sign_in_fully,
    start_sign_in,
    stored_flow,
)

JWT = re.compile(r"eyJ[\w-]+\.eyJ[\w-]+\.")


def deps() -> Any:
    return app.state.webapp


async def test_two_browsers_signing_in_at_once_stay_apart(
    create_user: Callable[[], User],
) -> None:
    alice, bob = create_user(), create_user()
    alice_email, bob_email = new_email("alice"), new_email("bob")
    await register_account(alice, alice_email)
    await register_account(bob, bob_email)
    await start_sign_in(alice, alice_email)
    await start_sign_in(bob, bob_email)  # both are waiting for a code at the same time
    # The simulated users share NiceGUI's global ui.navigate, so each finishes its step before the
    # other acts (the real-browser test signs in truly in parallel).
    await enter_code(bob, await latest_code(bob, bob_email, 2))
    await see(bob, f"Email: {bob_email}")
    await alice.open("/code")  # alice's code step survived bob's sign-in
    await see(alice, "Attempts left: 3")
    await enter_code(alice, await latest_code(alice, alice_email, 2))
    await see(alice, f"Email: {alice_email}")
    await bob.open("/")
    await alice.should_not_see(bob_email)
    await bob.should_not_see(alice_email)


async def test_tokens_are_never_stored_on_disk_nor_rendered(user: User) -> None:
    email = new_email()
    await register_account(user, email)
    await sign_in_fully(user, email)
    record = stored_flow(email)
    assert record["flow"]["step"] == "signed_in"
    assert JWT.search(json.dumps(record["flow"]["tokens"]))  # the tokens exist, in memory
    for path in Storage.path.glob("*.json"):
        assert not JWT.search(path.read_text(encoding="utf-8")), path
    assert not list(Storage.path.glob("storage-user-*.json")), "no per-browser file is written"
    page = await user.http_client.get("/")
    assert "You are signed in." in page.text
    assert not JWT.search(page.text)
    assert not any(JWT.search(value) for value in user.http_client.cookies.values())


async def test_tokens_about_to_expire_are_refreshed_on_page_load(user: User) -> None:
    email = new_email()
    await register_account(user, email)
    await sign_in_fully(user, email)
    old = stored_flow(email)["flow"]["tokens"]
    change_stored_flow(email, tokens={**old, "expires_at": old["expires_at"] - 3500})
    await user.open("/")
    await see(user, "You are signed in.")
    new = stored_flow(email)["flow"]["tokens"]
    assert new["id_token"] != old["id_token"]
    assert new["refresh_token"] == old["refresh_token"]
    assert new["expires_at"] > old["expires_at"] - 3500


async def test_ended_session_goes_back_to_sign_in_with_an_explanation(user: User) -> None:
    email = new_email()
    await register_account(user, email)
    await sign_in_fully(user, email)
    change_stored_flow(email, session_ends_at=1.0)
    await user.open("/")
    await see(user, "Your session has expired. Please sign in again.")
    await user.should_not_see("You are signed in.")


async def test_a_record_without_its_tokens_means_signed_out(user: User) -> None:
    email = new_email()
    await register_account(user, email)
    await sign_in_fully(user, email)
    change_stored_flow(email, tokens=None)  # a damaged record: identity kept, tokens gone
    await user.open("/")
    await see(user, "Your session ended. Please sign in again.")
    await user.should_not_see("You are signed in.")
