"""The whole journey against the local stack: real SRP, the real triggers, emails in the mailbox."""

from __future__ import annotations

from typing import Any

import pytest

from functions.settings import LoginSettings
from tests.webapp.auth.emulator_helpers import (
    PASSWORD,
    latest_code,
    mails,
    new_email,
    register,
    wrong_code,
)
from webapp.auth.errors import AuthError, AuthErrorKind
from webapp.auth.flow import AuthFlow, FlowState, Notice, Step

OTP = LoginSettings.local().triggers.otp
POOL = LoginSettings.local().pool


def test_sign_up_confirm_and_sign_in_with_srp_then_the_code(flow: AuthFlow, stack: Any) -> None:
    email = new_email()
    state = flow.sign_up(FlowState(), email.upper(), PASSWORD, "en")
    assert (state.step, state.email, state.notice) == (
        Step.CONFIRM_SIGN_UP,
        email,
        Notice.SIGN_UP_CODE_SENT,
    )
    state = flow.confirm_sign_up(state, latest_code(stack, email))
    assert (state.step, state.email, state.notice) == (Step.SIGN_IN, email, Notice.CONFIRMED)

    before = state.to_dict()
    coded = flow.sign_in(state, email, PASSWORD, "en")
    assert state.to_dict() == before  # the input state is never mutated
    assert coded.step == Step.CODE
    assert coded.cognito_session
    assert coded.username
    challenge = coded.challenge
    assert challenge is not None
    assert challenge.destination != email
    assert challenge.destination.endswith("@example.com")
    assert challenge.code_length == OTP.length
    assert challenge.attempts_left == OTP.max_attempts
    assert challenge.codes_left == OTP.max_codes - 1
    assert not challenge.resent
    assert 0 < challenge.seconds_left(flow.now()) <= OTP.ttl_seconds
    assert not flow.is_signed_in(coded)

    done = flow.submit_code(coded, latest_code(stack, email), "en")
    assert done.step == Step.SIGNED_IN
    assert flow.is_signed_in(done)
    assert done.identity is not None
    assert done.identity.email == email
    assert done.tokens is not None
    assert done.cognito_session is None
    assert done.challenge is None
    assert done.signed_in_at is not None
    assert done.session_ends_at is not None
    assert done.session_ends_at - done.signed_in_at == POOL.refresh_token_validity_days * 86400
    # The tokens are verified again by an independent check of the same pool.
    assert flow.verifier.verify_id_token(done.tokens.id_token).sub == done.identity.sub
    # The stored form round-trips and keeps no secret in its repr.
    assert FlowState.from_dict(done.to_dict()) == done
    assert done.tokens.refresh_token not in repr(done)
    assert done.tokens.id_token not in repr(done)


def test_wrong_password_and_unknown_account_read_the_same(flow: AuthFlow, stack: Any) -> None:
    email = new_email()
    register(flow, stack, email)
    kinds = []
    for address, password in ((email, PASSWORD + "x"), (new_email(), PASSWORD)):
        with pytest.raises(AuthError) as caught:
            flow.sign_in(FlowState(), address, password, "en")
        assert password not in str(caught.value)
        kinds.append(caught.value.kind)
    assert kinds == [AuthErrorKind.INVALID_CREDENTIALS, AuthErrorKind.INVALID_CREDENTIALS]


def test_a_wrong_code_then_the_right_one(flow: AuthFlow, stack: Any) -> None:
    email = new_email()
    register(flow, stack, email)
    coded = flow.sign_in(FlowState(), email, PASSWORD, "en")
    code = latest_code(stack, email)

    retry = flow.submit_code(coded, wrong_code(code), "en")
    assert retry.step == Step.CODE
    assert retry.notice == AuthErrorKind.CODE_MISMATCH
    assert retry.cognito_session != coded.cognito_session  # Cognito issues a new session
    assert retry.challenge is not None
    assert coded.challenge is not None
    assert retry.challenge.attempts_left == coded.challenge.attempts_left - 1

    done = flow.submit_code(retry, code, "en")
    assert flow.is_signed_in(done)


def test_too_many_wrong_codes_end_the_sign_in(flow: AuthFlow, stack: Any) -> None:
    email = new_email()
    register(flow, stack, email)
    state = flow.sign_in(FlowState(), email, PASSWORD, "en")
    bad = wrong_code(latest_code(stack, email))
    for _ in range(OTP.max_attempts - 1):
        state = flow.submit_code(state, bad, "en")
        assert state.step == Step.CODE
    state = flow.submit_code(state, bad, "en")
    assert (state.step, state.email, state.notice) == (
        Step.SIGN_IN,
        email,
        AuthErrorKind.CODE_ATTEMPTS_EXHAUSTED,
    )
    assert state.cognito_session is None


def test_resend_sends_a_new_code_that_works(flow: AuthFlow, stack: Any) -> None:
    email = new_email()
    register(flow, stack, email)
    coded = flow.sign_in(FlowState(), email, PASSWORD, "en")
    first = latest_code(stack, email)
    sent = len(mails(stack, email))
    assert coded.challenge is not None
    stack.clock.advance(coded.challenge.resend_available_in + 1)

    resent = flow.resend_code(coded, "en")
    assert resent.step == Step.CODE
    assert resent.notice == Notice.CODE_RESENT
    assert resent.challenge is not None
    assert resent.challenge.resent
    assert resent.challenge.codes_left == coded.challenge.codes_left - 1
    assert len(mails(stack, email)) == sent + 1
    second = latest_code(stack, email)
    assert second != first

    done = flow.submit_code(resent, second, "en")
    assert flow.is_signed_in(done)


def test_resend_during_the_cooldown_keeps_the_code(flow: AuthFlow, stack: Any) -> None:
    email = new_email()
    register(flow, stack, email)
    coded = flow.sign_in(FlowState(), email, PASSWORD, "en")
    sent = len(mails(stack, email))
    early = flow.resend_code(coded, "en")
    assert early.step == Step.CODE
    assert early.notice == AuthErrorKind.LIMIT_EXCEEDED
    assert len(mails(stack, email)) == sent
    assert flow.is_signed_in(flow.submit_code(early, latest_code(stack, email), "en"))


def test_an_expired_sign_in_session_restarts_with_an_explanation(
    flow: AuthFlow, stack: Any
) -> None:
    email = new_email()
    register(flow, stack, email)
    coded = flow.sign_in(FlowState(), email, PASSWORD, "en")
    code = latest_code(stack, email)
    stack.clock.advance(POOL.auth_session_validity_minutes * 60 + 1)
    state = flow.submit_code(coded, code, "en")
    assert (state.step, state.email) == (Step.SIGN_IN, email)
    assert state.notice == AuthErrorKind.SESSION_EXPIRED
    # A stored state is recognised as stale without calling Cognito.
    assert flow.restore(coded.to_dict()).notice == AuthErrorKind.SESSION_EXPIRED
    # And signing in again just works.
    again = flow.sign_in(state, email, PASSWORD, "en")
    assert flow.is_signed_in(flow.submit_code(again, latest_code(stack, email), "en"))


def test_an_unconfirmed_account_is_taken_to_confirmation(flow: AuthFlow, stack: Any) -> None:
    email = new_email()
    flow.sign_up(FlowState(), email, PASSWORD, "en")
    sent = len(mails(stack, email))
    state = flow.sign_in(FlowState(), email, PASSWORD, "en")
    assert (state.step, state.email, state.notice) == (
        Step.CONFIRM_SIGN_UP,
        email,
        AuthErrorKind.USER_NOT_CONFIRMED,
    )
    assert len(mails(stack, email)) == sent + 1  # a fresh confirmation code
    state = flow.confirm_sign_up(state, latest_code(stack, email))
    assert state.step == Step.SIGN_IN
    coded = flow.sign_in(state, email, PASSWORD, "en")
    assert flow.is_signed_in(flow.submit_code(coded, latest_code(stack, email), "en"))


def test_sign_up_code_resend_and_mistakes(flow: AuthFlow, stack: Any) -> None:
    email = new_email()
    state = flow.sign_up(FlowState(), email, PASSWORD, "en")
    with pytest.raises(AuthError) as caught:
        flow.confirm_sign_up(state, wrong_code(latest_code(stack, email)))
    assert caught.value.kind == AuthErrorKind.CODE_MISMATCH
    state = flow.resend_sign_up_code(state, "en")
    assert (state.step, state.notice) == (Step.CONFIRM_SIGN_UP, Notice.SIGN_UP_CODE_SENT)
    state = flow.confirm_sign_up(state, latest_code(stack, email))
    assert state.notice == Notice.CONFIRMED
    # A confirmed account reads like an unknown one: a wrong code, a code "sent", a sign-up
    # that goes on to the confirmation form.
    with pytest.raises(AuthError) as again:
        flow.confirm_sign_up(FlowState(step=Step.CONFIRM_SIGN_UP, email=email), "123456")
    assert again.value.kind == AuthErrorKind.CODE_MISMATCH
    resent = flow.resend_sign_up_code(FlowState(step=Step.CONFIRM_SIGN_UP, email=email), "en")
    assert (resent.step, resent.notice) == (Step.CONFIRM_SIGN_UP, Notice.SIGN_UP_CODE_SENT)
    taken = flow.sign_up(FlowState(), email, PASSWORD, "en")
    fresh = flow.sign_up(FlowState(), new_email(), PASSWORD, "en")
    assert (taken.step, taken.notice) == (fresh.step, fresh.notice)
    assert taken.step == Step.CONFIRM_SIGN_UP


def test_forgot_password_is_generic_and_resets(flow: AuthFlow, stack: Any) -> None:
    email, stranger = new_email(), new_email()
    register(flow, stack, email)
    known = flow.forgot_password(FlowState(), email, "en")
    unknown = flow.forgot_password(FlowState(), stranger, "en")
    assert (known.step, known.notice) == (unknown.step, unknown.notice)
    assert known.step == Step.RESET_PASSWORD

    new_password = "Another-horse-7staple"
    with pytest.raises(AuthError) as weak:
        flow.confirm_forgot_password(known, latest_code(stack, email), "short")
    assert weak.value.kind == AuthErrorKind.INVALID_PASSWORD
    state = flow.confirm_forgot_password(known, latest_code(stack, email), new_password)
    assert (state.step, state.notice) == (Step.SIGN_IN, Notice.PASSWORD_RESET)
    with pytest.raises(AuthError):
        flow.sign_in(state, email, PASSWORD, "en")
    coded = flow.sign_in(state, email, new_password, "en")
    assert flow.is_signed_in(flow.submit_code(coded, latest_code(stack, email), "en"))


def test_the_locale_reaches_the_emails(flow: AuthFlow, stack: Any) -> None:
    english, japanese = new_email(), new_email()
    for email, locale in ((english, "en"), (japanese, "ja")):
        state = flow.sign_up(FlowState(), email, PASSWORD, locale)
        state = flow.confirm_sign_up(state, latest_code(stack, email))
        flow.sign_in(state, email, PASSWORD, locale)
    english_subject = mails(stack, english)[-1]["subject"]
    japanese_subject = mails(stack, japanese)[-1]["subject"]
    assert english_subject != japanese_subject
    assert any(ord(char) > 0x3000 for char in japanese_subject)


def test_two_sign_ins_at_once_stay_apart(flow: AuthFlow, stack: Any) -> None:
    first, second = new_email(), new_email()
    register(flow, stack, first)
    register(flow, stack, second, "Second-horse-8battery")
    one = flow.sign_in(FlowState(), first, PASSWORD, "en")
    two = flow.sign_in(FlowState(), second, "Second-horse-8battery", "ja")
    one_code, two_code = latest_code(stack, first), latest_code(stack, second)
    # Each code only works for its own sign-in.
    crossed = flow.submit_code(one, two_code, "en")
    assert crossed.notice == AuthErrorKind.CODE_MISMATCH
    done_two = flow.submit_code(two, two_code, "ja")
    done_one = flow.submit_code(crossed, one_code, "en")
    assert done_one.identity is not None
    assert done_two.identity is not None
    assert (done_one.identity.email, done_two.identity.email) == (first, second)
    assert done_one.identity.sub != done_two.identity.sub


def test_disabled_and_reset_required_accounts_are_told_apart(flow: AuthFlow, stack: Any) -> None:
    admin = stack.boto3_client()
    disabled, reset = new_email(), new_email()
    register(flow, stack, disabled)
    register(flow, stack, reset)
    admin.admin_disable_user(UserPoolId=stack.user_pool_id, Username=disabled)
    admin.admin_reset_user_password(UserPoolId=stack.user_pool_id, Username=reset)
    for email, kind in (
        (disabled, AuthErrorKind.USER_DISABLED),
        (reset, AuthErrorKind.PASSWORD_RESET_REQUIRED),
    ):
        with pytest.raises(AuthError) as caught:
            flow.sign_in(FlowState(), email, PASSWORD, "en")
        assert caught.value.kind is kind
