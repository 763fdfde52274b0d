"""The catalog is complete in both languages and the Accept-Language choice is right."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from functions.settings import SUPPORTED_LOCALES
from webapp.auth.errors import AuthErrorKind
from webapp.auth.state import Notice
from webapp.i18n import CATALOG, normalize_locale, parse_accept_language, translate
from webapp.messages import error_key, notice_key


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_entry_has_every_language_and_no_empty_text() -> None:
    for key, entry in CATALOG.items():
        assert set(entry) == set(SUPPORTED_LOCALES), key
        assert all(text.strip() for text in entry.values()), key


def test_both_languages_use_the_same_placeholders() -> None:
    for key, entry in CATALOG.items():
        assert _placeholders(entry["en"]) == _placeholders(entry["ja"]), key


def test_japanese_is_actually_translated() -> None:
    same = [key for key, entry in CATALOG.items() if entry["en"] == entry["ja"]]
    assert same == ["page_title"]


@pytest.mark.parametrize("kind", list(AuthErrorKind))
def test_every_error_kind_has_its_own_message(kind: AuthErrorKind) -> None:
    assert error_key(kind) == f"error_{kind.value}"
    assert translate(error_key(kind), "ja") != translate(error_key(kind), "en")


@pytest.mark.parametrize("notice", list(Notice))
def test_every_notice_has_a_message(notice: Notice) -> None:
    found = notice_key(notice)
    assert found == (f"notice_{notice.value}", False)


def test_error_notices_are_marked_as_errors_and_unknown_values_are_generic() -> None:
    assert notice_key(AuthErrorKind.SESSION_EXPIRED) == ("error_session_expired", True)
    assert notice_key("something-new") == ("error_unknown", True)
    assert notice_key(None) is None


def test_unknown_account_and_wrong_password_read_the_same() -> None:
    # The auth core maps both to INVALID_CREDENTIALS; the page has one sentence for it.
    text = translate("error_invalid_credentials", "en")
    assert "email or password" in text


def test_english_labels_name_what_to_type() -> None:
    assert "Email" in translate("email_label", "en")
    assert "Password" in translate("password_label", "en")
    assert "Password" in translate("confirm_password_label", "en").title()
    for key in ("otp_label", "verification_code_label", "reset_code_label"):
        assert "code" in translate(key, "en").lower()


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "en"),
        ("", "en"),
        ("ja", "ja"),
        ("ja-JP,ja;q=0.9,en;q=0.8", "ja"),
        ("en-US,en;q=0.9,ja;q=0.8", "en"),
        ("fr-FR,fr;q=0.9,ja;q=0.5,en;q=0.4", "ja"),
        ("fr, de", "en"),
        ("en;q=0.1, ja;q=0.2", "ja"),
        ("ja;q=0, en", "en"),
        ("ja;q=abc, en;q=0.5", "en"),
        ("*", "en"),
        ("JA-jp", "ja"),
    ],
)
def test_accept_language(header: str | None, expected: str) -> None:
    assert parse_accept_language(header) == expected


@given(st.text(max_size=200))
def test_accept_language_never_fails_and_always_answers_a_supported_locale(header: str) -> None:
    assert parse_accept_language(header) in SUPPORTED_LOCALES


def test_normalize_locale() -> None:
    assert normalize_locale("ja_JP") == "ja"
    assert normalize_locale("de") == "en"
    assert normalize_locale(None) == "en"
