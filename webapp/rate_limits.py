"""Rate limits of the forms, per client address and per target account (the `limits` library).

Each action has two limits: one per client address (a flood from one place) and one per
account named in the form (many addresses aimed at one victim). Both are sliding-window counters,
in this process's memory, or in Redis with REDIS_URL so every task counts together. Accounts are
keyed by an HMAC of the normalized address, so no address sits in Redis, and the limits apply
alike to registered and unknown addresses (they reveal nothing). The defaults leave room for a
person who mistypes; each can be changed with RATE_LIMIT_<ACTION>_IP / _ACCOUNT, in the syntax
of `limits` ("30/minute", "5 per hour").
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Mapping
from typing import Any, Final, NamedTuple

from limits import RateLimitItem, parse
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from limits.storage import storage_from_string

LOGGER = logging.getLogger(__name__)


class Rule(NamedTuple):
    per_ip: str
    per_account: str


# What a real site can live with: a person retrying a few times never meets them.
DEFAULT_RULES: Final[Mapping[str, Rule]] = {
    "sign_in": Rule("30/minute", "10 per 15 minutes"),
    "code": Rule("30/minute", "30 per 15 minutes"),
    "sign_up": Rule("10/hour", "3/hour"),
    "confirm": Rule("20 per 10 minutes", "10 per 10 minutes"),
    "resend": Rule("10/hour", "3/hour"),
    "forgot": Rule("10/hour", "3/hour"),
    "reset": Rule("20 per 10 minutes", "10 per 10 minutes"),
    # The account page (per signed-in account): a stolen session cannot guess the password
    # through ChangePassword, nor hammer the account calls.
    "change_password": Rule("20 per 10 minutes", "5 per 15 minutes"),
    "sign_out_everywhere": Rule("20 per 10 minutes", "10 per 10 minutes"),
    "delete_account": Rule("20 per 10 minutes", "5 per 15 minutes"),
}


class LimitsUnavailable(RuntimeError):
    """The shared counters could not be reached: refuse rather than count nothing."""


def rules_from_env(environ: Mapping[str, str]) -> dict[str, Rule]:
    """The default rules with RATE_LIMIT_<ACTION>_IP / _ACCOUNT overrides, each parsed."""
    rules = {}
    for action, rule in DEFAULT_RULES.items():
        prefix = f"RATE_LIMIT_{action.upper()}"
        per_ip = environ.get(f"{prefix}_IP", "").strip() or rule.per_ip
        per_account = environ.get(f"{prefix}_ACCOUNT", "").strip() or rule.per_account
        for name, text in ((f"{prefix}_IP", per_ip), (f"{prefix}_ACCOUNT", per_account)):
            try:
                parse(text)
            except ValueError:
                raise ValueError(f"{name} must look like '30/minute', got {text!r}") from None
        rules[action] = Rule(per_ip, per_account)
    return rules


def storage_uri(redis_url: str) -> str:
    return f"async+{redis_url}" if redis_url else "async+memory://"


class RateLimits:
    """`allow(action, ip, account)` counts one attempt and says whether it is within limits."""

    def __init__(self, rules: Mapping[str, Rule], key: bytes, redis_url: str = "") -> None:
        options: dict[str, Any] = {}
        if redis_url:
            options = {
                "implementation": "redispy",
                "socket_timeout": 1.0,
                "socket_connect_timeout": 1.0,
            }
        self._limiter = SlidingWindowCounterRateLimiter(
            storage_from_string(storage_uri(redis_url), wrap_exceptions=True, **options)
        )
        self._items: dict[str, tuple[RateLimitItem, RateLimitItem]] = {
            action: (parse(rule.per_ip), parse(rule.per_account)) for action, rule in rules.items()
        }
        self._key = key

    def account_key(self, account: str) -> str:
        return hmac.new(self._key, account.strip().lower().encode(), hashlib.sha256).hexdigest()

    async def allow(self, action: str, ip: str, account: str | None = None) -> bool:
        """Count this attempt against both limits; False when either is exceeded."""
        per_ip, per_account = self._items[action]
        try:
            within = await self._limiter.hit(per_ip, action, "ip", ip)
            if account:
                within = (
                    await self._limiter.hit(
                        per_account, action, "account", self.account_key(account)
                    )
                    and within
                )
        except Exception as error:  # limits wraps storage errors; any of them: fail closed
            LOGGER.warning("rate limit storage failed: %s", type(error).__name__)
            raise LimitsUnavailable(type(error).__name__) from None
        return bool(within)
