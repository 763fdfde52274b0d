"""A text field that reports its value once typing pauses instead of on every keystroke.

NiceGUI's `ui.input` sends one socket event per keystroke, about 1.1 ms of server CPU each: half
of a complete sign-in's CPU was typing (docs/webapp.md, issue 14). This one sends the value when
typing pauses for `PAUSE_MS`, when the field loses focus, on Enter and right after a paste, so a
sign-in's fields cost a few events. Nothing waits on it for correctness: a form's submission
carries every field's current value itself (webapp/pages/common.py `Form`), after which a late
report of the same value is not sent. A field that shows an error reports at once, so its
message goes as soon as the user types (not under the cursor on the way to the button).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from nicegui import ui

REVEAL_TEXTS: Final = ("show", "hide", "show_short", "hide_short")
PAUSE_MS: Final = 300
"""Between keys a person rarely pauses this long, and a checklist that follows a pause of 0.3 s
still reads as live."""


class QuietInput(ui.input, component="quiet_input.js"):
    """`complete_length`: a code field reports at once when it holds that many characters
    (folded as webapp/auth/inputs.py folds them), so a form that submits a complete code
    itself does not wait for the pause.

    `reveal`: a password field gets a show/hide button that the browser alone runs (texts
    `show`, `hide` for readers, `show_short`, `hide_short` on the button): no element and no
    round trip per press, and the server never learns whether the password was shown.
    """

    def __init__(
        self,
        label: str,
        *,
        value: str = "",
        password: bool = False,
        pause_ms: int = PAUSE_MS,
        complete_length: int = 0,
        reveal: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(label, value=value, password=password)
        self._props["pause"] = pause_ms
        if complete_length:
            self._props["complete"] = complete_length
        if reveal:
            self._props["reveal"] = {key: reveal[key] for key in REVEAL_TEXTS}
