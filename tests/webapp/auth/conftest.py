"""A local stack (emulator + the product's real triggers) shared by a test module."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from webapp.auth.environment import environ_for_stack
from webapp.auth.flow import AuthFlow, build_flow_from_env


@pytest.fixture(scope="module")
def stack() -> Iterator[Any]:
    """One stack per module; its triggers see `stack.clock`, so tests can jump past expiries."""
    from emulator import start_local_stack

    with start_local_stack(port=0) as local:
        yield local


@pytest.fixture
def flow(stack: Any) -> AuthFlow:
    return build_flow_from_env(environ_for_stack(stack), clock=stack.clock.now)
