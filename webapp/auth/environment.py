"""Where the login's Cognito lives: read from the environment, or from the local emulator.

The web app and the terminal client use the same variables: USER_POOL_ID, CLIENT_ID and
AWS_REGION (optional CLIENT_SECRET, optional AWS_ENDPOINT_URL). Without them they run locally.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final, Protocol

from webapp.auth.tokens import issuer_for, jwks_url_for

REQUIRED: Final = ("USER_POOL_ID", "CLIENT_ID", "AWS_REGION")


class LocalStackLike(Protocol):
    """What the emulator's running stack exposes (emulator.start_local_stack)."""

    @property
    def endpoint_url(self) -> str: ...
    @property
    def region(self) -> str: ...
    @property
    def user_pool_id(self) -> str: ...
    @property
    def client_id(self) -> str: ...
    @property
    def client_secret(self) -> str | None: ...


@dataclass(frozen=True)
class CognitoConfig:
    """One user pool and app client, deployed or emulated."""

    region: str
    user_pool_id: str
    client_id: str
    client_secret: str | None = field(default=None, repr=False)
    endpoint_url: str | None = None

    @property
    def issuer(self) -> str:
        return issuer_for(self.region, self.user_pool_id, self.endpoint_url)

    @property
    def jwks_url(self) -> str:
        return jwks_url_for(self.issuer)


def cognito_configured(environ: Mapping[str, str]) -> bool:
    """True when the environment names a pool (otherwise the app runs the local emulator)."""
    return any((environ.get(name) or "").strip() for name in REQUIRED)


def config_from_env(environ: Mapping[str, str]) -> CognitoConfig:
    """The pool from the environment; ValueError naming every missing variable."""
    values = {name: (environ.get(name) or "").strip() for name in REQUIRED}
    missing = [name for name, value in values.items() if not value]
    if missing:
        raise ValueError("missing environment variables: " + ", ".join(missing))
    return CognitoConfig(
        region=values["AWS_REGION"],
        user_pool_id=values["USER_POOL_ID"],
        client_id=values["CLIENT_ID"],
        client_secret=(environ.get("CLIENT_SECRET") or "").strip() or None,
        endpoint_url=(environ.get("AWS_ENDPOINT_URL") or "").strip() or None,
    )


def environ_for_stack(stack: LocalStackLike) -> dict[str, str]:
    """The variables that point a client at a running local stack."""
    env = {
        "USER_POOL_ID": stack.user_pool_id,
        "CLIENT_ID": stack.client_id,
        "AWS_REGION": stack.region,
        "AWS_ENDPOINT_URL": stack.endpoint_url,
    }
    if stack.client_secret:
        env["CLIENT_SECRET"] = stack.client_secret
    return env
