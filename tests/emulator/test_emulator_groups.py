"""Cognito groups: CreateGroup, AdminAddUserToGroup (by email), the `cognito:groups` claim.

From the API reference: a group is created in a pool (CreateGroup), a user is added with
AdminAddUserToGroup (Username may be the email alias), AdminListGroupsForUser lists them, and the
ID and access tokens of later sign-ins and refreshes carry `cognito:groups`; a user in no group
gets no such claim at all.
"""

from __future__ import annotations

from typing import Any

import jwt
import pytest
from botocore.exceptions import ClientError
from emulator_testkit import (
    answer_code,
    cognito,
    confirmed_user,
    error_of,
    latest_code,
    prove_password,
    signed_in,
)

from emulator import LocalStack


def _claims(token: str) -> dict[str, Any]:
    return dict(jwt.decode(token, options={"verify_signature": False}))


def _group(stack: LocalStack, name: str) -> None:
    client = cognito(stack)
    try:
        client.create_group(GroupName=name, UserPoolId=stack.user_pool_id)
    except ClientError as error:
        if error_of(error)[0] != "GroupExistsException":
            raise


def _sign_in(stack: LocalStack, email: str) -> dict[str, Any]:
    challenge = prove_password(stack, email)
    done = answer_code(stack, challenge, latest_code(stack, email))
    return dict(done["AuthenticationResult"])


def test_a_user_in_no_group_has_no_groups_claim(stack: LocalStack) -> None:
    _, tokens = signed_in(stack)
    assert "cognito:groups" not in _claims(tokens["IdToken"])
    assert "cognito:groups" not in _claims(tokens["AccessToken"])


def test_groups_added_by_email_appear_in_both_tokens(stack: LocalStack) -> None:
    _group(stack, "analysts")
    _group(stack, "admins")
    email = confirmed_user(stack)
    client = cognito(stack)
    for name in ("analysts", "admins"):
        client.admin_add_user_to_group(
            UserPoolId=stack.user_pool_id, Username=email, GroupName=name
        )
    listed = client.admin_list_groups_for_user(UserPoolId=stack.user_pool_id, Username=email)
    assert sorted(g["GroupName"] for g in listed["Groups"]) == ["admins", "analysts"]
    tokens = _sign_in(stack, email)
    assert _claims(tokens["IdToken"])["cognito:groups"] == ["admins", "analysts"]
    assert _claims(tokens["AccessToken"])["cognito:groups"] == ["admins", "analysts"]


def test_a_refresh_carries_the_groups_of_the_moment(stack: LocalStack) -> None:
    _group(stack, "analysts")
    email, tokens = signed_in(stack)
    client = cognito(stack)
    client.admin_add_user_to_group(
        UserPoolId=stack.user_pool_id, Username=email, GroupName="analysts"
    )
    refreshed = client.initiate_auth(
        ClientId=stack.client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]},
    )["AuthenticationResult"]
    assert _claims(refreshed["IdToken"])["cognito:groups"] == ["analysts"]
    client.admin_remove_user_from_group(
        UserPoolId=stack.user_pool_id, Username=email, GroupName="analysts"
    )
    again = client.initiate_auth(
        ClientId=stack.client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]},
    )["AuthenticationResult"]
    assert "cognito:groups" not in _claims(again["IdToken"])


def test_unknown_group_and_duplicate_group_are_refused(stack: LocalStack) -> None:
    email = confirmed_user(stack)
    client = cognito(stack)
    with pytest.raises(ClientError) as missing:
        client.admin_add_user_to_group(
            UserPoolId=stack.user_pool_id, Username=email, GroupName="no-such-group"
        )
    assert error_of(missing.value)[0] == "ResourceNotFoundException"
    _group(stack, "dupes")
    with pytest.raises(ClientError) as duplicate:
        client.create_group(GroupName="dupes", UserPoolId=stack.user_pool_id)
    assert error_of(duplicate.value)[0] == "GroupExistsException"
