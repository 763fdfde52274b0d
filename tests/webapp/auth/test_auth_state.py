"""The pure half of the flow: parsing, timing, serialisation and transitions, no I/O at all."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from webapp.auth.errors import AuthErrorKind
from webapp.auth.state import (
    CodeChallenge,
    FlowState,
    Notice,
    Step,
    Tokens,
    answer_notice,
    code_step,
    ended_notice,
    expire_stale,
    is_signed_in,
    needs_refresh,
    parse_notice,
    restart,
    signed_in,
    tokens_from_result,
)
from webapp.auth.tokens import Identity

NOW = 1_800_000_000.0
PARAMETERS = {
    "USERNAME": "uid-1",
    "destination": "ad***@example.com",
    "code_length": "6",
    "expires_at": str(int(NOW) + 180),
    "attempts_left": "3",
    "resend_available_in": "30",
    "codes_left": "2",
    "resent": "false",
}
TOKENS = Tokens(
    id_token="id.jwt", access_token="access.jwt", refresh_token="refresh", expires_at=NOW + 3600
)
IDENTITY = Identity(
    sub="uid-1", email="ada@example.com", auth_time=int(NOW), expires_at=int(NOW) + 3600
)


def challenge(**overrides: object) -> CodeChallenge:
    return CodeChallenge.from_parameters(
        {**PARAMETERS, **{k: str(v) for k, v in overrides.items()}}, NOW, 180
    )


def coded_state() -> FlowState:
    return code_step(
        FlowState(),
        email="ada@example.com",
        session="S" * 40,
        username="uid-1",
        challenge=challenge(),
    )


def signed_in_state() -> FlowState:
    return signed_in(
        coded_state(),
        tokens=TOKENS,
        identity=IDENTITY,
        now=NOW,
        refresh_validity_seconds=30 * 86400,
    )


def test_challenge_parameters_are_parsed() -> None:
    parsed = challenge()
    assert parsed == CodeChallenge(
        destination="ad***@example.com",
        code_length=6,
        expires_at=int(NOW) + 180,
        attempts_left=3,
        resend_available_in=30,
        codes_left=2,
        resent=False,
        received_at=NOW,
        session_expires_at=NOW + 180,
    )
    assert challenge(resent="true").resent


def test_unreadable_numbers_fall_back_instead_of_crashing() -> None:
    parsed = CodeChallenge.from_parameters({"code_length": "six", "attempts_left": ""}, NOW, 180)
    assert (parsed.code_length, parsed.attempts_left, parsed.destination) == (6, 0, "")


@pytest.mark.parametrize(
    ("now", "left"), [(NOW, 180), (NOW + 179.5, 0), (NOW + 100, 80), (NOW + 500, 0)]
)
def test_seconds_left_counts_down_to_zero(now: float, left: int) -> None:
    assert challenge().seconds_left(now) == left


def test_seconds_left_is_bounded_by_the_session() -> None:
    long_code = CodeChallenge.from_parameters(
        {**PARAMETERS, "expires_at": str(int(NOW) + 900)}, NOW, 180
    )
    assert long_code.seconds_left(NOW) == 180


@pytest.mark.parametrize(
    ("now", "wait", "can"), [(NOW, 30, False), (NOW + 29.2, 1, False), (NOW + 30, 0, True)]
)
def test_resend_wait(now: float, wait: int, can: bool) -> None:
    assert challenge().resend_wait(now) == wait
    assert challenge().can_resend(now) is can


def test_no_resend_when_no_code_is_left() -> None:
    assert not challenge(codes_left=0).can_resend(NOW + 1000)


def test_code_step_keeps_only_what_the_step_needs() -> None:
    state = code_step(
        FlowState(notice=Notice.CONFIRMED, email="old@example.com"),
        email="ada@example.com",
        session="S",
        username="uid-1",
        challenge=challenge(),
    )
    assert (state.step, state.email, state.notice, state.tokens) == (
        Step.CODE,
        "ada@example.com",
        None,
        None,
    )


def test_restart_keeps_the_email_and_the_reason_only() -> None:
    state = restart(coded_state(), AuthErrorKind.SESSION_EXPIRED)
    assert state == FlowState(email="ada@example.com", notice=AuthErrorKind.SESSION_EXPIRED)


def test_signed_in_records_when_and_until_when() -> None:
    state = signed_in_state()
    assert state.step == Step.SIGNED_IN
    assert state.cognito_session is None
    assert state.challenge is None
    assert state.signed_in_at == NOW
    assert state.session_ends_at == NOW + 30 * 86400
    assert state.username == "uid-1"


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (NOW, AuthErrorKind.CODE_MISMATCH),
        (NOW + 179, AuthErrorKind.CODE_MISMATCH),
        (NOW + 180, AuthErrorKind.CODE_EXPIRED),
    ],
)
def test_a_refused_code_is_explained(now: float, expected: AuthErrorKind) -> None:
    assert answer_notice(challenge(), now) is expected


@pytest.mark.parametrize(
    ("kind", "now", "expected"),
    [
        (AuthErrorKind.CODE_ATTEMPTS_EXHAUSTED, NOW, AuthErrorKind.CODE_ATTEMPTS_EXHAUSTED),
        (AuthErrorKind.CODE_ATTEMPTS_EXHAUSTED, NOW + 200, AuthErrorKind.CODE_EXPIRED),
        (AuthErrorKind.SESSION_EXPIRED, NOW, AuthErrorKind.SESSION_EXPIRED),
        (AuthErrorKind.INVALID_CREDENTIALS, NOW, AuthErrorKind.SESSION_EXPIRED),
    ],
)
def test_why_a_sign_in_ended(kind: AuthErrorKind, now: float, expected: AuthErrorKind) -> None:
    assert ended_notice(kind, challenge(), now) is expected


def test_tokens_from_result_expire_with_the_shorter_lifetime() -> None:
    result = {"IdToken": "i", "AccessToken": "a", "RefreshToken": "r", "ExpiresIn": 3600}
    assert tokens_from_result(result, NOW, NOW + 600).expires_at == NOW + 600
    assert tokens_from_result(result, NOW, NOW + 7200).expires_at == NOW + 3600
    refreshed = tokens_from_result(
        {"IdToken": "i", "AccessToken": "a", "ExpiresIn": 60}, NOW, NOW + 60, "kept"
    )
    assert refreshed.refresh_token == "kept"


def test_signed_in_until_the_tokens_or_the_session_end() -> None:
    state = signed_in_state()
    assert is_signed_in(state, NOW)
    assert not is_signed_in(state, NOW + 3600)
    assert not is_signed_in(coded_state(), NOW)
    assert not is_signed_in(FlowState(), NOW)


@pytest.mark.parametrize(
    ("now", "due"), [(NOW, False), (NOW + 3299, False), (NOW + 3300, True), (NOW + 4000, True)]
)
def test_needs_refresh_within_the_margin(now: float, due: bool) -> None:
    assert needs_refresh(signed_in_state(), now, 300) is due
    assert not needs_refresh(coded_state(), now, 300)


def test_expire_stale() -> None:
    coded = coded_state()
    assert expire_stale(coded, NOW + 10) is coded
    stale = expire_stale(coded, NOW + 181)
    assert (stale.step, stale.email, stale.notice) == (
        Step.SIGN_IN,
        "ada@example.com",
        AuthErrorKind.SESSION_EXPIRED,
    )
    no_session = FlowState(step=Step.CODE, email="a@example.com", challenge=challenge())
    assert expire_stale(no_session, NOW).notice == AuthErrorKind.SESSION_EXPIRED
    state = signed_in_state()
    assert expire_stale(state, NOW + 10) is state
    assert expire_stale(state, NOW + 31 * 86400) == FlowState(notice=AuthErrorKind.SESSION_EXPIRED)
    tokenless = FlowState(step=Step.SIGNED_IN, identity=IDENTITY)
    assert expire_stale(tokenless, NOW).step == Step.SIGN_IN


@pytest.mark.parametrize(
    "state", [FlowState(), coded_state(), signed_in_state(), FlowState(notice=Notice.CONFIRMED)]
)
def test_state_round_trips_through_json(state: FlowState) -> None:
    stored = json.loads(json.dumps(state.to_dict()))
    assert FlowState.from_dict(stored) == state


def test_notices_come_back_as_their_enums() -> None:
    assert parse_notice("code_mismatch") is AuthErrorKind.CODE_MISMATCH
    assert parse_notice("confirmed") is Notice.CONFIRMED
    assert parse_notice("custom text") == "custom text"
    assert parse_notice(None) is None
    assert not set(AuthErrorKind) & {str(n) for n in Notice}  # values never collide


@pytest.mark.parametrize(
    "data",
    [
        {"version": 99, "step": "code"},
        {"version": 1, "step": "nowhere"},
        {"version": 1, "step": "code", "challenge": {"destination": "x"}},
        {"version": 1, "step": "signed_in", "tokens": "not a dict"},
    ],
)
def test_unreadable_stored_states_restart_cleanly(data: dict[str, object]) -> None:
    assert FlowState.from_dict(data) == FlowState(notice=AuthErrorKind.SESSION_EXPIRED)


def test_nothing_stored_is_a_fresh_start() -> None:
    assert FlowState.from_dict(None) == FlowState()
    assert FlowState.from_dict({}) == FlowState()


def test_secrets_stay_out_of_repr() -> None:
    text = repr(signed_in_state()) + repr(coded_state())
    for secret in ("id.jwt", "access.jwt", "refresh", "S" * 40):
        assert secret not in text


@given(st.integers(min_value=0, max_value=10_000), st.floats(min_value=0, max_value=20_000))
def test_countdowns_never_go_negative(resend_in: int, elapsed: float) -> None:
    parsed = challenge(resend_available_in=resend_in)
    assert parsed.resend_wait(NOW + elapsed) >= 0
    assert parsed.seconds_left(NOW + elapsed) >= 0
    assert (parsed.resend_wait(NOW + elapsed) == 0) == (elapsed >= resend_in)
