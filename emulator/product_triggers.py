"""Glue to run the product's own handlers (functions/) as the local stack's triggers.

The handlers read their settings from the environment when first imported, and functions.mailer
caches one SES client per process (per Lambda container in AWS). Several stacks in one process
would share that client, so before a handler runs the cached client is dropped when it points at
another emulator, and while more than one such stack is alive their handler calls take turns.

The timed triggers (define, create, verify) read `time.time()`. Inside the emulator their module
attribute `time` is replaced by a stand-in that reads the clock of the stack invoking them (a
ContextVar set around each call), so `stack.clock.advance` moves code expiry and resend cooldowns
too. On Lambda nothing replaces it.
"""

from __future__ import annotations

import importlib
import os
import threading
import time
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from typing import Any

from emulator.triggers import Handler
from functions.aws_clients import CachedClient
from functions.settings import LIMITS_TABLE_ENV, TriggerSettings

MODULES: Mapping[str, str] = {
    "DefineAuthChallenge": "functions.define_auth_challenge",
    "CreateAuthChallenge": "functions.create_auth_challenge",
    "VerifyAuthChallengeResponse": "functions.verify_auth_challenge",
    "CustomMessage": "functions.custom_message",
    "PostAuthentication": "functions.post_authentication",
    "PostConfirmation": "functions.post_confirmation",
}
# Modules that cache one AWS client per process (per Lambda container in AWS).
CLIENT_CACHES = ("functions.mailer", "functions.account_store")

TIMED_MODULES = frozenset(
    {
        "functions.define_auth_challenge",
        "functions.create_auth_challenge",
        "functions.verify_auth_challenge",
    }
)

_stack_now: ContextVar[Callable[[], float]] = ContextVar("stack_now", default=time.time)


class _StackTime:
    """Stands in for the `time` module inside a timed trigger: `time()` is the stack's clock."""

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)

    @staticmethod
    def time() -> float:
        return _stack_now.get()()


_turns = threading.RLock()
_live_lock = threading.Lock()
_live_stacks = 0


def _drop_foreign_clients(endpoint_url: str) -> None:
    """Forget cached SES/DynamoDB clients that point at another emulator."""
    for name in CLIENT_CACHES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        for cached in vars(module).values():
            if isinstance(cached, CachedClient):
                client = cached.current
                if client is not None and client.meta.endpoint_url != endpoint_url:
                    cached.reset()


def _run(
    module_name: str,
    endpoint_url: str,
    now: Callable[[], float],
    event: dict[str, Any],
    context: Any,
) -> Any:
    module = importlib.import_module(module_name)
    if module_name in TIMED_MODULES and not isinstance(getattr(module, "time", None), _StackTime):
        module.time = _StackTime()  # type: ignore[attr-defined]  # module attribute, set on purpose
    _drop_foreign_clients(endpoint_url)
    token = _stack_now.set(now)
    try:
        return module.handler(event, context)
    finally:
        _stack_now.reset(token)


def product_handlers(
    settings: TriggerSettings,
    endpoint_url: str,
    now: Callable[[], float] = time.time,
    *,
    limits_table: str,
) -> dict[str, Handler]:
    """Handlers for every trigger the product configures, bound to one emulator endpoint."""
    global _live_stacks  # noqa: PLW0603 - process-wide count of stacks sharing the handlers
    os.environ.update(settings.to_env())
    os.environ[LIMITS_TABLE_ENV] = limits_table
    with _live_lock:
        _live_stacks += 1

    def bind(module_name: str) -> Handler:
        def handler(event: dict[str, Any], context: Any) -> Any:
            with _live_lock:
                shared = _live_stacks > 1
            if shared:
                with _turns:
                    return _run(module_name, endpoint_url, now, event, context)
            return _run(module_name, endpoint_url, now, event, context)

        return handler

    return {key: bind(module) for key, module in MODULES.items()}


def release() -> None:
    """A stack using the product's handlers stopped."""
    global _live_stacks  # noqa: PLW0603
    with _live_lock:
        _live_stacks = max(0, _live_stacks - 1)
