"""uvicorn's loop ticking once a second still does each tick's and each second's work, and stops
when asked (webapp/quiet_server.py)."""

from __future__ import annotations

import asyncio

import pytest
import uvicorn
import uvicorn.server

from webapp import quiet_server


def test_the_installed_uvicorn_reads_as_the_change_expects() -> None:
    """Fails after a uvicorn upgrade that changes its loop: re-read server.py, then adjust."""
    assert quiet_server.reads_as_expected()


def test_install_replaces_the_loop_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(uvicorn.Server, "main_loop", quiet_server.UVICORN_MAIN_LOOP)
    assert quiet_server.install()
    assert quiet_server.install()
    assert uvicorn.Server.main_loop is quiet_server.main_loop


async def test_each_tick_is_a_second_and_refreshes_the_date_header(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Fails with uvicorn's 0.1 s sleep, and if the Date header were refreshed only every
    tenth tick (as a plain counter would make uvicorn's on_tick do)."""
    server = uvicorn.Server(uvicorn.Config(app=lambda *_: None))
    slept: list[float] = []
    dated: list[float] = []
    real_sleep = asyncio.sleep

    async def recorded_sleep(seconds: float) -> None:
        slept.append(seconds)
        if len(slept) == 5:
            server.should_exit = True  # what SIGTERM's handler sets
        await real_sleep(0)

    def recorded_date(timestamp: float | None = None, **kwargs: object) -> str:
        dated.append(timestamp or 0.0)
        return "Wed, 02 Dec 2026 00:00:00 GMT"

    monkeypatch.setattr(quiet_server.asyncio, "sleep", recorded_sleep)
    monkeypatch.setattr(uvicorn.server, "formatdate", recorded_date)
    await asyncio.wait_for(quiet_server.main_loop(server), timeout=5)
    assert slept == [1.0] * 5
    assert len(dated) == 6  # the first tick and one after each sleep
    assert (b"date", b"Wed, 02 Dec 2026 00:00:00 GMT") in server.server_state.default_headers
