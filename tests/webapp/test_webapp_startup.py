"""Start-up: what runs once the server is up, and the objects it leaves out of later
garbage collections (webapp/app.py)."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from webapp.app import freeze_startup_objects, startup_handlers, tune_socket_transport
from webapp.config import config_from_env


class Node:
    """A cycle of these is garbage only the cyclic collector frees."""

    def __init__(self) -> None:
        self.me = self


@pytest.fixture
def thawed() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()  # the rest of the suite collects as before


def garbage_cycle() -> weakref.ref[Node]:
    return weakref.ref(Node())


def test_garbage_from_start_up_is_freed_before_the_freeze(thawed: None) -> None:
    leftover = garbage_cycle()
    freeze_startup_objects()
    assert leftover() is None  # collected, not frozen for good
    assert gc.get_freeze_count() > 0


def test_what_lives_at_start_up_is_frozen_and_what_pages_make_later_is_still_freed(
    thawed: None,
) -> None:
    kept = Node()
    freeze_startup_objects()
    assert gc.get_freeze_count() > 0
    assert kept not in gc.get_objects()  # frozen objects are out of every generation
    later = garbage_cycle()  # a closed page's elements, say
    gc.collect()
    assert later() is None
    assert kept not in gc.get_objects()  # a collection leaves the frozen where they are


def test_the_freeze_runs_last_once_the_server_is_up() -> None:
    handlers = startup_handlers(config_from_env({}))
    assert handlers[-1] is freeze_startup_objects
    assert tune_socket_transport in handlers
