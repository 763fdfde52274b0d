"""Answering a taken address as slowly as a new one (sign-up must not reveal accounts).

Cognito refuses a taken address at once but creates a new account and emails its code, which
takes longer: a page that answered faster for taken addresses would tell them apart as surely
as a different message. So the flow remembers how long recent real sign-ups took and makes each
refusal last as long as one of them, drawn at random: the refusals then follow the same
distribution, outliers included (a mean alone was measurably off: bench/signup_timing.py). The
thread that waits wakes up a little late, more so on a busy machine, so the lateness of recent
waits is measured and taken off the next one.
"""

from __future__ import annotations

import random
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Final

INITIAL_SECONDS: Final = 0.15
MAX_SECONDS: Final = 2.0
REMEMBERED: Final = 64
_SMOOTHING: Final = 0.2


class ResponseTimer:
    """Recent durations of the real path, and the lateness of recent waits."""

    def __init__(
        self,
        initial_seconds: float = INITIAL_SECONDS,
        clock: Callable[[], float] = time.perf_counter,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._recent: deque[float] = deque([initial_seconds], maxlen=REMEMBERED)
        self._late = 0.0
        self._lock = threading.Lock()
        self._clock = clock
        self._sleep = sleep

    def record(self, seconds: float) -> None:
        with self._lock:
            self._recent.append(min(max(seconds, 0.0), MAX_SECONDS))

    def hold(self, started: float) -> None:
        """Return only once the answer that began at `started` took as long as a real one."""
        with self._lock:
            target = random.choice(self._recent)  # noqa: S311 - no secret depends on it
            late = self._late
        wait = target - (self._clock() - started) - late
        if wait > 0:
            self._sleep(wait)
            overshoot = self._clock() - started - (target - late)
            with self._lock:
                self._late += _SMOOTHING * (min(max(overshoot, 0.0), 0.05) - self._late)
