"""User-fixture tests run the real app (webapp/__main__.py) against the in-process emulator."""

from __future__ import annotations

import importlib
from collections.abc import Iterator

import pytest

from webapp.config import COGNITO_VARIABLES


@pytest.fixture(autouse=True)
def _local_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run in local mode unless a test asks otherwise (autouse: before the `user` fixture)."""
    for name in (*COGNITO_VARIABLES, "STORAGE_SECRET", "AWS_ENDPOINT_URL", "CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def private_stack(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """A stack of its own for a test that moves the emulator's clock (request it before `user`).

    The emulator checks some token times against real time, so a moved clock must not leak into
    the stack the other tests share.
    """
    from emulator import start_local_stack

    stack = start_local_stack(port=0)
    # By module object: NiceGUI's test reset re-imports the `webapp` package between tests.
    monkeypatch.setattr(importlib.import_module("webapp.local"), "_stack", stack)
    try:
        yield stack
    finally:
        stack.stop()
