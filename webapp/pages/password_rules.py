"""The pool's password policy shown as a checklist that updates while the user types."""

from __future__ import annotations

from html import escape

from nicegui import ui

from webapp.auth.flow import password_problems, password_rules
from webapp.pages.common import FieldMessage, Form, Page, password_input


def checklist_html(page: Page, rules: list[str], met: set[str], list_id: str) -> str:
    """One line per rule; the mark is decoration, the words say met or not (for readers)."""
    n = page.deps.config.pool.password.minimum_length
    lines = []
    for rule in rules:
        ok = rule in met
        mark = "✓" if ok else "○"
        state = page.t("rule_met" if ok else "rule_unmet")
        lines.append(
            f'<li class="{"met" if ok else ""}"><span class="mark" aria-hidden="true">{mark}</span>'
            f"<span>{escape(page.t(f'rule_{rule}', n=n))}"
            f'<span class="sr-only">{escape(state)}</span></span></li>'
        )
    return f'<ul class="checklist text-sm" id="{list_id}">{"".join(lines)}</ul>'


class PasswordChecklist:
    """The rules of the pool, ticked as the typed password meets them.

    The list itself is not a live region (it would speak on every keystroke); one polite status
    line says how many rules are met, and only when that number changes.
    """

    def __init__(self, page: Page) -> None:
        self.page = page
        self.policy = page.deps.config.pool.password
        self.rules = password_rules(self.policy)
        self.met: set[str] = set()
        ui.label(page.t("policy_heading")).classes("text-sm")
        self.list_id = f"rules-{id(self)}"
        self.list = ui.html(
            checklist_html(page, self.rules, self.met, self.list_id), sanitize=False
        )
        self.status = ui.label("").classes("sr-only").props('role=status aria-live="polite"')

    def update(self, password: str | None) -> list[str]:
        """Refresh the ticks; return every rule still broken (listed or not)."""
        problems = password_problems(password or "", self.policy)
        met = {rule for rule in self.rules if password and rule not in problems}
        if met != self.met:
            self.met = met
            self.list.content = checklist_html(self.page, self.rules, met, self.list_id)
            self.status.text = self.page.t("rules_met", met=len(met), total=len(self.rules))
        return problems

    def explain(self, problems: list[str]) -> str:
        """One sentence for the field: the rules broken, in the page's language."""
        n = self.policy.minimum_length
        rules = self.page.t("list_separator").join(
            self.page.t(f"rule_{rule}", n=n) for rule in problems
        )
        return self.page.t("password_weak_rules", rules=rules)


class NewPasswordFields:
    """A new password, the pool's checklist and its confirmation: sign-up and reset share them."""

    def __init__(self, page: Page, label_key: str, form: Form) -> None:
        self.page = page
        self.password = password_input(page, label_key, "new-password")
        self.checklist = PasswordChecklist(page)
        self.password_message: FieldMessage = form.message_for(
            self.password, self.checklist.list_id
        )
        self.repeat = password_input(
            page, "confirm_password_label", "new-password", marker="repeat"
        )
        self.repeat_message = form.message_for(self.repeat)
        self.password.on_value_change(lambda event: self.checklist.update(event.value))

    def problems(self) -> list[tuple[FieldMessage, str | None]]:
        """Why the typed password cannot be sent yet, said at each field (for Form.reject)."""
        broken = self.checklist.update(self.password.value)
        weak = self.checklist.explain(broken) if broken else None
        differs = None
        if not weak and self.password.value != self.repeat.value:
            self.repeat.value = ""
            differs = self.page.t("passwords_differ")
        return [(self.password_message, weak), (self.repeat_message, differs)]

    def take(self) -> str:
        """The password, emptying both fields: a password is never kept on the page."""
        secret = str(self.password.value)
        self.password.value = self.repeat.value = ""
        return secret
