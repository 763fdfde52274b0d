"""The pool's password policy shown as a checklist that updates while the user types."""

from __future__ import annotations

from nicegui import ui

from webapp.auth.flow import password_problems, password_rules
from webapp.pages.common import Page, password_input


class PasswordChecklist:
    """One line per rule of the pool, ticked when the typed password satisfies it."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.policy = page.deps.config.pool.password
        ui.label(page.t("policy_heading")).classes("text-sm")
        self.lines: dict[str, ui.icon] = {}
        with ui.column().classes("gap-0 text-sm").props('aria-live="polite"'):
            for rule in password_rules(self.policy):
                with ui.row().classes("items-center gap-1"):
                    self.lines[rule] = ui.icon("radio_button_unchecked").classes("text-grey")
                    ui.label(page.t(f"rule_{rule}", n=self.policy.minimum_length))

    def update(self, password: str | None) -> list[str]:
        """Refresh the ticks; return every rule still broken (listed or not)."""
        problems = password_problems(password or "", self.policy)
        for rule, icon in self.lines.items():
            ok = bool(password) and rule not in problems
            icon.name = "check_circle" if ok else "radio_button_unchecked"
            icon.classes(replace="text-positive" if ok else "text-grey")
        return problems

    def explain(self, problems: list[str]) -> str:
        """One sentence for the error slot: the rules broken, in the page's language."""
        rules = "; ".join(
            self.page.t(f"rule_{rule}", n=self.policy.minimum_length) for rule in problems
        )
        return f"{self.page.t('password_weak')} ({rules})"


class NewPasswordFields:
    """A new password, the pool's checklist and its confirmation: sign-up and reset share them."""

    def __init__(self, page: Page, label_key: str) -> None:
        self.page = page
        self.password = password_input(page, label_key, "new-password")
        self.checklist = PasswordChecklist(page)
        self.repeat = password_input(
            page, "confirm_password_label", "new-password", marker="repeat"
        )
        self.password.on_value_change(lambda event: self.checklist.update(event.value))

    def problem(self) -> str | None:
        """Why the typed password cannot be sent yet (policy, then confirmation), or None."""
        problems = self.checklist.update(self.password.value)
        if problems:
            return self.checklist.explain(problems)
        if self.password.value != self.repeat.value:
            self.repeat.value = ""
            return self.page.t("passwords_differ")
        return None

    def take(self) -> str:
        """The password, emptying both fields: a password is never kept on the page."""
        secret = str(self.password.value)
        self.password.value = self.repeat.value = ""
        return secret
