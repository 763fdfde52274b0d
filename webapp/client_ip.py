"""Which address a request really comes from, behind the load balancer (pure).

X-Forwarded-For is "whatever the client sent, C, P1, ..." where each proxy appends the address
it received the connection from. Only the entries our own proxies appended can be trusted: with
`trusted_hops` of them in front of the app (1: the ALB; 2: CloudFront, then the ALB), the client
is the entry `trusted_hops` from the right. Anything left of it is the client's own text, which
an attacker would fill with a fresh address per request to dodge the rate limits. (Uvicorn's
proxy-header support, told to trust every proxy, takes the leftmost entry: exactly that text.)
"""

from __future__ import annotations

import ipaddress
from typing import Final

MAX_ENTRIES: Final = 32  # a longer header is cut (it only grows by one per proxy)
UNKNOWN: Final = "unknown"


def client_ip(forwarded_for: str | None, peer: str | None, trusted_hops: int) -> str:
    """The client's address, normalized; `peer` when no proxy of ours is in front."""
    if trusted_hops <= 0 or not forwarded_for:
        return _normalized(peer)
    # The right end is ours: a header cut to its last 2 KB still ends with our proxies' entries.
    entries = [entry.strip() for entry in forwarded_for[-2048:].split(",")][-MAX_ENTRIES:]
    chosen = entries[-trusted_hops] if len(entries) >= trusted_hops else entries[0]
    return _normalized(chosen)


def _normalized(text: str | None) -> str:
    try:
        return str(ipaddress.ip_address((text or "").strip()))
    except ValueError:
        return UNKNOWN
