"""Auth: trigger Lambdas, their roles and permissions, the limits table, the pool and the client."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pulumi
import pytest
from infra_harness import (
    ACCOUNT,
    PROJECT,
    REGION,
    ROOT,
    USER_DOMAIN,
    Program,
    config_for,
    run_program,
)

from functions.settings import (
    ATTRIBUTES_VERIFIED_BEFORE_UPDATE,
    CLIENT_AUTH_FLOWS,
    CLIENT_READ_ATTRIBUTES,
    CLIENT_WRITE_ATTRIBUTES,
    LIMITS_TABLE_ENV,
    LoginSettings,
    Setting,
)
from infra.auth import TRIGGERS

FUNCTION = "aws:lambda/function:Function"
IDENTITY = "aws:sesv2/emailIdentity:EmailIdentity"
TABLE = "aws:dynamodb/table:Table"
SIX_TRIGGERS = {
    "define-auth-challenge",
    "create-auth-challenge",
    "verify-auth-challenge",
    "custom-message",
    "post-authentication",
    "post-confirmation",
}
# The triggers that count codes per account; only they may touch the table.
TABLE_USERS = {
    "create-auth-challenge",
    "verify-auth-challenge",
    "post-authentication",
    "post-confirmation",
}
# Create emails the code, Verify the one warning when a lock starts. Custom message only
# rewrites Cognito's own emails, which Cognito sends itself.
MAIL_SENDERS = {"create-auth-challenge", "verify-auth-challenge"}


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


def test_six_triggers_from_the_functions_folder(stack: str) -> None:
    program = run_program(config_for(stack), stack=stack)
    login = _login(stack)
    functions = _functions(program)
    table = program.one(TABLE)
    assert set(functions) == {t.name for t in TRIGGERS} == SIX_TRIGGERS
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
        assert env == {**login.triggers.to_env(), LIMITS_TABLE_ENV: table.state["name"]}
        assert fn["timeout"] == 5, "Cognito waits 5 s: a longer run only mails duplicates"
        assert "USER_POOL_ID" not in env, "the pool id would be a circular dependency"
        assert not any("POOL" in key for key in env)
        group = log_groups[f"auth-{trigger.name}"]
        assert fn["loggingConfig"]["logGroup"] == group.state["name"]
        # A prefix, never a fixed name: a replacement must not collide with the old group.
        assert "name" not in group.inputs
        assert group.inputs["namePrefix"] == f"/{PROJECT}/{stack}/lambda/{trigger.name}-"
        expected_days = {"dev": 7, "prod": 90}[stack]
        assert group.inputs["retentionInDays"] == expected_days
        role_arns.add(fn["role"])
    assert len(role_arns) == 6, "each trigger has its own role"
    for arn in role_arns:
        role = program.by_arn(arn)
        assert '"Service": "lambda.amazonaws.com"' in role.inputs["assumeRolePolicy"]


def _statements_of(program: Program, trigger_name: str) -> list[dict[str, Any]]:
    """The statements of the one inline policy of a trigger's role (and no attached policy)."""
    role = program.by_arn(_functions(program)[trigger_name].inputs["role"])
    attached = [
        r
        for r in program.of_type("aws:iam/rolePolicy:RolePolicy")
        if r.inputs["role"] == role.state["id"]
    ]
    assert len(attached) == 1, trigger_name
    assert not program.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
    statements: list[dict[str, Any]] = json.loads(attached[0].inputs["policy"])["Statement"]
    return statements


def _actions(statement: dict[str, Any]) -> list[str]:
    action = statement["Action"]
    return action if isinstance(action, list) else [action]


def test_trigger_policies_log_send_and_count_only_what_each_needs(stack: str) -> None:
    program = run_program(config_for(stack), stack=stack)
    identity = program.one(IDENTITY)
    table = program.one(TABLE)
    sender = _login(stack).triggers.sender_email
    for trigger in TRIGGERS:
        statements = _statements_of(program, trigger.name)
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
        ses = [s for s in statements if any(a.startswith("ses:") for a in _actions(s))]
        if trigger.name in MAIL_SENDERS:
            assert trigger.sends_email
            # In the SES sandbox each verified recipient's identity is authorized too: every
            # identity of the account and region, but only ever From the sender.
            assert identity.state["arn"].startswith(f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/")
            assert ses == [
                {
                    "Sid": "SendAsSenderOnly",
                    "Effect": "Allow",
                    "Action": ["ses:SendEmail", "ses:SendRawEmail"],
                    "Resource": [
                        f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/*",
                        f"arn:aws:ses:{REGION}:{ACCOUNT}:configuration-set/{PROJECT}-{stack}",
                    ],
                    "Condition": {"StringEquals": {"ses:FromAddress": sender}},
                }
            ]
        else:
            assert ses == [], f"{trigger.name} must not send mail"
        dynamodb = [s for s in statements if any(a.startswith("dynamodb:") for a in _actions(s))]
        if trigger.name in TABLE_USERS:
            assert trigger.uses_limits_table
            assert dynamodb == [
                {
                    "Sid": "ReadWriteAccountLimits",
                    "Effect": "Allow",
                    "Action": ["dynamodb:GetItem", "dynamodb:PutItem"],
                    "Resource": [table.state["arn"]],
                }
            ], f"{trigger.name}: exactly GetItem and PutItem on exactly the table"
        else:
            assert dynamodb == [], f"{trigger.name} must not touch DynamoDB"
        assert len(statements) == len(logs) + len(ses) + len(dynamodb)
    assert not any(t.sends_email for t in TRIGGERS if t.name not in MAIL_SENDERS)
    assert not any(t.uses_limits_table for t in TRIGGERS if t.name not in TABLE_USERS)


def test_custom_message_sends_nothing_itself() -> None:
    """Its handler only fills in the response: no SES client, so its role needs no SES right."""
    source = (ROOT / "functions" / "custom_message.py").read_text()
    assert "mailer" not in source
    assert "boto3" not in source
    assert "send_email" not in source


def test_limits_table(stack: str) -> None:
    program = run_program(config_for(stack), stack=stack)
    table = program.one(TABLE)
    assert table.name == "auth-limits"
    assert table.parent_type == "cognito-otp:infra:Auth"
    inputs = table.inputs
    assert inputs["billingMode"] == "PAY_PER_REQUEST"
    assert inputs["hashKey"] == "pk"
    assert inputs["attributes"] == [{"name": "pk", "type": "S"}], "one string key, nothing else"
    for absent in ("rangeKey", "globalSecondaryIndexes", "localSecondaryIndexes"):
        assert absent not in inputs, absent
    assert inputs["ttl"] == {"attributeName": "expires_at", "enabled": True}
    assert inputs["serverSideEncryption"] == {"enabled": True}
    assert inputs["deletionProtectionEnabled"] is {"dev": False, "prod": True}[stack]
    assert inputs["tags"] == {"project": PROJECT, "stack": stack}
    assert program.exports["limitsTableName"] == table.state["name"]


def test_the_table_matches_the_items_the_triggers_write() -> None:
    """The key and TTL attribute of the table are those functions/account_store.py writes."""
    from functions.account_limits import AccountRecord
    from functions.account_store import account_key, encode_item

    key = account_key("0b1c2d3e-sub")
    item = encode_item(key, AccountRecord())
    assert item["pk"] == {"S": key}
    assert set(item["expires_at"]) == {"N"}, "TTL needs a number (epoch seconds)"
    assert "0b1c2d3e-sub" not in key, "the key is a hash, not the sub"


def test_every_trigger_knows_the_table_and_is_created_after_it(stack: str) -> None:
    program = run_program(config_for(stack), stack=stack)
    table = program.one(TABLE)
    functions = _functions(program)
    assert set(functions) == SIX_TRIGGERS
    for name, function in functions.items():
        env = function.inputs["environment"]["variables"]
        assert env[LIMITS_TABLE_ENV] == table.state["name"], name
        assert table.urn in function.dependencies, name


def test_trigger_memory_gives_boto3_users_cpu(stack: str) -> None:
    """1 vCPU per 1,769 MB: boto3 (~0.3 s of CPU) at 256 MB would take seconds of Cognito's 5."""
    program = run_program(config_for(stack), stack=stack)
    functions = _functions(program)
    for trigger in TRIGGERS:
        assert functions[trigger.name].inputs["memorySize"] == trigger.memory_mb
    memory = {name: fn.inputs["memorySize"] for name, fn in functions.items()}
    assert memory["define-auth-challenge"] <= 256, "Define never imports boto3"
    assert memory["custom-message"] <= 256
    for name in TABLE_USERS | MAIL_SENDERS:
        assert memory[name] >= 1024, name
        assert 0.39 * 1769 / memory[name] < 1.0, f"{name}: a cold start over a second of CPU"


def test_one_permission_per_trigger_scoped_to_the_pool(stack: str) -> None:
    program = run_program(config_for(stack), stack=stack)
    pool = program.one("aws:cognito/userPool:UserPool")
    permissions = program.of_type("aws:lambda/permission:Permission")
    assert len(permissions) == len(SIX_TRIGGERS) == 6
    functions = _functions(program)
    assert sorted(p.inputs["function"] for p in permissions) == sorted(
        f.state["name"] for f in functions.values()
    )
    for permission in permissions:
        assert permission.inputs["action"] == "lambda:InvokeFunction"
        assert permission.inputs["principal"] == "cognito-idp.amazonaws.com"
        assert permission.inputs["sourceArn"] == pool.state["arn"]
        # And the pool's account (AWS's confused-deputy advice for service principals).
        assert permission.inputs["sourceAccount"] == ACCOUNT


@pytest.mark.parametrize(
    ("mode", "tier", "add_ons"),
    [
        ("off", "LITE", None),
        ("audit", "PLUS", "AUDIT"),
        ("enforced", "PLUS", "ENFORCED"),
    ],
)
def test_threat_protection_needs_the_plus_tier_and_covers_custom_auth(
    mode: str, tier: str, add_ons: str | None
) -> None:
    program = run_program(config_for("prod", threatProtection=mode), stack="prod")
    pool = program.one("aws:cognito/userPool:UserPool").inputs
    assert pool["userPoolTier"] == tier
    if add_ons is None:
        assert "userPoolAddOns" not in pool, "off: no add-on, Lite's price"
    else:
        # This login signs in only with CUSTOM_AUTH: without the custom-auth mode threat
        # protection would score none of its sign-ins.
        assert pool["userPoolAddOns"] == {
            "advancedSecurityMode": add_ons,
            "advancedSecurityAdditionalFlows": {"customAuthMode": add_ons},
        }


def test_threat_protection_is_off_unless_asked_for() -> None:
    for stack in ("dev", "prod"):
        program = run_program(config_for(stack), stack=stack)
        assert program.one("aws:cognito/userPool:UserPool").inputs["userPoolTier"] == "LITE"


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
        "postConfirmation": functions["post-confirmation"].state["arn"],
    }
    assert pool["userAttributeUpdateSettings"] == {
        "attributesRequireVerificationBeforeUpdates": list(ATTRIBUTES_VERIFIED_BEFORE_UPDATE)
    }
    assert "email" in ATTRIBUTES_VERIFIED_BEFORE_UPDATE
    assert pool["deletionProtection"] == {"dev": "INACTIVE", "prod": "ACTIVE"}[stack]
    email = pool["emailConfiguration"]
    assert email["emailSendingAccount"] == "DEVELOPER"
    assert email["sourceArn"] == identity.state["arn"]
    assert email["fromEmailAddress"].endswith(f"<{login.triggers.sender_email}>")
    assert login.triggers.app_name in email["fromEmailAddress"]

    client = program.one("aws:cognito/userPoolClient:UserPoolClient").inputs
    assert client["userPoolId"] == program.one("aws:cognito/userPool:UserPool").state["id"]
    assert client["generateSecret"] is False
    flows = client["explicitAuthFlows"]
    assert flows == list(CLIENT_AUTH_FLOWS) == ["ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    for flow in flows:
        # These never run Define/Create/Verify: the password alone would return tokens.
        assert flow.removeprefix("ALLOW_") not in {
            "USER_SRP_AUTH",
            "USER_PASSWORD_AUTH",
            "USER_AUTH",
        }, flow
        assert "ADMIN" not in flow, flow
    assert client["readAttributes"] == list(CLIENT_READ_ATTRIBUTES)
    assert client["writeAttributes"] == list(CLIENT_WRITE_ATTRIBUTES)
    assert "email" in client["readAttributes"]
    assert "email" not in client["writeAttributes"], "a token must not move the codes"
    assert "email_verified" not in client["writeAttributes"]
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
        assert identity.inputs["emailIdentity"] == f"no-reply@{USER_DOMAIN}"
        assert program.exports["dkimRecords"] == []
    else:
        assert identity.inputs["emailIdentity"] == USER_DOMAIN
        assert program.exports["dkimRecords"] == [
            {
                "name": f"{t}._domainkey.{USER_DOMAIN}",
                "type": "CNAME",
                "value": f"{t}.dkim.amazonses.com",
            }
            for t in ("tokena", "tokenb", "tokenc")
        ]


def test_a_reply_to_address_reaches_cognito_the_triggers_and_every_mail(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from functions import mailer
    from functions.email_templates import EmailContent

    address = f"help@{USER_DOMAIN}"
    program = run_program(config_for("dev", replyToEmail=address))
    pool = program.one("aws:cognito/userPool:UserPool").inputs
    assert pool["emailConfiguration"]["replyToEmailAddress"] == address
    for name, function in _functions(program).items():
        assert function.inputs["environment"]["variables"][mailer.REPLY_TO_ENV] == address, name
    without = run_program(config_for("dev"))
    assert (
        "replyToEmailAddress"
        not in without.one("aws:cognito/userPool:UserPool").inputs["emailConfiguration"]
    )

    sent: list[dict[str, Any]] = []

    class Client:
        def send_email(self, **request: Any) -> None:
            sent.append(request)

    client = Client()
    monkeypatch.setattr(mailer, "ses_client", lambda region=None: client)
    content = EmailContent(subject="s", text="t", html="<p>h</p>")
    monkeypatch.setenv(mailer.REPLY_TO_ENV, address)
    mailer.send_email(sender="a@b.io", recipient="c@d.io", content=content)
    monkeypatch.delenv(mailer.REPLY_TO_ENV)
    mailer.send_email(sender="a@b.io", recipient="c@d.io", content=content)
    assert sent[0]["ReplyToAddresses"] == [address]
    assert "ReplyToAddresses" not in sent[1]
