"""Static files compressed once (brotli 11 and gzip 9), then served from memory.

NiceGUI serves its scripts and styles with a `FileResponse` per request and Starlette's GZip
middleware compresses each one again, every time: 23 ms of CPU for quasar.umd.prod.js alone, about
a quarter of the web tier's CPU on a first visit. Here each file is read and compressed once, kept
in a bounded in-memory cache, and answered by a plain ASGI middleware:

- the encoding is chosen from `Accept-Encoding` (the highest q wins, ties go br > gzip; q=0
  excludes a coding; identity when nothing else is acceptable or the header is missing);
- `Content-Encoding`, `Vary: Accept-Encoding`, `Content-Type`, `Content-Length`, a strong `ETag`
  per representation (sha256 of the file, `-br` / `-gz` for the compressed ones) and 304 on a
  matching `If-None-Match`; HEAD answers the same headers without the body;
- `Cache-Control: public, max-age=31536000, immutable` only where the URL changes whenever the
  bytes can: NiceGUI's files under `/_nicegui/{version}/static/` belong to the installed package of
  that version, and its components, libraries, ESM modules and resources additionally carry a key
  hashed from the file's path and modification time (nicegui/dependencies.py `compute_key`).
  The app's own directories are not versioned by NiceGUI: a request whose `?v=` is the start of the
  file's sha256 (webapp/theme.py `versioned`) is immutable, anything else gets `SHORT_CACHE` and
  is revalidated with the ETag;
- only files inside the registered directories are served: `.` / `..` / empty / dot-file
  segments, backslashes, NUL and over-long paths are refused (400 or 404) before the file system
  is touched, and the resolved file must still be inside its directory (no symlink escapes).

The first request for a file reads it and compresses it with gzip in a worker thread (milliseconds)
and is answered at once; brotli 11 (up to a second for the largest file) runs in one background
thread and is used from the next request on. `warm()` does both for the files a page loads at
start-up, so the first visitor already gets brotli.

Register another directory with `register("/prefix", directory)` (at any time; the middleware reads
the list per request). `install()` registers NiceGUI's paths and, when it exists, `webapp/static`
at `/static`.

The page HTML and socket.io's polling answers stay with a per-request GZip (`per_request_gzip`, the
`gzip_middleware_factory` of `ui.run`), which skips everything this module answers and honours
`gzip;q=0`, which Starlette's GZip ignores.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import mimetypes
import os
import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Final
from urllib.parse import parse_qs

import brotli
from nicegui import __version__ as NICEGUI_VERSION
from nicegui import dependencies
from starlette.middleware.gzip import GZipMiddleware

IMMUTABLE: Final = "public, max-age=31536000, immutable"
SHORT_CACHE: Final = "public, max-age=300"
"""Unversioned URLs of the app's own files: five minutes, then a revalidation (304 when same)."""
NOT_FOUND_CACHE: Final = "no-store"
MAX_PATH_CHARS: Final = 1024
MAX_FILE_BYTES: Final = 8 * 1024 * 1024
"""Larger files are left to NiceGUI's own routes (none of a page's files is near this)."""
MAX_CACHE_BYTES: Final = 64 * 1024 * 1024
"""Every NiceGUI static file with both compressed copies takes about 12 MiB."""
MAX_PENDING_BROTLI: Final = 256
GZIP_LEVEL: Final = 9
BROTLI_QUALITY: Final = 11
PAGE_GZIP_LEVEL: Final = 6
"""Per-request HTML: /signin's 13.9 KB give 4.50 KB (level 9: 4.49 KB) in 0.31 ms (9: 0.37 ms)."""
MIN_SAVING: Final = 0.95
"""A compressed copy is kept only when it is at most 95 % of the file."""
VERSION_PARAMETER: Final = "v"
MIN_VERSION_CHARS: Final = 8
INCOMPRESSIBLE: Final = frozenset(
    {
        "font/woff",
        "font/woff2",
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "image/avif",
        "application/zip",
        "application/gzip",
        "application/x-gzip",
        "application/wasm",
    }
)
NICEGUI_PREFIX: Final = f"/_nicegui/{NICEGUI_VERSION}"
NICEGUI_STATIC: Final = Path(dependencies.__file__).resolve().parent / "static"
APP_STATIC_PREFIX: Final = "/static"
APP_STATIC_DIRECTORY: Final = Path(__file__).resolve().parent / "static"
PAGE_FILES: Final = (
    # What Chromium loads for a NiceGUI 3.18 page (besides components): warmed at start-up.
    "fonts.css",
    "nicegui.css",
    "nicegui.js",
    "quasar.important.prod.css",
    "quasar.unimportant.prod.css",
    "quasar.umd.prod.js",
    "socket.io.min.js",
    "tailwindcss.min.js",
    "vue.esm-browser.prod.js",
    "dompurify.mjs",
    "immutable.es.js",
    "sass.default.js",
    "lang/en-US.umd.prod.js",
    "lang/ja.umd.prod.js",
)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

mimetypes.add_type("text/javascript", ".js")
mimetypes.add_type("text/javascript", ".mjs")
mimetypes.add_type("text/css", ".css")
mimetypes.add_type("font/woff2", ".woff2")


# --- choosing an encoding ----------------------------------------------------------------------


def accepted_codings(header: str | None) -> dict[str, float]:
    """`Accept-Encoding` as {coding: q}; a malformed q counts as 0 (never as acceptable)."""
    codings: dict[str, float] = {}
    for item in (header or "").split(","):
        name, _, parameters = item.strip().partition(";")
        name = name.strip().lower()
        if not name:
            continue
        q = 1.0
        for parameter in parameters.split(";"):
            key, _, value = parameter.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = 0.0
                if not 0.0 <= q <= 1.0:
                    q = 0.0
        codings[name] = q
    if "x-gzip" in codings and "gzip" not in codings:
        codings["gzip"] = codings["x-gzip"]
    return codings


def choose_encoding(header: str | None, available: Iterable[str]) -> str | None:
    """'br', 'gzip' or None (identity): the highest q among the available, ties br > gzip."""
    codings = accepted_codings(header)
    wildcard = codings.get("*", 0.0)
    best: tuple[float, int] | None = None
    chosen: str | None = None
    for rank, coding in enumerate(("br", "gzip")):
        if coding not in available:
            continue
        q = codings.get(coding, wildcard)
        if q > 0 and (best is None or (q, -rank) > best):
            best, chosen = (q, -rank), coding
    return chosen


def etag_matches(if_none_match: str, etag: str) -> bool:
    """Weak comparison (RFC 9110 13.1.2) of each listed tag, or `*`."""
    for listed in if_none_match.split(","):
        tag = listed.strip()
        if tag == "*" or tag.removeprefix("W/") == etag:
            return True
    return False


# --- the cached representations ----------------------------------------------------------------


@dataclass
class Asset:
    content_type: str
    body: bytes
    digest: str
    gzip: bytes | None = None
    br: bytes | None = None
    br_pending: bool = False
    stamp: tuple[int, int] | None = None

    @property
    def size(self) -> int:
        return len(self.body) + len(self.gzip or b"") + len(self.br or b"")

    def variant(self, encoding: str | None) -> tuple[bytes, str]:
        tag = self.digest[:32]
        if encoding == "br" and self.br is not None:
            return self.br, f'"{tag}-br"'
        if encoding == "gzip" and self.gzip is not None:
            return self.gzip, f'"{tag}-gz"'
        return self.body, f'"{tag}"'

    def available(self) -> set[str]:
        return {name for name, body in (("br", self.br), ("gzip", self.gzip)) if body is not None}


def content_type_of(name: str) -> str:
    guessed = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if guessed.startswith("text/") or guessed in {"application/json", "image/svg+xml"}:
        return f"{guessed}; charset=utf-8"
    return guessed


def compressible(content_type: str) -> bool:
    return content_type.partition(";")[0] not in INCOMPRESSIBLE


def gzip_bytes(data: bytes) -> bytes:
    return gzip.compress(data, GZIP_LEVEL, mtime=0)  # mtime 0: the same bytes on every task


def brotli_bytes(data: bytes) -> bytes:
    return bytes(brotli.compress(data, quality=BROTLI_QUALITY))


def _worth(compressed: bytes, original: bytes) -> bytes | None:
    return compressed if len(compressed) <= MIN_SAVING * len(original) else None


@dataclass(frozen=True)
class Source:
    """Where an asset's bytes come from: a file (checked by stat) or text held by NiceGUI."""

    key: str
    content_type: str
    path: Path | None = None
    text: str | None = None
    versioned: bool = True  # the URL changes with the bytes
    asked_version: str = ""  # else: the request's ?v=, immutable when it is the file's digest

    def cache_control(self, asset: Asset) -> str:
        if self.versioned:
            return IMMUTABLE
        asked = self.asked_version.lower()
        if len(asked) >= MIN_VERSION_CHARS and asset.digest.startswith(asked):
            return IMMUTABLE
        return SHORT_CACHE


@dataclass(frozen=True)
class Mount:
    prefix: str  # "/static" (no trailing slash)
    directory: Path  # resolved
    versioned: bool  # True: the URL changes with the bytes (immutable)
    route: Any = field(compare=False)


class Refused(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


def safe_segments(relative: str) -> list[str]:
    """The path below a prefix as segments, or Refused: nothing that could climb or hide."""
    if "\x00" in relative or "\\" in relative:
        raise Refused(400)
    segments = relative.split("/")
    for segment in segments:
        if not segment or segment in {".", ".."} or segment.startswith("."):
            raise Refused(404)
    return segments


def file_inside(directory: Path, segments: list[str]) -> Path:
    candidate = directory.joinpath(*segments)
    try:
        resolved = candidate.resolve(strict=True)
    except (OSError, RuntimeError):
        raise Refused(404) from None
    if not resolved.is_relative_to(directory) or not resolved.is_file():
        raise Refused(404)
    return resolved


class StaticAssets:
    """The registered directories, NiceGUI's registries, the bounded cache of compressed files."""

    def __init__(self, max_cache_bytes: int = MAX_CACHE_BYTES) -> None:
        self.mounts: list[Mount] = []
        self.max_cache_bytes = max_cache_bytes
        self._cache: OrderedDict[str, Asset] = OrderedDict()
        self._cached_bytes = 0
        self._lock = threading.Lock()
        self._loading: dict[str, threading.Lock] = {}
        self._brotli = ThreadPoolExecutor(max_workers=1, thread_name_prefix="brotli")
        self._pending = 0
        self._idle = threading.Condition(self._lock)
        self.nicegui = True

    # --- registration ---------------------------------------------------------------------------

    def register(self, prefix: str, directory: Path | str, *, versioned: bool = False) -> None:
        """Serve the files below `directory` at `prefix/<path>` (idempotent per prefix)."""
        prefix = "/" + prefix.strip("/")
        resolved = Path(directory).resolve()
        self.mounts = [m for m in self.mounts if m.prefix != prefix]
        route = SimpleNamespace(path=f"{prefix}/{{path:path}}")
        self.mounts.append(Mount(prefix, resolved, versioned, route))
        self.mounts.sort(key=lambda m: len(m.prefix), reverse=True)

    def owns(self, scope: Scope) -> bool:
        """A GET or HEAD below one of the prefixes: this module answers it, whatever the path."""
        if scope.get("type") != "http" or scope.get("method") not in {"GET", "HEAD"}:
            return False
        return self._match(str(scope.get("path", ""))) is not None

    def _match(self, path: str) -> tuple[str, str, Any] | None:
        for mount in self.mounts:
            if path.startswith(mount.prefix + "/"):
                return "mount", path[len(mount.prefix) + 1 :], mount
        if self.nicegui and path.startswith(NICEGUI_PREFIX + "/"):
            kind, _, rest = path[len(NICEGUI_PREFIX) + 1 :].partition("/")
            if kind in {"components", "libraries", "esm", "resources"}:
                return kind, rest, SimpleNamespace(path=f"{NICEGUI_PREFIX}/{kind}/{{key:path}}")
        return None

    def resolve(self, path: str, query_string: bytes = b"") -> tuple[Source, Any] | None:
        """The source for a request path, None when not ours; raises Refused for a bad path."""
        matched = self._match(path)
        if matched is None:
            return None
        kind, relative, owner = matched
        if len(path) > MAX_PATH_CHARS:
            raise Refused(404)
        segments = safe_segments(relative)
        if kind == "mount":
            mount: Mount = owner
            file = file_inside(mount.directory, segments)
            asked = ""
            if not mount.versioned:
                query = parse_qs(query_string.decode("latin-1"))
                asked = query.get(VERSION_PARAMETER, [""])[-1]
            source = Source(
                str(file), content_type_of(file.name), file, None, mount.versioned, asked
            )
            return source, mount.route
        key = "/".join(segments)
        if kind == "components":
            if key in dependencies.js_components:
                file = dependencies.js_components[key].path
                return self._file_source(file, "text/javascript; charset=utf-8"), owner
            if key in dependencies.vue_components:
                text = dependencies.vue_components[key].script
                source = Source(f"vue:{key}", "text/javascript; charset=utf-8", text=text)
                return source, owner
            raise Refused(404)
        if kind == "libraries":
            is_map = key.endswith(".map")
            library = dependencies.libraries.get(key[:-4] if is_map else key)
            if library is None:
                raise Refused(404)
            file = library.path.with_name(library.path.name + ".map") if is_map else library.path
            return self._file_source(file, "text/javascript; charset=utf-8"), owner
        # esm/{key}/{path} and resources/{key}/{path}: files below a registered directory
        registry: dict[str, Any] = (
            dependencies.esm_modules if kind == "esm" else dependencies.resources
        )
        entry = registry.get(segments[0])
        if entry is None or len(segments) < 2:
            raise Refused(404)
        file = file_inside(Path(entry.path).resolve(), segments[1:])
        return self._file_source(file, content_type_of(file.name)), owner

    @staticmethod
    def _file_source(file: Path, content_type: str) -> Source:
        if not file.is_file():
            raise Refused(404)
        return Source(str(file), content_type, path=file)

    # --- the cache ------------------------------------------------------------------------------

    def _cached(self, key: str, stamp: tuple[int, int] | None) -> Asset | None:
        with self._lock:
            asset = self._cache.get(key)
            if asset is None or asset.stamp != stamp:
                return None
            self._cache.move_to_end(key)
            return asset

    def load(self, source: Source) -> Asset | None:
        """The cached asset, reading and gzipping it once (blocking: call in a thread when cold).

        None when the file is too large to keep (left to NiceGUI) or vanished.
        """
        stamp = _stamp(source.path) if source.path is not None else None
        asset = self._cached(source.key, stamp)
        if asset is not None:
            return asset
        with self._lock:
            key_lock = self._loading.setdefault(source.key, threading.Lock())
        with key_lock:
            asset = self._cached(source.key, stamp)
            if asset is None:
                asset = self._read(source, stamp)
                if asset is not None:
                    self._store(source.key, asset)
        with self._lock:
            self._loading.pop(source.key, None)
        if asset is not None:
            self._schedule_brotli(asset)
        return asset

    def _read(self, source: Source, stamp: tuple[int, int] | None) -> Asset | None:
        if source.path is not None:
            if stamp is None or stamp[1] > MAX_FILE_BYTES:
                return None
            try:
                body = source.path.read_bytes()
            except OSError:
                return None
        else:
            body = (source.text or "").encode()
        asset = Asset(source.content_type, body, hashlib.sha256(body).hexdigest())
        asset.stamp = stamp
        if compressible(source.content_type) and body:
            asset.gzip = _worth(gzip_bytes(body), body)
            asset.br_pending = True
        return asset

    def _store(self, key: str, asset: Asset) -> None:
        with self._lock:
            old = self._cache.pop(key, None)
            if old is not None:
                self._cached_bytes -= old.size
            self._cache[key] = asset
            self._cached_bytes += asset.size
            while self._cached_bytes > self.max_cache_bytes and len(self._cache) > 1:
                _, evicted = self._cache.popitem(last=False)
                self._cached_bytes -= evicted.size

    def _schedule_brotli(self, asset: Asset) -> None:
        with self._lock:
            if not asset.br_pending or self._pending >= MAX_PENDING_BROTLI:
                return
            asset.br_pending = False
            self._pending += 1
        self._brotli.submit(self._compress_brotli, asset)

    def _compress_brotli(self, asset: Asset) -> None:
        try:
            br = _worth(brotli_bytes(asset.body), asset.body)
            with self._lock:
                asset.br = br
                if br is not None:
                    self._cached_bytes += len(br)
        finally:
            with self._lock:
                self._pending -= 1
                self._idle.notify_all()

    def settle(self, timeout: float = 60.0) -> bool:
        """Block until every scheduled brotli copy is done (tests, benchmarks, warm-up)."""
        with self._lock:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()
            self._cached_bytes = 0

    @property
    def cached_bytes(self) -> int:
        return self._cached_bytes

    def warm(self) -> int:
        """Read, gzip and (in the background) brotli a page's files: NiceGUI's and ours."""
        from nicegui import core

        tailwind = getattr(core.app.config, "tailwind", True)
        names = [n for n in PAGE_FILES if tailwind or not n.startswith("tailwind")]
        paths = [f"{NICEGUI_PREFIX}/static/{name}" for name in names]
        paths += [f"{NICEGUI_PREFIX}/components/{key}" for key in dependencies.js_components]
        paths += [f"{NICEGUI_PREFIX}/components/{key}" for key in dependencies.vue_components]
        for mount in self.mounts:
            if not mount.versioned and mount.directory.is_dir():
                for file in sorted(mount.directory.rglob("*")):
                    relative = file.relative_to(mount.directory).as_posix()
                    if file.is_file() and not any(p.startswith(".") for p in relative.split("/")):
                        paths.append(f"{mount.prefix}/{relative}")
        done = 0
        for path in paths:
            try:
                found = self.resolve(path)
            except Refused:
                continue
            if found is not None and self.load(found[0]) is not None:
                done += 1
        return done

    # --- answering ------------------------------------------------------------------------------

    async def respond(self, scope: Scope, send: Send) -> bool:
        """Answer the request if it is ours (True), else leave it to the app (False)."""
        path = str(scope.get("path", ""))
        try:
            found = self.resolve(path, bytes(scope.get("query_string") or b""))
        except Refused as refused:
            await _send(scope, send, refused.status, _plain_headers(refused.status), b"")
            return True
        if found is None:
            return False
        source, route = found
        scope["route"] = route  # the request log names the route template, not the raw path
        stamp = _stamp(source.path) if source.path is not None else None
        asset = self._cached(source.key, stamp)
        if asset is None:
            asset = await asyncio.to_thread(self.load, source)
            if asset is None:
                return False  # too large to keep: NiceGUI's own route serves it
        elif asset.br_pending:
            self._schedule_brotli(asset)
        headers = dict(_header_items(scope))
        encoding = choose_encoding(
            headers.get(b"accept-encoding", b"").decode("latin-1"), asset.available()
        )
        body, etag = asset.variant(encoding)
        common = [
            (b"etag", etag.encode()),
            (b"cache-control", source.cache_control(asset).encode()),
            (b"vary", b"Accept-Encoding"),
        ]
        if_none_match = headers.get(b"if-none-match")
        if if_none_match is not None and etag_matches(if_none_match.decode("latin-1"), etag):
            await _send(scope, send, 304, common, b"")
            return True
        response_headers = [
            (b"content-type", asset.content_type.encode()),
            (b"content-length", str(len(body)).encode()),
            *common,
        ]
        if encoding is not None:
            response_headers.append((b"content-encoding", encoding.encode()))
        await _send(scope, send, 200, response_headers, body)
        return True


def _stamp(path: Path | None) -> tuple[int, int] | None:
    if path is None:
        return None
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_mtime_ns, status.st_size


def _header_items(scope: Scope) -> Iterable[tuple[bytes, bytes]]:
    for name, value in scope.get("headers") or []:
        yield bytes(name).lower(), bytes(value)


def _plain_headers(status: int) -> list[tuple[bytes, bytes]]:
    return [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", b"0"),
        (b"cache-control", NOT_FOUND_CACHE.encode()),
    ]


async def _send(
    scope: Scope, send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes
) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})


class StaticAssetsMiddleware:
    """Pure ASGI: GET and HEAD below the registered prefixes are answered from the cache."""

    def __init__(self, app: ASGIApp, assets: StaticAssets) -> None:
        self.app = app
        self.assets = assets

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.assets.owns(scope) and await self.assets.respond(scope, send):
            return
        await self.app(scope, receive, send)


class PerRequestGZip:
    """Starlette's GZip for what is not precompressed (pages, socket.io polls), honouring q=0."""

    def __init__(self, app: ASGIApp, assets: StaticAssets, compresslevel: int = PAGE_GZIP_LEVEL):
        self.app = app
        self.assets = assets
        self.gzip = GZipMiddleware(app, minimum_size=500, compresslevel=compresslevel)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") != "http" or self.assets.owns(scope):
            await self.app(scope, receive, send)
            return
        header = dict(_header_items(scope)).get(b"accept-encoding", b"").decode("latin-1")
        if choose_encoding(header, {"gzip"}) != "gzip":
            await self.app(scope, receive, send)
            return
        await self.gzip(scope, receive, send)


ASSETS: Final = StaticAssets()
ENABLED = True
"""False leaves it all to NiceGUI (FileResponse, per-request GZip 9): the benchmark's baseline."""


def per_request_gzip(app: ASGIApp) -> Any:
    """`gzip_middleware_factory` for `ui.run`."""
    if not ENABLED:
        return GZipMiddleware(app)
    return PerRequestGZip(app, ASSETS)


def install(app: Any, assets: StaticAssets = ASSETS) -> StaticAssets:
    """Serve NiceGUI's paths, and `webapp/static` at `/static` when it exists, from the cache.

    The answers go through the app's own middlewares (security headers, host check, busy page,
    request log) but not through those that only cost time here: the session cookie and NiceGUI's
    per-request storage (two BaseHTTPMiddlewares, an HMAC and a user storage created per
    cookieless request, `Set-Cookie` and `Vary: Cookie` on a file every browser shares), NiceGUI's
    Cache-Control rewrite (which marked even a 404 immutable) and the per-request GZip. Everything
    else takes the app's full stack, unchanged. Idempotent: `build` calls it once per app.
    """
    if not ENABLED:
        return assets
    assets.register(f"{NICEGUI_PREFIX}/static", NICEGUI_STATIC, versioned=True)
    if APP_STATIC_DIRECTORY.is_dir():
        assets.register(APP_STATIC_PREFIX, APP_STATIC_DIRECTORY)
    original = getattr(app, "_static_assets_original_build", None) or app.build_middleware_stack
    app._static_assets_original_build = original

    def build_middleware_stack() -> ASGIApp:
        stack: ASGIApp = original()
        chain: ASGIApp = StaticAssetsMiddleware(stack, assets)  # falls back to the full stack
        for cls, args, kwargs in reversed(app.user_middleware):
            if not _skipped_for_assets(cls):
                chain = cls(chain, *args, **kwargs)
        return FrontDoor(stack, chain, assets)

    app.build_middleware_stack = build_middleware_stack
    app.middleware_stack = None
    app.on_startup(lambda: threading.Thread(target=assets.warm, daemon=True).start())
    return assets


def _skipped_for_assets(cls: Any) -> bool:
    from nicegui.middlewares import RedirectWithPrefixMiddleware, SetCacheControlMiddleware
    from nicegui.storage import RequestTrackingMiddleware
    from starlette.middleware.sessions import SessionMiddleware

    skipped = (
        SessionMiddleware,
        RequestTrackingMiddleware,
        SetCacheControlMiddleware,
        RedirectWithPrefixMiddleware,
        GZipMiddleware,
    )
    return cls is per_request_gzip or (isinstance(cls, type) and issubclass(cls, skipped))


class FrontDoor:
    """Outermost: static paths take the short chain, everything else the app's full stack."""

    def __init__(self, stack: ASGIApp, assets_chain: ASGIApp, assets: StaticAssets) -> None:
        self.stack = stack
        self.assets_chain = assets_chain
        self.assets = assets

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.assets.owns(scope):
            await self.assets_chain(scope, receive, send)
        else:
            await self.stack(scope, receive, send)
