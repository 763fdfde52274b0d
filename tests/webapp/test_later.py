"""A page's one-off call for later runs where a timer would have, and not once its owner or its
page is gone (webapp/pages/later.py)."""

from __future__ import annotations

import asyncio

from nicegui import ui
from nicegui.testing import User

from webapp.pages.later import run_later


async def owner_in_a_box(user: User) -> tuple[ui.column, ui.label]:
    """A page, a container on it, and the element a call is scheduled for."""
    await user.open("/signin")
    with user.client.content:
        box = ui.column()
        with box:
            owner = ui.label("owner")
    return box, owner


async def test_the_call_runs_after_its_delay_in_the_owner_s_container(user: User) -> None:
    box, owner = await owner_in_a_box(user)
    calls: list[float] = []

    def call() -> None:
        calls.append(asyncio.get_running_loop().time())
        ui.label("made by the call")  # lands where a timer beside the owner would put it

    asked = asyncio.get_running_loop().time()
    run_later(owner, 0.2, call)
    await asyncio.sleep(0.05)
    assert calls == []
    await asyncio.sleep(0.3)
    assert len(calls) == 1
    assert calls[0] - asked >= 0.2
    assert [child.text for child in box.default_slot.children if isinstance(child, ui.label)] == [
        "owner",
        "made by the call",
    ]


async def test_an_async_call_runs_as_a_task_of_the_page(user: User) -> None:
    await user.open("/signin")
    with user.client.content:
        owner = ui.label("owner")
    done = asyncio.Event()

    async def call() -> None:
        await asyncio.sleep(0)
        ui.notify("later")  # needs the page's context across the await
        done.set()

    run_later(owner, 0, call)
    await asyncio.wait_for(done.wait(), timeout=1)


async def test_no_call_once_its_owner_is_deleted(user: User) -> None:
    """A code form replaced in place: its expiry must not touch the new step."""
    box, owner = await owner_in_a_box(user)
    calls: list[str] = []
    run_later(owner, 0.1, lambda: calls.append("ran"))
    box.clear()
    await asyncio.sleep(0.3)
    assert calls == []


async def test_the_page_s_deletion_cancels_the_call(user: User) -> None:
    await user.open("/signin")
    client = user.client
    with client.content:
        owner = ui.label("owner")
    calls: list[str] = []
    handle = run_later(owner, 60, lambda: calls.append("ran"))
    client.delete()
    assert handle.cancelled()  # nothing of the page is held for the minute
    assert calls == []
