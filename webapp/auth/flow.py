"""The sign-in journey as one small state machine that the pages, the CLI and the tests all drive.

Sign-in is SRP inside CUSTOM_AUTH (InitiateAuth with CHALLENGE_NAME=SRP_A, then the
PASSWORD_VERIFIER proof) followed by the emailed one-time code. Every method is blocking (the web
pages call it through run.io_bound), takes the current `FlowState` and returns a new one without
touching its input. Failures the user can act on are raised as `AuthError`; outcomes that move the
journey elsewhere (wrong code, expired session, unconfirmed account) are returned as a new state
with a `notice` explaining why. The decisions themselves live in the pure `state` module.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, Final

from functions.settings import PoolSettings, pool_settings_from_lookup
from webapp.auth import srp
from webapp.auth.cognito import CognitoGateway
from webapp.auth.environment import config_from_env
from webapp.auth.errors import AuthError, AuthErrorKind
from webapp.auth.inputs import clean_code, email_problem, password_problem
from webapp.auth.passwords import password_problems, password_rules
from webapp.auth.state import (
    CodeChallenge,
    FlowState,
    Notice,
    Step,
    Tokens,
    answer_notice,
    at_step,
    code_step,
    ended_notice,
    expire_stale,
    needs_refresh,
    refreshed,
    restart,
    signed_in,
    tokens_from_result,
    with_notice,
)
from webapp.auth.state import is_signed_in as state_is_signed_in
from webapp.auth.timing import ResponseTimer
from webapp.auth.tokens import Identity, TokenVerifier

__all__ = [
    "AuthError",
    "AuthErrorKind",
    "AuthFlow",
    "CodeChallenge",
    "FlowState",
    "Identity",
    "Notice",
    "Step",
    "Tokens",
    "build_flow_from_env",
    "normalize_email",
    "password_problems",
    "password_rules",
]

Clock = Callable[[], float]

_RESEND_ANSWER: Final = "resend"
# Errors that end the code step: the Cognito session cannot be used any more.
_SESSION_ENDING: Final = frozenset(
    {
        AuthErrorKind.SESSION_EXPIRED,
        AuthErrorKind.CODE_ATTEMPTS_EXHAUSTED,
        AuthErrorKind.INVALID_CREDENTIALS,
    }
)
# ForgotPassword answers these only for accounts that cannot reset: say the same as for the rest.
_FORGOT_PASSWORD_SILENT: Final = frozenset(
    {
        AuthErrorKind.INVALID_CREDENTIALS,
        AuthErrorKind.INVALID_PARAMETER,
        AuthErrorKind.USER_NOT_CONFIRMED,
        AuthErrorKind.USER_DISABLED,
    }
)
# ResendConfirmationCode answers these only for confirmed or unknown accounts: say "sent".
_RESEND_SILENT: Final = frozenset(
    {AuthErrorKind.ALREADY_CONFIRMED, AuthErrorKind.INVALID_CREDENTIALS}
)
_TRANSIENT: Final = frozenset(
    {AuthErrorKind.NETWORK, AuthErrorKind.THROTTLED, AuthErrorKind.SERVICE}
)


def normalize_email(email: str) -> str:
    """The username the pool stores: trimmed and lower-cased, the same at sign-up and sign-in."""
    return email.strip().lower()


def _checked_email(email: str) -> str:
    """Bounded and checked before any call (webapp/auth/inputs.py), then normalized."""
    if email_problem(email) is not None:
        raise AuthError(AuthErrorKind.INVALID_PARAMETER, "email check")
    return normalize_email(email)


# Public challenge parameters of a round in which the account's limits refused a code
# (functions/code_rounds.py BLOCKED_PARAMETER / BLOCKED_UNTIL_PARAMETER).
BLOCKED_PARAMETER: Final = "blocked"
BLOCKED_UNTIL_PARAMETER: Final = "blocked_until"
_UNAVAILABLE_REASON: Final = "unavailable"


def codes_refusal(parameters: Mapping[str, str]) -> AuthError | None:
    """The error to show when the code round carries no code, else None."""
    reason = parameters.get(BLOCKED_PARAMETER)
    if not reason:
        return None
    if reason == _UNAVAILABLE_REASON:
        return AuthError(AuthErrorKind.CODES_UNAVAILABLE, "CreateAuthChallenge", detail=reason)
    try:
        until: float | None = float(parameters.get(BLOCKED_UNTIL_PARAMETER, "")) or None
    except ValueError:
        until = None
    return AuthError(AuthErrorKind.CODES_BLOCKED, "CreateAuthChallenge", detail=reason, until=until)


def _unexpected(operation: str) -> AuthError:
    """Cognito answered with a shape the login does not expect (misconfigured pool): fail closed."""
    return AuthError(AuthErrorKind.SERVICE, operation, "UnexpectedResponse")


class AuthFlow:
    """Drives one pool's sign-up, confirmation, sign-in and sign-out for any number of users."""

    def __init__(
        self,
        gateway: CognitoGateway,
        verifier: TokenVerifier,
        pool: PoolSettings,
        clock: Clock = time.time,
        *,
        srp_private_bits: int = srp.PRIVATE_EXPONENT_BITS,
        srp_powmod: srp.PowMod = srp.fast_powmod,
    ) -> None:
        self.gateway = gateway
        self.verifier = verifier
        self.pool = pool
        self._clock = clock
        self._srp_private_bits = srp_private_bits
        self._srp_powmod = srp_powmod
        self.sign_up_timer = ResponseTimer()

    def now(self) -> float:
        return self._clock()

    # --- sign-in ------------------------------------------------------------------------------

    def sign_in(self, state: FlowState, email: str, password: str, locale: str) -> FlowState:
        """Prove the password with SRP; Cognito then emails a code and we wait for it."""
        address = _checked_email(email)
        if password_problem(password) is not None:
            raise AuthError(AuthErrorKind.INVALID_CREDENTIALS, "password check")
        ephemeral = srp.new_ephemeral(self._srp_private_bits, self._srp_powmod)
        try:
            started = self.gateway.initiate_custom_auth_srp(address, ephemeral.public_hex)
            if started.get("ChallengeName") != "PASSWORD_VERIFIER":
                raise _unexpected("InitiateAuth")
            try:
                responses = srp.password_verifier_responses(
                    pool_id=self.gateway.user_pool_id,
                    password=password,
                    challenge_parameters=started.get("ChallengeParameters", {}),
                    ephemeral=ephemeral,
                    now=datetime.fromtimestamp(self.now(), UTC),
                    powmod=self._srp_powmod,
                )
            except (KeyError, ValueError):
                raise _unexpected("PASSWORD_VERIFIER") from None
            answered = self.gateway.respond_password_verifier(
                started.get("Session"), responses, locale
            )
        except AuthError as error:
            if error.kind == AuthErrorKind.USER_NOT_CONFIRMED:
                return self._to_confirmation(address, locale)
            raise
        if answered.get("ChallengeName") != "CUSTOM_CHALLENGE" or not answered.get("Session"):
            # Never accept tokens without the emailed code (a Define trigger gone wrong).
            raise _unexpected("PASSWORD_VERIFIER")
        parameters: Mapping[str, str] = answered.get("ChallengeParameters", {})
        refusal = codes_refusal(parameters)
        if refusal is not None:
            raise refusal
        return code_step(
            state,
            email=address,
            session=str(answered["Session"]),
            username=str(parameters.get("USERNAME") or responses["USERNAME"]),
            challenge=self._challenge(parameters),
        )

    def _to_confirmation(self, address: str, locale: str) -> FlowState:
        """Password right but account unconfirmed: send a fresh code (as Amplify does)."""
        # Best effort: the confirmation form offers a resend if this one fails.
        with contextlib.suppress(AuthError):
            self.gateway.resend_confirmation_code(address, locale)
        return at_step(FlowState(), Step.CONFIRM_SIGN_UP, address, AuthErrorKind.USER_NOT_CONFIRMED)

    def _challenge(self, parameters: Mapping[str, str]) -> CodeChallenge:
        return CodeChallenge.from_parameters(
            parameters, self.now(), self.pool.auth_session_validity_minutes * 60
        )

    def submit_code(self, state: FlowState, code: str, locale: str) -> FlowState:
        """Answer the code: signed in, another try (notice), or back to sign-in (notice)."""
        if state.step != Step.CODE or not state.cognito_session or not state.username:
            return restart(state, AuthErrorKind.SESSION_EXPIRED)
        answer = clean_code(code)
        expected = state.challenge.code_length if state.challenge else 0
        if not (answer.isascii() and answer.isdigit()) or (expected and len(answer) != expected):
            raise AuthError(AuthErrorKind.INVALID_PARAMETER, "code check")
        result = self._respond(state, answer, {"locale": locale})
        if isinstance(result, FlowState):
            return result
        if "AuthenticationResult" in result:
            return self._signed_in(state, result["AuthenticationResult"])
        return self._next_challenge(state, result, answer_notice(state.challenge, self.now()))

    def resend_code(self, state: FlowState, locale: str) -> FlowState:
        """Ask the Create trigger for a new code (it enforces the cooldown and the count)."""
        if state.step != Step.CODE or not state.cognito_session or not state.username:
            return restart(state, AuthErrorKind.SESSION_EXPIRED)
        if state.challenge is not None and state.challenge.codes_left <= 0:
            raise AuthError(AuthErrorKind.LIMIT_EXCEEDED, "resend check")
        result = self._respond(state, _RESEND_ANSWER, {"resend": "true", "locale": locale})
        if isinstance(result, FlowState):
            return result
        if "AuthenticationResult" in result:  # pragma: no cover - a resend never signs in
            raise _unexpected("CUSTOM_CHALLENGE")
        resent = str(result.get("ChallengeParameters", {}).get("resent", "")).lower() == "true"
        return self._next_challenge(
            state, result, Notice.CODE_RESENT if resent else AuthErrorKind.LIMIT_EXCEEDED
        )

    def _respond(
        self, state: FlowState, answer: str, metadata: Mapping[str, str]
    ) -> dict[str, Any] | FlowState:
        """One CUSTOM_CHALLENGE round; a dead session becomes a restart with its reason."""
        try:
            return self.gateway.respond_custom_challenge(
                state.cognito_session or "", state.username or "", answer, metadata
            )
        except AuthError as error:
            if error.kind in _SESSION_ENDING:
                return restart(state, ended_notice(error.kind, state.challenge, self.now()))
            raise

    def _next_challenge(
        self, state: FlowState, result: Mapping[str, Any], notice: AuthErrorKind | Notice
    ) -> FlowState:
        if result.get("ChallengeName") != "CUSTOM_CHALLENGE" or not result.get("Session"):
            raise _unexpected("CUSTOM_CHALLENGE")
        parameters: Mapping[str, str] = result.get("ChallengeParameters", {})
        return code_step(
            state,
            email=state.email,
            session=str(result["Session"]),
            username=str(parameters.get("USERNAME") or state.username),
            challenge=self._challenge(parameters),
            notice=notice,
        )

    def _signed_in(self, state: FlowState, result: Mapping[str, Any]) -> FlowState:
        now = self.now()
        identity = self.verifier.verify_id_token(str(result.get("IdToken", "")))
        self.verifier.verify_access_token(str(result.get("AccessToken", "")))
        if not result.get("RefreshToken"):
            raise _unexpected("CUSTOM_CHALLENGE")
        tokens = tokens_from_result(result, now, identity.expires_at)
        return signed_in(
            state,
            tokens=tokens,
            identity=identity,
            now=now,
            refresh_validity_seconds=self.pool.refresh_token_validity_days * 86400,
        )

    def cancel(self, state: FlowState) -> FlowState:
        """Leave the code step (the Cognito session is simply abandoned)."""
        return restart(state)

    # --- sign-up ------------------------------------------------------------------------------

    def sign_up(self, state: FlowState, email: str, password: str, locale: str) -> FlowState:
        """Create the account; Cognito emails a confirmation code.

        A taken address reads exactly like a new one, and takes as long: the page always says
        "if this address can be used, we sent a code", so sign-up cannot tell anyone whether an
        account exists (the owner of a taken address can sign in or reset the password).
        """
        address = _checked_email(email)
        if password_problems(password, self.pool.password):
            raise AuthError(AuthErrorKind.INVALID_PASSWORD, "password check")
        started = time.perf_counter()
        try:
            self.gateway.sign_up(address, password, locale)
        except AuthError as error:
            if error.kind not in (AuthErrorKind.USERNAME_EXISTS, AuthErrorKind.ALIAS_EXISTS):
                raise
            self.sign_up_timer.hold(started)
        else:
            self.sign_up_timer.record(time.perf_counter() - started)
        return at_step(state, Step.CONFIRM_SIGN_UP, address, Notice.SIGN_UP_CODE_SENT)

    def confirm_sign_up(self, state: FlowState, code: str) -> FlowState:
        """Check the sign-up code; the user then signs in (email kept).

        "Already confirmed" is answered only for registered addresses, so it reads as a wrong
        code, as an unknown address does.
        """
        address = _checked_email(state.email)
        answer = clean_code(code)
        if not answer:
            raise AuthError(AuthErrorKind.INVALID_PARAMETER, "code check")
        try:
            self.gateway.confirm_sign_up(address, answer)
        except AuthError as error:
            if error.kind == AuthErrorKind.ALREADY_CONFIRMED:
                raise AuthError(AuthErrorKind.CODE_MISMATCH, "ConfirmSignUp") from None
            raise
        return at_step(state, Step.SIGN_IN, address, Notice.CONFIRMED)

    def resend_sign_up_code(self, state: FlowState, locale: str) -> FlowState:
        """Another sign-up code; the same answer for new, confirmed and unknown addresses."""
        address = _checked_email(state.email)
        try:
            self.gateway.resend_confirmation_code(address, locale)
        except AuthError as error:
            if error.kind not in (
                AuthErrorKind.ALREADY_CONFIRMED,
                AuthErrorKind.INVALID_CREDENTIALS,
            ):
                raise
        return at_step(state, Step.CONFIRM_SIGN_UP, address, Notice.SIGN_UP_CODE_SENT)

    # --- forgotten password -------------------------------------------------------------------

    def forgot_password(self, state: FlowState, email: str, locale: str) -> FlowState:
        """Ask for a reset code. Same result whether or not the account exists."""
        address = _checked_email(email)
        try:
            self.gateway.forgot_password(address, locale)
        except AuthError as error:
            if error.kind not in _FORGOT_PASSWORD_SILENT:
                raise
        return at_step(state, Step.RESET_PASSWORD, address, Notice.RESET_CODE_SENT)

    def confirm_forgot_password(self, state: FlowState, code: str, new_password: str) -> FlowState:
        """Set the new password with the emailed code; the user then signs in with it."""
        address = _checked_email(state.email)
        answer = clean_code(code)
        if not answer:
            raise AuthError(AuthErrorKind.INVALID_PARAMETER, "code check")
        if password_problems(new_password, self.pool.password):
            raise AuthError(AuthErrorKind.INVALID_PASSWORD, "password check")
        self.gateway.confirm_forgot_password(address, answer, new_password)
        return at_step(state, Step.SIGN_IN, address, Notice.PASSWORD_RESET)

    # --- signed in ----------------------------------------------------------------------------

    def refresh_if_needed(self, state: FlowState, margin_seconds: float = 300) -> FlowState:
        """Renew the tokens shortly before they expire; a dead refresh token signs the user out."""
        now = self.now()
        current = expire_stale(state, now)
        if (
            current is not state
            or state.tokens is None
            or not needs_refresh(state, now, margin_seconds)
        ):
            return current
        try:
            result = self.gateway.refresh(state.tokens.refresh_token, state.username)
            auth = result.get("AuthenticationResult")
            if not auth:
                raise _unexpected("REFRESH_TOKEN_AUTH")
            identity = self.verifier.verify_id_token(str(auth.get("IdToken", "")))
            self.verifier.verify_access_token(str(auth.get("AccessToken", "")))
        except AuthError as error:
            if error.kind in _TRANSIENT and now < state.tokens.expires_at:
                return state  # still valid: try again on the next request
            return FlowState(notice=AuthErrorKind.SESSION_EXPIRED)
        tokens = tokens_from_result(auth, now, identity.expires_at, state.tokens.refresh_token)
        return refreshed(state, tokens=tokens, identity=identity)

    def sign_out(self, state: FlowState) -> FlowState:
        """Revoke the refresh token (and the tokens it issued), then forget everything."""
        if state.tokens is not None:
            # Best effort: the local state is cleared either way.
            with contextlib.suppress(AuthError):
                self.gateway.revoke(state.tokens.refresh_token)
        return FlowState(notice=Notice.SIGNED_OUT)

    def is_signed_in(self, state: FlowState) -> bool:
        return state_is_signed_in(state, self.now())

    # --- the signed-in user's own account -----------------------------------------------------

    def _access_token(self, state: FlowState) -> tuple[FlowState, str]:
        """A current access token for an account call (refreshed first when about to expire)."""
        current = self.refresh_if_needed(state)
        if not self.is_signed_in(current) or current.tokens is None:
            raise AuthError(AuthErrorKind.SESSION_EXPIRED, "account check")
        return current, current.tokens.access_token

    def change_password(self, state: FlowState, previous: str, proposed: str) -> FlowState:
        """ChangePassword with the access token; the pool's policy is checked before the call.

        The session stays signed in (Cognito keeps its tokens valid); the state returned may
        carry refreshed tokens, and says "password changed".
        """
        if password_problem(previous) is not None:
            raise AuthError(AuthErrorKind.INVALID_CREDENTIALS, "password check")
        if password_problems(proposed, self.pool.password):
            raise AuthError(AuthErrorKind.INVALID_PASSWORD, "password check")
        current, token = self._access_token(state)
        self.gateway.change_password(token, previous, proposed)
        return with_notice(current, Notice.PASSWORD_CHANGED)

    def global_sign_out(self, state: FlowState) -> FlowState:
        """GlobalSignOut: every refresh and access token of the user, on every device, ends."""
        _, token = self._access_token(state)
        self.gateway.global_sign_out(token)
        return FlowState(notice=Notice.SIGNED_OUT_EVERYWHERE)

    def is_fresh_sign_in(self, state: FlowState, max_age_seconds: float) -> bool:
        """Signed in with the code no more than `max_age_seconds` ago (refreshes do not count)."""
        return (
            self.is_signed_in(state)
            and state.signed_in_at is not None
            and self.now() - state.signed_in_at <= max_age_seconds
        )

    def delete_account(
        self, state: FlowState, typed_email: str, max_age_seconds: float
    ) -> FlowState:
        """DeleteUser, only after the email was typed again and a recent code sign-in."""
        if state.identity is None or normalize_email(typed_email) != normalize_email(
            state.identity.email
        ):
            raise AuthError(AuthErrorKind.INVALID_PARAMETER, "email check")
        if not self.is_fresh_sign_in(state, max_age_seconds):
            raise AuthError(AuthErrorKind.SESSION_EXPIRED, "recent sign-in check", "reauth")
        _, token = self._access_token(state)
        self.gateway.delete_user(token)
        return FlowState(notice=Notice.ACCOUNT_DELETED)

    def restore(self, data: Mapping[str, Any] | None) -> FlowState:
        """A stored state, restarted with an explanation if its session ran out meanwhile."""
        return expire_stale(FlowState.from_dict(data), self.now())

    def clear_notice(self, state: FlowState) -> FlowState:
        """The same state once its notice has been shown."""
        return with_notice(state, None)


def build_flow_from_env(environ: Mapping[str, str], clock: Clock = time.time) -> AuthFlow:
    """The flow for the pool named by the environment (see webapp.auth.environment)."""
    config = config_from_env(environ)
    gateway = CognitoGateway(
        region=config.region,
        user_pool_id=config.user_pool_id,
        client_id=config.client_id,
        client_secret=config.client_secret,
        endpoint_url=config.endpoint_url,
    )
    verifier = TokenVerifier(config.issuer, config.client_id, config.jwks_url, clock)
    pool = pool_settings_from_lookup(lambda setting: environ.get(setting.env))
    return AuthFlow(gateway, verifier, pool, clock)
