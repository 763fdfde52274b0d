"""NiceGUI's handler check gives NiceGUI's answers, asks once per method function, and forgets
a function that is gone (webapp/quiet_signatures.py)."""

from __future__ import annotations

import functools
import gc
import inspect
from collections.abc import Callable
from typing import Any

import pytest
from nicegui import helpers
from nicegui.helpers import functions
from nicegui.observables import ObservableDict, ObservableList

from webapp import quiet_signatures


class Handlers:
    def bare(self) -> None: ...
    def takes_event(self, event: object) -> None: ...
    def optional_event(self, event: object = None) -> None: ...
    def anything(self, *args: object, **kwargs: object) -> None: ...
    def event_and_rest(self, event: object, *rest: object) -> None: ...

    @classmethod
    def class_bare(cls) -> None: ...

    @classmethod
    def class_takes_event(cls, event: object) -> None: ...

    @staticmethod
    def static_takes_event(event: object) -> None: ...

    def __call__(self, event: object) -> None: ...


def handler_table() -> list[Callable[..., Any]]:
    one = Handlers()
    return [
        one.bare,
        one.takes_event,
        one.optional_event,
        one.anything,
        one.event_and_rest,
        Handlers.class_bare,
        Handlers.class_takes_event,
        one.static_takes_event,
        one,
        lambda: None,
        lambda event: None,
        functools.partial(lambda a, b: None, 1),
        functools.partial(lambda a, b: None, 1, 2),
        [].append,
        print,
    ]


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Installed for the test; NiceGUI's own function is back afterwards (monkeypatch)."""
    monkeypatch.setattr(helpers, "expects_arguments", helpers.expects_arguments)
    assert quiet_signatures.install()


def test_the_installed_nicegui_reads_as_the_change_expects() -> None:
    """Fails after a NiceGUI upgrade that asks elsewhere: re-read observables.py, then adjust."""
    assert quiet_signatures.reads_as_expected()


@pytest.mark.parametrize("handler", handler_table())
def test_every_answer_is_nicegui_s_own_twice(handler: Callable[..., Any]) -> None:
    expected = functions.expects_arguments(handler)
    assert quiet_signatures.expects_arguments(handler) is expected
    assert quiet_signatures.expects_arguments(handler) is expected  # the remembered answer


def test_methods_of_different_instances_share_one_answer_per_function() -> None:
    first, second = Handlers(), Handlers()
    assert quiet_signatures.expects_arguments(first.takes_event) is True
    assert quiet_signatures.expects_arguments(second.bare) is False
    assert quiet_signatures.expects_arguments(second.takes_event) is True
    assert quiet_signatures.expects_arguments(first.bare) is False


def counting_signature(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    asked: list[object] = []

    def counted(func: Callable[..., Any], **kwargs: Any) -> inspect.Signature:
        asked.append(func)
        return inspect.signature(func, **kwargs)

    monkeypatch.setattr(functions, "signature", counted)
    return asked


def test_observables_built_by_nicegui_ask_once_per_handler_function(
    installed: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fails without the change (a signature per observable) and if NiceGUI stops asking
    through `nicegui.helpers` (the replaced attribute would no longer be used)."""

    class Owner:
        def changed(self) -> None: ...

    asked = counting_signature(monkeypatch)
    owners = [Owner() for _ in range(20)]
    collections = [ObservableDict(on_change=owner.changed) for owner in owners]
    collections += [ObservableList(on_change=owner.changed) for owner in owners]
    assert len(asked) == 1
    collections[0]["key"] = "value"  # the handler still runs, without asking again
    assert len(asked) == 1


def test_a_plain_function_is_asked_every_time(
    installed: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Closures are new objects per call site anyway: nothing kept for them."""
    asked = counting_signature(monkeypatch)
    for _ in range(3):
        ObservableDict(on_change=lambda: None)
    assert len(asked) == 3


def test_a_function_that_is_gone_is_forgotten() -> None:
    def define() -> type:
        class Passing:
            def changed(self, event: object) -> None: ...

        return Passing

    kind = define()
    assert quiet_signatures.expects_arguments(kind().changed) is True
    function = kind.changed
    assert function in quiet_signatures._BY_FUNCTION
    del kind, function
    gc.collect()
    held = [f for f in quiet_signatures._BY_FUNCTION if f.__qualname__.endswith("Passing.changed")]
    assert held == []


def test_installing_twice_keeps_one_replacement(installed: None) -> None:
    assert quiet_signatures.install()
    assert helpers.expects_arguments is quiet_signatures.expects_arguments
