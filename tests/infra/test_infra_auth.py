"""Auth: trigger Lambdas, their roles and permissions, the user pool and the app client."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pulumi
import pytest
from infra_harness import PROJECT, ROOT, Program, config_for, run_program

from functions.settings import LoginSettings, Setting
from infra.auth import TRIGGERS

FUNCTION = "aws:lambda/function:Function"
IDENTITY = "aws:sesv2/emailIdentity:EmailIdentity"


def _login(stack: str) -> LoginSettings:
    config = config_for(stack)

    def lookup(setting: Setting) -> object:
        return config.get(f"{PROJECT}:{setting.key}")

    return LoginSettings.from_lookup(lookup)


def _functions(program: Program) -> dict[str, Any]:
    return {f.name.removeprefix("auth-"): f for f in program.of_type(FUNCTION)}


@pytest.fixture(scope="module", params=["dev", "prod"])
def stack(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_five_triggers_from_the_functions_folder(stack: str) -> None:
    program = run_program(config_for(stack), stack=stack)
    login = _login(stack)
    functions = _functions(program)
    assert set(functions) == {t.name for t in TRIGGERS}
    log_groups = {g.name: g for g in program.of_type("aws:cloudwatch/logGroup:LogGroup")}
    role_arns = set()
    for trigger in TRIGGERS:
        fn = functions[trigger.name].inputs
        assert fn["handler"] == f"functions.{trigger.module}.handler"
        assert fn["runtime"] == "python3.13"
        code = fn["code"]
        assert isinstance(code, pulumi.AssetArchive)
        sources = sorted((ROOT / "functions").glob("*.py"))
        assert {f"functions/{s.name}" for s in sources} == set(code.assets), (
            "the package's sources, and nothing else, at the archive's root"
        )
        assert f"functions/{trigger.module}.py" in code.assets
        assert "functions/settings.py" in code.assets
        for name, asset in code.assets.items():
            assert isinstance(asset, pulumi.FileAsset)
            assert asset.path == str(ROOT / name)
            assert Path(asset.path).is_file()
        env = fn["environment"]["variables"]
        assert env == login.triggers.to_env()
        assert "USER_POOL_ID" not in env, "the pool id would be a circular dependency"
        assert not any("POOL" in key for key in env)
        group = log_groups[f"auth-{trigger.name}"]
        assert fn["loggingConfig"]["logGroup"] == group.inputs["name"]
        expected_days = {"dev": 7, "prod": 90}[stack]
        assert group.inputs["retentionInDays"] == expected_days
        role_arns.add(fn["role"])
    assert len(role_arns) == 5, "each trigger has its own role"
    for arn in role_arns:
        role = program.by_arn(arn)
        assert '"Service": "lambda.amazonaws.com"' in role.inputs["assumeRolePolicy"]


def test_trigger_policies_log_and_send_only_from_the_sender(stack: str) -> None:
    program = run_program(config_for(stack), stack=stack)
    identity = program.one(IDENTITY)
    functions = _functions(program)
    sender = _login(stack).triggers.sender_email
    policies = {r.name: doc for r, doc in program.policies()}
    for trigger in TRIGGERS:
        role = program.by_arn(functions[trigger.name].inputs["role"])
        attached = [
            r
            for r in program.of_type("aws:iam/rolePolicy:RolePolicy")
            if r.inputs["role"] == role.state["id"]
        ]
        assert len(attached) == 1
        assert not program.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        statements = policies[attached[0].name]["Statement"]
        log_group = program.one("aws:cloudwatch/logGroup:LogGroup", f"auth-{trigger.name}")
        logs = [s for s in statements if s["Sid"] == "WriteOwnLogs"]
        assert logs == [
            {
                "Sid": "WriteOwnLogs",
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": [f"{log_group.state['arn']}:*"],
            }
        ]
        ses = [s for s in statements if any(a.startswith("ses:") for a in s["Action"])]
        if trigger.sends_email:
            assert trigger.name in {"create-auth-challenge", "custom-message"}
            assert ses == [
                {
                    "Sid": "SendFromSenderIdentityOnly",
                    "Effect": "Allow",
                    "Action": ["ses:SendEmail", "ses:SendRawEmail"],
                    "Resource": [identity.state["arn"]],
                    "Condition": {"StringEquals": {"ses:FromAddress": sender}},
                }
            ]
        else:
            assert ses == [], f"{trigger.name} must not send mail"
        assert len(statements) == len(logs) + len(ses)


def test_one_permission_per_trigger_scoped_to_the_pool(stack: str) -> None:
    program = run_program(config_for(stack), stack=stack)
    pool = program.one("aws:cognito/userPool:UserPool")
    permissions = program.of_type("aws:lambda/permission:Permission")
    assert len(permissions) == len(TRIGGERS)
    functions = _functions(program)
    assert sorted(p.inputs["function"] for p in permissions) == sorted(
        f.state["name"] for f in functions.values()
    )
    for permission in permissions:
        assert permission.inputs["action"] == "lambda:InvokeFunction"
        assert permission.inputs["principal"] == "cognito-idp.amazonaws.com"
        assert permission.inputs["sourceArn"] == pool.state["arn"]


def test_user_pool_and_client(stack: str) -> None:
    program = run_program(config_for(stack), stack=stack)
    login = _login(stack)
    pool = program.one("aws:cognito/userPool:UserPool").inputs
    identity = program.one(IDENTITY)
    functions = _functions(program)

    assert pool["usernameAttributes"] == ["email"]
    assert pool["autoVerifiedAttributes"] == ["email"]
    policy = login.pool.password
    assert pool["passwordPolicy"] == {
        "minimumLength": policy.minimum_length,
        "requireLowercase": policy.require_lowercase,
        "requireUppercase": policy.require_uppercase,
        "requireNumbers": policy.require_numbers,
        "requireSymbols": policy.require_symbols,
        "temporaryPasswordValidityDays": policy.temporary_password_validity_days,
    }
    assert pool["accountRecoverySetting"] == {
        "recoveryMechanisms": [{"name": "verified_email", "priority": 1}]
    }
    assert pool["lambdaConfig"] == {
        "defineAuthChallenge": functions["define-auth-challenge"].state["arn"],
        "createAuthChallenge": functions["create-auth-challenge"].state["arn"],
        "verifyAuthChallengeResponse": functions["verify-auth-challenge"].state["arn"],
        "customMessage": functions["custom-message"].state["arn"],
        "postAuthentication": functions["post-authentication"].state["arn"],
    }
    assert pool["deletionProtection"] == {"dev": "INACTIVE", "prod": "ACTIVE"}[stack]
    email = pool["emailConfiguration"]
    assert email["emailSendingAccount"] == "DEVELOPER"
    assert email["sourceArn"] == identity.state["arn"]
    assert email["fromEmailAddress"].endswith(f"<{login.triggers.sender_email}>")
    assert login.triggers.app_name in email["fromEmailAddress"]

    client = program.one("aws:cognito/userPoolClient:UserPoolClient").inputs
    assert client["userPoolId"] == program.one("aws:cognito/userPool:UserPool").state["id"]
    assert client["generateSecret"] is False
    assert client["explicitAuthFlows"] == [
        "ALLOW_CUSTOM_AUTH",
        "ALLOW_USER_SRP_AUTH",
        "ALLOW_REFRESH_TOKEN_AUTH",
    ]
    assert client["preventUserExistenceErrors"] == "ENABLED"
    assert client["enableTokenRevocation"] is True
    assert client["authSessionValidity"] == login.pool.auth_session_validity_minutes == 5
    assert client["idTokenValidity"] == login.pool.id_token_validity_minutes
    assert client["accessTokenValidity"] == login.pool.access_token_validity_minutes
    assert client["refreshTokenValidity"] == login.pool.refresh_token_validity_days
    assert client["tokenValidityUnits"] == {
        "idToken": "minutes",
        "accessToken": "minutes",
        "refreshToken": "days",
    }
    assert "allowedOauthFlows" not in client


def test_sender_identity_and_its_outputs(stack: str) -> None:
    program = run_program(config_for(stack), stack=stack)
    identity = program.one(IDENTITY)
    assert program.exports["senderVerificationStatus"] == "PENDING"
    if stack == "dev":
        assert identity.inputs["emailIdentity"] == "no-reply@example.com"
        assert program.exports["dkimRecords"] == []
    else:
        assert identity.inputs["emailIdentity"] == "example.com"
        assert program.exports["dkimRecords"] == [
            {
                "name": f"{t}._domainkey.example.com",
                "type": "CNAME",
                "value": f"{t}.dkim.amazonses.com",
            }
            for t in ("tokena", "tokenb", "tokenc")
        ]
