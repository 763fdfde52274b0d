"""The dev mailbox (local mode only): the emails the emulator captured, as a page and as JSON.

It is registered only when the app runs on the in-process emulator; a deployed app has no such
route at all, so no code can ever be read from it.
"""

from __future__ import annotations

from nicegui import app, ui
from starlette.requests import Request
from starlette.responses import JSONResponse

from webapp.local import Mailbox
from webapp.pages.common import Deps, frame, open_page


def register(deps: Deps, mailbox: Mailbox) -> None:
    @app.get("/dev/mailbox.json")
    def mailbox_json(to: str | None = None) -> JSONResponse:
        """The emulator's messages (same objects), optionally only those sent to `to`."""
        return JSONResponse(mailbox.messages(to=to or None))

    @ui.page("/dev/mailbox")
    async def mailbox_page(request: Request, to: str | None = None) -> None:
        page = await open_page(deps, request)
        with frame(page, "mailbox_title", request):
            ui.label(page.t("mailbox_intro")).classes("text-sm")
            recipient = ui.input(page.t("mailbox_filter"), value=to or "").props(
                "type=email outlined clearable"
            )
            listing = ui.column().classes("w-full gap-2")
            shown: dict[str, object] = {}

            def render() -> None:
                wanted = (recipient.value or "").strip() or None
                messages = list(reversed(mailbox.messages(to=wanted)))
                if shown.get("key") == (wanted, len(messages)):
                    return  # nothing new: keep the page as it is
                shown["key"] = (wanted, len(messages))
                listing.clear()
                with listing:
                    if not messages:
                        ui.label(page.t("mailbox_empty"))
                    for message in messages:
                        with ui.card().classes("w-full"):
                            ui.label(message.get("subject", "")).classes("font-medium")
                            ui.label(page.t("mailbox_to", to=", ".join(message.get("to", []))))
                            ui.label(str(message.get("sent_at", ""))).classes("text-xs muted")
                            ui.label(message.get("text") or "").classes("whitespace-pre-wrap")

            recipient.on_value_change(render)
            render()
            ui.timer(2.0, render)
