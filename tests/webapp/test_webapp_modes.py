"""Cognito mode (here: the emulator seen as a remote Cognito) has no dev mailbox; health; errors."""

from __future__ import annotations

import socket

import pytest
from nicegui.testing import User
from webapp_journey import PASSWORD, new_email, press, see, type_into

from webapp.local import local_stack


@pytest.fixture
def cognito_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    """Environment of a deployed task, pointed at the emulator's endpoint."""
    for name, value in local_stack().env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("STORAGE_SECRET", "a-test-secret-that-is-long-enough-0123456789")
    monkeypatch.setenv("COOKIE_SECURE", "false")  # the simulated browser talks plain http
    monkeypatch.setenv("TRUSTED_HOSTS", "test")  # the simulated browser's host


@pytest.fixture
def unreachable_cognito(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        "USER_POOL_ID": "us-east-1_unreachable",
        "CLIENT_ID": "client",
        "AWS_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
        "STORAGE_SECRET": "another-test-secret-long-enough-0123456789",
        "COOKIE_SECURE": "false",
        "TRUSTED_HOSTS": "test",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_MAX_ATTEMPTS": "1",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)


async def test_local_mode_serves_the_dev_mailbox_and_health(user: User) -> None:
    response = await user.http_client.get("/dev/mailbox.json")
    assert response.status_code == 200
    assert isinstance(response.json(), list)
    assert (await user.http_client.get("/healthz")).status_code == 200
    await user.open("/dev/mailbox")
    await see(user, "Dev mailbox")


async def test_dev_mailbox_shows_emails_to_a_recipient(user: User) -> None:
    email = new_email()
    await user.open("/signup")
    type_into(user, "email", email)
    type_into(user, "password", PASSWORD)
    type_into(user, "repeat", PASSWORD)
    press(user, "submit")
    await see(user, "Confirm your email")
    await user.open(f"/dev/mailbox?to={email}")
    await see(user, f"To: {email}")
    await see(user, "Confirm your Example App account")


async def test_cognito_mode_has_no_dev_mailbox(cognito_mode: None, user: User) -> None:
    assert (await user.http_client.get("/dev/mailbox.json")).status_code == 404
    assert (await user.http_client.get("/dev/mailbox")).status_code == 404
    assert (await user.http_client.get("/healthz")).status_code == 200
    await user.open("/signin")
    await see(user, "Sign in")


async def test_cognito_mode_signs_in_against_the_configured_pool(
    cognito_mode: None, user: User
) -> None:
    email = new_email()
    stack = local_stack()
    await user.open("/signup")
    type_into(user, "email", email)
    type_into(user, "password", PASSWORD)
    type_into(user, "repeat", PASSWORD)
    press(user, "submit")
    await see(user, "Confirm your email")
    text = stack.mailbox.messages(to=email)[-1]["text"]
    code = next(line.strip() for line in text.splitlines() if line.strip().isdigit())
    type_into(user, "code", code)
    press(user, "submit")
    await see(user, "Your email is confirmed. You can sign in now.")


async def test_unreachable_cognito_says_to_retry(unreachable_cognito: None, user: User) -> None:
    await user.open("/signin")
    type_into(user, "email", new_email())
    type_into(user, "password", PASSWORD)
    press(user, "submit")
    await see(user, "We could not reach the sign-in service. Check your connection and try again.")
