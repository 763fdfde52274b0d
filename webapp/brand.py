"""The team's brand: logo and primary colour, read from the environment at start-up.

- `APP_NAME` (functions/settings.py): titles, the header, the emails.
- `APP_LOGO`: an `https://` URL, or the path of an image file in the container (SVG, PNG, WebP,
  JPEG, at most 512 KiB) that the app serves itself at `/brand/logo.<ext>`.
- `APP_PRIMARY_COLOR`: `#rrggbb` for buttons and links. A colour that cannot carry white text at
  WCAG AA (4.5:1) is refused with the ratio it reached: an unreadable button is a broken login.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

from functions.colours import AA_TEXT, DARK_PAGE, WHITE, contrast_ratio, is_hex_colour, readable_on

DEFAULT_PRIMARY: Final = "#1a5fb4"  # 6.3:1 with white
POSITIVE: Final = "#1b7a36"  # 5.4:1 on white
NEGATIVE: Final = "#b00020"  # 7.3:1 on white
MAX_LOGO_BYTES: Final = 512 * 1024
LOGO_TYPES: Final = {
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".webp": "image/webp",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}
LOGO_ROUTE: Final = "/brand/logo"
_HOST: Final = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?(?::[0-9]{1,5})?")


class BrandError(ValueError):
    """A brand setting cannot be used; the message says which and how to fix it."""


@dataclass(frozen=True)
class Brand:
    primary: str = DEFAULT_PRIMARY
    logo_url: str = ""  # what the header's <img> points at ("" = no logo)
    logo_file: Path | None = None  # served at logo_url when the logo is a local file
    logo_origin: str = ""  # an external logo's origin, allowed by the CSP's img-src

    @property
    def primary_on_dark(self) -> str:
        """Links and focus rings on the dark page: the primary, lightened until AA."""
        return readable_on(self.primary, DARK_PAGE)

    @property
    def positive_on_dark(self) -> str:
        return readable_on(POSITIVE, DARK_PAGE)

    @property
    def negative_on_dark(self) -> str:
        return readable_on(NEGATIVE, DARK_PAGE)

    @property
    def logo_type(self) -> str:
        return LOGO_TYPES[self.logo_file.suffix.lower()] if self.logo_file else ""


def brand_from_env(environ: Mapping[str, str]) -> Brand:
    primary = _primary(environ.get("APP_PRIMARY_COLOR", "").strip())
    logo = environ.get("APP_LOGO", "").strip()
    if not logo:
        return Brand(primary=primary)
    if logo.startswith("https://"):
        parts = urlsplit(logo)
        # The host goes into the Content-Security-Policy: a plain host name (and port) only.
        if not _HOST.fullmatch(parts.netloc) or any(c in logo for c in "\"'<> ;,"):
            raise BrandError(f"APP_LOGO must be an https:// URL or an image file, got {logo!r}")
        return Brand(primary, logo, None, f"https://{parts.netloc}")
    return Brand(primary, *_logo_file(Path(logo)))


def _primary(raw: str) -> str:
    if not raw:
        return DEFAULT_PRIMARY
    if not is_hex_colour(raw):
        raise BrandError(f"APP_PRIMARY_COLOR must be a colour written #rrggbb, got {raw!r}")
    ratio = contrast_ratio(raw, WHITE)
    if ratio < AA_TEXT:
        raise BrandError(
            f"APP_PRIMARY_COLOR {raw} carries white button text at {ratio:.2f}:1; WCAG AA needs "
            f"{AA_TEXT}:1. Choose a darker shade."
        )
    return raw.lower()


def _logo_file(path: Path) -> tuple[str, Path, str]:
    suffix = path.suffix.lower()
    if suffix not in LOGO_TYPES:
        raise BrandError(f"APP_LOGO must be one of {', '.join(LOGO_TYPES)}, got {str(path)!r}")
    if not path.is_file():
        raise BrandError(f"APP_LOGO names no file: {str(path)!r}")
    if path.stat().st_size > MAX_LOGO_BYTES:
        raise BrandError(f"APP_LOGO is larger than {MAX_LOGO_BYTES // 1024} KiB: {str(path)!r}")
    return f"{LOGO_ROUTE}{suffix}", path, ""
