"""uvicorn's server loop, waking the process once a second instead of ten times.

`uvicorn.Server.main_loop` sleeps 0.1 s between ticks; every tenth tick refreshes the Date
header, and every tick checks whether a signal asked the server to stop. With no page open that
loop was almost all of the process's CPU: 2.2 ms per second on the 2-core machine, about 6 ms of
every sign-in that takes three seconds (docs/webapp.md). Here each tick is a second and counts as
ten of uvicorn's, so the Date header is still refreshed every second; the price is that SIGTERM
is noticed within a second instead of a tenth (ECS waits 30 s before it kills the task).

`install()` refuses (uvicorn's loop stays) when uvicorn's code does not read as expected, which
tests/webapp/test_quiet_server.py checks against the installed uvicorn.
"""

from __future__ import annotations

import asyncio
import inspect
from typing import Final

import uvicorn

TICK_SECONDS: Final = 1.0
UVICORN_TICKS_PER_TICK: Final = 10  # on_tick's "counter % 10 == 0" work runs on every tick
UVICORN_COUNTER_WRAP: Final = 864000
UVICORN_MAIN_LOOP: Final = uvicorn.Server.main_loop  # uvicorn's own, read before any install


async def main_loop(self: uvicorn.Server) -> None:
    """uvicorn's `main_loop`, ticking once a second."""
    counter = 0
    should_exit = await self.on_tick(counter)
    while not should_exit:
        counter = (counter + UVICORN_TICKS_PER_TICK) % UVICORN_COUNTER_WRAP
        await asyncio.sleep(TICK_SECONDS)
        should_exit = await self.on_tick(counter)


def reads_as_expected() -> bool:
    """uvicorn's loop sleeps 0.1 s per tick and its per-second work keys on `counter % 10`."""
    loop = inspect.getsource(UVICORN_MAIN_LOOP)
    tick = inspect.getsource(uvicorn.Server.on_tick)
    return (
        "await asyncio.sleep(0.1)" in loop
        and "counter % 864000" in loop
        and "self.on_tick(counter)" in loop
        and "if counter % 10 == 0:" in tick
        and tick.count("counter") == 2  # the parameter and that one test
    )


def install() -> bool:
    """Tick once a second; False (nothing changed) when uvicorn's loop is not as read."""
    if uvicorn.Server.main_loop is main_loop:
        return True
    if uvicorn.Server.main_loop is not UVICORN_MAIN_LOOP or not reads_as_expected():
        return False  # someone else's loop, or uvicorn's reads differently
    uvicorn.Server.main_loop = main_loop  # type: ignore[method-assign]
    return True
