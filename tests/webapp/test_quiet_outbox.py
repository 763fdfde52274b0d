"""The outbox of an idle page waits without waking every second, and still sends, and still
ends when its page goes (webapp/quiet_outbox.py)."""

from __future__ import annotations

import asyncio

from nicegui import background_tasks, outbox, ui
from nicegui.testing import User

from webapp import quiet_outbox


def test_the_installed_nicegui_reads_as_the_change_expects() -> None:
    """Fails after a NiceGUI upgrade that changes the loop: re-read outbox.py, then adjust."""
    assert quiet_outbox.reads_as_expected()


def test_only_wait_for_differs_from_asyncio(user: User) -> None:
    assert quiet_outbox.install()
    namespace = outbox.asyncio
    assert namespace.wait_for is quiet_outbox.wait_without_timeout
    assert namespace.sleep is asyncio.sleep
    assert namespace.Event is asyncio.Event
    assert namespace.CancelledError is asyncio.CancelledError


async def test_the_wait_does_not_time_out_and_ends_when_the_event_is_set() -> None:
    assert quiet_outbox.install()
    event = asyncio.Event()
    waiting = asyncio.create_task(outbox.asyncio.wait_for(event.wait(), timeout=0.01))
    await asyncio.sleep(0.1)  # NiceGUI's wait would have raised TimeoutError by now
    assert not waiting.done()
    event.set()
    assert await asyncio.wait_for(waiting, timeout=1) is True


def outbox_loop(client_id: str) -> asyncio.Task[object]:
    name = f"outbox loop {client_id}"
    return next(task for task in background_tasks.running_tasks if task.get_name() == name)


async def test_an_idle_page_still_gets_updates_and_its_loop_ends_with_it(user: User) -> None:
    await user.open("/signin")
    client = user.client
    loop = outbox_loop(client.id)
    await asyncio.sleep(1.5)  # idle past NiceGUI's one-second wake-up
    assert not loop.done()
    with client:
        late = ui.label("sent after an idle wait")
    assert late.id in client.outbox.updates
    await asyncio.sleep(0.3)
    assert late.id not in client.outbox.updates  # the loop woke for it and sent it
    client.delete()  # what NiceGUI does reconnect_timeout after a tab closes
    await asyncio.wait_for(asyncio.shield(loop), timeout=2)
    assert loop.done()
