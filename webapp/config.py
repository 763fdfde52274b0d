"""How the web app runs, decided from the environment alone (pure: no I/O, easy to test).

Two modes: with USER_POOL_ID, CLIENT_ID and AWS_REGION it talks to that Cognito ("cognito");
with none of them it starts the emulator in-process ("local"). Half a configuration is refused,
since silently falling back to the emulator in production would be a nasty surprise.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Literal

from functions.settings import APP_NAME, PoolSettings, pool_settings_from_lookup

Mode = Literal["local", "cognito"]

COGNITO_VARIABLES: Final = ("USER_POOL_ID", "CLIENT_ID", "AWS_REGION")
DEFAULT_HOST: Final = "127.0.0.1"
DEFAULT_PORT: Final = 8080
ALB_IDLE_TIMEOUT_SECONDS: Final = 120
# NiceGUI pings every 0.8 * reconnect_timeout (8 s), far inside the ALB idle timeout. A page left
# behind keeps its server-side client this long, so it stays short; the journey's state lives in
# app.storage.user, so a reconnect after that simply reloads the page where the user was.
RECONNECT_TIMEOUT_SECONDS: Final = 10.0
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

    @property
    def is_local(self) -> bool:
        return self.mode == "local"

    @property
    def base_url(self) -> str:
        shown = "127.0.0.1" if self.host in {"0.0.0.0", "::"} else self.host  # noqa: S104
        return f"http://{shown}:{self.port}"

    def session_middleware_kwargs(self) -> dict[str, object]:
        """Starlette session cookie flags: HttpOnly always, SameSite=Lax, Secure over HTTPS."""
        return {"https_only": self.cookie_secure, "same_site": "lax", "max_age": None}


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
    return AppConfig(
        mode=mode,
        host=environ.get("HOST", "").strip() or DEFAULT_HOST,
        port=_port(environ),
        storage_secret=secret,
        cookie_secure=_flag(environ, "COOKIE_SECURE", default=not local),
        forwarded_allow_ips=environ.get("FORWARDED_ALLOW_IPS", "").strip()
        or ("127.0.0.1" if local else "*"),
        app_name=str(APP_NAME.parse(environ.get(APP_NAME.env))),
        pool=pool_settings_from_lookup(lambda s: environ.get(s.env)),
    )
