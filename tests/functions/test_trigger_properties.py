"""Property tests: random and malformed events never make Define or Verify raise or grant."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from trigger_events import TEST_OTP, code_state, define_event, verify_event

from functions import define_auth_challenge, verify_auth_challenge
from functions.code_state import STATE_PARAMETER, decode_state, encode_state

PROPERTY_SETTINGS = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
# Random objects mostly stop at the first check: fewer examples buy the same coverage.
RANDOM_OBJECT_SETTINGS = settings(PROPERTY_SETTINGS, max_examples=150)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
# Keys Cognito uses, so random objects often reach the parsing code paths.
event_keys = st.sampled_from(
    [
        "request",
        "session",
        "challengeName",
        "challengeResult",
        "challengeMetadata",
        "clientMetadata",
        "userNotFound",
        "privateChallengeParameters",
        "challengeAnswer",
        "userAttributes",
        STATE_PARAMETER,
        "resend",
        "locale",
    ]
)
cognito_like = st.recursive(
    json_values,
    lambda children: (
        st.dictionaries(event_keys, children, max_size=5) | st.lists(children, max_size=4)
    ),
    max_leaves=25,
)

names = st.sampled_from(
    [
        "SRP_A",
        "PASSWORD_VERIFIER",
        "CUSTOM_CHALLENGE",
        "SMS_MFA",
        "DEVICE_SRP_AUTH",
        "DEVICE_PASSWORD_VERIFIER",
        "ADMIN_NO_SRP_AUTH",
        "custom_challenge",
        "",
    ]
)


@st.composite
def metadata(draw: st.DrawFn) -> str | None:
    kind = draw(st.sampled_from(["none", "valid", "expired", "garbled", "text"]))
    if kind == "none":
        return None
    if kind == "text":
        return draw(st.text(max_size=40))
    state = code_state(
        code_number=draw(st.integers(1, TEST_OTP.max_codes)),
        wrong=draw(st.integers(0, TEST_OTP.max_attempts - 1)),
        age=(TEST_OTP.ttl_seconds + 5) if kind == "expired" else 5,
    )
    text = encode_state(state)
    if kind == "garbled":
        position = draw(st.integers(0, len(text) - 1))
        text = (
            text[:position] + draw(st.sampled_from(["", ".", "x", "+", "0"])) + text[position + 1 :]
        )
    return text


session_entries = st.fixed_dictionaries(
    {"challengeName": names, "challengeResult": st.booleans(), "challengeMetadata": metadata()}
)
client_metadata = st.none() | st.dictionaries(
    st.sampled_from(["locale", "resend", "other"]),
    st.sampled_from(["true", "false", "en", "ja", "", "TRUE"]),
    max_size=3,
)


def may_grant(event: dict[str, Any]) -> bool:
    """The only sessions that may get tokens: [SRP_A ok] PV ok, failed codes, then a good code."""
    request = event["request"]
    if request.get("userNotFound") is True:
        return False
    session = list(request["session"])
    if session and session[0]["challengeName"] == "SRP_A" and session[0]["challengeResult"]:
        session = session[1:]
    if len(session) < 2:
        return False
    first, rounds = session[0], session[1:]
    return (
        first["challengeName"] == "PASSWORD_VERIFIER"
        and first["challengeResult"] is True
        and all(e["challengeName"] == "CUSTOM_CHALLENGE" for e in rounds)
        and all(e["challengeResult"] is False for e in rounds[:-1])
        and rounds[-1]["challengeResult"] is True
        and decode_state(rounds[-1]["challengeMetadata"]) is not None
    )


def define_response(event: object) -> dict[str, Any]:
    result = define_auth_challenge.handler(event, None)
    response = result["response"]
    assert response["issueTokens"] in (True, False)
    assert response["failAuthentication"] in (True, False)
    assert not (response["issueTokens"] and response["failAuthentication"])
    return dict(response)


@RANDOM_OBJECT_SETTINGS
@given(cognito_like)
def test_define_never_raises_nor_grants_on_random_objects(event: object) -> None:
    assert define_response(event)["issueTokens"] is False


@PROPERTY_SETTINGS
@given(
    st.lists(session_entries, max_size=8),
    client_metadata,
    st.sampled_from([None, True, False]),
)
def test_define_grants_only_after_password_then_code(
    session: list[dict[str, Any]], metadata_: dict[str, str] | None, user_not_found: bool | None
) -> None:
    event = define_event(session, client_metadata=metadata_, user_not_found=user_not_found)
    response = define_response(event)
    if response["issueTokens"]:
        assert may_grant(event)
    if not response["failAuthentication"] and not response["issueTokens"]:
        assert response["challengeName"] in ("PASSWORD_VERIFIER", "CUSTOM_CHALLENGE")


@PROPERTY_SETTINGS
@given(
    st.lists(session_entries, max_size=8),
    st.sampled_from(["challengeName", "challengeResult", "challengeMetadata"]),
    json_values,
    st.data(),
)
def test_define_survives_a_corrupted_entry(
    session: list[dict[str, Any]], key: str, value: object, data: st.DataObject
) -> None:
    if session:
        index = data.draw(st.integers(0, len(session) - 1))
        session[index] = {**session[index], key: value}
    event = define_event(session)
    response = define_response(event)
    if response["issueTokens"]:
        assert may_grant(event)


@RANDOM_OBJECT_SETTINGS
@given(cognito_like)
def test_verify_never_raises_nor_accepts_random_objects(event: object) -> None:
    assert verify_auth_challenge.handler(event, None)["response"]["answerCorrect"] is False


CODES = st.text(alphabet="0123456789", min_size=6, max_size=6)


@st.composite
def answers(draw: st.DrawFn, code: str) -> object:
    return draw(
        st.one_of(
            st.just(code),
            st.just(f" {code} "),
            CODES,
            st.text(max_size=40),
            st.integers(),
            st.none(),
            st.just(code + "0"),
            st.just(code[:-1]),
            st.lists(st.just(code), max_size=2),
        )
    )


@PROPERTY_SETTINGS
@given(
    CODES,
    st.data(),
    st.sampled_from(["valid", "expired", "exhausted", "garbled", "missing"]),
    client_metadata,
    st.sampled_from([None, True, False]),
)
def test_verify_accepts_only_the_real_code(
    code: str,
    data: st.DataObject,
    state_kind: str,
    metadata_: dict[str, str] | None,
    user_not_found: bool | None,
) -> None:
    state = code_state(
        code,
        age=(TEST_OTP.ttl_seconds + 5) if state_kind == "expired" else 5,
        wrong=TEST_OTP.max_attempts if state_kind == "exhausted" else 0,
    )
    encoded = encode_state(state)
    if state_kind == "garbled":
        position = data.draw(st.integers(0, len(encoded) - 1))
        encoded = encoded[:position] + encoded[position + 1 :]
    private = None if state_kind == "missing" else {STATE_PARAMETER: encoded}
    answer = data.draw(answers(code))
    event = verify_event(answer, private, client_metadata=metadata_, user_not_found=user_not_found)
    correct = verify_auth_challenge.handler(event, None)["response"]["answerCorrect"]
    assert correct in (True, False)
    if correct:
        assert isinstance(answer, str)
        assert answer.strip() == code
        # A deletion inside a timestamp can leave a readable state; the digest still decides.
        assert state_kind in ("valid", "garbled")
        assert user_not_found is not True
        assert (metadata_ or {}).get("resend") != "true"
