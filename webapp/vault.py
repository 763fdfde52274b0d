"""Tokens kept in process memory, keyed by the browser's storage id.

NiceGUI persists `app.storage.user` as plaintext JSON under `.nicegui/` (or in Redis). Tokens are
bearer credentials, so they never go there: this vault holds them in RAM only. The cost is that a
restarted process forgets them and its users sign in again, which is the safe failure.
"""

from __future__ import annotations

from threading import Lock
from typing import Generic, TypeVar

T = TypeVar("T")


class TokenVault(Generic[T]):
    """A lock-protected dict from browser id to that browser's tokens."""

    def __init__(self) -> None:
        self._items: dict[str, T] = {}
        self._lock = Lock()

    def put(self, browser_id: str, tokens: T | None) -> None:
        """Store (or, with None, forget) the tokens of one browser."""
        with self._lock:
            if tokens is None:
                self._items.pop(browser_id, None)
            else:
                self._items[browser_id] = tokens

    def get(self, browser_id: str) -> T | None:
        with self._lock:
            return self._items.get(browser_id)

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)
