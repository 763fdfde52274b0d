"""AuthFlow's own rules, with an in-memory Cognito that answers what each case needs.

The emulator tests cover the happy paths and Cognito's real answers; these cover what the flow
must refuse or absorb: malformed input (no call made), answers that would skip the code, errors
that must not reveal an account, and best-effort steps.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from functions.settings import PoolSettings
from webapp.auth.errors import AuthError, AuthErrorKind
from webapp.auth.flow import AuthFlow, FlowState, Notice, Step, build_flow_from_env
from webapp.auth.state import CodeChallenge, Tokens, code_step, signed_in
from webapp.auth.tokens import Identity, TokenVerifier

NOW = 1_800_000_000.0
POOL_ID = "eu-west-1_Abc"


class FakeCognito:
    """Records calls; each method answers `answers[name]` (a dict, or an AuthError to raise)."""

    user_pool_id = POOL_ID

    def __init__(self, **answers: Any) -> None:
        self.answers = answers
        self.calls: list[tuple[str, tuple[Any, ...]]] = []

    def __getattr__(self, name: str) -> Any:
        def call(*args: Any) -> Any:
            self.calls.append((name, args))
            answer = self.answers.get(name, {})
            if isinstance(answer, Exception):
                raise answer
            return answer

        return call


def make_flow(cognito: FakeCognito, verifier: Any = None) -> AuthFlow:
    return AuthFlow(
        cognito, verifier or TokenVerifier("iss", "client", "url"), PoolSettings(), lambda: NOW
    )  # type: ignore[arg-type]


def challenge() -> CodeChallenge:
    return CodeChallenge("ad***@example.com", 6, int(NOW) + 180, 3, 30, 2, False, NOW, NOW + 180)


def coded() -> FlowState:
    return code_step(
        FlowState(),
        email="ada@example.com",
        session="S" * 20,
        username="uid",
        challenge=challenge(),
    )


SRP_START = {
    "ChallengeName": "PASSWORD_VERIFIER",
    "Session": "s" * 20,
    "ChallengeParameters": {
        "SALT": "abcd",
        "SRP_B": "1234abcd" * 48,
        "SECRET_BLOCK": "c2VjcmV0",
        "USER_ID_FOR_SRP": "uid",
        "USERNAME": "uid",
    },
}


@pytest.mark.parametrize("email", ["", "not-an-email", "a@b", "two words@example.com"])
def test_a_malformed_email_is_refused_before_any_call(email: str) -> None:
    cognito = FakeCognito()
    flow = make_flow(cognito)
    for call in (
        lambda: flow.sign_in(FlowState(), email, "pw", "en"),
        lambda: flow.sign_up(FlowState(), email, "Correct-horse-9", "en"),
        lambda: flow.forgot_password(FlowState(), email, "en"),
    ):
        with pytest.raises(AuthError) as caught:
            call()
        assert caught.value.kind is AuthErrorKind.INVALID_PARAMETER
    assert cognito.calls == []


def test_a_weak_password_is_refused_before_sign_up() -> None:
    cognito = FakeCognito()
    with pytest.raises(AuthError) as caught:
        make_flow(cognito).sign_up(FlowState(), "ada@example.com", "weak", "en")
    assert caught.value.kind is AuthErrorKind.INVALID_PASSWORD
    assert "weak" not in str(caught.value)
    assert cognito.calls == []


def test_email_is_normalised_for_every_call() -> None:
    cognito = FakeCognito(sign_up={"UserConfirmed": False})
    state = make_flow(cognito).sign_up(FlowState(), "  Ada@Example.COM ", "Correct-horse-9", "ja")
    assert state.email == "ada@example.com"
    assert cognito.calls == [("sign_up", ("ada@example.com", "Correct-horse-9", "ja"))]


def test_every_sign_up_goes_to_the_confirmation_form() -> None:
    """Also an auto-confirmed one (this login's pool never auto-confirms): a different next page
    for new addresses would tell them apart from taken ones."""
    state = make_flow(FakeCognito(sign_up={"UserConfirmed": True})).sign_up(
        FlowState(), "ada@example.com", "Correct-horse-9", "en"
    )
    assert (state.step, state.notice) == (Step.CONFIRM_SIGN_UP, Notice.SIGN_UP_CODE_SENT)


def test_tokens_straight_after_the_password_are_refused() -> None:
    """A Define trigger gone wrong must not let anyone in without the emailed code."""
    cognito = FakeCognito(
        initiate_custom_auth_srp=SRP_START,
        respond_password_verifier={"AuthenticationResult": {"IdToken": "i", "AccessToken": "a"}},
    )
    with pytest.raises(AuthError) as caught:
        make_flow(cognito).sign_in(FlowState(), "ada@example.com", "pw", "en")
    assert caught.value.kind is AuthErrorKind.SERVICE


def test_an_unexpected_first_challenge_is_refused() -> None:
    cognito = FakeCognito(
        initiate_custom_auth_srp={"ChallengeName": "CUSTOM_CHALLENGE", "Session": "x"}
    )
    with pytest.raises(AuthError) as caught:
        make_flow(cognito).sign_in(FlowState(), "ada@example.com", "pw", "en")
    assert caught.value.kind is AuthErrorKind.SERVICE
    assert [name for name, _ in cognito.calls] == ["initiate_custom_auth_srp"]


def test_missing_srp_parameters_are_a_service_error() -> None:
    cognito = FakeCognito(
        initiate_custom_auth_srp={"ChallengeName": "PASSWORD_VERIFIER", "Session": "x"}
    )
    with pytest.raises(AuthError) as caught:
        make_flow(cognito).sign_in(FlowState(), "ada@example.com", "pw", "en")
    assert caught.value.kind is AuthErrorKind.SERVICE


def test_locale_goes_with_the_password_proof() -> None:
    cognito = FakeCognito(
        initiate_custom_auth_srp=SRP_START,
        respond_password_verifier={
            "ChallengeName": "CUSTOM_CHALLENGE",
            "Session": "t" * 20,
            "ChallengeParameters": {
                "USERNAME": "uid",
                "code_length": "6",
                "expires_at": str(int(NOW) + 180),
            },
        },
    )
    state = make_flow(cognito).sign_in(FlowState(), "ada@example.com", "pw", "ja")
    assert state.step == Step.CODE
    name, args = cognito.calls[1]
    assert name == "respond_password_verifier"
    assert args[0] == "s" * 20
    assert args[2] == "ja"
    assert args[1]["USERNAME"] == "uid"


@pytest.mark.parametrize("code", ["", "12345", "1234567", "12a456", "١٢٣٤٥٦"])
def test_a_malformed_code_costs_no_attempt(code: str) -> None:
    cognito = FakeCognito()
    with pytest.raises(AuthError) as caught:
        make_flow(cognito).submit_code(coded(), code, "en")
    assert caught.value.kind is AuthErrorKind.INVALID_PARAMETER
    assert cognito.calls == []


FULL_WIDTH_123456 = "\uff11\uff12\uff13\uff14\uff15\uff16"  # what a Japanese IME types


@pytest.mark.parametrize("typed", [" 123 456 ", FULL_WIDTH_123456, "123\u3000456"])
def test_spaces_and_full_width_digits_in_a_code_are_accepted(typed: str) -> None:
    cognito = FakeCognito(respond_custom_challenge=AuthError(AuthErrorKind.SESSION_EXPIRED))
    make_flow(cognito).submit_code(coded(), typed, "ja")
    assert cognito.calls == [
        ("respond_custom_challenge", ("S" * 20, "uid", "123456", {"locale": "ja"}))
    ]


@pytest.mark.parametrize("state", [FlowState(), FlowState(step=Step.CODE, email="ada@example.com")])
def test_a_code_without_a_session_restarts_the_sign_in(state: FlowState) -> None:
    cognito = FakeCognito()
    flow = make_flow(cognito)
    for result in (flow.submit_code(state, "123456", "en"), flow.resend_code(state, "en")):
        assert (result.step, result.notice) == (Step.SIGN_IN, AuthErrorKind.SESSION_EXPIRED)
    assert cognito.calls == []


def test_transient_errors_keep_the_code_step() -> None:
    cognito = FakeCognito(respond_custom_challenge=AuthError(AuthErrorKind.NETWORK))
    with pytest.raises(AuthError) as caught:
        make_flow(cognito).submit_code(coded(), "123456", "en")
    assert caught.value.kind is AuthErrorKind.NETWORK


def test_no_resend_when_no_code_is_left() -> None:
    cognito = FakeCognito()
    state = code_step(
        FlowState(),
        email="ada@example.com",
        session="S" * 20,
        username="uid",
        challenge=CodeChallenge("x", 6, int(NOW) + 180, 3, 0, 0, True, NOW, NOW + 180),
    )
    with pytest.raises(AuthError) as caught:
        make_flow(cognito).resend_code(state, "en")
    assert caught.value.kind is AuthErrorKind.LIMIT_EXCEEDED
    assert cognito.calls == []


@pytest.mark.parametrize(
    "kind",
    [
        AuthErrorKind.INVALID_CREDENTIALS,
        AuthErrorKind.INVALID_PARAMETER,
        AuthErrorKind.USER_NOT_CONFIRMED,
        AuthErrorKind.USER_DISABLED,
    ],
)
def test_forgot_password_says_the_same_for_accounts_that_cannot_reset(kind: AuthErrorKind) -> None:
    silent = make_flow(FakeCognito(forgot_password=AuthError(kind))).forgot_password(
        FlowState(), "ada@example.com", "en"
    )
    normal = make_flow(FakeCognito()).forgot_password(FlowState(), "ada@example.com", "en")
    assert silent == normal
    assert normal.step == Step.RESET_PASSWORD


def test_forgot_password_still_reports_throttling() -> None:
    with pytest.raises(AuthError) as caught:
        make_flow(FakeCognito(forgot_password=AuthError(AuthErrorKind.THROTTLED))).forgot_password(
            FlowState(), "ada@example.com", "en"
        )
    assert caught.value.kind is AuthErrorKind.THROTTLED


def test_the_unconfirmed_detour_survives_a_failed_resend() -> None:
    cognito = FakeCognito(
        initiate_custom_auth_srp=SRP_START,
        respond_password_verifier=AuthError(AuthErrorKind.USER_NOT_CONFIRMED),
        resend_confirmation_code=AuthError(AuthErrorKind.LIMIT_EXCEEDED),
    )
    state = make_flow(cognito).sign_in(FlowState(), "ada@example.com", "pw", "en")
    assert (state.step, state.email, state.notice) == (
        Step.CONFIRM_SIGN_UP,
        "ada@example.com",
        AuthErrorKind.USER_NOT_CONFIRMED,
    )


class AcceptingVerifier:
    def verify_id_token(self, token: str) -> Identity:
        return Identity("uid", "ada@example.com", int(NOW), int(NOW) + 3600)

    def verify_access_token(self, token: str) -> dict[str, Any]:
        return {"sub": "uid"}


def signed_in_state() -> FlowState:
    tokens = Tokens("id", "access", "refresh", NOW + 100)
    identity = Identity("uid", "ada@example.com", int(NOW), int(NOW) + 100)
    return signed_in(
        coded(), tokens=tokens, identity=identity, now=NOW, refresh_validity_seconds=86400
    )


def test_refresh_keeps_the_user_through_a_blip_while_tokens_last() -> None:
    cognito = FakeCognito(refresh=AuthError(AuthErrorKind.NETWORK))
    state = signed_in_state()
    assert make_flow(cognito, AcceptingVerifier()).refresh_if_needed(state) is state


def test_a_rejected_refresh_signs_out_with_an_explanation() -> None:
    cognito = FakeCognito(refresh=AuthError(AuthErrorKind.SESSION_EXPIRED))
    state = make_flow(cognito, AcceptingVerifier()).refresh_if_needed(signed_in_state())
    assert state == FlowState(notice=AuthErrorKind.SESSION_EXPIRED)


def test_refresh_replaces_the_tokens() -> None:
    result: Mapping[str, Any] = {
        "AuthenticationResult": {"IdToken": "id2", "AccessToken": "a2", "ExpiresIn": 3600}
    }
    cognito = FakeCognito(refresh=result)
    state = make_flow(cognito, AcceptingVerifier()).refresh_if_needed(signed_in_state())
    assert state.tokens == Tokens("id2", "a2", "refresh", NOW + 3600)
    assert cognito.calls == [("refresh", ("refresh", "uid"))]


def test_sign_out_clears_everything_even_if_revocation_fails() -> None:
    cognito = FakeCognito(revoke=AuthError(AuthErrorKind.NETWORK))
    state = make_flow(cognito).sign_out(signed_in_state())
    assert state == FlowState(notice=Notice.SIGNED_OUT)
    assert cognito.calls == [("revoke", ("refresh",))]


def test_cancel_returns_to_sign_in_with_the_email() -> None:
    state = make_flow(FakeCognito()).cancel(coded())
    assert state == FlowState(email="ada@example.com")


def test_build_flow_from_env_derives_issuer_and_pool_settings() -> None:
    aws = build_flow_from_env(
        {
            "USER_POOL_ID": POOL_ID,
            "CLIENT_ID": "c1",
            "AWS_REGION": "eu-west-1",
            "PASSWORD_MIN_LENGTH": "16",
        }
    )
    assert aws.verifier.issuer == "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc"
    assert aws.verifier.jwks_url == aws.verifier.issuer + "/.well-known/jwks.json"
    assert aws.pool.password.minimum_length == 16
    local = build_flow_from_env(
        {
            "USER_POOL_ID": POOL_ID,
            "CLIENT_ID": "c1",
            "AWS_REGION": "eu-west-1",
            "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
        }
    )
    assert local.verifier.issuer == "http://127.0.0.1:9/eu-west-1_Abc"
    assert local.gateway.endpoint_url == "http://127.0.0.1:9"
    with pytest.raises(ValueError, match="CLIENT_ID, AWS_REGION"):
        build_flow_from_env({"USER_POOL_ID": POOL_ID})
