"""Fixtures of the emulator contract suite: in-process stacks wired to spec-conforming triggers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from emulator_testkit import SpecTriggers

from emulator import LocalStack, start_local_stack


@pytest.fixture(scope="module")
def module_triggers() -> SpecTriggers:
    return SpecTriggers()


@pytest.fixture(scope="module")
def stack(module_triggers: SpecTriggers) -> Iterator[LocalStack]:
    """One stack per test module (tests use their own addresses, so they do not interfere)."""
    with start_local_stack(triggers=module_triggers.handlers()) as running:
        yield running


@pytest.fixture
def triggers() -> SpecTriggers:
    return SpecTriggers()


@pytest.fixture
def fresh_stack(triggers: SpecTriggers) -> Iterator[LocalStack]:
    """A stack of its own, for tests that change triggers or read every recorded event."""
    with start_local_stack(triggers=triggers.handlers()) as running:
        yield running
