"""NiceGUI's per-client outbox loop, without its once-a-second wake-up.

Each open page has an outbox loop that waits for something to send with
`asyncio.wait_for(event.wait(), timeout=1.0)`: an idle page wakes the server every second to
find nothing, and each wake-up creates and cancels a task and a timer. With 40 idle sign-in
pages that was most of the event loop's idle time (cProfile, docs/webapp.md) and about
0.03 ms/s per page. The timeout is only a safety net: every enqueue sets the event, and
`Outbox.stop()` sets it too "so it checks _should_stop immediately" (NiceGUI 3.18
outbox.py). So the loop here waits for the event alone.

The change is confined to that one call: NiceGUI's own loop still runs, looking up `wait_for`
on a module namespace of its own that answers everything else with `asyncio`'s. `install()`
refuses (and the app keeps NiceGUI's behaviour) when outbox.py does not read as expected,
which tests/webapp/test_quiet_outbox.py checks against the installed NiceGUI.
"""

from __future__ import annotations

import asyncio
import inspect
import types
from collections.abc import Awaitable
from typing import Any, Final, TypeVar

from nicegui import outbox

T = TypeVar("T")
TIMED_WAIT: Final = "asyncio.wait_for(self._enqueue_event.wait(), timeout=1.0)"


async def wait_without_timeout(
    awaitable: Awaitable[T],
    timeout: float | None = None,  # noqa: ASYNC109 - asyncio.wait_for's signature, unused
) -> T:
    """`asyncio.wait_for` for a wait that something always ends (here: the outbox's event)."""
    return await awaitable


class _OutboxAsyncio(types.ModuleType):
    """`asyncio` as NiceGUI's outbox module sees it: the same, but for `wait_for`."""

    wait_for = staticmethod(wait_without_timeout)

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)


def reads_as_expected() -> bool:
    """outbox.py calls `wait_for` once, for the loop's event, and `stop()` sets that event."""
    source = inspect.getsource(outbox)
    stop = inspect.getsource(outbox.Outbox.stop)
    return (
        source.count("wait_for(") == 1
        and TIMED_WAIT in inspect.getsource(outbox.Outbox.loop)
        and "self._set_enqueue_event()" in stop
    )


def install() -> bool:
    """Replace the timed wait; False (nothing changed) when NiceGUI's outbox is not as read."""
    namespace = vars(outbox)  # the module's globals: what its functions look `asyncio` up in
    if isinstance(namespace.get("asyncio"), _OutboxAsyncio):
        return True
    if not reads_as_expected():
        return False
    namespace["asyncio"] = _OutboxAsyncio("asyncio")
    return True
