"""NiceGUI web app: sign-up and email-code sign-in over Cognito custom authentication.

The public API for your own pages behind the login (see webapp/protected.py and docs/webapp.md):

    from webapp import Identity, protected_page
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from webapp.protected import Identity, protected_page

__all__ = ["Identity", "protected_page"]


def __getattr__(name: str) -> Any:
    """Imported on first use, so `import webapp.cli` or `webapp.config` loads no pages."""
    if name in __all__:
        from webapp import protected

        return getattr(protected, name)
    raise AttributeError(f"module 'webapp' has no attribute {name!r}")
