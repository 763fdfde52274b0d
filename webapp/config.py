"""How the web app runs, decided from the environment alone (pure: no I/O, easy to test).

Two modes: with USER_POOL_ID, CLIENT_ID and AWS_REGION it talks to that Cognito ("cognito");
with none of them it starts the emulator in-process ("local"). Half a configuration is refused,
since silently falling back to the emulator in production would be a nasty surprise.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final, Literal

from functions.settings import APP_NAME, PoolSettings, pool_settings_from_lookup
from webapp.brand import Brand, BrandError, brand_from_env
from webapp.rate_limits import DEFAULT_RULES, Rule, rules_from_env
from webapp.sealing import parse_key

Mode = Literal["local", "cognito"]

COGNITO_VARIABLES: Final = ("USER_POOL_ID", "CLIENT_ID", "AWS_REGION")
DEFAULT_HOST: Final = "127.0.0.1"
DEFAULT_PORT: Final = 8080
ALB_IDLE_TIMEOUT_SECONDS: Final = 300  # infra/web.py sets the load balancer's to this
# socket.io pings every 25 s (webapp/app.py), far inside the ALB idle timeout. A page left behind
# keeps its server-side client this long, so it stays short; the journey's state lives in the
# browser's record, so a reconnect after that simply reloads the page where the user was.
RECONNECT_TIMEOUT_SECONDS: Final = 10.0
REDIS_SCHEMES: Final = ("redis://", "rediss://")
_TRUE: Final = frozenset({"1", "true", "yes", "on"})
_FALSE: Final = frozenset({"0", "false", "no", "off"})


class ConfigError(ValueError):
    """The environment cannot run the app; the message says which variable to set and how."""


@dataclass(frozen=True)
class AppConfig:
    """Everything `ui.run` and the pages need to know about the deployment."""

    mode: Mode
    host: str
    port: int
    storage_secret: str
    cookie_secure: bool
    forwarded_allow_ips: str
    app_name: str
    pool: PoolSettings
    reconnect_timeout: float = RECONNECT_TIMEOUT_SECONDS
    # Shared per-browser records (webapp/browser_store.py): a redis:// or rediss:// URL (with
    # AUTH), and the AES-256-GCM key that seals them. Empty: this process's memory.
    redis_url: str = field(default="", repr=False)
    session_key: bytes = field(default=b"", repr=False)
    # Proxies of ours in front of the app whose X-Forwarded-For entries are trusted (1: the ALB;
    # 2: CloudFront and the ALB; 0: none, the peer address is the client).
    trusted_proxy_hops: int = 0
    # Host headers the app answers (the ALB's DNS name, the site's domain); others get 400.
    trusted_hosts: tuple[str, ...] = ("127.0.0.1", "localhost", "test")
    rate_rules: Mapping[str, Rule] = field(default_factory=lambda: dict(DEFAULT_RULES))
    # Open sockets (pages) per client address and per process (webapp/hardening.py).
    max_sockets_per_address: int = 30
    max_sockets: int = 2000
    # The modules whose `protected_page`s are registered (webapp/protected.py): APP_PAGES.
    app_pages: tuple[str, ...] = ("webapp.product",)
    # APP_LOGO and APP_PRIMARY_COLOR (webapp/brand.py); APP_NAME is app_name.
    brand: Brand = field(default_factory=Brand)

    @property
    def store_kind(self) -> str:
        return "redis" if self.redis_url else "memory"

    @property
    def is_local(self) -> bool:
        return self.mode == "local"

    @property
    def base_url(self) -> str:
        shown = "127.0.0.1" if self.host in {"0.0.0.0", "::"} else self.host  # noqa: S104
        return f"http://{shown}:{self.port}"

    def session_middleware_kwargs(self) -> dict[str, object]:
        """Starlette session cookie flags: HttpOnly always, SameSite=Lax, Secure over HTTPS.

        Over HTTPS the cookie is `__Host-` prefixed: browsers then accept it only with Secure,
        Path=/ and no Domain, so no sibling subdomain can plant or overwrite it.
        """
        return {
            "session_cookie": "__Host-session" if self.cookie_secure else "session",
            "https_only": self.cookie_secure,
            "same_site": "lax",
            "max_age": None,
            "path": "/",
        }


def _flag(environ: Mapping[str, str], name: str, default: bool) -> bool:
    raw = environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}")


def _port(environ: Mapping[str, str]) -> int:
    raw = environ.get("PORT", "").strip()
    if not raw:
        return DEFAULT_PORT
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise ConfigError(f"PORT must be an integer from 1 to 65535, got {raw!r}")
    return int(raw)


def _hops(environ: Mapping[str, str], mode: Mode) -> int:
    raw = environ.get("TRUSTED_PROXY_HOPS", "").strip()
    if not raw:
        return 0 if mode == "local" else 1
    if not raw.isdigit() or int(raw) > 5:
        raise ConfigError(f"TRUSTED_PROXY_HOPS must be an integer from 0 to 5, got {raw!r}")
    return int(raw)


def _hosts(environ: Mapping[str, str], mode: Mode, host: str) -> tuple[str, ...]:
    """TRUSTED_HOSTS, comma-separated; locally the loopback names (and the test client's)."""
    listed = tuple(h.strip().lower() for h in environ.get("TRUSTED_HOSTS", "").split(",") if h)
    if listed:
        return listed
    if mode == "cognito":
        raise ConfigError(
            "TRUSTED_HOSTS is required outside local mode: the host names the site is served "
            "under (the load balancer's DNS name, the domain), comma-separated. Requests naming "
            "any other Host are refused, so a forged Host cannot shape redirects."
        )
    local = ("127.0.0.1", "localhost", "test")
    return local if host in {"127.0.0.1", "localhost", "0.0.0.0", "::"} else (*local, host)  # noqa: S104


def _count(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise ConfigError(f"{name} must be a positive integer, got {raw!r}")
    return int(raw)


def _task_count(environ: Mapping[str, str]) -> int:
    raw = environ.get("MAX_TASKS", "").strip()
    if not raw:
        return 1
    if not raw.isdigit() or int(raw) < 1:
        raise ConfigError(f"MAX_TASKS must be a positive integer, got {raw!r}")
    return int(raw)


def _shared_store(environ: Mapping[str, str], mode: Mode, storage_secret: str) -> tuple[str, bytes]:
    """REDIS_URL and its sealing key, checked; refuse what would sign users out at random.

    Cognito mode with more than one task (MAX_TASKS, set by the Pulumi program) and no Redis is
    refused: each task would hold its own browsers, so every deploy, scale-in or lost task would
    sign its users out and drop their half-done sign-ins.
    """
    url = environ.get("REDIS_URL", "").strip()
    tasks = _task_count(environ)
    if not url:
        if mode == "cognito" and tasks > 1:
            raise ConfigError(
                f"MAX_TASKS is {tasks} but REDIS_URL is not set: with more than one task the "
                "browsers' state must be shared, or every deploy and scale-in signs users out. "
                "Set REDIS_URL (the stack's sessionStore: redis) or run a single task."
            )
        return "", b""
    if not url.startswith(REDIS_SCHEMES):
        raise ConfigError("REDIS_URL must start with redis:// or rediss:// (TLS)")
    raw_key = environ.get("SESSION_ENCRYPTION_KEY", "")
    if not raw_key.strip():
        raise ConfigError(
            "SESSION_ENCRYPTION_KEY is required with REDIS_URL: 32 random bytes in base64 that "
            "seal each browser's record (a key of its own, not STORAGE_SECRET)."
        )
    if raw_key.strip() == storage_secret:
        raise ConfigError("SESSION_ENCRYPTION_KEY must differ from STORAGE_SECRET")
    try:
        key = parse_key(raw_key)
    except ValueError as error:
        raise ConfigError(str(error)) from None
    return url, key


def _app_pages(environ: Mapping[str, str]) -> tuple[str, ...]:
    """APP_PAGES: comma-separated importable module names (default: the webapp.product package)."""
    raw = environ.get("APP_PAGES", "").strip()
    names = tuple(name.strip() for name in raw.split(",") if name.strip())
    for name in names:
        if not all(part.isidentifier() for part in name.split(".")):
            raise ConfigError(f"APP_PAGES must list module names (a.b,c), got {name!r}")
    return names or ("webapp.product",)


def mode_from_env(environ: Mapping[str, str]) -> Mode:
    """ "cognito" when all three Cognito variables are set, "local" when none is."""
    present = [name for name in COGNITO_VARIABLES if environ.get(name, "").strip()]
    if not present:
        return "local"
    if len(present) < len(COGNITO_VARIABLES):
        missing = ", ".join(name for name in COGNITO_VARIABLES if name not in present)
        raise ConfigError(
            f"Cognito mode needs USER_POOL_ID, CLIENT_ID and AWS_REGION; missing: {missing}. "
            "Unset all three to run locally on the emulator."
        )
    return "cognito"


def config_from_env(environ: Mapping[str, str]) -> AppConfig:
    """Read and check the environment; raise ConfigError with a fix for anything wrong."""
    mode = mode_from_env(environ)
    local = mode == "local"
    secret = environ.get("STORAGE_SECRET", "").strip()
    if not secret:
        if not local:
            raise ConfigError(
                "STORAGE_SECRET is required outside local mode: a long random string that signs "
                "the session cookie (for example from Secrets Manager), the same for every task."
            )
        secret = secrets.token_urlsafe(32)  # per run: local sessions end when the process does
    redis_url, session_key = _shared_store(environ, mode, secret)
    host = environ.get("HOST", "").strip() or DEFAULT_HOST
    try:
        rate_rules = rules_from_env(environ)
    except ValueError as error:
        raise ConfigError(str(error)) from None
    return AppConfig(
        mode=mode,
        host=host,
        port=_port(environ),
        storage_secret=secret,
        cookie_secure=_flag(environ, "COOKIE_SECURE", default=not local),
        forwarded_allow_ips=environ.get("FORWARDED_ALLOW_IPS", "").strip()
        or ("127.0.0.1" if local else "*"),
        app_name=str(APP_NAME.parse(environ.get(APP_NAME.env))),
        pool=pool_settings_from_lookup(lambda s: environ.get(s.env)),
        redis_url=redis_url,
        session_key=session_key,
        trusted_proxy_hops=_hops(environ, mode),
        trusted_hosts=_hosts(environ, mode, host),
        rate_rules=rate_rules,
        max_sockets_per_address=_count(environ, "MAX_SOCKETS_PER_ADDRESS", 30),
        max_sockets=_count(environ, "MAX_SOCKETS", 2000),
        app_pages=_app_pages(environ),
        brand=_brand(environ),
    )


def _brand(environ: Mapping[str, str]) -> Brand:
    try:
        return brand_from_env(environ)
    except BrandError as error:
        raise ConfigError(str(error)) from None
