"""A local stack (emulator + the product's real triggers) shared by a test module."""

from __future__ import annotations

import importlib
import types
from collections.abc import Iterator
from typing import Any

import pytest

from webapp.auth.environment import environ_for_stack
from webapp.auth.flow import AuthFlow, build_flow_from_env

# The custom-auth triggers read time.time() themselves; the emulator's clock does not reach them.
_TIMED_TRIGGERS = (
    "functions.create_auth_challenge",
    "functions.define_auth_challenge",
    "functions.verify_auth_challenge",
)


@pytest.fixture(scope="module")
def stack() -> Iterator[Any]:
    """One stack per module; its triggers see `stack.clock`, so tests can jump past expiries."""
    from emulator import start_local_stack

    local = start_local_stack(port=0)
    with pytest.MonkeyPatch.context() as patch:
        for name in _TIMED_TRIGGERS:
            module = importlib.import_module(name)
            patch.setattr(module, "time", types.SimpleNamespace(time=local.clock.now))
        try:
            yield local
        finally:
            local.stop()


@pytest.fixture
def flow(stack: Any) -> AuthFlow:
    return build_flow_from_env(environ_for_stack(stack), clock=stack.clock.now)
