"""A signed-in user's own profile: GetUser, UpdateUserAttributes and email verification.

These take the user's access token, so they are what a stolen token can do. Cognito limits them
by the app client's ReadAttributes / WriteAttributes and by the pool's
AttributesRequireVerificationBeforeUpdate (emulator/attributes.py decides; this module does the
I/O): an address the user has not proven stays pending, the old one keeps receiving the codes and
signing in. AdminUpdateUserAttributes follows the same verification rule.
"""

from __future__ import annotations

from typing import Any

from emulator.access import signed_in_user
from emulator.attributes import (
    VERIFIED_FLAG,
    UpdatePlan,
    check_client_writes,
    names_of,
    plan_update,
    readable,
)
from emulator.engine import Engine
from emulator.errors import CognitoError, invalid_parameter
from emulator.messages import send_code
from emulator.pools import find_user, mask_email

# Cognito's callerContext.clientId for calls made with IAM credentials rather than a client.
_NO_CLIENT = "CLIENT_ID_NOT_APPLICABLE"
ALIAS_EXISTS = "An account with the given email already exists."


def _metadata(params: dict[str, Any]) -> dict[str, str] | None:
    raw = params.get("ClientMetadata") or {}
    return {str(k): str(v) for k, v in raw.items()} or None


def _delivery(attribute: str, address: str) -> dict[str, str]:
    return {
        "Destination": mask_email(address),
        "DeliveryMedium": "EMAIL",
        "AttributeName": attribute,
    }


def _current(user: Any) -> dict[str, str]:
    return {str(a["Name"]): str(a["Value"]) for a in user.attributes}


def _refuse_taken_email(pool: Any, user: Any, address: str) -> None:
    """With email as the username, one address belongs to one account."""
    if "email" not in (pool.extended_config.get("UsernameAttributes") or []):
        return
    other = find_user(pool, address)
    if other is not None and other.username != user.username:
        raise CognitoError("AliasExistsException", ALIAS_EXISTS)


def _send_verification(
    engine: Engine,
    pool: Any,
    client_id: str,
    user: Any,
    *,
    attribute: str,
    address: str,
    source: str,
    metadata: dict[str, str] | None,
) -> dict[str, str]:
    """Email a code for `address` (CustomMessage_<source>); the answer makes it effective."""
    code = engine.verifications.issue(
        pool.id, user.username, attribute, address, engine.clock.now()
    )
    send_code(
        engine,
        pool,
        client_id,
        user,
        source=source,
        code=code,
        client_metadata=metadata,
        to=address,
    )
    return _delivery(attribute, address)


def _apply(
    engine: Engine,
    pool: Any,
    client_id: str,
    user: Any,
    *,
    plan: UpdatePlan,
    metadata: dict[str, str] | None,
) -> list[dict[str, str]]:
    """Carry out a plan: refuse a taken address, apply, then send the codes."""
    for _, address in plan.send_code_to:
        _refuse_taken_email(pool, user, address)
    for attribute in VERIFIED_FLAG:
        if any(a["Name"] == attribute for a in plan.apply_now):
            engine.verifications.discard(pool.id, user.username, attribute)
    if plan.apply_now:
        user.update_attributes(plan.apply_now)
    return [
        _send_verification(
            engine,
            pool,
            client_id,
            user,
            attribute=attribute,
            address=address,
            source="UpdateUserAttribute",
            metadata=metadata,
        )
        for attribute, address in plan.send_code_to
    ]


# --- operations -----------------------------------------------------------------------------


def get_user(engine: Engine, params: dict[str, Any]) -> dict[str, Any]:
    """The user's attributes, only those the token's app client may read."""
    _, client, user = signed_in_user(engine, params)
    mfa = [
        name
        for name, enabled in (
            ("SOFTWARE_TOKEN_MFA", user.software_token_mfa_enabled),
            ("SMS_MFA", user.sms_mfa_enabled),
        )
        if enabled
    ]
    result: dict[str, Any] = {
        "Username": user.username,
        "UserAttributes": readable(client.extended_config, user.attributes),
        "MFAOptions": [],
        "UserMFASettingList": mfa,
    }
    if user.preferred_mfa_setting:
        result["PreferredMfaSetting"] = user.preferred_mfa_setting
    return result


def update_user_attributes(engine: Engine, params: dict[str, Any]) -> dict[str, Any]:
    """Write what the client may write; a new email only once its code is answered."""
    pool, client, user = signed_in_user(engine, params)
    requested = list(params.get("UserAttributes") or [])
    check_client_writes(client.extended_config, names_of(requested))
    plan = plan_update(pool.extended_config, _current(user), requested)
    deliveries = _apply(engine, pool, client.id, user, plan=plan, metadata=_metadata(params))
    return {"CodeDeliveryDetailsList": deliveries} if deliveries else {}


def admin_update_user_attributes(engine: Engine, params: dict[str, Any]) -> dict[str, Any]:
    """An administrator's update (IAM, not checked here): no client write permissions apply,
    but a new email still waits for verification unless `email_verified=true` comes with it."""
    pool = engine.backend.user_pools.get(params.get("UserPoolId"))
    if pool is None:
        raise CognitoError(
            "ResourceNotFoundException", f"User pool {params.get('UserPoolId')} does not exist."
        )
    user = find_user(pool, str(params.get("Username") or ""))
    if user is None:
        raise CognitoError("UserNotFoundException", "User does not exist.")
    requested = list(params.get("UserAttributes") or [])
    plan = plan_update(pool.extended_config, _current(user), requested, by_admin=True)
    _apply(engine, pool, _NO_CLIENT, user, plan=plan, metadata=_metadata(params))
    return {}


def get_user_attribute_verification_code(engine: Engine, params: dict[str, Any]) -> dict[str, Any]:
    """A new code for the attribute: to the pending new value if there is one, else the current."""
    pool, client, user = signed_in_user(engine, params)
    attribute = str(params.get("AttributeName") or "")
    if attribute not in VERIFIED_FLAG:
        raise invalid_parameter(f"Invalid attribute name {attribute!r}")
    pending = engine.verifications.pending_value(pool.id, user.username, attribute)
    address = pending or _current(user).get(attribute)
    if not address:
        raise invalid_parameter(f"User has no {attribute} to verify.")
    delivery = _send_verification(
        engine,
        pool,
        client.id,
        user,
        attribute=attribute,
        address=address,
        source="VerifyUserAttribute",
        metadata=_metadata(params),
    )
    return {"CodeDeliveryDetails": delivery}


def verify_user_attribute(engine: Engine, params: dict[str, Any]) -> dict[str, Any]:
    """The right code makes the value it was sent to the user's, verified."""
    pool, _, user = signed_in_user(engine, params)
    attribute = str(params.get("AttributeName") or "")
    if attribute not in VERIFIED_FLAG:
        raise invalid_parameter(f"Invalid attribute name {attribute!r}")
    value = engine.verifications.confirm(
        pool.id, user.username, attribute, str(params.get("Code") or ""), engine.clock.now()
    )
    _refuse_taken_email(pool, user, value)
    user.update_attributes(
        [{"Name": attribute, "Value": value}, {"Name": VERIFIED_FLAG[attribute], "Value": "true"}]
    )
    return {}


PROFILE_OPERATIONS = {
    "GetUser": get_user,
    "UpdateUserAttributes": update_user_attributes,
    "AdminUpdateUserAttributes": admin_update_user_attributes,
    "GetUserAttributeVerificationCode": get_user_attribute_verification_code,
    "VerifyUserAttribute": verify_user_attribute,
}
