"""Builds the NiceGUI app for one configuration and runs it.

`build` registers routes and pages for an already chosen auth flow (the tests call it per test);
`main` reads the environment, starts the emulator in local mode, and calls `ui.run` with the
production settings.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import sys
from collections.abc import Mapping
from typing import Any

from nicegui import app, ui

from webapp import hardening
from webapp.auth.flow import AuthFlow, build_flow_from_env
from webapp.browser_store import BrowserStore, MemoryBrowserStore, RedisBrowserStore
from webapp.config import AppConfig, ConfigError, config_from_env
from webapp.local import Mailbox, local_stack
from webapp.pages import (
    account,
    code,
    confirm,
    dev_mailbox,
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
        "binding_refresh_interval": None,  # no bind_*() of plain objects: skip the polling loop
        "forwarded_allow_ips": config.forwarded_allow_ips,
        "proxy_headers": True,
        "uvicorn_logging_level": "warning",
    }


def main(environ: Mapping[str, str] | None = None) -> None:
    env = dict(os.environ if environ is None else environ)
    try:
        config = config_from_env(env)
    except ConfigError as error:
        sys.exit(f"Configuration error: {error}")
    flow, mailbox = flow_and_mailbox(config, env)
    build(config, flow, mailbox)
    app.on_startup(lambda: print(startup_banner(config), flush=True))
    ui.run(**run_options(config))
