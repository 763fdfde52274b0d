"""The sign-in journey's state and its pure transitions (no I/O, no clock of their own).

One `FlowState` is everything one browser's sign-in needs; it round-trips through JSON so the
web app keeps it server side in app.storage.user. Every function here takes the current time as
an argument and returns a new value, so each transition is tested without mocks.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, Final

from webapp.auth.errors import AuthErrorKind
from webapp.auth.tokens import Identity

_FORMAT_VERSION: Final = 1


class Step(StrEnum):
    """Which form the user is looking at."""

    SIGN_IN = "sign_in"
    CODE = "code"
    CONFIRM_SIGN_UP = "confirm_sign_up"
    RESET_PASSWORD = "reset_password"  # noqa: S105
    SIGNED_IN = "signed_in"


class Notice(StrEnum):
    """Good news to show on the next render (failures use AuthErrorKind values instead)."""

    SIGN_UP_CODE_SENT = "sign_up_code_sent"
    CONFIRMED = "confirmed"
    CODE_RESENT = "code_resent"
    RESET_CODE_SENT = "reset_code_sent"
    PASSWORD_RESET = "password_reset"  # noqa: S105
    SIGNED_OUT = "signed_out"
    SIGNED_OUT_EVERYWHERE = "signed_out_everywhere"
    PASSWORD_CHANGED = "password_changed"  # noqa: S105
    ACCOUNT_DELETED = "account_deleted"
    REAUTH_REQUIRED = "reauth_required"


NoticeValue = AuthErrorKind | Notice | str


def parse_notice(value: object) -> NoticeValue | None:
    """The enum member a stored notice string stands for (unknown strings stay strings)."""
    if value is None:
        return None
    text = str(value)
    for enum in (AuthErrorKind, Notice):
        try:
            return enum(text)
        except ValueError:
            continue
    return text


@dataclass(frozen=True)
class CodeChallenge:
    """What the Create trigger told us about the emailed code (its public parameters)."""

    destination: str
    code_length: int
    expires_at: int
    attempts_left: int
    resend_available_in: int
    codes_left: int
    resent: bool
    received_at: float
    session_expires_at: float = 0.0  # when Cognito drops the sign-in session (0: unknown)

    @classmethod
    def from_parameters(
        cls, parameters: Mapping[str, str], received_at: float, session_validity_seconds: int
    ) -> CodeChallenge:
        """Parse CUSTOM_CHALLENGE ChallengeParameters (all strings, per the trigger contract)."""

        def number(name: str, default: int = 0) -> int:
            try:
                return int(str(parameters.get(name, default)).strip())
            except ValueError:
                return default

        return cls(
            destination=str(parameters.get("destination", "")),
            code_length=number("code_length", 6),
            expires_at=number("expires_at"),
            attempts_left=number("attempts_left"),
            resend_available_in=number("resend_available_in"),
            codes_left=number("codes_left"),
            resent=str(parameters.get("resent", "false")).lower() == "true",
            received_at=received_at,
            session_expires_at=received_at + session_validity_seconds,
        )

    def seconds_left(self, now: float) -> int:
        """Whole seconds before the code (or the session carrying it) stops working."""
        deadline = float(self.expires_at)
        if self.session_expires_at:
            deadline = min(deadline, self.session_expires_at)
        return max(0, int(deadline - now))

    def resend_wait(self, now: float) -> int:
        """Whole seconds before a resend may be asked (0: now)."""
        return max(0, math.ceil(self.received_at + self.resend_available_in - now))

    def can_resend(self, now: float) -> bool:
        return self.codes_left > 0 and self.resend_wait(now) == 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "destination": self.destination,
            "code_length": self.code_length,
            "expires_at": self.expires_at,
            "attempts_left": self.attempts_left,
            "resend_available_in": self.resend_available_in,
            "codes_left": self.codes_left,
            "resent": self.resent,
            "received_at": self.received_at,
            "session_expires_at": self.session_expires_at,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CodeChallenge:
        return cls(
            destination=str(data["destination"]),
            code_length=int(data["code_length"]),
            expires_at=int(data["expires_at"]),
            attempts_left=int(data["attempts_left"]),
            resend_available_in=int(data["resend_available_in"]),
            codes_left=int(data["codes_left"]),
            resent=bool(data["resent"]),
            received_at=float(data["received_at"]),
            session_expires_at=float(data.get("session_expires_at", 0.0)),
        )


@dataclass(frozen=True)
class Tokens:
    """Cognito's tokens. Server-side only: never rendered, never sent to the browser."""

    id_token: str = field(repr=False)
    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_at: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "id_token": self.id_token,
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "expires_at": self.expires_at,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Tokens:
        return cls(
            id_token=str(data["id_token"]),
            access_token=str(data["access_token"]),
            refresh_token=str(data["refresh_token"]),
            expires_at=float(data["expires_at"]),
        )


@dataclass
class FlowState:
    """Everything one browser's sign-in needs. Treat as immutable: transitions return copies."""

    step: Step = Step.SIGN_IN
    email: str = ""
    cognito_session: str | None = field(default=None, repr=False)
    username: str | None = None  # Cognito's internal username (USERNAME of the challenge)
    challenge: CodeChallenge | None = None
    tokens: Tokens | None = None
    identity: Identity | None = None
    signed_in_at: float | None = None
    session_ends_at: float | None = None  # when the refresh token runs out: sign in again then
    notice: NoticeValue | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types only (app.storage.user serialises it)."""
        return {
            "version": _FORMAT_VERSION,
            "step": self.step.value,
            "email": self.email,
            "cognito_session": self.cognito_session,
            "username": self.username,
            "challenge": self.challenge.to_dict() if self.challenge else None,
            "tokens": self.tokens.to_dict() if self.tokens else None,
            "identity": self.identity.to_dict() if self.identity else None,
            "signed_in_at": self.signed_in_at,
            "session_ends_at": self.session_ends_at,
            "notice": str(self.notice) if self.notice is not None else None,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> FlowState:
        """Rebuild a stored state; anything unreadable starts a clean sign-in instead."""
        if not data:
            return cls()
        try:
            if data.get("version") != _FORMAT_VERSION:
                raise ValueError("stored by another version")
            challenge, tokens, identity = (
                data.get("challenge"),
                data.get("tokens"),
                data.get("identity"),
            )
            return cls(
                step=Step(data["step"]),
                email=str(data.get("email") or ""),
                cognito_session=_optional_str(data.get("cognito_session")),
                username=_optional_str(data.get("username")),
                challenge=CodeChallenge.from_dict(challenge) if challenge else None,
                tokens=Tokens.from_dict(tokens) if tokens else None,
                identity=Identity.from_dict(identity) if identity else None,
                signed_in_at=_optional_float(data.get("signed_in_at")),
                session_ends_at=_optional_float(data.get("session_ends_at")),
                notice=parse_notice(data.get("notice")),
            )
        except (KeyError, TypeError, ValueError, AttributeError):
            return cls(notice=AuthErrorKind.SESSION_EXPIRED)


def _optional_str(value: object) -> str | None:
    return None if value is None else str(value)


def _optional_float(value: object) -> float | None:
    return None if value is None else float(str(value))


# --- pure transitions ----------------------------------------------------------------------


def restart(state: FlowState, notice: NoticeValue | None = None) -> FlowState:
    """Back to the sign-in form, keeping only the email typed and the reason."""
    return FlowState(step=Step.SIGN_IN, email=state.email, notice=notice)


def with_notice(state: FlowState, notice: NoticeValue | None) -> FlowState:
    return replace(state, notice=notice)


def at_step(state: FlowState, step: Step, email: str, notice: NoticeValue | None) -> FlowState:
    """A form that needs only the email (confirmation, password reset)."""
    return FlowState(step=step, email=email, notice=notice)


def code_step(
    state: FlowState,
    *,
    email: str,
    session: str,
    username: str,
    challenge: CodeChallenge,
    notice: NoticeValue | None = None,
) -> FlowState:
    """Password proven: wait for the emailed code with this Cognito session."""
    return FlowState(
        step=Step.CODE,
        email=email,
        cognito_session=session,
        username=username,
        challenge=challenge,
        notice=notice,
    )


def answer_notice(previous: CodeChallenge | None, now: float) -> AuthErrorKind:
    """Why a code was refused while the sign-in goes on: expired if its time had run out."""
    if previous is not None and previous.expires_at and now >= previous.expires_at:
        return AuthErrorKind.CODE_EXPIRED
    return AuthErrorKind.CODE_MISMATCH


def ended_notice(kind: AuthErrorKind, previous: CodeChallenge | None, now: float) -> AuthErrorKind:
    """Why the sign-in ended at the code step: the Define trigger fails it the same way whether
    the last wrong answer came after the code expired or used the last attempt."""
    if kind == AuthErrorKind.INVALID_CREDENTIALS:
        return AuthErrorKind.SESSION_EXPIRED
    if kind == AuthErrorKind.CODE_ATTEMPTS_EXHAUSTED and answer_notice(previous, now) == (
        AuthErrorKind.CODE_EXPIRED
    ):
        return AuthErrorKind.CODE_EXPIRED
    return kind


def signed_in(
    state: FlowState,
    *,
    tokens: Tokens,
    identity: Identity,
    now: float,
    refresh_validity_seconds: int,
) -> FlowState:
    """The code was right and the ID token checked out."""
    return FlowState(
        step=Step.SIGNED_IN,
        email=identity.email or state.email,
        username=state.username,
        tokens=tokens,
        identity=identity,
        signed_in_at=now,
        session_ends_at=now + refresh_validity_seconds,
    )


def refreshed(state: FlowState, *, tokens: Tokens, identity: Identity) -> FlowState:
    return replace(state, tokens=tokens, identity=identity, notice=None)


def tokens_from_result(
    result: Mapping[str, Any], now: float, identity_expires_at: float, previous_refresh: str = ""
) -> Tokens:
    """Tokens from an AuthenticationResult; a refresh keeps the refresh token it used."""
    lifetime = float(result.get("ExpiresIn", 0) or 0)
    expires_at = now + lifetime if lifetime else identity_expires_at
    return Tokens(
        id_token=str(result["IdToken"]),
        access_token=str(result["AccessToken"]),
        refresh_token=str(result.get("RefreshToken") or previous_refresh),
        expires_at=min(expires_at, identity_expires_at),
    )


def needs_refresh(state: FlowState, now: float, margin_seconds: float) -> bool:
    return (
        state.step == Step.SIGNED_IN
        and state.tokens is not None
        and state.tokens.expires_at - now <= margin_seconds
    )


def is_signed_in(state: FlowState, now: float) -> bool:
    """Signed in with verified, unexpired tokens and within the session's end."""
    return (
        state.step == Step.SIGNED_IN
        and state.tokens is not None
        and state.identity is not None
        and now < state.tokens.expires_at
        and (state.session_ends_at is None or now < state.session_ends_at)
    )


def expire_stale(state: FlowState, now: float) -> FlowState:
    """A stored state whose Cognito session or login ran out restarts with an explanation."""
    if state.step == Step.CODE:
        challenge = state.challenge
        if (
            challenge is None
            or not state.cognito_session
            or (challenge.session_expires_at and now >= challenge.session_expires_at)
        ):
            return restart(state, AuthErrorKind.SESSION_EXPIRED)
    if state.step == Step.SIGNED_IN and (
        state.tokens is None
        or state.identity is None
        or (state.session_ends_at is not None and now >= state.session_ends_at)
    ):
        return FlowState(notice=AuthErrorKind.SESSION_EXPIRED)
    return state
