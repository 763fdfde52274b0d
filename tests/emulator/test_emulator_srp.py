"""SRP really proves the password (pycognito's client helpers; USER_SRP_AUTH, CUSTOM_AUTH).

The product's app client enables only CUSTOM_AUTH (and refresh); the USER_SRP_AUTH tests use an
extra client that enables it, since the emulator still answers that flow for clients that do.
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from emulator_testkit import (
    PASSWORD,
    cognito,
    confirmed_user,
    error_of,
    new_email,
    prove_password,
    srp_helper,
    start_custom_auth,
)

from emulator import AppClient, LocalStack, start_local_stack

SRP_FLOWS = ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]


@pytest.fixture(scope="module")
def srp_client(stack: LocalStack) -> AppClient:
    return stack.create_client("user-srp", explicit_auth_flows=SRP_FLOWS)


def test_user_srp_auth_accepts_the_right_password(stack: LocalStack, srp_client: AppClient) -> None:
    email = confirmed_user(stack)
    tokens = srp_helper(stack, email, client_id=srp_client.client_id).authenticate_user()
    assert set(tokens["AuthenticationResult"]) >= {"AccessToken", "IdToken", "RefreshToken"}


def test_user_srp_auth_rejects_a_wrong_password(stack: LocalStack, srp_client: AppClient) -> None:
    email = confirmed_user(stack)
    with pytest.raises(ClientError) as caught:
        srp_helper(
            stack, email, "Wrong-Horse-42x", client_id=srp_client.client_id
        ).authenticate_user()
    assert error_of(caught.value) == ("NotAuthorizedException", "Incorrect username or password.")


def test_custom_auth_srp_step_accepts_the_right_password(stack: LocalStack) -> None:
    email = confirmed_user(stack)
    challenge = prove_password(stack, email)
    assert challenge["ChallengeName"] == "CUSTOM_CHALLENGE"


def test_custom_auth_srp_step_rejects_a_wrong_password(stack: LocalStack) -> None:
    email = confirmed_user(stack)
    with pytest.raises(ClientError) as caught:
        prove_password(stack, email, "Wrong-Horse-42x")
    assert error_of(caught.value) == ("NotAuthorizedException", "Incorrect username or password.")


def test_challenge_parameters_are_canonical(stack: LocalStack) -> None:
    email = confirmed_user(stack)
    _, first, _ = start_custom_auth(stack, email)
    params = first["ChallengeParameters"]
    assert set(params) == {"SALT", "SRP_B", "SECRET_BLOCK", "USER_ID_FOR_SRP", "USERNAME"}
    assert not params["SALT"].startswith("0")
    assert params["SALT"] == format(int(params["SALT"], 16), "x")
    assert not params["SRP_B"].startswith("0")
    assert params["USER_ID_FOR_SRP"] != email  # the internal username, not the alias


def _answers(stack: LocalStack, email: str) -> tuple[dict, dict]:
    srp, first, params = start_custom_auth(stack, email)
    return first, srp.process_challenge(first["ChallengeParameters"], params)


def _other_first_char(signature: str) -> str:
    """The signature with its first base64 character replaced by a different one."""
    return ("B" if signature.startswith("A") else "A") + signature[1:]


@pytest.mark.parametrize(
    "tamper",
    [
        lambda a: a.update(TIMESTAMP=a["TIMESTAMP"].replace(" UTC", "1 UTC")),
        lambda a: a.update(TIMESTAMP="Mon Jan 1 00:00:00 UTC 2001"),
        lambda a: a.update(PASSWORD_CLAIM_SECRET_BLOCK="QUJD" + a["PASSWORD_CLAIM_SECRET_BLOCK"]),
        lambda a: a.update(
            PASSWORD_CLAIM_SIGNATURE=_other_first_char(a["PASSWORD_CLAIM_SIGNATURE"])
        ),
    ],
    ids=["timestamp-altered", "timestamp-stale", "secret-block", "signature"],
)
def test_a_tampered_proof_is_rejected(stack: LocalStack, tamper) -> None:  # type: ignore[no-untyped-def]
    email = confirmed_user(stack)
    first, answers = _answers(stack, email)
    original = dict(answers)
    tamper(answers)
    assert answers != original, "the tamper must change the proof"
    with pytest.raises(ClientError) as caught:
        cognito(stack).respond_to_auth_challenge(
            ClientId=stack.client_id,
            ChallengeName="PASSWORD_VERIFIER",
            Session=first["Session"],
            ChallengeResponses=answers,
        )
    assert error_of(caught.value)[0] == "NotAuthorizedException"


def test_password_change_by_reset_changes_what_srp_accepts(
    stack: LocalStack, srp_client: AppClient
) -> None:
    email = confirmed_user(stack)
    client = cognito(stack)
    client.admin_set_user_password(
        UserPoolId=stack.user_pool_id, Username=email, Password="Another-Pass-99z", Permanent=True
    )
    cid = srp_client.client_id
    assert srp_helper(stack, email, "Another-Pass-99z", client_id=cid).authenticate_user()
    with pytest.raises(ClientError):
        srp_helper(stack, email, PASSWORD, client_id=cid).authenticate_user()


def test_unknown_user_gets_a_simulated_stable_srp_step_then_generic_failure(
    stack: LocalStack,
) -> None:
    ghost = new_email()
    _, first, _ = start_custom_auth(stack, ghost)
    _, again, _ = start_custom_auth(stack, ghost)
    assert first["ChallengeName"] == "PASSWORD_VERIFIER"
    assert first["ChallengeParameters"]["SALT"] == again["ChallengeParameters"]["SALT"]
    uid = first["ChallengeParameters"]["USER_ID_FOR_SRP"]
    assert uid == again["ChallengeParameters"]["USER_ID_FOR_SRP"]
    assert len(uid) == 36
    assert uid.count("-") == 4
    with pytest.raises(ClientError) as caught:
        prove_password(stack, ghost)
    assert error_of(caught.value) == ("NotAuthorizedException", "Incorrect username or password.")


def test_unknown_user_with_legacy_errors_is_reported() -> None:
    with (
        start_local_stack(
            triggers={}, prevent_user_existence_errors="LEGACY", explicit_auth_flows=SRP_FLOWS
        ) as legacy,
        pytest.raises(ClientError) as caught,
    ):
        srp_helper(legacy, new_email()).authenticate_user()
    assert error_of(caught.value) == ("UserNotFoundException", "User does not exist.")


def test_unconfirmed_user_is_told_only_after_proving_the_password(
    stack: LocalStack, srp_client: AppClient
) -> None:
    email = new_email()
    cid = srp_client.client_id
    cognito(stack).sign_up(ClientId=stack.client_id, Username=email, Password=PASSWORD)
    with pytest.raises(ClientError) as wrong:
        srp_helper(stack, email, "Wrong-Horse-42x", client_id=cid).authenticate_user()
    assert error_of(wrong.value)[0] == "NotAuthorizedException"
    with pytest.raises(ClientError) as right:
        srp_helper(stack, email, client_id=cid).authenticate_user()
    assert error_of(right.value) == ("UserNotConfirmedException", "User is not confirmed.")


def test_password_lockout_after_five_failures(stack: LocalStack, srp_client: AppClient) -> None:
    email = confirmed_user(stack)
    cid = srp_client.client_id
    for _ in range(5):
        with pytest.raises(ClientError) as wrong:
            srp_helper(stack, email, "Wrong-Horse-42x", client_id=cid).authenticate_user()
        assert error_of(wrong.value)[1] == "Incorrect username or password."
    with pytest.raises(ClientError) as locked:  # even the right password, while locked
        srp_helper(stack, email, client_id=cid).authenticate_user()
    assert error_of(locked.value) == ("NotAuthorizedException", "Password attempts exceeded")
    stack.clock.advance(1.5)  # the first lockout lasts one second
    result = srp_helper(stack, email, client_id=cid).authenticate_user()["AuthenticationResult"]
    assert result["AccessToken"]
