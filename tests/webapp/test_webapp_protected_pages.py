"""Pages behind the login with the public API: sign-in and back, groups (403), the user menu,
a team's own module listed in APP_PAGES, the access token for server-side code, and no token in
anything the browser receives."""

from __future__ import annotations

import sys
import textwrap
import uuid
from pathlib import Path

import pytest
from nicegui.testing import User
from webapp_journey import (
    JWT,
    PASSWORD,
    add_to_group,
    fill_sign_in,
    finish_code,
    mailbox,
    new_email,
    press,
    register_account,
    rendered_text,
    see,
    sign_in_fully,
    stored_flow,
    tokens_of,
)

TEAM_MODULE = textwrap.dedent(
    """
    from nicegui import ui

    from webapp import Identity, protected_page

    SEEN = []  # what the server-side code of the page got (the test reads it)


    @protected_page("/team", groups={"staff"}, title={"en": "Team", "ja": "チーム"})
    async def team(identity: Identity) -> None:
        SEEN.append((identity, identity.access_token()))  # e.g. to call the team's API
        ui.label(f"Hello {identity.email}")
        ui.label(f"Team groups: {', '.join(sorted(identity.groups))}")


    @protected_page("/team/plain")
    def plain(identity: Identity) -> None:
        ui.label(f"Plain page, language {identity.locale}")
    """
)


@pytest.fixture
def team_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A team's module outside this repository's packages, named by APP_PAGES (before `user`)."""
    name = f"team_pages_{uuid.uuid4().hex[:8]}"
    (tmp_path / f"{name}.py").write_text(TEAM_MODULE)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("APP_PAGES", f"webapp.product,{name}")
    return name


async def test_a_group_page_sends_to_sign_in_and_back_for_a_member(user: User) -> None:
    email = new_email("analyst")
    await register_account(user, email)
    add_to_group(email, "analysts")
    await user.open("/reports?period=q3")
    await see(user, "Sign in")
    await user.should_not_see("Only members of the analysts group")
    fill_sign_in(user, email)
    await finish_code(user, email, 2)
    await see(user, "Only members of the analysts group can open this page.")
    await see(user, "Groups: analysts")
    assert user.back_history[-1].endswith("&next=%2Freports%3Fperiod%3Dq3")


async def test_a_group_page_is_403_outside_the_group_in_english_and_japanese(user: User) -> None:
    email = new_email("outsider")
    await register_account(user, email)
    await sign_in_fully(user, email)
    response = await user.http_client.get("/reports", follow_redirects=False)
    assert response.status_code == 403
    assert "Access denied" in response.text
    assert "Your account does not have access to this page." in response.text
    assert "Only members" not in response.text
    assert '<html lang="en">' in response.text
    japanese = await user.http_client.get("/language/ja?next=/reports", follow_redirects=True)
    assert japanese.status_code == 403
    assert "アクセスできません" in japanese.text
    assert '<html lang="ja">' in japanese.text
    # Added to the group: the next sign-in's ID token carries it, and the page opens.
    add_to_group(email, "analysts")
    press(user, "signout")
    await see(user, "サインアウトしました。")
    await user.open("/language/en?next=/reports")
    count = len(await mailbox(user, email))
    fill_sign_in(user, email)
    await finish_code(user, email, count + 1)
    await see(user, "Only members of the analysts group can open this page.")


async def test_the_user_menu_shows_the_email_the_account_page_and_signs_out(user: User) -> None:
    email = new_email("menu")
    await register_account(user, email)
    await user.open("/signin")
    await user.should_not_see(marker="user_email")  # no menu before sign-in
    await sign_in_fully(user, email)
    await see(user, email)
    await see(user, "Account")
    user.find(marker="menu_account").click()
    await see(user, "Account settings")
    await see(user, f"Email (your username, it cannot be changed): {email}")
    press(user, "signout")
    await see(user, "You have signed out.")
    await user.open("/account")
    await see(user, "Sign in")
    fill_sign_in(user, email)
    await finish_code(user, email, 3)
    await see(user, "Account settings")  # back to the page asked for
    assert user.back_history[-1].endswith("&next=%2Faccount")


async def test_a_team_page_written_with_the_public_api_only(team_pages: str, user: User) -> None:
    email = new_email("staff")
    await register_account(user, email)
    await sign_in_fully(user, email)
    outside = await user.http_client.get("/team", follow_redirects=False)
    assert outside.status_code == 403  # not in "staff" yet
    module = sys.modules[team_pages]
    assert module.SEEN == []  # the page function never ran
    add_to_group(email, "staff")  # the next sign-in's ID token carries it
    press(user, "signout")
    await see(user, "You have signed out.")
    await user.open("/team")
    fill_sign_in(user, email)
    await finish_code(user, email, 3)
    await see(user, f"Hello {email}")
    await see(user, "Team groups: staff")
    await see(user, "Team")  # its own title, inside the shared frame with the user menu
    await see(user, "Sign out")
    identity, token = module.SEEN[-1]
    assert identity.email == email
    assert identity.groups == frozenset({"staff"})
    assert identity.claims["cognito:groups"] == ["staff"]
    assert identity.signed_in_at == stored_flow(email)["flow"]["signed_in_at"]
    # The server-side code got the current, valid access token of this user.
    from nicegui import app

    claims = app.state.webapp.flow.verifier.verify_access_token(token)
    assert claims["sub"] == identity.sub
    assert token == tokens_of(email)[1]
    assert "access_token" not in repr(identity)
    await user.open("/team/plain")
    await see(user, "Plain page, language en")


async def test_no_token_reaches_the_browser_from_protected_pages(
    team_pages: str, user: User
) -> None:
    email = new_email("notoken")
    await register_account(user, email)
    add_to_group(email, "staff")
    add_to_group(email, "analysts")
    await sign_in_fully(user, email)
    secrets = tokens_of(email)
    for path in ("/", "/account", "/reports", "/team", "/team/plain"):
        await user.open(path)
        await see(user, email)  # the user menu
        rendered = rendered_text(user)
        html = (await user.http_client.get(path)).text
        for received in (rendered, html):
            assert not JWT.search(received), path
            assert not any(secret in received for secret in secrets), path
    cookies = " ".join(str(value) for value in user.http_client.cookies.values())
    assert not JWT.search(cookies)


async def test_an_expiring_token_is_refreshed_before_a_protected_page(
    team_pages: str, user: User
) -> None:
    from webapp_journey import change_stored_flow

    email = new_email("refresh")
    await register_account(user, email)
    add_to_group(email, "staff")
    await sign_in_fully(user, email)
    before = stored_flow(email)["flow"]["tokens"]
    change_stored_flow(email, tokens={**before, "expires_at": before["expires_at"] - 3500})
    await user.open("/team")
    await see(user, f"Hello {email}")
    after = stored_flow(email)["flow"]["tokens"]
    assert after["access_token"] != before["access_token"]
    assert after["refresh_token"] == before["refresh_token"]
    _, token = sys.modules[team_pages].SEEN[-1]
    assert token == after["access_token"]


async def test_a_page_path_must_be_a_path() -> None:
    from webapp import protected_page

    for bad in ("reports", "//evil.com"):
        with pytest.raises(ValueError, match="starts with one"):
            protected_page(bad)


async def test_wrong_password_on_a_protected_page_reads_like_any(user: User) -> None:
    await user.open("/reports")
    fill_sign_in(user, new_email("nobody"), PASSWORD)
    await see(user, "Incorrect email or password.")
