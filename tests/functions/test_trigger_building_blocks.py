"""The pure pieces: codes and their state, masking, durations, locales, round planning."""

from __future__ import annotations

import secrets

import pytest
from trigger_events import TEST_OTP, code_state

from functions import code_state as state_codec
from functions import new_codes, otp
from functions.code_rounds import plan_round, public_parameters, resend_available_in
from functions.email_templates import describe_duration, sign_in_code_email
from functions.events import choose_locale, normalize_locale
from functions.masking import mask_email, mask_text


@pytest.mark.parametrize("length", [4, 6, 10])
def test_codes_cover_the_whole_range_zero_padded(
    length: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    bounds: list[int] = []

    def fake_randbelow(upper: int) -> int:
        bounds.append(upper)
        return 7

    monkeypatch.setattr(secrets, "randbelow", fake_randbelow)
    assert new_codes.generate_code(length) == "0" * (length - 1) + "7"
    assert bounds == [10**length]


def test_real_codes_are_digits_of_the_right_length() -> None:
    codes = {new_codes.generate_code(6) for _ in range(200)}
    assert all(len(code) == 6 and code.isascii() and code.isdigit() for code in codes)
    assert len(codes) > 150


def test_state_round_trips_and_stays_small() -> None:
    state = code_state("000123", code_number=2, wrong=1)
    text = state_codec.encode_state(state)
    assert text.startswith("otp2.2.1.3.")
    assert "000123" not in text
    assert len(text) < 160
    assert state_codec.decode_state(text) == state


def test_same_code_gets_a_different_digest_each_time() -> None:
    first, second = code_state("123456"), code_state("123456")
    assert first.salt != second.salt
    assert first.digest != second.digest
    assert otp.answer_matches(first, "123456")
    assert otp.answer_matches(second, "123456")


@pytest.mark.parametrize(
    "text",
    [
        "otp2.0.0.3.1.2.6.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "otp2.1.0.3.9.2.6.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "otp2.1.0.3.1.2.6.aaaa.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "otp2.1.0.3.1.2.6.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.aaaa",
        "otp2.1.0.3.1.2.6.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb+b.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "otp2.1.-1.3.1.2.6.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "otp2.1.0.3.1.2.6.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.x",
        "otp2.1.0.0.1.2.6.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "OTP2.1.0.3.1.2.6.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "",
        "CODE-123456",
    ],
)
def test_garbled_state_is_rejected(text: str) -> None:
    assert state_codec.decode_state(text) is None


def test_a_valid_looking_state_is_accepted() -> None:
    text = "otp2.1.0.3.1.2.6." + "b" * 32 + "." + "a" * 64
    assert state_codec.decode_state(text) is not None


@pytest.mark.parametrize(
    ("address", "masked"),
    [
        ("alice@example.com", "al***@example.com"),
        ("a@Example.COM", "a***@example.com"),
        (" bob.smith@mail.example.org ", "bo***@mail.example.org"),
        ("not-an-address", "no***"),
        ("", "***"),
        ("@example.com", "@e***"),
    ],
)
def test_masking(address: str, masked: str) -> None:
    assert mask_email(address) == masked


def test_mask_text_keeps_two_characters() -> None:
    assert mask_text("username") == "us***"


@pytest.mark.parametrize(
    ("seconds", "english", "japanese"),
    [
        (180, "3 minutes", "3分"),
        (60, "1 minute", "1分"),
        (90, "1 minute 30 seconds", "1分30秒"),
        (45, "45 seconds", "45秒"),
        (61, "1 minute 1 second", "1分1秒"),
        (900, "15 minutes", "15分"),
    ],
)
def test_durations(seconds: int, english: str, japanese: str) -> None:
    assert describe_duration(seconds, "en") == english
    assert describe_duration(seconds, "ja") == japanese


def test_code_email_has_text_and_html_and_escapes_the_app_name() -> None:
    content = sign_in_code_email("A&B <Shop>", "012345", 300, "en")
    assert content.subject == "Your A&B <Shop> sign-in code"
    assert "012345" in content.text
    assert "It expires in 5 minutes." in content.text
    assert "A&amp;B &lt;Shop&gt;" in content.html
    assert "<Shop>" not in content.html
    assert "012345" in content.html
    assert "012345" not in content.subject


def test_japanese_code_email() -> None:
    content = sign_in_code_email("Shop", "012345", 180, "ja")
    assert content.subject == "【Shop】サインイン用の認証コード"
    assert "3分間有効です" in content.text
    assert "012345" in content.text


@pytest.mark.parametrize(
    ("value", "expected"),
    [("ja", "ja"), ("ja-JP", "ja"), ("JA_jp", "ja"), ("en-US", "en"), ("fr", None), ("", None)],
)
def test_locale_normalization(value: str, expected: str | None) -> None:
    assert normalize_locale(value) == expected


def test_locale_precedence() -> None:
    assert choose_locale({"locale": "ja"}, {"locale": "en"}, "en") == "ja"
    assert choose_locale({}, {"locale": "ja"}, "en") == "ja"
    assert choose_locale({"locale": "xx"}, {}, "ja") == "ja"


def test_plan_first_round_sends_code_one() -> None:
    plan = plan_round(None, resend_requested=False, now=0, otp=TEST_OTP)
    assert (plan.send_new_code, plan.code_number, plan.reused, plan.resent) == (
        True,
        1,
        None,
        False,
    )


def test_plan_resend_exactly_at_cooldown() -> None:
    state = code_state(now=1000, age=0)
    early = plan_round(state, resend_requested=True, now=1029, otp=TEST_OTP)
    on_time = plan_round(state, resend_requested=True, now=1030, otp=TEST_OTP)
    assert (early.send_new_code, early.reused) == (False, state)
    assert (on_time.send_new_code, on_time.code_number, on_time.resent) == (True, 2, True)


def test_resend_available_in_counts_down() -> None:
    state = code_state(now=1000, age=0)
    assert resend_available_in(state, now=1000, otp=TEST_OTP) == 30
    assert resend_available_in(state, now=1029.5, otp=TEST_OTP) == 1
    assert resend_available_in(state, now=1030, otp=TEST_OTP) == 0
    no_cooldown = TEST_OTP._replace(resend_cooldown_seconds=0)
    assert resend_available_in(state, now=1000, otp=no_cooldown) == 0


def test_public_parameters_never_go_negative() -> None:
    state = code_state(now=1000, age=0)._replace(code_number=9, wrong_answers=9)
    public = public_parameters(state, destination="x***", resent=False, now=1000, otp=TEST_OTP)
    assert (public["attempts_left"], public["codes_left"], public["resend_available_in"]) == (
        "0",
        "0",
        "0",
    )


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("042917", "042917"),
        (" 042917\t", "042917"),
        ("04291", None),
        ("0429170", None),
        ("04291a", None),
        ("\uff10\uff14\uff12\uff19\uff11\uff17", None),
        ("0" * 40, None),
        (42917, None),
    ],
)
def test_answers_are_normalized_before_hashing(answer: object, expected: str | None) -> None:
    """Malformed answers are refused before any hashing, not merely by a digest mismatch."""
    assert otp.normalize_answer(answer, 6) == expected
