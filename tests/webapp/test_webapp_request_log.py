"""The web app's structured log: one JSON line per request and per sign-in step, never a secret."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from nicegui.testing import User
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from webapp_journey import PASSWORD, latest_code, new_email, register_account, sign_in_fully

from webapp.auth.errors import AuthError, AuthErrorKind
from webapp.auth.state import FlowState, Notice, Step
from webapp.request_log import (
    LOGGER,
    STEPS,
    RequestLogMiddleware,
    format_line,
    instrument_flow,
    scrub,
)

SECRETS = (
    "alice@example.com",
    "Correct-Horse-7",
    "493817",
    "eyJraWQiOiJrMSIsImFsZyI6IlJTMjU2In0.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl",
    "session-cookie-value-7f3a9b2c4d5e6f708192a3b4c5d6e7f8",
)


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())

    def parsed(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.lines]


@pytest.fixture
def lines() -> Iterator[Lines]:
    handler = Lines()
    LOGGER.addHandler(handler)
    previous = LOGGER.level
    LOGGER.setLevel(logging.INFO)
    try:
        yield handler
    finally:
        LOGGER.removeHandler(handler)
        LOGGER.setLevel(previous)


def assert_no_secret(lines: list[str], secrets: tuple[str, ...] = SECRETS) -> None:
    for line in lines:
        for secret in secrets:
            assert secret not in line, f"{secret!r} leaked into {line}"


def test_format_line_keeps_only_allowed_scalar_fields_and_scrubs_text() -> None:
    line = json.loads(
        format_line(
            "auth_step",
            step="sign_in",
            outcome="code for alice@example.com with 493817",
            duration_ms=12.345,
            email="alice@example.com",  # not an allowed field
            password="Correct-Horse-7",  # nor this
            request_id="not-an-id",
        )
    )
    assert line == {
        "kind": "auth_step",
        "step": "sign_in",
        "outcome": "code for [email] with [digits]",
        "duration_ms": 12.3,
        "request_id": "-",
    }
    assert scrub(SECRETS[3]) == "[token]"
    assert scrub(f"sid={SECRETS[4]}") == "sid=[token]"
    trace = "1-67891233-abcdef012345678912345678"
    assert json.loads(format_line("request", request_id=trace))["request_id"] == trace


def _app() -> Starlette:
    async def sign_in(request: Request) -> PlainTextResponse:
        return PlainTextResponse("ok")

    async def boom(request: Request) -> PlainTextResponse:
        return PlainTextResponse("no", status_code=503)

    app = Starlette(routes=[Route("/signin", sign_in), Route("/items/{item}", boom)])
    app.add_middleware(RequestLogMiddleware)
    return app


async def test_one_line_per_request_with_the_route_template_never_the_values(
    lines: Lines,
) -> None:
    transport = httpx.ASGITransport(app=_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
        client.cookies.set("session", SECRETS[4])
        await client.get(
            f"/signin?email={SECRETS[0]}&code={SECRETS[2]}",
            headers={
                "Authorization": f"Bearer {SECRETS[3]}",
                "X-Amzn-Trace-Id": "Root=1-67891233-abcdef012345678912345678;Sampled=0",
            },
        )
        await client.get(f"/items/{SECRETS[0]}")
        await client.get(f"/{SECRETS[0]}/{SECRETS[2]}")
    records = lines.parsed()
    assert [(r["kind"], r["method"], r["route"], r["status"]) for r in records] == [
        ("request", "GET", "/signin", 200),
        ("request", "GET", "/items/{item}", 503),
        ("request", "GET", "(unmatched)", 404),
    ]
    assert records[0]["request_id"] == "1-67891233-abcdef012345678912345678"
    assert len(records[1]["request_id"]) == 32, "a fresh id without the ALB's header"
    assert all(r["duration_ms"] >= 0 for r in records)
    assert_no_secret(lines.lines)


class FakeFlow:
    """Stands in for AuthFlow: every step gets secrets and returns a state holding them."""

    def __init__(self) -> None:
        for step in STEPS:
            setattr(self, step, self._step)

    def _step(self, state: FlowState, *secrets: str) -> FlowState:
        if "wrong" in secrets:
            raise AuthError(AuthErrorKind.INVALID_CREDENTIALS, "InitiateAuth")
        return FlowState(
            step=Step.CODE, email=SECRETS[0], cognito_session=SECRETS[3], notice=Notice.CODE_RESENT
        )


def test_one_line_per_auth_step_with_its_outcome_and_no_argument(lines: Lines) -> None:
    flow = FakeFlow()
    instrument_flow(flow)
    instrument_flow(flow)  # idempotent: still one line per step
    flow.sign_in(FlowState(), SECRETS[0], SECRETS[1], "en")  # type: ignore[attr-defined]
    flow.submit_code(FlowState(), SECRETS[2], "en")  # type: ignore[attr-defined]
    with pytest.raises(AuthError):
        flow.sign_in(FlowState(), SECRETS[0], "wrong", "en")  # type: ignore[attr-defined]
    records = lines.parsed()
    assert [(r["step"], r["outcome"], r.get("error")) for r in records] == [
        ("sign_in", "code:code_resent", None),
        ("submit_code", "code:code_resent", None),
        ("sign_in", "error", "invalid_credentials"),
    ]
    for record in records:
        assert record["kind"] == "auth_step"
        assert len(record["request_id"]) == 32
        assert record["duration_ms"] >= 0
    assert_no_secret(lines.lines)


async def test_the_real_app_logs_every_request_and_step_of_a_sign_in(
    user: User, lines: Lines
) -> None:
    email = new_email("log")
    await register_account(user, email)
    await sign_in_fully(user, email)
    code = await latest_code(user, email)
    records = lines.parsed()
    steps = [(r["step"], r["outcome"]) for r in records if r["kind"] == "auth_step"]
    assert ("sign_up", "confirm_sign_up:sign_up_code_sent") in steps
    assert ("confirm_sign_up", "sign_in:confirmed") in steps
    assert ("sign_in", "code") in steps
    assert any(step == "submit_code" and outcome.startswith("signed_in") for step, outcome in steps)
    requests = [r for r in records if r["kind"] == "request"]
    assert any(r["route"] == "/dev/mailbox.json" and r["status"] == 200 for r in requests)
    cookies = [c.value for c in user.http_client.cookies.jar]
    assert_no_secret(lines.lines, (email, PASSWORD, code, *cookies))
