"""Verify: correct, wrong, expired and malformed answers, unknown users, broken parameters."""

from __future__ import annotations

import hmac
import json
from typing import Any

import pytest
from trigger_events import TEST_OTP, code_state, verify_event

from functions import verify_auth_challenge
from functions.code_state import STATE_PARAMETER, encode_state

CODE = "042917"


def private(**kwargs: Any) -> dict[str, str]:
    return {STATE_PARAMETER: encode_state(code_state(CODE, **kwargs))}


def answer_correct(event: object) -> object:
    return verify_auth_challenge.handler(event, None)["response"]["answerCorrect"]


def test_correct_code_is_accepted() -> None:
    assert answer_correct(verify_event(CODE, private())) is True


def test_correct_code_with_locale_metadata_is_accepted() -> None:
    event = verify_event(CODE, private(), client_metadata={"locale": "ja"})
    assert answer_correct(event) is True


def test_surrounding_spaces_are_forgiven() -> None:
    assert answer_correct(verify_event(f" {CODE}\n", private())) is True


@pytest.mark.parametrize("answer", ["042918", "000000", "999999", "240917"])
def test_wrong_code_is_refused(answer: str) -> None:
    assert answer_correct(verify_event(answer, private())) is False


def test_expired_code_is_refused() -> None:
    event = verify_event(CODE, private(age=TEST_OTP.ttl_seconds + 1))
    assert answer_correct(event) is False


def test_code_is_accepted_until_its_expiry() -> None:
    assert answer_correct(verify_event(CODE, private(age=TEST_OTP.ttl_seconds - 20))) is True


def test_code_with_no_attempts_left_is_refused() -> None:
    event = verify_event(CODE, private(wrong=TEST_OTP.max_attempts))
    assert answer_correct(event) is False


@pytest.mark.parametrize(
    "answer",
    [
        "resend",
        "",
        "04291",
        "0429170",
        "04 917",
        "0429a7",
        "-42917",
        "\uff10\uff14\uff12\uff19\uff11\uff17",  # full-width digits: str.isdigit() accepts them
        "\u0660\u0664\u0662\u0669\u0661\u0667",  # Arabic-Indic digits
        CODE + " " * 40,
        CODE * 1000,
        None,
        42917,
        ["042917"],
        {"ANSWER": CODE},
    ],
)
def test_malformed_answer_is_refused(answer: object) -> None:
    assert answer_correct(verify_event(answer, private())) is False


def test_resend_request_never_counts_as_a_guess() -> None:
    event = verify_event(CODE, private(), client_metadata={"resend": "true", "locale": "en"})
    assert answer_correct(event) is False


def test_unknown_user_is_refused_even_with_the_right_code() -> None:
    assert answer_correct(verify_event(CODE, private(), user_not_found=True)) is False


@pytest.mark.parametrize(
    "parameters",
    [
        None,
        {},
        {"otp_state": ""},
        {"otp_state": "otp1"},
        {"otp_state": "otp3" + private()[STATE_PARAMETER][4:]},
        {"otp_state": private()[STATE_PARAMETER][:-3]},
        {"otp_state": private()[STATE_PARAMETER].replace(".", ":")},
        {"code": CODE},
    ],
)
def test_missing_or_garbled_parameters_are_refused(parameters: dict[str, str] | None) -> None:
    assert answer_correct(verify_event(CODE, parameters)) is False


def test_tampered_digest_is_refused() -> None:
    state = private()[STATE_PARAMETER]
    head, digest = state.rsplit(".", 1)
    flipped = ("A" if digest[0] != "A" else "B") + digest[1:]
    assert answer_correct(verify_event(CODE, {STATE_PARAMETER: f"{head}.{flipped}"})) is False


@pytest.mark.parametrize(
    "event", [None, "x", {}, {"request": None}, {"request": {"userNotFound": "no"}}]
)
def test_malformed_event_fails_closed(event: object, log_lines: list[str]) -> None:
    assert answer_correct(event) is False
    assert any(json.loads(line)["correct"] is False for line in log_lines)


def test_bad_configuration_fails_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(verify_auth_challenge, "SETTINGS", None)
    assert answer_correct(verify_event(CODE, private())) is False


def test_log_line_has_neither_code_nor_state(log_lines: list[str]) -> None:
    parameters = private()
    answer_correct(verify_event(CODE, parameters))
    assert log_lines
    for line in log_lines:
        assert CODE not in line
        assert parameters[STATE_PARAMETER] not in line


def test_digests_are_compared_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    assert answer_correct(verify_event(CODE, private())) is True
    assert answer_correct(verify_event("111111", private())) is False
    assert len(calls) == 2
    assert all(len(a) == len(b) == 32 for a, b in calls)
