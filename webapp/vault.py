"""Tokens kept in process memory, keyed by the browser's storage id.

NiceGUI persists `app.storage.user` as plaintext JSON under `.nicegui/` (or in Redis). Tokens are
bearer credentials, so they never go there: this vault holds them in RAM only. The cost is that a
restarted process forgets them and its users sign in again, which is the safe failure.

Each entry is kept only until its sign-in session ends (the refresh token's expiry): browsers that
never come back must not make the process hold their tokens, or grow, for ever.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from threading import Lock
from typing import Generic, TypeVar

T = TypeVar("T")

# Without a known end, an entry is kept this long (Cognito's default refresh-token validity).
DEFAULT_KEEP_SECONDS = 30 * 86400
# Expired entries are swept at most this often, on a write.
SWEEP_INTERVAL_SECONDS = 60.0


class TokenVault(Generic[T]):
    """A lock-protected dict from browser id to that browser's tokens, each with an end time."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._items: dict[str, tuple[T, float]] = {}
        self._lock = Lock()
        self._clock = clock
        self._next_sweep = 0.0

    def put(self, browser_id: str, tokens: T | None, keep_until: float | None = None) -> None:
        """Store (or, with None, forget) one browser's tokens until `keep_until` (epoch s)."""
        now = self._clock()
        with self._lock:
            if tokens is None:
                self._items.pop(browser_id, None)
            else:
                end = keep_until if keep_until is not None else now + DEFAULT_KEEP_SECONDS
                self._items[browser_id] = (tokens, end)
            if now >= self._next_sweep:
                self._sweep(now)

    def get(self, browser_id: str) -> T | None:
        """The browser's tokens, or None when there are none or their session has ended."""
        now = self._clock()
        with self._lock:
            entry = self._items.get(browser_id)
            if entry is None:
                return None
            tokens, end = entry
            if now >= end:
                del self._items[browser_id]
                return None
            return tokens

    def _sweep(self, now: float) -> None:
        for browser_id in [key for key, (_, end) in self._items.items() if now >= end]:
            del self._items[browser_id]
        self._next_sweep = now + SWEEP_INTERVAL_SECONDS

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)
