"""An example page for one group: only members of `analysts` (cognito:groups) open it.

Others who are signed in get the 403 page; the server-side code can call an API of its own as
the user with `identity.access_token()` (shown here as a header built but never rendered).
"""

from __future__ import annotations

from nicegui import ui

from webapp import Identity, protected_page
from webapp.i18n import CATALOG, translate


def api_headers(identity: Identity) -> dict[str, str]:
    """What a call to the team's own API would send (server side; the browser never sees it)."""
    return {"Authorization": f"Bearer {identity.access_token()}"}


@protected_page("/reports", groups={"analysts"}, title=CATALOG["reports_title"])
async def reports(identity: Identity) -> None:
    # Server side, as the user: await httpx.AsyncClient().get(url, headers=api_headers(identity))
    ui.label(translate("reports_intro", identity.locale))
    groups = ", ".join(sorted(identity.groups))
    ui.label(translate("account_groups", identity.locale, groups=groups)).mark("groups")
