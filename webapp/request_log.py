"""One structured JSON line per HTTP request and per sign-in step, never a secret.

CloudWatch Logs Insights reads these lines (the stack's dashboard counts sign-in steps by outcome).
A line carries only allow-listed fields: what happened (kind, step, route, method, status,
outcome, error kind), when and how long (duration_ms) and a request id to correlate lines (the
ALB's X-Amzn-Trace-Id root when present). It never carries an argument of a step (address,
password, code), a state (tokens, Cognito session), a header or a cookie, and every text value is
scrubbed again on the way out (addresses, digit runs and token-like strings are masked), so a
mistake in a caller cannot leak one either.

`format_line` is pure; `RequestLogMiddleware` is a plain ASGI middleware (WebSocket and lifespan
pass through untouched); `instrument_flow` wraps an AuthFlow's steps; `install` adds the
middleware once and writes the lines to stdout, which ECS ships to CloudWatch.
"""

from __future__ import annotations

import functools
import json
import logging
import re
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from contextvars import ContextVar
from typing import Any, Final

from webapp.auth.errors import AuthError
from webapp.auth.state import FlowState

LOGGER: Final = logging.getLogger("webapp.requests")
FIELDS: Final = frozenset(
    {"kind", "request_id", "method", "route", "status", "step", "outcome", "error", "duration_ms"}
)
STEPS: Final = (
    "sign_in",
    "submit_code",
    "resend_code",
    "cancel",
    "sign_up",
    "confirm_sign_up",
    "resend_sign_up_code",
    "forgot_password",
    "confirm_forgot_password",
    "refresh_if_needed",
    "sign_out",
)
_MAX_TEXT: Final = 120
_EMAIL: Final = re.compile(r"[^\s/@]*@[^\s/]*")
_DIGITS: Final = re.compile(r"\d{4,}")
_TOKEN: Final = re.compile(r"[A-Za-z0-9_\-+.~%]{24,}")
_TRACE_ROOT: Final = re.compile(r"Root=(1-[0-9a-f]{8}-[0-9a-f]{24})")
_REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def scrub(text: str) -> str:
    """Mask what could be a secret or a person: addresses, codes, tokens, session ids."""
    text = _EMAIL.sub("[email]", text)
    text = _TOKEN.sub("[token]", text)
    return _DIGITS.sub("[digits]", text)[:_MAX_TEXT]


def format_line(kind: str, **fields: object) -> str:
    """The JSON line: allow-listed fields with scalar values, text scrubbed, request id checked."""
    line: dict[str, object] = {"kind": scrub(kind)}
    for name, value in fields.items():
        if name not in FIELDS or value is None:
            continue
        if name == "request_id":
            text = str(value)
            line[name] = (
                text if re.fullmatch(r"1-[0-9a-f]{8}-[0-9a-f]{24}|[0-9a-f]{32}", text) else "-"
            )
        elif isinstance(value, bool | int | float):
            line[name] = round(value, 1) if isinstance(value, float) else value
        else:
            line[name] = scrub(str(value))
    return json.dumps(line, separators=(",", ":"))


def new_request_id() -> str:
    return uuid.uuid4().hex


def request_id_from(headers: list[tuple[bytes, bytes]]) -> str:
    """The ALB's trace root (correlates with the ALB's own logs), else a fresh random id."""
    for name, value in headers:
        if name.lower() == b"x-amzn-trace-id":
            match = _TRACE_ROOT.search(value.decode("latin-1"))
            if match:
                return match.group(1)
    return new_request_id()


def route_of(scope: Scope) -> str:
    """The matched route's template (/signin, /_nicegui/{key}/...), never the raw path's values."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str) and path:
        return path
    return "(unmatched)"


def emit(kind: str, **fields: object) -> None:
    LOGGER.info(format_line(kind, **fields))


class RequestLogMiddleware:
    """One line per HTTP request: method, route template, status, duration, request id."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_from(list(scope.get("headers") or []))
        token = _REQUEST_ID.set(request_id)
        started = time.perf_counter()
        status = 500

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message.get("type") == "http.response.start":
                status = int(message.get("status", 500))
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            emit(
                "request",
                request_id=request_id,
                method=str(scope.get("method", "")),
                route=route_of(scope),
                status=status,
                duration_ms=(time.perf_counter() - started) * 1000,
            )
            _REQUEST_ID.reset(token)


def _outcome(result: object) -> str:
    if isinstance(result, FlowState):
        notice = f":{result.notice}" if result.notice is not None else ""
        return f"{result.step.value}{notice}"
    return type(result).__name__


def _logged(step: str, method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def call(*args: Any, **kwargs: Any) -> Any:
        request_id = _REQUEST_ID.get() or new_request_id()
        started = time.perf_counter()

        def done(outcome: str, error: str | None = None) -> None:
            emit(
                "auth_step",
                request_id=request_id,
                step=step,
                outcome=outcome,
                error=error,
                duration_ms=(time.perf_counter() - started) * 1000,
            )

        try:
            result = method(*args, **kwargs)
        except AuthError as failure:
            done("error", failure.kind.value)
            raise
        except Exception as failure:
            done("exception", type(failure).__name__)
            raise
        done(_outcome(result))
        return result

    return call


def instrument_flow(flow: object) -> None:
    """Log each sign-in step the pages call on this flow (idempotent; arguments never logged)."""
    for step in STEPS:
        method = getattr(flow, step)
        if getattr(method, "__wrapped__", None) is None:
            setattr(flow, step, _logged(step, method))


def install(app: Any) -> None:
    """Add the middleware once and send the lines to stdout (one JSON object per line)."""
    if not any(m.cls is RequestLogMiddleware for m in getattr(app, "user_middleware", [])):
        app.add_middleware(RequestLogMiddleware)
    if not LOGGER.handlers:
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("%(message)s"))
        LOGGER.addHandler(handler)
    LOGGER.setLevel(logging.INFO)
    LOGGER.propagate = False
