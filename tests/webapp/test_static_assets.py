"""Static files precompressed once (webapp/static_assets.py): negotiation, bytes, caching, attacks.

Requests go straight into the ASGI app with a hand-made scope (`call`), as uvicorn delivers them:
the path already percent-decoded and never normalized, so `..` and NUL reach the app as an
attacker sends them (an HTTP client would clean them up first).
"""

from __future__ import annotations

import asyncio
import dataclasses
import gzip
import hashlib
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import brotli
import pytest
from nicegui import __version__ as NICEGUI_VERSION
from nicegui import app, core, dependencies
from nicegui.testing import User
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from webapp import hardening, static_assets
from webapp.static_assets import (
    ASSETS,
    IMMUTABLE,
    SHORT_CACHE,
    PerRequestGZip,
    StaticAssets,
    StaticAssetsMiddleware,
    choose_encoding,
)

PREFIX = f"/_nicegui/{NICEGUI_VERSION}"
NICEGUI_STATIC = static_assets.NICEGUI_STATIC
SCRIPT = f"{PREFIX}/static/nicegui.js"
CHROME = "gzip, deflate, br, zstd"


@dataclasses.dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


async def call(
    path: str,
    headers: Iterable[tuple[str, str]] = (),
    *,
    method: str = "GET",
    query: bytes = b"",
    asgi: Any = None,
) -> Answer:
    """One request into the ASGI app (NiceGUI's, with every middleware, unless `asgi` is given)."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode("utf-8", "surrogateescape"),
        "query_string": query,
        "root_path": "",
        "headers": [(b"host", b"test")]
        + [(name.lower().encode(), value.encode()) for name, value in headers],
        "client": ("127.0.0.1", 50000),
        "server": ("test", 80),
    }
    messages: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)

    await (asgi or core.app)(scope, receive, send)
    start = messages[0]
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
    found: dict[str, str] = {}
    for name, value in start["headers"]:
        key = name.decode().lower()
        found[key] = f"{found[key]}, {value.decode()}" if key in found else value.decode()
    return Answer(start["status"], found, body)


def decoded(answer: Answer) -> bytes:
    encoding = answer.headers.get("content-encoding")
    if encoding == "br":
        return bytes(brotli.decompress(answer.body))
    if encoding == "gzip":
        return gzip.decompress(answer.body)
    assert encoding is None, encoding
    return answer.body


async def warm(path: str) -> None:
    """The first request answers with gzip and starts brotli; wait for it."""
    await call(path, [("accept-encoding", CHROME)])
    assert ASSETS.settle(60)


# --- negotiation (pure) --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("gzip, deflate, br, zstd", "br"),  # Chromium
        ("br", "br"),
        ("BR, GZIP", "br"),
        ("gzip", "gzip"),
        ("x-gzip", "gzip"),
        ("br;q=0, gzip", "gzip"),
        ("gzip;q=1.0, br;q=0.5", "gzip"),  # the client's weights win
        ("br;q=0.5, gzip;q=0.5", "br"),  # ties: brotli
        ("gzip;q=0, br;q=0", None),
        ("br;q=0, gzip;q=0, identity", None),
        ("br;q=abc, gzip", "gzip"),  # a malformed weight never makes a coding acceptable
        ("br;q=2", None),
        ("identity", None),
        ("deflate", None),
        ("*", "br"),
        ("*;q=0", None),
        ("*, br;q=0", "gzip"),
        ("", None),
        (None, None),
    ],
)
def test_the_encoding_follows_accept_encoding(header: str | None, expected: str | None) -> None:
    assert choose_encoding(header, {"br", "gzip"}) == expected


def test_only_available_encodings_are_chosen() -> None:
    assert choose_encoding("br, gzip", {"gzip"}) == "gzip"
    assert choose_encoding("br", set()) is None


# --- through the app ---------------------------------------------------------------------------


THROUGH_THE_APP = [
    (CHROME, "br"),
    ("gzip", "gzip"),
    ("br;q=0, gzip;q=1", "gzip"),
    ("gzip;q=0, br;q=0", None),
    ("identity", None),
    (None, None),
]


async def test_each_encoding_decodes_to_exactly_the_file(user: User) -> None:
    await warm(SCRIPT)
    original = (NICEGUI_STATIC / "nicegui.js").read_bytes()
    for accept, encoding in THROUGH_THE_APP:
        answer = await call(SCRIPT, [("accept-encoding", accept)] if accept is not None else [])
        assert answer.status == 200
        assert answer.headers.get("content-encoding") == encoding, accept
        assert answer.headers["vary"] == "Accept-Encoding", "and not Cookie: shared by everyone"
        assert "set-cookie" not in answer.headers
        assert answer.headers["content-type"] == "text/javascript; charset=utf-8"
        assert int(answer.headers["content-length"]) == len(answer.body)
        assert decoded(answer) == original, accept
        if encoding is not None:
            assert len(answer.body) < len(original) / 2


async def test_brotli_is_smaller_than_gzip(user: User) -> None:
    path = f"{PREFIX}/static/quasar.umd.prod.js"
    await warm(path)
    br = await call(path, [("accept-encoding", "br")])
    gz = await call(path, [("accept-encoding", "gzip")])
    assert br.headers["content-encoding"] == "br"
    assert gz.headers["content-encoding"] == "gzip"
    assert decoded(br) == decoded(gz) == (NICEGUI_STATIC / "quasar.umd.prod.js").read_bytes()
    assert len(br.body) < 0.9 * len(gz.body)


async def test_the_first_request_is_answered_before_brotli_is_ready(user: User) -> None:
    ASSETS.clear()
    first = await call(SCRIPT, [("accept-encoding", CHROME)])
    assert first.status == 200
    assert first.headers.get("content-encoding") in {"gzip", "br"}
    assert decoded(first) == (NICEGUI_STATIC / "nicegui.js").read_bytes()
    assert ASSETS.settle(60)
    assert (await call(SCRIPT, [("accept-encoding", CHROME)])).headers["content-encoding"] == "br"


async def test_incompressible_files_are_sent_as_they_are(user: User) -> None:
    font = next((NICEGUI_STATIC / "fonts").glob("*.woff2"))
    path = f"{PREFIX}/static/fonts/{font.name}"
    await warm(path)
    answer = await call(path, [("accept-encoding", CHROME)])
    assert answer.status == 200
    assert "content-encoding" not in answer.headers
    assert answer.headers["content-type"] == "font/woff2"
    assert answer.body == font.read_bytes()


async def test_etags_are_strong_per_encoding_and_answer_304(user: User) -> None:
    await warm(SCRIPT)
    br = await call(SCRIPT, [("accept-encoding", "br")])
    gz = await call(SCRIPT, [("accept-encoding", "gzip")])
    plain = await call(SCRIPT)
    tags = {br.headers["etag"], gz.headers["etag"], plain.headers["etag"]}
    assert len(tags) == 3, "each representation has its own tag"
    assert all(re.fullmatch(r'"[0-9a-f]{32}(-br|-gz)?"', tag) for tag in tags), tags
    digest = hashlib.sha256((NICEGUI_STATIC / "nicegui.js").read_bytes()).hexdigest()[:32]
    assert plain.headers["etag"] == f'"{digest}"', "the same tag on every task"

    again = await call(SCRIPT, [("accept-encoding", "br"), ("if-none-match", br.headers["etag"])])
    assert again.status == 304
    assert again.body == b""
    assert again.headers["etag"] == br.headers["etag"]
    assert again.headers["cache-control"] == IMMUTABLE
    weak = await call(
        SCRIPT, [("accept-encoding", "br"), ("if-none-match", f'"x", W/{br.headers["etag"]}')]
    )
    assert weak.status == 304
    assert (await call(SCRIPT, [("if-none-match", "*")])).status == 304
    other = await call(SCRIPT, [("accept-encoding", "gzip"), ("if-none-match", br.headers["etag"])])
    assert other.status == 200, "the gzip copy is another representation"
    assert other.headers["content-encoding"] == "gzip"


async def test_versioned_nicegui_paths_are_immutable(user: User) -> None:
    answer = await call(SCRIPT, [("accept-encoding", "br")])
    assert answer.headers["cache-control"] == IMMUTABLE
    (key, component) = next(iter(dependencies.js_components.items()))
    path = f"{PREFIX}/components/{key}"
    assert key.startswith(dependencies.compute_key(component.path, max_time=None)[:0])
    served = await call(path, [("accept-encoding", "gzip")])
    assert served.status == 200
    assert served.headers["cache-control"] == IMMUTABLE
    assert decoded(served) == component.path.read_bytes()


async def test_head_answers_the_headers_of_get_without_a_body(user: User) -> None:
    await warm(SCRIPT)
    get = await call(SCRIPT, [("accept-encoding", "br")])
    head = await call(SCRIPT, [("accept-encoding", "br")], method="HEAD")
    assert head.status == 200
    assert head.body == b""
    for name in ("content-length", "content-encoding", "etag", "content-type", "cache-control"):
        assert head.headers[name] == get.headers[name]


UNKNOWN = [
    f"{PREFIX}/static/no-such-file.js",
    f"{PREFIX}/static/",
    f"{PREFIX}/static/fonts",  # a directory
    f"{PREFIX}/components/0123456789abcdef0123456789abcdef/nothing.js",
    f"{PREFIX}/libraries/0123456789abcdef/nothing.js",
    f"{PREFIX}/esm/0123456789abcdef/index.js",
    f"{PREFIX}/resources/0123456789abcdef/x.css",
]


async def test_unknown_files_are_404_and_not_cached(user: User) -> None:
    for path in UNKNOWN:
        answer = await call(path, [("accept-encoding", CHROME)])
        assert answer.status == 404, path
        assert answer.body == b""
        assert answer.headers["cache-control"] == "no-store", "NiceGUI marked its 404s immutable"


# --- attacks -----------------------------------------------------------------------------------


def traversals() -> list[str]:
    esm_key = next(iter(dependencies.esm_modules), "0" * 32)
    climbs = "../" * 12 + "etc/passwd"
    return [
        f"{PREFIX}/static/{climbs}",
        f"{PREFIX}/static/fonts/../../../../../../../../etc/passwd",
        f"{PREFIX}/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",  # double-encoded
        f"{PREFIX}/static/./nicegui.js",
        f"{PREFIX}/static//etc/passwd",  # absolute
        f"{PREFIX}/static/%2Fetc%2Fpasswd",
        f"{PREFIX}/static/..%2f..%2f..%2fetc%2fpasswd",
        f"{PREFIX}/static/{'a/' * 600}x.js",  # very long
        f"{PREFIX}/esm/{esm_key}/{climbs}",
        f"{PREFIX}/esm/{esm_key}/../../static/nicegui.js",
        f"{PREFIX}/resources/{esm_key}/{climbs}",
        f"{PREFIX}/components/../../../../etc/passwd",
        f"{PREFIX}/libraries/../../../../etc/passwd",
        f"/_nicegui/{NICEGUI_VERSION}/../{NICEGUI_VERSION}/static/../../../etc/passwd",
        "/static/" + climbs,
        "/static//etc/passwd",
        "/static/../webapp/app.py",
    ]


async def test_paths_outside_the_directories_are_refused(user: User) -> None:
    for path in traversals():
        for method in ("GET", "HEAD"):
            answer = await call(path, [("accept-encoding", CHROME)], method=method)
            assert answer.status in {400, 404}, (path, answer.status)
            assert b"root:" not in answer.body
            assert b"import" not in answer.body


async def test_nul_bytes_and_backslashes_are_400(user: User) -> None:
    for path in (
        f"{PREFIX}/static/nicegui.js\x00.png",
        f"{PREFIX}/static/\x00",
        f"{PREFIX}/static/..\\..\\..\\etc\\passwd",
        "/static/app.css\x00",
    ):
        answer = await call(path)
        assert answer.status == 400, path
        assert answer.body == b""


async def test_symlinks_and_dot_files_are_not_served(tmp_path: Path) -> None:
    root = tmp_path / "public"
    root.mkdir()
    (root / "ok.css").write_text("body { color: red }\n" * 50)
    (root / ".env").write_text("SECRET=1")
    (tmp_path / "secret.txt").write_text("root:x:0:0")
    (root / "link.txt").symlink_to(tmp_path / "secret.txt")
    assets = StaticAssets()
    assets.nicegui = False
    assets.register("/files", root)
    stack = StaticAssetsMiddleware(PlainTextResponse("app", status_code=418), assets)
    assert (await call("/files/ok.css", asgi=stack)).status == 200
    for path in ("/files/.env", "/files/link.txt", "/files/../secret.txt", "/files/sub/../ok.css"):
        answer = await call(path, asgi=stack)
        assert answer.status == 404, path
        assert b"root:" not in answer.body


# --- the app's own directories -----------------------------------------------------------------


async def test_an_unversioned_directory_gets_a_short_cache_unless_the_url_names_the_bytes(
    tmp_path: Path,
) -> None:
    (tmp_path / "app.css").write_text("body { margin: 0 }\n" * 100)
    assets = StaticAssets()
    assets.nicegui = False
    assets.register("/mine", tmp_path)
    stack = StaticAssetsMiddleware(PlainTextResponse("app", status_code=418), assets)
    digest = hashlib.sha256((tmp_path / "app.css").read_bytes()).hexdigest()

    plain = await call("/mine/app.css", [("accept-encoding", "gzip")], asgi=stack)
    assert plain.headers["cache-control"] == SHORT_CACHE
    assert plain.headers["content-type"] == "text/css; charset=utf-8"
    current = await call("/mine/app.css", query=f"v={digest[:12]}".encode(), asgi=stack)
    assert current.headers["cache-control"] == IMMUTABLE
    stale = await call("/mine/app.css", query=b"v=0123456789ab", asgi=stack)
    assert stale.headers["cache-control"] == SHORT_CACHE, "old URL, new bytes: not for ever"
    short = await call("/mine/app.css", query=digest[:4].encode(), asgi=stack)
    assert short.headers["cache-control"] == SHORT_CACHE

    # An edited file is served anew (its ETag changes), not the cached copy.
    (tmp_path / "app.css").write_text("body { margin: 1px }\n" * 120)
    edited = await call("/mine/app.css", [("accept-encoding", "gzip")], asgi=stack)
    assert decoded(edited) == (tmp_path / "app.css").read_bytes()
    assert edited.headers["etag"] != plain.headers["etag"]
    assert (await call("/mine/other.css", asgi=stack)).status == 404
    assert (await call("/elsewhere/app.css", asgi=stack)).status == 418, "not ours: the app's"
    posted = await call("/mine/app.css", method="POST", asgi=stack)
    assert posted.status == 418, "only GET and HEAD are answered here"


async def test_webapp_static_is_served_at_static_when_it_exists(user: User) -> None:
    if not static_assets.APP_STATIC_DIRECTORY.is_dir():
        pytest.skip("no webapp/static in this checkout")
    file = next(p for p in sorted(static_assets.APP_STATIC_DIRECTORY.rglob("*")) if p.is_file())
    relative = file.relative_to(static_assets.APP_STATIC_DIRECTORY).as_posix()
    answer = await call(f"/static/{relative}", [("accept-encoding", "gzip")])
    assert answer.status == 200
    assert decoded(answer) == file.read_bytes()
    assert "etag" in answer.headers


def test_the_cache_is_bounded(tmp_path: Path) -> None:
    for number in range(20):
        (tmp_path / f"f{number}.js").write_bytes(bytes(range(256)) * 40 + str(number).encode())
    assets = StaticAssets(max_cache_bytes=50_000)
    assets.nicegui = False
    assets.register("/b", tmp_path)
    for number in range(20):
        found = assets.resolve(f"/b/f{number}.js")
        assert found is not None
        assert assets.load(found[0]) is not None
    assert assets.settle(60)
    assert assets.cached_bytes <= 50_000 + 11_000  # at most one brotli copy over, then evicted


# --- the rest of the app around it ------------------------------------------------------------


async def test_a_pages_scripts_and_styles_all_come_precompressed(user: User) -> None:
    page = await user.http_client.get("/signin")
    assert page.status_code == 200
    loaded = set(
        re.findall(r"""(?:src|href)=["'](/(?:_nicegui|static)/[^"'?]+(?:\?v=\w+)?)""", page.text)
    )
    imported = set(re.findall(r'"(/_nicegui/[^"]+\.(?:js|mjs|css))"', page.text)) - loaded
    assert any("/static/quasar.umd.prod.js" in u for u in loaded)
    assert any("/components/" in u for u in loaded | imported)
    assert any("/esm/" in u for u in imported)
    # What every page loads comes in brotli once warm; the import map's ESM bundles (loaded only
    # by pages that use them) at least in gzip on the first request, brotli following.
    eager = {u for u in loaded | imported if "/esm/" not in u}
    for url in sorted(eager):
        await warm(url.partition("?")[0])
    for url in sorted(loaded | imported):
        path, _, query = url.partition("?")
        answer = await call(path, [("accept-encoding", CHROME)], query=query.encode())
        assert answer.status == 200, url
        assert "etag" in answer.headers, f"{url} did not come from static_assets"
        if static_assets.compressible(answer.headers["content-type"]) and len(answer.body) > 200:
            wanted = {"br"} if url in eager else {"br", "gzip"}
            assert answer.headers.get("content-encoding") in wanted, url
        # hardening.py still adds its headers to these answers
        assert answer.headers["x-content-type-options"] == "nosniff", url
        assert "frame-ancestors 'none'" in answer.headers["content-security-policy"], url


async def test_assets_are_served_when_the_process_is_full(
    user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    middleware = next(m for m in app.user_middleware if m.cls is hardening.HardeningMiddleware)
    full = dataclasses.replace(app.state.webapp.config, max_sockets=0)
    monkeypatch.setitem(middleware.kwargs, "config", full)
    app.middleware_stack = None  # rebuilt with the full configuration
    assert (await call("/signin")).status == 503
    answer = await call(SCRIPT, [("accept-encoding", CHROME)])
    assert answer.status == 200
    assert answer.headers["x-frame-options"] == "DENY"


async def test_a_foreign_host_gets_no_asset(user: User) -> None:
    scope_headers = [("accept-encoding", "br")]
    stack = core.app
    answer = await call(SCRIPT, scope_headers, asgi=_with_host(stack, b"evil.com"))
    assert answer.status == 400


def _with_host(asgi: Any, host: bytes) -> Any:
    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        scope["headers"] = [(k, v) for k, v in scope["headers"] if k != b"host"] + [(b"host", host)]
        await asgi(scope, receive, send)

    return wrapped


async def test_per_request_gzip_skips_precompressed_paths_and_honours_q0(tmp_path: Path) -> None:
    (tmp_path / "a.js").write_text("let x = 1;\n" * 400)
    assets = StaticAssets()
    assets.nicegui = False
    assets.register("/s", tmp_path)

    async def page(_: Any) -> PlainTextResponse:
        return PlainTextResponse("<p>hello</p>\n" * 400, media_type="text/html")

    inner = Starlette(routes=[Route("/page", page)])
    stack = PerRequestGZip(StaticAssetsMiddleware(inner, assets), assets)
    html = await call("/page", [("accept-encoding", "gzip, br")], asgi=stack)
    assert html.headers["content-encoding"] == "gzip"
    assert gzip.decompress(html.body).startswith(b"<p>hello</p>")
    refused = await call("/page", [("accept-encoding", "gzip;q=0")], asgi=stack)
    assert "content-encoding" not in refused.headers, "Starlette's GZip alone would compress"
    identity = await call("/s/a.js", [("accept-encoding", "gzip;q=0, br;q=0")], asgi=stack)
    assert "content-encoding" not in identity.headers
    assert identity.body == (tmp_path / "a.js").read_bytes()
    once = await call("/s/a.js", [("accept-encoding", "gzip")], asgi=stack)
    assert once.headers["content-encoding"] == "gzip"
    assert gzip.decompress(once.body) == (tmp_path / "a.js").read_bytes(), "compressed once"


async def test_the_request_log_names_the_route_template(
    user: User, caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    logger = logging.getLogger("webapp.requests")
    seen: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: seen.append(record.getMessage())  # type: ignore[method-assign]
    logger.addHandler(handler)
    try:
        await call(SCRIPT, [("accept-encoding", "br")])
    finally:
        logger.removeHandler(handler)
    assert any(f'"route":"{PREFIX}/static/{{path:path}}"' in line for line in seen), seen
    assert not any("nicegui.js" in line for line in seen)


# --- transport settings (webapp/app.py) ----------------------------------------------------


async def test_pings_stay_far_inside_the_load_balancers_idle_timeout(user: User) -> None:
    from infra.web import ALB_IDLE_TIMEOUT_SECONDS
    from webapp import app as web

    await user.open("/signin")
    assert core.sio.eio.ping_interval == web.SOCKET_PING_INTERVAL_SECONDS
    assert core.sio.eio.ping_timeout == web.SOCKET_PING_TIMEOUT_SECONDS
    # Pinged well before the ALB (or a 60 s proxy) drops an idle WebSocket.
    assert web.SOCKET_PING_INTERVAL_SECONDS * 2 < 60 < ALB_IDLE_TIMEOUT_SECONDS
    # A vanished client is released within a minute (closed tabs: reconnect_timeout).
    gone = web.SOCKET_PING_INTERVAL_SECONDS + web.SOCKET_PING_TIMEOUT_SECONDS
    assert gone + app.state.webapp.config.reconnect_timeout <= 60


async def test_a_reconnect_replays_from_the_shortened_history(user: User) -> None:
    """What a reconnect does: the browser names the next message it expects, the server resends
    from its history (NiceGUI's Outbox.try_rewind), or reloads the page when it is gone."""
    from nicegui import Client

    from webapp import app as web

    assert core.app.config.message_history_length == web.MESSAGE_HISTORY_LENGTH == 100
    await user.open("/signin")
    client = next(c for c in Client.instances.values() if c.has_socket_connection)
    outbox = client.outbox
    await asyncio.sleep(0.2)
    # A browser that missed the last 40 messages (4 s of a ticking countdown, ten times over)
    # before its socket dropped: they are still in the history and are sent again, in order.
    start = outbox.next_message_id
    for number in range(150):
        await outbox._emit((client.id, "update", {"n": number}))
    assert len(outbox.message_history) == 100
    outbox.messages.clear()
    outbox.try_rewind(start + 110)
    replayed = [data["n"] for _, kind, data in outbox.messages if kind == "update"]
    assert replayed == list(range(110, 150))
    assert not any(kind == "run_javascript" for _, kind, _ in outbox.messages), "no reload"
    # Further back than the history: the page is reloaded (the server state is kept).
    ran: list[str] = []
    client.run_javascript = lambda code, **_: ran.append(code)  # type: ignore[method-assign,assignment,return-value]
    for number in range(150, 300):
        await outbox._emit((client.id, "update", {"n": number}))
    outbox.try_rewind(start + 10)
    assert any("location.reload()" in code for code in ran)
