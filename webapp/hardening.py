"""What the web tier does against foreign hosts, framing, floods and forged log lines.

- **Host**: only the configured host names (TRUSTED_HOSTS; locally the loopback names) are
  answered, so a forged `Host: evil.com` cannot shape the redirects Starlette builds from it; the
  health check is exempt (the load balancer sends the task's IP address as Host).
- **Headers** on every HTTP response: a Content-Security-Policy as strict as NiceGUI allows
  (its pages need inline scripts and Vue's runtime template compiler, so 'unsafe-inline' and
  'unsafe-eval' for scripts; everything else is 'self'), `frame-ancestors 'none'` and
  X-Frame-Options DENY, nosniff, Referrer-Policy same-origin, a Permissions-Policy denying
  what a login never needs, and HSTS over HTTPS.
- **Sockets**: socket.io messages are capped at what the forms need (the default is 1 MB); at
  most MAX_SOCKETS_PER_IP sockets per client address and MAX_SOCKETS in the process (a flood of
  open pages cannot fill the task), and page loads get a "busy, try again" page at the same cap;
  the client's `log` frames, which NiceGUI writes to the server log verbatim, are dropped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, Final

from webapp.client_ip import client_ip
from webapp.config import AppConfig
from webapp.i18n import parse_accept_language, translate

MAX_SOCKET_MESSAGE_BYTES: Final = 64 * 1024
EXEMPT_FROM_HOST_CHECK: Final = frozenset({"/healthz"})


def content_security_policy(image_origin: str = "") -> str:
    """The policy; `image_origin` is the brand's external logo host (webapp/brand.py), if any."""
    images = f"img-src 'self' data: {image_origin}".rstrip()
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
            "style-src 'self' 'unsafe-inline'",
            images,
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


PERMISSIONS_POLICY: Final = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
)
HSTS: Final = "max-age=31536000; includeSubDomains"

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
Asgi = Callable[[Scope, Receive, Send], Awaitable[None]]


def security_headers(https: bool, image_origin: str = "") -> list[tuple[bytes, bytes]]:
    headers = [
        (b"content-security-policy", content_security_policy(image_origin).encode()),
        (b"x-frame-options", b"DENY"),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
        (b"permissions-policy", PERMISSIONS_POLICY.encode()),
    ]
    if https:
        headers.append((b"strict-transport-security", HSTS.encode()))
    return headers


def host_allowed(host_header: str, trusted: tuple[str, ...]) -> bool:
    """`Host` without its port is one of the trusted names (`*.example.com` allows subdomains)."""
    host = host_header.strip().lower()
    if host.startswith("["):  # [::1]:8080
        host = host.split("]")[0] + "]"
    else:
        host = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    for name in trusted:
        if host == name or (name.startswith("*.") and host.endswith(name[1:])):
            return True
    return False


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers") or []:
        if key == name:
            return bytes(value).decode("latin-1")
    return ""


class HardeningMiddleware:
    """Pure ASGI: refuse foreign hosts, add the security headers, answer "busy" at the cap."""

    def __init__(self, app: Asgi, config: AppConfig, live_clients: Callable[[], int]) -> None:
        self.app = app
        self.config = config
        self.live_clients = live_clients

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        if path not in EXEMPT_FROM_HOST_CHECK and not host_allowed(
            _header(scope, b"host"), self.config.trusted_hosts
        ):
            await _plain(send, 400, b"Invalid host header")
            return
        https = self.config.cookie_secure or _header(scope, b"x-forwarded-proto") == "https"
        extra = security_headers(https, self.config.brand.logo_origin)
        full = self.live_clients() >= self.config.max_sockets
        if full and not path.startswith(("/_nicegui/", "/static/", "/brand/", "/healthz")):
            locale = parse_accept_language(_header(scope, b"accept-language") or None)
            body = translate("busy", locale).encode()
            await _plain(send, 503, body, [*extra, (b"retry-after", b"30")])
            return

        async def with_headers(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, with_headers)


async def _plain(
    send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class SocketCaps:
    """Counts open sockets per client address; refuses past the caps (pure bookkeeping)."""

    def __init__(self, per_ip: int, total: int) -> None:
        self.per_ip, self.total = per_ip, total
        self.by_ip: Counter[str] = Counter()
        self.owner: dict[str, str] = {}

    def admit(self, sid: str, ip: str) -> bool:
        if len(self.owner) >= self.total or self.by_ip[ip] >= self.per_ip:
            return False
        self.owner[sid] = ip
        self.by_ip[ip] += 1
        return True

    def release(self, sid: str) -> None:
        ip = self.owner.pop(sid, None)
        if ip is not None:
            self.by_ip[ip] -= 1
            if self.by_ip[ip] <= 0:
                del self.by_ip[ip]


def install(config: AppConfig) -> SocketCaps:
    """Wire all of the above into NiceGUI's app and socket.io server (idempotent per process)."""
    import socketio
    from nicegui import Client, app, core

    if not any(getattr(m, "cls", None) is HardeningMiddleware for m in app.user_middleware):
        app.add_middleware(
            HardeningMiddleware, config=config, live_clients=lambda: len(Client.instances)
        )
    sio = core.sio
    sio.eio.max_http_buffer_size = MAX_SOCKET_MESSAGE_BYTES
    caps = SocketCaps(config.max_sockets_per_address, config.max_sockets)
    handlers = sio.handlers.setdefault("/", {})
    original_connect = getattr(sio, "_login_original_connect", None) or handlers.get("connect")
    original_disconnect = getattr(sio, "_login_original_disconnect", None) or handlers.get(
        "disconnect"
    )
    sio._login_original_connect = original_connect
    sio._login_original_disconnect = original_disconnect

    async def connect(sid: str, environ: dict[str, Any], auth: Any = None) -> Any:
        ip = client_ip(
            environ.get("HTTP_X_FORWARDED_FOR"),
            environ.get("REMOTE_ADDR"),
            config.trusted_proxy_hops,
        )
        if not caps.admit(sid, ip):
            raise socketio.exceptions.ConnectionRefusedError("busy")
        if original_connect is None:
            return None
        try:
            return await original_connect(sid, environ, auth)
        except BaseException:
            caps.release(sid)
            raise

    def disconnect(sid: str, *args: Any) -> None:
        caps.release(sid)
        if original_disconnect is not None:
            original_disconnect(sid, *args)

    def drop_client_log(*_: Any) -> None:
        """Browsers may not write to the server log: forged lines, megabytes a second."""

    handlers["connect"] = connect
    handlers["disconnect"] = disconnect
    handlers["log"] = drop_client_log
    return caps
