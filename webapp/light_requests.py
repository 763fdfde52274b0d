"""An open page keeps a plain Request over its scope, not the one its HTTP request arrived as.

NiceGUI's Client keeps the page's Request for as long as the page is open: its headers, client
address and session are read later (events, reconnects, `app.storage.user`). The Request FastAPI
hands the page carries, in its `receive`, the closure of the innermost BaseHTTPMiddleware's
`call_next` (NiceGUI stacks three: its prefix redirect, Cache-Control and storage middlewares),
and with it the finished request's memory streams, task-group state and coroutines: about
16 KiB per open page (bench/page_memory.py's idle pages, 165 -> 148 KiB), all of it tracked
objects that every full garbage collection walks (bench/capacity.py, docs/webapp.md).

The Client is given `Request(scope)` instead: the same scope object (so headers, address, URL,
session, state and NiceGUI's own `nicegui_page_path` mark read and write the same), with
Starlette's empty `receive`: no page reads a request body (uploads are their own requests).
`install()` wraps `Client.__init__`; `reads_as_expected()` checks that the Client still keeps
the Request it is given, and tests/webapp/test_light_requests.py that the replacement reads like
the original.
"""

from __future__ import annotations

import functools
import inspect
from typing import Any, Final

from nicegui import Client
from starlette.requests import Request, empty_receive

_ORIGINAL_INIT: Final = Client.__init__


def lightened(request: Request | None) -> Request | None:
    """The same scope, without the middlewares' receive chain."""
    if request is None or request.receive is empty_receive:
        return request
    return Request(request.scope)


@functools.wraps(_ORIGINAL_INIT)
def _init(self: Client, *args: Any, request: Request | None = None, **kwargs: Any) -> None:
    _ORIGINAL_INIT(self, *args, request=lightened(request), **kwargs)


def reads_as_expected() -> bool:
    """Client keeps the Request it is given in `_request`, and `request` returns it."""
    init = inspect.getsource(_ORIGINAL_INIT)
    getter = Client.request.fget if isinstance(Client.request, property) else None
    return (
        "self._request = request" in init
        and getter is not None
        and "return self._request" in inspect.getsource(getter)
    )


def install() -> bool:
    """Give every new Client the light Request; False (nothing changed) if NiceGUI differs."""
    if Client.__init__ is _init:
        return True
    if not reads_as_expected():
        return False
    Client.__init__ = _init  # type: ignore[method-assign]
    return True
