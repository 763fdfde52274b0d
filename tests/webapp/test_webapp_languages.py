"""Japanese from Accept-Language, the switch on every page, and emails in the user's language."""

from __future__ import annotations

import html
import re

import pytest
from nicegui import ui
from nicegui.testing import User
from webapp_journey import (
    PASSWORD,
    latest_code,
    mailbox,
    new_email,
    press,
    see,
    type_into,
    wrong_code,
)

PAGES = ["/signin", "/signup", "/forgot", "/dev/mailbox"]


@pytest.mark.parametrize("path", PAGES)
async def test_accept_language_picks_japanese_on_every_page(user: User, path: str) -> None:
    user.http_client.headers["Accept-Language"] = "ja-JP,ja;q=0.9,en;q=0.5"
    await user.open(path)
    await see(user, "言語")
    await user.should_not_see("Language")


@pytest.mark.parametrize("path", PAGES)
async def test_switch_changes_the_language_and_stays_on_the_page(user: User, path: str) -> None:
    await user.open(path)
    await see(user, "Language")
    await user.open(switch_link(user, "ja"))
    await see(user, "言語")
    await user.should_not_see("Language")
    await user.open(switch_link(user, "en"))
    await see(user, "Language")


def switch_link(user: User, locale: str) -> str:
    """The href of the header's link to `locale` (it must point back to this page)."""
    header = user.find(content=f'lang="{locale}"').elements.pop()
    assert isinstance(header, ui.html)
    match = re.search(rf'href="([^"]+)" lang="{locale}"', header.content)
    assert match is not None
    href = html.unescape(match.group(1))
    assert href.startswith(f"/language/{locale}?next=%2F")
    return href


async def test_whole_journey_in_japanese_with_japanese_emails(user: User) -> None:
    user.http_client.headers["Accept-Language"] = "ja"
    email = new_email("ja")
    await user.open("/signup")
    await see(user, "アカウントの作成")
    await see(user, "12文字以上")
    type_into(user, "email", email)
    type_into(user, "password", PASSWORD)
    type_into(user, "repeat", PASSWORD)
    press(user, "submit")
    await see(user, "メールアドレスの確認")
    type_into(user, "code", wrong_code(await latest_code(user, email, 1)))
    press(user, "submit")
    await see(user, "コードが正しくありません。")
    type_into(user, "code", await latest_code(user, email, 1))
    press(user, "submit")
    await see(user, "メールアドレスを確認しました。サインインできます。")
    type_into(user, "password", PASSWORD)
    press(user, "submit")
    await see(user, "認証コードの入力")
    await see(user, "あと3回入力できます。")
    type_into(user, "code", await latest_code(user, email, 2))
    press(user, "submit")
    await see(user, "サインインしています。")
    messages = await mailbox(user, email)
    assert "サインイン用の認証コード" in messages[-1]["subject"]
    assert not messages[0]["subject"].isascii()  # the confirmation email is Japanese too
    press(user, "signout")
    await see(user, "サインアウトしました。")


async def test_japanese_wrong_password_message(user: User) -> None:
    user.http_client.headers["Accept-Language"] = "ja"
    await user.open("/signin")
    type_into(user, "email", new_email("nobody"))
    type_into(user, "password", PASSWORD)
    press(user, "submit")
    await see(user, "メールアドレスまたはパスワードが正しくありません。")
