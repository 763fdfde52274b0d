"""Signed in: tokens refresh before they expire, and signing out revokes the refresh token.

A module of its own so the emulator's clock has not been moved (see the note in the test).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.webapp.auth.emulator_helpers import PASSWORD, latest_code, new_email, register, signed_in
from webapp.auth.environment import environ_for_stack
from webapp.auth.errors import AuthError, AuthErrorKind
from webapp.auth.flow import AuthFlow, FlowState, Notice, Step, build_flow_from_env


def test_refresh_then_sign_out_revokes_the_refresh_token(flow: AuthFlow, stack: Any) -> None:
    email = new_email()
    state = signed_in(flow, stack, email)
    assert flow.refresh_if_needed(state) is state  # far from expiry: nothing to do

    assert state.tokens is not None
    # Within the margin of expiry. (Moving the emulator's clock instead would trip its own
    # iat check on refresh tokens: reported.)
    margin = state.tokens.expires_at - flow.now() + 1
    renewed = flow.refresh_if_needed(state, margin_seconds=margin)
    assert renewed.tokens is not None
    assert renewed.tokens.id_token != state.tokens.id_token
    assert renewed.tokens.expires_at >= state.tokens.expires_at
    assert renewed.tokens.refresh_token == state.tokens.refresh_token
    assert flow.is_signed_in(renewed)

    out = flow.sign_out(renewed)
    assert (out.step, out.tokens, out.identity, out.notice) == (
        Step.SIGN_IN,
        None,
        None,
        Notice.SIGNED_OUT,
    )
    with pytest.raises(AuthError) as revoked:
        flow.gateway.refresh(renewed.tokens.refresh_token, renewed.username)
    assert revoked.value.kind == AuthErrorKind.SESSION_EXPIRED
    # Another browser still holding the old state is signed out on its next refresh.
    stale = flow.refresh_if_needed(renewed, margin_seconds=10**9)
    assert (stale.step, stale.notice) == (Step.SIGN_IN, AuthErrorKind.SESSION_EXPIRED)


def test_a_client_with_a_secret_signs_in_with_secret_hashes(stack: Any) -> None:
    client = stack.create_client("with-secret", generate_secret=True)
    assert client.client_secret
    env = {**environ_for_stack(stack), "CLIENT_ID": client.client_id}
    env["CLIENT_SECRET"] = client.client_secret
    flow = build_flow_from_env(env, clock=stack.clock.now)
    email = new_email()
    state = register(flow, stack, email)
    coded = flow.sign_in(state, email, PASSWORD, "en")
    done = flow.submit_code(coded, latest_code(stack, email), "en")
    assert flow.is_signed_in(done)
    renewed = flow.refresh_if_needed(done, margin_seconds=10**9)
    assert flow.is_signed_in(renewed)
    # Without the secret the same client refuses to start a sign-in.
    bare = build_flow_from_env({**environ_for_stack(stack), "CLIENT_ID": client.client_id})
    with pytest.raises(AuthError):
        bare.sign_in(FlowState(), email, PASSWORD, "en")
