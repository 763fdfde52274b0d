"""NiceGUI's "does this handler take the event?" answered once per method, not once per element.

Every NiceGUI element builds three observables (props, classes, style), and each asks
`helpers.expects_arguments` about its change handler: a bound method of the observable, so
`inspect.signature` runs three times per element for the same three functions. In a cProfile
of real-browser sign-ins that was a tenth of the web process's time (46 elements per sign-in,
docs/webapp.md). The answer for a bound method depends only on its function (the instance is
never part of the signature), so it is kept per function, weakly, and everything else (plain
functions, lambdas, partials, callable objects) is asked afresh as before.

`install()` replaces the one attribute NiceGUI's modules call it through (`nicegui.helpers`);
`reads_as_expected()` checks that the observables still do, and
tests/webapp/test_quiet_signatures.py that the answers are NiceGUI's own.
"""

from __future__ import annotations

import inspect
import types
import weakref
from collections.abc import Callable
from typing import Any, Final

from nicegui import helpers, observables

_ORIGINAL: Final = helpers.expects_arguments
_BY_FUNCTION: weakref.WeakKeyDictionary[types.FunctionType, bool] = weakref.WeakKeyDictionary()


def expects_arguments(func: Callable[..., Any]) -> bool:
    """NiceGUI's answer, remembered for methods (keyed by their function)."""
    if isinstance(func, types.MethodType) and isinstance(func.__func__, types.FunctionType):
        function = func.__func__
        known = _BY_FUNCTION.get(function)
        if known is None:
            known = _BY_FUNCTION[function] = _ORIGINAL(func)
        return known
    return _ORIGINAL(func)


def reads_as_expected() -> bool:
    """The observables ask through `helpers.expects_arguments` (what `install` replaces)."""
    return "helpers.expects_arguments(" in inspect.getsource(observables.ObservableCollection)


def install() -> bool:
    """Use the remembering version; False (nothing changed) when NiceGUI reads differently."""
    if helpers.expects_arguments is expects_arguments:
        return True
    if not reads_as_expected():
        return False
    helpers.expects_arguments = expects_arguments
    return True
