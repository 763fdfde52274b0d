"""Sign-in operations: InitiateAuth, AdminInitiateAuth, RespondToAuthChallenge.

USER_SRP_AUTH, CUSTOM_AUTH (with or without SRP first, cognito-custom-auth.md sections 2-4),
USER_PASSWORD_AUTH / ADMIN_USER_PASSWORD_AUTH and REFRESH_TOKEN_AUTH (emulator/refresh.py), each
only when the app client enables it. Every flow Cognito knows is answered here, never by moto
(whose own InitiateAuth/AdminInitiateAuth would issue tokens without checking the client's
flows): USER_AUTH and the admin SRP/custom flows are refused, with Cognito's "not enabled" error
when the client does not enable them. Choices on points the specification marks [U] are
commented where they are made.
"""

from __future__ import annotations

import hmac
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
from emulator.limits import subject_key
from emulator.lockout import LOCKED_MESSAGE
from emulator.pools import (
    check_secret_hash,
    find_pool_for_client,
    find_user,
    prevents_user_existence_errors,
    require_flow,
    user_email,
)
from emulator.refresh import refresh_token_auth
from emulator.sessions import AuthState
from emulator.tokens import ReadableUser

PASSWORD_VERIFIER = "PASSWORD_VERIFIER"  # noqa: S105 - a challenge name, not a secret
CUSTOM_CHALLENGE = "CUSTOM_CHALLENGE"
# [U] The TIMESTAMP skew Cognito tolerates is undocumented; five minutes either way.
TIMESTAMP_SKEW_SECONDS = 300
_FLOW_ALIASES = {"REFRESH_TOKEN": "REFRESH_TOKEN_AUTH"}
# AuthFlow values each operation accepts at all; anything else is "not supported" whatever the
# client enables (ADMIN_* on InitiateAuth, USER_PASSWORD_AUTH on AdminInitiateAuth).
_PUBLIC_FLOWS = frozenset(
    {"USER_SRP_AUTH", "CUSTOM_AUTH", "REFRESH_TOKEN_AUTH", "USER_PASSWORD_AUTH", "USER_AUTH"}
)
_ADMIN_FLOWS = frozenset(
    {
        "ADMIN_USER_PASSWORD_AUTH",
        "ADMIN_NO_SRP_AUTH",
        "USER_SRP_AUTH",
        "CUSTOM_AUTH",
        "REFRESH_TOKEN_AUTH",
        "USER_AUTH",
    }
)
_PASSWORD_FLOWS = frozenset({"USER_PASSWORD_AUTH", "ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"})
NOT_SUPPORTED = "Initiate Auth method not supported."


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


def _session_user(pool: Any, state: AuthState) -> Any | None:
    """The sign-in's user, by its internal username: one dictionary lookup, made whether or not
    the account exists (an unknown name finds nothing), so no later step is cheaper for it."""
    user = pool.users.get(state.username)
    return user if state.user_found else None


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
    user = _session_user(pool, state)
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
        user=ReadableUser(user, client),
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
    user = _session_user(pool, state)
    if user is not None:
        salt, verifier = engine.verifier_for(pool.id, user)
        user_id_for_srp = user.username
    else:
        # Unknown user: the documented stable salt and UUID-form id, and a stand-in verifier
        # that costs what a known user's does (no password can prove it).
        salt, user_id_for_srp = engine.simulated_srp_identity(pool.id, state.username)
        verifier = engine.simulated_verifier(pool.id, state.username)
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
        user = _session_user(pool, state)
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


def _flow(params: dict[str, Any]) -> str:
    flow = str(params.get("AuthFlow") or "")
    return _FLOW_ALIASES.get(flow, flow)


def _auth_parameters(params: dict[str, Any]) -> dict[str, str]:
    return {str(k): str(v) for k, v in (params.get("AuthParameters") or {}).items()}


def initiate_auth(engine: Engine, params: dict[str, Any]) -> dict[str, Any]:
    pool, client = find_pool_for_client(engine.backend, params.get("ClientId"))
    flow = _flow(params)
    if flow not in _PUBLIC_FLOWS:
        raise invalid_parameter(NOT_SUPPORTED)
    require_flow(client, flow)
    if flow == "USER_AUTH":
        # Choice-based sign-in (passwords, OTPs, passkeys): the product never enables it.
        raise invalid_parameter("USER_AUTH is not supported by the emulator.")
    return _start(engine, pool, client, flow, _auth_parameters(params))


def admin_initiate_auth(engine: Engine, params: dict[str, Any]) -> dict[str, Any]:
    """AdminInitiateAuth: the same checks; the emulator runs only its password and refresh flows.

    (Calling it takes IAM credentials, which the emulator does not check.)
    """
    pool, client = find_pool_for_client(engine.backend, params.get("ClientId"))
    if params.get("UserPoolId") != pool.id:
        raise CognitoError(
            "ResourceNotFoundException", f"User pool client {client.id} does not exist."
        )
    flow = _flow(params)
    if flow not in _ADMIN_FLOWS:
        raise invalid_parameter(NOT_SUPPORTED)
    require_flow(client, flow)
    if flow not in _PASSWORD_FLOWS and flow != "REFRESH_TOKEN_AUTH":
        raise invalid_parameter(f"{flow} with AdminInitiateAuth is not supported by the emulator.")
    return _start(engine, pool, client, flow, _auth_parameters(params))


def _start(
    engine: Engine, pool: Any, client: Any, flow: str, auth: dict[str, str]
) -> dict[str, Any]:
    """The first step of an enabled flow (the caller has checked the client allows it)."""
    if flow == "REFRESH_TOKEN_AUTH":
        return refresh_token_auth(engine, pool, client, auth)
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
    if flow in _PASSWORD_FLOWS:
        return _user_password(engine, pool, client, user, typed=username, auth=auth)
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
    engine: Engine,
    pool: Any,
    client: Any,
    user: Any | None,
    *,
    typed: str,
    auth: dict[str, str],
) -> dict[str, Any]:
    password = _require(auth, "PASSWORD")
    now = engine.clock.now()
    key = subject_key(user.id if user else None, typed)
    if engine.lockout.is_locked(pool.id, key, now):
        raise not_authorized(LOCKED_MESSAGE)
    if user is None or not hmac.compare_digest((user.password or "").encode(), password.encode()):
        engine.lockout.failed(pool.id, key, now)
        raise not_authorized(INCORRECT_CREDENTIALS)
    engine.lockout.succeeded(pool.id, key)
    _check_can_sign_in(user)
    return _tokens_response(engine, pool, client, user, None)


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
    user = _session_user(pool, state)
    check_secret_hash(
        client,
        responses.get("SECRET_HASH"),
        [typed, state.username, user_email(user) if user else None],
    )
    if not _names_session_user(pool, state, typed):
        # [U] Cognito does not document a USERNAME naming someone else; refused (the session is
        # spent), so an answer can never sign in anyone but the user the session started for.
        raise not_authorized(INCORRECT_CREDENTIALS)
    if name == PASSWORD_VERIFIER:
        return _answer_password(
            engine, pool, client, state, user=user, responses=responses, metadata=metadata
        )
    return _answer_custom(engine, pool, client, state, responses=responses, metadata=metadata)


def _names_session_user(pool: Any, state: AuthState, typed: str) -> bool:
    """Whether a challenge answer's USERNAME names the user the session was started for.

    Any name that user is known by counts (internal username = USER_ID_FOR_SRP, email alias,
    any case). For a name with no account only that name as typed, or its simulated
    USER_ID_FOR_SRP, counts, and never another account's. Every user is read either way
    (`find_user`), so the check costs the same whether or not the session's account exists.
    """
    named = find_user(pool, typed)
    if state.user_found:
        return named is not None and named.username == state.username
    own_names = {state.username.lower(), (state.user_id_for_srp or "").lower()}
    return named is None and typed.lower() in own_names


def _verifier(engine: Engine, pool: Any, state: AuthState, user: Any | None) -> int:
    """What the proof is checked against: the user's verifier, or the unknown name's stand-in."""
    if user is not None:
        return engine.verifier_for(pool.id, user)[1]
    return engine.simulated_verifier(pool.id, state.username)


def _password_proven(
    engine: Engine, pool: Any, state: AuthState, user: Any | None, responses: dict[str, str]
) -> bool:
    """Check the SRP proof; an unknown user's is checked the same way, then refused.

    Same checks, same exponentiations, same comparison whether or not the account exists: a
    wrong password must not answer faster for an address that has no account.
    """
    if state.srp is None or state.secret_block is None:
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
    expected = srp.expected_signature(
        state.srp,
        _verifier(engine, pool, state, user),
        user_pool_id=pool.id,
        user_id_for_srp=state.user_id_for_srp or "",
        secret_block_b64=block,
        timestamp=timestamp,
    )
    matches = srp.signature_matches(expected, signature)
    return matches and user is not None  # no password signs in a user that does not exist


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
    key = subject_key(user.id if user else None, state.username)
    if engine.lockout.is_locked(pool.id, key, now):
        raise not_authorized(LOCKED_MESSAGE)
    # Proven first, for known and unknown users alike (the `user is None` test comes after).
    proven = _password_proven(engine, pool, state, user, responses)
    if not proven or user is None:
        engine.lockout.failed(pool.id, key, now)
        # [U] Define is not called again after a wrong password: the sign-in just fails.
        raise not_authorized(INCORRECT_CREDENTIALS)
    engine.lockout.succeeded(pool.id, key)
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


def admin_respond_to_auth_challenge(engine: Engine, params: dict[str, Any]) -> dict[str, Any]:
    """The emulator's AdminInitiateAuth never starts a challenge, so no Session is valid here.

    Answered here rather than by moto, whose own admin sessions could otherwise issue tokens.
    """
    find_pool_for_client(engine.backend, params.get("ClientId"))
    _require(params, "Session")
    raise not_authorized(INVALID_SESSION)


AUTH_OPERATIONS = {
    "InitiateAuth": initiate_auth,
    "AdminInitiateAuth": admin_initiate_auth,
    "RespondToAuthChallenge": respond_to_auth_challenge,
    "AdminRespondToAuthChallenge": admin_respond_to_auth_challenge,
}
