"""An open page's client keeps a Request that reads like the served one but holds nothing of the
middlewares' receive chain (webapp/light_requests.py)."""

from __future__ import annotations

import gc
import weakref
from typing import Any

from nicegui import Client
from nicegui.testing import User
from starlette.requests import Request, empty_receive

from webapp import light_requests


def served_request() -> tuple[Request, weakref.ref[Any]]:
    """A Request whose receive closes over an object, as BaseHTTPMiddleware's call_next does."""

    class Machinery:
        """Stands for the finished request's streams and task-group state."""

    machinery = Machinery()

    async def receive() -> dict[str, Any]:
        assert machinery is not None
        return {"type": "http.request", "body": b"", "more_body": False}

    scope = {
        "type": "http",
        "method": "GET",
        "scheme": "https",
        "server": ("login.example.com", 443),
        "client": ("203.0.113.7", 50000),
        "root_path": "",
        "path": "/signin",
        "raw_path": b"/signin",
        "query_string": b"redirect_to=%2Faccount",
        "headers": [(b"host", b"login.example.com"), (b"accept-language", b"ja")],
        "session": {"id": "browser-1"},
        "state": {},
    }
    return Request(scope, receive), weakref.ref(machinery)


def test_the_installed_nicegui_reads_as_the_change_expects() -> None:
    """Fails after a NiceGUI upgrade that changes how Client keeps its request."""
    assert light_requests.reads_as_expected()


def test_the_light_request_reads_the_same_scope() -> None:
    served, _ = served_request()
    light = light_requests.lightened(served)
    assert light is not None
    assert light is not served
    assert light.scope is served.scope  # NiceGUI's nicegui_page_path mark lands on both
    assert light.headers["accept-language"] == "ja"
    assert light.client == served.client
    assert str(light.url) == str(served.url)
    assert light.query_params["redirect_to"] == "/account"
    assert light.session is served.session
    light.state.seen = True
    assert served.state.seen is True
    assert light.receive is empty_receive


def test_the_served_receive_chain_is_released() -> None:
    served, machinery = served_request()
    light = light_requests.lightened(served)
    del served
    gc.collect()
    assert machinery() is None  # nothing the light request holds keeps it
    assert light is not None


def test_nothing_to_lighten_is_kept_as_it_is() -> None:
    assert light_requests.lightened(None) is None
    served, _ = served_request()
    light = light_requests.lightened(served)
    assert light_requests.lightened(light) is light


async def test_a_served_page_keeps_the_light_request(user: User) -> None:
    assert light_requests.install()
    assert Client.__init__ is light_requests._init
    await user.open("/signin")
    request = user.client.request
    assert request.receive is empty_receive  # not the middlewares' wrapped receive
    assert request.url.path == "/signin"
    assert request.scope.get("nicegui_page_path") == "/signin"
    assert "id" in request.session  # NiceGUI's storage session, read through the same scope
    await user.should_see("Sign in")
