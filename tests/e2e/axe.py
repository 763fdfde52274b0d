"""axe-core (Deque, MPL-2.0, from npm) in a Playwright page: WCAG 2.0/2.1/2.2 A and AA plus
best practice, and an assertion that lists every serious or critical violation.

`python3 dev.py test` installs it (`npm ci` in tests/e2e, from package-lock.json) and passes its
path in AXE_CORE_PATH; without it the default location tests/e2e/node_modules is used. Where it
cannot be found the accessibility tests are skipped with a message saying how to install it,
except under CI (CI=true), where that is a failure: CI must never pass by skipping them.

Injection: `page.add_script_tag(content=...)` adds an inline script, which the app's CSP allows
(`script-src 'self' 'unsafe-inline' 'unsafe-eval'`), so the pages are checked under their real
CSP; no `bypass_csp` anywhere. Should a stricter CSP ever block it, the script is evaluated
through the DevTools protocol instead (`page.evaluate`, which CSP does not govern).
"""

from __future__ import annotations

import contextlib
import os
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

DEFAULT_AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice")
BLOCKING_IMPACTS = ("serious", "critical")


def axe_path() -> Path:
    """axe.min.js: AXE_CORE_PATH, else tests/e2e/node_modules; skip (fail under CI) if absent."""
    configured = os.environ.get("AXE_CORE_PATH")
    path = Path(configured) if configured else DEFAULT_AXE
    if path.is_file():
        return path
    message = (
        f"axe-core not found at {path}: `python3 dev.py test` installs it (`npm ci` in "
        "tests/e2e), or set AXE_CORE_PATH to axe.min.js"
    )
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(message)
    pytest.skip(message)


@cache
def _source(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def inject(page: Page) -> None:
    """Load axe into the page once per document (a navigation drops it; an in-place render
    keeps it)."""
    if page.evaluate("typeof window.axe === 'object' && typeof window.axe.run === 'function'"):
        return
    source = _source(axe_path())
    with contextlib.suppress(PlaywrightError):  # blocked (CSP)? the check below decides
        page.add_script_tag(content=source)
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(f"() => {{ {source}\n}}")  # DevTools protocol: not subject to CSP
    if not page.evaluate("typeof window.axe === 'object'"):
        raise AssertionError("axe-core could not be loaded into the page")


def run(page: Page, *, context: str | None = None) -> list[dict[str, Any]]:
    """Every violation axe finds in the page (or in the `context` selector) for WCAG 2.0, 2.1
    and 2.2 A/AA and best practice."""
    inject(page)
    results: dict[str, Any] = page.evaluate(
        """async ([context, tags]) => {
            const options = {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']};
            return await window.axe.run(context ? document.querySelector(context) : document,
                                        options);
        }""",
        [context, list(WCAG_TAGS)],
    )
    violations: list[dict[str, Any]] = results["violations"]
    return violations


def describe(violations: list[dict[str, Any]]) -> str:
    """One block per violation: impact, rule id, help, and each node's target and summary."""
    lines = []
    for violation in violations:
        lines.append(
            f"[{violation.get('impact')}] {violation['id']}: {violation['help']} "
            f"({violation.get('helpUrl', '')})"
        )
        for node in violation.get("nodes", []):
            target = " ".join(str(part) for part in node.get("target", []))
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    at {target}: {summary}")
            lines.append(f"       {(node.get('html') or '')[:200]}")
    return "\n".join(lines)


def blocking(violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [v for v in violations if v.get("impact") in BLOCKING_IMPACTS]


def assert_no_serious_violations(page: Page, where: str = "") -> list[dict[str, Any]]:
    """Fail listing every serious or critical violation; returns the minor/moderate ones."""
    violations = run(page)
    found = blocking(violations)
    if found:
        label = where or page.url
        raise AssertionError(
            f"axe: {len(found)} serious/critical violation(s) on {label}:\n{describe(found)}"
        )
    return [v for v in violations if v not in found]
