"""redirect_to accepts only paths of this site: the classic open-redirect tricks are refused."""

from __future__ import annotations

import pytest

from webapp.redirects import safe_redirect_target


@pytest.mark.parametrize(
    "attack",
    [
        "//evil.com",
        "//evil.com/path",
        "https://evil.com",
        "http://evil.com/",
        "/\\evil.com",
        "\\\\evil.com",
        "/\\/evil.com",
        "javascript:alert(1)",
        "evil.com",
        "///evil.com",
        "/\tevil",
        "/\n/evil.com",
        "data:text/html,x",
        "",
        None,
        "/" + "a" * 5000,
    ],
)
def test_attacks_fall_back_to_home(attack: str | None) -> None:
    assert safe_redirect_target(attack) == "/"


@pytest.mark.parametrize("path", ["/", "/account", "/account?tab=2", "/a/b#c", "/dev/mailbox"])
def test_local_paths_are_kept(path: str) -> None:
    assert safe_redirect_target(path) == path


def test_default_is_configurable() -> None:
    assert safe_redirect_target("//evil.com", default="/signin") == "/signin"
