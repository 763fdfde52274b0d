"""The client SRP math: same numbers as pycognito, proofs a server accepts, Cognito's TIMESTAMP."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pycognito.aws_srp import AWSSRP

from tests.webapp.auth import srp_server
from webapp.auth import srp

POOL_ID = "eu-west-1_AbCdEfGhI"
USER_ID = "6f1c2a9e-1111-4222-8333-944455556666"
PASSWORD = "Correct-horse-9battery"


def pycognito_client(a: int) -> AWSSRP:
    """pycognito's helper with our chosen private exponent injected."""
    client = AWSSRP(
        username="user@example.com",
        password=PASSWORD,
        pool_id=POOL_ID,
        client_id="client",
        client=object(),
    )
    client.small_a_value = a
    client.large_a_value = client.calculate_a()
    return client


@pytest.mark.parametrize("bits", [256, 1024])
@pytest.mark.parametrize("powmod", [srp.python_powmod, srp.fast_powmod], ids=["python", "fast"])
def test_public_key_and_password_key_match_pycognito(bits: int, powmod: srp.PowMod) -> None:
    a = secrets.randbits(bits) | 1
    ours = srp.ephemeral_from_private(a, powmod)
    theirs = pycognito_client(a)
    assert ours.public == theirs.large_a_value
    assert ours.public_hex == theirs.get_auth_params()["SRP_A"]

    session = srp_server.start(
        ours.public_hex, srp_server.verifier(POOL_ID, USER_ID, PASSWORD, "ab12")
    )
    params = session.challenge_parameters(USER_ID)
    key = srp.password_key(
        pool_id=POOL_ID,
        user_id_for_srp=USER_ID,
        password=PASSWORD,
        salt_hex=params["SALT"],
        srp_b_hex=params["SRP_B"],
        ephemeral=ours,
        powmod=powmod,
    )
    expected = theirs.get_password_authentication_key(
        USER_ID, PASSWORD, int(params["SRP_B"], 16), params["SALT"]
    )
    assert key == bytes(expected)


def test_signature_matches_pycognito_process_challenge() -> None:
    a = secrets.randbits(1024)
    theirs = pycognito_client(a)
    ours = srp.ephemeral_from_private(a)
    v = srp_server.verifier(POOL_ID, USER_ID, PASSWORD, "7e3a91")
    params = srp_server.start(ours.public_hex, v, salt_hex="7e3a91").challenge_parameters(USER_ID)

    reference = theirs.process_challenge(params, {"USERNAME": "user@example.com"})
    key = srp.password_key(
        pool_id=POOL_ID,
        user_id_for_srp=USER_ID,
        password=PASSWORD,
        salt_hex=params["SALT"],
        srp_b_hex=params["SRP_B"],
        ephemeral=ours,
    )
    signature = srp.password_signature(
        key=key,
        pool_id=POOL_ID,
        user_id_for_srp=USER_ID,
        secret_block_b64=params["SECRET_BLOCK"],
        timestamp=reference["TIMESTAMP"],
    )
    assert signature == reference["PASSWORD_CLAIM_SIGNATURE"]


@pytest.mark.parametrize("bits", [256, 1024])
def test_server_accepts_the_right_password_and_only_it(bits: int) -> None:
    salt = "5c0ffee1"
    v = srp_server.verifier(POOL_ID, USER_ID, PASSWORD, salt)
    moment = datetime(2026, 11, 21, 17, 39, 55, tzinfo=UTC)
    for password, accepted in ((PASSWORD, True), (PASSWORD + "x", False)):
        ephemeral = srp.new_ephemeral(bits)
        session = srp_server.start(ephemeral.public_hex, v, salt_hex=salt)
        responses = srp.password_verifier_responses(
            pool_id=POOL_ID,
            password=password,
            challenge_parameters=session.challenge_parameters(USER_ID),
            ephemeral=ephemeral,
            now=moment,
        )
        assert responses["TIMESTAMP"] == "Sat Nov 21 17:39:55 UTC 2026"
        assert responses["USERNAME"] == USER_ID
        assert responses["PASSWORD_CLAIM_SECRET_BLOCK"] == session.secret_block_b64
        ok = srp_server.verify(
            session,
            v,
            POOL_ID,
            USER_ID,
            timestamp=responses["TIMESTAMP"],
            signature=responses["PASSWORD_CLAIM_SIGNATURE"],
        )
        assert ok is accepted


def test_a_tampered_timestamp_is_refused() -> None:
    v = srp_server.verifier(POOL_ID, USER_ID, PASSWORD, "0a1b")
    ephemeral = srp.new_ephemeral()
    session = srp_server.start(ephemeral.public_hex, v, salt_hex="0a1b")
    responses = srp.password_verifier_responses(
        pool_id=POOL_ID,
        password=PASSWORD,
        challenge_parameters=session.challenge_parameters(USER_ID),
        ephemeral=ephemeral,
        now=datetime(2026, 1, 5, 3, 4, 5, tzinfo=UTC),
    )
    signature = responses["PASSWORD_CLAIM_SIGNATURE"]
    stamp = responses["TIMESTAMP"]
    assert srp_server.verify(session, v, POOL_ID, USER_ID, timestamp=stamp, signature=signature)
    later = "Mon Jan 5 03:04:06 UTC 2026"
    assert not srp_server.verify(session, v, POOL_ID, USER_ID, timestamp=later, signature=signature)


def test_new_ephemeral_draws_the_requested_size_and_never_repeats() -> None:
    first, second = srp.new_ephemeral(256), srp.new_ephemeral(256)
    assert first.a != second.a
    assert 1 < first.a < 2**256
    assert first.public == pow(2, first.a, srp.N)
    assert "a=" not in repr(first)
    assert str(first.a) not in repr(first)


@pytest.mark.parametrize("bad_b", [0, srp.N, 2 * srp.N])
def test_a_server_value_of_zero_mod_n_is_refused(bad_b: int) -> None:
    with pytest.raises(srp.SrpError):
        srp.password_key(
            pool_id=POOL_ID,
            user_id_for_srp=USER_ID,
            password=PASSWORD,
            salt_hex="ab",
            srp_b_hex=f"{bad_b:x}",
            ephemeral=srp.new_ephemeral(),
        )


@pytest.mark.parametrize("bad_a", [0, -1, srp.N])
def test_private_exponent_out_of_range_is_refused(bad_a: int) -> None:
    with pytest.raises(srp.SrpError):
        srp.ephemeral_from_private(bad_a)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0x1, "01"), (0x7F, "7f"), (0x80, "0080"), (0xABC, "0abc"), ("ff", "00ff"), ("0f", "0f")],
)
def test_pad_hex(value: int | str, expected: str) -> None:
    assert srp.pad_hex(value) == expected


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 11, 1, 7, 5, 9, tzinfo=UTC), "Sun Nov 1 07:05:09 UTC 2026"),
        (datetime(2026, 2, 28, 23, 59, 59, tzinfo=UTC), "Sat Feb 28 23:59:59 UTC 2026"),
        # 09:00 in Tokyo is midnight UTC: the timestamp is always UTC.
        (
            datetime(2026, 1, 1, 9, 0, 0, tzinfo=timezone(timedelta(hours=9))),
            "Thu Jan 1 00:00:00 UTC 2026",
        ),
    ],
)
def test_cognito_timestamp_examples(moment: datetime, expected: str) -> None:
    assert srp.cognito_timestamp(moment) == expected


@settings(max_examples=200, deadline=None)
@given(st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2200, 1, 1)))
def test_cognito_timestamp_matches_pycognito(moment: datetime) -> None:
    assert srp.cognito_timestamp(moment) == AWSSRP.get_cognito_formatted_timestamp(moment)
