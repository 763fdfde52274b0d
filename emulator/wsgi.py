"""The emulator's HTTP front: our additions first, then moto for everything else.

- GET /_emulator/mailbox[?to=address]  -> the captured emails (JSON list, oldest first)
- GET /<pool id>/.well-known/jwks.json -> the key set that verifies the emulator's tokens
- POST with X-Amz-Target AWSCognitoIdentityProviderService.<op> for an operation the engine owns;
  any other Cognito operation carrying an AccessToken has the token judged first
  (emulator/access.py), so moto never answers a revoked, expired or foreign token in its words
- SES v1/v2 sends are passed to moto and, when moto accepts them, copied into the mailbox.
- DynamoDB requests are passed to moto one at a time: DynamoDB applies a conditional write
  atomically, moto's backend does not under concurrent server threads.
"""

from __future__ import annotations

import io
import json
import re
import threading
from collections.abc import Callable, Iterable
from typing import Any

from emulator import access
from emulator.engine import Engine, dispatch, owned_operations
from emulator.errors import CognitoError
from emulator.mailbox import make_message
from emulator.ses_capture import parse_ses_request

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
_TARGET_PREFIX = "AWSCognitoIdentityProviderService."
_JWKS_PATH = re.compile(r"^/(?P<pool>[\w-]+_[0-9A-Za-z]+)/\.well-known/jwks\.json$")
_SES_V2_SEND = "/v2/email/outbound-emails"
_DYNAMODB_PREFIX = "DynamoDB_"


def _may_send_email(environ: dict[str, Any], path: str) -> bool:
    """Only SES sends are read here: v2 by path, v1 as a form post (other bodies stream on)."""
    if path.rstrip("/") == _SES_V2_SEND:
        return True
    content_type = str(environ.get("CONTENT_TYPE", ""))
    return content_type.startswith("application/x-www-form-urlencoded")


def _respond(
    start_response: Callable[..., Any], status: int, body: bytes, content_type: str
) -> list[bytes]:
    reason = {200: "OK", 400: "Bad Request", 404: "Not Found", 500: "Internal Server Error"}
    start_response(
        f"{status} {reason.get(status, 'OK')}",
        [("Content-Type", content_type), ("Content-Length", str(len(body)))],
    )
    return [body]


def _read_body(environ: dict[str, Any]) -> bytes:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    body: bytes = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    return body


class EmulatorApp:
    """WSGI app wrapping moto's dispatcher with the engine, the mailbox and the JWKS."""

    def __init__(self, engine: Engine, moto_app: WsgiApp) -> None:
        self.engine = engine
        self.moto_app = moto_app
        self._owned = owned_operations()
        self._dynamodb_turns = threading.Lock()

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        self.engine.keep_resources()
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "/")
        if method == "GET" and path.rstrip("/") == "/_emulator/mailbox":
            return self._mailbox(environ, start_response)
        match = _JWKS_PATH.match(path)
        if method == "GET" and match:
            return self._jwks(match.group("pool"), start_response)
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if method == "POST" and target.startswith(_TARGET_PREFIX):
            operation = target[len(_TARGET_PREFIX) :]
            if operation in self._owned:
                return self._cognito(operation, environ, start_response)
            return self._moto_after_token_check(environ, start_response)
        if method == "POST" and target.startswith(_DYNAMODB_PREFIX):
            with self._dynamodb_turns:
                return list(self.moto_app(environ, start_response))
        if method == "POST" and _may_send_email(environ, path):
            return self._maybe_capture(environ, start_response, path)
        return self.moto_app(environ, start_response)

    def _mailbox(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        from urllib.parse import parse_qs

        query = parse_qs(environ.get("QUERY_STRING", ""))
        to = query.get("to", [None])[0]
        body = json.dumps(self.engine.mailbox.messages(to)).encode()
        return _respond(start_response, 200, body, "application/json")

    def _jwks(self, pool_id: str, start_response: Callable[..., Any]) -> list[bytes]:
        if pool_id not in self.engine.backend.user_pools:
            body = json.dumps({"message": f"User pool {pool_id} does not exist."}).encode()
            return _respond(start_response, 404, body, "application/json")
        body = json.dumps(self.engine.tokens.jwks()).encode()
        return _respond(start_response, 200, body, "application/json")

    def _cognito(
        self, operation: str, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> list[bytes]:
        body = _read_body(environ)
        try:
            params = json.loads(body or b"{}")
            if not isinstance(params, dict):
                raise ValueError("not an object")
        except ValueError:
            error = CognitoError("SerializationException", "The request body is not valid JSON.")
            return _respond(start_response, 400, error.body(), "application/x-amz-json-1.1")
        try:
            result = dispatch(self.engine, operation, params)
        except CognitoError as error:
            return _respond(
                start_response, error.status, error.body(), "application/x-amz-json-1.1"
            )
        return _respond(
            start_response, 200, json.dumps(result or {}).encode(), "application/x-amz-json-1.1"
        )

    def _moto_after_token_check(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        """A Cognito operation moto answers: its AccessToken, if any, must pass the gate first."""
        try:
            params = json.loads(_read_body(environ) or b"{}")
        except ValueError:
            params = None  # moto reports the malformed body itself
        if isinstance(params, dict):
            try:
                access.guard(self.engine, params)
            except CognitoError as error:
                return _respond(
                    start_response, error.status, error.body(), "application/x-amz-json-1.1"
                )
        return self.moto_app(environ, start_response)

    def _maybe_capture(
        self, environ: dict[str, Any], start_response: Callable[..., Any], path: str
    ) -> Iterable[bytes]:
        body = _read_body(environ)
        email = parse_ses_request("POST", path, body)
        if email is None:
            return self.moto_app(environ, start_response)
        seen: dict[str, str] = {}

        def capture_status(status: str, headers: Any, exc_info: Any = None) -> Any:
            seen["status"] = status
            return (
                start_response(status, headers, exc_info)
                if exc_info
                else start_response(status, headers)
            )

        chunks = list(self.moto_app(environ, capture_status))
        if seen.get("status", "").startswith("200"):
            self.engine.mailbox.deliver(
                make_message(
                    email["to"],
                    email["from"],
                    email["subject"],
                    text=email["text"],
                    html=email["html"],
                    sent_at=self.engine.clock.now(),
                )
            )
        return chunks
