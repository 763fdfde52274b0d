"""Steps of the journey for user-fixture tests: typing, clicking, reading codes from the mailbox."""

from __future__ import annotations

import contextlib
import re
import uuid
from typing import Any

from nicegui.testing import User

from webapp.local import local_stack

PASSWORD = "Correct-Horse-7"
_CODE_LINE = re.compile(r"^\s*(\d{4,10})\s*$", re.MULTILINE)
RETRIES = 80  # should_see polls every 0.1 s; SRP plus the emulator's triggers take a while


def new_email(tag: str = "user") -> str:
    return f"{tag}-{uuid.uuid4().hex[:10]}@example.com"


async def mailbox(user: User, to: str) -> list[dict[str, Any]]:
    response = await user.http_client.get("/dev/mailbox.json", params={"to": to})
    assert response.status_code == 200
    messages: list[dict[str, Any]] = response.json()
    return messages


async def latest_code(user: User, to: str, count: int | None = None) -> str:
    """The code in the newest email to `to` (after `count` emails exist, when given)."""
    for _ in range(RETRIES):
        messages = await mailbox(user, to)
        if messages and (count is None or len(messages) >= count):
            found = _CODE_LINE.findall(messages[-1]["text"] or "")
            assert found, messages[-1]["text"]
            return str(found[0])
        await _pause()
    raise AssertionError(f"no email to {to}")


def wrong_code(code: str) -> str:
    """A code of the same length that is certainly not `code`."""
    return "0" * len(code) if code != "0" * len(code) else "1" * len(code)


async def _pause() -> None:
    import asyncio

    await asyncio.sleep(0.05)


async def see(user: User, text: str) -> None:
    await user.should_see(text, retries=RETRIES)


def advance_clock(seconds: float) -> None:
    """Move the emulator's clock (sessions, tokens, the triggers' codes): use a private stack."""
    local_stack().clock.advance(seconds)  # type: ignore[attr-defined]


def stored_record(email: str) -> tuple[str, dict[str, Any]]:
    """(browser id, record) the app keeps for the browser signing in as `email`."""
    from nicegui import app

    store = app.state.webapp.store
    for browser, record in store.records().items():
        flow = record.get("flow")
        if isinstance(flow, dict) and flow.get("email") == email:
            return browser, record
    raise AssertionError(f"no stored state for {email}")


def stored_flow(email: str) -> dict[str, Any]:
    """The record of the browser signing in as `email` (its "flow" is the FlowState)."""
    return stored_record(email)[1]


def change_stored_flow(email: str, **changes: Any) -> None:
    """Rewrite fields of that browser's FlowState (what a page would read next)."""
    from nicegui import app

    browser, record = stored_record(email)
    record["flow"] = {**record["flow"], **changes}
    app.state.webapp.store.overwrite(browser, record)


def age_stored_challenge(email: str, seconds: float) -> None:
    """Pretend the code arrived `seconds` earlier (the page's resend cooldown counts from it)."""
    challenge = dict(stored_flow(email)["flow"]["challenge"])
    challenge["received_at"] -= seconds
    challenge["session_expires_at"] -= seconds
    change_stored_flow(email, challenge=challenge)


def type_into(user: User, marker: str, text: str) -> None:
    user.find(marker=marker).clear().type(text)


def press(user: User, marker: str) -> None:
    user.find(marker=marker).click()


async def sign_up(user: User, email: str, password: str = PASSWORD) -> None:
    await user.open("/signup")
    type_into(user, "email", email)
    type_into(user, "password", password)
    type_into(user, "repeat", password)
    press(user, "submit")
    await see(user, "Confirm your email")


async def confirm(user: User, email: str) -> None:
    code = await latest_code(user, email)
    type_into(user, "code", code)
    press(user, "submit")
    await see(user, "Your email is confirmed. You can sign in now.")


async def register_account(user: User, email: str, password: str = PASSWORD) -> None:
    await sign_up(user, email, password)
    await confirm(user, email)


async def start_sign_in(user: User, email: str, password: str = PASSWORD) -> None:
    await user.open("/signin")
    type_into(user, "email", email)
    type_into(user, "password", password)
    press(user, "submit")
    await see(user, "Enter your sign-in code")


async def enter_code(user: User, code: str) -> None:
    type_into(user, "code", code)
    press(user, "submit")


async def sign_in_fully(user: User, email: str, password: str = PASSWORD) -> None:
    before = len(await mailbox(user, email))
    await start_sign_in(user, email, password)
    await enter_code(user, await latest_code(user, email, before + 1))
    await see(user, "You are signed in.")


JWT = re.compile(r"eyJ[\w-]+\.eyJ[\w-]+\.")


def add_to_group(email: str, group: str) -> None:
    """An administrator puts the account in a Cognito group (created when missing)."""
    stack: Any = local_stack()
    client = stack.boto3_client("cognito-idp")
    pool = stack.user_pool_id
    with contextlib.suppress(client.exceptions.GroupExistsException):
        client.create_group(GroupName=group, UserPoolId=pool)
    client.admin_add_user_to_group(UserPoolId=pool, Username=email, GroupName=group)


def user_exists(email: str) -> bool:
    stack: Any = local_stack()
    client = stack.boto3_client("cognito-idp")
    try:
        client.admin_get_user(UserPoolId=stack.user_pool_id, Username=email)
    except client.exceptions.UserNotFoundException:
        return False
    return True


def tokens_of(email: str) -> list[str]:
    """The ID, access and refresh tokens the server holds for that browser (never sent)."""
    tokens = stored_flow(email)["flow"]["tokens"]
    return [tokens["id_token"], tokens["access_token"], tokens["refresh_token"]]


def rendered_text(user: User) -> str:
    """Every text and prop of every element of the simulated page (what the socket would carry)."""
    parts = []
    for element in user.client.elements.values():
        parts.append(repr(element._props))  # what reaches the browser
        parts.append(str(getattr(element, "text", "")))
        parts.append(str(getattr(element, "content", "")))
    return "\n".join(parts)


async def finish_code(user: User, email: str, count: int) -> None:
    await see(user, "Enter your sign-in code")
    await enter_code(user, await latest_code(user, email, count))


def fill_sign_in(user: User, email: str, password: str = PASSWORD) -> None:
    type_into(user, "email", email)
    type_into(user, "password", password)
    press(user, "submit")
