"""A signed-in user's own account: ChangePassword, GlobalSignOut and DeleteUser (and the
administrator's AdminUserGlobalSignOut).

Answered here rather than by moto so that their tokens are judged like every other access-token
operation (emulator/access.py) and their refusals use Cognito's words: moto answers a wrong
previous password with the username as the message, does not implement DeleteUser at all, and
its AdminUserGlobalSignOut revokes nothing when named by an alias (the email), because it matches
the tokens against the name as given rather than the internal username.
"""

from __future__ import annotations

import hmac
from typing import Any

from moto.cognitoidp.models import UserStatus

from emulator.access import signed_in_user
from emulator.attributes import VERIFIED_FLAG
from emulator.engine import Engine
from emulator.errors import INCORRECT_CREDENTIALS, CognitoError, invalid_parameter, not_authorized
from emulator.limits import subject_key
from emulator.lockout import LOCKED_MESSAGE
from emulator.pools import enforce_password_policy, find_user

# [U] ChangePassword's policy message is not quoted publicly; ConfirmForgotPassword's wording.
POLICY_PREFIX = "Password does not conform to policy"


def change_password(engine: Engine, params: dict[str, Any]) -> dict[str, Any]:
    """Set a new password after proving the current one.

    [U] A wrong PreviousPassword counts toward the sign-in lockout (and a locked account gets
    "Password attempts exceeded"), so a stolen access token cannot be used to guess the password
    without limit. The policy is checked first, before any password is compared.
    """
    pool, _, user = signed_in_user(engine, params)
    proposed = params.get("ProposedPassword")
    if not proposed or not isinstance(proposed, str):
        raise invalid_parameter("Missing required parameter ProposedPassword")
    previous = params.get("PreviousPassword")
    if not previous or not isinstance(previous, str):
        raise invalid_parameter("Missing required parameter PreviousPassword")
    enforce_password_policy(pool, proposed, POLICY_PREFIX)
    now = engine.clock.now()
    key = subject_key(user.id, user.username)
    if engine.lockout.is_locked(pool.id, key, now):
        raise not_authorized(LOCKED_MESSAGE)
    if not hmac.compare_digest((user.password or "").encode(), previous.encode()):
        engine.lockout.failed(pool.id, key, now)
        raise not_authorized(INCORRECT_CREDENTIALS)
    engine.lockout.succeeded(pool.id, key)
    user.password = proposed
    engine.verifier_for(pool.id, user)  # the SRP verifier follows the new password
    if user.status in (UserStatus.FORCE_CHANGE_PASSWORD, UserStatus.RESET_REQUIRED):
        user.status = UserStatus.CONFIRMED
    return {}


def global_sign_out(engine: Engine, params: dict[str, Any]) -> dict[str, Any]:
    """Revoke every refresh and access token of the user (ID tokens cannot be revoked)."""
    pool, _, user = signed_in_user(engine, params)
    pool.sign_out(user.username)
    return {}


def delete_user(engine: Engine, params: dict[str, Any]) -> dict[str, Any]:
    """Delete the signed-in user; its tokens are revoked first, so they answer as revoked."""
    pool, _, user = signed_in_user(engine, params)
    pool.sign_out(user.username)
    engine.backend.admin_delete_user(pool.id, user.username)
    for attribute in VERIFIED_FLAG:  # a pending new address dies with the account
        engine.verifications.discard(pool.id, user.username, attribute)
    return {}


def admin_user_global_sign_out(engine: Engine, params: dict[str, Any]) -> dict[str, Any]:
    """An administrator signs a user out everywhere, the user named by username or email.

    (Calling it takes IAM credentials, which the emulator does not check.)
    """
    pool = engine.backend.user_pools.get(params.get("UserPoolId"))
    if pool is None:
        raise CognitoError(
            "ResourceNotFoundException", f"User pool {params.get('UserPoolId')} does not exist."
        )
    user = find_user(pool, str(params.get("Username") or ""))
    if user is None:
        raise CognitoError("UserNotFoundException", "User does not exist.")
    pool.sign_out(user.username)
    return {}


SELF_SERVICE_OPERATIONS = {
    "ChangePassword": change_password,
    "GlobalSignOut": global_sign_out,
    "DeleteUser": delete_user,
    "AdminUserGlobalSignOut": admin_user_global_sign_out,
}
