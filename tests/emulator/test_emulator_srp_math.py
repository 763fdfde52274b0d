"""Property tests of the server's SRP math against pycognito's client (no server involved)."""

from __future__ import annotations

import base64
import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pycognito.aws_srp import AWSSRP

from emulator import srp

POOL_ID = "us-east-1_AbCdEf123"
passwords = st.text(
    alphabet=st.characters(min_codepoint=33, max_codepoint=0x2FFF), min_size=1, max_size=40
)


def _proof(password_used: str, password_stored: str, salt: str) -> bool:
    verifier = srp.compute_verifier(POOL_ID, "user-id", password_stored, salt)
    client = AWSSRP("user-id", password_used, POOL_ID, "client", client=object())
    step = srp.start(format(client.large_a_value, "x"), verifier)
    block = srp.new_secret_block()
    answers = client.process_challenge(
        {
            "USER_ID_FOR_SRP": "user-id",
            "SALT": salt,
            "SRP_B": format(step.big_b, "x"),
            "SECRET_BLOCK": block,
            "USERNAME": "user-id",
        },
        {"USERNAME": "user-id"},
    )
    expected = srp.expected_signature(
        step,
        verifier,
        user_pool_id=POOL_ID,
        user_id_for_srp="user-id",
        secret_block_b64=block,
        timestamp=answers["TIMESTAMP"],
    )
    return srp.signature_matches(expected, answers["PASSWORD_CLAIM_SIGNATURE"])


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(password=passwords)
def test_the_right_password_is_accepted(password: str) -> None:
    assert _proof(password, password, srp.new_salt())


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stored=passwords, used=passwords)
def test_a_different_password_is_rejected(stored: str, used: str) -> None:
    if stored != used:
        assert not _proof(used, stored, srp.new_salt())


def test_salts_are_canonical() -> None:
    for _ in range(200):
        salt = srp.new_salt()
        assert salt == format(int(salt, 16), "x")
        assert salt[0] in "89abcdef"


@given(moment=st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2099, 1, 1)))
def test_timestamps_round_trip_in_cognito_format(moment: dt.datetime) -> None:
    moment = moment.replace(microsecond=0, tzinfo=dt.UTC)
    text = srp.format_timestamp(moment)
    assert text == AWSSRP.get_cognito_formatted_timestamp(moment)
    assert srp.parse_timestamp(text) == moment


def test_secret_blocks_are_base64_and_fresh() -> None:
    blocks = {srp.new_secret_block() for _ in range(20)}
    assert len(blocks) == 20
    assert all(len(base64.b64decode(b)) == 96 for b in blocks)
