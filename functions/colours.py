"""WCAG 2.2 contrast arithmetic for the brand colour (pure: the config and the theme use it).

A team's primary colour fills the buttons (white text) and colours the links: a colour that
cannot carry white text at 4.5:1 is refused at start-up rather than shipped unreadable, and the
dark scheme's link colour is derived from it until it reads at 4.5:1 on the dark page.
"""

from __future__ import annotations

import re
from typing import Final

AA_TEXT: Final = 4.5  # WCAG 2.2 SC 1.4.3, normal text
WHITE: Final = "#ffffff"
DARK_PAGE: Final = "#121212"  # Quasar's dark page colour
_HEX: Final = re.compile(r"#[0-9a-fA-F]{6}")


def is_hex_colour(text: str) -> bool:
    return _HEX.fullmatch(text) is not None


def _channels(colour: str) -> tuple[int, int, int]:
    if not is_hex_colour(colour):
        raise ValueError(f"a colour is written #rrggbb, got {colour!r}")
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def relative_luminance(colour: str) -> float:
    """WCAG's relative luminance of an sRGB colour."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in _channels(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: str, second: str) -> float:
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def mix(colour: str, other: str, share: float) -> str:
    """`colour` moved `share` (0..1) of the way towards `other`."""
    ours, theirs = _channels(colour), _channels(other)
    parts = (round(a + (b - a) * share) for a, b in zip(ours, theirs, strict=True))
    return "#" + "".join(f"{part:02x}" for part in parts)


def readable_on(colour: str, background: str, towards: str = WHITE) -> str:
    """The nearest tint of `colour` (moved towards `towards`) that reads at AA on `background`."""
    for step in range(21):
        candidate = mix(colour, towards, step / 20)
        if contrast_ratio(candidate, background) >= AA_TEXT:
            return candidate
    return towards
