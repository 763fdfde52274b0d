"""Every Cognito failure of cognito-custom-auth.md §7 reads as the right kind for the UI."""

from __future__ import annotations

import pytest

from webapp.auth.errors import AuthError, AuthErrorKind, Operation, classify

K = AuthErrorKind
Op = Operation

TABLE: list[tuple[str, str, str, AuthErrorKind]] = [
    # InitiateAuth / PASSWORD_VERIFIER: unknown account and wrong password read the same.
    (
        "NotAuthorizedException",
        "Incorrect username or password.",
        Op.INITIATE_AUTH,
        K.INVALID_CREDENTIALS,
    ),
    (
        "NotAuthorizedException",
        "Incorrect username or password.",
        Op.PASSWORD_VERIFIER,
        K.INVALID_CREDENTIALS,
    ),
    ("UserNotFoundException", "User does not exist.", Op.INITIATE_AUTH, K.INVALID_CREDENTIALS),
    ("UserNotFoundException", "User does not exist.", Op.PASSWORD_VERIFIER, K.INVALID_CREDENTIALS),
    # Cognito locks out only existing accounts: at sign-in it reads like a wrong password.
    (
        "NotAuthorizedException",
        "Password attempts exceeded",
        Op.PASSWORD_VERIFIER,
        K.INVALID_CREDENTIALS,
    ),
    (
        "NotAuthorizedException",
        "Password attempts exceeded",
        Op.GLOBAL_SIGN_OUT,
        K.TOO_MANY_ATTEMPTS,
    ),
    ("NotAuthorizedException", "User is disabled.", Op.INITIATE_AUTH, K.USER_DISABLED),
    (
        "UserNotConfirmedException",
        "User is not confirmed.",
        Op.PASSWORD_VERIFIER,
        K.USER_NOT_CONFIRMED,
    ),
    (
        "PasswordResetRequiredException",
        "Password reset required for the user",
        Op.INITIATE_AUTH,
        K.PASSWORD_RESET_REQUIRED,
    ),
    # The code step.
    (
        "NotAuthorizedException",
        "Invalid session for the user, session is expired.",
        Op.CUSTOM_CHALLENGE,
        K.SESSION_EXPIRED,
    ),
    (
        "NotAuthorizedException",
        "Invalid session for the user.",
        Op.CUSTOM_CHALLENGE,
        K.SESSION_EXPIRED,
    ),
    (
        "NotAuthorizedException",
        "Invalid session for the user.",
        Op.PASSWORD_VERIFIER,
        K.SESSION_EXPIRED,
    ),
    (
        "NotAuthorizedException",
        "Incorrect username or password.",
        Op.CUSTOM_CHALLENGE,
        K.CODE_ATTEMPTS_EXHAUSTED,
    ),
    (
        "CodeMismatchException",
        "Invalid code or auth state for the user.",
        Op.CUSTOM_CHALLENGE,
        K.CODE_MISMATCH,
    ),
    (
        "ExpiredCodeException",
        "Invalid code provided, please request a code again.",
        Op.CUSTOM_CHALLENGE,
        K.CODE_EXPIRED,
    ),
    (
        "UserLambdaValidationException",
        "CreateAuthChallenge failed with error boom.",
        Op.CUSTOM_CHALLENGE,
        K.SERVICE,
    ),
    ("UnexpectedLambdaException", "", Op.PASSWORD_VERIFIER, K.SERVICE),
    ("InvalidLambdaResponseException", "", Op.CUSTOM_CHALLENGE, K.SERVICE),
    ("InvalidUserPoolConfigurationException", "", Op.INITIATE_AUTH, K.SERVICE),
    (
        "InvalidParameterException",
        "Custom auth lambda trigger is not configured for the user pool.",
        Op.INITIATE_AUTH,
        K.SERVICE,
    ),
    (
        "InvalidParameterException",
        "CUSTOM_AUTH is not enabled for the client.",
        Op.INITIATE_AUTH,
        K.SERVICE,
    ),
    ("TooManyRequestsException", "Rate exceeded", Op.INITIATE_AUTH, K.THROTTLED),
    ("ThrottlingException", "Rate exceeded", Op.CUSTOM_CHALLENGE, K.THROTTLED),
    # Sign-up and its confirmation.
    ("UsernameExistsException", "User already exists", Op.SIGN_UP, K.USERNAME_EXISTS),
    (
        "InvalidPasswordException",
        "Password did not conform with policy: too short",
        Op.SIGN_UP,
        K.INVALID_PASSWORD,
    ),
    ("InvalidParameterException", "Invalid email address format.", Op.SIGN_UP, K.INVALID_PARAMETER),
    ("UserLambdaValidationException", "PreSignUp failed with error x.", Op.SIGN_UP, K.SERVICE),
    ("CodeDeliveryFailureException", "", Op.SIGN_UP, K.DELIVERY_FAILED),
    (
        "LimitExceededException",
        "Attempt limit exceeded, please try after some time.",
        Op.SIGN_UP,
        K.LIMIT_EXCEEDED,
    ),
    (
        "CodeMismatchException",
        "Invalid verification code provided, please try again.",
        Op.CONFIRM_SIGN_UP,
        K.CODE_MISMATCH,
    ),
    (
        "ExpiredCodeException",
        "Invalid code provided, please request a code again.",
        Op.CONFIRM_SIGN_UP,
        K.CODE_EXPIRED,
    ),
    (
        "AliasExistsException",
        "An account with the email already exists.",
        Op.CONFIRM_SIGN_UP,
        K.ALIAS_EXISTS,
    ),
    (
        "NotAuthorizedException",
        "User cannot be confirmed. Current status is CONFIRMED",
        Op.CONFIRM_SIGN_UP,
        K.ALREADY_CONFIRMED,
    ),
    ("TooManyFailedAttemptsException", "", Op.CONFIRM_SIGN_UP, K.TOO_MANY_ATTEMPTS),
    (
        "UserNotFoundException",
        "Username/client id combination not found.",
        Op.CONFIRM_SIGN_UP,
        K.CODE_MISMATCH,
    ),
    (
        "LimitExceededException",
        "Attempt limit exceeded, please try after some time.",
        Op.RESEND_CONFIRMATION_CODE,
        K.LIMIT_EXCEEDED,
    ),
    (
        "InvalidParameterException",
        "User is already confirmed.",
        Op.RESEND_CONFIRMATION_CODE,
        K.ALREADY_CONFIRMED,
    ),
    (
        "UserNotFoundException",
        "Username/client id combination not found.",
        Op.RESEND_CONFIRMATION_CODE,
        K.INVALID_CREDENTIALS,
    ),
    # Forgotten password.
    (
        "UserNotFoundException",
        "Username/client id combination not found.",
        Op.FORGOT_PASSWORD,
        K.INVALID_CREDENTIALS,
    ),
    ("CodeDeliveryFailureException", "", Op.FORGOT_PASSWORD, K.DELIVERY_FAILED),
    (
        "CodeMismatchException",
        "Invalid verification code provided, please try again.",
        Op.CONFIRM_FORGOT_PASSWORD,
        K.CODE_MISMATCH,
    ),
    (
        "ExpiredCodeException",
        "Invalid code provided, please request a code again.",
        Op.CONFIRM_FORGOT_PASSWORD,
        K.CODE_EXPIRED,
    ),
    (
        "InvalidPasswordException",
        "Password does not conform to policy",
        Op.CONFIRM_FORGOT_PASSWORD,
        K.INVALID_PASSWORD,
    ),
    ("PasswordHistoryPolicyViolationException", "", Op.CONFIRM_FORGOT_PASSWORD, K.INVALID_PASSWORD),
    ("TooManyFailedAttemptsException", "", Op.CONFIRM_FORGOT_PASSWORD, K.TOO_MANY_ATTEMPTS),
    ("UserNotFoundException", "", Op.CONFIRM_FORGOT_PASSWORD, K.CODE_MISMATCH),
    (
        "UserNotConfirmedException",
        "User is not confirmed.",
        Op.CONFIRM_FORGOT_PASSWORD,
        K.USER_NOT_CONFIRMED,
    ),
    # Tokens.
    ("NotAuthorizedException", "Refresh Token has been revoked", Op.REFRESH, K.SESSION_EXPIRED),
    ("NotAuthorizedException", "Invalid Refresh Token", Op.REFRESH, K.SESSION_EXPIRED),
    (
        "NotAuthorizedException",
        "Access Token has been revoked",
        Op.GLOBAL_SIGN_OUT,
        K.SESSION_EXPIRED,
    ),
    ("UserNotFoundException", "User does not exist.", Op.REFRESH, K.SESSION_EXPIRED),
    ("UnsupportedTokenTypeException", "", Op.REVOKE_TOKEN, K.SERVICE),
    # Anything unknown is a service problem, never a guess.
    ("InternalErrorException", "", Op.SIGN_UP, K.SERVICE),
    ("SomethingNewException", "", Op.INITIATE_AUTH, K.SERVICE),
    ("NotAuthorizedException", "SignUp is not permitted for this user pool", Op.SIGN_UP, K.SERVICE),
]


@pytest.mark.parametrize(("code", "message", "operation", "expected"), TABLE)
def test_classify(code: str, message: str, operation: str, expected: AuthErrorKind) -> None:
    assert classify(code, message, operation) is expected


def test_every_kind_but_network_is_reachable_from_cognito_errors() -> None:
    """NETWORK comes from connection failures, the CODES_* kinds from a code round that carries
    no code (webapp.auth.flow.codes_refusal), every other kind from some Cognito answer."""
    reached = {row[3] for row in TABLE}
    assert set(AuthErrorKind) - reached == {
        AuthErrorKind.NETWORK,
        AuthErrorKind.CODES_BLOCKED,
        AuthErrorKind.CODES_UNAVAILABLE,
    }


def test_auth_error_message_names_kind_and_operation_only() -> None:
    error = AuthError(AuthErrorKind.CODE_MISMATCH, Op.CUSTOM_CHALLENGE, "CodeMismatchException")
    assert str(error) == "code_mismatch during RespondToAuthChallenge.CUSTOM_CHALLENGE"
    assert error.kind is AuthErrorKind.CODE_MISMATCH
    assert error.code == "CodeMismatchException"


def test_a_round_without_a_code_becomes_a_localizable_error() -> None:
    from functions.code_rounds import BLOCKED_PARAMETER, BLOCKED_UNTIL_PARAMETER
    from webapp.auth import flow

    # The web image ships only functions/settings.py, so the names are repeated: keep them equal.
    assert (flow.BLOCKED_PARAMETER, flow.BLOCKED_UNTIL_PARAMETER) == (
        BLOCKED_PARAMETER,
        BLOCKED_UNTIL_PARAMETER,
    )
    assert flow.codes_refusal({"destination": "ab***@example.com"}) is None
    locked = flow.codes_refusal({"blocked": "locked", "blocked_until": "1900000000"})
    assert locked is not None
    assert (locked.kind, locked.until, locked.detail) == (
        AuthErrorKind.CODES_BLOCKED,
        1900000000.0,
        "locked",
    )
    unknown_end = flow.codes_refusal({"blocked": "budget_in_use", "blocked_until": "x"})
    assert unknown_end is not None
    assert unknown_end.until is None
    down = flow.codes_refusal({"blocked": "unavailable", "blocked_until": "0"})
    assert down is not None
    assert down.kind == AuthErrorKind.CODES_UNAVAILABLE
