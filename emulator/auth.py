"""Sign-in operations: InitiateAuth, RespondToAuthChallenge, RevokeToken.

USER_SRP_AUTH, CUSTOM_AUTH (with or without SRP first, cognito-custom-auth.md sections 2-4),
USER_PASSWORD_AUTH (when the client allows it) and REFRESH_TOKEN_AUTH. Choices on points the
specification marks [U] are commented where they are made.
"""

from __future__ import annotations

import hmac
import secrets
import time
from typing import Any

from emulator import srp
from emulator.engine import Engine
from emulator.errors import (
    INCORRECT_CREDENTIALS,
    INVALID_SESSION,
    CognitoError,
    invalid_parameter,
    not_authorized,
)
from emulator.events import (
    CREATE,
    DEFINE,
    POST_AUTHENTICATION,
    VERIFY,
    base_event,
    challenge_result,
    user_attributes,
    with_optional,
)
from emulator.lockout import LOCKED_MESSAGE
from emulator.pools import (
    check_secret_hash,
    find_pool_for_client,
    find_user,
    prevents_user_existence_errors,
    require_flow,
    user_email,
)
from emulator.sessions import AuthState

PASSWORD_VERIFIER = "PASSWORD_VERIFIER"  # noqa: S105 - a challenge name, not a secret
CUSTOM_CHALLENGE = "CUSTOM_CHALLENGE"
# [U] The TIMESTAMP skew Cognito tolerates is undocumented; five minutes either way.
TIMESTAMP_SKEW_SECONDS = 300
_FLOW_ALIASES = {"REFRESH_TOKEN": "REFRESH_TOKEN_AUTH"}


def _client_metadata(params: dict[str, Any]) -> dict[str, str]:
    raw = params.get("ClientMetadata") or {}
    return {str(k): str(v) for k, v in raw.items()}


def _status(user: Any) -> str:
    return str(getattr(user.status, "value", user.status))


def _require(values: dict[str, Any], name: str) -> str:
    value = values.get(name)
    if not value:
        raise invalid_parameter(f"Missing required parameter {name}")
    return str(value)


def _session_validity_seconds(client: Any) -> float:
    return float(client.extended_config.get("AuthSessionValidity") or 3) * 60.0


def _check_can_sign_in(user: Any) -> None:
    """After the password (or, without SRP, before the first challenge): enabled and confirmed.

    [U] Checked only once the password is proven, so these errors never reveal whether an
    account exists to someone who does not know its password.
    """
    if not user.enabled:
        raise not_authorized("User is disabled.")
    status = _status(user)
    if status == "UNCONFIRMED":
        raise CognitoError("UserNotConfirmedException", "User is not confirmed.")
    if status == "FORCE_CHANGE_PASSWORD":
        # Cognito would answer with a NEW_PASSWORD_REQUIRED challenge, which the emulator does
        # not implement: refuse explicitly rather than issue tokens for a temporary password.
        raise invalid_parameter("NEW_PASSWORD_REQUIRED is not supported by the emulator.")
    if status == "RESET_REQUIRED":
        raise CognitoError("PasswordResetRequiredException", "Password reset required for the user")


# --- events ---------------------------------------------------------------------------------


def _event(
    engine: Engine,
    pool: Any,
    client: Any,
    state: AuthState,
    *,
    trigger: str,
    request: dict[str, Any],
    client_metadata: dict[str, str] | None,
) -> dict[str, Any]:
    user = find_user(pool, state.username) if state.user_found else None
    full_request: dict[str, Any] = {"userAttributes": user_attributes(user), **request}
    not_found = (not state.user_found) if prevents_user_existence_errors(client) else None
    return base_event(
        trigger,
        "Authentication",
        region=engine.region,
        pool_id=pool.id,
        username=state.username,
        client_id=state.client_id,
        request=with_optional(full_request, client_metadata, not_found),
    )


def _define(
    engine: Engine, pool: Any, client: Any, state: AuthState, metadata: dict[str, str] | None
) -> dict[str, Any]:
    event = _event(
        engine,
        pool,
        client,
        state,
        trigger=DEFINE,
        request={"session": [dict(entry) for entry in state.challenge_results]},
        client_metadata=metadata,
    )
    response = engine.invoke(pool, DEFINE, event)
    if response is None:
        raise invalid_parameter("Custom auth lambda trigger is not configured for the user pool.")
    return response


# --- responses ------------------------------------------------------------------------------


def _tokens_response(
    engine: Engine,
    pool: Any,
    client: Any,
    user: Any,
    metadata: dict[str, str] | None,
) -> dict[str, Any]:
    """Issue tokens, then run PostAuthentication (after tokens, as Cognito documents).

    [U] If PostAuthentication fails, the tokens just issued are revoked and the error returned.
    """
    tokens = engine.tokens.issue(
        pool=pool,
        client_id=client.id,
        user=user,
        issuer=engine.issuer(pool.id),
        now=engine.clock.now(),
    )
    if engine.trigger_arn(pool, POST_AUTHENTICATION):
        request = with_optional(
            {"userAttributes": user_attributes(user), "newDeviceUsed": False}, metadata, None
        )
        event = base_event(
            POST_AUTHENTICATION,
            "Authentication",
            region=engine.region,
            pool_id=pool.id,
            username=user.username,
            client_id=client.id,
            request=request,
        )
        try:
            engine.invoke(pool, POST_AUTHENTICATION, event)
        except CognitoError:
            origin = pool.refresh_tokens.get(tokens.refresh_token or "")
            if origin:
                engine.tokens.revoke_origin(pool, origin[2])
            raise
    return {"ChallengeParameters": {}, "AuthenticationResult": tokens.authentication_result()}


def _password_verifier_challenge(
    engine: Engine, pool: Any, client: Any, state: AuthState, srp_a: str
) -> dict[str, Any]:
    """Start SRP: B, salt and a SECRET_BLOCK, which is also the key of the sign-in's state."""
    user = find_user(pool, state.username) if state.user_found else None
    if user is not None:
        salt, verifier = engine.verifier_for(pool.id, user)
        user_id_for_srp = user.username
    else:
        salt, user_id_for_srp = engine.simulated_srp_identity(pool.id, state.username)
        # Unknown user: a random verifier gives a B that looks real; no password can match it.
        verifier = srp.powmod(srp.G, secrets.randbits(256), srp.N)
    try:
        step = srp.start(srp_a, verifier)
    except ValueError:
        raise invalid_parameter("Invalid SRP_A value.") from None
    state.srp = step
    state.user_id_for_srp = user_id_for_srp
    state.pending_challenge = PASSWORD_VERIFIER
    secret_block = srp.new_secret_block()
    state.secret_block = secret_block
    session = engine.sessions.issue(
        state, engine.clock.now(), _session_validity_seconds(client), key=secret_block
    )
    return {
        "ChallengeName": PASSWORD_VERIFIER,
        "Session": session,
        "ChallengeParameters": {
            "SALT": salt,
            "SRP_B": format(step.big_b, "x"),
            "SECRET_BLOCK": secret_block,
            "USER_ID_FOR_SRP": user_id_for_srp,
            "USERNAME": user_id_for_srp,
        },
    }


def _custom_challenge(
    engine: Engine, pool: Any, client: Any, state: AuthState, metadata: dict[str, str] | None
) -> dict[str, Any]:
    """Run Create and hand its public parameters (plus USERNAME) to the client."""
    event = _event(
        engine,
        pool,
        client,
        state,
        trigger=CREATE,
        request={
            "challengeName": CUSTOM_CHALLENGE,
            "session": [dict(entry) for entry in state.challenge_results],
        },
        client_metadata=metadata,
    )
    response = engine.invoke(pool, CREATE, event)
    if response is None:
        raise invalid_parameter("Custom auth lambda trigger is not configured for the user pool.")
    public = {str(k): str(v) for k, v in (response.get("publicChallengeParameters") or {}).items()}
    private = response.get("privateChallengeParameters") or {}
    state.private_parameters = {str(k): str(v) for k, v in private.items()}
    state.challenge_metadata = response.get("challengeMetadata")
    state.pending_challenge = CUSTOM_CHALLENGE
    session = engine.sessions.issue(state, engine.clock.now(), _session_validity_seconds(client))
    public["USERNAME"] = state.user_id_for_srp or state.username
    return {"ChallengeName": CUSTOM_CHALLENGE, "Session": session, "ChallengeParameters": public}


def _follow_define(
    engine: Engine,
    pool: Any,
    client: Any,
    state: AuthState,
    *,
    answer: dict[str, Any],
    metadata: dict[str, str] | None,
    srp_a: str | None,
) -> dict[str, Any]:
    """Do what Define decided: fail, issue tokens, or present the next challenge."""
    if answer.get("failAuthentication") is True:
        raise not_authorized(INCORRECT_CREDENTIALS)
    if answer.get("issueTokens") is True:
        user = find_user(pool, state.username) if state.user_found else None
        if user is None:  # Define cannot sign in a user that does not exist.
            raise not_authorized(INCORRECT_CREDENTIALS)
        _check_can_sign_in(user)
        return _tokens_response(engine, pool, client, user, metadata)
    name = answer.get("challengeName")
    if name == CUSTOM_CHALLENGE:
        return _custom_challenge(engine, pool, client, state, metadata)
    if name == PASSWORD_VERIFIER and srp_a and state.srp is None:
        return _password_verifier_challenge(engine, pool, client, state, srp_a)
    if name == PASSWORD_VERIFIER:
        # [U] Cognito can only verify a password when SRP_A came with InitiateAuth.
        raise invalid_parameter("Missing required parameter SRP_A")
    raise CognitoError(
        "InvalidLambdaResponseException", f"Unrecognizable lambda output: challengeName {name!r}"
    )


# --- InitiateAuth ---------------------------------------------------------------------------


def initiate_auth(engine: Engine, params: dict[str, Any]) -> dict[str, Any]:
    pool, client = find_pool_for_client(engine.backend, params.get("ClientId"))
    flow = _FLOW_ALIASES.get(params.get("AuthFlow") or "", params.get("AuthFlow") or "")
    auth = {str(k): str(v) for k, v in (params.get("AuthParameters") or {}).items()}
    if flow not in {"USER_SRP_AUTH", "CUSTOM_AUTH", "REFRESH_TOKEN_AUTH", "USER_PASSWORD_AUTH"}:
        raise invalid_parameter("Initiate Auth method not supported.")
    require_flow(client, flow)
    if flow == "REFRESH_TOKEN_AUTH":
        return _refresh(engine, pool, client, auth)
    username = _require(auth, "USERNAME")
    user = find_user(pool, username)
    check_secret_hash(
        client,
        auth.get("SECRET_HASH"),
        [username, user.username if user else None, user_email(user) if user else None],
    )
    prevent = prevents_user_existence_errors(client)
    if user is None and not prevent:
        raise CognitoError("UserNotFoundException", "User does not exist.")
    if flow == "USER_PASSWORD_AUTH":
        return _user_password(engine, pool, client, user, auth)
    state = AuthState(
        pool_id=pool.id,
        client_id=client.id,
        flow=flow,
        username=user.username if user else username,
        user_found=user is not None,
        pending_challenge="",
    )
    if flow == "USER_SRP_AUTH":
        return _password_verifier_challenge(engine, pool, client, state, _require(auth, "SRP_A"))
    # CUSTOM_AUTH. ClientMetadata of InitiateAuth never reaches Define/Create (section 3).
    if engine.trigger_arn(pool, DEFINE) is None:
        raise invalid_parameter("Custom auth lambda trigger is not configured for the user pool.")
    srp_a = auth.get("SRP_A")
    if auth.get("CHALLENGE_NAME") == "SRP_A":
        srp_a = _require(auth, "SRP_A")
        state.challenge_results.append(challenge_result("SRP_A", True))
    elif user is not None and not srp_a:
        # No SRP_A at all: there is no password step to hide these errors behind.
        _check_can_sign_in(user)
    answer = _define(engine, pool, client, state, None)
    return _follow_define(engine, pool, client, state, answer=answer, metadata=None, srp_a=srp_a)


def _user_password(
    engine: Engine, pool: Any, client: Any, user: Any | None, auth: dict[str, str]
) -> dict[str, Any]:
    password = _require(auth, "PASSWORD")
    now = engine.clock.now()
    if user is not None and engine.lockout.is_locked(pool.id, user.id, now):
        raise not_authorized(LOCKED_MESSAGE)
    if user is None or not hmac.compare_digest((user.password or "").encode(), password.encode()):
        if user is not None:
            engine.lockout.failed(pool.id, user.id, now)
        raise not_authorized(INCORRECT_CREDENTIALS)
    engine.lockout.succeeded(pool.id, user.id)
    _check_can_sign_in(user)
    return _tokens_response(engine, pool, client, user, None)


def _refresh(engine: Engine, pool: Any, client: Any, auth: dict[str, str]) -> dict[str, Any]:
    token = _require(auth, "REFRESH_TOKEN")
    claims = engine.tokens.refresh_claims(token, engine.clock.now())
    if token not in pool.refresh_tokens or claims.get("client_id") != client.id:
        raise not_authorized("Invalid Refresh Token")
    entry = pool.refresh_tokens[token]
    if entry is None:
        raise not_authorized("Refresh Token has been revoked")
    _, username, origin = entry
    user = pool.users.get(username)
    if user is None:
        raise not_authorized("Invalid Refresh Token")
    check_secret_hash(client, auth.get("SECRET_HASH"), [username, user.id, user_email(user)])
    if not user.enabled:
        raise not_authorized("User is disabled.")
    tokens = engine.tokens.issue(
        pool=pool,
        client_id=client.id,
        user=user,
        issuer=engine.issuer(pool.id),
        now=engine.clock.now(),
        with_refresh=False,
        origin_jti=origin,
        auth_time=int(claims.get("auth_time", 0)) or None,
    )
    return {"ChallengeParameters": {}, "AuthenticationResult": tokens.authentication_result()}


# --- RespondToAuthChallenge -----------------------------------------------------------------


def respond_to_auth_challenge(engine: Engine, params: dict[str, Any]) -> dict[str, Any]:
    pool, client = find_pool_for_client(engine.backend, params.get("ClientId"))
    name = params.get("ChallengeName") or ""
    responses = {str(k): str(v) for k, v in (params.get("ChallengeResponses") or {}).items()}
    metadata = _client_metadata(params)
    key = params.get("Session")
    if not key and name == PASSWORD_VERIFIER:  # USER_SRP_AUTH clients send no Session.
        key = responses.get("PASSWORD_CLAIM_SECRET_BLOCK")
    state = engine.sessions.take(key, engine.clock.now())
    # [U] A Session used with another client, or for another challenge, is simply invalid.
    if state.client_id != client.id or state.pool_id != pool.id or name != state.pending_challenge:
        raise not_authorized(INVALID_SESSION)
    typed = _require(responses, "USERNAME")
    user = find_user(pool, state.username) if state.user_found else None
    check_secret_hash(
        client,
        responses.get("SECRET_HASH"),
        [typed, state.username, user_email(user) if user else None],
    )
    if name == PASSWORD_VERIFIER:
        return _answer_password(
            engine, pool, client, state, user=user, responses=responses, metadata=metadata
        )
    return _answer_custom(engine, pool, client, state, responses=responses, metadata=metadata)


def _password_proven(
    engine: Engine, pool: Any, state: AuthState, user: Any | None, responses: dict[str, str]
) -> bool:
    if user is None or state.srp is None or state.secret_block is None:
        return False
    block = _require(responses, "PASSWORD_CLAIM_SECRET_BLOCK")
    signature = _require(responses, "PASSWORD_CLAIM_SIGNATURE")
    timestamp = _require(responses, "TIMESTAMP")
    moment = srp.parse_timestamp(timestamp)
    # The client writes TIMESTAMP from its own (real) clock, which knows nothing of the
    # emulator's test offset: compare with real time, not with engine.clock.
    now = time.time()
    if moment is None or abs(moment.timestamp() - now) > TIMESTAMP_SKEW_SECONDS:
        return False
    if block != state.secret_block:
        return False
    _, verifier = engine.verifier_for(pool.id, user)
    expected = srp.expected_signature(
        state.srp,
        verifier,
        user_pool_id=pool.id,
        user_id_for_srp=state.user_id_for_srp or "",
        secret_block_b64=block,
        timestamp=timestamp,
    )
    return srp.signature_matches(expected, signature)


def _answer_password(
    engine: Engine,
    pool: Any,
    client: Any,
    state: AuthState,
    *,
    user: Any | None,
    responses: dict[str, str],
    metadata: dict[str, str],
) -> dict[str, Any]:
    now = engine.clock.now()
    if user is not None and engine.lockout.is_locked(pool.id, user.id, now):
        raise not_authorized(LOCKED_MESSAGE)
    if not _password_proven(engine, pool, state, user, responses):
        if user is not None:
            engine.lockout.failed(pool.id, user.id, now)
        # [U] Define is not called again after a wrong password: the sign-in just fails.
        raise not_authorized(INCORRECT_CREDENTIALS)
    if user is None:  # unreachable: an unknown user never proves a password
        raise not_authorized(INCORRECT_CREDENTIALS)
    engine.lockout.succeeded(pool.id, user.id)
    _check_can_sign_in(user)
    if state.flow == "USER_SRP_AUTH":
        return _tokens_response(engine, pool, client, user, metadata or None)
    state.challenge_results.append(challenge_result(PASSWORD_VERIFIER, True))
    answer = _define(engine, pool, client, state, metadata)
    return _follow_define(engine, pool, client, state, answer=answer, metadata=metadata, srp_a=None)


def _answer_custom(
    engine: Engine,
    pool: Any,
    client: Any,
    state: AuthState,
    *,
    responses: dict[str, str],
    metadata: dict[str, str],
) -> dict[str, Any]:
    answer_text = _require(responses, "ANSWER")
    event = _event(
        engine,
        pool,
        client,
        state,
        trigger=VERIFY,
        request={
            "privateChallengeParameters": dict(state.private_parameters),
            "challengeAnswer": answer_text,
        },
        client_metadata=metadata,
    )
    verdict = engine.invoke(pool, VERIFY, event)
    if verdict is None:
        raise invalid_parameter("Custom auth lambda trigger is not configured for the user pool.")
    correct = verdict.get("answerCorrect") is True
    state.challenge_results.append(
        challenge_result(CUSTOM_CHALLENGE, correct, state.challenge_metadata)
    )
    answer = _define(engine, pool, client, state, metadata)
    return _follow_define(engine, pool, client, state, answer=answer, metadata=metadata, srp_a=None)


# --- RevokeToken ----------------------------------------------------------------------------


def revoke_token(engine: Engine, params: dict[str, Any]) -> dict[str, Any]:
    pool, client = find_pool_for_client(engine.backend, params.get("ClientId"))
    if client.generate_secret:
        given = str(params.get("ClientSecret") or "")
        if not hmac.compare_digest(given.encode(), client.secret.encode()):
            raise not_authorized(f"Unable to verify secret hash for client {client.id}")
    if client.extended_config.get("EnableTokenRevocation") is False:
        raise CognitoError(
            "UnsupportedOperationException", "Token revocation is not enabled for the client."
        )
    token = _require(params, "Token")
    claims = engine.tokens.refresh_claims(token, engine.clock.now())
    if claims.get("client_id") != client.id:
        raise not_authorized("Invalid token")
    engine.tokens.revoke_origin(pool, str(claims.get("origin_jti")))
    return {}


AUTH_OPERATIONS = {
    "InitiateAuth": initiate_auth,
    "RespondToAuthChallenge": respond_to_auth_challenge,
    "RevokeToken": revoke_token,
}
