"""The web tier under attack: each finding of issue 9, tried again, must fail.

Bounded input (no ReDoS), session fixation, enumeration, floods (sockets, pages, storage),
forged log frames, cross-site GETs that change state, forged Host headers, missing security
headers, rate limits per address and per account, spoofed X-Forwarded-For.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import httpx
import pytest
import socketio
from nicegui import app, core, ui
from nicegui.storage import Storage
from nicegui.testing import User
from webapp_journey import (
    PASSWORD,
    enter_code,
    latest_code,
    new_email,
    press,
    register_account,
    see,
    type_into,
)

from webapp import hardening
from webapp.auth.inputs import MAX_EMAIL_CHARS, code_problem, email_problem
from webapp.client_ip import client_ip
from webapp.config import config_from_env
from webapp.rate_limits import RateLimits, Rule

WORST_EMAILS = [
    "a@" + "." * 40_000 + "@",  # what froze the old regular expression for 13-18 s
    "a" * 1_000_000 + "@example.com",
    "@" * 100_000,
    "a@" + "b." * 50_000,
]


def deps() -> Any:
    return app.state.webapp


# --- 1. bounded input --------------------------------------------------------------------


@pytest.mark.parametrize("text", WORST_EMAILS)
def test_the_worst_addresses_are_refused_at_once(text: str) -> None:
    started = time.perf_counter()
    assert email_problem(text) is not None
    # A generous bound: the old check took 13-18 s on the first of these.
    assert time.perf_counter() - started < 0.5


def test_fields_are_bounded_before_they_are_parsed() -> None:
    assert email_problem("a" * (MAX_EMAIL_CHARS - 11) + "@example.com") == "too_long"
    assert email_problem("alice@example.com") is None
    full_width = "".join(chr(0xFF10 + int(digit)) for digit in "123456")  # a Japanese IME
    assert code_problem(full_width[:3] + " " + full_width[3:]) is None
    assert code_problem("123-456") is None
    assert code_problem("1" * 17) == "too_long"
    assert code_problem("12ab56") == "invalid"


async def test_a_huge_address_gets_a_message_and_the_app_stays_responsive(user: User) -> None:
    await user.open("/signin")
    type_into(user, "email", WORST_EMAILS[0])
    type_into(user, "password", PASSWORD)
    started = time.perf_counter()
    press(user, "submit")
    await see(user, "This is too long.")
    response = await user.http_client.get("/healthz")
    assert response.status_code == 200
    assert time.perf_counter() - started < 5


async def test_socket_messages_are_capped(user: User) -> None:
    await user.open("/signin")
    assert core.sio.eio.max_http_buffer_size == hardening.MAX_SOCKET_MESSAGE_BYTES
    assert hardening.MAX_SOCKET_MESSAGE_BYTES <= 64 * 1024


# --- 2. session fixation -----------------------------------------------------------------


def session_cookie(user: User) -> str:
    return str(user.http_client.cookies.get("session"))


async def test_the_session_id_changes_at_sign_in_and_sign_out(user: User) -> None:
    email = new_email()
    await register_account(user, email)
    await user.open("/signin")
    planted = session_cookie(user)  # what an attacker could have set before sign-in
    type_into(user, "email", email)
    type_into(user, "password", PASSWORD)
    press(user, "submit")
    await see(user, "Enter your sign-in code")
    await enter_code(user, await latest_code(user, email, 2))
    await see(user, "You are signed in.")
    signed_in = session_cookie(user)
    assert signed_in != planted
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(core.app), base_url="http://test"
    ) as attacker:
        attacker.cookies.set("session", planted)
        page = await attacker.get("/", follow_redirects=False)
        assert page.status_code == 303  # the planted cookie was never signed in
        assert "/signin" in page.headers["location"]
    press(user, "signout")
    await see(user, "You have signed out.")
    assert session_cookie(user) not in (signed_in, planted)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(core.app), base_url="http://test"
    ) as thief:
        thief.cookies.set("session", signed_in)  # a cookie copied while signed in
        page = await thief.get("/", follow_redirects=False)
        assert page.status_code == 303


async def test_a_hand_off_works_once_and_only_for_its_browser(user: User) -> None:
    from webapp.session import HANDOFF_PREFIX

    store = deps().store
    await user.open("/signin")
    await store.save(HANDOFF_PREFIX + "x" * 43, {"flow": None, "handoff_from": "other"}, 9e9)
    page = await user.http_client.get(f"/session/rotate?handoff={'x' * 43}", follow_redirects=False)
    assert page.headers["location"] == "/signin"  # bound to another browser: nothing moved
    assert await store.load(HANDOFF_PREFIX + "x" * 43) is None  # and spent
    huge = await user.http_client.get(
        f"/session/rotate?handoff={'y' * 5000}", follow_redirects=False
    )
    assert huge.headers["location"] == "/signin"


def test_cognito_mode_uses_a_host_prefixed_secure_cookie() -> None:
    env = {
        "USER_POOL_ID": "eu-west-1_abc",
        "CLIENT_ID": "c",
        "AWS_REGION": "eu-west-1",
        "STORAGE_SECRET": "s" * 40,
        "TRUSTED_HOSTS": "login.example.com",
    }
    kwargs = config_from_env(env).session_middleware_kwargs()
    assert kwargs["session_cookie"] == "__Host-session"
    assert kwargs["https_only"] is True
    assert kwargs["same_site"] == "lax"
    assert kwargs["path"] == "/"
    plain = config_from_env({**env, "COOKIE_SECURE": "false"}).session_middleware_kwargs()
    assert plain["session_cookie"] == "session"  # browsers refuse __Host- without Secure


# --- 3. enumeration ----------------------------------------------------------------------


async def test_repeated_wrong_passwords_read_the_same_for_any_address(user: User) -> None:
    email = new_email()
    await register_account(user, email)
    texts = {}
    for address in (email, new_email("nobody")):
        seen = []
        for _ in range(7):  # past Cognito's lockout after five failures
            await user.open("/signin")
            type_into(user, "email", address)
            type_into(user, "password", "Wrong-Password-1")
            press(user, "submit")
            await see(user, "Incorrect email or password.")
            seen.append("Too many" in str([label.text for label in user.find(ui.label).elements]))
        texts[address] = seen
    assert not any(any(seen) for seen in texts.values())


# --- 4. floods ---------------------------------------------------------------------------


def test_socket_caps_per_address_and_in_total() -> None:
    caps = hardening.SocketCaps(per_ip=2, total=3)
    assert caps.admit("s1", "198.51.100.1")
    assert caps.admit("s2", "198.51.100.1")
    assert not caps.admit("s3", "198.51.100.1")
    assert caps.admit("s4", "198.51.100.2")
    assert not caps.admit("s5", "198.51.100.3")  # the process is full
    caps.release("s1")
    assert caps.admit("s6", "198.51.100.1")
    caps.release("unknown-sid")  # harmless


async def test_the_socket_server_refuses_past_the_cap(user: User, monkeypatch: Any) -> None:
    await user.open("/signin")
    connect = core.sio.handlers["/"]["connect"]
    environ = {"REMOTE_ADDR": "203.0.113.9"}
    cap = deps().config.max_sockets_per_address
    assert cap == 30
    for number in range(cap):
        await connect(f"flood-{number}", environ, None)
    with pytest.raises(socketio.exceptions.ConnectionRefusedError):
        await connect("one-too-many", environ, None)
    for number in range(cap):
        core.sio.handlers["/"]["disconnect"](f"flood-{number}")
    await connect("after", environ, None)  # released: admitted again
    core.sio.handlers["/"]["disconnect"]("after")


async def test_a_full_process_answers_busy(user: User, monkeypatch: pytest.MonkeyPatch) -> None:
    import dataclasses

    middleware = next(m for m in app.user_middleware if m.cls is hardening.HardeningMiddleware)
    full = dataclasses.replace(deps().config, max_sockets=0)
    monkeypatch.setitem(middleware.kwargs, "config", full)
    app.middleware_stack = None  # rebuilt with the full configuration
    page = await user.http_client.get("/signin", headers={"accept-language": "ja"})
    assert page.status_code == 503
    assert "混み合っています" in page.text
    assert page.headers["retry-after"] == "30"
    assert (await user.http_client.get("/healthz")).status_code == 200


async def test_anonymous_visits_store_nothing(user: User) -> None:
    before = set(Storage.path.glob("storage-user-*.json"))
    for number in range(300):
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(core.app), base_url="http://test"
        ) as stranger:
            if number % 2:
                await stranger.get(f"/signin?redirect_to=%2Fx{number}")
            else:
                await stranger.get("/language/ja?next=/signin")
    assert set(Storage.path.glob("storage-user-*.json")) == before
    # the language switch keeps a small record for an hour; the redirect target is stored too
    assert all(len(str(record)) < 200 for record in deps().store.records().values())


# --- 5. log injection --------------------------------------------------------------------


async def test_client_log_frames_never_reach_the_server_log(
    user: User, caplog: pytest.LogCaptureFixture
) -> None:
    await user.open("/signin")
    client_id = user.client.id
    forged = '{"level": "INFO", "event": "sign_in", "sub": "forged-audit-line"}'
    with caplog.at_level(logging.DEBUG):
        core.sio.handlers["/"]["log"]("sid", {"client_id": client_id, "msg": forged * 1000})
    assert "forged-audit-line" not in caplog.text


# --- 6. cross-site GETs ------------------------------------------------------------------


async def test_another_site_cannot_flip_the_language_or_the_return_target(user: User) -> None:
    await user.open("/signin")
    cross = {"sec-fetch-site": "cross-site"}
    await user.http_client.get("/language/ja?next=/signin", headers=cross)
    await user.http_client.get("/signin?redirect_to=%2Fattacker-chosen", headers=cross)
    records = deps().store.records().values()
    assert not any(record.get("locale") == "ja" for record in records)
    assert not any(record.get("redirect_to") for record in records)
    await user.http_client.get(
        "/language/ja?next=/signin", headers={"sec-fetch-site": "same-origin"}
    )
    assert any(record.get("locale") == "ja" for record in deps().store.records().values())


# --- 7. host header and security headers -------------------------------------------------


async def test_a_forged_host_is_refused(user: User) -> None:
    for path in ("/signin/", "/signin", "/language/ja"):
        response = await user.http_client.get(path, headers={"host": "evil.com"})
        assert response.status_code == 400, path
        assert "evil.com" not in response.headers.get("location", "")
    health = await user.http_client.get("/healthz", headers={"host": "10.0.1.23:8080"})
    assert health.status_code == 200  # the load balancer's health check names the task's IP


async def test_every_page_carries_the_security_headers(user: User) -> None:
    response = await user.http_client.get("/signin")
    headers = response.headers
    csp = headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp
    assert "default-src 'self'" in csp
    assert "object-src 'none'" in csp
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert "camera=()" in headers["permissions-policy"]
    assert "strict-transport-security" not in headers  # plain http locally
    https = await user.http_client.get("/signin", headers={"x-forwarded-proto": "https"})
    assert https.headers["strict-transport-security"].startswith("max-age=31536000")


def test_host_matching() -> None:
    trusted = ("login.example.com", "*.cloudfront.net", "127.0.0.1")
    assert hardening.host_allowed("login.example.com", trusted)
    assert hardening.host_allowed("LOGIN.example.com:443", trusted)
    assert hardening.host_allowed("d111111abcdef8.cloudfront.net", trusted)
    assert hardening.host_allowed("127.0.0.1:8080", trusted)
    assert not hardening.host_allowed("evil.com", trusted)
    assert not hardening.host_allowed("login.example.com.evil.com", trusted)
    assert not hardening.host_allowed("evilcloudfront.net", trusted)
    assert not hardening.host_allowed("", trusted)


# --- rate limits and the client's address ------------------------------------------------


def test_only_our_proxies_entries_of_x_forwarded_for_count() -> None:
    # The client wrote "1.2.3.4"; the ALB appended the address it saw.
    assert client_ip("1.2.3.4, 198.51.100.7", "10.0.0.5", 1) == "198.51.100.7"
    # Behind CloudFront and the ALB: CloudFront appended the client, the ALB the edge.
    assert client_ip("1.2.3.4, 198.51.100.7, 130.176.0.1", "10.0.0.5", 2) == "198.51.100.7"
    assert client_ip(None, "127.0.0.1", 1) == "127.0.0.1"
    assert client_ip("not an address", None, 1) == "unknown"
    assert client_ip("1.2.3.4", "127.0.0.1", 0) == "127.0.0.1"  # no proxy: the header is ignored
    assert client_ip(",".join(["9.9.9.9"] * 10_000), None, 1) == "9.9.9.9"


def test_limits_count_per_address_and_per_account() -> None:
    limits = RateLimits({"sign_in": Rule("3/minute", "2/minute")}, b"k" * 32)

    async def attempts() -> list[bool]:
        return [
            await limits.allow("sign_in", "198.51.100.1", "victim@example.com"),
            await limits.allow("sign_in", "198.51.100.2", "VICTIM@example.com "),
            await limits.allow("sign_in", "198.51.100.3", "victim@example.com"),  # account full
            await limits.allow("sign_in", "198.51.100.1", "other@example.com"),
            await limits.allow("sign_in", "198.51.100.1", "third@example.com"),
            await limits.allow("sign_in", "198.51.100.1", "fourth@example.com"),  # address full
        ]

    # .1 counts attempts 1, 4, 5 (allowed: 3/minute) and is refused at 6; the account at 3.
    assert asyncio.run(attempts()) == [True, True, False, True, True, False]
    assert "victim" not in limits.account_key("victim@example.com")


async def test_the_sign_in_form_is_rate_limited_per_account(user: User) -> None:
    email = new_email()
    await register_account(user, email)
    for _ in range(10):
        await user.open("/signin")
        type_into(user, "email", email)
        type_into(user, "password", "Wrong-Password-1")
        press(user, "submit")
        await see(user, "Incorrect email or password.")
    await user.open("/signin")
    type_into(user, "email", email)
    type_into(user, "password", PASSWORD)
    press(user, "submit")
    await see(user, "Too many attempts from here or for this account.")
