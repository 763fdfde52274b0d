"""Lambda triggers as Python callables: ARNs resolve through a registry, never through AWS.

A trigger runs in the emulator's request thread. While it runs, every boto3/botocore client it
creates without an explicit endpoint is pointed at this emulator (and given dummy credentials and
the region when it has none), so a handler's own SES call lands in the emulator's mailbox.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import botocore.session  # type: ignore[import-untyped]

from emulator.errors import CognitoError

Handler = Callable[[dict[str, Any], Any], Any]
MAX_RECORDED = 1000

# LambdaConfig key -> the name Cognito uses in "<Trigger> failed with error <message>."
TRIGGER_NAMES = {
    "DefineAuthChallenge": "DefineAuthChallenge",
    "CreateAuthChallenge": "CreateAuthChallenge",
    "VerifyAuthChallengeResponse": "VerifyAuthChallengeResponse",
    "CustomMessage": "CustomMessage",
    "PostAuthentication": "PostAuthentication",
    "PreAuthentication": "PreAuthentication",
    "PostConfirmation": "PostConfirmation",
}


@dataclass(frozen=True)
class AwsTarget:
    """Where the handlers' AWS clients must go while they run."""

    endpoint_url: str
    region: str
    access_key: str
    secret_key: str


_current = threading.local()
_patch_lock = threading.Lock()
_PATCH_FLAG = "_cognito_emulator_patched"


def _install_client_redirect() -> None:
    """Wrap botocore's create_client once per process (idempotent)."""
    with _patch_lock:
        original = botocore.session.Session.create_client
        if getattr(original, _PATCH_FLAG, False):
            return

        def create_client(self: botocore.session.Session, *args: Any, **kwargs: Any) -> Any:
            target: AwsTarget | None = getattr(_current, "target", None)
            if target is not None:
                # create_client(service_name, region_name, api_version, use_ssl, verify,
                #               endpoint_url, aws_access_key_id, aws_secret_access_key, ...)
                if len(args) < 6 and kwargs.get("endpoint_url") is None:
                    kwargs["endpoint_url"] = target.endpoint_url
                # The emulator serves one region: a region taken from the developer's
                # environment would reach a moto backend where the sender is not verified.
                if len(args) < 2:
                    kwargs["region_name"] = target.region
                if len(args) < 7 and kwargs.get("aws_access_key_id") is None:
                    kwargs["aws_access_key_id"] = target.access_key
                    kwargs["aws_secret_access_key"] = target.secret_key
            return original(self, *args, **kwargs)

        setattr(create_client, _PATCH_FLAG, True)
        botocore.session.Session.create_client = create_client


@contextmanager
def aws_redirected_to(target: AwsTarget) -> Iterator[None]:
    """Within this block (this thread only), new AWS clients talk to the emulator."""
    _install_client_redirect()
    previous = getattr(_current, "target", None)
    _current.target = target
    try:
        yield
    finally:
        _current.target = previous


@dataclass
class Invocation:
    """One recorded trigger call: the event as sent and the event as returned."""

    arn: str
    event: dict[str, Any]
    result: dict[str, Any] | None
    error: str | None


class LambdaContext:
    """The few attributes handlers commonly read from the Lambda context."""

    def __init__(self, arn: str) -> None:
        self.invoked_function_arn = arn
        self.function_name = arn.rsplit(":", 1)[-1]
        self.aws_request_id = "emulator"
        self.memory_limit_in_mb = 128

    def get_remaining_time_in_millis(self) -> int:
        return 5000


@dataclass
class TriggerRegistry:
    """ARN -> handler, plus the record of every invocation (for tests and debugging)."""

    target: AwsTarget | None = None
    handlers: dict[str, Handler] = field(default_factory=dict)
    invocations: list[Invocation] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def register(self, arn: str, handler: Handler) -> None:
        with self._lock:
            self.handlers[arn] = handler

    def invoke(self, trigger: str, arn: str, event: dict[str, Any]) -> dict[str, Any]:
        """Run the handler; map failures to the errors Cognito returns."""
        with self._lock:
            handler = self.handlers.get(arn)
        if handler is None:
            raise CognitoError(
                "UnexpectedLambdaException", f"No handler is registered for the trigger {arn}."
            )
        sent = copy.deepcopy(event)
        name = TRIGGER_NAMES.get(trigger, trigger)
        try:
            if self.target is not None:
                with aws_redirected_to(self.target):
                    result = handler(copy.deepcopy(event), LambdaContext(arn))
            else:
                result = handler(copy.deepcopy(event), LambdaContext(arn))
        except Exception as exc:  # a trigger may raise anything: Cognito maps it
            self._record(arn, sent, None, str(exc))
            raise CognitoError(
                "UserLambdaValidationException", f"{name} failed with error {exc}."
            ) from exc
        if not isinstance(result, dict) or not isinstance(result.get("response"), dict):
            self._record(arn, sent, None, "invalid response")
            raise CognitoError("InvalidLambdaResponseException", "Invalid lambda response")
        self._record(arn, sent, copy.deepcopy(result), None)
        return result

    def _record(
        self, arn: str, event: dict[str, Any], result: dict[str, Any] | None, error: str | None
    ) -> None:
        with self._lock:
            self.invocations.append(Invocation(arn, event, result, error))
            if len(self.invocations) > MAX_RECORDED:  # a long-running dev server stays bounded
                del self.invocations[:-MAX_RECORDED]
