"""Builds the NiceGUI app for one configuration and runs it.

`build` registers routes and pages for an already chosen auth flow (the tests call it per test);
`main` reads the environment, starts the emulator in local mode, and calls `ui.run` with the
production settings.
"""

from __future__ import annotations

import gc
import hashlib
import hmac
import os
import sys
from collections.abc import Callable, Mapping
from typing import Any, Final

from nicegui import app, ui

from webapp import (
    hardening,
    light_requests,
    quiet_outbox,
    quiet_server,
    quiet_signatures,
    static_assets,
    theme,
)
from webapp.auth.flow import AuthFlow, build_flow_from_env
from webapp.browser_store import BrowserStore, MemoryBrowserStore, RedisBrowserStore
from webapp.config import AppConfig, ConfigError, config_from_env
from webapp.local import Mailbox, local_stack
from webapp.pages import (
    account,
    code,
    confirm,
    dev_mailbox,
    error_pages,
    forgot,
    routes,
    signin,
    signup,
    unavailable_page,
)
from webapp.pages.common import Deps
from webapp.protected import register_app_pages
from webapp.rate_limits import RateLimits
from webapp.request_log import install as install_request_log
from webapp.request_log import instrument_flow
from webapp.sealing import Sealer


def store_for(config: AppConfig) -> BrowserStore:
    """Redis (sealed records shared by every task) with REDIS_URL, else this process's memory."""
    if config.redis_url:
        return RedisBrowserStore.from_url(config.redis_url, Sealer(config.session_key))
    return MemoryBrowserStore()


def limits_for(config: AppConfig) -> RateLimits:
    """Counters next to the records: in Redis with REDIS_URL (every task counts together)."""
    key = hmac.new(config.storage_secret.encode(), b"rate-limit-accounts", hashlib.sha256)
    return RateLimits(config.rate_rules, key.digest(), config.redis_url)


def build(
    config: AppConfig,
    flow: AuthFlow,
    mailbox: Mailbox | None = None,
    store: BrowserStore | None = None,
) -> Deps:
    """Register every route and page; the dev mailbox only when a local mailbox is given."""
    static_assets.install(app)  # NiceGUI's files and webapp/static, compressed once, from memory
    if not quiet_outbox.install():  # an idle page no longer wakes the server every second
        print("webapp: NiceGUI's outbox changed; its idle wake-ups stay", file=sys.stderr)
    if not quiet_signatures.install():  # one signature per handler function, not per element
        print("webapp: NiceGUI's observables changed; signatures stay per element", file=sys.stderr)
    if not light_requests.install():  # an open page forgets its served request's middlewares
        print("webapp: NiceGUI's Client changed; pages keep their served request", file=sys.stderr)
    instrument_flow(flow)  # one JSON line per sign-in step (webapp/request_log.py)
    install_request_log(app)  # and per HTTP request
    deps = Deps(
        config=config,
        flow=flow,
        store=store or store_for(config),
        mailbox=mailbox,
        limits=limits_for(config),
    )
    hardening.install(config)
    theme.install(config)  # brand colours, app.css/app.js, dark mode, the logo
    error_pages.register(config)
    routes.register(deps.store)
    app.on_shutdown(deps.store.close)
    unavailable_page.register()
    for module in (signin, signup, confirm, code, forgot, account):
        module.register(deps)
    register_app_pages(deps, config.app_pages)  # the product's pages (APP_PAGES), before ui.run
    if mailbox is not None and config.is_local:
        dev_mailbox.register(deps, mailbox)
    app.state.webapp = deps  # for operators' debugging and tests; never rendered
    return deps


def flow_and_mailbox(
    config: AppConfig, environ: Mapping[str, str]
) -> tuple[AuthFlow, Mailbox | None]:
    """Cognito mode: the pool named by the environment. Local mode: the in-process emulator."""
    if not config.is_local:
        return build_flow_from_env(environ), None
    stack = local_stack()
    # Real time, like the triggers and the emulator's SRP timestamp check.
    return build_flow_from_env({**environ, **stack.env()}), stack.mailbox


def startup_banner(config: AppConfig) -> str:
    lines = [
        f"{config.app_name} ({config.mode} mode, {config.store_kind} session store) "
        f"on {config.base_url}/"
    ]
    if config.is_local:
        lines.append(f"Dev mailbox: {config.base_url}/dev/mailbox (JSON: /dev/mailbox.json?to=...)")
    lines.append(f"Health check: {config.base_url}/healthz")
    return "\n".join(lines)


SOCKET_PING_INTERVAL_SECONDS: Final = 25.0
SOCKET_PING_TIMEOUT_SECONDS: Final = 20.0
"""socket.io's own defaults, instead of NiceGUI's 0.8 / 0.4 x reconnect_timeout (8 s / 4 s here).

What each value decides (python-engineio 4.x):
- keeping the connection open: the server pings every `interval` seconds and the browser answers;
  the load balancer closes a connection idle for its idle timeout (infra/web.py
  ALB_IDLE_TIMEOUT_SECONDS, 300 s), CloudFront and most proxies after 60 s or more, so 25 s keeps
  a margin of 12x to the ALB and 2.4x to a 60 s proxy;
- idle CPU: one ping and one pong per open page per interval; 25 s instead of 8 s is about a
  third of the pings (measured: bench/static_assets.py --idle);
- a closed tab: its WebSocket closes, the server sees the disconnect at once and deletes the
  client `reconnect_timeout` (10 s) later, whatever the ping interval;
- a vanished client (network gone, laptop lid closed, no close frame): the server gives up after
  `interval + timeout` (45 s instead of 12 s) without a packet, then keeps the client
  `reconnect_timeout` more: at most 55 s of one idle page's memory;
- the browser notices a dead server after `interval + timeout` without a ping (a restarted task
  closes its sockets, which the browser sees at once; this is for silent network loss);
- NiceGUI's message history keeps what was sent in the last `interval + timeout +
  reconnect_timeout` seconds (outbox.py), for replay after a reconnect, unless the browser
  acknowledged it (every 3 s).
"""
MESSAGE_HISTORY_LENGTH: Final = 100
"""The messages kept per client for replay after a reconnect (NiceGUI's default is 1000).

A browser acknowledges what it received every 3 s and the history also drops what is older than
interval + timeout + reconnect_timeout (55 s); these pages send at most a few messages a second
(the countdowns run in the browser: an idle code page sends nothing), so 100 covers a
reconnect with room to spare; past it NiceGUI reloads the page instead of replaying."""


def tune_socket_transport() -> None:
    """Set the socket.io ping after NiceGUI's start-up derived it from reconnect_timeout."""
    from nicegui import core

    core.sio.eio.ping_interval = SOCKET_PING_INTERVAL_SECONDS
    core.sio.eio.ping_timeout = SOCKET_PING_TIMEOUT_SECONDS


def freeze_startup_objects() -> None:
    """Leave what start-up built (modules, boto3's service models, NiceGUI, the routes) out of
    every later garbage collection.

    The process holds about 165,000 tracked objects once started, and a full collection scans
    them all: 66 ms on the 2-core machine, about once every six sign-ins, a fifth of the web
    CPU per sign-in (gc.callbacks in real-browser sign-ins, docs/webapp.md). Frozen, a full
    collection scans only what pages created since. Nothing built at start-up is garbage later.
    """
    gc.collect()
    gc.freeze()


def startup_handlers(config: AppConfig) -> list[Callable[[], None]]:
    """What runs once the server is up, in order; the freeze last, when everything exists."""
    return [
        lambda: print(startup_banner(config), flush=True),
        tune_socket_transport,  # after NiceGUI's own start-up set its ping
        freeze_startup_objects,
    ]


def run_options(config: AppConfig) -> dict[str, Any]:
    """The keyword arguments of `ui.run` for this configuration (production-safe defaults)."""
    return {
        "host": config.host,
        "port": config.port,
        "title": config.app_name,
        "reload": False,
        "show": False,
        "show_welcome_message": False,
        "storage_secret": config.storage_secret,
        "session_middleware_kwargs": config.session_middleware_kwargs(),
        "reconnect_timeout": config.reconnect_timeout,
        "message_history_length": MESSAGE_HISTORY_LENGTH,
        "binding_refresh_interval": None,  # no bind_*() of plain objects: skip the polling loop
        # Static files come precompressed from webapp/static_assets.py; this GZip is for the
        # page HTML and socket.io polls only (it skips the precompressed paths).
        "gzip_middleware_factory": static_assets.per_request_gzip,
        "cache_control_directives": static_assets.IMMUTABLE,
        "forwarded_allow_ips": config.forwarded_allow_ips,
        "proxy_headers": True,
        "uvicorn_logging_level": "warning",
        # socket.io pings every page already (SOCKET_PING_INTERVAL_SECONDS): no second,
        # WebSocket-level ping from uvicorn every 20 s per connection on top of it.
        "ws_ping_interval": None,
        "ws_ping_timeout": None,
        # permessage-deflate keeps a zlib compressor and decompressor per open page: 300 KiB
        # each (tracemalloc, docs/webapp.md), for messages of a few hundred bytes.
        "ws_per_message_deflate": False,
        "tailwind": False,  # webapp/static/app.css has the few utilities the pages use
        "dark": None,  # follow the system (prefers-color-scheme)
    }


def main(environ: Mapping[str, str] | None = None) -> None:
    env = dict(os.environ if environ is None else environ)
    try:
        config = config_from_env(env)
    except ConfigError as error:
        sys.exit(f"Configuration error: {error}")
    flow, mailbox = flow_and_mailbox(config, env)
    build(config, flow, mailbox)
    for handler in startup_handlers(config):
        app.on_startup(handler)
    if not quiet_server.install():  # the process wakes once a second, not ten times
        print("webapp: uvicorn's server loop changed; it ticks ten times a second", file=sys.stderr)
    ui.run(**run_options(config))
