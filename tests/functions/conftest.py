"""Fixtures for the trigger tests: fixed settings, captured JSON log lines."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator

import pytest

# Create validates SENDER_EMAIL when it is imported; the tests then pin exact settings.
os.environ.setdefault("SENDER_EMAIL", "no-reply@example.com")

from trigger_events import TEST_SETTINGS, MemoryStore

from functions import (
    create_auth_challenge,
    custom_message,
    define_auth_challenge,
    post_authentication,
    post_confirmation,
    verify_auth_challenge,
    wrong_codes,
)
from functions.log import JsonLineFormatter


@pytest.fixture(autouse=True)
def pinned_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every handler runs with TEST_SETTINGS, whatever the environment says."""
    for module in (
        define_auth_challenge,
        verify_auth_challenge,
        create_auth_challenge,
        custom_message,
    ):
        monkeypatch.setattr(module, "SETTINGS", TEST_SETTINGS)


@pytest.fixture(autouse=True)
def account_store(monkeypatch: pytest.MonkeyPatch) -> MemoryStore:
    """Every trigger shares one in-memory limits store per test (the real one: moto, elsewhere)."""
    store = MemoryStore()
    for module in (create_auth_challenge, wrong_codes, post_authentication, post_confirmation):
        monkeypatch.setattr(module, "STORE", store)
    return store


class LineCollector(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(JsonLineFormatter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def log_lines() -> Iterator[list[str]]:
    """The JSON lines the triggers write during the test (as CloudWatch would receive them)."""
    collector = LineCollector()
    logger = logging.getLogger("functions")
    logger.addHandler(collector)
    try:
        yield collector.lines
    finally:
        logger.removeHandler(collector)
