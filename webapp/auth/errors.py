"""What went wrong, in the terms a login page needs (cognito-custom-auth.md §7).

Cognito reports failures as an exception name plus an English message; several different
situations share a name (NotAuthorizedException covers a wrong password, a lockout, a disabled
user and an expired session). `classify` turns them into one `AuthErrorKind` per message the user
should read, as a pure table so it is tested without any AWS call.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class AuthErrorKind(StrEnum):
    """One value per distinct explanation the UI gives (each has a localized message)."""

    INVALID_CREDENTIALS = "invalid_credentials"  # unknown account and wrong password read the same
    USER_NOT_CONFIRMED = "user_not_confirmed"
    PASSWORD_RESET_REQUIRED = "password_reset_required"  # noqa: S105
    USER_DISABLED = "user_disabled"
    TOO_MANY_ATTEMPTS = "too_many_attempts"  # password lockout, too many failed code checks
    SESSION_EXPIRED = "session_expired"  # sign-in session or refresh token no longer valid
    CODE_MISMATCH = "code_mismatch"
    CODE_EXPIRED = "code_expired"
    CODE_ATTEMPTS_EXHAUSTED = "code_attempts_exhausted"  # the sign-in failed after wrong codes
    USERNAME_EXISTS = "username_exists"
    INVALID_PASSWORD = "invalid_password"  # noqa: S105 - the pool's password policy refused it
    INVALID_PARAMETER = "invalid_parameter"
    LIMIT_EXCEEDED = "limit_exceeded"  # too many codes or requests for this account: wait
    THROTTLED = "throttled"  # the service is busy: retry
    DELIVERY_FAILED = "delivery_failed"
    ALIAS_EXISTS = "alias_exists"
    ALREADY_CONFIRMED = "already_confirmed"
    NETWORK = "network"
    SERVICE = "service"  # trigger failure, configuration problem, anything unexpected
    # Password right, but the account's code limits refused a code (`until` says how long):
    # wrong codes locked it, the hourly cap was reached, or other sign-ins hold the budget.
    CODES_BLOCKED = "codes_blocked"
    CODES_UNAVAILABLE = "codes_unavailable"  # the limits store was unreachable: try again later


class Operation(StrEnum):
    """The calls the gateway makes; the same error name means different things in each."""

    SIGN_UP = "SignUp"
    CONFIRM_SIGN_UP = "ConfirmSignUp"
    RESEND_CONFIRMATION_CODE = "ResendConfirmationCode"
    INITIATE_AUTH = "InitiateAuth"
    PASSWORD_VERIFIER = "RespondToAuthChallenge.PASSWORD_VERIFIER"  # noqa: S105
    CUSTOM_CHALLENGE = "RespondToAuthChallenge.CUSTOM_CHALLENGE"
    FORGOT_PASSWORD = "ForgotPassword"  # noqa: S105
    CONFIRM_FORGOT_PASSWORD = "ConfirmForgotPassword"  # noqa: S105
    REFRESH = "InitiateAuth.REFRESH_TOKEN_AUTH"
    REVOKE_TOKEN = "RevokeToken"  # noqa: S105
    GLOBAL_SIGN_OUT = "GlobalSignOut"
    CHANGE_PASSWORD = "ChangePassword"  # noqa: S105
    DELETE_USER = "DeleteUser"


class AuthError(Exception):
    """A user-facing failure. Its message names only the kind and the call: never a secret."""

    def __init__(
        self,
        kind: AuthErrorKind,
        operation: str = "",
        code: str = "",
        detail: str = "",
        *,
        until: float | None = None,
    ) -> None:
        self.kind = kind
        self.operation = operation
        self.code = code  # Cognito's exception name, safe to log
        self.detail = detail  # a fixed phrase chosen by this package, never user or token data
        self.until = until  # when the situation ends (epoch seconds), if the server said
        where = f" during {operation}" if operation else ""
        why = f": {detail}" if detail else ""
        super().__init__(f"{kind.value}{where}{why}")


_BY_CODE: Final[dict[str, AuthErrorKind]] = {
    "UserNotConfirmedException": AuthErrorKind.USER_NOT_CONFIRMED,
    "PasswordResetRequiredException": AuthErrorKind.PASSWORD_RESET_REQUIRED,
    "CodeMismatchException": AuthErrorKind.CODE_MISMATCH,
    "ExpiredCodeException": AuthErrorKind.CODE_EXPIRED,
    "TooManyFailedAttemptsException": AuthErrorKind.TOO_MANY_ATTEMPTS,
    "UsernameExistsException": AuthErrorKind.USERNAME_EXISTS,
    "InvalidPasswordException": AuthErrorKind.INVALID_PASSWORD,
    "PasswordHistoryPolicyViolationException": AuthErrorKind.INVALID_PASSWORD,
    "LimitExceededException": AuthErrorKind.LIMIT_EXCEEDED,
    "TooManyRequestsException": AuthErrorKind.THROTTLED,
    "ThrottlingException": AuthErrorKind.THROTTLED,
    "CodeDeliveryFailureException": AuthErrorKind.DELIVERY_FAILED,
    "AliasExistsException": AuthErrorKind.ALIAS_EXISTS,
}

_SIGN_IN_OPERATIONS: Final = frozenset(
    {Operation.INITIATE_AUTH, Operation.PASSWORD_VERIFIER, Operation.CUSTOM_CHALLENGE}
)
# Calls made with the user's own tokens: a refusal of the token means the session is over.
_TOKEN_OPERATIONS: Final = frozenset(
    {
        Operation.REFRESH,
        Operation.REVOKE_TOKEN,
        Operation.GLOBAL_SIGN_OUT,
        Operation.CHANGE_PASSWORD,
        Operation.DELETE_USER,
    }
)
_CODE_CHECK_OPERATIONS: Final = frozenset(
    {Operation.CONFIRM_SIGN_UP, Operation.CONFIRM_FORGOT_PASSWORD}
)
# InvalidParameterException messages that mean the pool or client is misconfigured, not the input.
_CONFIG_MARKERS: Final = ("not configured", "not enabled for the client", "auth flow not enabled")


def _not_authorized(message: str, operation: str) -> AuthErrorKind:
    text = message.lower()
    if "password attempts exceeded" in text:
        # Cognito locks out only existing accounts: "too many attempts" would confirm that the
        # address is registered, so at sign-in it reads like any wrong password.
        if operation in _SIGN_IN_OPERATIONS:
            return AuthErrorKind.INVALID_CREDENTIALS
        return AuthErrorKind.TOO_MANY_ATTEMPTS
    if "disabled" in text:
        return AuthErrorKind.USER_DISABLED
    if "session" in text and operation in _SIGN_IN_OPERATIONS:
        return AuthErrorKind.SESSION_EXPIRED
    if operation == Operation.CHANGE_PASSWORD and "incorrect username or password" in text:
        return AuthErrorKind.INVALID_CREDENTIALS  # the current password typed is wrong
    if operation == Operation.CONFIRM_SIGN_UP and "confirmed" in text:
        return AuthErrorKind.ALREADY_CONFIRMED
    if operation in _TOKEN_OPERATIONS:
        return AuthErrorKind.SESSION_EXPIRED
    if operation == Operation.CUSTOM_CHALLENGE:
        # Define answered failAuthentication: the codes of this sign-in are used up.
        return AuthErrorKind.CODE_ATTEMPTS_EXHAUSTED
    if operation in _SIGN_IN_OPERATIONS:
        return AuthErrorKind.INVALID_CREDENTIALS
    return AuthErrorKind.SERVICE


def classify(code: str, message: str, operation: str) -> AuthErrorKind:
    """Map Cognito's (exception name, message) for one operation to what the user is told."""
    if code == "NotAuthorizedException":
        return _not_authorized(message, operation)
    if code == "UserNotFoundException":
        # Never reveal that an account does not exist.
        if operation in _CODE_CHECK_OPERATIONS:
            return AuthErrorKind.CODE_MISMATCH
        if operation in _TOKEN_OPERATIONS:
            return AuthErrorKind.SESSION_EXPIRED
        return AuthErrorKind.INVALID_CREDENTIALS
    if code == "InvalidParameterException":
        if any(marker in message.lower() for marker in _CONFIG_MARKERS):
            return AuthErrorKind.SERVICE
        if "already confirmed" in message.lower():  # ResendConfirmationCode
            return AuthErrorKind.ALREADY_CONFIRMED
        return AuthErrorKind.INVALID_PARAMETER
    return _BY_CODE.get(code, AuthErrorKind.SERVICE)
