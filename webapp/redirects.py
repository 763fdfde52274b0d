"""Where to send a browser after sign-in: only paths of this site, never another origin.

The sign-in page takes `redirect_to` from the query string, which anyone can craft; accepting
`//evil.com`, `https://evil.com` or `/\\evil.com` (browsers read a backslash as a slash) would make
the login an open redirect used in phishing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final
from urllib.parse import urlsplit

HOME: Final = "/"
_MAX_LENGTH: Final = 2048


def safe_redirect_target(raw: str | None, default: str = HOME) -> str:
    """`raw` when it is a relative path on this site, otherwise `default`."""
    if not raw or len(raw) > _MAX_LENGTH:
        return default
    if "\\" in raw or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in raw):
        return default
    if not raw.startswith("/") or raw.startswith("//"):
        return default
    parts = urlsplit(raw)
    if parts.scheme or parts.netloc:
        return default
    return raw


def from_another_site(headers: Mapping[str, str]) -> bool:
    """A request another site made the browser send (a link, an image, a form elsewhere).

    Browsers say so in Sec-Fetch-Site; GET routes that would change the browser's state (the
    language, the page to return to after sign-in) ignore such requests instead, so a foreign
    page cannot flip them. Same-origin, same-site and typed-in requests ("none") still work.
    """
    return headers.get("sec-fetch-site", "").strip().lower() == "cross-site"
