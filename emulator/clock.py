"""A controllable clock: real time plus an offset that tests move forward.

Session, code and token expiry in the emulator all read this clock, so a test can jump past an
expiry instead of sleeping.
"""

from __future__ import annotations

import threading
import time


class Clock:
    """Wall-clock seconds since the epoch, shifted by `advance`."""

    def __init__(self) -> None:
        self._offset = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        with self._lock:
            return time.time() + self._offset

    def advance(self, seconds: float) -> None:
        """Move the clock forward (never backward: expiries must stay monotonic)."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._offset += seconds
