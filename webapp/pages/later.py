"""A call a page schedules once, for later, without an element.

NiceGUI's `ui.timer(delay, callback, once=True)` is an element: props, classes and style
observables on the server, a Vue component (timer.js) the browser fetches, and a task that
waits out the delay. The code form needs two (the resend button, the expiry) and every
in-place step one. A handle on the event loop does the same job: it runs the callback where the
timer would have (in the owner's parent slot), and not at all once the owner or the page is gone
(the timer was deleted with its container then). The page's deletion cancels the handle; an owner
deleted earlier (a form replaced in place) keeps its callback until the delay is up, at most the
code's lifetime.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from nicegui import background_tasks, helpers
from nicegui.element import Element

Callback = Callable[[], Awaitable[None] | None]


def run_later(owner: Element, delay: float, callback: Callback) -> asyncio.TimerHandle:
    """`callback` after `delay` seconds in `owner`'s parent slot, unless `owner` or its page is
    deleted by then; an async callback runs as a background task of that page."""
    client = owner.client
    slot = owner.parent_slot

    def gone() -> bool:
        return owner.is_deleted or client.is_deleted

    async def call() -> None:
        result = callback()
        if helpers.should_await(result):
            await result

    def start() -> None:
        if not gone():
            background_tasks.create(call(), name=f"later {callback}", context=slot)

    handle = asyncio.get_running_loop().call_later(max(0.0, delay), start)
    client.on_delete(handle.cancel)
    return handle
