"""Account operations that carry codes: sign-up, confirmation, resend, forgotten password.

moto stores the user; this module generates the codes, emails them (CustomMessage trigger) and
checks them, enforces the pool's password policy and the app client's write permissions, counts
Cognito's hourly per-user limits on code requests (emulator/limits.py), and applies
PreventUserExistenceErrors: an unknown user gets the answers, and the limits, a known one gets.
"""

from __future__ import annotations

from typing import Any

from moto.cognitoidp.models import UserStatus

from emulator.attributes import check_client_writes, names_of
from emulator.codes import RESET, SIGN_UP
from emulator.engine import Engine
from emulator.errors import CODE_MISMATCH, CognitoError, invalid_parameter, not_authorized
from emulator.events import POST_CONFIRMATION, base_event, user_attributes, with_optional
from emulator.limits import RESEND_CONFIRMATION, RESET_CODES, subject_key
from emulator.messages import send_code
from emulator.pools import (
    check_secret_hash,
    enforce_password_policy,
    find_pool_for_client,
    find_user,
    mask_email,
    prevents_user_existence_errors,
    user_email,
)

NOT_FOUND = "Username/client id combination not found."


def _metadata(params: dict[str, Any]) -> dict[str, str] | None:
    raw = params.get("ClientMetadata") or {}
    return {str(k): str(v) for k, v in raw.items()} or None


def _delivery(address: str) -> dict[str, str]:
    return {"Destination": mask_email(address), "DeliveryMedium": "EMAIL", "AttributeName": "email"}


def _simulated_delivery(username: str) -> dict[str, Any]:
    """PreventUserExistenceErrors: answer as if a code went to a plausible address."""
    address = username if "@" in username else f"{username}@example.com"
    return {"CodeDeliveryDetails": _delivery(address)}


def _lookup(engine: Engine, params: dict[str, Any]) -> tuple[Any, Any, str, Any | None]:
    pool, client = find_pool_for_client(engine.backend, params.get("ClientId"))
    username = str(params.get("Username") or "")
    if not username:
        raise invalid_parameter("Missing required parameter Username")
    user = find_user(pool, username)
    check_secret_hash(
        client,
        params.get("SecretHash"),
        [username, user.username if user else None, user_email(user) if user else None],
    )
    return pool, client, username, user


def _email_code(
    engine: Engine,
    pool: Any,
    client: Any,
    user: Any,
    *,
    purpose: str,
    source: str,
    params: dict[str, Any],
    email: str,
) -> None:
    """Issue a fresh code for `purpose` and email it as Cognito's `source` message would."""
    code = engine.codes.issue(pool.id, user.username, purpose, engine.clock.now())
    send_code(
        engine,
        pool,
        client.id,
        user,
        source=source,
        code=code,
        client_metadata=_metadata(params),
        to=email,
    )


def _count_request(engine: Engine, pool: Any, purpose: str, user: Any | None, typed: str) -> None:
    """One more code request (or reset-code entry) this hour, or LimitExceededException."""
    subject = subject_key(user.id if user else None, typed)
    engine.limits.take(pool.id, purpose, subject, engine.clock.now())


def sign_up(engine: Engine, params: dict[str, Any]) -> dict[str, Any]:
    """Create the user; only the attributes the client may write, plus the Username itself.

    [U] With UsernameAttributes=["email"] the Username is the email address and Cognito stores
    it as the `email` attribute whether or not the client may write `email`: the username is
    not an attribute write (the likelier reading, and the safe one: it is the address the
    confirmation code proves). An `email` in UserAttributes is a write like any other.
    """
    from moto.core.exceptions import JsonRESTError

    pool, client, username, existing = _lookup(engine, params)
    check_client_writes(client.extended_config, names_of(params.get("UserAttributes") or []))
    if existing is not None:
        if "email" in (pool.extended_config.get("UsernameAttributes") or []):
            raise CognitoError(
                "UsernameExistsException", "An account with the given email already exists."
            )
        raise CognitoError("UsernameExistsException", "User already exists")
    password = str(params.get("Password") or "")
    enforce_password_policy(pool, password, "Password did not conform with policy")
    try:
        user, _ = engine.backend.sign_up(
            client.id, username, password, params.get("UserAttributes") or []
        )
    except JsonRESTError as exc:
        raise CognitoError(exc.error_type, exc.message) from exc
    engine.verifier_for(pool.id, user)  # stored at sign-up, as Cognito stores it
    result: dict[str, Any] = {"UserConfirmed": False, "UserSub": user.id}
    email = user_email(user)
    auto_verified = pool.extended_config.get("AutoVerifiedAttributes") or []
    if email and "email" in auto_verified:
        _email_code(
            engine, pool, client, user, purpose=SIGN_UP, source="SignUp", params=params, email=email
        )
        result["CodeDeliveryDetails"] = _delivery(email)
    return result


def confirm_sign_up(engine: Engine, params: dict[str, Any]) -> dict[str, Any]:
    pool, client, _, user = _lookup(engine, params)
    if user is None:
        if prevents_user_existence_errors(client):
            raise CognitoError("CodeMismatchException", CODE_MISMATCH)
        raise CognitoError("UserNotFoundException", NOT_FOUND)
    status = str(getattr(user.status, "value", user.status))
    if status == "CONFIRMED":
        raise not_authorized("User cannot be confirmed. Current status is CONFIRMED")
    engine.codes.check(
        pool.id,
        user.username,
        SIGN_UP,
        str(params.get("ConfirmationCode") or ""),
        engine.clock.now(),
    )
    user.status = UserStatus.CONFIRMED
    user.update_attributes([{"Name": "email_verified", "Value": "true"}])
    _post_confirmation(engine, pool, client, user, source="ConfirmSignUp", params=params)
    return {}


def _post_confirmation(
    engine: Engine, pool: Any, client: Any, user: Any, *, source: str, params: dict[str, Any]
) -> None:
    """PostConfirmation_<source>, when the pool has the trigger (after the change is made)."""
    if not engine.trigger_arn(pool, POST_CONFIRMATION):
        return
    request = with_optional({"userAttributes": user_attributes(user)}, _metadata(params), None)
    engine.invoke(
        pool,
        POST_CONFIRMATION,
        base_event(
            POST_CONFIRMATION,
            source,
            region=engine.region,
            pool_id=pool.id,
            username=user.username,
            client_id=client.id,
            request=request,
        ),
    )


def resend_confirmation_code(engine: Engine, params: dict[str, Any]) -> dict[str, Any]:
    pool, client, username, user = _lookup(engine, params)
    if user is not None or prevents_user_existence_errors(client):
        _count_request(engine, pool, RESEND_CONFIRMATION, user, username)
    if user is None:
        if prevents_user_existence_errors(client):
            return _simulated_delivery(username)
        raise CognitoError("UserNotFoundException", NOT_FOUND)
    if str(getattr(user.status, "value", user.status)) == "CONFIRMED":
        raise invalid_parameter("User is already confirmed.")
    email = user_email(user)
    if not email:
        raise invalid_parameter("User has no email to send the code to.")
    _email_code(
        engine, pool, client, user, purpose=SIGN_UP, source="ResendCode", params=params, email=email
    )
    return {"CodeDeliveryDetails": _delivery(email)}


def forgot_password(engine: Engine, params: dict[str, Any]) -> dict[str, Any]:
    pool, client, username, user = _lookup(engine, params)
    if user is not None or prevents_user_existence_errors(client):
        _count_request(engine, pool, RESET_CODES, user, username)
    if user is None or not user.enabled:
        if prevents_user_existence_errors(client):
            return _simulated_delivery(username)
        if user is None:
            raise CognitoError("UserNotFoundException", NOT_FOUND)
        raise not_authorized("User is disabled.")
    email = user_email(user)
    if not email:
        raise invalid_parameter(
            "Cannot reset password for the user as there is no registered/verified email or "
            "phone_number"
        )
    _email_code(
        engine,
        pool,
        client,
        user,
        purpose=RESET,
        source="ForgotPassword",
        params=params,
        email=email,
    )
    return {"CodeDeliveryDetails": _delivery(email)}


def confirm_forgot_password(engine: Engine, params: dict[str, Any]) -> dict[str, Any]:
    """Entering a reset code counts toward the same hourly limit as requesting one (documented:
    "5 and 20 attempts for a user to request or enter a password reset code")."""
    pool, client, username, user = _lookup(engine, params)
    password = str(params.get("Password") or "")
    if user is None or not user.enabled:
        if prevents_user_existence_errors(client):
            enforce_password_policy(pool, password, "Password does not conform to policy")
            _count_request(engine, pool, RESET_CODES, user, username)
            raise CognitoError("CodeMismatchException", CODE_MISMATCH)
        if user is None:
            raise CognitoError("UserNotFoundException", NOT_FOUND)
        raise not_authorized("User is disabled.")
    enforce_password_policy(pool, password, "Password does not conform to policy")
    _count_request(engine, pool, RESET_CODES, user, username)
    engine.codes.check(
        pool.id, user.username, RESET, str(params.get("ConfirmationCode") or ""), engine.clock.now()
    )
    user.password = password
    engine.verifier_for(pool.id, user)
    if str(getattr(user.status, "value", user.status)) in {
        "RESET_REQUIRED",
        "FORCE_CHANGE_PASSWORD",
    }:
        user.status = UserStatus.CONFIRMED
    _post_confirmation(engine, pool, client, user, source="ConfirmForgotPassword", params=params)
    return {}


ACCOUNT_OPERATIONS = {
    "SignUp": sign_up,
    "ConfirmSignUp": confirm_sign_up,
    "ResendConfirmationCode": resend_confirmation_code,
    "ForgotPassword": forgot_password,
    "ConfirmForgotPassword": confirm_forgot_password,
}
