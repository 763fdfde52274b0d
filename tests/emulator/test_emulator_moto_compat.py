"""Everything moto already does keeps working next to the emulator's additions."""

from __future__ import annotations

import boto3
from emulator_testkit import PASSWORD, cognito, new_email

from emulator import LocalStack, start_local_stack
from emulator.triggers import AwsTarget, aws_redirected_to


def test_plain_moto_cognito_calls(stack: LocalStack) -> None:
    client = cognito(stack)
    pool = client.create_user_pool(PoolName="plain")["UserPool"]
    app = client.create_user_pool_client(
        UserPoolId=pool["Id"],
        ClientName="plain",
        ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH"],  # off by default, as in Cognito
    )
    email = new_email()
    client.admin_create_user(
        UserPoolId=pool["Id"],
        Username="plain-user",
        UserAttributes=[{"Name": "email", "Value": email}],
        MessageAction="SUPPRESS",
    )
    client.admin_set_user_password(
        UserPoolId=pool["Id"], Username="plain-user", Password=PASSWORD, Permanent=True
    )
    users = client.list_users(UserPoolId=pool["Id"])["Users"]
    assert [u["Username"] for u in users] == ["plain-user"]
    described = client.describe_user_pool_client(
        UserPoolId=pool["Id"], ClientId=app["UserPoolClient"]["ClientId"]
    )
    assert described["UserPoolClient"]["ClientName"] == "plain"
    tokens = client.admin_initiate_auth(
        UserPoolId=pool["Id"],
        ClientId=app["UserPoolClient"]["ClientId"],
        AuthFlow="ADMIN_NO_SRP_AUTH",
        AuthParameters={"USERNAME": "plain-user", "PASSWORD": PASSWORD},
    )
    assert "AccessToken" in tokens["AuthenticationResult"]
    client.delete_user_pool(UserPoolId=pool["Id"])


def test_plain_moto_ses_calls(stack: LocalStack) -> None:
    ses = stack.boto3_client("ses")
    ses.verify_email_identity(EmailAddress="plain@example.com")
    assert "plain@example.com" in ses.list_identities()["Identities"]


def test_client_redirect_is_idempotent_and_scoped(stack: LocalStack) -> None:
    target = AwsTarget(stack.endpoint_url, stack.region, "testing", "testing")
    with aws_redirected_to(target), aws_redirected_to(target):
        inside = boto3.client("sesv2")
    outside = boto3.client("sesv2", region_name="eu-west-1")
    assert inside.meta.endpoint_url == stack.endpoint_url
    assert outside.meta.endpoint_url != stack.endpoint_url


def test_stacks_are_isolated_and_stop_cleanly() -> None:
    with start_local_stack(triggers={}) as first, start_local_stack(triggers={}) as second:
        assert first.user_pool_id != second.user_pool_id
        assert first.endpoint_url != second.endpoint_url
        email = new_email()
        cognito(first).sign_up(ClientId=first.client_id, Username=email, Password=PASSWORD)
        assert len(first.mailbox.messages(email)) == 1
        assert second.mailbox.messages(email) == []
        assert first.env()["USER_POOL_ID"] == first.user_pool_id
        pool_id = first.user_pool_id
    assert pool_id not in first.backend.user_pools


def test_stack_survives_a_mock_aws_reset_in_the_same_process() -> None:
    """Other test modules use moto's mock_aws, whose start resets every moto backend."""
    from moto import mock_aws

    with start_local_stack(triggers={}) as survivor:
        email = new_email()
        cognito(survivor).sign_up(ClientId=survivor.client_id, Username=email, Password=PASSWORD)
        with mock_aws():
            pass
        found = cognito(survivor).admin_get_user(UserPoolId=survivor.user_pool_id, Username=email)
        assert found["UserStatus"] == "UNCONFIRMED"
        survivor.boto3_client("sesv2").send_email(
            FromEmailAddress=survivor.settings.triggers.sender_email,
            Destination={"ToAddresses": [email]},
            Content={"Simple": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "t"}}}},
        )
        assert len(survivor.mailbox.messages(email)) == 2
